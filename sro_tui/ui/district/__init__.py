"""The district office's app (its own App, apart from the school's sections)."""

from sro_tui.ui.district.app import DistrictApp

__all__ = ["DistrictApp"]
