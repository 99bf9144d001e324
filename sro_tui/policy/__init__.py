"""Policy 4311 and the statutes it cites, as plain data and pure functions: no database, no UI.

`rules` holds the criteria, catalogues and findings; `checks` applies them to a request
(`check_request`); `deadlines` counts business days for restraint and isolation; `immigration` is
the detector that keeps immigration, citizenship and birth-place content out of every record.
"""

from sro_tui import lazy

# Each module and the names it offers; a module is imported the first time one is used.
__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "checks": [
            "check_request",
        ],
        "deadlines": [
            "Deadline",
            "add_business_days",
            "deadlines_of",
            "is_business_day",
            "restraint_deadlines",
            "washington_legal_holidays",
        ],
        "immigration": [
            "IMMIGRATION_CITATION",
            "IMMIGRATION_POLICY_WORDS",
            "ImmigrationMatch",
            "find_immigration_content",
            "forbidden_field_names",
            "immigration_message",
            "immigration_problems",
        ],
        "privacy": [
            "MINIMUM_PUBLISHED_COUNT",
            "suppress_small_counts",
        ],
        "suppression": [
            "hidden_cells",
            "suppress_table",
            "suppress_total",
        ],
        "rules": [
            "ACTIONS",
            "ATTORNEY_ACCESS_ANSWERS",
            "ATTORNEY_EXCEPTIONS",
            "CRITERIA",
            "Criterion",
            "DISCIPLINARY_ACTIONS",
            "Finding",
            "LAW_ENFORCEMENT_ACTIVITIES",
            "LawEnforcementActivity",
            "LawEnforcementActivityKind",
            "REQUESTER_ROLES",
            "RESTRAINT_TYPES",
            "RequestFacts",
            "RestraintIsolation",
            "STAFF_INITIATED_EMERGENCY",
            "STAFF_KINDS",
            "WORDS_BEGINNING_OF_YEAR",
            "beginning_of_year_ends",
            "late_in_year",
            "Severity",
            "StaffDisciplinaryAction",
            "can_save",
            "unresolved",
        ],
    },
)
