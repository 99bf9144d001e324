"""Policy 4311's rules for requests for intervention, as plain data and pure functions.

No database, no UI, no I/O: a lawyer can read this file and a test pins every rule. The checks
return findings; each finding has an id, a severity and a message that quotes or cites the policy
or statute it comes from. Severities:
- BLOCK: the record cannot be saved until the form is fixed;
- NEEDS_REASON: it can be saved once someone writes down why (an acknowledged reason);
- ADVICE: shown, never in the way.
The full table of checks, their sources and what still needs legal review is in
docs/policy-rules.md. Restraint/isolation deadlines live in `deadlines`, the immigration detector in
`immigration`, and the checks that apply these rules to a request in `checks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from sro_tui.policy.year import beginning_of_year_ends, late_in_year  # noqa: F401 (offered here)

# Marked on a record instead of a request: staff stepped in on their own in an emergency.
from sro_tui.terms import STAFF_INITIATED_EMERGENCY, STAFF_KINDS  # noqa: F401 (offered here)

# --- the policy's own words -------------------------------------------------------------------

P4311 = "Policy 4311"
WORDS_INTERVENTION = (
    "Teachers and school administrators may ask safety and security staff to intervene if a "
    "student’s presence poses an immediate and continuing danger to others or an immediate and "
    "continuing threat of material and substantial disruption of the educational process or in "
    "other emergency circumstances consistent with 3432 – Emergencies."
)
WORDS_INTERVENTION_CRITERIA = (
    "a student’s presence poses an immediate and continuing danger to others or an immediate and "
    "continuing threat of material and substantial disruption of the educational process or in "
    "other emergency circumstances consistent with 3432 – Emergencies."
)
WORDS_EMERGENCY = (
    "Safety and security staff do not need to be asked before intervening in emergencies."
)
WORDS_PRINCIPAL_DISCIPLINE = (
    "Principals or their designee maintain order and handle all student discipline matters "
    "consistent with Student Discipline Policy and Procedure 3241."
)
WORDS_SRO_NO_DISCIPLINE = (
    "A school resource officer is prohibited from becoming involved in formal school discipline "
    "situations that are the responsibility of school administrators."
)
WORDS_OFF_PREMISES = (
    "As a general rule, law enforcement activity should take place at a location other than "
    "school premises."
)
WORDS_BY_AN_SRO = (
    "However, there are circumstances where law enforcement intervention/activity at school "
    "premises is warranted and may be conducted by an SRO."
)
WORDS_CONSISTENT_WITH = (
    "consistent with 3226 – Interview and Interrogations of Students on School Premises and 3230 "
    "– Student Privacy and Searches, and consistent with state law regarding a juvenile’s access "
    "to an attorney when contacted by law enforcement."
)
WORDS_KEEP_OUT_OF_JUSTICE_SYSTEM = (
    "School resource officers should focus on keeping students out of the criminal justice system "
    "when possible and should not be used to attempt to impose criminal sanctions in matters that "
    "are more appropriately handled within the educational system."
)

WORDS_BEGINNING_OF_YEAR = (
    "At the beginning of each school year, if the district has safety and security staff working "
    "on school property, the district must present to and discuss with students, and distribute to "
    "students’ families, information about the role and responsibilities of safety and security "
    "staff."
)


# --- catalogues -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    label: str
    words: str  # the policy's words for this criterion
    citation: str


CRITERIA: dict[str, Criterion] = {
    c.id: c
    for c in (
        Criterion(
            "danger_to_others",
            "Immediate and continuing danger to others",
            "a student’s presence poses an immediate and continuing danger to others",
            P4311,
        ),
        Criterion(
            "disruption",
            "Immediate and continuing threat of material and substantial disruption",
            "an immediate and continuing threat of material and substantial disruption of the "
            "educational process",
            P4311,
        ),
        Criterion(
            "emergency_3432",
            "Other emergency circumstances (Policy 3432)",
            "other emergency circumstances consistent with 3432 – Emergencies",
            f"{P4311}; Policy 3432",
        ),
    )
}

# Who may ask (Policy 4311: "Teachers and school administrators may ask ...").
REQUESTER_ROLES: dict[str, str] = {
    "teacher": "Teacher",
    "administrator": "School administrator",
    "other_staff": "Other school staff",
}


@dataclass(frozen=True, slots=True)
class LawEnforcementActivityKind:
    id: str
    label: str
    # RCW 13.40.740(1): access to an attorney before any waiver of rights — always for a custodial
    # interrogation or a detention/arrest; for a search only when consent is asked.
    attorney_safeguard: str  # "always" | "if_consent_search" | "never"
    policy: str  # the district policy to follow


LAW_ENFORCEMENT_ACTIVITIES: dict[str, LawEnforcementActivityKind] = {
    k.id: k
    for k in (
        LawEnforcementActivityKind(
            "interview",
            "Interview or interrogation",
            "always",
            "Policy 3226 – Interviews and Interrogations of Students on School Premises",
        ),
        LawEnforcementActivityKind(
            "search_person",
            "Search of the student’s person",
            "if_consent_search",
            "Policy 3230 – Student Privacy and Searches",
        ),
        LawEnforcementActivityKind(
            "search_possessions",
            "Search of the student’s possessions",
            "if_consent_search",
            "Policy 3230 – Student Privacy and Searches",
        ),
        LawEnforcementActivityKind(
            "search_locker",
            "Search of the student’s locker",
            "if_consent_search",
            "Policy 3230 – Student Privacy and Searches",
        ),
        LawEnforcementActivityKind(
            "detention", "Detention (law enforcement)", "always", "RCW 13.40.740"
        ),
        LawEnforcementActivityKind("arrest", "Arrest", "always", "RCW 13.40.740"),
        LawEnforcementActivityKind("citation", "Citation", "never", P4311),
        LawEnforcementActivityKind(
            "delinquency_petition", "Delinquency petition filed", "never", P4311
        ),
        LawEnforcementActivityKind(
            "probation_referral", "Referral to a probation officer", "never", P4311
        ),
        LawEnforcementActivityKind(
            "other_juvenile_justice_referral",
            "Other referral to the juvenile justice system",
            "never",
            P4311,
        ),
    )
}

# RCW 13.40.740, exceptions to the attorney consultation as summarised by the Legislature's 2025
# bill report on SB 5052; exact statutory wording to be confirmed (see docs/policy-rules.md).
ATTORNEY_EXCEPTIONS: dict[str, str] = {
    "imminent_threat_to_life": (
        "The officer believed the information was necessary to protect an individual’s life from "
        "an imminent threat, a delay for the consultation would have impeded that protection, and "
        "the questions were limited to what was reasonably expected to obtain that information"
    ),
    "trafficking_victim": "The officer believed the juvenile was a victim of trafficking",
}
ATTORNEY_ACCESS_ANSWERS: dict[str, str] = {
    "provided_before_waiver": "Access to an attorney was provided before any waiver of rights",
    "no_waiver_sought": "No waiver of rights was sought (no questioning, no consent asked)",
    **{key: f"Exception: {text}" for key, text in ATTORNEY_EXCEPTIONS.items()},
}

# The state's restraint and isolation types, as SIS vendors code them for Washington (FORMATS.md;
# check the current CEDARS manual before an upload): code -> (restraint or isolation, label).
RESTRAINT_TYPES: dict[str, tuple[str, str]] = {
    "1": ("restraint", "One-person restraint (basket hold etc.)"),
    "2": ("restraint", "Two-or-more person floor restraint"),
    "3": ("restraint", "Seated restraint"),
    "4": ("restraint", "Standing restraint"),
    "5": ("restraint", "Wall restraint"),
    "6": ("restraint", "Handcuffs by law enforcement (no arrest)"),
    "7": ("restraint", "Handcuffs by non-law-enforcement"),
    "8": ("restraint", "Other physical restraint"),
    "9": ("restraint", "Weighted blanket"),
    "16": ("restraint", "Walking restraint / escort / transport"),
    "17": ("restraint", "Handcuffs by law enforcement (arrest made)"),
    "18": ("restraint", "Other mechanical restraint"),
    "10": ("isolation", "Isolation in a bus, car or other vehicle"),
    "11": ("isolation", "Isolation in a classroom"),
    "12": ("isolation", "Isolation in a closet, locker room or other small space"),
    "13": ("isolation", "Designated isolation room"),
    "14": ("isolation", "Isolation in an office (nurse, counselor or other)"),
    "15": ("isolation", "Other isolation"),
}

# What safety and security staff may be recorded as doing.
ACTIONS: dict[str, str] = {
    "de_escalation": "De-escalation (talked the student down)",
    "presence": "Stood by / presence only",
    "escort": "Escorted the student",
    "separated_students": "Separated students",
    "first_aid": "First aid / called medical help",
    "restraint": "Restraint",
    "isolation": "Isolation",
    "law_enforcement_activity": "Law-enforcement activity",
    "referral_to_administrator": "Handed the matter to an administrator",
    "referral_to_support": "Referred to counselor or support staff",
}
# Formal school discipline: the principal's job (Policy 3241); never an SRO's (Policy 4311).
DISCIPLINARY_ACTIONS: dict[str, str] = {
    "suspension": "Suspension (short- or long-term)",
    "emergency_expulsion": "Emergency expulsion",
    "expulsion": "Expulsion",
    "school_detention": "Detention (school discipline)",
    "disciplinary_conference": "Disciplinary conference",
    "exclusion_from_activity": "Exclusion from an activity as discipline",
    "disciplinary_removal_from_class": "Removal from class as discipline",
}

# --- findings ---------------------------------------------------------------------------------


class Severity(Enum):
    BLOCK = "block"  # cannot be saved
    NEEDS_REASON = "needs_reason"  # saved once a reason is written down
    ADVICE = "advice"  # shown only

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.BLOCK: 0, Severity.NEEDS_REASON: 1, Severity.ADVICE: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict on the form. `field` names the form field it is about (None: the
    request as a whole); `key` is what an acknowledged reason is filed under."""

    check_id: str
    severity: Severity
    message: str
    citation: str
    field: str | None = None

    @property
    def key(self) -> str:
        return self.check_id if self.field is None else f"{self.check_id}@{self.field}"


# --- the facts the form collects --------------------------------------------------------------


@dataclass(slots=True)
class LawEnforcementActivity:
    """One law-enforcement activity and its safeguards."""

    kind: str  # a key of LAW_ENFORCEMENT_ACTIVITIES
    on_premises: bool | None = None
    why_on_premises: str = ""
    consent_requested: bool | None = None  # searches: was the student asked to consent?
    attorney_access: str | None = None  # a key of ATTORNEY_ACCESS_ANSWERS
    parent_notified: bool | None = None
    custodial: bool | None = None  # interviews: was the questioning custodial? (RCW 13.40.740)
    student_under_18: bool | None = None  # RCW 13.40.740 protects juveniles


@dataclass(slots=True)
class RestraintIsolation:
    """A restraint or isolation: its own record, with its deadlines."""

    restraint: bool = False
    isolation: bool = False
    started_at: datetime | None = None  # defaults to when the incident occurred
    ended_at: datetime | None = None
    description: str = ""  # the activity that led to it
    injuries: bool | None = None  # anyone injured (older records; see the two below)
    # What RCW 28A.600.485 asks the written report to hold, beyond the times.
    administered_by_name: str = ""
    administered_by_title: str = ""
    type_codes: tuple[str, ...] = ()  # keys of RESTRAINT_TYPES
    student_injured: bool | None = None
    staff_injured_count: int | None = None
    medical_care: str = ""
    recommendations: str = ""
    notice_language: str = ""  # the language of the written notice to the family
    administrator_informed_at: datetime | None = None
    written_report_filed_at: datetime | None = None
    family_told_verbally_at: datetime | None = None
    family_told_in_writing_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StaffDisciplinaryAction:
    staff_kind: str  # a key of STAFF_KINDS
    action: str  # a key of DISCIPLINARY_ACTIONS


@dataclass(slots=True)
class RequestFacts:
    """Everything the intervention form holds, as plain values (no database objects)."""

    occurred_at: datetime | None = None
    location: str = ""
    requested_by_name: str = ""
    requested_by_role: str | None = None  # a key of REQUESTER_ROLES
    staff_initiated_emergency: bool = False
    criterion: str | None = None  # a key of CRITERIA
    facts: str = ""  # the facts that meet the criterion
    purpose_is_discipline: bool | None = None
    responding_staff_kinds: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # keys of ACTIONS (or DISCIPLINARY_ACTIONS)
    staff_disciplinary_actions: list[StaffDisciplinaryAction] = field(default_factory=list)
    law_enforcement: list[LawEnforcementActivity] = field(default_factory=list)
    restraint: RestraintIsolation | None = None
    free_text: dict[str, str] = field(default_factory=dict)  # other notes, by field name
    acknowledged_reasons: dict[str, str] = field(default_factory=dict)  # Finding.key -> reason
    # The school's own closure days (legal holidays are always skipped): restraint deadlines.
    school_closures: frozenset[date] = frozenset()


def _acknowledgement(finding: Finding, acknowledged: Mapping[str, str]) -> str:
    return (acknowledged.get(finding.key) or acknowledged.get(finding.check_id) or "").strip()


def unresolved(
    findings: list[Finding], acknowledged: Mapping[str, str] | None = None
) -> list[Finding]:
    """The findings that still stop a save: every BLOCK, and every NEEDS_REASON without a written
    reason (filed under the finding's `key`, or its `check_id` for all findings of that check)."""
    given = acknowledged or {}
    return [
        f
        for f in findings
        if f.severity is Severity.BLOCK
        or (f.severity is Severity.NEEDS_REASON and not _acknowledgement(f, given))
    ]


def can_save(findings: list[Finding], acknowledged: Mapping[str, str] | None = None) -> bool:
    """True when nothing blocks and every finding that needs a reason has one."""
    return not unresolved(findings, acknowledged)
