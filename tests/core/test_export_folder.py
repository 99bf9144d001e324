"""One export folder: the default under the documents folder, the school's setting, --out wins;
shown by `sro-tui status`; and the error log beside the database."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest
from platformdirs import user_documents_path

from sro_tui.cli import main
from sro_tui.db import open_database
from sro_tui.models import AuditEvent
from sro_tui.paths import append_private_text, append_to_log, default_export_dir, log_path
from sro_tui.records import (
    ValidationError,
    ensure_current_year,
    ensure_school,
    export_folder,
    set_export_folder,
)
from sro_tui.reports import full_status


def test_the_default_is_one_folder_in_the_documents_folder():
    assert default_export_dir() == user_documents_path() / "sro-tui exports"


def test_the_setting_is_kept_across_a_restart_and_audited(db_path: Path, tmp_path: Path):
    database = open_database(db_path)
    assert export_folder(tmp_path / "default") == tmp_path / "default"
    saved = set_export_folder(f"  '{tmp_path / 'for district'}'  ")
    assert saved == tmp_path / "for district"
    assert not saved.exists()  # made by the first export, not by choosing it
    database.close()
    database = open_database(db_path)
    try:
        assert export_folder(tmp_path / "default") == tmp_path / "for district"
        event = AuditEvent.get(AuditEvent.record_id == "export_folder")
        assert str(tmp_path / "for district") in event.after
    finally:
        database.close()


def test_a_file_or_nothing_is_refused_and_nothing_changes(db, tmp_path: Path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    set_export_folder(tmp_path / "first")
    for bad in (a_file, "", "  "):
        with pytest.raises(ValidationError) as refused:
            set_export_folder(bad)
        assert "export_folder" in refused.value.problems
    assert export_folder(tmp_path / "default") == tmp_path / "first"


def test_home_is_expanded(db, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert set_export_folder("~/exports") == tmp_path / "exports"


def test_status_carries_the_folder_when_asked(school, tmp_path: Path):
    assert "export_folder" not in full_status()
    assert full_status(tmp_path / "d")["export_folder"] == str(tmp_path / "d")
    set_export_folder(tmp_path / "chosen")
    assert full_status(tmp_path / "d")["export_folder"] == str(tmp_path / "chosen")


def test_the_log_is_beside_the_database_private_and_appended(tmp_path: Path):
    log = log_path(tmp_path / "school.sqlite3")
    assert log == tmp_path / "sro-tui.log"
    append_private_text(log, "first\n")
    append_private_text(log, "second\n")
    assert log.read_text() == "first\nsecond\n"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_the_log_is_rotated_once_it_is_large_keeping_one_older_file(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("sro_tui.paths.LOG_KEEP_BYTES", 100)
    log = log_path(tmp_path / "school.sqlite3")
    for n in range(3):
        append_to_log(log, f"failure {n}: " + "x" * 60 + "\n")
    # 0 and 1 made the log larger than 100 bytes: 2 began a new one, the older kept as .1.
    older = tmp_path / "sro-tui.log.1"
    assert older.read_text().count("failure") == 2 and log.read_text().startswith("failure 2")
    for n in range(3, 5):
        append_to_log(log, f"failure {n}: " + "x" * 60 + "\n")
    # 2 and 3 became the older file; 0 and 1 are gone: never more than two files.
    assert older.read_text().startswith("failure 2") and log.read_text().startswith("failure 4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sro-tui.log", "sro-tui.log.1"]
    assert stat.S_IMODE(older.stat().st_mode) == stat.S_IMODE(log.stat().st_mode) == 0o600


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch) -> Path:
    """A school database, and a documents folder of our own for the default."""
    monkeypatch.setattr("sro_tui.paths.user_documents_path", lambda: tmp_path / "Documents")
    path = tmp_path / "school.sqlite3"
    database = open_database(path)
    ensure_school("PTHS", "Port Townsend High School")
    ensure_current_year(date(2026, 11, 28))
    database.close()
    return path


def test_settings_command_shows_and_changes_the_folder(cli_db: Path, tmp_path: Path, capsys):
    documents = tmp_path / "Documents" / "sro-tui exports"
    assert main(["settings", "export-folder", "--db", str(cli_db)]) == 0
    assert capsys.readouterr().out.strip() == f"{documents} (the default)"
    chosen = tmp_path / "usb"
    assert main(["settings", "export-folder", str(chosen), "--db", str(cli_db)]) == 0
    assert str(chosen) in capsys.readouterr().out
    assert main(["settings", "export-folder", "--db", str(cli_db)]) == 0
    assert capsys.readouterr().out.strip() == str(chosen)
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    assert main(["settings", "export-folder", str(a_file), "--db", str(cli_db)]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err
    assert main(["settings", "export-folder", "--db", str(cli_db)]) == 0
    assert capsys.readouterr().out.strip() == str(chosen)


def test_status_shows_the_folder_in_text_and_json(cli_db: Path, tmp_path: Path, capsys):
    documents = tmp_path / "Documents" / "sro-tui exports"
    assert main(["status", "--db", str(cli_db)]) == 0
    assert f"export folder: {documents}" in capsys.readouterr().out
    main(["settings", "export-folder", str(tmp_path / "usb"), "--db", str(cli_db)])
    capsys.readouterr()
    assert main(["status", "--json", "--db", str(cli_db)]) == 0
    assert json.loads(capsys.readouterr().out)["export_folder"] == str(tmp_path / "usb")


def test_exports_go_to_the_folder_unless_out_is_given(cli_db: Path, tmp_path: Path):
    documents = tmp_path / "Documents" / "sro-tui exports"
    assert main(["agreements", "export", "--db", str(cli_db)]) == 0
    assert [p.name.split("_")[1] for p in documents.iterdir()] == ["agreements"]
    main(["settings", "export-folder", str(tmp_path / "usb"), "--db", str(cli_db)])
    assert main(["complaints", "export", "--db", str(cli_db)]) == 0
    assert [p.name.split("_")[1] for p in (tmp_path / "usb").iterdir()] == ["complaints"]
    out = tmp_path / "given"
    assert main(["complaints", "export", "--db", str(cli_db), "--out", str(out)]) == 0
    assert len(list(out.iterdir())) == 1
    assert len(list((tmp_path / "usb").iterdir())) == 1  # --out won
