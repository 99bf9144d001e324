"""Vocabularies the models store and the counts read, without peewee: `sro_tui.models` offers them
too, and the dashboard's counts (read before the models are imported) take them from here."""

# Grades are kept as the school writes them ("K", "PK", "1" … "12"); GRADE_ORDER sorts them.
GRADE_ORDER = {"PK": -1, "K": 0, **{str(n): n for n in range(1, 13)}}

# How a family notice was sent (FamilyNotice.method), in the order the screens list them.
NOTICE_METHODS = {
    "paper_home": "Paper sent home",
    "mail": "Mail",
    "email": "E-mail",
    "portal": "School portal / messaging app",
    "in_person": "In person",
}

# Settings (the `setting` table's keys) that the counts read as well as the core.
EXPORT_FOLDER_SETTING = "export_folder"  # the folder every export goes to (`records`)
CLOSURES_SETTING = "school_closures"  # the school's closure days (`interventions.calendar`)

# A request's criterion when staff stepped in on their own in an emergency (`policy.rules`).
STAFF_INITIATED_EMERGENCY = "staff_initiated_emergency"

# Who the safety and security staff are (SafetyStaff.kind), in the order the screens list them.
STAFF_KINDS: dict[str, str] = {
    "sro": "School resource officer",
    "school_security_officer": "School security officer",
    "campus_security_officer": "Campus security officer",
    "other": "Other safety/security staff",
}
