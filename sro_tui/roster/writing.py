"""Writing a compared roster: one prepared statement per table run with executemany, the
households of a school's first guardians, and the student-guardian links. Called inside
apply_import's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from peewee import chunked

from sro_tui.models import (
    School,
    StudentGuardian,
    database_proxy,
    new_record_ids,
)
from sro_tui.roster.compare import Comparison
from sro_tui.roster.households import (
    GuardianFacts,
    HouseholdGroup,
    group_guardians,
    save_households,
)
from sro_tui.search import normalize_id

# One prepared statement per table run with executemany: peewee's insert_many builds SQL value by
# value (~0.1 ms a row), too slow for 5,000 students in a second. Plain SQL that PostgreSQL runs
# too. The values are plain str/int/bool/None/datetime, which is what peewee itself hands the
# driver for these fields.
BATCH = 500


def _columns(model: type, names: list[str]) -> tuple[list, str]:
    fields = [model._meta.fields[n] for n in names]
    return fields, ", ".join(f'"{f.column_name}"' for f in fields)


def insert_steps(
    model: type, columns: Sequence[str], rows: Sequence[Sequence[Any]], now: datetime
) -> list[Callable]:
    """Steps that insert `rows` (values in the order of `columns`; plain lists or tuples, not
    dicts: 100,000 rows of dicts weigh some 60 MB more) BATCH at a time, each with a new
    record_id and the timestamps."""
    if not rows:
        return []
    fields, names = _columns(model, ["record_id", "created_at", "updated_at", *columns])
    marks = ", ".join([database_proxy.param] * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({names}) VALUES ({marks})'

    def step(batch: Sequence[Sequence[Any]]) -> None:
        stamp = now.isoformat(" ")  # the text sqlite3's datetime adapter would write
        ids = new_record_ids(len(batch))
        params = [(rid, stamp, stamp, *row) for rid, row in zip(ids, batch, strict=True)]
        database_proxy.cursor().executemany(sql, params)

    return [lambda b=b: step(b) for b in chunked(rows, BATCH)]


def update_steps(model: type, rows: list[dict[str, Any]], now: datetime) -> list[Callable]:
    """Steps that update `rows` by their "id" (every column they carry but id and school)."""
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


def deactivate_steps(model: type, ids: list[int], now: datetime) -> list[Callable]:
    """Steps that mark the rows with these ids inactive (never deleted)."""
    return [
        lambda b=b: model.update(active=False, updated_at=now).where(model.id.in_(b)).execute()
        for b in chunked(ids, BATCH)
    ]


def file_households(diff: Comparison) -> list[HouseholdGroup]:
    """The households the file's guardians make (the households module's rule, on the file's
    facts): guardian i of the groups is the i-th of `diff.guardian_keys`, which is also the order
    of the inserts when the school has no guardians yet. Kept on the comparison for apply_import."""
    if diff.groups is None:
        students_of: dict[str, list[str]] = defaultdict(list)  # lists: 90,000 sets weigh
        for sis, key, _rel in diff.links:
            students_of[key].append(sis)
        found = diff.file_guardians
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
                    students_of[key],
                    g.lives_apart,
                )
                for i, key in enumerate(diff.guardian_keys)
            ]
        )
    return diff.groups


def households_before_guardians(school: School, diff: Comparison) -> int:
    """For a school with no guardians yet: group the guardians about to be inserted, store the
    households and point each insert row at its household. Returns the number of households.
    The same result as inserting first and calling rebuild_households
    (tests/core/test_households.py checks it)."""
    rows = diff.guardian_inserts  # inserted in this order: position i gets the i-th new id
    groups = file_households(diff)
    household_ids = save_households(school, groups)
    for group in groups:
        for i in group.guardian_ids:
            rows[i][-1] = household_ids[group.key]  # the last column: household
    return len(groups)


def write_links(school: School, diff: Comparison, now: datetime) -> None:
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
    del students, guardians  # 150,000 entries at district scale: not kept while writing
    stale: list[int] = []
    changed: list[dict[str, Any]] = []
    for link_id, sid, gid, rel in database_proxy.execute_sql(
        'SELECT sg."id", sg."student_id", sg."guardian_id", sg."relationship" '
        'FROM "student_guardian" AS sg JOIN "student" AS s ON s."id" = sg."student_id" '
        f'WHERE s."school_id" = {param}',
        (school_id,),
    ):
        if (sid, gid) in wanted:
            new = wanted.pop((sid, gid))
            if new != rel:
                changed.append({"id": link_id, "relationship": new})
        elif gid in removed or (sid in present and not diff.keep_links):
            stale.append(link_id)  # the SIS no longer lists this guardian for this student
    rows = [(sid, gid, rel, True) for (sid, gid), rel in wanted.items()]
    columns = ("student", "guardian", "relationship", "receives_notices")
    for step in (
        *insert_steps(StudentGuardian, columns, rows, now),
        *update_steps(StudentGuardian, changed, now),
    ):
        step()
    for batch in chunked(stale, BATCH):
        StudentGuardian.delete().where(StudentGuardian.id.in_(batch)).execute()
