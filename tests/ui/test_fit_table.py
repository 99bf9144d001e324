"""Table columns fitted to the room they have: nothing silently cut, cut text marked with …"""

from __future__ import annotations

from rich.text import Text

from sro_tui.ui.widgets.fit_table import FitColumn, clip, fit_widths

COLUMNS = (
    FitColumn("Name", "name", min_width=10),
    FitColumn("Days", "days"),
    FitColumn("Employer", "employer", min_width=8),
)
ROWS = [
    ("Marisol Delgado-Reyes", "5", "Port Townsend Police Department"),
    ("Bảo Trần", "2.5", "School district"),
]


def test_columns_are_as_wide_as_their_longest_cell_when_there_is_room():
    assert fit_widths(COLUMNS, ROWS, room=100) == [21, 4, 31]


def test_the_widest_columns_that_may_give_way_shrink_first_and_never_below_their_minimum():
    assert fit_widths(COLUMNS, ROWS, room=40) == [18, 4, 18]
    assert fit_widths(COLUMNS, ROWS, room=10) == [10, 4, 8]  # too narrow: minimums hold


def test_cut_text_ends_in_an_ellipsis_and_text_that_fits_is_untouched():
    assert clip("Port Townsend Police Department", 12) == "Port Townse…"
    assert clip("Bảo Trần", 12) == "Bảo Trần"
    assert clip("Marisol Delgado-Reyes", 8) == "Marisol…"  # no space before the …
    assert clip("中文名字测试", 6) == "中文…"  # wide characters are never cut in half
    styled = clip(Text("Notified · E-mail 2026-10-01", style="green"), 10)
    assert isinstance(styled, Text) and styled.plain == "Notified …" and styled.style == "green"


def test_a_kept_column_gives_way_only_after_the_others_reach_their_minimum():
    kept = (
        FitColumn("Agency", "name", min_width=10, keep=1),
        FitColumn("Took part", "took_part", min_width=9),
    )
    rows = [("Port Townsend Police Department", "54 / 115 / 2")]
    assert fit_widths(kept, rows, room=40) == [31, 9]  # the name keeps every letter
    assert fit_widths(kept, rows, room=30) == [21, 9]
