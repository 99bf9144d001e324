"""One school, several laptops (issue 18): a laptop table, and every merge, snapshot and record
keyed by the laptop that sent it.

Frozen like 0001 (plain SQL the same on SQLite and PostgreSQL). Each school already merged gets one
laptop: the school's own identity (what its bundles carried), named "unnamed laptop"; its merges,
snapshots and records become that laptop's.
"""

from peewee import CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class DistrictSchool(Base):
        code = CharField(unique=True)

        class Meta:
            table_name = "district_school"

    class DistrictLaptop(Base):
        school = ForeignKeyField(DistrictSchool, on_delete="RESTRICT")
        laptop_key = CharField(unique=True)
        school_record_id = CharField()
        name = CharField()
        first_merged_at = DateTimeField()
        last_bundle_created_at = DateTimeField()
        last_merged_at = DateTimeField()

        class Meta:
            table_name = "district_laptop"

    db.create_tables([DistrictLaptop])
    tables = ("district_merge", "district_snapshot", "district_record")
    for table in tables:
        db.execute_sql(
            f'ALTER TABLE "{table}" ADD COLUMN "laptop_id" INTEGER '
            'REFERENCES "district_laptop" ("id") ON DELETE RESTRICT'
        )
    db.execute_sql(
        'INSERT INTO "district_laptop" ("school_id", "laptop_key", "school_record_id", "name", '
        '"first_merged_at", "last_bundle_created_at", "last_merged_at") '
        f'SELECT "id", "school_record_id", "school_record_id", {db.param}, "first_merged_at", '
        '"last_bundle_created_at", "last_merged_at" FROM "district_school"',
        ("unnamed laptop",),
    )
    for table in tables:
        db.execute_sql(
            f'UPDATE "{table}" SET "laptop_id" = (SELECT l."id" FROM "district_laptop" l '
            f'WHERE l."school_id" = "{table}"."school_id")'
        )
    db.execute_sql('DROP INDEX "district_snapshot_school_id_school_year_kind"')
    db.execute_sql('DROP INDEX "district_record_school_id_school_year_kind_record_id"')
    for sql in (
        'CREATE UNIQUE INDEX "district_snapshot_laptop_id_school_year_kind" '
        'ON "district_snapshot" ("laptop_id", "school_year", "kind")',
        'CREATE UNIQUE INDEX "district_record_laptop_id_school_year_kind_record_id" '
        'ON "district_record" ("laptop_id", "school_year", "kind", "record_id")',
        'CREATE INDEX "district_merge_laptop_id" ON "district_merge" ("laptop_id")',
        'CREATE INDEX "district_snapshot_laptop_id" ON "district_snapshot" ("laptop_id")',
    ):
        db.execute_sql(sql)


def down(migrator, db):
    for sql in (
        'DROP INDEX "district_snapshot_laptop_id"',
        'DROP INDEX "district_merge_laptop_id"',
        'DROP INDEX "district_record_laptop_id_school_year_kind_record_id"',
        'DROP INDEX "district_snapshot_laptop_id_school_year_kind"',
        'CREATE UNIQUE INDEX "district_record_school_id_school_year_kind_record_id" '
        'ON "district_record" ("school_id", "school_year", "kind", "record_id")',
        'CREATE UNIQUE INDEX "district_snapshot_school_id_school_year_kind" '
        'ON "district_snapshot" ("school_id", "school_year", "kind")',
    ):
        db.execute_sql(sql)
    for table in ("district_record", "district_snapshot", "district_merge"):
        db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "laptop_id"')
    db.execute_sql('DROP TABLE "district_laptop"')
