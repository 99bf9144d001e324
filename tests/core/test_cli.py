"""The `sro-tui` command as a script or the district office would use it."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from sro_tui.cli import build_parser, main
from sro_tui.db import open_database
from sro_tui.records import ensure_current_year, ensure_school, save_staff
from tests.templates import demo_school


@pytest.fixture
def school_db(tmp_path: Path) -> Path:
    path = tmp_path / "school.sqlite3"
    database = open_database(path)
    ensure_school("PTHS", "Port Townsend High School")
    ensure_current_year(date(2026, 11, 28))
    save_staff({"first_name": "Dana", "last_name": "Whitecloud", "kind": "campus_security_officer"})
    database.close()
    return path


def _commands(parser, prefix=()):
    """Every (sub)command path, e.g. ('roster', 'import')."""
    yield prefix
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            for name, sub in action.choices.items():
                yield from _commands(sub, (*prefix, name))


def test_every_command_has_help(capsys):
    paths = list(_commands(build_parser()))
    assert ("roster", "import") in paths and ("status",) in paths
    for path in paths:
        with pytest.raises(SystemExit) as done:
            main([*path, "--help"])
        assert done.value.code == 0
        assert "usage: sro-tui" in capsys.readouterr().out


def test_status_json_reports_the_year_and_counts(school_db: Path, capsys):
    assert main(["status", "--db", str(school_db), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["school_year"] == "2026-27"
    assert status["school_code"] == "PTHS"
    assert status["safety_staff"] == 1
    assert status["active_students"] == 0


def test_db_given_before_the_command_is_kept(school_db: Path, capsys):
    assert main(["--db", str(school_db), "status"]) == 0
    assert "2026-27" in capsys.readouterr().out


def test_environment_variable_chooses_the_database(school_db: Path, monkeypatch, capsys):
    monkeypatch.setenv("SRO_TUI_DB", str(school_db))
    assert main(["status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["school_name"] == "Port Townsend High School"


def test_missing_database_is_bad_data_with_one_line(tmp_path: Path, capsys):
    assert main(["status", "--db", str(tmp_path / "none.sqlite3")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.sqlite3" in err
    assert not (tmp_path / "none.sqlite3").exists()


def test_bad_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as done:
        main(["status", "--no-such-option"])
    assert done.value.code == 2


def test_backup_command_writes_a_readable_copy(school_db: Path, tmp_path: Path, capsys):
    target = tmp_path / "copy.sqlite3"
    assert main(["backup", "--db", str(school_db), str(target)]) == 0
    con = sqlite3.connect(target)
    assert con.execute("SELECT code FROM school").fetchone() == ("PTHS",)
    con.close()


def test_console_script_runs_as_a_process(school_db: Path):
    out = subprocess.run(
        [sys.executable, "-m", "sro_tui.cli", "status", "--db", str(school_db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "Port Townsend High School" in out.stdout


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    return demo_school(tmp_path_factory.mktemp("demo") / "demo.sqlite3")  # the 2026-11-28 demo


def _files(folder: Path) -> dict[str, Path]:
    """Export files by kind: PTHS_<kind>_2026-27_<stamp>.csv -> kind."""
    return {p.name.split("_")[1] + p.suffix: p for p in folder.iterdir()}


def test_every_district_export_is_written_private_and_readable(demo_db: Path, tmp_path: Path):
    from sro_tui.exchange import read_exchange_csv

    out = tmp_path / "for-district"
    commands = [
        ["notices", "export"],
        ["notices", "export", "--pending"],
        ["presentation", "not-presented"],
        ["interventions", "export"],
        ["interventions", "export", "--deidentified"],
        ["agreements", "export"],
        ["complaints", "export"],
        ["report", "annual", "--year", "2026-27"],
    ]
    for command in commands:
        assert main([*command, "--db", str(demo_db), "--out", str(out)]) == 0, command
    files = _files(out)
    for kind in (
        "family-notices.csv",
        "family-notices-pending.csv",
        "not-presented.csv",
        "interventions.csv",
        "interventions-deidentified.csv",
        "agreements.csv",
        "complaints.csv",
        "annual-report.csv",
        "annual-report.txt",
    ):
        assert kind in files, sorted(files)
        assert stat.S_IMODE(files[kind].stat().st_mode) == 0o600
    for path in out.glob("*.csv"):
        exported = read_exchange_csv(path)
        assert exported.columns[:4] == ["record_id", "school_code", "school_year", "updated_at"]
        assert all(row["school_code"] == "PTHS" for row in exported.rows)
    deidentified = read_exchange_csv(files["intervention-students-deidentified.csv"])
    assert not any("name" in column for column in deidentified.columns)
    report = files["annual-report.txt"].read_text(encoding="utf-8")
    assert "Student arrest" in report and "Use of force against a student" in report
    assert "not recorded in this app yet" not in report


def test_export_to_an_unwritable_place_is_one_line_and_no_file(
    demo_db: Path, tmp_path: Path, capsys
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["notices", "export", "--db", str(demo_db), "--out", str(blocker / "x")]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert blocker.read_text() == "not a folder"


def test_unknown_report_year_lists_the_known_ones(demo_db: Path, tmp_path: Path, capsys):
    assert (
        main(
            ["report", "annual", "--year", "1999-00", "--db", str(demo_db), "--out", str(tmp_path)]
        )
        == 1
    )
    assert "2026-27" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_dry_run_or_a_missing_file_creates_no_database(tmp_path: Path, capsys):
    roster = tmp_path / "students.csv"
    roster.write_text("Student ID,Last Name,First Name,Grade\n000123,Núñez,José,9\n", "utf-8")
    never = tmp_path / "typo.sqlite3"
    assert (
        main(["roster", "import", str(roster), "--dry-run", "--db", str(never), "--school", "PTHS"])
        == 0
    )
    assert "1 student would be added" in capsys.readouterr().out
    assert main(["roster", "import", str(tmp_path / "nope.csv"), "--db", str(never)]) == 1
    assert "nope.csv: no such file" in capsys.readouterr().err
    assert not never.exists()


def test_a_partial_roster_does_not_empty_the_school_unasked(demo_db: Path, tmp_path: Path, capsys):
    """A 3-student file against a 600-student school: refused (nothing written) unless the office
    confirms it is the whole roster; guardian links it drops are named before anything is done."""
    from sro_tui.models import Student, StudentGuardian

    demo_db = Path(shutil.copy(demo_db, tmp_path / "copy.sqlite3"))  # the fixture is shared
    database = open_database(demo_db)
    try:
        pair = next(
            s
            for s in Student.select().where(Student.active == True)  # noqa: E712
            if s.guardian_links.count() == 2
        )
        kept, dropped = (link.guardian for link in pair.guardian_links.order_by(StudentGuardian.id))
        others = list(Student.select().where(Student.id != pair.id).limit(2))
        active = Student.select().where(Student.active == True).count()  # noqa: E712
    finally:
        database.close()
    roster = tmp_path / "three.csv"
    roster.write_text(
        "Student ID,Last Name,First Name,Grade,Guardian 1 First Name,Guardian 1 Last Name,"
        "Guardian 1 Email\n"
        f"{pair.sis_id},{pair.last_name},{pair.first_name},{pair.grade},{kept.first_name},"
        f"{kept.last_name},{kept.email}\n"
        + "".join(f"{s.sis_id},{s.last_name},{s.first_name},{s.grade},,,\n" for s in others),
        encoding="utf-8",
    )
    args = ["roster", "import", str(roster), "--db", str(demo_db), "--school", "PTHS"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"leaves out {active - 3} of the {active} students enrolled here" in err
    assert "--confirm-deactivations" in err and "nothing was written" in err
    assert f"no longer linked: {dropped.first_name} {dropped.last_name} — " in err
    assert "guardians on record are not in this file as they were" in err
    database = open_database(demo_db)
    try:
        assert Student.select().where(Student.active == True).count() == active  # noqa: E712
    finally:
        database.close()
    assert main([*args, "--confirm-deactivations"]) == 0
    database = open_database(demo_db)
    try:
        assert Student.select().where(Student.active == True).count() == 3  # noqa: E712
    finally:
        database.close()
