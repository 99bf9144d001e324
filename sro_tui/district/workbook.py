"""The bundle as one Excel workbook, for people who open the district's files in Excel.

One sheet per kind of file, written by `xlsxwriter` (a maintained writer, not hand-made XML). Every
cell is written as text, so IDs keep their leading zeros and long IDs their digits; the ID columns
also get Excel's text format (`@`), so a value typed into them later stays text. Only counts
(`rows`, `meetings`, `*_participants`, `version`, `days_per_week`) are numbers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from sro_tui.exchange.bundle import BundleFileSpec
from sro_tui.paths import write_private_file_atomically

_NUMBER_COLUMNS = re.compile(
    r"^(meetings|version|request_version|students_involved|days_per_week"
    r"|[a-z_]+_participants)$"
)
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_ID_COLUMNS = re.compile(r"(^|_)(id|ids|code|grade|record_id|sis_id)$")
SHEET_NAME_LIMIT = 31  # Excel's limit


def is_id_column(name: str) -> bool:
    """True for the columns Excel would mangle as numbers: record and student IDs, codes, grades."""
    return bool(_ID_COLUMNS.search(name))


def write_bundle_workbook(target: Path, specs: Sequence[BundleFileSpec]) -> Path:
    """Write `specs` as a workbook at `target` (built in memory, then written to a temporary
    name and renamed; 0600)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True})
    for spec in specs:
        sheet = book.add_worksheet(spec.kind[:SHEET_NAME_LIMIT])
        columns = list(spec.columns)
        numeric = [bool(_NUMBER_COLUMNS.match(c)) for c in columns]
        for col, name in enumerate(columns):
            sheet.write_string(0, col, name, bold)
            if is_id_column(name):
                sheet.set_column(col, col, 14, text)
        for r, row in enumerate(spec.rows, start=1):
            for col, value in enumerate(row):
                if numeric[col] and _NUMBER.match(value):
                    sheet.write_number(r, col, float(value))
                elif value:
                    sheet.write_string(r, col, value)
        sheet.freeze_panes(1, 0)
    book.close()
    write_private_file_atomically(target, buffer.getvalue())
    return target
