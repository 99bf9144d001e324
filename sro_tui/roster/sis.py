"""Reading a student information system's CSV export (PowerSchool, Clever, Skyward, a hand-made
spreadsheet...): one row per student, or one row per student and contact. Header spellings are
matched loosely ('Student ID', 'StudentNumber', 'student_id' are the same column); see
docs/roster-import.md for the full list.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

from sro_tui.roster.csvread import (
    BundleSchool,
    CsvTable,
    NotK12Grade,
    ParsedRoster,
    ProblemLog,
    RosterGuardian,
    RosterStudent,
    id_problem,
    normalize_grade,
    normalize_sex,
    parse_flag,
)
from sro_tui.search import fold, normalize_id

_NOT_DIGITS = re.compile(r"\D")

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
REQUIRED = {"sis_id": "student ID", "last_name": "last name", "first_name": "first name"}

# Guardian columns: a prefix with an optional number ('Guardian 1', 'Parent2', 'Mother',
# 'Contact'), then the attribute ('Email', '_home_phone'...).
_GUARDIAN_HEADER = re.compile(r"^(guardian|parent|contact|mother|father)(\d*)([a-z]*?)(\d*)$")
GUARDIAN_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "name": ("", "name", "fullname"),
    "first_name": ("firstname", "first", "givenname"),
    "last_name": ("lastname", "last", "surname", "familyname"),
    "email": ("email", "emailaddress", "mail"),
    "phone": (
        "phone",
        "cellphone",
        "cell",
        "mobile",
        "mobilephone",
        "phonenumber",
        "homephone",
        "dayphone",
        "workphone",
    ),
    "language": ("language", "preferredlanguage", "homelanguage", "lang", "languagepreference"),
    "relationship": ("relationship", "relation", "relationshiptype", "type"),
    "street": ("address", "street", "streetaddress", "mailingaddress", "mailingstreet", "address1"),
    "city": ("city", "mailingcity"),
    "state": ("state", "mailingstate"),
    "postal_code": ("zip", "zipcode", "postalcode", "mailingzip"),
    "id": ("id", "sisid", "contactid", "personid", "number"),
}
_ATTRIBUTE_OF = {alias: attr for attr, aliases in GUARDIAN_ATTRIBUTES.items() for alias in aliases}
_ATTRIBUTE_RANK = {
    alias: rank for aliases in GUARDIAN_ATTRIBUTES.values() for rank, alias in enumerate(aliases)
}
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


def _guardian_columns(table: CsvTable) -> dict[str, dict[str, int]]:
    """slot ('guardian1', 'mother', 'contact') -> attribute -> column index."""
    slots: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for index, key in enumerate(table.keys):
        match = _GUARDIAN_HEADER.match(key)
        if not match:
            continue
        prefix, number, attribute_key, trailing = match.groups()
        attribute = _ATTRIBUTE_OF.get(attribute_key)
        if attribute is None:
            continue
        slot = f"{prefix}{number or trailing}"
        rank = _ATTRIBUTE_RANK[attribute_key]
        if attribute not in slots[slot] or rank < slots[slot][attribute][1]:
            slots[slot][attribute] = (index, rank)
    return {
        slot: {a: i for a, (i, _r) in attrs.items()}
        for slot, attrs in slots.items()
        if {"name", "first_name", "last_name", "email", "phone"} & attrs.keys()
    }


class SisCsv:
    """An SIS export, read and ready to list its schools or be parsed for one of them."""

    def __init__(self, table: CsvTable, log: ProblemLog):
        self.table = table
        self.log = log
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
        if self.columns["grade"] is None:
            log.warn(table.file, 1, None, "no grade column: students are imported without grades")

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
                found[key] = BundleSchool(sourced_id=code, identifier=code, name=name or code)
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
        guardians = _GuardianBook(table.file)
        slots = _guardian_columns(table)
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
            home = self._address(cells)
            for slot, attrs in slots.items():
                guardians.add(student.sis_id, slot, attrs, cells, home, row_number, log)
        log.raise_if_errors()
        found, links = guardians.finish()
        return ParsedRoster(
            format="sis-csv",
            school=school,
            students=list(students.values()),
            guardians=found,
            links=links,
            encoding_note=table.note,
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
        student = RosterStudent(
            sis_id=sis_id,
            source_id="",
            first_name=first,
            last_name=last,
            active=True,
            file=file,
            row=row,
        )
        if self.clever_id is not None:
            student.source_id = cells[self.clever_id]  # Clever's Student_id, kept beside the number
        student.middle_name = self._cell(cells, "middle_name")
        student.preferred_name = self._cell(cells, "preferred_name")
        student.homeroom = self._cell(cells, "homeroom")
        student.home_language = self._cell(cells, "home_language")
        grade = self._cell(cells, "grade")
        if grade is not None:
            try:
                student.grade = normalize_grade(grade)
            except NotK12Grade as exc:
                student.grade = ""
                log.warn(file, row, table.name_of(cols["grade"]), str(exc))
            except ValueError as exc:
                log.error(file, row, table.name_of(cols["grade"]), str(exc))
        sex = self._cell(cells, "sex")
        student.sex = None if sex is None else normalize_sex(sex)
        student.race_ethnicity = self._race(cells)
        for flag in ("iep", "section_504", "english_learner"):
            raw = self._cell(cells, flag)
            if raw is not None:
                try:
                    setattr(student, flag, parse_flag(raw))
                except ValueError as exc:
                    log.error(file, row, table.name_of(cols[flag]), str(exc))
        student.active = self._active(row, cells)
        return student

    def _active(self, row: int, cells: list[str]) -> bool:
        enroll = self._cell(cells, "enroll_status")
        if enroll is not None and enroll != "":
            try:
                return int(enroll) == 0
            except ValueError:
                self.log.error(
                    self.table.file,
                    row,
                    self.table.name_of(self.columns["enroll_status"]),
                    f"{enroll!r} is not an enrollment status (0 = active)",
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

    def _race(self, cells: list[str]) -> str | None:
        race, ethnicity = self._cell(cells, "race"), self._cell(cells, "ethnicity")
        if race is None and ethnicity is None:
            return None
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

    def _address(self, cells: list[str]) -> dict[str, str]:
        """The student's mailing address, else home address: guardians without their own
        address columns live there."""
        for found in self.address_columns:
            if found["street"] is not None and cells[found["street"]]:
                return {part: cells[i] if i is not None else "" for part, i in found.items()}
        return {}


def _split_name(full: str) -> tuple[str, str]:
    """'García, Ana' -> ('Ana', 'García'); 'Ana María García' -> ('Ana María', 'García')."""
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    parts = full.split()
    if len(parts) < 2:
        return "", full.strip()
    return " ".join(parts[:-1]), parts[-1]


class _GuardianBook:
    """Guardians of the file, one per person: the same parent on each sibling's row (same name
    and the same e-mail, phone or address) is one guardian."""

    def __init__(self, file: str):
        self.file = file
        self._people: list[tuple[RosterGuardian, list[tuple[str, str]]]] = []
        self._links: list[tuple[str, int, str]] = []  # student sis_id, person index, relationship
        self._by_identity: dict[tuple[str, str], int] = {}

    def add(
        self,
        sis_id: str,
        slot: str,
        attrs: dict[str, int],
        cells: list[str],
        home: dict[str, str],
        row: int,
        log: ProblemLog,
    ) -> None:
        values = {attr: cells[i] for attr, i in attrs.items()}
        first, last = values.get("first_name", ""), values.get("last_name", "")
        if not (first or last) and values.get("name"):
            first, last = _split_name(values["name"])
        email, phone = values.get("email", ""), values.get("phone", "")
        if not (first or last or email or phone):
            return
        if email and "@" not in email:
            log.warn(self.file, row, None, f"guardian e-mail {email!r} is not an e-mail address")
        address = (
            {p: values.get(p, "") for p in ("street", "city", "state", "postal_code")}
            if values.get("street")
            else home
        )
        street, postal_code = address.get("street", ""), address.get("postal_code", "")
        identities = _identities(
            first, last, email, phone, street, postal_code, values.get("id", ""), sis_id
        )
        person = next((self._by_identity[i] for i in identities if i in self._by_identity), None)
        facts = {
            "email": email,
            "phone": phone,
            "street": street,
            "city": address.get("city", ""),
            "state": address.get("state", ""),
            "postal_code": postal_code,
            "preferred_language": values.get("language", ""),
            "first_name": first,
            "last_name": last,
        }
        if person is None:
            person = len(self._people)
            self._people.append((RosterGuardian(source_key="", **facts), identities))
        else:  # the same person on a sibling's row: fill in what the earlier row left blank
            guardian, known = self._people[person]
            for attr, value in facts.items():
                if value and not getattr(guardian, attr):
                    setattr(guardian, attr, value)
            known.extend(i for i in identities if i not in known)
        for identity in identities:
            self._by_identity.setdefault(identity, person)
        relationship = values.get("relationship", "") or _default_relationship(slot)
        self._links.append((sis_id, person, relationship))

    def finish(self) -> tuple[dict[str, RosterGuardian], list[tuple[str, str, str]]]:
        """Guardians by a key that does not depend on row order, and the links to them."""
        guardians: dict[str, RosterGuardian] = {}
        keys: list[str] = []
        for guardian, identities in self._people:
            guardian.source_key = _key(min(identities, key=_identity_rank))
            guardians.setdefault(guardian.source_key, guardian)
            keys.append(guardian.source_key)
        links = list(dict.fromkeys((sis, keys[p], rel) for sis, p, rel in self._links))
        return guardians, links


def _identities(
    first: str,
    last: str,
    email: str,
    phone: str,
    street: str,
    postal_code: str,
    contact_id: str,
    sis_id: str,
) -> list[tuple[str, str]]:
    if contact_id:
        return [("id", contact_id)]
    name = fold(f"{first} {last}")
    digits = _NOT_DIGITS.sub("", phone)
    found = [
        (name, x)
        for x in (
            "e:" + email.lower() if email else "",
            "p:" + digits if digits else "",
            "a:" + fold(street) + "|" + postal_code[:5] if street else "",
        )
        if x
    ]
    return found or [(name, "s:" + normalize_id(sis_id))]


def _identity_rank(identity: tuple[str, str]) -> tuple[int, str]:
    # e-mail, then phone, then address, then the student: the most lasting fact names the key.
    return ("id", "e", "p", "a", "s").index(
        identity[1][:1] if identity[0] != "id" else "id"
    ), identity[1]


def _key(identity: tuple[str, str]) -> str:
    """A stable guardian key from who they are, hashed so the key repeats no personal data."""
    if identity[0] == "id":
        return f"sis:{identity[1]}"
    return "sis:" + hashlib.sha256("|".join(identity).encode()).hexdigest()[:24]


def _default_relationship(slot: str) -> str:
    if slot.startswith("mother"):
        return "Mother"
    if slot.startswith("father"):
        return "Father"
    return "Guardian"
