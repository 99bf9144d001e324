"""The checkin section of the app."""
