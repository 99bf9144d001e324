"""Who is who across a school's laptops (issue 18; the rule is in ARCHITECTURE.md, "Identity").

Each laptop keeps its own database, and each gives the students and households it imports its own
`record_id`. So the district matches people and places by what the school's SIS says, and records
made on a laptop by their `record_id`:

- a **student** by the school code and SIS id, and by the state SSID when a laptop sends one: two
  rows that share either are the same student;
- a **household** by its key (the roster's own keys or the household rule, the same on every
  laptop that imported the same roster), else by the SIS ids of its students;
- a **safety staff member** by record_id, and by name and kind (each laptop enters them itself);
- an **agreement** by record_id, and by provider (one agreement per provider and year);
- everything else created on a laptop (a request and its parts, a complaint, a report figure) by
  its `record_id`.

Rows of one identity are combined into one: a student presented on any laptop is presented, a
household notified on any laptop is notified, otherwise the newest row stands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

Row = dict[str, str]


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


class _Building(Protocol):
    name: str
    ospi_building_code: str


def same_school(known: _Building, school_info: dict[str, str]) -> bool:
    """Is a bundle's school (its manifest's `school`) the building known here (the district's
    building, or this laptop's school) under the same code? The same OSPI building code when both
    have one, else the same name (case and spaces aside)."""
    theirs = school_info.get("ospi_building_code", "").strip()
    if theirs and known.ospi_building_code:
        return theirs == known.ospi_building_code
    return _fold(school_info.get("name", "")) == _fold(known.name)


def _student_keys(row: Row) -> list[str]:
    keys = [f"sis:{row.get('sis_id', '')}"] if row.get("sis_id") else []
    if row.get("ssid"):
        keys.append(f"ssid:{row['ssid']}")
    return keys


def _household_keys(row: Row) -> list[str]:
    if row.get("household_key"):
        return [f"household:{row['household_key']}"]
    ids = sorted(i.strip() for i in row.get("student_ids", "").split(";") if i.strip())
    return ["students:" + ";".join(ids)] if ids else []


def _staff_keys(row: Row) -> list[str]:
    name = _fold(row.get("staff_name", ""))
    return [f"staff:{name}|{row.get('staff_kind', '')}"] if name else []


def _agreement_keys(row: Row) -> list[str]:
    name = _fold(row.get("provider_name", ""))
    return [f"provider:{name}"] if name else []


KEYS: dict[str, Callable[[Row], list[str]]] = {
    "presentation-students": _student_keys,
    "family-notices": _household_keys,
    "training": _staff_keys,
    "agreements": _agreement_keys,
}


def identity_keys(kind: str, row: Row) -> list[str]:
    """Every key that names the same person, place or record as `row` on another laptop."""
    return [f"record:{row.get('record_id', '')}", *KEYS.get(kind, lambda _r: [])(row)]


def _newest(rows: list[Row]) -> Row:
    return max(rows, key=lambda r: r.get("updated_at", ""))


def _presented(rows: list[Row]) -> Row:
    yes = [r for r in rows if r.get("presented") == "yes"]
    if not yes:
        return _newest(rows)
    return min(yes, key=lambda r: r.get("presented_at", ""))  # the first time counts


def _notified(rows: list[Row]) -> Row:
    done = [r for r in rows if r.get("notice_status") == "Notified"]
    return _newest(done or rows)


COMBINE: dict[str, Callable[[list[Row]], Row]] = {
    "presentation-students": _presented,
    "family-notices": _notified,
}


def combine_rows(kind: str, rows: list[Row]) -> Row:
    """One row for rows of one identity from several laptops (see the module)."""
    return rows[0] if len(rows) == 1 else COMBINE.get(kind, _newest)(rows)


def group_rows(kind: str, rows: Iterable[Row]) -> list[list[Row]]:
    """The rows grouped by identity (any shared key joins two groups), in first-seen order."""
    parent: list[int] = []
    owner: dict[str, int] = {}
    items: list[Row] = []

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row in rows:
        i = len(items)
        items.append(row)
        parent.append(i)
        for key in identity_keys(kind, row):
            j = owner.setdefault(key, i)
            if j != i:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[Row]] = {}
    for i, row in enumerate(items):
        groups.setdefault(find(i), []).append(row)
    return list(groups.values())


def one_row_each(kind: str, rows: Iterable[Row]) -> list[Row]:
    """One combined row per identity."""
    return [combine_rows(kind, group) for group in group_rows(kind, rows)]
