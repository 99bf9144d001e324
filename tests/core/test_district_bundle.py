"""The school's send: one bundle, written whole, that any CSV reader reads back exactly."""

from __future__ import annotations

import csv
import hashlib
import json
import stat
import zipfile
from datetime import datetime

import pytest

from sro_tui.district.send import BUNDLE_KINDS
from sro_tui.exchange.bundle import (
    BundleError,
    BundleFileSpec,
    neutralise_cell,
    open_bundle,
    restore_cell,
    write_bundle,
)
from tests.core.test_district_helpers import build_demo_school, copy_school, send_from

TRICKY = [
    "",
    "Aulani",
    "'Aulani",
    "000176",
    "-3",
    "-12.5",
    "+1 360 555 0100",
    "2026-09-15",
    '=HYPERLINK("http://x","y")',
    "@SUM(A1)",
    "-2+cmd|' /C calc'!A0",
    "+A1",
    "'=1+1",
    "''@x",
    "'",
    "\tTab",
    "line\nbreak",
    '="000176"',
]


@pytest.mark.parametrize("value", TRICKY)
def test_every_value_survives_the_formula_rule_exactly(value):
    assert restore_cell(neutralise_cell(value)) == value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+cmd|x", "'-2+cmd|x"),
        ("'=1", "''=1"),
        ("-3", "-3"),
        ("+1 360 555 0100", "+1 360 555 0100"),
        ("000176", "000176"),
    ],
)
def test_formula_looking_text_is_neutralised_and_numbers_are_not(value, written):
    assert neutralise_cell(value) == written


@pytest.fixture(scope="module")
def school_template(tmp_path_factory):
    return build_demo_school(tmp_path_factory.mktemp("school") / "school.sqlite3")


def test_send_writes_one_private_bundle_that_a_plain_reader_reads(school_template, tmp_path):
    school = copy_school(school_template, tmp_path / "school.sqlite3")
    sent = send_from(school, tmp_path / "out", xlsx=True)
    assert sent.path.parent == tmp_path / "out"
    assert stat.S_IMODE(sent.path.stat().st_mode) == 0o700
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    manifest = json.loads((sent.path / "manifest.json").read_text("utf-8"))
    assert manifest["format_version"] == 1
    assert manifest["school"]["code"] == "PTHS"
    assert {"ospi_building_code", "county_district_code"} <= set(manifest["school"])
    assert [f["kind"] for f in manifest["files"]] == list(BUNDLE_KINDS)
    for entry in manifest["files"]:
        path = sent.path / entry["name"]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), "plain UTF-8, no byte-order mark"
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == entry["rows"]
        assert all(r["school_code"] == "PTHS" for r in rows)
    with (sent.path / "presentation-students.csv").open(newline="", encoding="utf-8") as handle:
        students = list(csv.DictReader(handle))
    assert len(students) == 600
    # IDs come back exactly as the school has them: leading zeros, no ="…" wrapper.
    assert any(s["sis_id"].startswith("0") for s in students)
    assert not any(s["sis_id"].startswith("=") for s in students)
    assert {s["presented"] for s in students} == {"yes", "no"}
    # The workbook keeps the IDs as text.
    assert sent.workbook is not None and stat.S_IMODE(sent.workbook.stat().st_mode) == 0o600
    with zipfile.ZipFile(sent.workbook) as book:
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    leading_zero = next(s["sis_id"] for s in students if s["sis_id"].startswith("0"))
    assert f"<t>{leading_zero}</t>" in strings


def test_a_failing_file_leaves_no_bundle_behind(tmp_path):
    def rows():
        yield ["r1", "X", "2026-27", "2026-09-01T00:00:00Z"]
        raise OSError(28, "No space left on device")

    spec = BundleFileSpec(
        "things", ["record_id", "school_code", "school_year", "updated_at"], rows()
    )
    with pytest.raises(BundleError, match="No space left"):
        write_bundle(
            tmp_path,
            [spec],
            school={"code": "X", "name": "X", "record_id": "x"},
            school_year="2026-27",
            app_version="test",
            created_at=datetime(2026, 9, 1),
        )
    assert list(tmp_path.iterdir()) == []


def test_a_zipped_bundle_reads_the_same(school_template, tmp_path):
    school = copy_school(school_template, tmp_path / "school.sqlite3")
    sent = send_from(school, tmp_path / "out")
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sent.path.iterdir():
            out.write(path, f"{sent.path.name}/{path.name}")
    with open_bundle(archive) as bundle:
        assert bundle.manifest.bundle_hash == sent.bundle_hash
        entry = bundle.manifest.files[0]
        assert sum(1 for _ in bundle.rows(entry)) == entry.rows
