"""Policy 4311 and the statutes it cites, as plain data and pure functions: no database, no UI.

`rules` holds the criteria, catalogues and findings; `checks` applies them to a request
(`check_request`); `deadlines` counts business days for restraint and isolation; `immigration` is
the detector that keeps immigration, citizenship and birth-place content out of every record.
"""

from sro_tui.policy.checks import (
    check_request,
)
from sro_tui.policy.deadlines import (
    Deadline,
    add_business_days,
    deadlines_of,
    is_business_day,
    restraint_deadlines,
    washington_legal_holidays,
)
from sro_tui.policy.immigration import (
    IMMIGRATION_CITATION,
    IMMIGRATION_POLICY_WORDS,
    ImmigrationMatch,
    find_immigration_content,
    forbidden_field_names,
    immigration_message,
    immigration_problems,
)
from sro_tui.policy.privacy import (
    MINIMUM_PUBLISHED_COUNT,
    suppress_small_counts,
)
from sro_tui.policy.rules import (
    ACTIONS,
    ATTORNEY_ACCESS_ANSWERS,
    ATTORNEY_EXCEPTIONS,
    CRITERIA,
    DISCIPLINARY_ACTIONS,
    LAW_ENFORCEMENT_ACTIVITIES,
    REQUESTER_ROLES,
    RESTRAINT_TYPES,
    STAFF_INITIATED_EMERGENCY,
    STAFF_KINDS,
    Criterion,
    Finding,
    LawEnforcementActivity,
    LawEnforcementActivityKind,
    RequestFacts,
    RestraintIsolation,
    Severity,
    StaffDisciplinaryAction,
    can_save,
    unresolved,
)

__all__ = [
    "ACTIONS",
    "ATTORNEY_ACCESS_ANSWERS",
    "ATTORNEY_EXCEPTIONS",
    "CRITERIA",
    "Criterion",
    "DISCIPLINARY_ACTIONS",
    "Deadline",
    "Finding",
    "IMMIGRATION_CITATION",
    "IMMIGRATION_POLICY_WORDS",
    "ImmigrationMatch",
    "LAW_ENFORCEMENT_ACTIVITIES",
    "LawEnforcementActivity",
    "LawEnforcementActivityKind",
    "MINIMUM_PUBLISHED_COUNT",
    "REQUESTER_ROLES",
    "RESTRAINT_TYPES",
    "RequestFacts",
    "RestraintIsolation",
    "STAFF_INITIATED_EMERGENCY",
    "STAFF_KINDS",
    "Severity",
    "StaffDisciplinaryAction",
    "add_business_days",
    "deadlines_of",
    "can_save",
    "check_request",
    "find_immigration_content",
    "forbidden_field_names",
    "immigration_message",
    "immigration_problems",
    "is_business_day",
    "restraint_deadlines",
    "suppress_small_counts",
    "unresolved",
    "washington_legal_holidays",
]
