"""Check-in stations: a kit for each door's laptop (merged back by `station_merge`).

A station kit is a small sro-tui database (the same schema, so `sro-tui check-in --db KIT` runs
the same screen with the same guarantees) made for one session. It holds only what a door needs:
the school (code, name), the school year, the session, and the active students' IDs, names,
grades and homerooms — no demographics, families, staff, interventions or complaints, so a lost
USB stick leaks a class list, not a case file. Its settings name the station and carry the
`record_id`s of the school and session it was made from, and the kit's own id.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from peewee import SqliteDatabase, fn

from sro_tui.db import SCHEMA_VERSION, bulk_insert, migrate
from sro_tui.models import (
    PresentationSession,
    School,
    SchoolYear,
    Setting,
    StationKit,
    Student,
    database_proxy,
    utc_now,
)
from sro_tui.paths import ensure_private_dir
from sro_tui.presentation.checkins import (
    STATION_NAME_SETTING,
    get_session,
    todays_session,
)
from sro_tui.records import (
    ValidationError,
    audit,
    get_school,
    get_setting,
)

KIT_ID_SETTING = "station.kit_id"
KIT_SCHOOL_SETTING = "station.school_record_id"
KIT_SESSION_SETTING = "station.session_record_id"
KIT_YEAR_SETTING = "station.school_year"
KIT_MADE_AT_SETTING = "station.made_at"
# `undone_by` of a check-in not counted because the same student was checked in earlier
# (at another door, or in the office): the merge may count it again if the earlier one is undone.
MERGE_ACTOR = "sro-tui merge (counted once)"
OFFICE = "the office"


class StationKitError(Exception):
    """A kit cannot be made or merged; the message says why in one line. Nothing was changed."""


def station_label(station: str) -> str:
    """How a station reads in lists: its name, or "the office" for check-ins made there."""
    return station or OFFICE


def is_station_kit() -> bool:
    """Whether the open database is a station kit (then it makes no kits of its own)."""
    return bool(get_setting(KIT_ID_SETTING))


def session_for_check_in(session_id: int | None = None) -> PresentationSession:
    """The session the check-in screen opens: the one asked for, else the kit's own session at a
    station, else today's (created as "Assembly <date>" when there is none)."""
    if session_id:
        return get_session(session_id)
    kit_session = get_setting(KIT_SESSION_SETTING)
    if kit_session:
        found = PresentationSession.get_or_none(PresentationSession.record_id == kit_session)
        if found is not None:
            return found
    return todays_session()


# --- making a kit -----------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "station"


def kit_file_name(school_code: str, session: PresentationSession, station: str) -> str:
    """ "PTHS-2026-09-02-north-door.sqlite3": the school, the day and the door, at a glance."""
    return f"{_slug(school_code).upper()}-{session.held_on.isoformat()}-{_slug(station)}.sqlite3"


def _default_station(session: PresentationSession) -> str:
    made = StationKit.select().where(StationKit.session == session).count()
    return f"Station {made + 1}"


def _kit_rows(school: School, session: PresentationSession) -> dict[type, list[dict]]:
    """What a door needs, and nothing more (see the module's docstring)."""
    year = session.school_year
    students = Student.select(
        Student.id,
        Student.record_id,
        Student.updated_at,
        Student.sis_id,
        Student.first_name,
        Student.middle_name,
        Student.last_name,
        Student.preferred_name,
        Student.grade,
        Student.homeroom,
        Student.search_key,
    ).where((Student.school == school) & (Student.active == True))  # noqa: E712
    return {
        School: [
            dict(id=school.id, record_id=school.record_id, code=school.code, name=school.name)
        ],
        SchoolYear: [
            dict(
                id=year.id,
                record_id=year.record_id,
                name=year.name,
                start_date=year.start_date,
                end_date=year.end_date,
                is_current=True,
            )
        ],
        PresentationSession: [
            dict(
                id=session.id,
                record_id=session.record_id,
                school=school.id,
                school_year=year.id,
                held_on=session.held_on,
                title=session.title,
                place=session.place,
                kind=session.kind,
            )
        ],
        Student: [dict(row, school=school.id) for row in students.dicts()],
    }


def make_station_kit(
    out_dir: Path | str,
    station: str = "",
    session: PresentationSession | None = None,
    actor: str | None = None,
) -> Path:
    """Write a station kit for `session` (default: today's) into `out_dir`; return its path.

    Written whole (a temporary file renamed) and 0600; an existing file is never overwritten
    (it may hold a door's check-ins). The kit is recorded in the school's database so the
    session's detail lists it until it is merged. Raises StationKitError or ValidationError.
    """
    if is_station_kit():
        raise StationKitError("this database is itself a station kit: make kits in the office")
    school = get_school()
    if school is None:
        raise ValidationError({"school": "set up the school first (import a roster)"})
    session = session or todays_session(actor=actor)
    station = " ".join(station.split()) or _default_station(session)
    if len(station) > 60:
        raise ValidationError({"station": "a station's name is at most 60 characters"})
    if (
        StationKit.select()
        .where((StationKit.session == session) & (fn.LOWER(StationKit.station) == station.lower()))
        .exists()
    ):
        raise ValidationError(
            {"station": f"a kit named {station!r} was already made for this session"}
        )
    folder = Path(out_dir).expanduser()
    try:
        ensure_private_dir(folder)
    except OSError as exc:
        raise StationKitError(f"cannot write to {folder}: {exc.strerror or exc}") from exc
    path = folder / kit_file_name(school.code, session, station)
    if path.exists():
        raise StationKitError(f"{path} already exists: it may hold a door's check-ins")
    kit_id = StationKit._meta.fields["record_id"].default()
    made_at = utc_now()
    settings = {
        "school_id": str(school.id),
        STATION_NAME_SETTING: station,
        KIT_ID_SETTING: kit_id,
        KIT_SCHOOL_SETTING: school.record_id,
        KIT_SESSION_SETTING: session.record_id,
        KIT_YEAR_SETTING: session.school_year.name,
        KIT_MADE_AT_SETTING: made_at.isoformat(sep=" "),
    }
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        _write_kit(tmp, _kit_rows(school, session), settings)
        with database_proxy.atomic():
            kit = StationKit.create(
                record_id=kit_id, session=session, station=station, made_at=made_at
            )
            audit("make station kit", kit, after={"station": station, "file": path.name})
            os.replace(tmp, path)  # inside: a failed rename leaves no kit on record
    except OSError as exc:
        raise StationKitError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _write_kit(path: Path, rows: dict[type, list[dict]], settings: dict[str, str]) -> None:
    kit = SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    try:
        kit.connect()
        migrate(kit)  # the same schema as the school's: the same screen runs on it
        with kit.atomic():
            cursor = kit.cursor()
            for model, model_rows in rows.items():
                bulk_insert(model, model_rows, into=cursor)
            bulk_insert(Setting, [dict(key=k, value=v) for k, v in settings.items()], into=cursor)
    finally:
        kit.close()
    os.chmod(path, 0o600)


# --- reading a kit ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KitInfo:
    """Who and what a kit is for, from its settings."""

    path: Path
    kit_id: str
    station: str
    school_record_id: str
    school_code: str
    school_name: str
    school_year: str
    session_record_id: str
    session_title: str
    made_at: str


def open_kit(path: Path) -> sqlite3.Connection:
    """A connection to the kit file; StationKitError when it is missing, not a database or newer."""
    if not path.is_file():
        raise StationKitError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(path)  # recovers a killed station's WAL: every committed scan
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StationKitError(f"{path} is not a station kit ({exc})") from exc
    if version > SCHEMA_VERSION:
        conn.close()
        raise StationKitError(
            f"{path.name} was written by a newer sro-tui (schema {version}); update sro-tui first"
        )
    return conn


def kit_info(path: Path, conn: sqlite3.Connection) -> KitInfo:
    """The kit's settings read from its open connection; StationKitError when it is no kit."""
    try:
        settings = dict(conn.execute('SELECT key, value FROM "setting"').fetchall())
        title = conn.execute(
            'SELECT title FROM "presentation_session" WHERE record_id = ?',
            (settings.get(KIT_SESSION_SETTING, ""),),
        ).fetchone()
        school = conn.execute(
            'SELECT code, name FROM "school" WHERE record_id = ?',
            (settings.get(KIT_SCHOOL_SETTING, ""),),
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise StationKitError(f"{path} is not a station kit ({exc})") from exc
    if not settings.get(KIT_ID_SETTING) or title is None or school is None:
        raise StationKitError(f"{path.name} is not a station kit (`sro-tui station kit` makes one)")
    return KitInfo(
        path=path,
        kit_id=settings[KIT_ID_SETTING],
        station=settings.get(STATION_NAME_SETTING, ""),
        school_record_id=settings[KIT_SCHOOL_SETTING],
        school_code=school[0],
        school_name=school[1],
        school_year=settings.get(KIT_YEAR_SETTING, ""),
        session_record_id=settings[KIT_SESSION_SETTING],
        session_title=title[0],
        made_at=settings.get(KIT_MADE_AT_SETTING, ""),
    )


def read_station_kit(path: Path | str) -> KitInfo:
    """The kit's station, school, year and session; StationKitError when it is not a kit."""
    path = Path(path).expanduser()
    conn = open_kit(path)
    try:
        return kit_info(path, conn)
    finally:
        conn.close()
