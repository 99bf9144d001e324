"""Microsoft School Data Sync (SDS) v2.1 CSV files: OneRoster-like, read as their own format.

`orgs.csv`, `users.csv` and `roles.csv` are required; `roles.csv` gives each user's school, role
and grade. Guardians come from `relationships.csv` (`userSourcedId` the student,
`relationshipUserSourcedId` the contact, `relationshipRole`), read in both directions;
`userFlags.csv` (`userSourcedId`, `flag`) gives IEP, 504 and English-learner flags;
`demographics.csv` gives sex and race. Its `birthCity`, `birthState` and `birthCountry` columns are
blanked as the file is read and never reach this module (RCW 10.93.160). Files may be missing
when empty, or hold only their header.
"""

from __future__ import annotations

from pathlib import Path

from sro_tui.roster.csvread import (
    BundleSchool,
    NotK12Grade,
    ParsedRoster,
    ProblemLog,
    RosterGuardian,
    header_key,
    normalize_grade,
)
from sro_tui.roster.oneroster import OneRosterBundle, _bundle_files
from sro_tui.search import fold

# SDS contact relationship roles that make a guardian (others: aide, doctor, emergency…).
GUARDIAN_ROLES = {
    "parent": "Parent",
    "guardian": "Guardian",
    "relative": "Relative",
    "mother": "Mother",
    "father": "Father",
    "stepparent": "Stepparent",
    "fosterparent": "Foster parent",
    "grandparent": "Grandparent",
}
FLAGS = {
    "iep": "iep",
    "504": "section_504",
    "section504": "section_504",
    "ell": "english_learner",
    "el": "english_learner",
    "englishlearner": "english_learner",
    "englishlanguagelearner": "english_learner",
}


def looks_like_sds(files: dict[str, object]) -> bool:
    """SDS v2.1 rather than OneRoster: relationships.csv or userFlags.csv, or SDS's own columns
    (roles.csv `isPrimary`, users.csv `activeDirectoryMatchId`) in a bundle with no OneRoster
    manifest."""
    if "manifest.csv" in files:
        return False
    if "relationships.csv" in files or "userflags.csv" in files:
        return True
    for name, marks in (("roles.csv", {"isprimary"}), ("users.csv", {"activedirectorymatchid"})):
        loader = files.get(name)
        if loader is not None:
            first_line = loader()[:4096].split(b"\n", 1)[0]  # type: ignore[operator]
            keys = {header_key(h) for h in first_line.decode("utf-8", "replace").split(",")}
            if keys & marks:
                return True
    return False


def open_bundle(path: Path, log: ProblemLog) -> OneRosterBundle:
    """A OneRoster bundle or an SDS v2.1 one, each read as what it is."""
    files = _bundle_files(path, log)
    if looks_like_sds(files):
        return SdsBundle(path, log, files=files)
    return OneRosterBundle(path, log, files=files)


class SdsBundle(OneRosterBundle):
    """SDS v2.1 files, read through the OneRoster reader with SDS's own links and flags."""

    LABEL = "School Data Sync v2.1"

    def __init__(self, path: Path, log: ProblemLog, files: dict[str, object] | None = None):
        super().__init__(path, log, files=files)
        if self.roles is None:
            raise log.fail(
                "roles.csv", None, None, f"an SDS bundle needs roles.csv; {path.name} has none"
            )
        self.format = "sds-2.1"
        self.delta = False
        self.relationships = self._table("relationships.csv")
        self.user_flags = self._table("userFlags.csv")

    def parse(self, school: BundleSchool) -> ParsedRoster:
        roster = super().parse(school)
        self._grades(roster, school)
        self._flags(roster)
        roster.guardians, roster.links = self._relationships(roster)
        self.log.raise_if_errors()
        return roster

    def _grades(self, roster: ParsedRoster, school: BundleSchool) -> None:
        t = self.roles
        assert t is not None
        user, role, org, grade = (
            t.find("usersourcedid"),
            t.find("role"),
            t.find("orgsourcedid"),
            t.find("grade"),
        )
        if grade is None:
            return
        grades: dict[str, tuple[int, str]] = {}
        for n, cells in t.rows:
            if cells[role].lower() == "student" and cells[org] == school.sourced_id:  # type: ignore[index]
                grades.setdefault(cells[user], (n, cells[grade]))  # type: ignore[index]
        for student in roster.students:
            n, raw = grades.get(student.source_id, (0, ""))
            try:
                student.grade = normalize_grade(raw)
            except NotK12Grade as exc:
                student.grade = ""
                self.log.warn(t.file, n, t.header[grade], str(exc))
            except ValueError as exc:
                self.log.error(t.file, n, t.header[grade], str(exc))

    def _flags(self, roster: ParsedRoster) -> None:
        t = self.user_flags
        if t is None:
            return  # no file: the flags stay unknown, as the database has them
        user, flag = t.find("usersourcedid", "sourcedid"), t.find("flag")
        if user is None or flag is None:
            raise self.log.fail(t.file, 1, None, "needs userSourcedId and flag columns")
        found: dict[str, set[str]] = {}
        for _n, cells in t.rows:
            attr = FLAGS.get(header_key(cells[flag]))
            if attr:
                found.setdefault(cells[user], set()).add(attr)
        for student in roster.students:  # the file is there: a student without a flag has none
            flags = found.get(student.source_id, set())
            for attr in ("iep", "section_504", "english_learner"):
                setattr(student, attr, attr in flags)

    def _relationships(
        self, roster: ParsedRoster
    ) -> tuple[dict[str, RosterGuardian], list[tuple[str, str, str]]]:
        t = self.relationships
        if t is None:
            return {}, []
        user, other, role = (
            t.find("usersourcedid"),
            t.find("relationshipusersourcedid"),
            t.find("relationshiprole"),
        )
        if user is None or other is None:
            raise self.log.fail(
                t.file, 1, None, "needs userSourcedId and relationshipUserSourcedId columns"
            )
        users = self.users
        c = {
            f: self.col(users, f)
            for f in ("sourced_id", "given", "family", "email", "phone", "sms")
        }
        people = {cells[c["sourced_id"]]: (n, cells) for n, cells in users.rows}  # type: ignore[index]
        students = {s.source_id: s.sis_id for s in roster.students}
        guardians: dict[str, RosterGuardian] = {}
        links: list[tuple[str, str, str]] = []
        skipped = 0
        for n, cells in t.rows:
            a, b = cells[user], cells[other]
            student, contact = (a, b) if a in students else (b, a)
            if student not in students:
                continue  # another school's student
            word = fold(cells[role]).replace(" ", "") if role is not None else "guardian"
            label = GUARDIAN_ROLES.get(word)
            if label is None:
                skipped += 1
                continue
            if contact not in people:
                self.log.warn(
                    t.file, n, t.header[other], f"contact {contact} is not in users.csv; not linked"
                )
                continue
            row = people[contact][1]
            if contact not in guardians:
                value = {f: (row[i] if i is not None else "") for f, i in c.items()}
                guardians[contact] = RosterGuardian(
                    source_key=contact,
                    first_name=value["given"],
                    last_name=value["family"],
                    email=value["email"],
                    phone=value["phone"] or value["sms"],
                )
            links.append((students[student], contact, label))
        if skipped:
            self.log.warn(
                t.file,
                None,
                "relationshipRole",
                f"{skipped} relationship(s) are not a parent, guardian or relative (aide, "
                "doctor, emergency contact…): not imported as guardians",
            )
        return guardians, list(dict.fromkeys(links))
