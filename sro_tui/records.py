"""The school, its years, the audit trail and the safety staff roster: the core services the rest
of the app stands on. No UI here; the command line and the Textual screens both call these."""

from __future__ import annotations

import getpass
import json
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

from peewee import Model

from sro_tui.models import (
    EMPLOYER_TYPES,
    STAFF_KINDS,
    TRAINING_STATUSES,
    AuditEvent,
    SafetyStaff,
    School,
    SchoolYear,
    Setting,
    Student,
    database_proxy,
)
from sro_tui.search import build_index
from sro_tui.terms import EXPORT_FOLDER_SETTING


class ValidationError(Exception):
    """A record cannot be saved; `problems` maps field name -> reason, in plain words."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


# --- settings, actor, audit -------------------------------------------------------------------


def get_setting(key: str, default: str = "") -> str:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else default


def set_setting(key: str, value: str) -> None:
    Setting.insert(key=key, value=value).on_conflict_replace().execute()
    global _settings_written
    _settings_written += 1  # kept settings are read again, on every thread


class _KeptSettings(threading.local):
    connection: object = None
    written = -1
    values: dict[str, str]


_kept_settings = _KeptSettings()
_settings_written = 0


def kept_setting(key: str) -> str:
    """A setting read once per database connection and kept (this process's `set_setting`
    forgets it): for values read on every scan, such as who is recording and the station's
    name, which change from the app itself, not under it."""
    kept = _kept_settings
    connection = database_proxy.connection()
    # Another database, a reopened one, or a setting written since: read again.
    if kept.connection is not connection or kept.written != _settings_written:
        kept.connection, kept.written, kept.values = connection, _settings_written, {}
    if key not in kept.values:
        kept.values[key] = get_setting(key)
    return kept.values[key]


def export_folder(default: Path) -> Path:
    """The folder where every export goes unless a command names another (--out): the school's
    setting, else `default` (the caller's, e.g. `paths.default_export_dir()` from the CLI)."""
    chosen = get_setting(EXPORT_FOLDER_SETTING).strip()
    return Path(chosen) if chosen else Path(default)


def set_export_folder(folder: Path | str) -> Path:
    """Keep `folder` as the export folder (absolute, `~` expanded) and return it. The folder is
    created by the first export, not here; a path that names a file is refused."""
    text = str(folder).strip().strip("'\"")
    if not text:
        raise ValidationError({"export_folder": "give a folder"})
    path = Path(text).expanduser().absolute()
    if path.exists() and not path.is_dir():
        raise ValidationError({"export_folder": f"{path} is a file, not a folder"})
    with database_proxy.atomic():
        before = get_setting(EXPORT_FOLDER_SETTING)
        set_setting(EXPORT_FOLDER_SETTING, str(path))
        audit(
            "update",
            table_name="setting",
            record_id=EXPORT_FOLDER_SETTING,
            before={"value": before} if before else None,
            after={"value": str(path)},
        )
    return path


def current_actor() -> str:
    """Who is recording: the name set in the app, else the computer account's user name (read
    once per connection: every check-in asks)."""
    return kept_setting("actor") or getpass.getuser()


def snapshot(record: Model) -> dict[str, Any]:
    """A JSON-safe copy of a record's fields, for the audit trail."""
    out: dict[str, Any] = {}
    for name, value in record.__data__.items():
        if isinstance(value, datetime | date):
            value = value.isoformat()
        out[name] = value
    return out


def audit(
    action: str,
    record: Model | None = None,
    *,
    table_name: str = "",
    record_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    actor: str | None = None,
) -> AuditEvent:
    """Write one audit event (call inside the same transaction as the change it records)."""
    if record is not None:
        table_name = table_name or record._meta.table_name
        record_id = record_id or str(getattr(record, "record_id", "") or record.get_id())
    return AuditEvent.create(
        actor=actor or current_actor(),
        action=action,
        table_name=table_name,
        record_id=record_id,
        before=json.dumps(before, ensure_ascii=False, sort_keys=True) if before else "",
        after=json.dumps(after, ensure_ascii=False, sort_keys=True) if after else "",
        reason=reason,
    )


def parse_date(text: str) -> date:
    """A date as an office types it: ISO `2026-09-08`, or the US `9/8/2026` (month first).

    ValueError says which forms are understood. Two-digit years are refused: "9/8/26" could be
    read two ways by whoever checks the record later.
    """
    cleaned = text.strip()
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        pass
    parts = cleaned.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        try:
            return date(int(parts[2]), int(parts[0]), int(parts[1]))
        except ValueError:
            pass
    raise ValueError(f"{text.strip()!r} is not a date: write it as YYYY-MM-DD or MM/DD/YYYY")


# --- school and school year -------------------------------------------------------------------


def school_year_for(day: date) -> tuple[str, date, date]:
    """Washington school years run July 1 - June 30 (the state fiscal year).

    2026-11-28 -> ("2026-27", 2026-07-01, 2027-06-30).
    """
    first = day.year if day.month >= 7 else day.year - 1
    return f"{first}-{str(first + 1)[-2:]}", date(first, 7, 1), date(first + 1, 6, 30)


def ensure_school(code: str, name: str, district: str = "", source_id: str = "") -> School:
    """The school this database keeps records for; created on first use and made current."""
    school = School.get_or_none(School.code == code)
    if school is None:
        school = School.create(code=code, name=name, district=district, source_id=source_id)
        audit("create", school, after=snapshot(school))
    set_setting("school_id", str(school.id))
    return school


def get_school() -> School | None:
    """The current school: the one chosen in settings, else the only one in the database."""
    chosen = get_setting("school_id")
    if chosen:
        school = School.get_or_none(School.id == int(chosen))
        if school is not None:
            return school
    return School.select().order_by(School.id).first()


def ensure_current_year(today: date | None = None) -> SchoolYear:
    """The current school year, created from today's date when the database has none."""
    current = SchoolYear.get_or_none(SchoolYear.is_current == True)  # noqa: E712
    if current is not None:
        return current
    name, start, end = school_year_for(today or date.today())
    with database_proxy.atomic():
        year, _created = SchoolYear.get_or_create(
            name=name, defaults={"start_date": start, "end_date": end}
        )
        year.is_current = True
        year.save()
    return year


def current_year() -> SchoolYear | None:
    return SchoolYear.get_or_none(SchoolYear.is_current == True)  # noqa: E712


# --- safety staff -----------------------------------------------------------------------------

STAFF_FIELDS = (
    "first_name",
    "last_name",
    "kind",
    "commissioned",
    "employer_type",
    "employer_name",
    "days_per_week",
    "training_status",
    "training_completed_on",
    "training_reference",
    "training_plan",
    "training_due_on",
    "email",
    "phone",
    "active",
    "first_day_on_site",  # issue 12: training deadlines and the annual report's staff count
    "last_day_on_site",
)


def validate_staff(values: dict[str, Any]) -> dict[str, str]:
    """Problems with a safety staff record, by field; empty when it can be saved."""
    problems: dict[str, str] = {}
    if not str(values.get("first_name", "")).strip():
        problems["first_name"] = "first name is required"
    if not str(values.get("last_name", "")).strip():
        problems["last_name"] = "last name is required"
    kind = values.get("kind")
    if kind not in STAFF_KINDS:
        problems["kind"] = f"kind must be one of: {', '.join(STAFF_KINDS)}"
    employer_type = values.get("employer_type", "district")
    if employer_type not in EMPLOYER_TYPES:
        problems["employer_type"] = f"employer must be one of: {', '.join(EMPLOYER_TYPES)}"
    elif employer_type != "district" and not str(values.get("employer_name", "")).strip():
        problems["employer_name"] = "name the agency or company that employs this person"
    if kind == "sro":
        # RCW 28A.320.124: an SRO is a commissioned officer assigned by a police department or
        # sheriff's office.
        if not values.get("commissioned", False):
            problems["commissioned"] = "a school resource officer is a commissioned officer"
        if employer_type != "law_enforcement_agency":
            problems["employer_type"] = (
                "a school resource officer is assigned by a police department or sheriff's office"
            )
    try:
        days = float(values.get("days_per_week", 5))
        if not 0 <= days <= 7:
            problems["days_per_week"] = "days per week must be between 0 and 7"
    except (TypeError, ValueError):
        problems["days_per_week"] = "days per week must be a number"
    first, last = values.get("first_day_on_site"), values.get("last_day_on_site")
    if first and last and last < first:
        problems["last_day_on_site"] = "the last day on site is before the first"
    status = values.get("training_status", "not_started")
    if status not in TRAINING_STATUSES:
        problems["training_status"] = (
            f"training status must be one of: {', '.join(TRAINING_STATUSES)}"
        )
    elif status == "completed" and not values.get("training_completed_on"):
        problems["training_completed_on"] = "give the date the training series was completed"
    elif status == "planned" and not values.get("training_due_on"):
        problems["training_due_on"] = "give the date the planned training is due"
    return problems


# The staff fields a person types: trimmed on save, and screened for forbidden content
# (`agreements.save_safety_staff`) before they are stored.
STAFF_TEXT_FIELDS = (
    "first_name",
    "last_name",
    "employer_name",
    "training_reference",
    "training_plan",
    "email",
    "phone",
)


def save_staff(
    values: dict[str, Any], staff: SafetyStaff | None = None, school: School | None = None
) -> SafetyStaff:
    """Create or update a safety staff member, audited. Raises ValidationError without writing."""
    merged = {f: getattr(staff, f) for f in STAFF_FIELDS} if staff else {}
    merged.update({k: v for k, v in values.items() if k in STAFF_FIELDS})
    for text_field in STAFF_TEXT_FIELDS:
        if text_field in merged and merged[text_field] is not None:
            merged[text_field] = str(merged[text_field]).strip()
    if merged.get("active", True) is False and not merged.get("last_day_on_site"):
        # The annual report counts everyone who worked in the year: keep when they stopped.
        merged["last_day_on_site"] = date.today()
    problems = validate_staff(merged)
    if problems:
        raise ValidationError(problems)
    merged["days_per_week"] = float(merged.get("days_per_week", 5))
    with database_proxy.atomic():
        if staff is None:
            school = school or get_school()
            if school is None:
                raise ValidationError({"school": "set up the school first (import a roster)"})
            staff = SafetyStaff.create(school=school, **merged)
            audit("create", staff, after=snapshot(staff))
        else:
            before = snapshot(staff)
            for key, value in merged.items():
                setattr(staff, key, value)
            staff.save()
            audit("update", staff, before=before, after=snapshot(staff))
    return staff


def get_staff(staff_id: int) -> SafetyStaff | None:
    """The safety staff member with this id, or None (a row removed since the list was read)."""
    return SafetyStaff.get_or_none(SafetyStaff.id == staff_id)


def list_staff(include_inactive: bool = False) -> list[SafetyStaff]:
    query = SafetyStaff.select()
    if not include_inactive:
        query = query.where(SafetyStaff.active == True)  # noqa: E712
    return list(query.order_by(SafetyStaff.last_name, SafetyStaff.first_name))


# --- the student index --------------------------------------------------------------------------


def load_student_index(school: School | None = None):
    """The in-memory search index (`search.StudentIndex`) over the school's students, active and
    inactive, in one query: what every screen and benchmark that looks students up builds."""
    school = school or get_school()
    query = Student.select(
        Student.id,
        Student.sis_id,
        Student.last_name,
        Student.first_name,
        Student.preferred_name,
        Student.grade,
        Student.homeroom,
        Student.active,
    )
    if school is not None:
        query = query.where(Student.school == school)
    # Row by row (`iterator`): peewee would otherwise keep every row it handed over.
    return build_index(query.tuples().iterator())
