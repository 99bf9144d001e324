"""Export files never overwrite each other, folders we create are private, temporary files of
killed runs do not linger, and a dangling --out link is named as such."""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path

import pytest

from sro_tui.exchange import (
    MERGE_COLUMNS,
    ExchangeError,
    read_exchange_csv,
    write_exchange_csv,
    write_export_set,
)
from sro_tui.paths import ensure_private_dir

NOW = datetime(2026, 9, 15, 10, 15, 0)


def _write(out: Path, marker: str) -> Path:
    rows = [{"record_id": marker, "updated_at": NOW}]
    return write_exchange_csv(
        rows, MERGE_COLUMNS, out, school_code="PTHS", kind="check-ins", school_year="26", now=NOW
    )


def test_exports_of_one_kind_in_the_same_second_never_overwrite_each_other(tmp_path: Path):
    written: list[Path] = []
    threads = [
        threading.Thread(target=lambda n=n: written.append(_write(tmp_path, f"r{n}")))
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(written)) == 8
    markers = {read_exchange_csv(p).rows[0]["record_id"] for p in written}
    assert markers == {f"r{n}" for n in range(8)}  # each file holds its own export, whole


def test_two_processes_in_the_same_second_get_two_files(tmp_path: Path):
    children = []
    for n in range(4):
        pid = os.fork()
        if pid == 0:
            try:
                _write(tmp_path, f"p{n}")
            finally:
                os._exit(0)
        children.append(pid)
    for pid in children:
        assert os.waitpid(pid, 0)[1] == 0
    files = sorted(tmp_path.glob("*.csv"))
    assert len(files) == 4
    assert {read_exchange_csv(p).rows[0]["record_id"] for p in files} == {"p0", "p1", "p2", "p3"}


def test_a_set_takes_one_counter_for_all_its_files(tmp_path: Path):
    first = write_export_set(tmp_path, [("a.csv", b"1"), ("a.txt", b"2")])
    (tmp_path / "b-2.csv").write_bytes(b"someone else's")
    second = write_export_set(tmp_path, [("a.csv", b"3"), ("b.csv", b"4")])
    assert [p.name for p in first] == ["a.csv", "a.txt"]
    assert [p.name for p in second] == ["a-3.csv", "b-3.csv"]  # -2 was taken for one of them
    assert (tmp_path / "b-2.csv").read_bytes() == b"someone else's"
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in first + second)


def test_folders_the_app_creates_are_private_whatever_the_umask(tmp_path: Path):
    old = os.umask(0)
    try:
        path = _write(tmp_path / "a" / "b" / "c", "x")
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert oct(folder.stat().st_mode & 0o777) == "0o700", folder
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_out_at_a_dangling_link_says_so(tmp_path: Path):
    link = tmp_path / "usb"
    link.symlink_to(tmp_path / "media" / "gone")
    with pytest.raises(ExchangeError, match="is a link to .*gone, which does not exist"):
        _write(link, "x")
    with pytest.raises(FileNotFoundError, match="which does not exist"):
        ensure_private_dir(link / "inner")


def test_temporary_files_of_killed_runs_are_removed_at_the_next_export(tmp_path: Path):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)  # a process that is gone
    dead = tmp_path / f".PTHS_check-ins_26_20260915-101500.csv.{pid}.tmp"
    dead.write_text("student records, half written")
    alive = tmp_path / f".PTHS_other.csv.{os.getppid()}.tmp"  # a running process: not ours to touch
    alive.write_text("in progress")
    mine = tmp_path / "notes.tmp"
    mine.write_text("the user's own file")
    _write(tmp_path, "x")
    assert not dead.exists()
    assert alive.exists() and mine.exists()
