"""The district database's first tables (issue 14): schools, merges, snapshots, records.

Frozen copies of the models as they were, independent of sro_tui.district.models (the
playhouse.migrations convention), so later changes to the models never change this step.
"""

from peewee import (
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class DistrictSchool(Base):
        code = CharField(unique=True)
        school_record_id = CharField(unique=True)
        name = CharField()
        district = CharField(default="")
        ospi_building_code = CharField(default="")
        county_district_code = CharField(default="")
        school_year = CharField(default="")
        first_merged_at = DateTimeField()
        last_bundle_created_at = DateTimeField()
        last_merged_at = DateTimeField()

        class Meta:
            table_name = "district_school"

    class BundleMerge(Base):
        bundle_hash = CharField(unique=True)
        school = ForeignKeyField(DistrictSchool, on_delete="RESTRICT")
        school_year = CharField()
        created_at = DateTimeField()
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
        details = TextField(default="{}")

        class Meta:
            table_name = "district_merge"

    class KindSnapshot(Base):
        school = ForeignKeyField(DistrictSchool, on_delete="RESTRICT")
        school_year = CharField()
        kind = CharField()
        created_at = DateTimeField()
        columns = TextField(default="[]")

        class Meta:
            table_name = "district_snapshot"
            indexes = ((("school", "school_year", "kind"), True),)

    class DistrictRecord(Base):
        school = ForeignKeyField(DistrictSchool, on_delete="RESTRICT", index=False)
        school_year = CharField()
        kind = CharField()
        record_id = CharField()
        updated_at = DateTimeField()
        row_hash = CharField()
        data = TextField()
        removed_at = DateTimeField(null=True)
        merge = ForeignKeyField(BundleMerge, on_delete="RESTRICT", index=False)

        class Meta:
            table_name = "district_record"
            indexes = ((("school", "school_year", "kind", "record_id"), True),)

    db.create_tables([DistrictSchool, BundleMerge, KindSnapshot, DistrictRecord])


def down(migrator, db):
    for table in ("district_record", "district_snapshot", "district_merge", "district_school"):
        db.execute_sql(f"DROP TABLE {table}")
