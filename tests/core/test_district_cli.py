"""`sro-tui district …` as a person types it: send, merge, status, files."""

from __future__ import annotations

import json

import pytest

from sro_tui.cli.main import main
from tests.core.test_district_helpers import build_demo_school


@pytest.fixture(scope="module")
def school_db(tmp_path_factory):
    return build_demo_school(tmp_path_factory.mktemp("school") / "school.sqlite3")


def test_send_merge_status_and_files_from_the_command_line(school_db, tmp_path, capsys):
    assert main(["district", "send", "--db", str(school_db), "--to", str(tmp_path / "usb")]) == 0
    out = capsys.readouterr().out
    assert "bundle written to" in out and "presentation-students: 600 row(s)" in out
    district = str(tmp_path / "district.sqlite3")
    assert main(["district", "merge", str(tmp_path / "usb"), "--db", district, "--by", "ana"]) == 0
    assert "1242 added" in capsys.readouterr().out
    assert main(["district", "--db", district, "merge", str(tmp_path / "usb")]) == 0
    assert "already merged" in capsys.readouterr().out
    assert main(["district", "status", "--db", district, "--json"]) == 0
    (school,) = json.loads(capsys.readouterr().out)
    assert (school["code"], school["students"], school["presented_pct"]) == ("PTHS", 600, 90.0)
    assert main(["district", "status", "--db", district]) == 0
    table = capsys.readouterr().out
    assert "PTHS" in table and "█████████░  90%" in table
    assert main(["district", "files", "--db", district, "--out", str(tmp_path / "files")]) == 0
    written = capsys.readouterr().out
    assert written.count("written:") == 12  # ten kinds, the report's text and CSV


def test_a_damaged_bundle_exits_1_with_the_file_and_the_reason(school_db, tmp_path, capsys):
    main(["district", "send", "--db", str(school_db), "--to", str(tmp_path / "usb")])
    (bundle,) = (tmp_path / "usb").iterdir()
    target = bundle / "agreements.csv"
    target.write_bytes(target.read_bytes()[:-10])
    capsys.readouterr()
    district = str(tmp_path / "district.sqlite3")
    assert main(["district", "merge", str(bundle), "--db", district]) == 1
    out = capsys.readouterr().out
    assert "refused, nothing changed" in out and "agreements.csv" in out
    assert main(["district", "status", "--db", district]) == 0
    assert "no school has sent a bundle yet" in capsys.readouterr().out
