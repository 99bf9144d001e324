"""The school's records, as peewee models.

Portable by design: the models are bound to a `DatabaseProxy`, so the same code runs on the
school's SQLite file or on a district PostgreSQL server. Records that leave the machine carry a
stable `record_id` (UUID), and every table has `created_at`/`updated_at` so the district can merge
exports from every school without duplicates.

There is deliberately no field for immigration or citizenship status or place of birth anywhere
in this schema (RCW 10.93.160); a test enforces it.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

from peewee import (
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from sro_tui.terms import GRADE_ORDER, NOTICE_METHODS, STAFF_KINDS  # noqa: F401 (offered here too)

database_proxy = DatabaseProxy()


def utc_now() -> datetime:
    """Timestamps are stored in UTC, without microseconds noise in exports."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_record_id() -> str:
    return str(uuid.uuid4())


def new_record_ids(count: int) -> list[str]:
    """`count` random version-4 UUIDs, as new_record_id makes them but ~6x faster: one urandom
    call instead of one uuid.UUID object per row (bulk writes make thousands)."""
    raw = os.urandom(16 * count).hex()
    ids = []
    for i in range(0, 32 * count, 32):
        h = raw[i : i + 32]
        variant = "89ab"[int(h[16], 16) & 3]
        ids.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    return ids


class BaseModel(Model):
    record_id = CharField(max_length=36, unique=True, default=new_record_id)
    created_at = DateTimeField(default=utc_now)
    updated_at = DateTimeField(default=utc_now)

    class Meta:
        database = database_proxy
        legacy_table_names = False

    def save(self, *args, **kwargs):  # type: ignore[override]
        self.updated_at = utc_now()
        return super().save(*args, **kwargs)


class School(BaseModel):
    code = CharField(unique=True)  # the district's building code, e.g. "PTHS"
    name = CharField()
    district = CharField(default="")
    source_id = CharField(default="")  # OneRoster org sourcedId when imported from a bundle
    ospi_building_code = CharField(default="")  # OSPI building (location) code, e.g. "3021"
    county_district_code = CharField(default="")  # OSPI county-district code, five digits


class SchoolYear(BaseModel):
    name = CharField(unique=True)  # "2026-27"
    start_date = DateField()
    end_date = DateField()
    is_current = BooleanField(default=False)


class Student(BaseModel):
    school = ForeignKeyField(School, backref="students", on_delete="RESTRICT")
    sis_id = CharField()  # text: leading zeros matter
    source_id = CharField(default="")  # OneRoster sourcedId, when the roster came from a bundle
    ssid = CharField(default="")  # the state student ID (Washington SSID), when the SIS gives it
    first_name = CharField()
    middle_name = CharField(default="")
    last_name = CharField()
    preferred_name = CharField(default="")
    grade = CharField(default="")
    homeroom = CharField(default="")
    active = BooleanField(default=True)
    # Demographics kept only because RCW 28A.320.1241(c) and the CRDC ask for them in reports.
    race_ethnicity = CharField(default="")
    sex = CharField(default="")
    iep = BooleanField(null=True)
    section_504 = BooleanField(null=True)
    english_learner = BooleanField(null=True)
    home_language = CharField(default="")
    search_key = TextField(default="")  # normalised names and id, for search-as-you-type

    class Meta:
        indexes = ((("school", "sis_id"), True),)

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"


class Household(BaseModel):
    """The guardians who get one family notice together (see roster.derive_households)."""

    school = ForeignKeyField(School, backref="households", on_delete="RESTRICT")
    key = CharField()  # stable grouping key, so notices keep pointing at the same family
    label = CharField(default="")  # e.g. "Núñez / García household"
    address = TextField(default="")
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("school", "key"), True),)


class Guardian(BaseModel):
    school = ForeignKeyField(School, backref="guardians", on_delete="RESTRICT")
    source_key = CharField()  # OneRoster sourcedId, or a key derived from the SIS row
    first_name = CharField(default="")
    last_name = CharField(default="")
    email = CharField(default="")
    phone = CharField(default="")
    street = CharField(default="")
    city = CharField(default="")
    state = CharField(default="")
    postal_code = CharField(default="")
    preferred_language = CharField(default="")
    # The roster says this guardian does not live with their students (a contacts export's
    # "Lives With: No"): without an address of their own they are a household apart, never
    # folded into the household of the parent the students live with.
    lives_apart = BooleanField(default=False)
    household = ForeignKeyField(Household, backref="guardians", null=True, on_delete="SET NULL")
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("school", "source_key"), True),)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def mailing_address(self) -> str:
        city_line = " ".join(
            p for p in (f"{self.city}," if self.city else "", self.state, self.postal_code) if p
        )
        return ", ".join(p for p in (self.street, city_line.rstrip(",")) if p)


class StudentGuardian(BaseModel):
    student = ForeignKeyField(Student, backref="guardian_links", on_delete="CASCADE")
    guardian = ForeignKeyField(Guardian, backref="student_links", on_delete="CASCADE")
    relationship = CharField(default="")
    receives_notices = BooleanField(default=True)

    class Meta:
        indexes = ((("student", "guardian"), True),)


EMPLOYER_TYPES = {
    "district": "School district",
    "law_enforcement_agency": "Law enforcement agency",
    "security_company": "Security company",
}
TRAINING_STATUSES = {
    "completed": "Completed",
    "planned": "Planned",
    "not_started": "Not started",
}


class SafetyStaff(BaseModel):
    school = ForeignKeyField(School, backref="safety_staff", on_delete="RESTRICT")
    first_name = CharField()
    last_name = CharField()
    kind = CharField()  # a key of STAFF_KINDS
    commissioned = BooleanField(default=False)
    employer_type = CharField(default="district")  # a key of EMPLOYER_TYPES
    employer_name = CharField(default="")
    days_per_week = FloatField(default=5.0)
    training_status = CharField(default="not_started")  # a key of TRAINING_STATUSES
    training_completed_on = DateField(null=True)
    training_reference = CharField(default="")  # where the ESD documentation is filed
    training_plan = TextField(default="")
    training_due_on = DateField(null=True)
    email = CharField(default="")
    phone = CharField(default="")
    active = BooleanField(default=True)
    # RCW 28A.400.345 counts training deadlines from the first day on school property; the annual
    # report counts everyone who worked in the year (issue 12), so the last day is kept too.
    first_day_on_site = DateField(null=True)
    last_day_on_site = DateField(null=True)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class AuditEvent(Model):
    """Who changed what, when, with the record before and after (JSON)."""

    at = DateTimeField(default=utc_now)
    actor = CharField()
    action = CharField()  # create / update / deactivate / import / undo / …
    table_name = CharField()
    record_id = CharField(default="")
    before = TextField(default="")
    after = TextField(default="")
    reason = TextField(default="")

    class Meta:
        database = database_proxy
        legacy_table_names = False


class Setting(Model):
    """Small key/value settings that belong with the data (current school, etc.)."""

    key = CharField(primary_key=True)
    value = TextField(default="")

    class Meta:
        database = database_proxy
        legacy_table_names = False


FOUNDATION_MODELS: list[type[Model]] = [
    School,
    SchoolYear,
    Student,
    Household,
    Guardian,
    StudentGuardian,
    SafetyStaff,
    AuditEvent,
    Setting,
]


# --- family notices (issue 4) -----------------------------------------------------------------

DELIVERY_STATUSES = {
    "sent": "Sent",
    "delivered": "Delivered",
    "returned": "Returned mail",
    "bounced": "Bounced e-mail",
}


class FamilyNotice(BaseModel):
    """One distribution of the Policy 4311 family information to a household in a school year.

    A household counts as notified for the year when one of its notices is `sent` or `delivered`;
    `returned` or `bounced` puts it back on the to-do list. Status changes are audited.
    """

    household = ForeignKeyField(Household, backref="notices", on_delete="RESTRICT")
    school_year = ForeignKeyField(SchoolYear, backref="family_notices", on_delete="RESTRICT")
    method = CharField()  # a key of NOTICE_METHODS
    language = CharField(default="en")  # the language of the letter sent (template code)
    sent_on = DateField()
    delivery_status = CharField(default="sent")  # a key of DELIVERY_STATUSES
    recorded_by = CharField(default="")
    notes = TextField(default="")
    status_changed_at = DateTimeField(default=utc_now)


# --- start-of-year presentation (issue 3) -----------------------------------------------------

SESSION_KINDS = {
    "assembly": "Assembly",
    "classroom": "Classroom",
    "make_up": "Make-up",
}
CHECK_IN_METHODS = {
    "scan": "Scanned",
    "search": "Found by name",
    "list": "Class list",
}
UNMATCHED_RESOLUTIONS = {
    "linked": "Linked to a student",
    "dismissed": "Dismissed",
}


class PresentationSession(BaseModel):
    """One presentation of the safety and security staff's role to students (Policy 4311)."""

    school = ForeignKeyField(School, backref="presentation_sessions", on_delete="RESTRICT")
    school_year = ForeignKeyField(SchoolYear, backref="presentation_sessions", on_delete="RESTRICT")
    held_on = DateField()
    title = CharField()
    place = CharField(default="")
    kind = CharField(default="assembly")  # a key of SESSION_KINDS
    notes = TextField(default="")


class SessionPresenter(BaseModel):
    session = ForeignKeyField(PresentationSession, backref="presenters", on_delete="CASCADE")
    staff = ForeignKeyField(SafetyStaff, backref="presentations", on_delete="RESTRICT")

    class Meta:
        indexes = ((("session", "staff"), True),)


class PresentationAttendance(BaseModel):
    """A student recorded as presented to. Never deleted: an undo sets `undone_at` (audited).

    `school_year` repeats the session's year so that "once per student per year" is one partial
    unique index over the rows that are not undone.
    """

    student = ForeignKeyField(Student, backref="presentation_attendance", on_delete="RESTRICT")
    session = ForeignKeyField(PresentationSession, backref="attendance", on_delete="RESTRICT")
    school_year = ForeignKeyField(
        SchoolYear, backref="presentation_attendance", on_delete="RESTRICT"
    )
    recorded_at = DateTimeField(default=utc_now)
    method = CharField()  # a key of CHECK_IN_METHODS
    recorded_by = CharField(default="")
    undone_at = DateTimeField(null=True)
    undone_by = CharField(default="")
    undo_reason = TextField(default="")
    station = CharField(default="")  # the check-in station (a door's laptop); "" for the office


PresentationAttendance.add_index(
    PresentationAttendance.index(
        PresentationAttendance.student,
        PresentationAttendance.school_year,
        unique=True,
        where=PresentationAttendance.undone_at.is_null(),
        name="presentation_attendance_once_per_year",
    )
)


class UnmatchedScan(BaseModel):
    """A scan or typed ID that matched no student: kept until someone links or dismisses it."""

    session = ForeignKeyField(PresentationSession, backref="unmatched_scans", on_delete="RESTRICT")
    scanned_text = CharField()
    scanned_at = DateTimeField(default=utc_now)
    recorded_by = CharField(default="")
    resolved_at = DateTimeField(null=True)
    resolution = CharField(default="")  # "" while open, else a key of UNMATCHED_RESOLUTIONS
    linked_student = ForeignKeyField(
        Student, null=True, backref="linked_scans", on_delete="RESTRICT"
    )
    dismiss_reason = TextField(default="")
    resolved_by = CharField(default="")
    station = CharField(default="")  # the check-in station that kept it; "" for the office


class StationKit(BaseModel):
    """A check-in station kit made for one session (issue 17): its `record_id` is the kit's own
    id, so merging the same kit twice is recognised. `merged_at` stays None until it is merged."""

    session = ForeignKeyField(PresentationSession, backref="station_kits", on_delete="RESTRICT")
    station = CharField()
    made_at = DateTimeField(default=utc_now)
    merged_at = DateTimeField(null=True)  # the first merge
    merged_by = CharField(default="")
    last_merged_at = DateTimeField(null=True)  # the latest merge that brought anything new


# --- intervention requests (issue 5) ----------------------------------------------------------
# Rules and catalogues (criteria, actions, law-enforcement kinds) live in `policy`; these tables
# keep what the form recorded. `occurred_at` and the restraint/isolation times are the school's
# local wall-clock time as the principal typed it; `created_at`/`updated_at` stay UTC.

REQUEST_STATUSES = {
    "draft": "Draft",
    "submitted": "Submitted",
    "reviewed": "Reviewed",
    "refused": "Refused (discipline)",
}
INVOLVED_ROLES = {
    "subject": "Subject of the request",
    "target": "Student harmed or targeted",
    "witness": "Witness",
    "other": "Other student involved",
}
# What happened to a student, in the words of RCW 28A.320.1241(c): the incidents the annual report
# describes are those that "resulted in student discipline, use of force against a student, or a
# student arrest".
STUDENT_OUTCOMES = {
    "discipline": "Student discipline (decided by the principal)",
    "use_of_force": "Use of force (restraint included)",
    "arrest": "Arrest",
}


class InterventionRequest(BaseModel):
    """A request for safety and security staff to intervene (Policy 4311), or a staff-initiated
    emergency. Once submitted it is never overwritten: changes are InterventionAmendments."""

    school = ForeignKeyField(School, backref="intervention_requests", on_delete="RESTRICT")
    school_year = ForeignKeyField(SchoolYear, backref="intervention_requests", on_delete="RESTRICT")
    occurred_at = DateTimeField(null=True, index=True)
    location = CharField(default="")
    on_premises = BooleanField(null=True)
    requested_by_name = CharField(default="")
    requested_by_role = CharField(default="")  # "" or a key of policy.REQUESTER_ROLES
    staff_initiated_emergency = BooleanField(default=False)
    criterion = CharField(default="")  # "" or a key of policy.CRITERIA
    facts = TextField(default="")
    purpose_is_discipline = BooleanField(null=True)
    actions_taken = TextField(default="[]")  # JSON list of policy.ACTIONS keys
    outcome = TextField(default="")
    # Did student discipline follow? The principal's decision, recorded after the fact (the SRO
    # takes no part in it): True / False, None while not recorded. RCW 28A.320.1241(1)(c).
    resulted_in_discipline = BooleanField(null=True)
    status = CharField(default="draft", index=True)  # a key of REQUEST_STATUSES
    submitted_at = DateTimeField(null=True)
    submitted_by = CharField(default="")
    reviewed_at = DateTimeField(null=True)
    reviewed_by = CharField(default="")
    review_note = TextField(default="")
    findings_json = TextField(default="[]")  # the policy findings when last saved
    # Findings that needed a written reason (NEEDS_REASON), counted for the list filter.
    reason_findings = IntegerField(default=0)
    acknowledged_reasons_json = TextField(default="{}")
    version = IntegerField(default=1)  # 1 when submitted, +1 per amendment


class InterventionStudent(BaseModel):
    """A student involved, from the roster, or an unknown person described in words."""

    request = ForeignKeyField(InterventionRequest, backref="students", on_delete="CASCADE")
    student = ForeignKeyField(Student, null=True, backref="interventions", on_delete="RESTRICT")
    unknown_person_description = CharField(default="")
    role = CharField(default="subject")  # a key of INVOLVED_ROLES
    outcomes = TextField(default="[]")  # JSON list of STUDENT_OUTCOMES keys that applied to them


class InterventionStaff(BaseModel):
    """A safety or security staff member who responded."""

    request = ForeignKeyField(InterventionRequest, backref="staff", on_delete="CASCADE")
    staff = ForeignKeyField(SafetyStaff, backref="interventions", on_delete="RESTRICT")

    class Meta:
        indexes = ((("request", "staff"), True),)


class LawEnforcementActivity(BaseModel):
    """One law-enforcement activity during the intervention, with its safeguards."""

    request = ForeignKeyField(InterventionRequest, backref="law_enforcement", on_delete="CASCADE")
    kind = CharField()  # a key of policy.LAW_ENFORCEMENT_ACTIVITIES
    on_premises = BooleanField(null=True)
    why_on_premises = TextField(default="")
    consent_requested = BooleanField(null=True)  # searches only
    attorney_access = CharField(default="")  # "" or a key of policy.ATTORNEY_ACCESS_ANSWERS
    parent_notified = BooleanField(null=True)
    notes = TextField(default="")
    custodial = BooleanField(null=True)  # RCW 13.40.740: was the questioning custodial?
    student_under_18 = BooleanField(null=True)


class RestraintIsolation(BaseModel):
    """The restraint/isolation record a request opens, with the steps RCW 28A.600.485 requires."""

    request = ForeignKeyField(
        InterventionRequest, backref="restraints", on_delete="CASCADE", unique=True
    )
    restraint = BooleanField(default=False)
    isolation = BooleanField(default=False)
    started_at = DateTimeField(null=True)
    ended_at = DateTimeField(null=True)
    description = TextField(default="")
    injuries = BooleanField(null=True)
    administrator_informed_at = DateTimeField(null=True)
    written_report_filed_at = DateTimeField(null=True)
    family_told_verbally_at = DateTimeField(null=True)
    family_told_in_writing_at = DateTimeField(null=True)
    language = CharField(default="")  # the family's language for the notifications
    # What RCW 28A.600.485 asks the written report to hold.
    administered_by_name = CharField(default="")
    administered_by_title = CharField(default="")
    type_codes = CharField(default="")  # comma-separated state codes, policy.RESTRAINT_TYPES
    student_injured = BooleanField(null=True)
    staff_injured_count = IntegerField(null=True)
    medical_care = TextField(default="")
    recommendations = TextField(default="")


class InterventionAmendment(BaseModel):
    """A change to a submitted request: who, when, why, and the request before and after (JSON)."""

    request = ForeignKeyField(InterventionRequest, backref="amendments", on_delete="CASCADE")
    version = IntegerField()  # the request's version after this amendment
    amended_at = DateTimeField(default=utc_now)
    amended_by = CharField()
    reason = TextField()
    before_json = TextField()
    after_json = TextField()


# --- agreements with agencies and companies, family complaints (issue 6) ----------------------
# The item catalogue (A1-A5, B, C, in the statute's words) and the adoption rules live in
# `agreements.py`; these tables keep what the school recorded.

PROVIDER_TYPES = {
    "law_enforcement_agency": "Law enforcement agency",
    "security_company": "Security company",
}
MEETING_KINDS = {
    "meeting": "Meeting",
    "survey": "Survey",
    "consultation": "Consultation",
}
PARTICIPANT_ROLES = {
    "parent": "Parent or guardian",
    "student": "Student",
    "community_member": "Community member",
    "staff": "School or district staff",
    "agency": "Agency or company",
}
COMPLAINT_CHANNELS = {
    "phone": "Phone",
    "email": "E-mail",
    "in_person": "In person",
    "letter": "Letter",
    "online_form": "Online form",
}
COMPLAINANT_ROLES = {
    "parent": "Parent or guardian",
    "student": "Student",
    "community_member": "Community member",
    "staff": "School staff",
    "other": "Other",
}
# RCW 28A.320.1241(d) counts complaints "about job duties and student interactions".
COMPLAINT_CATEGORIES = {
    "student_interaction": "Student interaction",
    "job_duties": "Job duties",
}


class Agreement(BaseModel):
    """The year's agreement with one police agency or security company (RCW 28A.320.1242)."""

    school = ForeignKeyField(School, backref="agreements", on_delete="RESTRICT")
    school_year = ForeignKeyField(SchoolYear, backref="agreements", on_delete="RESTRICT")
    provider_type = CharField()  # a key of PROVIDER_TYPES
    provider_name = CharField()  # as on the roster's employer_name
    document_title = CharField(default="")
    document_reference = CharField(default="")  # where the signed document is filed
    adopted_on = DateField(null=True)
    adopted_by = CharField(default="")  # e.g. "School board, resolution 2026-14"
    notes = TextField(default="")

    class Meta:
        indexes = ((("school", "school_year", "provider_name"), True),)


class AgreementItem(BaseModel):
    """One required content of the agreement: met or not, and where in the document."""

    agreement = ForeignKeyField(Agreement, backref="items", on_delete="CASCADE")
    code = CharField()  # A1 … A5, B, C (agreements.AGREEMENT_ITEMS)
    met = BooleanField(default=False)
    where_met = CharField(default="")  # e.g. "§4.2, p. 3"
    notes = TextField(default="")

    class Meta:
        indexes = ((("agreement", "code"), True),)


class StakeholderMeeting(BaseModel):
    """A meeting, survey or consultation held to review the agreement."""

    agreement = ForeignKeyField(Agreement, backref="meetings", on_delete="CASCADE")
    held_on = DateField()
    kind = CharField(default="meeting")  # a key of MEETING_KINDS
    title = CharField(default="")
    notes = TextField(default="")


class StakeholderParticipant(BaseModel):
    """Who took part, by role; the name is optional (a survey may have 40 anonymous parents)."""

    meeting = ForeignKeyField(StakeholderMeeting, backref="participants", on_delete="CASCADE")
    role = CharField()  # a key of PARTICIPANT_ROLES
    name = CharField(default="")
    people = IntegerField(default=1)


class Complaint(BaseModel):
    """A complaint about safety and security staff, from intake to closing. A closed complaint is
    changed only after `agreements.reopen_complaint` (with a reason, audited)."""

    school = ForeignKeyField(School, backref="complaints", on_delete="RESTRICT")
    school_year = ForeignKeyField(SchoolYear, backref="complaints", on_delete="RESTRICT")
    received_on = DateField()
    received_how = CharField()  # a key of COMPLAINT_CHANNELS
    complainant_name = CharField(default="")
    complainant_role = CharField(default="parent")  # a key of COMPLAINANT_ROLES
    complainant_contact = CharField(default="")  # only what is needed to answer
    language = CharField(default="")
    staff = ForeignKeyField(SafetyStaff, null=True, backref="complaints", on_delete="RESTRICT")
    staff_description = CharField(default="")  # when the person is not on the roster
    student = ForeignKeyField(Student, null=True, backref="complaints", on_delete="RESTRICT")
    category = CharField(default="student_interaction")  # a key of COMPLAINT_CATEGORIES
    what_happened = TextField()
    routed_to_school_on = DateField(null=True)
    routed_to_agency_on = DateField(null=True)
    agency_name = CharField(default="")
    investigation_notes = TextField(default="")
    response_sent_on = DateField(null=True)
    response_summary = TextField(default="")
    closed_on = DateField(null=True, index=True)
    closed_by = CharField(default="")
