"""Percentages drawn as bars, for the district's table and a school's detail."""

from __future__ import annotations

BAR_WIDTH = 10


def percent_bar(pct: float | None, width: int = BAR_WIDTH) -> str:
    """`███████░░░  70%`; a dash bar when there is nothing to count."""
    if pct is None:
        return "·" * width + "    —"
    filled = max(0, min(width, round(pct / 100 * width)))
    return "█" * filled + "░" * (width - filled) + f" {pct:3.0f}%"
