"""The district's own tables: the schools that send, every merge, and the merged records.

The same models run on SQLite (the default, a file under the user data folder) and PostgreSQL (a
district server), bound through `district_proxy` by `district.database.open_district_database`.
A school may send from several laptops (issue 18): each is a `DistrictLaptop` of its building, and
every kind of school file lands in one table, `DistrictRecord`, keyed by laptop, year, kind and
`record_id` (each laptop's bundle is a complete picture of that laptop's records only); its
`data` is the row as the school sent it (JSON, column -> text), so a new column in a later app
version needs no migration here.
"""

from __future__ import annotations

from peewee import (
    CharField,
    DatabaseProxy,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

district_proxy = DatabaseProxy()


class DistrictModel(Model):
    class Meta:
        database = district_proxy
        legacy_table_names = False


class DistrictSchool(DistrictModel):
    """A building that has sent at least one bundle; its code is bound to it (every laptop of the
    school sends under that code)."""

    code = CharField(unique=True)
    school_record_id = CharField(unique=True)  # the first laptop's school UUID
    name = CharField()
    district = CharField(default="")
    ospi_building_code = CharField(default="")
    county_district_code = CharField(default="")
    school_year = CharField(default="")  # of the newest bundle
    first_merged_at = DateTimeField()
    last_bundle_created_at = DateTimeField()
    last_merged_at = DateTimeField()

    class Meta:
        table_name = "district_school"


class DistrictLaptop(DistrictModel):
    """One laptop of a building (one school database): its id from the bundle, the name it last
    sent under, and when it last sent."""

    school = ForeignKeyField(DistrictSchool, backref="laptops", on_delete="RESTRICT")
    laptop_key = CharField(unique=True)  # the manifest's laptop id
    school_record_id = CharField()  # the School record_id of that laptop's database
    name = CharField()
    first_merged_at = DateTimeField()
    last_bundle_created_at = DateTimeField()
    last_merged_at = DateTimeField()

    class Meta:
        table_name = "district_laptop"


class BundleMerge(DistrictModel):
    """One merged bundle: its hash (the manifest's checksum), when, by whom, and what changed."""

    bundle_hash = CharField(unique=True)
    school = ForeignKeyField(DistrictSchool, backref="merges", on_delete="RESTRICT")
    laptop = ForeignKeyField(DistrictLaptop, backref="merges", on_delete="RESTRICT")
    school_year = CharField()
    created_at = DateTimeField()  # when the school wrote the bundle
    merged_at = DateTimeField()
    merged_by = CharField()
    source = TextField(default="")
    app_version = CharField(default="")
    format_version = IntegerField()
    files = IntegerField(default=0)
    rows = IntegerField(default=0)
    inserted = IntegerField(default=0)
    updated = IntegerField(default=0)
    removed = IntegerField(default=0)
    unchanged = IntegerField(default=0)
    kept_newer = IntegerField(default=0)
    details = TextField(default="{}")  # JSON: kind -> the counts above

    class Meta:
        table_name = "district_merge"


class KindSnapshot(DistrictModel):
    """The newest bundle merged from one laptop for one year and kind of file, and its columns."""

    school = ForeignKeyField(DistrictSchool, backref="snapshots", on_delete="RESTRICT")
    laptop = ForeignKeyField(DistrictLaptop, backref="snapshots", on_delete="RESTRICT")
    school_year = CharField()
    kind = CharField()
    created_at = DateTimeField()
    columns = TextField(default="[]")

    class Meta:
        table_name = "district_snapshot"
        indexes = ((("laptop", "school_year", "kind"), True),)


class DistrictRecord(DistrictModel):
    """One record of one school file; `removed_at` is set when a newer bundle no longer has it."""

    # No index of their own (each costs every insert of a merge): the unique (laptop, year, kind,
    # record_id) index starts with the laptop, and a school's records are its laptops' records.
    school = ForeignKeyField(DistrictSchool, backref="records", on_delete="RESTRICT", index=False)
    laptop = ForeignKeyField(DistrictLaptop, on_delete="RESTRICT", index=False)
    school_year = CharField()
    kind = CharField()
    record_id = CharField()
    updated_at = DateTimeField()
    row_hash = CharField()  # of the values other than updated_at
    data = TextField()
    removed_at = DateTimeField(null=True)
    # The merge that last changed it (never searched by it: no index to keep up on every insert).
    merge = ForeignKeyField(BundleMerge, on_delete="RESTRICT", index=False)

    class Meta:
        table_name = "district_record"
        # School first: every read of a building asks by school, year and kind (migration 0003).
        indexes = ((("school", "school_year", "kind", "laptop", "record_id"), True),)


DISTRICT_MODELS = (DistrictSchool, DistrictLaptop, BundleMerge, KindSnapshot, DistrictRecord)
