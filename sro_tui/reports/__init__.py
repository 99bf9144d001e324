"""Reports built from the other duties' records: the RCW 28A.320.1241 annual report, its incident
list, and the status summary the dashboard and `sro-tui status` show.
"""

from sro_tui import lazy

# Each module and the names it offers; a module is imported the first time one is used.
__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "annual": [
            "ANNUAL_REPORT_COLUMNS",
            "NOT_RECORDED",
            "ReportIncident",
            "ReportStudent",
            "annual_report_rows",
            "build_annual_report",
            "find_school_year",
            "render_annual_report_text",
            "staff_in_year",
            "write_annual_report",
        ],
        "incidents": [
            "annual_report_incidents",
            "annual_report_notes",
        ],
        "status": [
            "full_status",
        ],
    },
)
