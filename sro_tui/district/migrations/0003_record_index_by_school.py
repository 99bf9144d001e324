"""The district's records indexed by school first (after issue 18).

0002 keyed each record by the laptop that sent it and replaced the school-first unique index with a
laptop-first one. Every read of a building (the state reports, a school's detail) asks by school,
year and kind, and without a school-first index each of them scanned the whole table: the state
reports of 50 buildings took 4 s instead of 1. A laptop belongs to one school, so one unique index
on (school, year, kind, laptop, record_id) keeps the same rule and serves both the merge (which
knows the school and the laptop) and the reads.

Frozen like 0001 (plain SQL the same on SQLite and PostgreSQL).
"""


def up(migrator, db):
    db.execute_sql('DROP INDEX "district_record_laptop_id_school_year_kind_record_id"')
    db.execute_sql(
        'CREATE UNIQUE INDEX "district_record_school_id_school_year_kind_laptop_id_record_id" '
        'ON "district_record" ("school_id", "school_year", "kind", "laptop_id", "record_id")'
    )


def down(migrator, db):
    db.execute_sql('DROP INDEX "district_record_school_id_school_year_kind_laptop_id_record_id"')
    db.execute_sql(
        'CREATE UNIQUE INDEX "district_record_laptop_id_school_year_kind_record_id" '
        'ON "district_record" ("laptop_id", "school_year", "kind", "record_id")'
    )
