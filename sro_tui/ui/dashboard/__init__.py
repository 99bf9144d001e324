"""The dashboard section of the app."""
