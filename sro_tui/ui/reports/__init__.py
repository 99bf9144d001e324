"""The state and federal reports screen, opened from the dashboard and the district screen."""

from sro_tui.ui.reports.screen import StateReportsScreen

__all__ = ["StateReportsScreen"]
