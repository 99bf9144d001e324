"""Reports built from the other duties' records: the RCW 28A.320.1241 annual report, its incident
list, the status summary the dashboard and `sro-tui status` show, and the state and federal
reports (restraint and isolation to OSPI, the S file, CRDC tallies) from a school's or the
district's records.
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
        "crdc": [
            "SchoolTally",
            "crdc_race",
            "crdc_table",
            "crdc_tallies",
        ],
        "incidents": [
            "annual_report_incidents",
            "annual_report_notes",
        ],
        "restraint": [
            "SchoolRestraintSummary",
            "days_left_words",
            "restraint_due_date",
            "restraint_summary",
            "student_file_rows",
            "summary_table",
        ],
        "state_data": [
            "InvolvedStudent",
            "StateIncident",
            "StateRestraint",
            "StateSchool",
            "StateStudent",
            "school_state_records",
        ],
        "state_overview": [
            "SchoolOverview",
            "StateReportOverview",
            "school_state_overview",
            "state_report_overview",
        ],
        "state_files": [
            "STATE_REPORTS",
            "StateReportFiles",
            "write_school_state_reports",
            "write_state_report",
        ],
        "status": [
            "full_status",
        ],
    },
)
