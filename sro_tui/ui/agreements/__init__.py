"""The agreements section of the app."""
