"""Guardians in a one-row-per-student file: which columns describe which person, and one guardian
per person however many rows and columns name them (see docs/roster-import.md, "Guardians").

A person's own columns (`Mother`, `Mother_Email`, `Guardian 1 First Name`, `Parent Phone`…) attach
to that person. Family columns (`Home_Phone`, PowerSchool's `GuardianEmail`, a contact column with
no name beside it) belong to the household: each guardian of the row without an e-mail or phone of
their own gets the family's. A column block with no name is never a guardian of its own.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

from sro_tui.roster.csvread import CsvTable, ProblemLog, RosterGuardian
from sro_tui.roster.names import read_name_cell, split_full_name
from sro_tui.search import fold, normalize_id

_NOT_DIGITS = re.compile(r"\D")
_SLOT_HEADER = re.compile(
    r"^(parentguardian|parentorguardian|guardian|parent|contact|mother|father)(\d*)([a-z]*?)(\d*)$"
)
_SLOT_SYNONYMS = {"parentguardian": "parent", "parentorguardian": "parent"}
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "name": ("", "name", "fullname", "names"),
    "first_name": ("firstname", "first", "givenname"),
    "last_name": ("lastname", "last", "surname", "familyname"),
    "email": ("email", "emailaddress", "mail", "emails"),
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
        "phones",
    ),
    "language": ("language", "preferredlanguage", "homelanguage", "lang", "languagepreference"),
    "relationship": ("relationship", "relation", "relationshiptype", "type"),
    "street": ("address", "street", "streetaddress", "mailingaddress", "mailingstreet", "address1"),
    "city": ("city", "mailingcity"),
    "state": ("state", "mailingstate"),
    "postal_code": ("zip", "zipcode", "postalcode", "mailingzip"),
    "id": ("id", "sisid", "contactid", "personid", "number"),
}
_ATTRIBUTE_OF = {alias: attr for attr, aliases in ATTRIBUTES.items() for alias in aliases}
_ATTRIBUTE_RANK = {
    alias: rank for aliases in ATTRIBUTES.values() for rank, alias in enumerate(aliases)
}
# Columns for the whole family, not one person.
FAMILY_COLUMNS = {
    "email": ("familyemail", "householdemail", "homeemail"),
    "phone": ("homephone", "familyphone", "householdphone", "homephonenumber", "phonehome"),
}
_PEOPLE = {"name", "first_name", "last_name"}
_CONTACT = {"email", "phone"}


@dataclass
class FamilyLayout:
    """Which columns of a file describe guardians: per person ('mother', 'guardian1', 'parent'),
    and for the whole family."""

    people: dict[str, dict[str, list[int]]]  # slot -> attribute -> column indexes, preferred first
    family: dict[str, list[int]]  # 'email' / 'phone' -> column indexes, first non-empty wins
    purposes: dict[int, str] = field(default_factory=dict)  # column index -> what it is used for

    @property
    def has_people(self) -> bool:
        """The file names guardians at all: without a name column there are no families."""
        return bool(self.people)


def _slot_label(slot: str) -> str:
    match = re.match(r"^([a-z]+)(\d*)$", slot)
    word, number = match.groups() if match else (slot, "")
    return f"{word}{' ' + number if number else ''}"


def family_layout(table: CsvTable) -> FamilyLayout:
    """Find the guardian columns of a one-row-per-student file."""
    slots: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    powerschool = "mother" in table.keys or "father" in table.keys
    family: dict[str, list[int]] = {"email": [], "phone": []}
    purposes: dict[int, str] = {}
    for kind, aliases in FAMILY_COLUMNS.items():
        for alias in aliases:
            index = table.find(alias)
            if index is not None:
                family[kind].append(index)
    if powerschool and table.find("guardianemail") is not None:
        # PowerSchool's legacy GuardianEmail is one e-mail for the family, not a person's.
        family["email"].insert(0, table.find("guardianemail"))  # type: ignore[arg-type]
    taken = {i for indexes in family.values() for i in indexes}
    for index, key in enumerate(table.keys):
        match = _SLOT_HEADER.match(key)
        if not match or index in taken:
            continue
        prefix, number, attribute_key, trailing = match.groups()
        attribute = _ATTRIBUTE_OF.get(attribute_key)
        if attribute is None:
            continue
        slot = f"{_SLOT_SYNONYMS.get(prefix, prefix)}{number or trailing}"
        slots[slot][attribute].append((_ATTRIBUTE_RANK[attribute_key], index))
    people: dict[str, dict[str, list[int]]] = {}
    for slot, attrs in slots.items():
        # Several columns for one thing (Mother_Home_Phone, Mother_Day_Phone): the first filled
        # in, in order of preference.
        found = {a: [i for _r, i in sorted(ranked)] for a, ranked in attrs.items()}
        if _PEOPLE & found.keys():
            people[slot] = found
            for attr, indexes in found.items():
                for i in indexes:
                    purposes[i] = f"{_slot_label(slot)}: {attr.replace('_', ' ')}"
        else:  # e-mail or phone with no name beside it: the family's
            for kind in ("email", "phone"):
                family[kind].extend(found.get(kind, []))
    for kind, indexes in family.items():
        for i in indexes:
            purposes[i] = f"family {'e-mail' if kind == 'email' else 'phone'} (the household's)"
    return FamilyLayout(people=people, family=family, purposes=purposes)


@dataclass(slots=True)
class RowFamily:
    """What one student row says about the family, ready for the GuardianBook."""

    sis_id: str
    student_last: str
    row: int
    address: dict[str, str]
    family_ident: str = ""
    home_language: str = ""


class GuardianBook:
    """Guardians of the file, one per person: the same parent on each sibling's row (same name
    and the same e-mail, phone, address or family number) is one guardian."""

    def __init__(self, file: str, layout: FamilyLayout, log: ProblemLog):
        self.file = file
        self.layout = layout
        self.log = log
        self._people: list[tuple[RosterGuardian, list[tuple[str, str]]]] = []
        self._links: list[tuple[str, int, str]] = []  # student sis_id, person index, relationship
        self._by_identity: dict[str, int] = {}
        self.family_without_guardian: list[int] = []  # rows with a family contact and no name
        self.bad_emails: list[int] = []
        self.other_emails: list[tuple[int, str, str]] = []  # a second e-mail, not kept
        self.other_addresses: list[tuple[int, str, str]] = []  # a second address, not kept
        self.two_in_one: list[tuple[int, str]] = []  # (row, cell) read as two guardians
        self.titled_couples: list[tuple[int, str]] = []  # 'Mr. and Mrs. Brooks', kept whole
        # Per slot: its columns, a getter of the cells that name a person, its e-mail/phone
        # columns, the attributes read from one column each (their names and one getter: a
        # C-level itemgetter, as a file has one row per student) and those read from several
        # (the first filled in wins).
        self._slots = [
            (
                slot,
                attrs,
                _cells_getter([i for a in _PEOPLE & attrs.keys() for i in attrs[a]]),
                [i for a in _CONTACT & attrs.keys() for i in attrs[a]],
                tuple(a for a, ids in attrs.items() if len(ids) == 1),
                _cells_getter([ids[0] for ids in attrs.values() if len(ids) == 1]),
                [(a, ids) for a, ids in attrs.items() if len(ids) > 1],
            )
            for slot, attrs in layout.people.items()
        ]
        self._family_email, self._family_phone = layout.family["email"], layout.family["phone"]
        self._merged: set[int] = set()  # people found again on a later row (several identities)

    def add_row(self, cells: list[str], facts: RowFamily) -> None:
        family_email = next((cells[i] for i in self._family_email if cells[i]), "")
        family_phone = next((cells[i] for i in self._family_phone if cells[i]), "")
        people = []
        for slot, attrs, name_cells, contact_cells, singles, single_cells, several in self._slots:
            if not any(name_cells(cells)):
                # No name in this slot on this row (often a third guardian's empty columns): only
                # its e-mail or phone can matter, as the family's.
                if (not family_email or not family_phone) and any(cells[i] for i in contact_cells):
                    for attr, indexes in attrs.items():
                        if attr in _CONTACT:
                            value = next((cells[i] for i in indexes if cells[i]), "")
                            if attr == "email":
                                family_email = family_email or value
                            else:
                                family_phone = family_phone or value
                continue
            values = dict(zip(singles, single_cells(cells), strict=True))
            for attr, indexes in several:
                values[attr] = next((cells[i] for i in indexes if cells[i]), "")
            first, last = values.get("first_name", ""), values.get("last_name", "")
            if not (first or last) and values.get("name"):
                cell = read_name_cell(values["name"])
                if cell.role and not values.get("relationship"):
                    values = {**values, "relationship": cell.role}
                if cell.titles_only:
                    self.titled_couples.append((facts.row, values["name"]))
                elif len(cell.names) > 1:
                    self.two_in_one.append((facts.row, values["name"]))
                *others, one = cell.names
                for other in others:  # the second person of 'Mary & Tom Ward'
                    people.append((slot, *split_full_name(other, (facts.student_last,)), values))
                first, last = split_full_name(one, (facts.student_last,))
            if not (first or last):
                # A contact without a name on this row: the family's, never a nameless guardian.
                family_email = family_email or values.get("email", "")
                family_phone = family_phone or values.get("phone", "")
                continue
            people.append((slot, first, last, values))
        if not people:
            if family_email or family_phone:
                self.family_without_guardian.append(facts.row)
            return
        for slot, first, last, values in people:
            self._add_person(slot, first, last, values, family_email, family_phone, facts)

    def _add_person(
        self,
        slot: str,
        first: str,
        last: str,
        values: dict[str, str],
        family_email: str,
        family_phone: str,
        facts: RowFamily,
    ) -> None:
        get = values.get
        email = get("email", "") or family_email
        phone = get("phone", "") or family_phone
        if email and "@" not in email:
            self.bad_emails.append(facts.row)
        # The person's own address, else the student's (from the row).
        if not get("street"):
            get = facts.address.get
        street, city = get("street", ""), get("city", "")
        state, postal_code = get("state", ""), get("postal_code", "")
        if street and not postal_code:  # '12 Water St, Port Townsend, WA 98368' in one cell
            parts = split_address(street)
            street = parts["street"]
            city, state = parts.get("city", city), parts.get("state", state)
            postal_code = parts.get("postal_code", postal_code)
        identities = _identities(
            fold(f"{first} {last}"),
            email,
            phone,
            street,
            postal_code,
            values.get("id", ""),
            facts.family_ident,
            facts.sis_id,
        )
        by_identity = self._by_identity
        person = None
        for identity in identities:
            person = by_identity.get(identity)
            if person is not None:
                break
        language = values.get("language", "") or facts.home_language
        if person is None:
            person = len(self._people)
            guardian = RosterGuardian(
                "", first, last, email, phone, street, city, state, postal_code, language
            )
            self._people.append((guardian, identities))
            for identity in identities:
                by_identity[identity] = person  # none of them is known yet
        else:  # the same person on a sibling's row: fill in what the earlier row left blank
            found = {
                "email": email,
                "phone": phone,
                "street": street,
                "city": city,
                "state": state,
                "postal_code": postal_code,
                "preferred_language": language,
                "first_name": first,
                "last_name": last,
            }
            guardian, known = self._people[person]
            if email and guardian.email and email.lower() != guardian.email.lower():
                self.other_emails.append((facts.row, f"{first} {last}".strip(), email))
            if (
                street
                and guardian.street
                and (street != guardian.street or postal_code != guardian.postal_code)
                and _house(street, postal_code) != _house(guardian.street, guardian.postal_code)
            ):
                self.other_addresses.append((facts.row, f"{first} {last}".strip(), street))
            for attr, value in found.items():
                if value and not getattr(guardian, attr):
                    setattr(guardian, attr, value)
            known.extend(i for i in identities if i not in known)
            self._merged.add(person)
            for identity in identities:
                by_identity.setdefault(identity, person)
        relationship = values.get("relationship", "") or default_relationship(slot)
        self._links.append((facts.sis_id, person, relationship))

    def finish(self) -> tuple[dict[str, RosterGuardian], list[tuple[str, str, str]]]:
        """Guardians by a key that does not depend on row order, and the links to them."""
        rows = self.bad_emails
        if rows:
            self.log.warn(
                self.file,
                rows[0],
                None,
                f"{len(rows)} guardian e-mail(s) are not e-mail addresses (rows "
                f"{_rows(rows)}); kept as written",
            )
        rows = self.family_without_guardian
        if rows:
            self.log.warn(
                self.file,
                rows[0],
                None,
                f"{len(rows)} student(s) have a family e-mail or phone but no guardian's name "
                f"(rows {_rows(rows)}): no guardian is made for them; their families are missing",
            )
        for found, what in (
            (self.other_emails, "e-mail"),
            (self.other_addresses, "address"),
        ):
            if found:
                row, name, value = found[0]
                rows = _rows(list(dict.fromkeys(r for r, _n, _v in found)))
                self.log.warn(
                    self.file,
                    row,
                    None,
                    f"{len(found)} guardian(s) have another {what} on a sibling's row than on "
                    f"their first row (rows {rows}; e.g. {name}: {value!r}): the first is kept, "
                    f"one guardian has one {what}"
                    + (
                        "; siblings who live apart share one household and one notice"
                        if what == "address"
                        else ""
                    ),
                )
        found = self.two_in_one
        if found:
            self.log.warn(
                self.file,
                found[0][0],
                None,
                f"{len(found)} guardian name cell(s) hold two people (rows "
                f"{_rows([r for r, _c in found])}; e.g. {found[0][1]!r}): read as two "
                "guardians; check them, and give each one their own columns in the SIS",
            )
        found = self.titled_couples
        if found:
            self.log.warn(
                self.file,
                found[0][0],
                None,
                f"{len(found)} guardian name cell(s) name a couple by title only (rows "
                f"{_rows([r for r, _c in found])}; e.g. {found[0][1]!r}): kept as one guardian "
                "named as written; give each parent's own name in the SIS",
            )
        guardians: dict[str, RosterGuardian] = {}
        keys: list[str] = []
        merged = self._merged
        for person, (guardian, identities) in enumerate(self._people):
            # One row's identities come in rank order, one of each kind: the first is the best.
            best = min(identities, key=_identity_rank) if person in merged else identities[0]
            guardian.source_key = _key(best)
            guardians.setdefault(guardian.source_key, guardian)
            keys.append(guardian.source_key)
        links = list(dict.fromkeys((sis, keys[p], rel) for sis, p, rel in self._links))
        return guardians, links


def _house(street: str, postal_code: str) -> tuple[str, str]:
    """The house number and ZIP: '45 Maple St' and '45 Maple Street, …' are one address,
    '1 Oak St' and '9 Pine St' are two."""
    first = fold(street).split(" ", 1)[0]
    return first, (split_address(street).get("postal_code") or postal_code or "")[:5]


def _rows(rows: list[int], most: int = 12) -> str:
    shown = ", ".join(str(r) for r in rows[:most])
    return shown + (f" and {len(rows) - most} more" if len(rows) > most else "")


_ADDRESS = re.compile(
    r"^(?P<street>.+?),\s*(?P<city>[^,]+?),?\s+(?P<state>[A-Za-z]{2})\.?,?\s+"
    r"(?P<postal_code>\d{5}(?:-\d{4})?)\s*$"
)


def split_address(one_cell: str) -> dict[str, str]:
    """'12 Water St, Port Townsend, WA 98368' -> street, city, state, ZIP (also written on
    several lines); a cell that does not read that way stays whole, on one line, as the street."""
    # A cell typed on several lines (Alt+Enter in Excel) reads as one line, a comma per break.
    flat = ", ".join(" ".join(line.split()) for line in one_cell.splitlines() if line.strip())
    match = _ADDRESS.match(flat)
    if not match:
        return {"street": flat}
    return {k: v.strip() for k, v in match.groupdict().items()}


# An identity is the folded name and one fact, "name|e:email" (fold leaves no "|" in a name), or
# a contact ID: one string each, as a 50,000-student file makes some 350,000 of them.
_CONTACT_ID = "\x00id|"


def _identities(
    name: str,
    email: str,
    phone: str,
    street: str,
    postal_code: str,
    contact_id: str,
    family_ident: str,
    sis_id: str,
) -> list[str]:
    if contact_id:
        return [_CONTACT_ID + contact_id]
    # In the order of _identity_rank, one of each kind (GuardianBook.finish relies on it).
    found = []
    if email:
        found.append(f"{name}|e:{email.lower()}")
    if phone and (digits := _NOT_DIGITS.sub("", phone)):
        found.append(f"{name}|p:{digits}")
    if street:
        found.append(f"{name}|a:{fold(street)}|{postal_code[:5]}")
    if family_ident:
        found.append(f"{name}|f:{family_ident}")
    return found or [f"{name}|s:{normalize_id(sis_id)}"]


def _cells_getter(indexes: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """The cells at `indexes` of a row, as a tuple, in one C call."""
    if len(indexes) == 1:
        only = indexes[0]
        return lambda cells: (cells[only],)
    if not indexes:
        return lambda cells: ()
    return itemgetter(*indexes)  # type: ignore[return-value]


def _identity_rank(identity: str) -> tuple[int, str]:
    # e-mail, then phone, address, family number, then the student: the most lasting fact names
    # the key (an order kept from earlier versions, so re-imports find the same guardians).
    if identity.startswith(_CONTACT_ID):
        return 0, identity[len(_CONTACT_ID) :]
    fact = identity.partition("|")[2]
    return _FACT_RANK[fact[:1]], fact


_FACT_RANK = {"e": 1, "p": 2, "a": 3, "f": 4, "s": 5}  # after a contact ID (0)


def _key(identity: str) -> str:
    """A stable guardian key from who they are, hashed so the key repeats no personal data."""
    if identity.startswith(_CONTACT_ID):
        return f"sis:{identity[len(_CONTACT_ID) :]}"
    return "sis:" + hashlib.sha256(identity.encode()).hexdigest()[:24]


def default_relationship(slot: str) -> str:
    if slot.startswith("mother"):
        return "Mother"
    if slot.startswith("father"):
        return "Father"
    return "Guardian"
