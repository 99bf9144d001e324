"""The dashboard card of the start-of-year presentation: presented / enrolled, what is left."""

from __future__ import annotations

from typing import Any

from sro_tui.ui.navigation import section
from sro_tui.ui.widgets.card import CardContent


def presentation_card(status: dict[str, Any]) -> CardContent | None:
    """Presented / enrolled this year with a bar, students still owed, unmatched scans."""
    # `full_status()` carries the counts under "presentation" once the school has a year.
    status = status.get("presentation") or {}
    presented = status.get("presented_students", 0)
    left = status.get("students_to_present", 0)
    enrolled = presented + left
    if enrolled == 0:
        return None
    checkin = section("checkin")
    key = checkin.key.upper()
    lines = [f"{presented:,} of {enrolled:,} students presented ({100 * presented // enrolled}%)"]
    if left:
        lines.append(f"{left:,} still to present (make-up sessions)")
    unmatched = status.get("unmatched_scans_to_resolve", 0)
    if unmatched:
        lines.append(f"{unmatched} unmatched scan(s) to resolve")
    if status.get("presentation_sessions", 0) == 0:
        hint = f"Start the assembly check-in: press {key}."
    elif left or unmatched:
        hint = f"Press {key}: ctrl+n lists who is left, F10 resolves unmatched scans."
    else:
        hint = ""
    return CardContent(
        lines, progress=(presented, enrolled), hint=hint, warning=bool(left or unmatched)
    )
