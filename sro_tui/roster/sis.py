"""Reading a student information system's CSV export (PowerSchool, Clever, Skyward, a hand-made
spreadsheet...): one row per student, or one row per student and contact. Header spellings are
matched loosely ('Student ID', 'StudentNumber', 'student_id' are the same column); see
docs/roster-import.md for the full list.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from sro_tui.roster.contacts import looks_like_contacts
from sro_tui.roster.csvread import (
    BundleSchool,
    CsvTable,
    NotK12Grade,
    ParsedRoster,
    ProblemLog,
    RosterStudent,
    id_problem,
    normalize_grade,
    normalize_sex,
    parse_flag,
)
from sro_tui.roster.family import GuardianBook, RowFamily, family_layout
from sro_tui.roster.names import damage_in
from sro_tui.search import normalize_id

# Student columns: field -> header keys in order of preference (see csvread.header_key).
# The student *number* comes before a student *id*: PowerSchool's Student_Number and Clever's
# Student_number are what ID cards and scanners carry.
STUDENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "sis_id": (
        "studentnumber",
        "studentno",
        "studentnum",
        "studentid",
        "sisid",
        "localid",
        "localstudentid",
        "pupilnumber",
        "id",
    ),
    "last_name": ("lastname", "studentlastname", "last", "surname", "familyname", "legallastname"),
    "first_name": ("firstname", "studentfirstname", "first", "givenname", "legalfirstname"),
    "middle_name": ("middlename", "studentmiddlename", "middle", "middleinitial"),
    "preferred_name": ("preferredname", "preferredfirstname", "nickname", "goesby"),
    "grade": ("grade", "gradelevel", "currentgrade", "studentgrade", "grd", "gr"),
    "homeroom": ("homeroom", "homeroomnumber", "homeroomname", "homeroomteacher", "hr", "advisory"),
    "race": ("raceethnicity", "race", "federalrace", "fedracecode", "races"),
    "ethnicity": ("hispanicorlatino", "hispaniclatino", "hispanic", "fedethnicity", "ethnicity"),
    "sex": ("sex", "gender", "studentgender"),
    "iep": ("iep", "iepstatus", "hasiep", "specialeducation", "specialed", "sped", "idea"),
    "section_504": ("504", "section504", "504plan", "plan504", "504status", "has504"),
    "english_learner": (
        "englishlearner",
        "ell",
        "ellstatus",
        "el",
        "elstatus",
        "englishlanguagelearner",
        "lep",
        "lepstatus",
        "multilinguallearner",
    ),
    "home_language": (
        "homelanguage",
        "primarylanguage",
        "studentlanguage",
        "languagespokenathome",
        "language",
    ),
    "enroll_status": ("enrollstatus",),  # PowerSchool: 0 active, anything else not
    "ssid": (
        "statestudentnumber",
        "ssid",
        "statestudentid",
        "stateid",
        "stateidnumber",
        "statenumber",
    ),
    "family_ident": ("familyident", "familyid", "familynumber", "householdid"),
    "status": ("status", "studentstatus", "enrollmentstatus", "active"),
    "school_code": (
        "schoolid",
        "schoolcode",
        "schoolnumber",
        "schoolidentifier",
        "buildingcode",
        "school",
    ),
    "school_name": ("schoolname", "school"),
}
ADDRESS_COLUMNS = {
    "mailing": {
        "street": ("mailingstreet", "mailingaddress", "mailingaddress1"),
        "city": ("mailingcity",),
        "state": ("mailingstate",),
        "postal_code": ("mailingzip", "mailingzipcode", "mailingpostalcode"),
    },
    "home": {
        "street": (
            "street",
            "streetaddress",
            "address",
            "homeaddress",
            "address1",
            "residencestreet",
        ),
        "city": ("city", "homecity"),
        "state": ("state", "homestate"),
        "postal_code": ("zip", "zipcode", "postalcode", "postcode", "homezip"),
    },
}
COLUMN_LABELS = {
    "sis_id": "student ID",
    "ssid": "state student ID (SSID)",
    "family_ident": "family number (one guardian per person across siblings)",
    "enroll_status": "enrollment status (0 = active)",
    "status": "enrollment status",
    "school_code": "school",
    "school_name": "school name",
    "race": "race",
    "ethnicity": "ethnicity",
    "section_504": "504 plan",
    "iep": "IEP",
}
REQUIRED = {"sis_id": "student ID", "last_name": "last name", "first_name": "first name"}

_ACTIVE_WORDS = {"active", "a", "enrolled", "current", "yes", "y", "true", "1", ""}
_INACTIVE_WORDS = {
    "inactive",
    "i",
    "withdrawn",
    "w",
    "graduated",
    "transferred",
    "no",
    "n",
    "false",
    "0",
    "tobedeleted",
    "preregistered",
}


class SisCsv:
    """An SIS export, read and ready to list its schools or be parsed for one of them."""

    def __init__(self, table: CsvTable, log: ProblemLog):
        self.table = table
        self.log = log
        if looks_like_contacts(table):
            raise log.fail(
                table.file,
                None,
                None,
                "is a contacts export (one row per contact: contact ID, relationship, "
                "custodial / lives-with), not a students export: import the students export "
                "and give this file as its contacts (sro-tui roster import students.csv "
                "--contacts contacts.csv; in the app, the Contacts file field)",
            )
        self.read_guardians = True  # False when a contacts export gives the guardians
        self.addresses: dict[str, dict[str, str]] = {}  # student sis_id -> home address
        self.home_phones: dict[str, str] = {}  # student sis_id -> the family's phone
        self.columns = {f: table.find(*aliases) for f, aliases in STUDENT_COLUMNS.items()}
        if self.columns["school_code"] == self.columns["school_name"]:
            self.columns["school_name"] = None  # one 'School' column: code and name at once
        missing = [label for f, label in REQUIRED.items() if self.columns[f] is None]
        if missing:
            found = ", ".join(h for h in table.header if h) or "none"
            raise log.fail(
                table.file,
                1,
                None,
                f"no {' or '.join(missing)} column (the columns found are: {found}); "
                "see docs/roster-import.md for the spellings understood",
            )
        self.address_columns = [
            {part: table.find(*aliases) for part, aliases in ADDRESS_COLUMNS[group].items()}
            for group in ("mailing", "home")
        ]
        self.clever_id = table.find("studentid")
        if self.clever_id == self.columns["sis_id"]:
            self.clever_id = None
        self.family = family_layout(table)
        if self.columns["grade"] is None:
            log.warn(table.file, 1, None, "no grade column: students are imported without grades")
        self._at = {f: -1 if i is None else i for f, i in self.columns.items()}
        self._grades = _Cached(_grade_cell)
        self._flags = _Cached(_flag_cell)
        self._races = _Cached(_race_cells)

    def column_use(self) -> tuple[list[tuple[str, str]], list[str]]:
        """(header, what it is used for) for every column read, and the headers of the columns
        ignored: the preview and the CLI list both, so nothing is dropped silently."""
        purposes: dict[int, str] = {}
        for field_name, index in self.columns.items():
            if index is not None and index not in purposes:
                label = COLUMN_LABELS.get(field_name, field_name.replace("_", " "))
                purposes[index] = "student: " + label
        for group, found in zip(("mailing", "home"), self.address_columns, strict=True):
            for part, index in found.items():
                if index is not None and index not in purposes:
                    whole = part == "street" and found["city"] is None
                    what = "whole, in one cell" if whole else part.replace("_", " ")
                    purposes[index] = f"family {group} address: {what}"
        if self.clever_id is not None:
            purposes[self.clever_id] = "student: Clever ID"
        language = self.columns["home_language"]
        if language is not None and self.family.has_people:
            purposes[language] = "student: home language (also the guardians', unless their own)"
        if self.read_guardians:
            purposes.update(self.family.purposes)
        else:  # a contacts file gives the guardians; the family phone still reaches them
            for i in self.family.family["phone"]:
                purposes[i] = "family phone (for contacts living with the student who have none)"
        used = [(self.table.header[i], purposes[i]) for i in sorted(purposes)]
        ignored = [h for i, h in enumerate(self.table.header) if h and i not in purposes]
        return used, ignored

    def schools(self) -> list[BundleSchool]:
        """The schools named in the file's school column (empty when it has none)."""
        code_col, name_col = self.columns["school_code"], self.columns["school_name"]
        if code_col is None and name_col is None:
            return []
        found: dict[str, BundleSchool] = {}
        for _row, cells in self.table.rows:
            code = cells[code_col] if code_col is not None else ""
            name = cells[name_col] if name_col is not None else ""
            key = code or name
            if key and key not in found:
                found[key] = BundleSchool(
                    sourced_id=code, identifier=code, name=name or code, sis_number=bool(code)
                )
        return list(found.values())

    def parse(self, school: BundleSchool | None) -> ParsedRoster:
        """Students (and their guardians) of `school`, or of every row when the file names none."""
        table, log, cols = self.table, self.log, self.columns
        rows = table.rows
        if school is not None:
            code_col, name_col = cols["school_code"], cols["school_name"]
            rows = [
                (n, c)
                for n, c in rows
                if (code_col is not None and school.identifier and c[code_col] == school.identifier)
                or (not school.identifier and name_col is not None and c[name_col] == school.name)
            ]
        students: dict[str, RosterStudent] = {}
        first_row: dict[str, int] = {}
        guardians = GuardianBook(table.file, self.family, log)
        add_row, read_guardians, addresses = guardians.add_row, self.read_guardians, self.addresses
        family_ident = self._at["family_ident"]
        for row_number, cells in rows:
            student = self._student(row_number, cells)
            if student is None:
                continue
            key = normalize_id(student.sis_id)
            earlier = students.get(key)
            if earlier is not None:
                # Contacts exports repeat the student on each contact's row: same student, fine.
                differs = [
                    f
                    for f in ("first_name", "last_name", "grade", "homeroom")
                    if getattr(earlier, f) != getattr(student, f)
                ]
                if differs:
                    log.error(
                        table.file,
                        row_number,
                        table.name_of(cols["sis_id"]),
                        f"student {student.sis_id} is also on row {first_row[key]} with a "
                        f"different {differs[0].replace('_', ' ')}",
                    )
            else:
                students[key] = student
                first_row[key] = row_number
            facts = RowFamily(
                student.sis_id,
                student.last_name,
                row_number,
                self._address(cells),
                cells[family_ident] if family_ident >= 0 else "",
                student.home_language or "",
            )
            addresses.setdefault(student.sis_id, facts.address)
            if read_guardians:
                add_row(cells, facts)
            elif student.sis_id not in self.home_phones:
                phones = self.family.family["phone"]
                self.home_phones[student.sis_id] = next((cells[i] for i in phones if cells[i]), "")
        log.raise_if_errors()
        self._damaged_names(rows)
        found, links = guardians.finish()
        used, ignored = self.column_use()
        return ParsedRoster(
            format="sis-csv",
            school=school,
            students=list(students.values()),
            guardians=found,
            links=links,
            encoding_note=table.note,
            columns_used=used,
            columns_ignored=ignored,
            families_missing=self.read_guardians and not self.family.has_people,
        )

    def _damaged_names(self, rows: list[tuple[int, list[str]]]) -> None:
        """Warn, naming the rows, about names whose letters were lost before the file reached us
        ('Nguy?n', U+FFFD, 'JosÃ©'): they cannot be repaired safely, only re-exported."""
        columns = [self.columns[f] for f in ("first_name", "last_name", "middle_name")]
        columns += [
            i
            for attrs in self.family.people.values()
            for a, indexes in attrs.items()
            if a in ("name", "first_name", "last_name")
            for i in indexes
        ]
        columns = [i for i in columns if i is not None]
        names = itemgetter(*columns) if len(columns) > 1 else (lambda cells: (cells[columns[0]],))
        damaged: dict[str, list[int]] = {}
        for row, cells in rows:
            whole = "".join(names(cells))
            if "?" not in whole and whole.isascii():
                continue  # the common case: no name on the row can be damaged (damage_in)
            for i in columns:
                reason = cells[i] and damage_in(cells[i])
                if reason:
                    damaged.setdefault(reason, []).append(row)
        for reason, where in damaged.items():
            where = sorted(set(where))
            shown = ", ".join(map(str, where[:12])) + (
                f" and {len(where) - 12} more" if len(where) > 12 else ""
            )
            self.log.warn(
                self.table.file,
                where[0],
                None,
                f"{len(where)} row(s) have a name that {reason} (rows {shown}): the letters "
                "were lost before the file reached us; export it again as CSV UTF-8, or correct "
                "the names in the SIS",
            )

    def _cell(self, cells: list[str], field_name: str) -> str | None:
        index = self.columns[field_name]
        return None if index is None else cells[index]

    def _student(self, row: int, cells: list[str]) -> RosterStudent | None:
        table, log, cols = self.table, self.log, self.columns
        file = table.file
        sis_id = cells[cols["sis_id"]]
        problem = id_problem(sis_id)
        if problem:
            log.error(file, row, table.name_of(cols["sis_id"]), problem)
            return None
        first, last = cells[cols["first_name"]], cells[cols["last_name"]]
        if not first and not last:
            log.error(file, row, table.name_of(cols["last_name"]), "the student has no name")
        at = self._at  # the optional columns' indexes, -1 when the file has none
        student = RosterStudent(
            sis_id,
            cells[self.clever_id] if self.clever_id is not None else "",
            first,
            last,
            True,
            file,
            row,
            middle_name=cells[at["middle_name"]] if at["middle_name"] >= 0 else None,
            preferred_name=cells[at["preferred_name"]] if at["preferred_name"] >= 0 else None,
            homeroom=cells[at["homeroom"]] if at["homeroom"] >= 0 else None,
            home_language=cells[at["home_language"]] if at["home_language"] >= 0 else None,
            ssid=cells[at["ssid"]] if at["ssid"] >= 0 else None,
        )
        # A column holds a few distinct values 5,000 times: each is worked out once (_Cached).
        if at["grade"] >= 0:
            grade, problem_kind, message = self._grades[cells[at["grade"]]]
            if problem_kind == "warn":
                log.warn(file, row, table.name_of(cols["grade"]), message)
            elif problem_kind == "error":
                log.error(file, row, table.name_of(cols["grade"]), message)
            student.grade = grade
        if at["sex"] >= 0:
            student.sex = normalize_sex(cells[at["sex"]])
        if at["race"] >= 0 or at["ethnicity"] >= 0:
            student.race_ethnicity = self._races[
                (
                    cells[at["race"]] if at["race"] >= 0 else None,
                    cells[at["ethnicity"]] if at["ethnicity"] >= 0 else None,
                )
            ]
        flags = self._flags
        for flag in ("iep", "section_504", "english_learner"):
            if at[flag] >= 0:
                value = flags[cells[at[flag]]]
                if isinstance(value, str):
                    log.error(file, row, table.name_of(cols[flag]), value)
                else:
                    setattr(student, flag, value)
        student.active = self._active(row, cells)
        return student

    def _active(self, row: int, cells: list[str]) -> bool:
        at = self._at
        if at["enroll_status"] < 0 and at["status"] < 0:
            return True  # no enrollment column: every row is enrolled
        enroll = self._cell(cells, "enroll_status")
        if enroll is not None and enroll != "":
            # PowerSchool: -1 pre-registered, 0 active, 1 inactive, 2 transferred, 3 graduated.
            if enroll.strip() in ("-1", "0", "1", "2", "3"):
                return enroll.strip() == "0"
            self.log.error(
                self.table.file,
                row,
                self.table.name_of(self.columns["enroll_status"]),
                f"{enroll!r} is not a PowerSchool enrollment status (-1 pre-registered, "
                "0 active, 1 inactive, 2 transferred out, 3 graduated)",
            )
            return False
        status = self._cell(cells, "status")
        if status is None:
            return True
        word = status.strip().lower().replace("-", "").replace(" ", "")
        if word in _ACTIVE_WORDS:
            return True
        if word in _INACTIVE_WORDS:
            return False
        self.log.error(
            self.table.file,
            row,
            self.table.name_of(self.columns["status"]),
            f"{status!r} is neither active nor inactive",
        )
        return False

    def _address(self, cells: list[str]) -> dict[str, str]:
        """The student's mailing address, else home address: guardians without their own
        address columns live there."""
        for found in self.address_columns:
            if found["street"] is not None and cells[found["street"]]:
                return {
                    part: _one_line(cells[i]) if i is not None else "" for part, i in found.items()
                }
        return {}


def _grade_cell(raw: str) -> tuple[str | None, str, str]:
    """(grade, '' | 'warn' | 'error', message) for a grade cell: None when it is refused."""
    try:
        return normalize_grade(raw), "", ""
    except NotK12Grade as exc:
        return "", "warn", str(exc)
    except ValueError as exc:
        return None, "error", str(exc)


def _flag_cell(raw: str) -> bool | str:
    """A yes/no cell's value, or why it is neither."""
    try:
        return parse_flag(raw)
    except ValueError as exc:
        return str(exc)


def _race_cells(pair: tuple[str | None, str | None]) -> str:
    """Race and ethnicity cells as one value ('Hispanic or Latino; White')."""
    race, ethnicity = pair
    parts = []
    if ethnicity:
        try:
            if parse_flag(ethnicity):
                parts.append("Hispanic or Latino")
        except ValueError:
            parts.append(ethnicity)  # a written-out ethnicity, kept as the SIS says it
    if race:
        parts.append(race)
    return "; ".join(parts)


class _Cached(dict):
    """A pure function of a cell's value, computed once per distinct value."""

    def __init__(self, function: Callable[[Any], Any]):
        super().__init__()
        self.function = function

    def __missing__(self, key: Any) -> Any:
        self[key] = value = self.function(key)
        return value


def _one_line(cell: str) -> str:
    """An address part typed on several lines (Alt+Enter in Excel), a comma per line break."""
    if "\n" not in cell and "\r" not in cell:
        return cell
    return ", ".join(" ".join(line.split()) for line in cell.splitlines() if line.strip())
