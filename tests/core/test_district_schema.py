"""The district database its migrations build is the one its models describe, indexes included:
a read of one building (the state reports, a school's detail) is served by an index, not a scan
of every record the district holds."""

from __future__ import annotations

from sro_tui.district import open_district_database
from sro_tui.district.models import DISTRICT_MODELS


def test_the_migrated_district_database_matches_its_models(tmp_path):
    db = open_district_database(tmp_path / "district.sqlite3")
    try:
        for model in DISTRICT_MODELS:
            name = model._meta.table_name
            in_db = sorted(c.name for c in db.get_columns(name))
            assert in_db == sorted(f.column_name for f in model._meta.sorted_fields), name
        wanted = set()
        for model in DISTRICT_MODELS:
            for index in model._schema._create_indexes(safe=False):
                wanted.add(db.get_sql_context().sql(index).query()[0].split('"')[1])
        held = {
            name
            for (name,) in db.execute_sql(
                "SELECT name FROM sqlite_master WHERE type='index' AND name NOT LIKE 'sqlite_%'"
            )
        }
        assert wanted <= held
        plan = " ".join(
            str(row[-1])
            for row in db.execute_sql(
                "EXPLAIN QUERY PLAN SELECT data FROM district_record "
                "WHERE school_id = 1 AND school_year = '2026-27' AND kind = 'interventions'"
            )
        )
        assert "USING INDEX" in plan, plan
    finally:
        db.close()
