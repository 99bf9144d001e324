"""The start-of-year presentation: sessions, check-ins by scan or name, undo, unmatched scans,
progress, and the list of students still to present.
"""

from sro_tui import lazy

# Each module and the names it offers; a module is imported the first time one is used.
__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "candidates": ["CANDIDATES_SHOWN", "candidates_for"],
        "checkins": [
            "CheckInOutcome",
            "CheckInRow",
            "PresentationSession",
            "SESSION_KINDS",
            "check_in_student",
            "class_groups",
            "class_list",
            "create_session",
            "export_not_presented_csv",
            "get_session",
            "last_check_ins",
            "list_sessions",
            "local_time",
            "mark_present",
            "presented_times",
            "record_scan",
            "resolve_unmatched_scan",
            "session_check_in_count",
            "session_presenters",
            "station_name",
            "students_not_presented",
            "todays_session",
            "undo_last_check_in",
            "unmatched_scans",
        ],
        "counts": [
            "PresentationProgress",
            "presentation_progress",
            "presentation_status",
        ],
        "station_merge": ["MergeResult", "merge_station_kit"],
        "station_review": [
            "LinkableScan",
            "StationSummary",
            "link_matching_scans",
            "linkable_scans",
            "station_summary",
        ],
        "stations": [
            "KitInfo",
            "StationKitError",
            "is_station_kit",
            "make_station_kit",
            "read_station_kit",
            "session_for_check_in",
            "station_label",
        ],
    },
)
