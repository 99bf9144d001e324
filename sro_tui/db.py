"""Open, create, migrate and back up the school's database.

The disk is the truth: every write is a transaction committed with `synchronous=FULL` in WAL mode,
so a record the screen has confirmed survives a killed process or a pulled power cord.

Importing this module costs almost nothing: peewee and the models (a third of the app's start-up
when nothing is compiled) are imported by the functions that use them, the first time one runs.
The screens' shared widgets import the error words from here, and the first screen is drawn
before the database is opened (`ui/app.py`).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sro_tui.paths import ensure_private_dir

if TYPE_CHECKING:
    from peewee import Model, SqliteDatabase

BUSY_TIMEOUT_SECONDS = 10

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL: fsync on every commit
    "busy_timeout": BUSY_TIMEOUT_SECONDS * 1000,
    "cache_size": -16_000,  # 16 MB page cache
}


class DatabaseError(Exception):
    """The database cannot be opened or upgraded; the message says why in plain words."""


class StorageError(DatabaseError):
    """A write could not reach the disk (busy, full, read-only): nothing of it was committed."""


class DatabaseBusy(StorageError):
    """Another program holds the database's write lock longer than we wait."""


class DiskFull(StorageError):
    """The disk (or the folder's file system) has no room left."""


_STORAGE_PROBLEMS: tuple[tuple[str, type[StorageError], str], ...] = (
    ("locked", DatabaseBusy, "the database is busy: another program is writing to it"),
    ("busy", DatabaseBusy, "the database is busy: another program is writing to it"),
    ("disk is full", DiskFull, "the disk is full"),
    ("readonly", StorageError, "the database's folder or file is read-only"),
    ("read-only", StorageError, "the database's folder or file is read-only"),
    ("disk i/o error", StorageError, "the disk reported an input/output error"),
    ("unable to open", StorageError, "the database file cannot be opened"),
)


def _database_errors() -> tuple[type[BaseException], ...]:
    """sqlite3's error and, once peewee is loaded, peewee's (none can be raised before)."""
    peewee = sys.modules.get("peewee")
    return (sqlite3.Error,) if peewee is None else (sqlite3.Error, peewee.DatabaseError)


def storage_problem(exc: BaseException) -> StorageError | None:
    """The plain-words StorageError for a SQLite or OS failure to write, else None.

    Walks the exception chain: peewee wraps sqlite3's error, which may wrap an OSError.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, StorageError):
            return seen
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return DiskFull("the disk is full")
        if isinstance(seen, OSError) and seen.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return StorageError(f"{seen.filename or 'the folder'} is read-only or not ours")
        if isinstance(seen, _database_errors()):
            text = str(seen).lower()
            for needle, kind, message in _STORAGE_PROBLEMS:
                if needle in text:
                    return kind(message)
        seen = seen.__cause__ or seen.__context__
    return None


@contextmanager
def storage_errors(wait_seconds: float | None = None) -> Iterator[None]:
    """Turn SQLite's busy/full/read-only failures inside the block into a StorageError.

    With `wait_seconds`, this thread's connection waits at most that long for a busy database
    (the check-in screen must not freeze for the usual ten seconds), then goes back to normal.
    """
    from sro_tui.models import database_proxy

    db = database_proxy.obj
    if db is None:  # no database bound yet: nothing to wait for
        wait_seconds = None
    if wait_seconds is not None:
        db.execute_sql(f"PRAGMA busy_timeout = {int(wait_seconds * 1000)}")
    try:
        yield
    except (*_database_errors(), OSError) as exc:
        problem = storage_problem(exc)
        if problem is None:
            raise
        raise problem from exc
    finally:
        if wait_seconds is not None:
            try:
                db.execute_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
            except _database_errors():
                pass


def data_version() -> int:
    """A number that changes whenever another connection commits (PRAGMA data_version)."""
    from sro_tui.models import database_proxy

    return database_proxy.execute_sql("PRAGMA data_version").fetchone()[0]


def change_count() -> tuple[int, int]:
    """What changes whenever anything is committed that this thread's connection can see: another
    connection's commit (PRAGMA data_version) or a row it changed itself (total_changes)."""
    from sro_tui.models import database_proxy

    connection = database_proxy.connection()
    return connection.execute("PRAGMA data_version").fetchone()[0], connection.total_changes


# --- migrations -------------------------------------------------------------------------------
# Each migration is frozen SQL (or code) that takes the schema from version N-1 to N. Never edit
# a released migration: add a new one. `tests/core/test_db.py` checks that the migrated schema
# matches the models, and that a database made by an older version upgrades without loss.

_V1_PEOPLE = """
CREATE TABLE "school" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "code" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "district" VARCHAR(255) NOT NULL, "source_id" VARCHAR(255) NOT NULL);
CREATE UNIQUE INDEX "school_record_id" ON "school" ("record_id");
CREATE UNIQUE INDEX "school_code" ON "school" ("code");
CREATE TABLE "school_year" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "name" VARCHAR(255) NOT NULL, "start_date" DATE NOT NULL, "end_date" DATE NOT NULL, "is_current" INTEGER NOT NULL);
CREATE UNIQUE INDEX "school_year_record_id" ON "school_year" ("record_id");
CREATE UNIQUE INDEX "school_year_name" ON "school_year" ("name");
CREATE TABLE "student" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "sis_id" VARCHAR(255) NOT NULL, "source_id" VARCHAR(255) NOT NULL, "first_name" VARCHAR(255) NOT NULL, "middle_name" VARCHAR(255) NOT NULL, "last_name" VARCHAR(255) NOT NULL, "preferred_name" VARCHAR(255) NOT NULL, "grade" VARCHAR(255) NOT NULL, "homeroom" VARCHAR(255) NOT NULL, "active" INTEGER NOT NULL, "race_ethnicity" VARCHAR(255) NOT NULL, "sex" VARCHAR(255) NOT NULL, "iep" INTEGER, "section_504" INTEGER, "english_learner" INTEGER, "home_language" VARCHAR(255) NOT NULL, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "student_record_id" ON "student" ("record_id");
CREATE INDEX "student_school_id" ON "student" ("school_id");
CREATE UNIQUE INDEX "student_school_id_sis_id" ON "student" ("school_id", "sis_id");
CREATE TABLE "guardian" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "source_key" VARCHAR(255) NOT NULL, "first_name" VARCHAR(255) NOT NULL, "last_name" VARCHAR(255) NOT NULL, "email" VARCHAR(255) NOT NULL, "phone" VARCHAR(255) NOT NULL, "street" VARCHAR(255) NOT NULL, "city" VARCHAR(255) NOT NULL, "state" VARCHAR(255) NOT NULL, "postal_code" VARCHAR(255) NOT NULL, "preferred_language" VARCHAR(255) NOT NULL, "active" INTEGER NOT NULL, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "guardian_record_id" ON "guardian" ("record_id");
CREATE INDEX "guardian_school_id" ON "guardian" ("school_id");
CREATE UNIQUE INDEX "guardian_school_id_source_key" ON "guardian" ("school_id", "source_key");
CREATE TABLE "student_guardian" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "student_id" INTEGER NOT NULL, "guardian_id" INTEGER NOT NULL, "relationship" VARCHAR(255) NOT NULL, "receives_notices" INTEGER NOT NULL, FOREIGN KEY ("student_id") REFERENCES "student" ("id") ON DELETE CASCADE, FOREIGN KEY ("guardian_id") REFERENCES "guardian" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "student_guardian_record_id" ON "student_guardian" ("record_id");
CREATE INDEX "student_guardian_student_id" ON "student_guardian" ("student_id");
CREATE INDEX "student_guardian_guardian_id" ON "student_guardian" ("guardian_id");
CREATE UNIQUE INDEX "student_guardian_student_id_guardian_id" ON "student_guardian" ("student_id", "guardian_id");
CREATE TABLE "safety_staff" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "first_name" VARCHAR(255) NOT NULL, "last_name" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, "commissioned" INTEGER NOT NULL, "employer_type" VARCHAR(255) NOT NULL, "employer_name" VARCHAR(255) NOT NULL, "days_per_week" REAL NOT NULL, "training_status" VARCHAR(255) NOT NULL, "training_completed_on" DATE, "training_reference" VARCHAR(255) NOT NULL, "training_plan" TEXT NOT NULL, "training_due_on" DATE, "email" VARCHAR(255) NOT NULL, "phone" VARCHAR(255) NOT NULL, "active" INTEGER NOT NULL, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "safety_staff_record_id" ON "safety_staff" ("record_id");
CREATE INDEX "safety_staff_school_id" ON "safety_staff" ("school_id");
CREATE TABLE "audit_event" ("id" INTEGER NOT NULL PRIMARY KEY, "at" DATETIME NOT NULL, "actor" VARCHAR(255) NOT NULL, "action" VARCHAR(255) NOT NULL, "table_name" VARCHAR(255) NOT NULL, "record_id" VARCHAR(255) NOT NULL, "before" TEXT NOT NULL, "after" TEXT NOT NULL, "reason" TEXT NOT NULL);
CREATE TABLE "setting" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);
"""

# Version 2: families get one notice per household, and search-as-you-type needs a normalised key.
_V2_HOUSEHOLDS_AND_SEARCH = """
CREATE TABLE "household" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "key" VARCHAR(255) NOT NULL, "label" VARCHAR(255) NOT NULL, "address" TEXT NOT NULL, "active" INTEGER NOT NULL, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "household_record_id" ON "household" ("record_id");
CREATE INDEX "household_school_id" ON "household" ("school_id");
CREATE UNIQUE INDEX "household_school_id_key" ON "household" ("school_id", "key");
ALTER TABLE "guardian" ADD COLUMN "household_id" INTEGER REFERENCES "household" ("id") ON DELETE SET NULL;
CREATE INDEX "guardian_household_id" ON "guardian" ("household_id");
ALTER TABLE "student" ADD COLUMN "search_key" TEXT NOT NULL DEFAULT '';
"""


def _run_script(sql: str) -> Callable[[SqliteDatabase], None]:
    def apply(db: SqliteDatabase) -> None:
        for statement in (s.strip() for s in sql.split(";\n")):
            if statement:
                db.execute_sql(statement.rstrip(";"))

    return apply


def _fill_search_keys(db: SqliteDatabase) -> None:
    from sro_tui.search import student_search_key

    rows = db.execute_sql(
        'SELECT id, sis_id, first_name, middle_name, last_name, preferred_name FROM "student"'
    ).fetchall()
    for row_id, sis_id, first, middle, last, preferred in rows:
        key = student_search_key(sis_id, first, middle, last, preferred)
        db.execute_sql('UPDATE "student" SET search_key = ? WHERE id = ?', (key, row_id))


def _v2(db: SqliteDatabase) -> None:
    _run_script(_V2_HOUSEHOLDS_AND_SEARCH)(db)
    _fill_search_keys(db)


# Family notices (issue 4): one row per distribution of the Policy 4311 notice to a household.
_FAMILY_NOTICES = """
CREATE TABLE "family_notice" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "household_id" INTEGER NOT NULL, "school_year_id" INTEGER NOT NULL, "method" VARCHAR(255) NOT NULL, "language" VARCHAR(255) NOT NULL, "sent_on" DATE NOT NULL, "delivery_status" VARCHAR(255) NOT NULL, "recorded_by" VARCHAR(255) NOT NULL, "notes" TEXT NOT NULL, "status_changed_at" DATETIME NOT NULL, FOREIGN KEY ("household_id") REFERENCES "household" ("id") ON DELETE RESTRICT, FOREIGN KEY ("school_year_id") REFERENCES "school_year" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "family_notice_record_id" ON "family_notice" ("record_id");
CREATE INDEX "family_notice_household_id" ON "family_notice" ("household_id");
CREATE INDEX "family_notice_school_year_id" ON "family_notice" ("school_year_id");
"""


# Start-of-year presentation (issue 3): sessions, presenters, check-ins (once per student per year
# among rows not undone) and unmatched scans kept for later.
_PRESENTATION = """
CREATE TABLE "presentation_session" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "school_year_id" INTEGER NOT NULL, "held_on" DATE NOT NULL, "title" VARCHAR(255) NOT NULL, "place" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, "notes" TEXT NOT NULL, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT, FOREIGN KEY ("school_year_id") REFERENCES "school_year" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "presentation_session_record_id" ON "presentation_session" ("record_id");
CREATE INDEX "presentation_session_school_id" ON "presentation_session" ("school_id");
CREATE INDEX "presentation_session_school_year_id" ON "presentation_session" ("school_year_id");
CREATE TABLE "session_presenter" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "session_id" INTEGER NOT NULL, "staff_id" INTEGER NOT NULL, FOREIGN KEY ("session_id") REFERENCES "presentation_session" ("id") ON DELETE CASCADE, FOREIGN KEY ("staff_id") REFERENCES "safety_staff" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "session_presenter_record_id" ON "session_presenter" ("record_id");
CREATE INDEX "session_presenter_session_id" ON "session_presenter" ("session_id");
CREATE INDEX "session_presenter_staff_id" ON "session_presenter" ("staff_id");
CREATE UNIQUE INDEX "session_presenter_session_id_staff_id" ON "session_presenter" ("session_id", "staff_id");
CREATE TABLE "presentation_attendance" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "student_id" INTEGER NOT NULL, "session_id" INTEGER NOT NULL, "school_year_id" INTEGER NOT NULL, "recorded_at" DATETIME NOT NULL, "method" VARCHAR(255) NOT NULL, "recorded_by" VARCHAR(255) NOT NULL, "undone_at" DATETIME, "undone_by" VARCHAR(255) NOT NULL, "undo_reason" TEXT NOT NULL, FOREIGN KEY ("student_id") REFERENCES "student" ("id") ON DELETE RESTRICT, FOREIGN KEY ("session_id") REFERENCES "presentation_session" ("id") ON DELETE RESTRICT, FOREIGN KEY ("school_year_id") REFERENCES "school_year" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "presentation_attendance_record_id" ON "presentation_attendance" ("record_id");
CREATE INDEX "presentation_attendance_student_id" ON "presentation_attendance" ("student_id");
CREATE INDEX "presentation_attendance_session_id" ON "presentation_attendance" ("session_id");
CREATE INDEX "presentation_attendance_school_year_id" ON "presentation_attendance" ("school_year_id");
CREATE UNIQUE INDEX "presentation_attendance_once_per_year" ON "presentation_attendance" ("student_id", "school_year_id") WHERE ("undone_at" IS NULL);
CREATE TABLE "unmatched_scan" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "session_id" INTEGER NOT NULL, "scanned_text" VARCHAR(255) NOT NULL, "scanned_at" DATETIME NOT NULL, "recorded_by" VARCHAR(255) NOT NULL, "resolved_at" DATETIME, "resolution" VARCHAR(255) NOT NULL, "linked_student_id" INTEGER, "dismiss_reason" TEXT NOT NULL, "resolved_by" VARCHAR(255) NOT NULL, FOREIGN KEY ("session_id") REFERENCES "presentation_session" ("id") ON DELETE RESTRICT, FOREIGN KEY ("linked_student_id") REFERENCES "student" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "unmatched_scan_record_id" ON "unmatched_scan" ("record_id");
CREATE INDEX "unmatched_scan_session_id" ON "unmatched_scan" ("session_id");
CREATE INDEX "unmatched_scan_linked_student_id" ON "unmatched_scan" ("linked_student_id");
"""


# Intervention requests (issue 5): the request, students and staff involved, law-enforcement
# activity with its safeguards, restraint/isolation with its deadlines, and amendments.
_INTERVENTIONS = """
CREATE TABLE "intervention_request" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "school_year_id" INTEGER NOT NULL, "occurred_at" DATETIME, "location" VARCHAR(255) NOT NULL, "on_premises" INTEGER, "requested_by_name" VARCHAR(255) NOT NULL, "requested_by_role" VARCHAR(255) NOT NULL, "staff_initiated_emergency" INTEGER NOT NULL, "criterion" VARCHAR(255) NOT NULL, "facts" TEXT NOT NULL, "purpose_is_discipline" INTEGER, "actions_taken" TEXT NOT NULL, "outcome" TEXT NOT NULL, "status" VARCHAR(255) NOT NULL, "submitted_at" DATETIME, "submitted_by" VARCHAR(255) NOT NULL, "reviewed_at" DATETIME, "reviewed_by" VARCHAR(255) NOT NULL, "review_note" TEXT NOT NULL, "findings_json" TEXT NOT NULL, "reason_findings" INTEGER NOT NULL, "acknowledged_reasons_json" TEXT NOT NULL, "version" INTEGER NOT NULL, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT, FOREIGN KEY ("school_year_id") REFERENCES "school_year" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "intervention_request_record_id" ON "intervention_request" ("record_id");
CREATE INDEX "intervention_request_school_id" ON "intervention_request" ("school_id");
CREATE INDEX "intervention_request_school_year_id" ON "intervention_request" ("school_year_id");
CREATE INDEX "intervention_request_occurred_at" ON "intervention_request" ("occurred_at");
CREATE INDEX "intervention_request_status" ON "intervention_request" ("status");
CREATE TABLE "intervention_student" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "request_id" INTEGER NOT NULL, "student_id" INTEGER, "unknown_person_description" VARCHAR(255) NOT NULL, "role" VARCHAR(255) NOT NULL, FOREIGN KEY ("request_id") REFERENCES "intervention_request" ("id") ON DELETE CASCADE, FOREIGN KEY ("student_id") REFERENCES "student" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "intervention_student_record_id" ON "intervention_student" ("record_id");
CREATE INDEX "intervention_student_request_id" ON "intervention_student" ("request_id");
CREATE INDEX "intervention_student_student_id" ON "intervention_student" ("student_id");
CREATE TABLE "intervention_staff" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "request_id" INTEGER NOT NULL, "staff_id" INTEGER NOT NULL, FOREIGN KEY ("request_id") REFERENCES "intervention_request" ("id") ON DELETE CASCADE, FOREIGN KEY ("staff_id") REFERENCES "safety_staff" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "intervention_staff_record_id" ON "intervention_staff" ("record_id");
CREATE INDEX "intervention_staff_request_id" ON "intervention_staff" ("request_id");
CREATE INDEX "intervention_staff_staff_id" ON "intervention_staff" ("staff_id");
CREATE UNIQUE INDEX "intervention_staff_request_id_staff_id" ON "intervention_staff" ("request_id", "staff_id");
CREATE TABLE "law_enforcement_activity" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "request_id" INTEGER NOT NULL, "kind" VARCHAR(255) NOT NULL, "on_premises" INTEGER, "why_on_premises" TEXT NOT NULL, "consent_requested" INTEGER, "attorney_access" VARCHAR(255) NOT NULL, "parent_notified" INTEGER, "notes" TEXT NOT NULL, FOREIGN KEY ("request_id") REFERENCES "intervention_request" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "law_enforcement_activity_record_id" ON "law_enforcement_activity" ("record_id");
CREATE INDEX "law_enforcement_activity_request_id" ON "law_enforcement_activity" ("request_id");
CREATE TABLE "restraint_isolation" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "request_id" INTEGER NOT NULL, "restraint" INTEGER NOT NULL, "isolation" INTEGER NOT NULL, "started_at" DATETIME, "ended_at" DATETIME, "description" TEXT NOT NULL, "injuries" INTEGER, "administrator_informed_at" DATETIME, "written_report_filed_at" DATETIME, "family_told_verbally_at" DATETIME, "family_told_in_writing_at" DATETIME, "language" VARCHAR(255) NOT NULL, FOREIGN KEY ("request_id") REFERENCES "intervention_request" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "restraint_isolation_record_id" ON "restraint_isolation" ("record_id");
CREATE UNIQUE INDEX "restraint_isolation_request_id" ON "restraint_isolation" ("request_id");
CREATE TABLE "intervention_amendment" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "request_id" INTEGER NOT NULL, "version" INTEGER NOT NULL, "amended_at" DATETIME NOT NULL, "amended_by" VARCHAR(255) NOT NULL, "reason" TEXT NOT NULL, "before_json" TEXT NOT NULL, "after_json" TEXT NOT NULL, FOREIGN KEY ("request_id") REFERENCES "intervention_request" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "intervention_amendment_record_id" ON "intervention_amendment" ("record_id");
CREATE INDEX "intervention_amendment_request_id" ON "intervention_amendment" ("request_id");
"""


# Agreements with agencies/companies, stakeholder review, family complaints (issue 6).
_AGREEMENTS_AND_COMPLAINTS = """
CREATE TABLE "agreement" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "school_year_id" INTEGER NOT NULL, "provider_type" VARCHAR(255) NOT NULL, "provider_name" VARCHAR(255) NOT NULL, "document_title" VARCHAR(255) NOT NULL, "document_reference" VARCHAR(255) NOT NULL, "adopted_on" DATE, "adopted_by" VARCHAR(255) NOT NULL, "notes" TEXT NOT NULL, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT, FOREIGN KEY ("school_year_id") REFERENCES "school_year" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "agreement_record_id" ON "agreement" ("record_id");
CREATE INDEX "agreement_school_id" ON "agreement" ("school_id");
CREATE INDEX "agreement_school_year_id" ON "agreement" ("school_year_id");
CREATE UNIQUE INDEX "agreement_school_id_school_year_id_provider_name" ON "agreement" ("school_id", "school_year_id", "provider_name");
CREATE TABLE "agreement_item" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "agreement_id" INTEGER NOT NULL, "code" VARCHAR(255) NOT NULL, "met" INTEGER NOT NULL, "where_met" VARCHAR(255) NOT NULL, "notes" TEXT NOT NULL, FOREIGN KEY ("agreement_id") REFERENCES "agreement" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "agreement_item_record_id" ON "agreement_item" ("record_id");
CREATE INDEX "agreement_item_agreement_id" ON "agreement_item" ("agreement_id");
CREATE UNIQUE INDEX "agreement_item_agreement_id_code" ON "agreement_item" ("agreement_id", "code");
CREATE TABLE "stakeholder_meeting" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "agreement_id" INTEGER NOT NULL, "held_on" DATE NOT NULL, "kind" VARCHAR(255) NOT NULL, "title" VARCHAR(255) NOT NULL, "notes" TEXT NOT NULL, FOREIGN KEY ("agreement_id") REFERENCES "agreement" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "stakeholder_meeting_record_id" ON "stakeholder_meeting" ("record_id");
CREATE INDEX "stakeholder_meeting_agreement_id" ON "stakeholder_meeting" ("agreement_id");
CREATE TABLE "stakeholder_participant" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "meeting_id" INTEGER NOT NULL, "role" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "people" INTEGER NOT NULL, FOREIGN KEY ("meeting_id") REFERENCES "stakeholder_meeting" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "stakeholder_participant_record_id" ON "stakeholder_participant" ("record_id");
CREATE INDEX "stakeholder_participant_meeting_id" ON "stakeholder_participant" ("meeting_id");
CREATE TABLE "complaint" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "school_id" INTEGER NOT NULL, "school_year_id" INTEGER NOT NULL, "received_on" DATE NOT NULL, "received_how" VARCHAR(255) NOT NULL, "complainant_name" VARCHAR(255) NOT NULL, "complainant_role" VARCHAR(255) NOT NULL, "complainant_contact" VARCHAR(255) NOT NULL, "language" VARCHAR(255) NOT NULL, "staff_id" INTEGER, "staff_description" VARCHAR(255) NOT NULL, "student_id" INTEGER, "category" VARCHAR(255) NOT NULL, "what_happened" TEXT NOT NULL, "routed_to_school_on" DATE, "routed_to_agency_on" DATE, "agency_name" VARCHAR(255) NOT NULL, "investigation_notes" TEXT NOT NULL, "response_sent_on" DATE, "response_summary" TEXT NOT NULL, "closed_on" DATE, "closed_by" VARCHAR(255) NOT NULL, FOREIGN KEY ("school_id") REFERENCES "school" ("id") ON DELETE RESTRICT, FOREIGN KEY ("school_year_id") REFERENCES "school_year" ("id") ON DELETE RESTRICT, FOREIGN KEY ("staff_id") REFERENCES "safety_staff" ("id") ON DELETE RESTRICT, FOREIGN KEY ("student_id") REFERENCES "student" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "complaint_record_id" ON "complaint" ("record_id");
CREATE INDEX "complaint_school_id" ON "complaint" ("school_id");
CREATE INDEX "complaint_school_year_id" ON "complaint" ("school_year_id");
CREATE INDEX "complaint_staff_id" ON "complaint" ("staff_id");
CREATE INDEX "complaint_student_id" ON "complaint" ("student_id");
CREATE INDEX "complaint_closed_on" ON "complaint" ("closed_on");
"""


# Whether an intervention request's incident resulted in student discipline (the annual report).
_DISCIPLINE_OUTCOME = """
ALTER TABLE "intervention_request" ADD COLUMN "resulted_in_discipline" INTEGER;
"""


# Check-in stations (issue 17): the station a check-in or unmatched scan was recorded at, and the
# kits made for a session with when each was merged.
_STATIONS = """
ALTER TABLE "presentation_attendance" ADD COLUMN "station" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "unmatched_scan" ADD COLUMN "station" VARCHAR(255) NOT NULL DEFAULT '';
CREATE TABLE "station_kit" ("id" INTEGER NOT NULL PRIMARY KEY, "record_id" VARCHAR(36) NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "session_id" INTEGER NOT NULL, "station" VARCHAR(255) NOT NULL, "made_at" DATETIME NOT NULL, "merged_at" DATETIME, "merged_by" VARCHAR(255) NOT NULL, "last_merged_at" DATETIME, FOREIGN KEY ("session_id") REFERENCES "presentation_session" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "station_kit_record_id" ON "station_kit" ("record_id");
CREATE INDEX "station_kit_session_id" ON "station_kit" ("session_id");
"""


# The school's state codes and the student's state ID (issue 11).
_SCHOOL_IDENTITY = """
ALTER TABLE "school" ADD COLUMN "ospi_building_code" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "school" ADD COLUMN "county_district_code" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "student" ADD COLUMN "ssid" VARCHAR(255) NOT NULL DEFAULT '';
"""

# Issue 12 (right about the law): staff first and last day on site (training deadlines, the annual
# report counts everyone who worked in the year); what RCW 28A.600.485 asks of a restraint or
# isolation report; RCW 13.40.740's custodial and under-18 questions; each student's outcomes.
_LAW_RECORDS = """
ALTER TABLE "safety_staff" ADD COLUMN "first_day_on_site" DATE;
ALTER TABLE "safety_staff" ADD COLUMN "last_day_on_site" DATE;
ALTER TABLE "restraint_isolation" ADD COLUMN "administered_by_name" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "restraint_isolation" ADD COLUMN "administered_by_title" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "restraint_isolation" ADD COLUMN "type_codes" VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE "restraint_isolation" ADD COLUMN "student_injured" INTEGER;
ALTER TABLE "restraint_isolation" ADD COLUMN "staff_injured_count" INTEGER;
ALTER TABLE "restraint_isolation" ADD COLUMN "medical_care" TEXT NOT NULL DEFAULT '';
ALTER TABLE "restraint_isolation" ADD COLUMN "recommendations" TEXT NOT NULL DEFAULT '';
ALTER TABLE "law_enforcement_activity" ADD COLUMN "custodial" INTEGER;
ALTER TABLE "law_enforcement_activity" ADD COLUMN "student_under_18" INTEGER;
ALTER TABLE "intervention_student" ADD COLUMN "outcomes" TEXT NOT NULL DEFAULT '[]';
"""

# A guardian a contacts export marks as not living with their students ("Lives With: No"): a
# household of their own even without an address (issue 11's household rule 3).
_LIVES_APART = """
ALTER TABLE "guardian" ADD COLUMN "lives_apart" INTEGER NOT NULL DEFAULT 0;
"""


MIGRATIONS: list[Callable[[SqliteDatabase], None]] = [
    _run_script(_V1_PEOPLE),  # 1
    _v2,  # 2
    _run_script(_FAMILY_NOTICES),  # family notices
    _run_script(_PRESENTATION),  # presentation sessions and check-ins
    _run_script(_INTERVENTIONS),  # intervention requests
    _run_script(_AGREEMENTS_AND_COMPLAINTS),  # agreements and complaints
    _run_script(_DISCIPLINE_OUTCOME),  # discipline outcome of an intervention request
    _run_script(_STATIONS),  # issue 17: check-in stations and their kits
    _run_script(_SCHOOL_IDENTITY),  # issue 11: school building/district codes, student SSID
    _run_script(_LAW_RECORDS),  # issue 12: staff days on site, restraint report, safeguards
    _run_script(_LIVES_APART),  # a guardian the roster says lives apart from their students
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: SqliteDatabase) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def migrate(db: SqliteDatabase) -> list[int]:
    """Bring the schema up to SCHEMA_VERSION, one committed step at a time. Returns steps applied."""
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise DatabaseError(
            f"this database was written by a newer sro-tui (schema {current}, this program knows "
            f"up to {SCHEMA_VERSION}); update sro-tui before opening it"
        )
    applied = []
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with db.atomic():
            MIGRATIONS[version - 1](db)
            db.execute_sql(f"PRAGMA user_version = {version}")
        applied.append(version)
    return applied


# --- opening ----------------------------------------------------------------------------------


def _make_private(path: Path) -> None:
    """The database and its WAL/SHM companions are readable by their owner only."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists():
            os.chmod(candidate, 0o600)


def open_database(path: Path | str, *, create: bool = True) -> SqliteDatabase:
    """Open (creating and migrating when needed) the database at `path`, bound to the models.

    The folder is created 0700 and the file 0600. Raises DatabaseError with a plain reason when the
    file is not an sro-tui database or cannot be opened.
    """
    from peewee import DatabaseError as PeeweeDatabaseError
    from peewee import SqliteDatabase

    from sro_tui.models import database_proxy

    path = Path(path).expanduser()
    if str(path) != ":memory:":
        if not path.exists():
            if not create:
                raise DatabaseError(f"no database at {path}")
            try:
                ensure_private_dir(path.parent)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.close(fd)
            except OSError as exc:
                problem = storage_problem(exc)
                raise DatabaseError(
                    f"cannot create {path}: {problem or exc.strerror or exc}"
                ) from exc
    db = SqliteDatabase(
        str(path), pragmas=PRAGMAS, lock_type="IMMEDIATE", timeout=BUSY_TIMEOUT_SECONDS
    )
    try:
        db.connect(reuse_if_open=True)
        migrate(db)
    except (sqlite3.DatabaseError, PeeweeDatabaseError) as exc:  # "file is not a database"
        db.close()
        raise DatabaseError(f"cannot open {path}: {exc}") from exc
    except DatabaseError:
        db.close()
        raise
    if str(path) != ":memory:":
        _make_private(path)
    database_proxy.initialize(db)
    return db


def bulk_insert(model: type[Model], rows: list[dict[str, Any]], *, into: Any = None) -> None:
    """Insert rows (dicts with the same keys, by field or column name; fields left out get their
    default) with one prepared statement and the driver's executemany.

    peewee's insert_many builds an expression node for every cell (about 10 µs each): for the
    thousands of rows of a demo school or a bulk notice action that was most of the time. The
    fields' own `db_value` conversions keep the stored values what peewee would store, on SQLite
    or PostgreSQL alike. Call inside the caller's transaction. `into`: another SQLite cursor to
    write with (a station kit's file) instead of the models' database.
    """
    if not rows:
        return
    meta = model._meta
    given = [meta.fields.get(name) or meta.columns[name] for name in rows[0]]
    keys = list(rows[0])
    given_names = {f.name for f in given}  # by name: peewee's Field == builds a SQL expression
    defaults = {f: d for f, d in meta.defaults.items() if f.name not in given_names}
    fields = given + list(defaults)
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    database = meta.database
    marks = ", ".join([database.param] * len(fields))
    sql = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({marks})'
    converters = [f.db_value for f in given]
    default_converters = [(f.db_value, d) for f, d in defaults.items()]

    def values(row: dict[str, Any]) -> tuple:
        return tuple(to_db(row[key]) for to_db, key in zip(converters, keys, strict=True)) + tuple(
            to_db(d() if callable(d) else d) for to_db, d in default_converters
        )

    (into or database.cursor()).executemany(sql, [values(row) for row in rows])


def connection() -> Any:
    """This thread's connection to the models' database: a DB-API (sqlite3) connection, for the
    counts written as plain SQL (`reports.status`), which also read a file not opened yet."""
    from sro_tui.models import database_proxy

    return database_proxy.connection()
