"""The files of the state and federal reports, written as one set (all or nothing, 0600 each).

`sro-tui report restraint` writes, for a school or the whole district:
- `restraint-summary_<year>_NOT-FOR-PUBLICATION.csv` / `.txt`: the real counts, the district's copy
  (and what is submitted to OSPI);
- `restraint-summary_<year>_published.csv` / `.txt`: counts under 10 hidden, with complements;
- `students-restrained-or-isolated_<year>_NOT-FOR-PUBLICATION.csv`: the S-file rows (SSIDs).
`sro-tui report crdc` writes `crdc_<year>_NOT-FOR-PUBLICATION.csv` / `.txt` and
`crdc_<year>_published.csv` / `.txt`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sro_tui.exchange import ExchangeError, write_export_set
from sro_tui.exchange.csvfiles import FORMULA_STARTS, encode_cell
from sro_tui.records import current_year, get_school
from sro_tui.reports.crdc import crdc_table, crdc_tallies, render_crdc
from sro_tui.reports.restraint import (
    CHECK_MANUAL,
    S_FILE_COLUMNS,
    render_restraint_summary,
    restraint_summary,
    student_file_rows,
    summary_table,
)
from sro_tui.reports.state_data import StateSchool, school_state_records

PRIVATE = "NOT-FOR-PUBLICATION"
_RISKY_FIRST = frozenset((*FORMULA_STARTS, "'"))
STATE_REPORTS = ("restraint", "crdc")


@dataclass
class StateReportFiles:
    """What a report wrote: the paths, and the warnings to show (fields the records lack)."""

    paths: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def csv_bytes(rows: Sequence[Mapping[str, str]], columns: Sequence[str]) -> bytes:
    """Plain UTF-8 CSV (no BOM: the state's upload readers do not expect one); text that a
    spreadsheet would run as a formula is guarded the way every export guards it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        cells = [row.get(c, "") for c in columns]
        writer.writerow([encode_cell(v, "text") if v[:1] in _RISKY_FIRST else v for v in cells])
    return out.getvalue().encode("utf-8")


def restraint_files(
    schools: list[StateSchool], school_year: str, today: date
) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The restraint report's files (name, bytes) and the S file's warnings."""
    summary = restraint_summary(schools)
    columns = ("school_code", "school", "measure", "count")
    s_rows, warnings = student_file_rows(schools, school_year)
    files = []
    for published in (False, True):
        suffix = "published" if published else PRIVATE
        files.append(
            (
                f"restraint-summary_{school_year}_{suffix}.csv",
                csv_bytes(summary_table(summary, published=published), columns),
            )
        )
        text = render_restraint_summary(summary, school_year, published=published, today=today)
        if not published:
            text += "\n".join(
                [
                    "Students Restrained or Isolated (the S file, "
                    f"students-restrained-or-isolated_{school_year}_{PRIVATE}.csv): "
                    f"{len(s_rows)} row(s).",
                    CHECK_MANUAL,
                    *(f"  {w}" for w in warnings),
                    "",
                ]
            )
        files.append((f"restraint-summary_{school_year}_{suffix}.txt", text.encode("utf-8")))
    files.append(
        (
            f"students-restrained-or-isolated_{school_year}_{PRIVATE}.csv",
            csv_bytes(s_rows, S_FILE_COLUMNS),
        )
    )
    return files, [CHECK_MANUAL, *warnings] if s_rows else []


def crdc_files(schools: list[StateSchool], school_year: str) -> list[tuple[str, bytes]]:
    """The CRDC tallies' files (name, bytes), the district's copy and the published one."""
    tallies = crdc_tallies(schools)
    columns = ("school_code", "school", "measure", "group", "sex", "students", "instances")
    files = []
    for published in (False, True):
        suffix = "published" if published else PRIVATE
        table = crdc_table(tallies, published=published)
        files.append((f"crdc_{school_year}_{suffix}.csv", csv_bytes(table, columns)))
        text = render_crdc(tallies, school_year, published=published, rows=table)
        files.append((f"crdc_{school_year}_{suffix}.txt", text.encode("utf-8")))
    return files


def write_state_report(
    report: str,
    schools: list[StateSchool],
    school_year: str,
    out_dir: Path | str,
    today: date,
) -> StateReportFiles:
    """Write `report` ("restraint" or "crdc") into `out_dir` as one set; ExchangeError says why
    nothing was written."""
    if report not in STATE_REPORTS:
        raise ValueError(f"report must be one of {', '.join(STATE_REPORTS)}")
    warnings: list[str] = []
    if report == "restraint":
        files, warnings = restraint_files(schools, school_year, today)
    else:
        files = crdc_files(schools, school_year)
    try:
        paths = write_export_set(out_dir, files)
    except OSError as exc:
        raise ExchangeError(f"cannot write the report to {out_dir}: {exc.strerror or exc}") from exc
    return StateReportFiles(paths, warnings)


def write_school_state_reports(out_dir: Path | str, today: date | None = None) -> list[Path]:
    """Both reports of the school's current year from its own database (the dashboard's `w`):
    the paths written. ExchangeError says why a report was not written."""
    year = current_year()
    schools = [school_state_records(get_school(), year)]
    paths: list[Path] = []
    for report in STATE_REPORTS:
        written = write_state_report(report, schools, year.name, out_dir, today or date.today())
        paths.extend(written.paths)
    return paths
