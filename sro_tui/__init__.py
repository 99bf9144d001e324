"""sro-tui: Policy 4311 school safety and security services records."""

__version__ = "0.1.0"
