"""Family notices: each household's notice for the year, recording it one at a time or in bulk,
the family notice list for the district, and the letters.

`household_notices` reads and records; `letters` renders them in the family's language.
"""

from sro_tui import lazy

# Each module and the names it offers; a module is imported the first time one is used.
__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "household_notices": [
            "DELIVERY_STATUSES",
            "FAMILY_NOTICE_COLUMNS",
            "HOUSEHOLD_STATUSES",
            "HouseholdNotices",
            "NOTICE_METHODS",
            "change_delivery_status",
            "export_family_notice_list",
            "filter_choices",
            "filter_households",
            "load_households",
            "record_email_to_all",
            "record_notice",
            "record_notices",
            "record_paper_notices_for_session",
            "validate_notice",
        ],
        "counts": [
            "NOTIFIED",
            "notice_counts",
            "students_without_notice_guardian",
        ],
        "household_index": [
            "STATUS_KEYS",
            "HouseholdIndex",
            "HouseholdRows",
            "load_household_index",
            "load_household_order",
            "with_filters",
        ],
        "household_list": [
            "HouseholdLine",
            "load_household_lines",
        ],
        "language": [
            "BUILTIN_TEMPLATES",
            "COMPLAINT_SETTING",
            "LetterError",
            "language_code",
            "language_name",
            "letter_language",
        ],
        "letters": [
            "LetterContext",
            "render_letter",
            "write_letters",
        ],
    },
)
