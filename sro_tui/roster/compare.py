"""The roster against what the database holds: the students and guardians to add, update and
mark inactive, the guardian links that change, and the checks made on the comparison (IDs that
lost their leading zeros, students without a guardian). Nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from sro_tui.models import (
    Guardian,
    School,
    Student,
    database_proxy,
)
from sro_tui.roster.csvread import (
    ParsedRoster,
    RosterGuardian,
    RosterProblem,
    RosterStudent,
)
from sro_tui.roster.households import (
    HouseholdGroup,
)
from sro_tui.search import fold, normalize_id, student_search_key

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
    "lives_apart",
)


# The columns of an inserted row, in order (the rows are lists: lighter than dicts).
STUDENT_INSERT = ("school", "sis_id", *STUDENT_FIELDS, "search_key")
GUARDIAN_INSERT = ("school", "source_key", "active", *GUARDIAN_FIELDS, "household")
_FLAGS = {"iep": "IEP", "section_504": "504 plan", "english_learner": "English learner"}
_ACTIVE = STUDENT_FIELDS.index("active")
_NEW_BLANKS = tuple(None if f in _FLAGS else "" for f in STUDENT_FIELDS)  # a new student's blanks


_student_values = attrgetter(*STUDENT_FIELDS)  # one call for all fields: 5,000 rows add up


_guardian_values = attrgetter(*GUARDIAN_FIELDS)


@dataclass(frozen=True, slots=True)
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


def leading_zeros_dropped(roster: ParsedRoster, diff: Comparison) -> RosterProblem | None:
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


def without_guardian(roster: ParsedRoster, diff: Comparison) -> RosterProblem | None:
    """Enrolled students the file gives no guardian, in a file that names guardians for others:
    no family notice can reach them, so the import names them (the families screen counts
    them too)."""
    linked = {sis for sis, _key, _rel in diff.links}
    if not diff.present - linked:
        return None  # every enrolled student of the file has a guardian in it (the usual case)
    alone = [
        s
        for s in roster.students
        if s.active is not False
        and (key := normalize_id(s.sis_id)) in diff.present
        and key not in linked
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


def families_missing_warning(file: str, kept: int) -> RosterProblem:
    """The warning for a file that names no guardian: what happens to the families on record."""
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


def _describe(name: str, old: Any, new: Any) -> str:
    if name == "active":
        return "enrolled again" if new else "no longer enrolled"
    if name in _FLAGS:
        word = {True: "yes", False: "no", None: "unknown"}
        return f"{_FLAGS[name]} {word[old]} → {word[new]}"
    return f"{name.replace('_', ' ')} {old or '(blank)'} → {new or '(blank)'}"


class Comparison:
    """The roster against what the database holds: display rows and the rows to write.

    Existing students and guardians are loaded in one query each; nothing here writes."""

    def __init__(self, roster: ParsedRoster, school: School | None, snapshot: Snapshot):
        self.school_id = school.id if school is not None else None
        self.snapshot = snapshot
        self.added: list[StudentRow] = []
        self.updated: list[StudentRow] = []
        self.deactivated: list[StudentRow] = []
        self.unchanged = self.skipped_inactive = 0
        self.student_inserts: list[list[Any]] = []  # values in the order of STUDENT_INSERT
        self.student_updates: list[dict[str, Any]] = []  # carry the row's "id"
        self.student_deactivations: list[int] = []
        self.present: set[str] = set()  # normalised IDs of the file's enrolled students
        school_id = self.school_id
        names = ("id", "sis_id", *STUDENT_FIELDS)
        existing = {normalize_id(row[1]): dict(zip(names, row, strict=True)) for row in snapshot[0]}
        for s in roster.students:
            key = normalize_id(s.sis_id)
            old = existing.pop(key, None)
            if old is None and s.active:  # a new student (all of a first import): no dicts
                self._add_student(s, key, school_id)
                continue
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
                    self.student_inserts.append(
                        [*_student_row(school_id, s.sis_id, values).values()]
                    )
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
        self.groups: list[HouseholdGroup] | None = None  # by file_households, when asked

    def _add_student(self, s: RosterStudent, key: str, school_id: int | None) -> None:
        """A student the database does not hold, enrolled: an insert row (the file's blanks as
        a new student's: '' for text, None for a flag) and a dry-run line."""
        values = [
            blank if v is None else v
            for blank, v in zip(_NEW_BLANKS, _student_values(s), strict=True)
        ]
        if values[_ACTIVE]:
            self.present.add(key)
        first, middle, last, preferred = values[:4]
        self.added.append(StudentRow(s.sis_id, f"{s.first_name} {s.last_name}".strip(), values[4]))
        search_key = student_search_key(s.sis_id, first, middle, last, preferred)
        self.student_inserts.append([school_id, s.sis_id, *values, search_key])

    def _link_changes(self, snapshot: Snapshot) -> None:
        """Which guardians stop or start being linked to students already on record, and whose
        relationship changes: families' notices follow the links, so the preview names them."""
        self.link_changes: list[str] = []
        if not snapshot[2]:
            return
        known = {normalize_id(row[1]): f"{row[2]} {row[4]}".strip() for row in snapshot[0]}
        guardian_names = {row[1]: f"{row[3]} {row[4]}".strip() for row in snapshot[1]}
        for key, g in self.file_guardians.items():
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
        for row in self.student_updates:
            row["school"] = school_id
        for insert in (*self.student_inserts, *self.guardian_inserts):
            insert[0] = school_id  # the first column of STUDENT_INSERT and GUARDIAN_INSERT

    def _guardians(self, roster: ParsedRoster, school_id: int | None, rows: list[tuple]) -> None:
        present = self.present
        ids = {s.sis_id: normalize_id(s.sis_id) for s in roster.students}  # a link per guardian
        self.links = [
            (student, key, rel)
            for sis, key, rel in roster.links
            if (student := ids.get(sis) or normalize_id(sis)) in present
        ]
        self.needed_guardians = {key for _sis, key, _rel in self.links}
        self.file_guardians = roster.guardians
        names = ("id", "source_key", "active", *GUARDIAN_FIELDS)
        existing = {row[1]: dict(zip(names, row, strict=True)) for row in rows}
        self.renamed = _same_people(roster.guardians, self.needed_guardians, existing)
        self.guardian_inserts: list[list[Any]] = []  # values in the order of GUARDIAN_INSERT
        self.guardian_updates: list[dict[str, Any]] = []
        # The order of the inserts: as the file first names each guardian, so their ids follow
        # the students' (the indexes of links and households then fill in order: ~30 ms less
        # of a 5,000-student import than in the keys' hashed order), and a household's label
        # names its guardians as the file does.
        self.guardian_keys = list(dict.fromkeys(key for _s, key, _r in self.links))
        renamed, inserts = self.renamed, self.guardian_inserts
        for key in self.guardian_keys:
            found = _guardian_values(roster.guardians[key])
            old = existing.pop(renamed.get(key, key), None) if existing else None
            if old is None:
                inserts.append([school_id, key, True, *found, None])
                continue
            values = dict(zip(GUARDIAN_FIELDS, found, strict=True))
            if (
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


def take_snapshot(school: School | None) -> Snapshot:
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
