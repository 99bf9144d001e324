"""The district exchange CSV: Excel-safe cells that read back exactly, atomic private files."""

from __future__ import annotations

import csv
import re
import stat
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from sro_tui.exchange import (
    MERGE_COLUMNS,
    ExchangeError,
    ExportColumn,
    read_exchange_csv,
    write_exchange_csv,
)

COLUMNS = (
    *MERGE_COLUMNS,
    ExportColumn("name", "text"),
    ExportColumn("student_id", "id"),
    ExportColumn("phone", "phone"),
    ExportColumn("on", "date"),
    ExportColumn("count", "int"),
)
NOW = datetime(2026, 9, 15, 10, 15, 0)
UPDATED = datetime(2026, 9, 1, 8, 0, 0, 123456)

TEXTS = [
    "José Núñez",
    '=HYPERLINK("x")',
    "+cmd",
    "-2",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "'=x",
    "''-y",
    "'Aulani",
    "line one\nline two",
    '="000123"',
    "",
    'Zoë, "Z" O\'Neil',
]
IDS = ["000123", "12345678901234567", "12E4", "3-12", "S-12", "123", "=bad", "0"]
PHONES = [
    "+1 360 555 0100",
    "0044 20 7946 0000",
    "(360) 555-0100",
    "3605550100",
    "-5",
    "ext 12",
    "360.555.0100 x12",
]


def _rows():
    count = max(len(TEXTS), len(IDS), len(PHONES))
    for i in range(count):
        yield {
            "record_id": f"rec-{i}",
            "updated_at": UPDATED + timedelta(seconds=i),
            "name": TEXTS[i % len(TEXTS)],
            "student_id": IDS[i % len(IDS)],
            "phone": PHONES[i % len(PHONES)],
            "on": date(2026, 9, 1) + timedelta(days=i),
            "count": i - 3,
        }


def _write(tmp_path, rows=None, **kwargs):
    return write_exchange_csv(
        list(rows if rows is not None else _rows()),
        COLUMNS,
        tmp_path / "out",
        school_code="PTHS",
        kind="test-kind",
        school_year="2026-27",
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def test_every_value_reads_back_exactly(tmp_path):
    path = _write(tmp_path)
    back = read_exchange_csv(path, COLUMNS)
    expected = list(_rows())
    assert back.columns == [c.name for c in COLUMNS]
    assert len(back.rows) == len(expected)
    for got, want in zip(back.rows, expected, strict=True):
        for key, value in want.items():
            assert got[key] == value, (key, value, got[key])
        assert (got["school_code"], got["school_year"]) == ("PTHS", "2026-27")
    untyped = read_exchange_csv(path).rows  # without the column kinds: the exported text
    assert untyped[0]["student_id"] == "000123" and untyped[0]["on"] == "2026-09-01"


def test_no_cell_would_run_as_a_formula_in_a_spreadsheet(tmp_path):
    path = _write(tmp_path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    cells = [cell for row in table for cell in row]
    constant = re.compile(r'^="[0-9A-Za-z +().\-/#*]*"$')  # Excel's way to keep text as text
    count_column = table[0].index("count")
    for row in table:
        for index, cell in enumerate(row):
            if index == count_column:  # an int column: "-3" is a negative number, not a formula
                assert re.fullmatch(r"-?[0-9]+|count", cell), cell
            elif cell[:1] in ("=", "+", "-", "@", "\t", "\r", "\n"):
                assert constant.match(cell), cell
    assert '\'=HYPERLINK("x")' in cells
    assert "José Núñez" in cells and "'Aulani" in cells
    assert '="000123"' in cells and '="12345678901234567"' in cells and '="12E4"' in cells
    assert "S-12" in cells and "123" in cells  # IDs Excel keeps as they are stay plain
    assert '="+1 360 555 0100"' in cells and "(360) 555-0100" in cells
    assert "2026-09-01" in cells and "2026-09-01T08:00:00.123456Z" in cells
    assert "'-5" in cells and "-3" in cells  # a phone "-5" is guarded; an int -3 is a number


def test_file_is_utf8_with_bom_private_named_and_never_overwritten(tmp_path):
    first = _write(tmp_path)
    second = _write(tmp_path)
    assert first.name == "PTHS_test-kind_2026-27_20260915-101500.csv"
    assert second.name == "PTHS_test-kind_2026-27_20260915-101500-2.csv"
    assert first.read_bytes().startswith(b"\xef\xbb\xbfrecord_id,school_code,")
    assert b"\r\n" in first.read_bytes()
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o700
    assert {p.name for p in (tmp_path / "out").iterdir()} == {first.name, second.name}


def test_aware_datetimes_are_written_in_utc(tmp_path):
    pacific = timezone(timedelta(hours=-7))
    row = {"record_id": "r", "updated_at": datetime(2026, 9, 1, 1, 0, tzinfo=pacific)}
    back = read_exchange_csv(_write(tmp_path, [row]), COLUMNS).rows[0]
    assert back["updated_at"] == datetime(2026, 9, 1, 8, 0)
    assert datetime(2026, 9, 1, 1, 0, tzinfo=pacific).astimezone(UTC).hour == 8


def test_a_column_list_without_the_merge_columns_is_refused(tmp_path):
    with pytest.raises(ValueError, match="updated_at"):
        write_exchange_csv(
            [], COLUMNS[:3], tmp_path, school_code="P", kind="k", school_year="2026-27"
        )
    with pytest.raises(ValueError):
        ExportColumn("x", "money")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_failing_folder_leaves_nothing(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ExchangeError, match="cannot write the export"):
        write_exchange_csv(
            _rows(), COLUMNS, blocker, school_code="P", kind="k", school_year="2026-27"
        )
    out = tmp_path / "out"
    out.mkdir()

    def broken_rename(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("sro_tui.paths.os.replace", broken_rename)
    monkeypatch.setattr("sro_tui.paths.os.link", broken_rename)  # the exclusive publish
    with pytest.raises(ExchangeError, match="Input/output error"):
        write_exchange_csv(_rows(), COLUMNS, out, school_code="P", kind="k", school_year="2026-27")
    assert list(out.iterdir()) == []


def test_reader_names_file_row_and_column_of_a_problem(tmp_path):
    bad_date = tmp_path / "bad-date.csv"
    bad_date.write_text(
        "record_id,school_code,school_year,updated_at,on\r\n"
        "a,PTHS,2026-27,2026-09-01T08:00:00Z,2026-09-01\r\n"
        "b,PTHS,2026-27,2026-09-01T08:00:00Z,9/2/2026\r\n",
        encoding="utf-8",
    )  # no BOM: accepted
    with pytest.raises(ExchangeError) as caught:
        read_exchange_csv(bad_date, [ExportColumn("on", "date")])
    assert str(caught.value) == f"{bad_date}: row 3, column on: '9/2/2026' is not a valid date"
    assert read_exchange_csv(bad_date).rows[1]["on"] == "9/2/2026"

    short = tmp_path / "short.csv"
    short.write_text("record_id,school_code,school_year,updated_at\r\na,PTHS\r\n")
    with pytest.raises(ExchangeError, match=r"short.csv: row 2: 2 cells where the header has 4"):
        read_exchange_csv(short)

    no_merge = tmp_path / "no-merge.csv"
    no_merge.write_text("name\r\nx\r\n")
    with pytest.raises(ExchangeError, match="row 1: missing column.*record_id"):
        read_exchange_csv(no_merge)

    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(
        "record_id,school_code,school_year,updated_at\r\nJosé,P,y,\r\n".encode("cp1252")
    )
    with pytest.raises(ExchangeError, match="not UTF-8"):
        read_exchange_csv(latin1)
