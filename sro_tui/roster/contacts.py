"""A PowerSchool contacts export (Person, StudentContactAssoc, e-mail and phone tables flattened):
one row per contact, and often one per contact × student or contact × phone. Rows are grouped by
contact and joined to the students file by student number (docs/roster-import.md, "Contacts").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sro_tui.roster.csvread import (
    CsvTable,
    ParsedRoster,
    ProblemLog,
    RosterGuardian,
    id_problem,
    parse_flag,
)
from sro_tui.roster.family import split_address
from sro_tui.roster.names import split_full_name
from sro_tui.search import fold, normalize_id

COLUMNS: dict[str, tuple[str, ...]] = {
    "student": (
        "studentnumber",
        "studentsstudentnumber",
        "studentno",
        "studentnum",
        "studentid",
        "sisid",
    ),
    "contact_id": (
        "contactid",
        "personid",
        "contactpersonid",
        "studentcontactid",
        "personcontactid",
        "contactsid",
        "contactnumber",
    ),
    "first_name": ("contactfirstname", "personfirstname", "firstname", "first"),
    "last_name": ("contactlastname", "personlastname", "lastname", "last"),
    "name": ("contactname", "contactfullname", "name", "fullname"),
    "relationship": (
        "relationship",
        "relationshiptype",
        "contactrelationship",
        "relationshiptostudent",
        "relation",
    ),
    "custodial": ("iscustodial", "custodial", "custody", "hascustody"),
    "lives_with": ("liveswith", "isliveswith", "liveswithstudent"),
    "email": ("emailaddress", "email", "contactemail", "primaryemail", "personemail"),
    "phone": ("phonenumber", "phone", "contactphone", "personphone"),
    "phone_type": ("phonetype", "phonenumbertype"),
    # One column per phone type (PowerSchool's flattened exports): Cell_Phone, Home_Phone…
    "cell_phone": ("cellphone", "contactcellphone", "cell"),
    "mobile_phone": ("mobilephone", "contactmobilephone", "mobile"),
    "home_phone": ("homephone", "contacthomephone"),
    "work_phone": ("workphone", "contactworkphone", "businessphone"),
    "phone_preferred": (
        "ispreferred",
        "ispreferredphone",
        "preferredphone",
        "primaryphone",
        "preferred",
        "isprimary",
        "primary",
    ),
    "street": ("street", "streetaddress", "address", "address1", "addressline1"),
    "city": ("city",),
    "state": ("state", "stateprovince"),
    "postal_code": ("postalcode", "zip", "zipcode"),
    "language": ("preferredlanguage", "language", "languagepreference"),
}
# Relationships that make a contact a guardian whatever the flags say.
GUARDIAN_WORDS = (
    "mother",
    "father",
    "parent",
    "guardian",
    "stepmother",
    "stepfather",
    "stepparent",
    "fosterparent",
    "fostermother",
    "fosterfather",
)
_PHONE_RANK = ("mobile", "cell", "home", "work", "")
# The per-type phone columns, in the order one is preferred: cell or mobile, home, then work.
_TYPED_PHONES = (("cell_phone", 0), ("mobile_phone", 0), ("home_phone", 2), ("work_phone", 3))
_FLAG_WORDS = {"1": True, "0": False, "true": True, "false": False, "y": True, "n": False}
_FLAG_WORDS |= {"yes": True, "no": False}


def looks_like_contacts(table: CsvTable) -> bool:
    """A contacts export rather than a students export: a contact ID or contact-name column, or
    a relationship column beside custodial / lives-with flags."""
    keys = set(table.keys)
    if keys & {"contactid", "personid", "contactpersonid", "studentcontactid", "contactfirstname"}:
        return True
    has_flags = bool(keys & {"iscustodial", "custodial", "liveswith", "isliveswith"})
    return has_flags and bool(keys & set(COLUMNS["relationship"]))


@dataclass
class _Contact:
    key: str
    first: str
    last: str
    row: int
    email: str = ""
    phones: list[tuple[int, str]] = field(default_factory=list)  # (rank, number)
    address: dict[str, str] = field(default_factory=dict)
    language: str = ""
    home_phone: str = ""  # the family's, from the students file: used when they have none
    students: dict[str, tuple[str, bool]] = field(default_factory=dict)  # sis -> (rel, guardian)
    # Lives With on the rows where they are a guardian: "No" on some, and never "Yes" or blank.
    said_apart: bool = False
    not_apart: bool = False

    @property
    def lives_apart(self) -> bool:
        return self.said_apart and not self.not_apart


class ContactsCsv:
    """A contacts export, checked; `join` adds its guardians to a parsed students file."""

    def __init__(self, table: CsvTable, log: ProblemLog):
        self.table = table
        self.log = log
        self.cols = {f: table.find(*aliases) for f, aliases in COLUMNS.items()}
        if self.cols["student"] is None:
            raise log.fail(
                table.file,
                1,
                None,
                "no student number column: a contacts export is joined to the students by "
                "the student number (Student_Number)",
            )
        if self.cols["name"] is None and self.cols["last_name"] is None:
            raise log.fail(table.file, 1, None, "no contact name column (First/Last Name)")
        if not looks_like_contacts(table) and table.find("grade", "gradelevel") is not None:
            raise log.fail(
                table.file,
                None,
                None,
                "looks like a students export (it has grades and no contact or relationship "
                "columns): give the students file first and the contacts file with --contacts",
            )

    def column_use(self) -> tuple[list[tuple[str, str]], list[str]]:
        used = {i: f for f, i in self.cols.items() if i is not None}
        file = self.table.file
        return (
            [
                (f"{file}: {self.table.header[i]}", f"contact: {f.replace('_', ' ')}")
                for i, f in sorted(used.items())
            ],
            [f"{file}: {h}" for i, h in enumerate(self.table.header) if h and i not in used],
        )

    def _value(self, cells: list[str], name: str) -> str:
        index = self.cols[name]
        return cells[index] if index is not None else ""

    def _flag(self, cells: list[str], name: str, row: int) -> bool | None:
        index = self.cols[name]
        if index is None or not (raw := cells[index]):
            return None
        known = _FLAG_WORDS.get(raw.lower())
        if known is not None:  # the usual spellings, without parse_flag's work
            return known
        try:
            return parse_flag(raw)
        except ValueError as exc:
            self.log.error(self.table.file, row, self.table.header[self.cols[name]], str(exc))
            return None

    def _is_guardian(self, relationship: str, custodial: bool | None, lives: bool | None) -> bool:
        if custodial or lives:
            return True
        word = fold(relationship).replace(" ", "").replace("-", "")
        if any(word.startswith(w) or word.endswith(w) for w in GUARDIAN_WORDS):
            return True
        # No flags and no relationship at all: the file cannot say; every contact counts.
        return self.cols["custodial"] is None and self.cols["lives_with"] is None and not word

    def join(
        self,
        roster: ParsedRoster,
        addresses: dict[str, dict[str, str]],
        home_phones: dict[str, str] | None = None,
    ) -> None:
        """Replace the roster's guardians with the contacts of its students. `addresses` and
        `home_phones` give each student's home address and family phone (for contacts who live
        with the student and have none of their own)."""
        home_phones = home_phones or {}
        table, log = self.table, self.log
        by_student = {normalize_id(s.sis_id): s for s in roster.students}
        contacts: dict[str, _Contact] = {}
        strangers: list[int] = []
        student_index = self.cols["student"]
        student_col = table.header[student_index]  # type: ignore[index]
        seen: dict[str, object] = {}  # student number as written -> student (or None)
        verdicts: dict[tuple, bool] = {}  # (relationship, custodial, lives with) -> guardian
        for row, cells in table.rows:
            sis = cells[student_index]  # type: ignore[index]
            student = seen.get(sis, False)
            if student is False:
                problem = id_problem(sis)
                if problem:
                    log.error(table.file, row, student_col, problem.replace("student ID", "number"))
                    continue
                student = seen[sis] = by_student.get(normalize_id(sis))
            if student is None:
                strangers.append(row)
                continue
            contact = self._contact(contacts, cells, row, student.last_name)  # type: ignore[attr-defined]
            if contact is None:
                continue
            relationship = self._value(cells, "relationship")
            facts = (
                relationship,
                self._flag(cells, "custodial", row),
                self._flag(cells, "lives_with", row),
            )
            guardian = verdicts.get(facts)
            if guardian is None:
                guardian = verdicts[facts] = self._is_guardian(*facts)
            key = student.sis_id  # type: ignore[attr-defined]
            old = contact.students.get(key)
            # Several rows for the same pair (one per phone): a guardian on any of them counts.
            contact.students[key] = (
                relationship or (old[0] if old else ""),
                guardian or (old[1] if old else False),
            )
            # Only a contact who lives with the student shares the student's address (when the
            # file cannot say, a guardian is taken to): a parent marked as living elsewhere
            # keeps none rather than a wrong one.
            lives = facts[2] if facts[2] is not None else guardian
            if guardian and facts[2] is False:
                contact.said_apart = True
            elif guardian:
                contact.not_apart = True
            if lives and not contact.address and key in addresses:
                contact.address = dict(addresses[key])
            if lives and home_phones.get(key):
                contact.home_phone = contact.home_phone or home_phones[key]
        log.raise_if_errors()
        guardians: dict[str, RosterGuardian] = {}
        links: list[tuple[str, str, str]] = []
        not_guardians = 0
        for contact in contacts.values():
            linked = [(sis, rel) for sis, (rel, is_g) in contact.students.items() if is_g]
            if not linked:
                not_guardians += 1
                continue
            phone = min(contact.phones)[1] if contact.phones else contact.home_phone
            guardians[contact.key] = RosterGuardian(
                source_key=contact.key,
                first_name=contact.first,
                last_name=contact.last,
                email=contact.email,
                phone=phone,
                street=contact.address.get("street", ""),
                city=contact.address.get("city", ""),
                state=contact.address.get("state", ""),
                postal_code=contact.address.get("postal_code", ""),
                preferred_language=contact.language,
                lives_apart=contact.lives_apart,
            )
            links.extend((sis, contact.key, rel or "Guardian") for sis, rel in linked)
        if strangers:
            log.warn(
                table.file,
                strangers[0],
                student_col,
                f"{len(strangers)} contact row(s) name a student number that is not in the "
                "students file (another school, or not enrolled): skipped",
            )
        if not_guardians:
            log.warn(
                table.file,
                None,
                None,
                f"{not_guardians} contact(s) are neither custodial, nor living with the student,"
                " nor a parent or guardian (emergency contacts, doctors…): not imported as "
                "guardians",
            )
        roster.guardians = guardians
        roster.links = list(dict.fromkeys(links))
        roster.families_missing = not guardians
        used, ignored = self.column_use()
        roster.columns_used = [*roster.columns_used, *used]
        roster.columns_ignored = [*roster.columns_ignored, *ignored]

    def _contact(
        self, contacts: dict[str, _Contact], cells: list[str], row: int, student_last: str
    ) -> _Contact | None:
        first, last = self._value(cells, "first_name"), self._value(cells, "last_name")
        if not (first or last):
            first, last = split_full_name(self._value(cells, "name"), (student_last,))
        contact_id = self._value(cells, "contact_id")
        email = self._value(cells, "email")
        if not (first or last):
            if contact_id or email:
                self.log.warn(self.table.file, row, None, "a contact without a name; skipped")
            return None
        if contact_id:
            key = f"contact:{contact_id}"
            if key not in contacts:  # checked once per contact, not on each of their rows
                problem = id_problem(contact_id)
                if problem:
                    column = self.table.header[self.cols["contact_id"]]  # type: ignore[index]
                    self.log.error(
                        self.table.file, row, column, problem.replace("student", "contact")
                    )
                    return None
        else:  # no ID: the same name with the same e-mail (or none) is the same person
            identity = f"{fold(first + ' ' + last)}|{email.lower()}"
            key = "contact:" + hashlib.sha256(identity.encode()).hexdigest()[:24]
        contact = contacts.get(key)
        if contact is None:
            contact = contacts[key] = _Contact(key=key, first=first, last=last, row=row)
        if email and not contact.email:
            contact.email = email
        phone = self._value(cells, "phone")
        if phone:
            kind = fold(self._value(cells, "phone_type"))
            rank = next((i for i, w in enumerate(_PHONE_RANK) if w and w in kind), 4)
            preferred = self._flag(cells, "phone_preferred", row)
            contact.phones.append((-1 if preferred else rank, phone))
        for column, rank in _TYPED_PHONES:
            typed = self._value(cells, column)
            if typed:
                contact.phones.append((rank, typed))
        street = self._value(cells, "street")
        if street and not contact.address:
            contact.address = {
                "street": street,
                "city": self._value(cells, "city"),
                "state": self._value(cells, "state"),
                "postal_code": self._value(cells, "postal_code"),
            }
            if not contact.address["postal_code"]:
                contact.address.update(split_address(street))
        contact.language = contact.language or self._value(cells, "language")
        return contact
