"""What the school has on record and still owes this year: one dictionary for `sro-tui status`
and the dashboard. Each feature adds its own counts here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sro_tui.records import current_year, export_folder, get_school, school_status


def full_status(default_export_folder: Path | None = None) -> dict[str, Any]:
    """Counts for the current school and school year, JSON-ready. With the caller's default export
    folder, also where exports go (`export_folder`: the school's setting, else that default)."""
    # The school and year read once and passed down (each count would read them again).
    school, year = get_school(), current_year()
    status = school_status(school, year).as_dict()
    if default_export_folder is not None:
        status["export_folder"] = str(export_folder(default_export_folder))
    if school is None or year is None:
        return status
    from sro_tui.agreements import agreements_status
    from sro_tui.interventions import intervention_counts
    from sro_tui.notices import notice_counts
    from sro_tui.presentation import presentation_status

    status["presentation"] = presentation_status(year, school)
    status["family_notices"] = notice_counts(school, year)
    status["interventions"] = intervention_counts(year=year)
    status["agreements"] = agreements_status(school=school, year=year)
    return status
