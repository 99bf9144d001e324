"""The state reports read the same counts from a district database on PostgreSQL (a real server
these tests start, as tests/core/test_district_postgres.py does)."""

from __future__ import annotations

import pytest

from sro_tui.district import district_state_records, merge_bundle, open_district_database
from sro_tui.reports import crdc_tallies, restraint_summary, student_file_rows
from tests.core.test_district_helpers import drop_district_tables, postgres_server, send_from
from tests.core.test_state_reports import YEAR, _alpha, _beta

pytestmark = pytest.mark.xdist_group("postgres")


def test_postgresql_gives_the_hand_counted_numbers(tmp_path):
    bundles = [
        send_from(_alpha(tmp_path / "alpha.sqlite3"), tmp_path / "out"),
        send_from(_beta(tmp_path / "beta.sqlite3"), tmp_path / "out"),
    ]
    with postgres_server() as url:
        drop_district_tables(url)
        db = open_district_database(url)
        try:
            for sent in bundles:
                merge_bundle(db, sent.path, merged_by="test")
            merged = district_state_records(YEAR)
        finally:
            db.close()
    alpha, beta, total = restraint_summary(merged)
    assert (total.incidents, total.students, total.student_injuries, total.staff_injuries) == (
        5, 4, 1, 2,
    )  # fmt: skip
    tallies = crdc_tallies(merged)
    assert (len(tallies[-1].students["referral"]), len(tallies[-1].students["arrest"])) == (17, 4)
    rows, _warnings = student_file_rows(merged, YEAR)
    assert len(rows) == 6 and rows[0]["S04 SSID"] == "1000000001"
