"""Property-based fuzzing of the roster importers: damaged CSVs and OneRoster zips.

Every input is either imported or refused with a one-line reason (RosterImportError); never any
other exception (a traceback for the person at the keyboard), and a refusal changes nothing in
the database. Examples are derandomized so CI runs the same few hundred files every time.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sro_tui.db import open_database
from sro_tui.roster import RosterImportError, apply_import, prepare_import

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "roster"
CSV_BASES = [
    (FIXTURES / "generic_roster.csv").read_bytes(),
    (FIXTURES / "powerschool_students.csv").read_bytes(),
]
BUNDLE = {p.name: p.read_bytes() for p in sorted((FIXTURES / "oneroster11").iterdir())}
# 120 files per importer in CI (~25 s); SRO_FUZZ_EXAMPLES=2000 for a long campaign.
FUZZ = settings(
    max_examples=int(os.environ.get("SRO_FUZZ_EXAMPLES", "120")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
fuzzed = {"files": 0, "imported": 0, "refused": 0}


# --- mutations --------------------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1", "shift_jis", "utf-32"]


@st.composite
def mutated(draw, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                ["truncate", "quote", "random", "nul", "huge", "encoding", "newline", "delete"]
            )
        )
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "truncate":
            del data[at:]
        elif kind == "quote":
            data[at:at] = b'"'
        elif kind == "random":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "nul":
            data[at : at + draw(st.integers(1, 16))] = bytes(draw(st.integers(1, 16)))
        elif kind == "huge":
            data[at:at] = b"x" * draw(st.sampled_from([1_000, 100_000, 1_500_000]))
        elif kind == "newline":
            data[at:at] = draw(st.sampled_from([b"\r", b"\n", b"\r\n\r\n", b",,,,\n"]))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        else:
            text = bytes(data).decode("utf-8", "replace")
            data = bytearray(text.encode(draw(st.sampled_from(ENCODINGS)), "replace"))
    return bytes(data)


ODD_NAMES = ["../users.csv", "/abs/users.csv", "in\\ner.csv", "nested.zip", "a/b/users.csv", "é"]


@st.composite
def zips(draw) -> bytes:
    files = dict(BUNDLE)
    for name in draw(st.sets(st.sampled_from(sorted(files)), max_size=3)):
        if draw(st.booleans()):
            files[name] = draw(mutated(files[name]))
        else:
            del files[name]
    for name in draw(st.sets(st.sampled_from(ODD_NAMES), max_size=2)):
        files[name] = draw(st.binary(max_size=64))
    buffer = io.BytesIO()
    method = draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    raw = bytearray(buffer.getvalue())
    for _ in range(draw(st.integers(0, 3))):  # damage the archive itself
        at = draw(st.integers(0, len(raw) - 1))
        if draw(st.booleans()):
            raw[at : at + 8] = draw(st.binary(min_size=1, max_size=8))
        else:
            del raw[draw(st.integers(len(raw) // 2, len(raw))) :]
    return bytes(raw)


# --- the property -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """A school with its roster imported once; each example starts from a copy of it."""
    path = tmp_path_factory.mktemp("fuzz") / "baseline.sqlite3"
    database = open_database(path)
    apply_import(prepare_import(FIXTURES / "generic_roster.csv", school="PTHS"))
    database.close()
    return path


def _digest(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        for table in ("school", "student", "guardian", "student_guardian", "household"):
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY id'):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def _import_or_refuse(baseline: Path, workdir: Path, name: str, data: bytes) -> None:
    """Import `data` as a roster into a copy of the baseline; a refusal leaves it as it was."""
    db_path = workdir / "school.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.copy(baseline, db_path)
    before = _digest(db_path)
    roster = workdir / name
    roster.write_bytes(data)
    fuzzed["files"] += 1
    if os.environ.get("SRO_FUZZ_LOG"):  # the long campaign's tally, for the report
        with open(os.environ["SRO_FUZZ_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{name}\n")
    database = open_database(db_path)
    try:
        try:
            plan = prepare_import(roster, school="PTHS" if name.endswith(".csv") else None)
            apply_import(plan)
        except RosterImportError as exc:
            message = str(exc)
            assert message and "\n" not in message, message
            fuzzed["refused"] += 1
            refused = True
        else:
            fuzzed["imported"] += 1
            refused = False
    finally:
        database.close()
    if refused:
        assert _digest(db_path) == before


@FUZZ
@given(data=st.sampled_from(CSV_BASES).flatmap(mutated))
def test_damaged_csv_files_are_imported_or_refused_in_one_line(baseline, tmp_path, data):
    _import_or_refuse(baseline, tmp_path, "roster.csv", data)


@FUZZ
@given(data=zips())
def test_damaged_oneroster_zips_are_imported_or_refused_in_one_line(baseline, tmp_path, data):
    _import_or_refuse(baseline, tmp_path, "roster.zip", data)
