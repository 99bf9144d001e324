"""The families section of the app."""
