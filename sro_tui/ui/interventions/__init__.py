"""The interventions section of the app."""
