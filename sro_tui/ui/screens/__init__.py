"""One module per section screen (see navigation.SECTIONS)."""
