"""Family notices: each household's notice for the year, recording it one at a time or in bulk,
the family notice list for the district, and the letters.

`household_notices` reads and records; `letters` renders them in the family's language.
"""

from sro_tui.notices.household_notices import (
    DELIVERY_STATUSES,
    FAMILY_NOTICE_COLUMNS,
    HOUSEHOLD_STATUSES,
    NOTICE_METHODS,
    HouseholdNotices,
    change_delivery_status,
    export_family_notice_list,
    filter_choices,
    filter_households,
    load_households,
    notice_counts,
    record_email_to_all,
    record_notice,
    record_notices,
    record_paper_notices_for_session,
    validate_notice,
)
from sro_tui.notices.language import (
    BUILTIN_TEMPLATES,
    COMPLAINT_SETTING,
    LetterError,
    language_code,
    language_name,
    letter_language,
)
from sro_tui.notices.letters import (
    LetterContext,
    render_letter,
    write_letters,
)

__all__ = [
    "BUILTIN_TEMPLATES",
    "COMPLAINT_SETTING",
    "DELIVERY_STATUSES",
    "FAMILY_NOTICE_COLUMNS",
    "HOUSEHOLD_STATUSES",
    "NOTICE_METHODS",
    "HouseholdNotices",
    "LetterContext",
    "LetterError",
    "change_delivery_status",
    "export_family_notice_list",
    "filter_choices",
    "filter_households",
    "language_code",
    "language_name",
    "letter_language",
    "load_households",
    "notice_counts",
    "record_email_to_all",
    "record_notice",
    "record_notices",
    "record_paper_notices_for_session",
    "render_letter",
    "validate_notice",
    "write_letters",
]
