"""The roster section of the app."""
