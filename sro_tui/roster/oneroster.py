"""Reading a OneRoster 1.1 or 1.2 CSV bundle (a folder or a zip).

1.1 keeps each user's role and schools in users.csv (`role`, `orgSourcedIds`); 1.2 moves them to
roles.csv. Guardians are users whose role is parent, guardian or relative, linked to students
through `agentSourcedIds` in either direction. demographics.csv gives race/ethnicity, sex and,
where a district adds them, IEP/504/English-learner flags; its birth-place columns are blanked as
the file is read and never reach this module (RCW 10.93.160).
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from pathlib import Path

from sro_tui.models import GRADE_ORDER
from sro_tui.roster.csvread import (
    MAX_FILE_BYTES,
    BundleSchool,
    CsvTable,
    NotK12Grade,
    ParsedRoster,
    ProblemLog,
    RosterGuardian,
    RosterStudent,
    header_key,
    id_problem,
    is_iso_date,
    normalize_grade,
    normalize_sex,
    parse_flag,
    read_table,
)
from sro_tui.roster.zipsafe import ZipRefused, open_roster_zip, read_member
from sro_tui.search import normalize_id

GUARDIAN_ROLES = {"parent": "Parent", "guardian": "Guardian", "relative": "Relative"}
GONE = {"tobedeleted", "inactive"}  # 'inactive' is OneRoster 1.0's word for the same thing

# Column spellings seen in real bundles -> the specification's spelling.
MISSPELLINGS = {
    "prefferedgivenname": "preferredGivenName",
    "prefferedmiddlename": "preferredMiddleName",
    "prefferedfamilyname": "preferredFamilyName",
    "datalastmodified": "dateLastModified",
    "agents": "agentSourcedIds",
    "orgs": "orgSourcedIds",
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "sourced_id": ("sourcedid",),
    "status": ("status",),
    "role": ("role",),
    "orgs": ("orgsourcedids", "orgs"),
    "given": ("givenname",),
    "family": ("familyname",),
    "middle": ("middlename",),
    "preferred": ("preferredgivenname", "prefferedgivenname"),
    "identifier": ("identifier",),
    "email": ("email",),
    "phone": ("phone",),
    "sms": ("sms",),
    "agents": ("agentsourcedids", "agents"),
    "grades": ("grades", "grade"),
    "user": ("usersourcedid",),
    "org": ("orgsourcedid",),
    "name": ("name",),
    "type": ("type",),
    "class_type": ("classtype",),
    "title": ("title",),
    "class": ("classsourcedid",),
    "sex": ("sex",),
}
RACE_FLAGS = (
    ("hispanicorlatinoethnicity", "Hispanic or Latino"),
    ("americanindianoralaskanative", "American Indian or Alaska Native"),
    ("asian", "Asian"),
    ("blackorafricanamerican", "Black or African American"),
    ("nativehawaiianorotherpacificislander", "Native Hawaiian or Other Pacific Islander"),
    ("white", "White"),
    ("demographicracetwoormoreraces", "Two or more races"),
)
# SDS v2.1 writes race and ethnicity as code lists ("white,asian"; "hispanic") instead of flags.
RACE_CODES = {header_key(key): label for key, label in RACE_FLAGS[1:]} | {
    "twoormoreraces": "Two or more races",
    "multiracial": "Two or more races",
}
ETHNICITY_CODES = {
    "hispanic": "Hispanic or Latino",
    "hispanicorlatino": "Hispanic or Latino",
    "hispanicorlatinoethnicity": "Hispanic or Latino",
    "nothispanic": "",
    "nothispanicorlatino": "",
    "notselected": "",
}
_RACE_ORDER = {label: i for i, (_key, label) in enumerate(RACE_FLAGS)}
# Districts add these as extension columns (ext_iep, metadata.iep...): read them when present.
EXTRA_FLAGS = {
    "iep": ("iep", "iepstatus", "specialeducation"),
    "section_504": ("504", "section504", "504plan"),
    "english_learner": ("ell", "englishlearner", "ellstatus", "lep", "englishlanguagelearner"),
}


def _flag_aliases(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p + n for p in ("", "ext", "metadata", "metadataext") for n in names)


_ID_SEPARATORS = re.compile(r"[,;\s]+")


def _split_ids(cell: str) -> list[str]:
    return [x for x in _ID_SEPARATORS.split(cell) if x]


class OneRosterBundle:
    """A OneRoster bundle, read and ready to list its schools or be parsed for one of them."""

    LABEL = "OneRoster"

    def __init__(self, path: Path, log: ProblemLog, files: dict[str, object] | None = None):
        self.path = path
        self.log = log
        self._files = files if files is not None else _bundle_files(path, log)
        self.users = self._table("users.csv", required=True)
        self.orgs = self._table("orgs.csv", required=True)
        self.roles = self._table("roles.csv")
        self.demographics = self._table("demographics.csv")
        self.classes = self._table("classes.csv")
        self.enrollments = self._table("enrollments.csv")
        self.format = "oneroster-1.2" if self.roles is not None else "oneroster-1.1"
        self.delta = self._manifest().get("file.users", "").lower() == "delta"
        need = ["sourced_id", "given", "family"] + ([] if self.roles else ["role", "orgs"])
        self._require(self.users, need)
        self._require(self.orgs, ["sourced_id"])
        if self.roles is not None:
            self._require(self.roles, ["user", "role", "org"])
        self.user_roles = self._read_roles()

    # --- files ------------------------------------------------------------------------------

    def _table(self, name: str, required: bool = False) -> CsvTable | None:
        data = self._files.get(name.lower())
        if data is None:
            if required:
                raise self.log.fail(
                    name,
                    None,
                    None,
                    f"a {self.LABEL} bundle needs {name}; {self.path.name} has none",
                )
            return None
        table = read_table(data(), name, self.log)
        odd = [
            (h, MISSPELLINGS[k])
            for h, k in zip(table.header, table.keys, strict=True)
            if k in MISSPELLINGS and h != MISSPELLINGS[k]
        ]
        if odd:
            self.log.warn(
                name,
                1,
                None,
                "columns read by their specification spelling: "
                + ", ".join(f"{h} as {right}" for h, right in odd),
            )
        date_col = table.find("datelastmodified", "datalastmodified")
        if date_col is not None:
            odd = next(
                (
                    (n, c[date_col])
                    for n, c in table.rows
                    if c[date_col] and not is_iso_date(c[date_col])
                ),
                None,
            )
            if odd:
                self.log.warn(
                    name,
                    odd[0],
                    table.header[date_col],
                    f"dates like {odd[1]!r} are not ISO 8601 (YYYY-MM-DD); the import "
                    "does not use this column",
                )
        return table

    def _manifest(self) -> dict[str, str]:
        data = self._files.get("manifest.csv")
        if data is None:
            return {}
        table = read_table(data(), "manifest.csv", ProblemLog())
        return {cells[0]: cells[1] for _n, cells in table.rows if len(cells) >= 2}

    def _require(self, table: CsvTable, fields: list[str]) -> None:
        missing = [COLUMNS[f][0] for f in fields if table.find(*COLUMNS[f]) is None]
        if missing:
            raise self.log.fail(
                table.file, 1, None, f"no {', '.join(missing)} column (required by {self.LABEL})"
            )

    def col(self, table: CsvTable, field_name: str) -> int | None:
        return table.find(*COLUMNS[field_name])

    # --- roles and schools -------------------------------------------------------------------

    def _read_roles(self) -> dict[str, list[tuple[str, str, bool, int]]]:
        """user sourcedId -> [(role, org sourcedId, still current, row)]."""
        roles: dict[str, list[tuple[str, str, bool, int]]] = defaultdict(list)
        if self.roles is not None:
            t = self.roles
            u, r, o, s = (
                self.col(t, "user"),
                self.col(t, "role"),
                self.col(t, "org"),
                self.col(t, "status"),
            )
            for n, cells in t.rows:
                current = s is None or cells[s].lower() not in GONE
                roles[cells[u]].append((cells[r].lower(), cells[o], current, n))
        else:
            t = self.users
            i, r, o, s = (
                self.col(t, "sourced_id"),
                self.col(t, "role"),
                self.col(t, "orgs"),
                self.col(t, "status"),
            )
            for n, cells in t.rows:
                current = s is None or cells[s].lower() not in GONE
                for org in _split_ids(cells[o]) or [""]:
                    roles[cells[i]].append((cells[r].lower(), org, current, n))
        return roles

    def schools(self) -> list[BundleSchool]:
        """Orgs of type school; when there are none, the orgs that hold students (a warning)."""
        t = self.orgs
        i, name, kind, ident, status = (
            self.col(t, "sourced_id"),
            self.col(t, "name"),
            self.col(t, "type"),
            self.col(t, "identifier"),
            self.col(t, "status"),
        )
        orgs: dict[str, tuple[BundleSchool, str]] = {}
        for _n, cells in t.rows:
            if status is not None and cells[status].lower() in GONE:
                continue
            school = BundleSchool(
                sourced_id=cells[i],
                identifier=cells[ident] if ident is not None else "",
                name=cells[name] if name is not None else cells[i],
            )
            orgs[cells[i]] = (school, cells[kind].lower() if kind is not None else "school")
        found = [s for s, kind in orgs.values() if kind == "school"]
        if found:
            return found
        holding = {
            org
            for roles in self.user_roles.values()
            for role, org, _current, _n in roles
            if role == "student"
        }
        found = [orgs[o][0] for o in orgs if o in holding]
        for school in found:
            self.log.warn(
                "orgs.csv",
                None,
                "type",
                f"no org has type 'school'; {school.name} (type "
                f"{orgs[school.sourced_id][1] or 'blank'}) holds the students, so it "
                "is treated as the school",
            )
        if not found:
            raise self.log.fail(
                "orgs.csv",
                None,
                None,
                "no school in this bundle: no org has "
                "type 'school' and no students belong to any org listed",
            )
        return found

    # --- students and guardians --------------------------------------------------------------

    def parse(self, school: BundleSchool) -> ParsedRoster:
        """The students of `school`, their guardians, demographics and homerooms."""
        log, t = self.log, self.users
        c = {
            f: self.col(t, f)
            for f in (
                "sourced_id",
                "status",
                "given",
                "family",
                "middle",
                "preferred",
                "identifier",
                "email",
                "phone",
                "sms",
                "agents",
                "grades",
            )
        }
        rows: dict[str, tuple[int, list[str]]] = {}
        for n, cells in t.rows:
            uid = cells[c["sourced_id"]]
            if not uid:
                log.warn(t.file, n, t.header[c["sourced_id"]], "a user without sourcedId; skipped")
            elif uid in rows and rows[uid][1] != cells:
                log.error(
                    t.file,
                    n,
                    t.header[c["sourced_id"]],
                    f"user {uid} is also on row {rows[uid][0]} with different values",
                )
            else:
                rows.setdefault(uid, (n, cells))
        in_school: dict[str, bool] = {}  # student sourcedId -> role still current
        for uid, roles in self.user_roles.items():
            for role, org, current, n in roles:
                if role == "student" and org == school.sourced_id:
                    in_school[uid] = in_school.get(uid, False) or current
                    if uid not in rows:
                        log.warn(
                            self.roles.file if self.roles else t.file,
                            n,
                            "userSourcedId",
                            f"student {uid} is not in users.csv; skipped",
                        )
        demographics = self._demographics(set(in_school))
        homerooms = self._homerooms(school, set(in_school))
        students: list[RosterStudent] = []
        seen_ids: dict[str, int] = {}
        for uid, role_current in in_school.items():
            if uid not in rows:
                continue
            n, cells = rows[uid]
            value = {f: (cells[i] if i is not None else None) for f, i in c.items()}
            sis_id = value["identifier"] or uid
            problem = id_problem(sis_id)
            if problem:
                log.error(t.file, n, "identifier" if value["identifier"] else "sourcedId", problem)
            key = normalize_id(sis_id)
            if key in seen_ids:
                log.error(
                    t.file,
                    n,
                    "identifier" if value["identifier"] else "sourcedId",
                    f"student ID {sis_id} is also used on row {seen_ids[key]}",
                )
            seen_ids[key] = n
            if not value["given"] and not value["family"]:
                log.error(t.file, n, t.header[c["family"]], "the student has no name")
            status = (value["status"] or "").lower()
            student = RosterStudent(
                sis_id=sis_id,
                source_id=uid,
                first_name=value["given"] or "",
                last_name=value["family"] or "",
                active=role_current and status not in GONE,
                file=t.file,
                row=n,
                middle_name=value["middle"] or "",
                preferred_name=value["preferred"] or "",
                homeroom=homerooms.get(uid, "") if homerooms is not None else None,
            )
            student.grade = self._grade(value["grades"], n, c["grades"])
            # No demographics row: the fields stay None, so the database keeps what it has.
            for attr, found in demographics.get(uid, {}).items():
                setattr(student, attr, found)
            students.append(student)
        guardians, links = self._guardians(rows, c, {s.source_id: s.sis_id for s in students})
        status_col = c["status"]
        removed = {
            uid
            for uid, (_n, cells) in rows.items()
            if status_col is not None
            and cells[status_col].lower() in GONE
            and any(role in GUARDIAN_ROLES for role, *_rest in self.user_roles.get(uid, []))
        }
        log.raise_if_errors()
        return ParsedRoster(
            format=self.format,
            school=school,
            students=students,
            guardians=guardians,
            links=links,
            delta=self.delta,
            removed_guardians=removed,
            encoding_note="; ".join(
                x.note
                for x in (t, self.orgs, self.roles, self.demographics)
                if x is not None and x.note
            ),
            columns_used=(use := self.column_use())[0],
            columns_ignored=use[1],
        )

    # Columns read from each file, by header key: for the list of columns used and ignored.
    READ: dict[str, tuple[str, ...]] = {
        "users.csv": (
            "sourcedid",
            "status",
            "role",
            "orgsourcedids",
            "orgs",
            "givenname",
            "familyname",
            "middlename",
            "preferredgivenname",
            "prefferedgivenname",
            "identifier",
            "email",
            "phone",
            "sms",
            "agentsourcedids",
            "agents",
            "grades",
            "grade",
        ),
        "roles.csv": ("usersourcedid", "role", "orgsourcedid", "status", "grade"),
        "demographics.csv": (
            "sourcedid",
            "usersourcedid",
            "sex",
            *(key for key, _label in RACE_FLAGS),
            "racecodes",
            "ethnicitycodes",
            *(a for names in EXTRA_FLAGS.values() for a in _flag_aliases(names)),
        ),
    }

    def column_use(self) -> tuple[list[tuple[str, str]], list[str]]:
        """(file: header, 'read') for the people files' columns read, and those ignored."""
        used: list[tuple[str, str]] = []
        ignored: list[str] = []
        for table in (self.users, self.roles, self.demographics):
            if table is None:
                continue
            wanted = set(self.READ.get(table.file.lower(), ()))
            for header, key in zip(table.header, table.keys, strict=True):
                if not header:
                    continue
                if key in wanted:
                    used.append((f"{table.file}: {header}", "read"))
                else:
                    ignored.append(f"{table.file}: {header}")
        return used, ignored

    def _grade(self, raw: str | None, row: int, column: int | None) -> str | None:
        if raw is None:
            return None
        best = ""
        for part in _split_ids(raw):
            try:
                grade = normalize_grade(part)
            except NotK12Grade as exc:
                self.log.warn(self.users.file, row, self.users.header[column], str(exc))
                continue
            except ValueError as exc:
                self.log.error(self.users.file, row, self.users.header[column], str(exc))
                continue
            # A student listed in two grades is counted in the higher one.
            if not best or GRADE_ORDER[grade] > GRADE_ORDER[best]:
                best = grade
        return best

    def _guardians(
        self,
        rows: dict[str, tuple[int, list[str]]],
        c: dict[str, int | None],
        students: dict[str, str],
    ) -> tuple[dict[str, RosterGuardian], list[tuple[str, str, str]]]:
        """Guardian users linked to this school's students, from either side of the link."""
        t, log = self.users, self.log
        guardian_role: dict[str, str] = {}
        for uid, roles in self.user_roles.items():
            for role, _org, current, _n in roles:
                if role in GUARDIAN_ROLES and current and uid not in guardian_role:
                    guardian_role[uid] = GUARDIAN_ROLES[role]
        pairs: dict[tuple[str, str], None] = {}
        agents_col = c["agents"]
        if agents_col is not None:
            for student_uid in students:
                n, cells = rows[student_uid]
                for agent in _split_ids(cells[agents_col]):
                    if agent in guardian_role and agent in rows:
                        pairs[(student_uid, agent)] = None
                    elif agent not in rows and self.delta:
                        continue  # unchanged since the last export: its link is kept as it is
                    elif agent not in rows:
                        log.warn(
                            t.file,
                            n,
                            t.header[agents_col],
                            f"agent {agent} is not in users.csv; not linked",
                        )
                    else:
                        kinds = sorted({r for r, _o, _c, _n in self.user_roles.get(agent, [])})
                        log.warn(
                            t.file,
                            n,
                            t.header[agents_col],
                            f"agent {agent} is a {' and '.join(kinds) or 'user without a role'}"
                            ", not a parent or guardian; not linked",
                        )
            for uid in guardian_role:
                if uid in rows:
                    for agent in _split_ids(rows[uid][1][agents_col]):
                        if agent in students:
                            pairs[(agent, uid)] = None
        guardians: dict[str, RosterGuardian] = {}
        links: list[tuple[str, str, str]] = []
        for student_uid, uid in pairs:
            cells = rows[uid][1]
            if uid not in guardians:
                phone = cells[c["phone"]] if c["phone"] is not None else ""
                if not phone and c["sms"] is not None:
                    phone = cells[c["sms"]]
                guardians[uid] = RosterGuardian(
                    source_key=uid,
                    first_name=cells[c["given"]],
                    last_name=cells[c["family"]],
                    email=cells[c["email"]] if c["email"] is not None else "",
                    phone=phone,
                )
            links.append((students[student_uid], uid, guardian_role[uid]))
        return guardians, links

    # --- demographics and homerooms ----------------------------------------------------------

    def _demographics(self, wanted: set[str]) -> dict[str, dict[str, object]]:
        t = self.demographics
        if t is None:
            return {}
        # The standard says sourcedId; some vendors (and SDS) write userSourcedId.
        i = t.find("sourcedid", "usersourcedid")
        if i is None:
            raise self.log.fail(t.file, 1, None, f"no sourcedId column (required by {self.LABEL})")
        sex = self.col(t, "sex")
        races = [(t.find(key), label) for key, label in RACE_FLAGS]
        races = [(col, label) for col, label in races if col is not None]
        codes = [
            (col, table)
            for col, table in (
                (t.find("ethnicitycodes"), ETHNICITY_CODES),
                (t.find("racecodes"), RACE_CODES),
            )
            if col is not None
        ]
        unknown: list[tuple[int, str]] = []
        flags = {attr: t.find(*_flag_aliases(names)) for attr, names in EXTRA_FLAGS.items()}
        out: dict[str, dict[str, object]] = {}
        for n, cells in t.rows:
            uid = cells[i]
            if uid not in wanted:
                continue  # another school's student, or not a student: not ours to read
            found: dict[str, object] = {}
            if sex is not None:
                found["sex"] = normalize_sex(cells[sex])
            if races:
                labels = []
                for col, label in races:
                    try:
                        if parse_flag(cells[col]):
                            labels.append(label)
                    except ValueError as exc:
                        self.log.error(t.file, n, t.header[col], str(exc))
                found["race_ethnicity"] = "; ".join(labels)
            elif codes:
                found["race_ethnicity"] = _coded_race(cells, codes, n, unknown)
            for attr, col in flags.items():
                if col is not None:
                    try:
                        found[attr] = parse_flag(cells[col])
                    except ValueError as exc:
                        self.log.error(t.file, n, t.header[col], str(exc))
            out[uid] = found
        if unknown:
            rows = ", ".join(str(n) for n, _code in unknown[:12])
            self.log.warn(
                t.file,
                unknown[0][0],
                None,
                f"{len(unknown)} race or ethnicity code(s) are not SDS codes (e.g. "
                f"{unknown[0][1]!r}; rows {rows}): left out of the student's race/ethnicity",
            )
        return out

    def _homerooms(self, school: BundleSchool, wanted: set[str]) -> dict[str, str] | None:
        """student sourcedId -> title of their homeroom class; None when the bundle has no
        homeroom classes at all (then the homeroom is left as the database has it)."""
        classes, enrollments = self.classes, self.enrollments
        if classes is None or enrollments is None:
            return None
        i, kind, title, status = (
            self.col(classes, "sourced_id"),
            self.col(classes, "class_type"),
            self.col(classes, "title"),
            self.col(classes, "status"),
        )
        if i is None or kind is None or title is None:
            return None
        rooms = {
            cells[i]: cells[title]
            for _n, cells in classes.rows
            if cells[kind].lower() == "homeroom"
            and (status is None or cells[status].lower() not in GONE)
        }
        if not rooms:
            return None
        user, cls, role, e_status = (
            self.col(enrollments, "user"),
            self.col(enrollments, "class"),
            self.col(enrollments, "role"),
            self.col(enrollments, "status"),
        )
        if user is None or cls is None:
            return None
        out: dict[str, str] = {}
        for _n, cells in enrollments.rows:
            if (
                cells[user] in wanted
                and cells[cls] in rooms
                and (role is None or cells[role].lower() == "student")
                and (e_status is None or cells[e_status].lower() not in GONE)
            ):
                out[cells[user]] = rooms[cells[cls]]
        return out


def _bundle_files(path: Path, log: ProblemLog) -> dict[str, object]:
    """Lower-case file name -> a function returning its bytes, for a folder or a zip."""
    if path.is_dir():
        found = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
        if "users.csv" not in found:
            nested = [p for p in path.rglob("*") if p.name.lower() == "users.csv"]
            if len(nested) == 1:
                found = {p.name.lower(): p for p in nested[0].parent.iterdir() if p.is_file()}
        return {name: (lambda p=p: p.read_bytes()) for name, p in found.items()}
    try:
        archive = open_roster_zip(path)  # corrupt zips, bombs and strange names refused here
    except ZipRefused as exc:
        raise log.fail(path.name, None, None, str(exc)) from exc

    def read(member: zipfile.ZipInfo) -> bytes:
        try:
            return read_member(archive, member)
        except ZipRefused as exc:
            raise log.fail(path.name, None, None, str(exc)) from exc

    members = [m for m in archive.infolist() if not m.is_dir() and "__MACOSX" not in m.filename]
    users = sorted(
        (m for m in members if Path(m.filename).name.lower() == "users.csv"),
        key=lambda m: m.filename.count("/"),
    )
    folder = str(Path(users[0].filename).parent) if users else "."
    files: dict[str, object] = {}
    for member in members:
        if str(Path(member.filename).parent) != folder:
            continue
        if member.file_size > MAX_FILE_BYTES:
            raise log.fail(member.filename, None, None, "is too large for a roster file")
        files[Path(member.filename).name.lower()] = lambda m=member: read(m)
    return files


def _coded_race(
    cells: list[str], codes: list[tuple[int, dict[str, str]]], row: int, unknown: list
) -> str:
    """SDS's code lists ('hispanic'; 'white,asian') as the readable list the race flags give."""
    labels: set[str] = set()
    for col, table in codes:
        for code in cells[col].replace(";", ",").split(","):
            key = header_key(code)
            if not key:
                continue
            label = table.get(key)
            if label is None:
                unknown.append((row, code.strip()))
            elif label:
                labels.add(label)
    return "; ".join(sorted(labels, key=_RACE_ORDER.__getitem__))
