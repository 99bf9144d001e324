"""The school's records, as peewee models.

Portable by design: the models are bound to a `DatabaseProxy`, so the same code runs on the
school's SQLite file or on a district PostgreSQL server. Records that leave the machine carry a
stable `record_id` (UUID), and every table has `created_at`/`updated_at` so the district can merge
exports from every school without duplicates.

There is deliberately no field for immigration or citizenship status or place of birth anywhere
in this schema (RCW 10.93.160); a test enforces it.
"""

from __future__ import annotations

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

database_proxy = DatabaseProxy()


def utc_now() -> datetime:
    """Timestamps are stored in UTC, without microseconds noise in exports."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_record_id() -> str:
    return str(uuid.uuid4())


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


class SchoolYear(BaseModel):
    name = CharField(unique=True)  # "2026-27"
    start_date = DateField()
    end_date = DateField()
    is_current = BooleanField(default=False)


# Grades are kept as the school writes them ("K", "PK", "1" … "12"); GRADE_ORDER sorts them.
GRADE_ORDER = {"PK": -1, "K": 0, **{str(n): n for n in range(1, 13)}}


class Student(BaseModel):
    school = ForeignKeyField(School, backref="students", on_delete="RESTRICT")
    sis_id = CharField()  # text: leading zeros matter
    source_id = CharField(default="")  # OneRoster sourcedId, when the roster came from a bundle
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
    household = ForeignKeyField(Household, backref="guardians", null=True, on_delete="SET NULL")
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("school", "source_key"), True),)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def mailing_address(self) -> str:
        city_line = " ".join(p for p in (f"{self.city}," if self.city else "", self.state,
                                         self.postal_code) if p)
        return ", ".join(p for p in (self.street, city_line.rstrip(",")) if p)


class StudentGuardian(BaseModel):
    student = ForeignKeyField(Student, backref="guardian_links", on_delete="CASCADE")
    guardian = ForeignKeyField(Guardian, backref="student_links", on_delete="CASCADE")
    relationship = CharField(default="")
    receives_notices = BooleanField(default=True)

    class Meta:
        indexes = ((("student", "guardian"), True),)


STAFF_KINDS = {
    "sro": "School resource officer",
    "school_security_officer": "School security officer",
    "campus_security_officer": "Campus security officer",
    "other": "Other safety/security staff",
}
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
