"""Reports built from the other duties' records: the RCW 28A.320.1241 annual report, its incident
list, and the status summary the dashboard and `sro-tui status` show.
"""

from sro_tui.reports.annual import (
    ANNUAL_REPORT_COLUMNS,
    NOT_RECORDED,
    ReportIncident,
    ReportStudent,
    build_annual_report,
    find_school_year,
    render_annual_report_text,
    write_annual_report,
)
from sro_tui.reports.incidents import (
    annual_report_incidents,
    annual_report_notes,
)
from sro_tui.reports.status import (
    full_status,
)

__all__ = [
    "ANNUAL_REPORT_COLUMNS",
    "NOT_RECORDED",
    "ReportIncident",
    "ReportStudent",
    "annual_report_incidents",
    "annual_report_notes",
    "build_annual_report",
    "find_school_year",
    "full_status",
    "render_annual_report_text",
    "write_annual_report",
]
