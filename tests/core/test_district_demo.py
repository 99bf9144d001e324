"""`sro-tui district demo --laptops`, as a new user tries issue 18: one school kept on two
laptops (the front office, the principal) is one building at the district, and its state reports
are filled in (the OSPI codes and the made-up SSIDs of the four-school demo's first building)."""

from __future__ import annotations

import csv

import pytest

from sro_tui.cli.main import main

pytestmark = pytest.mark.slow


def test_the_laptops_demo_is_one_building_with_its_state_ids(tmp_path, capsys):
    district = tmp_path / "district.sqlite3"
    kept = tmp_path / "schools"
    args = ["district", "demo", "--db", str(district), "--out", str(tmp_path / "out")]
    assert main([*args, "--laptops", "--schools", "1", "--keep-schools", str(kept)]) == 0
    assert sorted(p.name for p in kept.iterdir()) == [
        "PTHS-office.sqlite3",
        "PTHS-principal.sqlite3",
    ]

    capsys.readouterr()
    assert main(["district", "status", "--db", str(district), "--json"]) == 0
    status = capsys.readouterr().out
    assert status.count('"code": "PTHS"') == 1
    assert "Front office" in status and "Principal" in status

    out = tmp_path / "reports"
    assert main(["report", "restraint", "--district", str(district), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "S02" not in err and "S04" not in err and "S05" not in err  # no field left empty
    (s_file,) = out.glob("students-restrained-or-isolated_*_NOT-FOR-PUBLICATION.csv")
    rows = list(csv.DictReader(s_file.open(encoding="utf-8-sig")))
    assert rows
    for row in rows:
        assert row["S02 County District Code"] == "16050"
        assert row["S05 Location ID"] == "3021"
        assert len(row["S04 SSID"]) == 10 and row["S04 SSID"].startswith("900")
