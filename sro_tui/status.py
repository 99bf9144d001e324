"""What the school has on record and still owes this year: one dictionary for `sro-tui status`
and the dashboard. Each feature adds its own counts here."""

from __future__ import annotations

from typing import Any

from .records import school_status


def full_status() -> dict[str, Any]:
    """Counts for the current school and school year, JSON-ready."""
    return school_status().as_dict()
