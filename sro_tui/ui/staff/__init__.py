"""The staff section of the app."""
