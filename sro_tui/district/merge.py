"""Merging school bundles into the district database: verified, all or nothing, idempotent.

For each bundle, in one transaction:

1. The manifest is checked (`exchange.bundle`); a bundle already merged (same bundle hash) changes
   nothing and says so, after its files are checked against their SHA-256.
2. The school and its laptop (issue 18): a code is one building, and each of the school's laptops
   (its own database, named in the manifest) sends under it. A laptop the district has not seen
   joins the building when it is the same school: the same OSPI building code when both have one,
   else the same name; a bundle claiming a known code for another school — or a school database
   known under another code — is refused.
3. Each file is a complete picture of its kind *from that laptop* at the bundle's `created_at`, so
   one laptop's bundle never removes another's records (identity across laptops is read-time:
   `district.identity`). When a newer bundle of that laptop, year and kind was merged before,
   the file is only read and checked: an older bundle never overwrites newer data. Otherwise,
   per `record_id`: a new record is added; a record whose values differ is replaced when its
   `updated_at` is newer (or equal: the newer bundle tells the tie); a record the laptop no
   longer has (removed, or an undone check-in) is marked removed, so the district's counts
   equal the school's.
4. Any problem — a checksum, a row count, a row of another school, a truncated file — rolls the
   whole bundle back and is reported with the file and the reason.

Rows are streamed from the bundle, never held whole; only the keys of the records already held for
that laptop, year and kind are in memory.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from json.encoder import encode_basestring
from pathlib import Path

from peewee import Database, IntegrityError, chunked

from sro_tui.district.database import is_postgres
from sro_tui.district.identity import same_school
from sro_tui.district.models import (
    BundleMerge,
    DistrictLaptop,
    DistrictRecord,
    DistrictSchool,
    KindSnapshot,
)
from sro_tui.exchange.bundle import Bundle, BundleError, BundleManifest, parse_iso_utc
from sro_tui.models import utc_now

COUNTS = ("inserted", "updated", "removed", "unchanged", "kept_newer")
BATCH = 500


class MergeRefused(BundleError):
    """A sound bundle the district will not take (another school's code); nothing changed."""


@dataclass
class MergeResult:
    """What merging one bundle did."""

    path: Path
    school_code: str
    school_name: str
    school_year: str
    bundle_hash: str
    already_merged: bool = False
    merged_at: datetime | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.counts["inserted"] + self.counts["updated"] + self.counts["removed"]

    def summary(self) -> str:
        """One line for the command line and the screen."""
        head = f"{self.school_code} {self.school_year} ({self.path.name})"
        if self.already_merged:
            return f"{head}: already merged on {self.merged_at:%Y-%m-%d %H:%M} UTC; nothing changed"
        c = self.counts
        parts = [f"{c['inserted']} added", f"{c['updated']} updated", f"{c['removed']} removed"]
        if c["kept_newer"]:
            parts.append(f"{c['kept_newer']} older than what the district has (kept the newer)")
        return f"{head}: " + ", ".join(parts) + f", {c['unchanged']} unchanged"

    def changes_by_kind(self) -> list[str]:
        """One line per kind of file that changed: `presentation-students: 9 updated`."""
        lines = []
        for kind, counts in self.by_kind.items():
            parts = [f"{counts[k]} {k}" for k in ("inserted", "updated", "removed") if counts[k]]
            if parts:
                lines.append(f"{kind}: " + ", ".join(parts))
        return lines


class _RecordInserter:
    """New records through one prepared INSERT and the driver's executemany: peewee's insert_many
    builds an expression per cell, which cost two thirds of a 200,000-row merge."""

    COLUMNS = (
        "school_id",
        "laptop_id",
        "school_year",
        "kind",
        "record_id",
        "updated_at",
        "row_hash",
        "data",
        "merge_id",
    )

    def __init__(self, db: Database):
        self.db = db
        self.server = is_postgres(db)
        self.batch = 5000 if self.server else BATCH  # a COPY costs a round trip; rows are cheap
        self.marks = "(" + ", ".join([db.param] * len(self.COLUMNS)) + ")"
        names = ", ".join(f'"{c}"' for c in self.COLUMNS)
        self.head = f'INSERT INTO "{DistrictRecord._meta.table_name}" ({names}) VALUES '
        self.copy_sql = f'COPY "{DistrictRecord._meta.table_name}" ({names}) FROM STDIN'
        # Stored as peewee stores it: text on SQLite, a timestamp on PostgreSQL.
        self.time = (lambda t: t) if self.server else (lambda t: t.isoformat(" "))

    def __call__(self, rows: list[tuple]) -> None:
        if self.server:
            # COPY: PostgreSQL's own bulk load, several times faster than INSERTs of many rows.
            with self.db.cursor().copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            self.db.cursor().executemany(self.head + self.marks, rows)


class _RowEncoder:
    """A row as stored: its JSON object text and the hash of every value but `updated_at`.

    The JSON is put together from pre-encoded keys and the C string encoder (a third of the time
    of `json.dumps` of a dict, on a 200,000-row merge); `updated_at` goes last, so the hash is of
    the text before it."""

    def __init__(self, columns: list[str], updated_at: int):
        self.keys = [encode_basestring(c) + ":" for c in columns]
        self.i = updated_at
        self.last = self.keys.pop(updated_at)

    def __call__(self, values: list[str]) -> tuple[str, str]:
        i = self.i
        others = values[:i] + values[i + 1 :]
        body = ",".join(map(operator.add, self.keys, map(encode_basestring, others)))
        digest = hashlib.blake2b(body.encode("utf-8"), digest_size=16).hexdigest()
        return "{" + body + "," + self.last + encode_basestring(values[i]) + "}", digest


def _lock(query):
    return query.for_update() if is_postgres(DistrictSchool._meta.database.obj) else query


def _bind_school(manifest: BundleManifest, now: datetime) -> tuple[DistrictSchool, DistrictLaptop]:
    school_info = manifest.school
    code, identity = school_info["code"], school_info["record_id"]
    school = _lock(DistrictSchool.select().where(DistrictSchool.code == code)).first()
    laptop = DistrictLaptop.get_or_none(DistrictLaptop.laptop_key == manifest.laptop_id)
    if laptop is not None and laptop.school_id != (school.id if school else None):
        raise MergeRefused(
            f"this laptop ({manifest.laptop_name}) sends for {laptop.school.code} "
            f"({laptop.school.name}), not {code!r}; this bundle is refused"
        )
    if laptop is None:
        other = (
            DistrictLaptop.select()
            .where(DistrictLaptop.school_record_id == identity)
            .where(DistrictLaptop.school != (school.id if school else None))
            .first()
        )
        if other is not None:
            raise MergeRefused(
                f"this school is known to the district as {other.school.code!r}, not {code!r}; "
                "this bundle is refused"
            )
    if school is not None and laptop is None and not same_school(school, school_info):
        raise MergeRefused(
            f"school code {code!r} is already bound to {school.name} (another school); "
            "this bundle is refused"
        )
    if school is None:
        school = DistrictSchool.create(
            code=code,
            school_record_id=identity,
            name=school_info.get("name", code),
            school_year=manifest.school_year,
            first_merged_at=now,
            last_bundle_created_at=manifest.created_at,
            last_merged_at=now,
        )
    if laptop is None:
        laptop = DistrictLaptop.create(
            school=school,
            laptop_key=manifest.laptop_id,
            school_record_id=identity,
            name=manifest.laptop_name,
            first_merged_at=now,
            last_bundle_created_at=manifest.created_at,
            last_merged_at=now,
        )
    if manifest.created_at >= school.last_bundle_created_at:
        school.name = school_info.get("name") or school.name
        school.district = school_info.get("district", "")
        school.ospi_building_code = school_info.get("ospi_building_code", "")
        school.county_district_code = school_info.get("county_district_code", "")
        school.school_year = manifest.school_year
        school.last_bundle_created_at = manifest.created_at
    school.last_merged_at = now
    school.save()
    if manifest.created_at >= laptop.last_bundle_created_at:
        laptop.name = manifest.laptop_name
        laptop.last_bundle_created_at = manifest.created_at
    laptop.last_merged_at = now
    laptop.save()
    return school, laptop


def _merge_file(
    bundle: Bundle, entry, school: DistrictSchool, laptop: DistrictLaptop, merge: BundleMerge
) -> dict:
    manifest = bundle.manifest
    year, kind, created = manifest.school_year, entry.kind, manifest.created_at
    counts = dict.fromkeys(COUNTS, 0)
    snapshot = KindSnapshot.get_or_none(
        KindSnapshot.laptop == laptop, KindSnapshot.school_year == year, KindSnapshot.kind == kind
    )
    if snapshot is not None and created < snapshot.created_at:
        for _values in bundle.rows(entry):  # checked all the same; nothing applied
            counts["kept_newer"] += 1
        return counts
    columns = entry.columns
    i_id, i_updated = columns.index("record_id"), columns.index("updated_at")
    held: dict[str, tuple[int, datetime, str, bool]] = {
        rid: (pk, updated, digest, removed is not None)
        for pk, rid, updated, digest, removed in DistrictRecord.select(
            DistrictRecord.id,
            DistrictRecord.record_id,
            DistrictRecord.updated_at,
            DistrictRecord.row_hash,
            DistrictRecord.removed_at,
        )
        .where(
            DistrictRecord.school == school,
            DistrictRecord.school_year == year,
            DistrictRecord.kind == kind,
            DistrictRecord.laptop == laptop,
        )
        .tuples()
    }
    seen: set[str] = set()
    new_rows: list[tuple] = []
    insert = _RecordInserter(DistrictRecord._meta.database.obj)
    encode = _RowEncoder(columns, i_updated)
    where = f"{bundle.path}: {entry.name}"
    for values in bundle.rows(entry):
        rid = values[i_id]
        if not rid:
            raise BundleError(f"{where}: a row without a record_id")
        if rid in seen:
            raise BundleError(f"{where}: record_id {rid} appears twice")
        seen.add(rid)
        try:
            updated = parse_iso_utc(values[i_updated])
        except ValueError:
            raise BundleError(
                f"{where}: record {rid}: updated_at {values[i_updated]!r} is not a time"
            ) from None
        data, digest = encode(values)
        old = held.get(rid)
        if old is None:
            when = insert.time(updated)
            new_rows.append((school.id, laptop.id, year, kind, rid, when, digest, data, merge.id))
            counts["inserted"] += 1
            if len(new_rows) >= insert.batch:
                insert(new_rows)
                new_rows.clear()
            continue
        pk, held_updated, held_digest, removed = old
        if not removed and digest == held_digest:
            counts["unchanged"] += 1
        elif not removed and updated < held_updated:
            counts["kept_newer"] += 1
        else:
            DistrictRecord.update(
                updated_at=updated, row_hash=digest, data=data, removed_at=None, merge=merge.id
            ).where(DistrictRecord.id == pk).execute()
            counts["updated"] += 1
    if new_rows:
        insert(new_rows)
    gone = [pk for rid, (pk, _u, _d, removed) in held.items() if not removed and rid not in seen]
    for batch in chunked(gone, BATCH):
        DistrictRecord.update(removed_at=created, merge=merge.id).where(
            DistrictRecord.id.in_(batch)
        ).execute()
    counts["removed"] = len(gone)
    if snapshot is None:
        KindSnapshot.create(
            school=school,
            laptop=laptop,
            school_year=year,
            kind=kind,
            created_at=created,
            columns=json.dumps(columns),
        )
    else:
        snapshot.created_at, snapshot.columns = created, json.dumps(columns)
        snapshot.save()
    return counts


def _already_merged(bundle: Bundle, path: Path) -> MergeResult | None:
    manifest = bundle.manifest
    earlier = BundleMerge.get_or_none(BundleMerge.bundle_hash == manifest.bundle_hash)
    if earlier is None:
        return None
    bundle.verify_files()  # a damaged copy of a merged bundle is still refused, not "the same"
    return _result(manifest, path, earlier.merged_at, already_merged=True)


def _result(
    manifest: BundleManifest, path: Path, merged_at: datetime, *, already_merged: bool = False
) -> MergeResult:
    return MergeResult(
        path,
        manifest.school_code,
        manifest.school.get("name", ""),
        manifest.school_year,
        manifest.bundle_hash,
        already_merged=already_merged,
        merged_at=merged_at,
    )


def merge_bundle(
    db: Database, path: Path | str, *, merged_by: str | None = None, now: datetime | None = None
) -> MergeResult:
    """Merge one bundle (folder or .zip) into the open district database, all or nothing.

    Returns what changed (or that the bundle was merged before). Raises `BundleError` (or its
    `MergeRefused`) naming the file and the reason, with nothing changed."""
    path = Path(path)
    merged_by = merged_by or getpass.getuser()
    with Bundle(path) as bundle:
        done = _already_merged(bundle, path)
        if done is not None:
            return done
        now = now or utc_now()
        for attempt in (1, 2):
            try:
                return _merge_once(db, bundle, path, merged_by, now)
            except IntegrityError as exc:
                # Another merge took this bundle, or this school's first bundle, at the same
                # moment: either it is now merged, or one more try finds the school bound.
                done = _already_merged(bundle, path)
                if done is not None:
                    return done
                if attempt == 2:
                    raise BundleError(f"{path}: could not be merged ({exc})") from exc
    raise AssertionError("unreachable")


def _merge_once(
    db: Database, bundle: Bundle, path: Path, merged_by: str, now: datetime
) -> MergeResult:
    manifest = bundle.manifest
    result = _result(manifest, path, now)
    with db.atomic():
        school, laptop = _bind_school(manifest, now)
        # The merge row first: a second copy of this bundle merging at the same moment waits on
        # its unique hash, then finds it taken.
        merge = BundleMerge.create(
            bundle_hash=manifest.bundle_hash,
            school=school,
            laptop=laptop,
            school_year=manifest.school_year,
            created_at=manifest.created_at,
            merged_at=now,
            merged_by=merged_by,
            source=str(path),
            app_version=manifest.app_version,
            format_version=manifest.format_version,
            files=len(manifest.files),
            rows=sum(f.rows for f in manifest.files),
        )
        for entry in manifest.files:
            counts = _merge_file(bundle, entry, school, laptop, merge)
            result.by_kind[entry.kind] = counts
            for key, value in counts.items():
                result.counts[key] += value
        BundleMerge.update(details=json.dumps(result.by_kind), **result.counts).where(
            BundleMerge.id == merge.id
        ).execute()
    return result


def merge_bundles(
    db: Database, paths: Iterable[Path | str], *, merged_by: str | None = None
) -> tuple[list[MergeResult], list[BundleError]]:
    """Merge several bundles, each in its own transaction: (merged, refused)."""
    merged: list[MergeResult] = []
    refused: list[BundleError] = []
    for path in paths:
        try:
            merged.append(merge_bundle(db, path, merged_by=merged_by))
        except BundleError as exc:
            refused.append(exc)
    return merged, refused
