"""Roster import, all or nothing: an SIS CSV export or a OneRoster 1.1/1.2 bundle (folder or zip).

`prepare_import` reads and checks the whole file and compares it with the database without
writing; `apply_import` writes the plan in one transaction (students, guardians, links, households
and one audit event) or, on any problem, nothing. Re-importing updates students by their SIS ID,
never duplicates them, and marks students who are gone as inactive (never deleted: records point
at them). Formats, spellings and the refuse-or-warn rules are in docs/roster-import.md.
"""

from __future__ import annotations

import gc
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

from peewee import chunked

from sro_tui.models import (
    Guardian,
    Household,
    School,
    Student,
    StudentGuardian,
    database_proxy,
    new_record_ids,
    utc_now,
)
from sro_tui.records import audit, ensure_current_year, ensure_school, get_school
from sro_tui.roster.contacts import ContactsCsv
from sro_tui.roster.csvread import (
    BundleSchool,
    ParsedRoster,
    ProblemLog,
    RosterGuardian,
    RosterImportError,
    RosterProblem,
    RosterStudent,
    SchoolChoiceNeeded,
    read_table,
)
from sro_tui.roster.households import (
    GuardianFacts,
    HouseholdGroup,
    group_guardians,
    rebuild_households,
    save_households,
)
from sro_tui.roster.identity import SchoolIdentity, identity_problems, set_school_identity
from sro_tui.roster.oneroster import OneRosterBundle
from sro_tui.roster.sds import open_bundle
from sro_tui.roster.sis import SisCsv
from sro_tui.search import fold, normalize_id, student_search_key

__all__ = [
    "BundleSchool",
    "ImportResult",
    "RosterImportError",
    "RosterPlan",
    "RosterProblem",
    "SchoolChoiceNeeded",
    "StudentRow",
    "apply_import",
    "import_roster",
    "prepare_import",
    "schools_in_roster",
]

BATCH = 500
STUDENT_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "preferred_name",
    "grade",
    "homeroom",
    "race_ethnicity",
    "sex",
    "iep",
    "section_504",
    "english_learner",
    "home_language",
    "ssid",
    "source_id",
    "active",
)
GUARDIAN_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "street",
    "city",
    "state",
    "postal_code",
    "preferred_language",
)
_FLAGS = {"iep": "IEP", "section_504": "504 plan", "english_learner": "English learner"}
_student_values = attrgetter(*STUDENT_FIELDS)  # one call for all fields: 5,000 rows add up
_guardian_values = attrgetter(*GUARDIAN_FIELDS)


@dataclass(frozen=True)
class StudentRow:
    """One student in a dry-run list; `changes` says what an update changes."""

    sis_id: str
    name: str
    grade: str
    changes: tuple[str, ...] = ()

    def __str__(self) -> str:
        grade = f" (grade {self.grade})" if self.grade else ""
        changes = f": {', '.join(self.changes)}" if self.changes else ""
        return f"{self.sis_id} {self.name}{grade}{changes}"


MASS_DEACTIVATION_MIN = 10


@dataclass
class RosterPlan:
    """What an import would do. Built by prepare_import, written by apply_import."""

    source: Path
    format: str  # "sis-csv" | "oneroster-1.1" | "oneroster-1.2"
    school_code: str
    school_name: str
    creates_school: bool
    to_add: list[StudentRow]
    to_update: list[StudentRow]
    to_deactivate: list[StudentRow]
    unchanged: int
    guardians: int  # guardians in the file linked to this school's active students
    guardians_added: int
    guardians_deactivated: int
    skipped_inactive: int  # students the file lists as not enrolled and the database never had
    warnings: list[RosterProblem]
    encoding_note: str
    delta: bool
    school_choice: str | None = None
    identity: SchoolIdentity | None = None
    building_code: str = ""  # OSPI building code of the school (as it is or will be)
    district_code: str = ""  # county-district code
    guardian_link_changes: list[str] = field(default_factory=list)  # for students on record
    active_before: int = 0  # enrolled students on record before the import
    columns_used: list[tuple[str, str]] = field(default_factory=list)  # (header, used for)
    columns_ignored: list[str] = field(default_factory=list)
    families_missing: bool = False  # no guardian in the file: students come without families
    missing: int = 0  # of them, how many the file does not list (they would be marked inactive)
    households: int | None = None  # households the file's guardians make (None: kept as they are)
    roster: ParsedRoster | None = field(default=None, repr=False)
    comparison: Any = field(default=None, repr=False)  # reused by apply_import if still current

    @property
    def mass_deactivation(self) -> bool:
        """The file leaves out more than half of the enrolled students on record (ten or more):
        most likely not the whole roster. The CLI refuses it without --confirm-deactivations;
        the UI warns and puts the focus on Cancel."""
        return self.missing >= MASS_DEACTIVATION_MIN and self.missing * 2 > self.active_before

    @property
    def many_deactivations(self) -> bool:
        """The file would mark more than a tenth of the enrolled students inactive: worth a look
        before importing (the preview and the CLI say so; only mass_deactivation is refused)."""
        return self.missing > 0 and self.missing * 10 > self.active_before

    @property
    def guardians_replaced(self) -> bool:
        """Most guardians on record are not in the file as they were (another export layout,
        changed e-mails): they would be replaced by new records. The UI and the CLI warn."""
        gone = self.guardians_deactivated
        return bool(gone) and gone * 2 > max(self.guardians, 1)


@dataclass
class ImportResult:
    added: int
    updated: int
    deactivated: int
    unchanged: int
    guardians: int
    households: int
    warnings: list[RosterProblem]
    guardians_added: int = 0
    guardians_deactivated: int = 0
    skipped_inactive: int = 0
    dry_run: bool = False


# --- reading --------------------------------------------------------------------------------


@contextmanager
def _bulk_work() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a roster is read or written.

    An import makes some hundred thousand objects that all live until it ends; the collector
    would walk them again and again for nothing (a tenth of a 5,000-student import). Reference
    counting still frees everything as usual, and the collector runs again afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _open_roster(path: Path, log: ProblemLog) -> SisCsv | OneRosterBundle:
    if not path.exists():
        raise log.fail(path.name, None, None, f"no such file or folder: {path}")
    siblings = {p.name.lower() for p in path.parent.iterdir()} if path.is_file() else set()
    if (
        path.is_file()
        and path.name.lower() in ("users.csv", "orgs.csv", "manifest.csv")
        and {"users.csv", "orgs.csv"} <= siblings
    ):
        path = path.parent  # a file inside a OneRoster folder: read the folder
    if path.is_file() and _is_spreadsheet(path):
        raise log.fail(
            path.name,
            None,
            None,
            "is a spreadsheet workbook, not a CSV file: open it in Excel (or LibreOffice), "
            "choose File › Save As › CSV UTF-8 (Comma delimited), and import that file",
        )
    try:
        if path.is_dir() or zipfile.is_zipfile(path):
            return open_bundle(path, log)
        data = path.read_bytes()
    except OSError as exc:
        raise log.fail(path.name, None, None, f"cannot be read ({exc.strerror or exc})") from exc
    return SisCsv(read_table(data, path.name, log), log)


_WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".numbers"}


def _is_spreadsheet(path: Path) -> bool:
    """An Excel/LibreOffice workbook (by name, or by its first bytes: an Office zip with
    xl/ or content.xml inside, or the old binary .xls)."""
    if path.suffix.lower() in _WORKBOOK_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: a binary .xls
            return True
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as bundle:
                names = bundle.namelist()
            return any(n.startswith("xl/") or n == "content.xml" for n in names)
    except (OSError, zipfile.BadZipFile, NotImplementedError, ValueError, EOFError):
        return False  # a damaged zip: the OneRoster reader refuses it with its reason
    return False


def schools_in_roster(path: Path | str) -> list[BundleSchool]:
    """The schools a roster file holds, for the UI's choice list ([] when an SIS CSV has no
    school column). Raises RosterImportError when the file cannot be read."""
    return _open_roster(Path(path), ProblemLog()).schools()


def _matches(school: BundleSchool, text: str) -> bool:
    wanted = fold(text)
    return bool(wanted) and wanted in {
        fold(school.identifier),
        fold(school.sourced_id),
        fold(school.name),
    }


def _same_school(db_school: School, school: BundleSchool) -> bool:
    if db_school.source_id and db_school.source_id == school.sourced_id:
        return True
    codes = {fold(school.identifier), fold(school.sourced_id)} - {""}
    return fold(db_school.code) in codes or (
        bool(school.name) and fold(db_school.name) == fold(school.name)
    )


def _choose(
    schools: list[BundleSchool],
    choice: str | None,
    file: str,
    db_school: School | None,
    log: ProblemLog,
    sis_number_ok: bool = False,
) -> BundleSchool | None:
    """The school to import: the one asked for, the only one, or the one this database keeps."""
    if not schools:
        return None
    if choice:
        matches = [s for s in schools if _matches(s, choice)]
        if len(matches) == 1:
            return matches[0]
        if not matches and len(schools) == 1 and sis_number_ok:
            # An SIS school column often holds the SIS's internal number (PowerSchool SchoolID
            # 310): naming the database's own school ties that number to it (see _target).
            return schools[0]
        reason = (
            f"{choice!r} names several schools in this file"
            if matches
            else f"this file has no school {choice!r}; it holds"
        )
        raise SchoolChoiceNeeded(file, schools, reason)
    if len(schools) == 1:
        return schools[0]
    if db_school is not None:
        mine = [s for s in schools if _same_school(db_school, s)]
        if len(mine) == 1:
            log.warn(
                file,
                None,
                None,
                f"this file holds {len(schools)} schools; importing "
                f"{db_school.name}, the school this database keeps",
            )
            return mine[0]
    raise SchoolChoiceNeeded(file, schools)


def _refuse(file: str, db_school: School, other: object) -> RosterImportError:
    reason = f"this database keeps {db_school.name}'s records; the file is for {other}"
    return RosterImportError([RosterProblem(file, None, None, reason)])


def _target(
    roster: ParsedRoster,
    choice: str | None,
    file: str,
    identity: SchoolIdentity | None = None,
    unnamed_ok: bool = False,
) -> tuple[School | None, dict]:
    """The database's school when it is the file's school, else what to create (with the name
    and codes the person gave, which win over the file's); refuses a file for another school
    (FERPA: a school keeps only its own students)."""
    first = identity.code if identity is not None and get_school() is None else None
    try:
        db_school, create = _target_school(roster, choice or first, file)
    except RosterImportError:
        if not (unnamed_ok and roster.school is None and get_school() is None):
            raise
        db_school, create = None, {"code": "", "name": "", "source_id": ""}  # named later
    if db_school is None and identity is not None:
        given = identity.given()
        create = {**create, **given}
    return db_school, create


def _target_school(
    roster: ParsedRoster, choice: str | None, file: str
) -> tuple[School | None, dict]:
    db_school = get_school()
    school = roster.school
    if school is None:  # an SIS CSV without a school column
        if db_school is not None:
            if choice and fold(choice) not in (fold(db_school.code), fold(db_school.name)):
                raise _refuse(file, db_school, choice)
            return db_school, {}
        if choice:
            return None, {"code": choice, "name": choice, "source_id": ""}
        raise RosterImportError(
            [
                RosterProblem(
                    file,
                    None,
                    None,
                    "this file does not say which school: give the school's name and short "
                    "code (--school-name, --school-code; in the app, the school form)",
                )
            ]
        )
    if db_school is not None:
        if _same_school(db_school, school):
            return db_school, {}
        if (
            roster.format == "sis-csv"
            and not db_school.source_id
            and choice
            and fold(choice) in (fold(db_school.code), fold(db_school.name))
        ):
            return db_school, {"source_id": school.sourced_id}
        if roster.format == "sis-csv" and not db_school.source_id:
            raise _refuse(
                file,
                db_school,
                f"{school} (if that is this school's number in the "
                f"SIS, pass --school {db_school.code})",
            )
        raise _refuse(file, db_school, school)
    if roster.format == "sis-csv" and choice and not _matches(school, choice):
        # --school named the school; the file's column holds only the SIS's number for it
        return None, {"code": choice, "name": choice, "source_id": school.sourced_id}
    code = school.identifier or school.sourced_id
    return None, {"code": code, "name": school.name or code, "source_id": school.sourced_id}


def _open_contacts(path: Path, source: object, log: ProblemLog) -> ContactsCsv:
    if not isinstance(source, SisCsv):
        raise log.fail(
            path.name,
            None,
            None,
            "a contacts file goes with a students export (CSV); a OneRoster or SDS bundle "
            "carries its guardians itself",
        )
    if not path.is_file():
        raise log.fail(path.name, None, None, f"no such file: {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise log.fail(path.name, None, None, f"cannot be read ({exc.strerror or exc})") from exc
    contacts = ContactsCsv(read_table(data, path.name, log), log)
    source.read_guardians = False
    return contacts


@_bulk_work()
def prepare_import(
    path: Path | str,
    school: str | None = None,
    contacts: Path | str | None = None,
    identity: SchoolIdentity | None = None,
    dry_run: bool = False,
) -> RosterPlan:
    """Read and check the roster and compare it with the open database; writes nothing.

    `school` picks one school of a district file (identifier, sourcedId or name). `contacts` is
    a PowerSchool contacts export whose guardians replace the students file's guardian columns,
    joined by student number. `identity` names a school this import creates (name, short code,
    OSPI building and county-district codes); an existing school is changed only by
    set_school_identity. A `dry_run` plan may leave a new school unnamed (school_code ''):
    it shows what the file holds, and apply_import refuses it. Raises
    RosterImportError naming file, row, column and reason for every problem found (capped), or
    SchoolChoiceNeeded listing the schools when a choice is needed.
    """
    path = Path(path)
    log = ProblemLog()
    if identity is not None:
        problems = identity_problems(identity)
        if problems:
            raise RosterImportError([RosterProblem(path.name, None, None, problems[0])])
    source = _open_roster(path, log)
    db_school = get_school()
    sis_number_ok = (
        isinstance(source, SisCsv)
        and bool(school)
        and (
            db_school is None
            or (
                not db_school.source_id
                and fold(school or "") in (fold(db_school.code), fold(db_school.name))
            )
        )
    )
    contacts_file = _open_contacts(Path(contacts), source, log) if contacts else None
    chosen = _choose(source.schools(), school, path.name, db_school, log, sis_number_ok)
    roster = source.parse(chosen)  # type: ignore[arg-type]
    if contacts_file is not None:
        contacts_file.join(roster, source.addresses, source.home_phones)  # type: ignore[union-attr]
    roster.families_missing = roster.families_missing or (
        bool(roster.students) and not roster.guardians and not roster.delta
    )
    roster.warnings = list(log.warnings)
    if log.more_warnings:
        roster.warnings.append(
            RosterProblem(path.name, None, None, f"… and {log.more_warnings} more warnings")
        )
    db_school, create = _target(roster, school, path.name, identity, unnamed_ok=dry_run)
    if db_school is not None and identity is not None:
        differs = [c for c, v in identity.given().items() if str(getattr(db_school, c, "")) != v]
        if differs:
            roster.warnings.append(
                RosterProblem(
                    path.name,
                    None,
                    None,
                    f"this database already keeps {db_school.name} ({db_school.code}); an import "
                    "does not change its name or codes: use the School form or `sro-tui school "
                    "set`",
                )
            )
    diff = _Diff(roster, db_school, _snapshot(db_school))
    zeros = _leading_zeros_dropped(roster, diff)
    if zeros is not None:
        raise RosterImportError([zeros])
    if roster.families_missing:
        roster.warnings.insert(0, _families_missing_warning(path.name, diff.guardians_kept))
    elif not roster.delta:
        alone = _without_guardian(roster, diff)
        if alone is not None:
            roster.warnings.insert(0, alone)
    return RosterPlan(
        source=path,
        format=roster.format,
        school_code=db_school.code if db_school else create["code"],
        school_name=db_school.name if db_school else create["name"],
        creates_school=db_school is None,
        to_add=diff.added,
        to_update=diff.updated,
        to_deactivate=diff.deactivated,
        unchanged=diff.unchanged,
        guardians=len(diff.needed_guardians) or diff.guardians_kept,
        guardians_added=len(diff.guardian_inserts),
        guardians_deactivated=len(diff.guardian_deactivations),
        skipped_inactive=diff.skipped_inactive,
        warnings=roster.warnings,
        encoding_note=roster.encoding_note,
        delta=roster.delta,
        school_choice=school,
        identity=identity,
        building_code=(
            db_school.ospi_building_code if db_school else create.get("ospi_building_code", "")
        ),
        district_code=(
            db_school.county_district_code if db_school else create.get("county_district_code", "")
        ),
        guardian_link_changes=diff.link_changes,
        active_before=diff.active_before,
        missing=len(diff.student_deactivations),
        columns_used=roster.columns_used,
        columns_ignored=roster.columns_ignored,
        families_missing=roster.families_missing,
        households=None if diff.keep_guardians else len(_file_households(diff)),
        roster=roster,
        comparison=diff,
    )


def _leading_zeros_dropped(roster: ParsedRoster, diff: _Diff) -> RosterProblem | None:
    """A file whose student IDs are mostly new but match enrolled IDs once zeros are put back
    in front (1201 = 0001201): a spreadsheet read the IDs as numbers. Importing it would add
    every student again and mark the real records inactive, so it is refused; confirming the
    deactivations would not help, so the problem says to export again instead."""
    enrolled = {normalize_id(row[1]): row for row in diff.snapshot[0] if row[-1]}
    widths = sorted({len(key) for key in enrolled if key.startswith("0")})
    if not widths or not roster.students:
        return None
    matches: list[tuple[RosterStudent, str]] = []
    for student in roster.students:
        key = normalize_id(student.sis_id)
        if key in enrolled:
            continue
        padded = next((key.zfill(w) for w in widths if key.zfill(w) in enrolled), "")
        if padded:
            matches.append((student, enrolled[padded][1]))
    if len(matches) * 2 <= len(roster.students):
        return None
    student, stored = matches[0]
    return RosterProblem(
        student.file,
        student.row,
        None,
        f"{len(matches)} of the {len(roster.students)} student IDs in this file match students "
        f"enrolled here only with leading zeros put back ({student.sis_id} is {stored}): Excel "
        "removed the IDs' leading zeros. Export the file again from the SIS and do not open it "
        "in Excel (or import it into Excel with the ID column as Text); nothing was written",
    )


def _without_guardian(roster: ParsedRoster, diff: _Diff) -> RosterProblem | None:
    """Enrolled students the file gives no guardian, in a file that names guardians for others:
    no family notice can reach them, so the import names them (the families screen counts
    them too)."""
    linked = {sis for sis, _key, _rel in diff.links}
    alone = [
        s
        for s in roster.students
        if s.active is not False
        and normalize_id(s.sis_id) in diff.present
        and normalize_id(s.sis_id) not in linked
    ]
    if not alone:
        return None
    names = "; ".join(
        f"{s.sis_id} {s.first_name} {s.last_name} (row {s.row})".replace("  ", " ")
        for s in alone[:5]
    )
    more = f"; and {len(alone) - 5} more" if len(alone) > 5 else ""
    return RosterProblem(
        alone[0].file,
        alone[0].row,
        None,
        f"{len(alone)} enrolled student(s) have no guardian in this file: {names}{more}. No "
        "family notice can reach them until a guardian is added in the SIS (or the contacts "
        "file) and imported",
    )


def _families_missing_warning(file: str, kept: int) -> RosterProblem:
    if kept:
        reason = (
            "this file has no guardian columns (or none filled in): the guardians on record are "
            f"kept ({kept}), with their links, households and notice status; to update them, "
            "import a file with guardians (or --contacts)"
        )
    else:
        reason = (
            "no guardian is named in this file (no guardian name column, or none filled in): "
            "the students are imported without families, so family notices have no one to go "
            "to; import a file with guardians (or --contacts) to add them"
        )
    return RosterProblem(file, None, None, reason)


# --- comparing with the database -------------------------------------------------------------


def _describe(name: str, old: Any, new: Any) -> str:
    if name == "active":
        return "enrolled again" if new else "no longer enrolled"
    if name in _FLAGS:
        word = {True: "yes", False: "no", None: "unknown"}
        return f"{_FLAGS[name]} {word[old]} → {word[new]}"
    return f"{name.replace('_', ' ')} {old or '(blank)'} → {new or '(blank)'}"


class _Diff:
    """The roster against what the database holds: display rows and the rows to write.

    Existing students and guardians are loaded in one query each; nothing here writes."""

    def __init__(self, roster: ParsedRoster, school: School | None, snapshot: Snapshot):
        self.school_id = school.id if school is not None else None
        self.snapshot = snapshot
        self.added: list[StudentRow] = []
        self.updated: list[StudentRow] = []
        self.deactivated: list[StudentRow] = []
        self.unchanged = self.skipped_inactive = 0
        self.student_inserts: list[dict[str, Any]] = []
        self.student_updates: list[dict[str, Any]] = []  # carry the row's "id"
        self.student_deactivations: list[int] = []
        self.present: set[str] = set()  # normalised IDs of the file's enrolled students
        school_id = self.school_id
        names = ("id", "sis_id", *STUDENT_FIELDS)
        existing = {normalize_id(row[1]): dict(zip(names, row, strict=True)) for row in snapshot[0]}
        for s in roster.students:
            key = normalize_id(s.sis_id)
            old = existing.pop(key, None)
            values = dict(zip(STUDENT_FIELDS, _student_values(s), strict=True))
            for f, new in values.items():
                if new is None:  # the file has no such column: keep what the database has
                    values[f] = old[f] if old else (None if f in _FLAGS else "")
            if values["active"]:
                self.present.add(key)
            name = f"{s.first_name} {s.last_name}".strip()
            if old is None:
                if s.active:
                    self.added.append(StudentRow(s.sis_id, name, values["grade"]))
                    self.student_inserts.append(_student_row(school_id, s.sis_id, values))
                else:
                    self.skipped_inactive += 1
                continue
            changes = tuple(
                _describe(f, old[f], values[f])
                for f in STUDENT_FIELDS
                if old[f] != values[f] and f != "source_id"
            )
            if not changes and old["source_id"] == values["source_id"]:
                self.unchanged += 1
                continue
            gone = old["active"] and not values["active"]
            (self.deactivated if gone else self.updated).append(
                StudentRow(s.sis_id, name, values["grade"], changes)
            )
            self.student_updates.append(
                {"id": old["id"], **_student_row(school_id, old["sis_id"], values)}
            )
        if not roster.delta:  # a delta lists changes only: absence means nothing
            for old in existing.values():
                if old["active"]:
                    name = f"{old['first_name']} {old['last_name']}".strip()
                    self.deactivated.append(
                        StudentRow(old["sis_id"], name, old["grade"], ("not in the file",))
                    )
                    self.student_deactivations.append(old["id"])
        self.active_before = sum(1 for row in snapshot[0] if row[-1])
        # A file that names no guardian says nothing about families: the guardians on record,
        # their links and households stay as they are (forgetting --contacts on a re-import
        # must not unlink every family).
        self.keep_guardians = roster.families_missing
        # A delta lists changes only: a link it does not mention is unchanged; only guardians it
        # marks tobedeleted lose their links.
        self.keep_links = roster.delta or roster.families_missing
        self.removed_guardians = roster.removed_guardians
        self.guardians_kept = sum(1 for row in snapshot[1] if row[2]) if self.keep_guardians else 0
        self._guardians(roster, school_id, snapshot[1])
        self._link_changes(snapshot)
        self.groups: list[HouseholdGroup] | None = None  # by _file_households, when asked

    def _link_changes(self, snapshot: Snapshot) -> None:
        """Which guardians stop or start being linked to students already on record, and whose
        relationship changes: families' notices follow the links, so the preview names them."""
        self.link_changes: list[str] = []
        if not snapshot[2]:
            return
        known = {normalize_id(row[1]): f"{row[2]} {row[4]}".strip() for row in snapshot[0]}
        guardian_names = {row[1]: f"{row[3]} {row[4]}".strip() for row in snapshot[1]}
        for key, g in self._file_guardians.items():
            guardian_names.setdefault(key, f"{g.first_name} {g.last_name}".strip())
        was = {old_key: key for key, old_key in self.renamed.items()}
        old = {(normalize_id(sis), was.get(key, key)): rel for sis, key, rel in snapshot[2]}
        for old_key, key in was.items():
            guardian_names[key] = guardian_names.get(old_key, "")
        new = {(sis, key): rel for sis, key, rel in self.links}

        def who(sis: str, key: str) -> str:
            return f"{guardian_names.get(key) or 'a guardian'} — {known.get(sis, sis)} ({sis})"

        for (sis, key), rel in old.items():
            if key in self.removed_guardians and (sis, key) not in new:
                self.link_changes.append(f"no longer linked: {who(sis, key)}")
            elif self.keep_links:
                continue
            elif sis in self.present and (sis, key) not in new:
                self.link_changes.append(f"no longer linked: {who(sis, key)}")
            elif (sis, key) in new and new[(sis, key)] != rel:
                self.link_changes.append(
                    f"relationship {rel or '(blank)'} → {new[(sis, key)] or '(blank)'}: "
                    f"{who(sis, key)}"
                )
        for sis, key in new.keys() - old.keys():
            if sis in known:  # a new student's guardians are new with them
                self.link_changes.append(f"newly linked: {who(sis, key)}")

    def claim(self, school_id: int) -> None:
        """Point the new rows at the school, created since the comparison was made."""
        self.school_id = school_id
        for row in (*self.student_inserts, *self.student_updates, *self.guardian_inserts):
            row["school"] = school_id

    def _guardians(self, roster: ParsedRoster, school_id: int | None, rows: list[tuple]) -> None:
        self.links = [
            (normalize_id(sis), key, rel)
            for sis, key, rel in roster.links
            if normalize_id(sis) in self.present
        ]
        self.needed_guardians = {key for _sis, key, _rel in self.links}
        self._file_guardians = roster.guardians
        names = ("id", "source_key", "active", *GUARDIAN_FIELDS)
        existing = {row[1]: dict(zip(names, row, strict=True)) for row in rows}
        self.renamed = _same_people(roster.guardians, self.needed_guardians, existing)
        self.guardian_inserts: list[dict[str, Any]] = []
        self.guardian_updates: list[dict[str, Any]] = []
        for key in sorted(self.needed_guardians):
            values = dict(
                zip(GUARDIAN_FIELDS, _guardian_values(roster.guardians[key]), strict=True)
            )
            old = existing.pop(self.renamed.get(key, key), None)
            if old is None:
                self.guardian_inserts.append(
                    {"school": school_id, "source_key": key, "active": True, **values}
                )
            elif (
                not old["active"]
                or key in self.renamed
                or any(old[f] != values[f] for f in GUARDIAN_FIELDS)
            ):
                self.guardian_updates.append(
                    {"id": old["id"], "source_key": key, "active": True, **values}
                )
        self.guardian_deactivations = [
            old["id"]
            for key, old in existing.items()
            if old["active"]
            and (key in roster.removed_guardians or not (roster.delta or roster.families_missing))
        ]


def _same_people(
    guardians: dict[str, RosterGuardian], needed: set[str], existing: dict[str, dict[str, Any]]
) -> dict[str, str]:
    """File guardian key -> the key of the guardian on record who is the same person under
    another key: the same name and the same phone, address or e-mail, where the key (made from
    the most lasting fact) changed because the family's e-mail did. One to one, or not at all."""
    new = [key for key in sorted(needed) if key not in existing]
    spare = [key for key in existing if key not in needed]
    if not new or not spare:
        return {}
    pool: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key in spare:
        old = existing[key]
        name = fold(f"{old['first_name']} {old['last_name']}")
        for fact in _facts(old["email"], old["phone"], old["street"], old["postal_code"]):
            pool[(name, fact)].add(key)
    found: dict[str, str] = {}
    taken: set[str] = set()
    for key in new:
        g = guardians[key]
        name = fold(f"{g.first_name} {g.last_name}")
        same = set().union(
            *(pool.get((name, f), set()) for f in _facts(g.email, g.phone, g.street, g.postal_code))
        )
        if len(same) == 1 and not (same & taken):
            found[key] = same.pop()
            taken.add(found[key])
    return found


def _facts(email: str, phone: str, street: str, postal_code: str) -> list[str]:
    digits = "".join(c for c in phone or "" if c.isdigit())
    return [
        f
        for f in (
            "e:" + email.lower() if email else "",
            "p:" + digits if len(digits) >= 7 else "",
            "a:" + fold(street) + "|" + (postal_code or "")[:5] if street else "",
        )
        if f
    ]


Snapshot = tuple[list[tuple], list[tuple], list[tuple]]


def _snapshot(school: School | None) -> Snapshot:
    """The school's students, guardians and student-guardian links as the comparison needs them:
    one query each."""
    if school is None:
        return [], [], []
    students = Student.select(
        Student.id, Student.sis_id, *(getattr(Student, f) for f in STUDENT_FIELDS)
    )
    guardians = Guardian.select(
        Guardian.id,
        Guardian.source_key,
        Guardian.active,
        *(getattr(Guardian, f) for f in GUARDIAN_FIELDS),
    )
    param = database_proxy.param
    # Raw rows, without peewee's per-value conversion (a third of the comparison's time): the
    # columns are text, integers and 0/1 flags, and 0/1 compare equal to False/True.
    return (
        list(database_proxy.execute(students.where(Student.school == school).order_by(Student.id))),
        list(
            database_proxy.execute(guardians.where(Guardian.school == school).order_by(Guardian.id))
        ),
        database_proxy.execute_sql(
            'SELECT s."sis_id", g."source_key", sg."relationship" FROM "student_guardian" AS sg '
            'JOIN "student" AS s ON s."id" = sg."student_id" '
            'JOIN "guardian" AS g ON g."id" = sg."guardian_id" '
            f'WHERE s."school_id" = {param} ORDER BY sg."id"',
            (school.id,),
        ).fetchall(),
    )


def _student_row(school_id: int | None, sis_id: str, values: dict[str, Any]) -> dict[str, Any]:
    search_key = student_search_key(
        sis_id,
        values["first_name"],
        values["middle_name"],
        values["last_name"],
        values["preferred_name"],
    )
    return {"school": school_id, "sis_id": sis_id, **values, "search_key": search_key}


# --- writing --------------------------------------------------------------------------------
# One prepared statement per table run with executemany: peewee's insert_many builds SQL value by
# value (~0.1 ms a row), too slow for 5,000 students in a second. Plain SQL that PostgreSQL runs
# too. The values are plain str/int/bool/None/datetime, which is what peewee itself hands the
# driver for these fields.


def _columns(model: type, names: list[str]) -> tuple[list, str]:
    fields = [model._meta.fields[n] for n in names]
    return fields, ", ".join(f'"{f.column_name}"' for f in fields)


def _insert_steps(model: type, rows: list[dict[str, Any]], now: datetime) -> list[Callable]:
    if not rows:
        return []
    fields, columns = _columns(model, ["record_id", "created_at", "updated_at", *rows[0]])
    marks = ", ".join([database_proxy.param] * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'

    def step(batch: list[dict[str, Any]]) -> None:
        stamp = now.isoformat(" ")  # the text sqlite3's datetime adapter would write
        ids = new_record_ids(len(batch))
        params = [(rid, stamp, stamp, *row.values()) for rid, row in zip(ids, batch, strict=True)]
        database_proxy.cursor().executemany(sql, params)

    return [lambda b=b: step(b) for b in chunked(rows, BATCH)]


def _update_steps(model: type, rows: list[dict[str, Any]], now: datetime) -> list[Callable]:
    if not rows:
        return []
    names = [n for n in rows[0] if n not in ("id", "school")]
    fields, _ = _columns(model, [*names, "updated_at"])
    sets = ", ".join(f'"{f.column_name}" = {database_proxy.param}' for f in fields)
    sql = f'UPDATE "{model._meta.table_name}" SET {sets} WHERE "id" = {database_proxy.param}'

    def step(batch: list[dict[str, Any]]) -> None:
        stamp = now.isoformat(" ")
        params = [(*(row[n] for n in names), stamp, row["id"]) for row in batch]
        database_proxy.cursor().executemany(sql, params)

    return [lambda b=b: step(b) for b in chunked(rows, BATCH)]


def _deactivate_steps(model: type, ids: list[int], now: datetime) -> list[Callable]:
    return [
        lambda b=b: model.update(active=False, updated_at=now).where(model.id.in_(b)).execute()
        for b in chunked(ids, BATCH)
    ]


@_bulk_work()
def apply_import(
    plan: RosterPlan, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Write the plan in one transaction, committed before returning; on any error nothing is
    written. The comparison with the database is made again inside the transaction, so an edit
    made since prepare_import is never overwritten with stale values. `progress(done, total)` is
    called from the caller's thread after each batch."""
    roster = plan.roster
    if roster is None:
        raise ValueError("this plan holds no roster; make it with prepare_import")
    file = plan.source.name
    with database_proxy.atomic():
        db_school, create = _target(roster, plan.school_choice, file, plan.identity)
        if db_school is not None and create.get("source_id"):
            db_school.source_id = create["source_id"]  # the SIS's number for this school
            db_school.save()
        school = db_school or ensure_school(
            create["code"], create["name"], source_id=create["source_id"]
        )
        if db_school is None:
            codes = {
                c: create[c] for c in ("ospi_building_code", "county_district_code") if c in create
            }
            if codes:
                set_school_identity(
                    school,
                    SchoolIdentity(
                        building_code=codes.get("ospi_building_code"),
                        district_code=codes.get("county_district_code"),
                    ),
                    reason=f"school codes given with the first roster import ({file})",
                )
        ensure_current_year()
        snapshot = _snapshot(school)
        diff = plan.comparison
        empty = ([], [], [])
        if diff is not None and diff.school_id is None and snapshot == empty == diff.snapshot:
            diff.claim(school.id)  # prepared before the school existed; it is still empty
        if diff is None or diff.school_id != school.id or diff.snapshot != snapshot:
            diff = _Diff(roster, school, snapshot)  # the database changed since prepare_import
        now = utc_now()
        # The school's first guardians: group them into households from the file, before they
        # are written, so each is written once with its household (no read-back, no UPDATE).
        households = _households_before_guardians(school, diff) if not snapshot[1] else None
        steps = [
            *_insert_steps(Student, diff.student_inserts, now),
            *_update_steps(Student, diff.student_updates, now),
            *_deactivate_steps(Student, diff.student_deactivations, now),
            *_insert_steps(Guardian, diff.guardian_inserts, now),
            *_update_steps(Guardian, diff.guardian_updates, now),
            *_deactivate_steps(Guardian, diff.guardian_deactivations, now),
            lambda: _write_links(school, diff, now),
        ]
        total = len(steps) + 1
        for done, step in enumerate(steps, start=1):
            step()
            if progress:
                progress(done, total)
        if households is None and diff.keep_guardians:  # no guardian or link changed
            households = (
                Household.select()
                .where(Household.school == school, Household.active == True)  # noqa: E712
                .count()
            )
        elif households is None:
            households = rebuild_households(school)
        if progress:
            progress(total, total)
        result = ImportResult(
            added=len(diff.added),
            updated=len(diff.updated),
            deactivated=len(diff.deactivated),
            unchanged=diff.unchanged,
            guardians=len(diff.needed_guardians) or diff.guardians_kept,
            households=households,
            warnings=plan.warnings,
            guardians_added=len(diff.guardian_inserts),
            guardians_deactivated=len(diff.guardian_deactivations),
            skipped_inactive=diff.skipped_inactive,
        )
        counts = {k: v for k, v in vars(result).items() if type(v) is int}
        audit(
            "import",
            table_name="student",
            record_id=school.record_id,
            after={
                "file": file,
                "format": plan.format,
                "families_missing": plan.families_missing,
                **counts,
            },
            reason=f"roster import from {file}",
        )
    return result


def _file_households(diff: _Diff) -> list[HouseholdGroup]:
    """The households the file's guardians make (the households module's rule, on the file's
    facts): guardian i of the groups is the i-th of the sorted keys, which is also the order of
    the inserts when the school has no guardians yet. Kept on the comparison for apply_import."""
    if diff.groups is None:
        students_of: dict[str, set[str]] = defaultdict(set)
        for sis, key, _rel in diff.links:
            students_of[key].add(sis)
        found = diff._file_guardians
        diff.groups = group_guardians(
            [
                GuardianFacts(
                    i,
                    key,
                    (g := found[key]).last_name,
                    g.street,
                    g.city,
                    g.state,
                    g.postal_code,
                    frozenset(students_of[key]),
                )
                for i, key in enumerate(sorted(diff.needed_guardians))
            ]
        )
    return diff.groups


def _households_before_guardians(school: School, diff: _Diff) -> int:
    """For a school with no guardians yet: group the guardians about to be inserted, store the
    households and point each insert row at its household. Returns the number of households.
    The same result as inserting first and calling rebuild_households
    (tests/core/test_households.py checks it)."""
    rows = diff.guardian_inserts  # inserted in this order: position i gets the i-th new id
    groups = _file_households(diff)
    household_ids = save_households(school, groups)
    for group in groups:
        for i in group.guardian_ids:
            rows[i]["household"] = household_ids[group.key]
    return len(groups)


def _write_links(school: School, diff: _Diff, now: datetime) -> None:
    """Student-guardian links as the file gives them, for the students it lists as enrolled."""
    # Plain SQL for the reads: peewee's row objects would cost more than the writes.
    param, school_id = database_proxy.param, school.id
    students = {
        normalize_id(sis): sid
        for sid, sis in database_proxy.execute_sql(
            f'SELECT "id", "sis_id" FROM "student" WHERE "school_id" = {param}', (school_id,)
        )
    }
    guardians = dict(
        database_proxy.execute_sql(
            f'SELECT "source_key", "id" FROM "guardian" WHERE "school_id" = {param}', (school_id,)
        )
    )
    wanted = {(students[sis], guardians[key]): rel for sis, key, rel in diff.links}
    removed = {guardians[key] for key in diff.removed_guardians if key in guardians}
    present = {students[sis] for sis in diff.present}
    stale: list[int] = []
    changed: list[dict[str, Any]] = []
    for link_id, sid, gid, rel in database_proxy.execute_sql(
        'SELECT sg."id", sg."student_id", sg."guardian_id", sg."relationship" '
        'FROM "student_guardian" AS sg JOIN "student" AS s ON s."id" = sg."student_id" '
        f'WHERE s."school_id" = {param}',
        (school_id,),
    ):
        if (sid, gid) in wanted:
            if wanted.pop((sid, gid)) != rel:
                changed.append({"id": link_id, "relationship": rel})
        elif gid in removed or (sid in present and not diff.keep_links):
            stale.append(link_id)  # the SIS no longer lists this guardian for this student
    rows = [
        {"student": sid, "guardian": gid, "relationship": rel, "receives_notices": True}
        for (sid, gid), rel in wanted.items()
    ]
    for step in (
        *_insert_steps(StudentGuardian, rows, now),
        *_update_steps(StudentGuardian, changed, now),
    ):
        step()
    for batch in chunked(stale, BATCH):
        StudentGuardian.delete().where(StudentGuardian.id.in_(batch)).execute()


def import_roster(
    path: Path | str,
    school: str | None = None,
    dry_run: bool = False,
    contacts: Path | str | None = None,
    identity: SchoolIdentity | None = None,
) -> ImportResult:
    """Prepare and (unless dry_run) apply an import; a dry run returns the counts it would have."""
    plan = prepare_import(path, school, contacts=contacts, identity=identity, dry_run=dry_run)
    if not dry_run:
        return apply_import(plan)
    return ImportResult(
        added=len(plan.to_add),
        updated=len(plan.to_update),
        deactivated=len(plan.to_deactivate),
        unchanged=plan.unchanged,
        guardians=plan.guardians,
        households=plan.households or 0,
        warnings=plan.warnings,
        guardians_added=plan.guardians_added,
        guardians_deactivated=plan.guardians_deactivated,
        skipped_inactive=plan.skipped_inactive,
        dry_run=True,
    )
