"""Damaged CSV files are refused with their row and column, and change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from sro_tui.models import Guardian, Student
from sro_tui.roster import RosterImportError, import_roster, prepare_import

HEADER = "Student ID,Last Name,First Name,Grade,Guardian Name,Guardian Email\n"
GOOD = [
    "1001,Ames,Ann,9,Bea Ames,bea@example.org\n",
    "1002,Bell,Cy,10,Dee Bell,dee@example.org\n",
    "1003,Cruz,Eva,11,Fay Cruz,fay@example.org\n",
    "1004,Diaz,Gus,12,Hal Diaz,hal@example.org\n",
]


def roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path, match: str) -> RosterImportError:
    with pytest.raises(RosterImportError, match=match) as caught:
        import_roster(path, school="PTHS")
    assert Student.select().count() == 0 and Guardian.select().count() == 0
    return caught.value


def test_a_stray_quote_swallowing_rows_is_refused(school, tmp_path):
    text = HEADER + GOOD[0] + '1002,"Bell,Cy,10,Dee Bell,dee@example.org\n' + "".join(GOOD[2:])
    error = refused(roster(tmp_path, text), "row 3, column Last Name: a quote")
    assert "not closed" in str(error)


def test_a_quote_never_closed_at_the_end_is_refused(school, tmp_path):
    text = HEADER + "".join(GOOD[:3]) + '1004,Diaz,Gus,12,Hal Diaz,"hal@example.org\n'
    refused(roster(tmp_path, text), "row 5, column Guardian Email: a quote .* never closed")


def test_an_inch_mark_in_a_cell_is_not_a_damaged_file(school, tmp_path):
    text = HEADER + "".join(GOOD[:3]) + "1004,Diaz,Gus,12,Hal 5'10\" Diaz,hal@example.org\n"
    assert import_roster(roster(tmp_path, text), school="PTHS").added == 4


@pytest.mark.parametrize(
    ("bad_id", "match"),
    [
        ('"10\n05"', "line break"),
        ('"10,05"', "holds a comma"),
        ("9" * 300, "300 characters long"),
    ],
)
def test_bad_ids_are_refused_with_row_and_column(school, tmp_path, bad_id, match):
    text = HEADER + "".join(GOOD) + f"{bad_id},Eck,Ida,9,Jo Eck,jo@example.org\n"
    refused(roster(tmp_path, text), f"row 6, column Student ID: .*{match}")


def test_a_truncated_last_row_is_refused(school, tmp_path):
    text = HEADER + "".join(GOOD[:3]) + "1004,Diaz,Gus,12,Hal Diaz"  # the copy stopped here
    refused(roster(tmp_path, text), "row 5, column Guardian Name: the last row has 5 of 6")


@pytest.mark.parametrize(
    ("last", "column", "like"),
    [
        ("1004,Diaz,Gus,12,Hal Diaz,h", "Guardian Email", "e-mail addresses"),
        ("1004,Diaz,Gus,12,Hal Diaz,hal@exam", None, None),  # could be whole: not refused
    ],
)
def test_a_last_row_cut_inside_its_last_value_is_refused(school, tmp_path, last, column, like):
    text = HEADER + "".join(GOOD[:3]) + last  # no line end: the copy stopped inside a value
    if column is None:
        assert import_roster(roster(tmp_path, text), school="PTHS").added == 4
    else:
        refused(roster(tmp_path, text), f"row 5, column {column}: .*middle of this value.*{like}")


def test_a_last_zip_with_fewer_digits_than_the_others_is_refused(school, tmp_path):
    header = HEADER.rstrip("\n") + ",Zip\n"
    rows = [line.rstrip("\n") + f",9836{n}\n" for n, line in enumerate(GOOD[:3])]
    text = header + "".join(rows) + "1004,Diaz,Gus,12,Hal Diaz,hal@example.org,98"
    refused(roster(tmp_path, text), "row 5, column Zip: .*5 digits")


def test_no_final_newline_alone_is_fine(school, tmp_path):
    text = HEADER + "".join(GOOD).rstrip("\n")
    assert import_roster(roster(tmp_path, text), school="PTHS").added == 4


def test_more_than_a_tenth_marked_inactive_is_said_in_the_preview(school, tmp_path):
    rows = [f"{2000 + i},Name{i},Kid{i},9,,\n" for i in range(20)]
    import_roster(roster(tmp_path, HEADER + "".join(rows)), school="PTHS")
    plan = prepare_import(roster(tmp_path, HEADER + "".join(rows[:17])))
    assert (plan.missing, plan.many_deactivations, plan.mass_deactivation) == (3, True, False)
    plan = prepare_import(roster(tmp_path, HEADER + "".join(rows[:19])))
    assert not plan.many_deactivations  # one in twenty


def test_a_stray_quote_at_the_start_of_a_row_is_refused(school, tmp_path):
    text = HEADER + GOOD[0] + '"' + "".join(GOOD[1:])
    refused(roster(tmp_path, text), "row 3, column Student ID: a quote")


def test_a_stray_quote_in_an_all_quoted_row_is_refused(school, tmp_path):
    quoted = ['"' + '","'.join(line.rstrip("\n").split(",")) + '"\n' for line in [HEADER, *GOOD]]
    import_roster(roster(tmp_path, "".join(quoted)), school="PTHS")
    quoted[2] = '"' + quoted[2]  # ""1002","Bell",... : the ID is read as 1002"
    path = roster(tmp_path, "".join(quoted))
    with pytest.raises(RosterImportError, match=r"roster\.csv.*row 3, column Student ID: .*quote"):
        import_roster(path, school="PTHS")
    ids = sorted((s.sis_id, s.active) for s in Student.select())
    assert ids == [("1001", True), ("1002", True), ("1003", True), ("1004", True)]
