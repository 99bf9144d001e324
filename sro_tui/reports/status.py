"""What the school has on record and still owes this year: one dictionary for `sro-tui status`
and the dashboard. Each feature adds its own counts here."""

from __future__ import annotations

from typing import Any

from sro_tui.records import current_year, get_school, school_status


def full_status() -> dict[str, Any]:
    """Counts for the current school and school year, JSON-ready."""
    status = school_status().as_dict()
    if get_school() is None or current_year() is None:
        return status
    from sro_tui.agreements import agreements_status
    from sro_tui.interventions import intervention_counts
    from sro_tui.notices import notice_counts
    from sro_tui.presentation import presentation_status

    status["presentation"] = presentation_status()
    status["family_notices"] = notice_counts()
    status["interventions"] = intervention_counts()
    status["agreements"] = agreements_status()
    return status
