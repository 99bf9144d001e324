"""Households: the families that get one notice together.

The grouping rule (also in the README and shown on the Families screen):
1. Guardians who share a mailing address (same street and ZIP, ignoring case, accents and
   punctuation) are one household, whichever students they are linked to. Siblings living with the
   same parent therefore share one household and one notice.
2. A guardian with no address on file joins the household of the other guardians of their students
   when those guardians all live at one address; otherwise the guardians without an address who
   share a student form a household of their own.
3. Guardians of the same student at different addresses are different households: a student whose
   parents live apart belongs to two households, and both get the notice. So is a guardian the
   roster says lives apart from their students (a contacts export's "Lives With: No") who has no
   address on file: a household of their own, not joined by rule 2.
Students with no guardian on file belong to no household; the notice screens list them apart.

Household keys are derived from the address or the guardians' source keys, so re-importing the
roster finds the same household again and the notices recorded for it still count.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Hashable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from peewee import chunked

from sro_tui.models import (
    Guardian,
    Household,
    School,
    database_proxy,
    new_record_ids,
    utc_now,
)
from sro_tui.roster.names import without_suffix
from sro_tui.search import fold

_ZIP = re.compile(r"\d{5}")


def address_key(street: str, postal_code: str) -> str:
    """'12 Main St.' + '98368-1234' -> '12 main st|98368'; '' when there is no usable address."""
    street_folded = fold(street)
    if not street_folded:
        return ""
    zip_match = _ZIP.search(postal_code or "")
    return f"{street_folded}|{zip_match.group(0) if zip_match else fold(postal_code)}"


@dataclass(slots=True)
class GuardianFacts:
    guardian_id: int
    source_key: str
    last_name: str
    street: str
    city: str
    state: str
    postal_code: str
    student_ids: Collection[Hashable]  # the students they are linked to (ids or SIS IDs)
    lives_apart: bool = False  # rule 3: not joined to another household for want of an address


@dataclass(slots=True)
class HouseholdGroup:
    key: str
    guardian_ids: list[int]
    label: str
    address: str


def group_guardians(guardians: list[GuardianFacts]) -> list[HouseholdGroup]:
    """Apply the grouping rule above to plain facts (pure: no database)."""
    facts = {g.guardian_id: g for g in guardians}
    # Guardians of one home share its street and ZIP: each pair is folded once.
    address_keys: dict[tuple[str, str], str] = {}
    home: dict[int, str] = {}
    by_address: dict[str, list[int]] = defaultdict(list)
    by_student: dict[Hashable, list[int]] = defaultdict(list)
    for g in guardians:
        gid, pair = g.guardian_id, (g.street, g.postal_code)
        address = address_keys.get(pair)
        if address is None:
            address = address_keys[pair] = address_key(*pair)
        home[gid] = address
        if address:
            by_address[address].append(gid)
        for sid in g.student_ids:
            by_student[sid].append(gid)
    # Union-find. Which guardian is a set's root does not matter: the groups are sorted below.
    parent = {gid: gid for gid in facts}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for ids in by_address.values():  # still apart: each joins the address's first guardian
        first_id = ids[0]
        for other in ids[1:]:
            parent[other] = first_id
    apart = {g.guardian_id for g in guardians if g.lives_apart}
    for g in guardians:
        if home[g.guardian_id] or g.guardian_id in apart:
            continue
        # Not those living apart from the students: their address is not the students' home.
        co_guardians = [
            o
            for sid in g.student_ids
            for o in by_student[sid]
            if o != g.guardian_id and o not in apart
        ]
        addresses = {home[o] for o in co_guardians} - {""}
        if len(addresses) == 1:
            union(g.guardian_id, by_address[addresses.pop()][0])
        else:
            for o in co_guardians:
                if not home[o]:
                    union(g.guardian_id, o)
    members: dict[int, list[int]] = defaultdict(list)
    for gid in facts:
        root = parent[gid]
        members[root if parent[root] == root else find(gid)].append(gid)
    family_names: dict[str, str] = {}  # last name -> without Jr., Sr. (siblings' share one)
    groups = []
    for ids in members.values():
        ids.sort()
        first = None
        for i in ids:
            if home[i]:
                first = facts[i]
                break
        if first is not None:
            key = "addr:" + home[first.guardian_id]
            # 'Street, City, ST ZIP', leaving out what is blank
            city, state, postal_code = first.city, first.state, first.postal_code
            street = first.street
            parts = [city + ","] if city else []
            if state:
                parts.append(state)
            if postal_code:
                parts.append(postal_code)
            city_line = " ".join(parts).rstrip(",")
            address = (street + ", " + city_line if city_line else street) if street else city_line
        else:
            key = "guardian:" + min(facts[i].source_key for i in ids)
            address = ""
        names: list[str] = []
        for i in ids:
            # 'Whitehorse Sr.' and 'Whitehorse' are one family name in the label
            last_name = facts[i].last_name
            last = family_names.get(last_name)
            if last is None:
                last = family_names[last_name] = without_suffix(last_name)
            if last and last not in names:
                names.append(last)
        label = (" / ".join(names[:3]) or "Unnamed") + " household"
        groups.append(HouseholdGroup(key, ids, label, address))
    groups.sort(key=attrgetter("key"))
    return groups


def rebuild_households(school: School) -> int:
    """Regroup the school's active guardians into households and store the result.

    Existing households are kept by key (notices point at them); households left with no guardian
    are marked inactive, never deleted. Returns the number of active households. Call it inside the
    transaction that changed the guardians. Written in bulk (a handful of statements whatever the
    school's size): a per-household query made a 5,000-student import take seconds.
    """
    # Plain SQL for the two reads: peewee's row objects cost more than the grouping itself.
    param = database_proxy.param
    links: dict[int, set[int]] = defaultdict(set)
    for student_id, guardian_id in database_proxy.execute_sql(
        'SELECT sg."student_id", sg."guardian_id" FROM "student_guardian" AS sg '
        'JOIN "guardian" AS g ON g."id" = sg."guardian_id" '
        f'WHERE g."school_id" = {param} AND g."active" = {param}',
        (school.id, True),
    ):
        links[guardian_id].add(student_id)
    rows = database_proxy.execute_sql(
        'SELECT "id", "source_key", "last_name", "street", "city", "state", "postal_code", '
        '"household_id", "lives_apart" FROM "guardian" '
        f'WHERE "school_id" = {param} AND "active" = {param}',
        (school.id, True),
    ).fetchall()
    current_household = {row[0]: row[7] for row in rows}
    groups = group_guardians(
        [
            GuardianFacts(
                gid, key, last, street, city, state, postal, frozenset(links[gid]), bool(apart)
            )
            for gid, key, last, street, city, state, postal, _household, apart in rows
        ]
    )
    with database_proxy.atomic():
        household_ids = save_households(school, groups)
        moves = [
            (household_ids[g.key], gid)
            for g in groups
            for gid in g.guardian_ids
            if current_household.get(gid) != household_ids[g.key]
        ]
        if moves:
            _move_guardians(database_proxy.cursor(), moves)
        Guardian.update(household=None).where(
            Guardian.school == school,
            Guardian.active == False,  # noqa: E712
        ).execute()
    return len(groups)


def save_households(school: School, groups: list[HouseholdGroup]) -> dict[str, int]:
    """Store the school's households as `groups` says, by key: new ones inserted, changed labels
    and addresses updated, households no group names any more marked inactive (never deleted:
    notices point at them). Returns each group's household id by key. Guardians are not touched:
    the caller points them at their household. Call inside a transaction."""
    param = database_proxy.param
    with database_proxy.atomic():
        existing = {
            key: (hid, label, address, bool(active))
            for hid, key, label, address, active in database_proxy.execute_sql(
                'SELECT "id", "key", "label", "address", "active" FROM "household" '
                f'WHERE "school_id" = {param}',
                (school.id,),
            )
        }
        now = utc_now()
        stamp = now.isoformat(" ")  # the text sqlite3's datetime adapter would write
        cursor = database_proxy.cursor()
        fresh = [g for g in groups if g.key not in existing]
        if fresh:
            cursor.executemany(
                'INSERT INTO "household" ("record_id", "created_at", "updated_at", "school_id", '
                f'"key", "label", "address", "active") VALUES ({", ".join([param] * 8)})',
                [
                    (rid, stamp, stamp, school.id, g.key, g.label, g.address, True)
                    for rid, g in zip(new_record_ids(len(fresh)), fresh, strict=True)
                ],
            )
            new_keys = {g.key for g in fresh}
            for hid, key in database_proxy.execute_sql(
                f'SELECT "id", "key" FROM "household" WHERE "school_id" = {param}', (school.id,)
            ):
                if key in new_keys:
                    existing[key] = (hid, None, None, None)
        changed = [
            (g.label, g.address, True, stamp, existing[g.key][0])
            for g in groups
            if existing[g.key][1] is not None and existing[g.key][1:] != (g.label, g.address, True)
        ]
        if changed:
            cursor.executemany(
                f'UPDATE "household" SET "label" = {param}, "address" = {param}, '
                f'"active" = {param}, "updated_at" = {param} WHERE "id" = {param}',
                changed,
            )
        seen = {g.key for g in groups}
        stale = [v[0] for key, v in existing.items() if key not in seen and v[3]]
        for batch in chunked(stale, 500):
            Household.update(active=False, updated_at=now).where(Household.id.in_(batch)).execute()
    return {g.key: existing[g.key][0] for g in groups}


def _move_guardians(cursor: Any, moves: list[tuple[int, int]]) -> None:
    """Set guardian.household_id for (household id, guardian id) pairs.

    Through a temporary table and one UPDATE: after a first import every guardian moves, and one
    UPDATE statement per guardian took twice as long as this.
    """
    param = database_proxy.param
    cursor.execute(
        'CREATE TEMP TABLE "household_move" ("guardian_id" INTEGER PRIMARY KEY, "household_id" '
        "INTEGER NOT NULL)"
    )
    try:
        cursor.executemany(
            'INSERT INTO "household_move" ("household_id", "guardian_id") '
            f"VALUES ({param}, {param})",
            moves,
        )
        cursor.execute(
            'UPDATE "guardian" SET "household_id" = (SELECT m."household_id" FROM "household_move" '
            'AS m WHERE m."guardian_id" = "guardian"."id") '
            'WHERE "id" IN (SELECT "guardian_id" FROM "household_move")'
        )
    finally:
        cursor.execute('DROP TABLE "household_move"')
