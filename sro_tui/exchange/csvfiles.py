"""The district exchange: the CSV files a school gives the district office, and reading them back.

Every export (family notice lists, check-ins, interventions, agreements …) goes through
`write_exchange_csv`, so all of them follow one contract (DESIGN.md, "The district exchange"):

* **Encoding**: UTF-8 *with* a byte-order mark, so Excel opens accents (José Núñez) correctly on a
  double-click. `read_exchange_csv` accepts files with or without the BOM (a file re-saved by
  another tool, or concatenated). Comma-separated, CRLF line ends, a header row, one record per
  row.
* **Merge columns**: every file has `record_id`, `school_code`, `school_year` and `updated_at`;
  the writer refuses a column list without them and fills `school_code`/`school_year` when a row
  leaves them out. File name: `<school>_<kind>_<year>_<YYYYmmdd-HHMMSS>.csv`.
* **Cells, by column kind** (`ExportColumn.kind`):
  - `text` – written as is, except that a value Excel would run as a formula (starting with
    `=`, `+`, `-`, `@`, tab, CR or LF) gets a `'` in front. A value that already starts with one or
    more `'` followed by such a character gets one more `'`, so reading back removes exactly one and
    every value survives exactly (an ordinary name such as `'Aulani` is never touched).
  - `id` – student IDs, codes. Excel turns `000123` into the number 123, rounds IDs longer than
    15 digits, reads `12E4` as 120000 and `3-12` as a date. Such an ID (all digits starting with
    `0` or longer than 15, scientific- or date-like) is written as the constant `="000123"`: Excel
    shows the text 000123. This *is* a formula cell, but the writer only ever puts letters, digits
    and phone punctuation inside it (checked by a pattern), so it can carry nothing harmful. Other
    IDs (UUIDs, `S-12`) are written as is, or guarded like text when they start with a formula
    character. A `'` prefix is not used for IDs: every reader but Excel would keep it as part of
    the ID.
  - `phone` – `+1 360 555 0100` would be run by Excel as a formula and `0044 …` loses its zero, so
    a phone-like value (digits, spaces, `+ ( ) . - / x # *`) that starts with `+` or `0`, or is all
    digits, is written as `="+1 360 555 0100"`; Excel shows the number as typed. Anything else in a
    phone column is guarded like text.
  - `date` – ISO `YYYY-MM-DD`; `datetime` – ISO 8601 in UTC with a `Z` (`2026-09-01T08:00:00Z`,
    microseconds when there are any, so the merge can tell two saves in one second apart);
    `int` – plain digits. Empty values (None) are empty cells.
* **Reading back** (`read_exchange_csv`): one rule for every column, no schema needed: a cell made
  of `'`s followed by a formula character loses one `'`; a cell that is exactly `="…"` around
  digits and phone punctuation becomes what is inside; anything else is kept as is. A text value
  that itself looked like `="…"` was guarded with `'` when written, so the two rules never collide.
  Given the column kinds, dates, datetimes and ints come back typed.
* **Files**: written to a temporary name in the target folder, fsynced and given its final name
  exclusively (a hard link, which fails when the name is taken), readable only by the owner (0600):
  an existing export is never overwritten, even by another export in the same second (it gets
  `-2`, `-3`…). A failing folder or disk raises `ExchangeError` with the reason and leaves no
  partial file behind.
* **Sets** (`write_export_set`: the four intervention files, the annual report's CSV and text):
  written whole into a hidden staging folder, then a `SET` list is written last; only then are the
  files published under their final names. A kill before `SET` leaves nothing published; a kill
  after it is finished by the next export into that folder (or the next start of the app), so a
  reader never meets part of a set without the staging folder beside it that marks it unfinished.
  Temporary files of killed runs are removed at the next start.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from sro_tui.paths import (
    ensure_private_dir,
    fsync_dir,
    process_alive,
    publish_exclusively,
    remove_stale_temp_files,
    write_private_file_exclusively,
)

ColumnKind = Literal["text", "id", "date", "datetime", "phone", "int"]
COLUMN_KINDS: tuple[str, ...] = ("text", "id", "date", "datetime", "phone", "int")

MERGE_COLUMN_NAMES = ("record_id", "school_code", "school_year", "updated_at")

# Characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

_GUARDED = re.compile(r"^'+[=+\-@\t\r\n]")
_DIGITS = re.compile(r"^[0-9]+$")
_PHONE = re.compile(r"^[+0-9][0-9 ().\-/x#*]*$")
# IDs Excel would read as a number in scientific notation ("12E4") or as a date ("3-12", "1/2/26").
_SCIENTIFIC = re.compile(r"^[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+$")
_DATE_LIKE = re.compile(r"^[0-9]{1,4}[-/][0-9]{1,2}([-/][0-9]{1,4})?$")
# What the writer ever puts inside ="…": digits, letters and phone punctuation, never a quote.
_EXCEL_TEXT = re.compile(r'^="([0-9A-Za-z +().\-/#*]*)"$')
_SAFE_FILE_PART = re.compile(r"[^A-Za-z0-9-]+")
EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number


class ExchangeError(Exception):
    """An exchange file cannot be written or read; the message names the file (and row, column)."""


@dataclass(frozen=True)
class ExportColumn:
    """One column of an exchange file: its header name and how its cells are written."""

    name: str
    kind: ColumnKind = "text"

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column {self.name!r}: kind must be one of {', '.join(COLUMN_KINDS)}")


MERGE_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("record_id", "id"),
    ExportColumn("school_code", "id"),
    ExportColumn("school_year", "text"),
    ExportColumn("updated_at", "datetime"),
)
"""The four columns every exchange file carries, for the district merge; put them first."""


# --- cells ------------------------------------------------------------------------------------


def _excel_would_change_id(text: str) -> bool:
    if _DIGITS.match(text):
        return text.startswith("0") or len(text) > EXCEL_DIGITS
    return bool(_SCIENTIFIC.match(text) or _DATE_LIKE.match(text))


_FORMULA_FIRST = frozenset(FORMULA_STARTS)
_RISKY_FIRST = _FORMULA_FIRST | {"'"}


def _guard_text(value: str) -> str:
    first = value[:1]
    if first in _FORMULA_FIRST or (first == "'" and _GUARDED.match(value)):
        return "'" + value
    return value


def encode_cell(value: Any, kind: ColumnKind) -> str:
    """The text written in the CSV for `value` in a column of `kind` (see the module docstring)."""
    if value is None:
        return ""
    if kind == "text":  # the common case first: exports are mostly names and labels
        return _guard_text(value if isinstance(value, str) else str(value))
    if kind == "date":
        if isinstance(value, datetime):
            value = value.date()
        return value.isoformat() if isinstance(value, date) else _guard_text(str(value))
    if kind == "datetime":
        if isinstance(value, datetime):
            if value.tzinfo is not None:  # stored times are naive UTC; convert aware ones
                value = value.astimezone(UTC).replace(tzinfo=None)
            return value.isoformat() + "Z"
        return _guard_text(str(value))
    if kind == "int":
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, int):
            return str(value)
        return _guard_text(str(value))
    text = str(value)
    if kind == "id" and _excel_would_change_id(text):
        return f'="{text}"'
    if (
        kind == "phone"
        and _PHONE.match(text)
        and (text.startswith(("+", "0")) or _DIGITS.match(text))
    ):
        return f'="{text}"'
    return _guard_text(text)


def decode_cell(cell: str) -> str:
    """Undo `encode_cell` for any column: the exact text that was exported."""
    if _GUARDED.match(cell):
        return cell[1:]
    match = _EXCEL_TEXT.match(cell)
    if match:
        return match.group(1)
    return cell


def _typed(text: str, kind: ColumnKind) -> Any:
    if text == "":
        return None if kind in ("date", "datetime", "int") else ""
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "datetime":
        parsed = datetime.fromisoformat(text[:-1] if text.endswith("Z") else text)
        return parsed
    if kind == "int":
        return int(text)
    return text


# --- writing ----------------------------------------------------------------------------------


def exchange_file_name(school_code: str, kind: str, school_year: str, at: datetime) -> str:
    """`PTHS_family-notices_2026-27_20260915-101500.csv` (unsafe characters become `-`)."""
    parts = [
        _SAFE_FILE_PART.sub("-", p).strip("-") or "x" for p in (school_code, kind, school_year)
    ]
    return f"{parts[0]}_{parts[1]}_{parts[2]}_{at:%Y%m%d-%H%M%S}.csv"


def render_exchange_csv(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[ExportColumn],
    *,
    school_code: str,
    school_year: str,
) -> str:
    """The file's text (no BOM): the header and the encoded rows. `write_exchange_csv` saves it."""
    names = [c.name for c in columns]
    missing = [n for n in MERGE_COLUMN_NAMES if n not in names]
    if missing:
        raise ValueError(f"an exchange file needs the columns {', '.join(missing)}")
    if len(set(names)) != len(names):
        raise ValueError("column names must be unique")
    defaults = {"school_code": school_code, "school_year": school_year}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    plan = [(c.name, c.kind, defaults.get(c.name)) for c in columns]
    for row in rows:
        cells = []
        for name, kind, default in plan:
            value = row.get(name)
            if value is None:
                value = default
            # Fast path for the common harmless text cell (5,000-row exports stay well in budget).
            if kind == "text" and type(value) is str and value[:1] not in _RISKY_FIRST:
                cells.append(value)
            else:
                cells.append(encode_cell(value, kind))
        writer.writerow(cells)
    return out.getvalue()


def write_exchange_csv(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[ExportColumn],
    out_dir: Path | str,
    *,
    school_code: str,
    kind: str,
    school_year: str,
    now: datetime | None = None,
) -> Path:
    """Write one exchange file into `out_dir` and return its path.

    `rows` are mappings from column name to value (missing keys are empty cells; `school_code` and
    `school_year` default to the keyword arguments). `kind` names the export in the file name
    (`family-notices`, `check-ins`, …). The folder is created (0700) when missing. All or nothing:
    on any failure, `ExchangeError` says why and no file, partial or temporary, is left.
    """
    data = exchange_csv_bytes(rows, columns, school_code=school_code, school_year=school_year)
    out_dir = Path(out_dir).expanduser()
    try:
        prepare_export_folder(out_dir)
        name = exchange_file_name(school_code, kind, school_year, now or datetime.now())
        target = write_private_file_exclusively(out_dir / name, data)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ExchangeError(f"cannot write the export to {out_dir}: {reason}") from exc
    return target


def exchange_csv_bytes(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[ExportColumn],
    *,
    school_code: str,
    school_year: str,
) -> bytes:
    """The bytes of an exchange file (UTF-8 with its BOM), for `write_export_set`."""
    text = render_exchange_csv(rows, columns, school_code=school_code, school_year=school_year)
    return text.encode("utf-8-sig")


# --- sets of files, all or nothing ------------------------------------------------------------

STAGING_PREFIX = ".sro-tui-export-"
SET_LIST = "SET"


def prepare_export_folder(out_dir: Path) -> None:
    """Create the folder (0700) when missing; finish sets and remove temporary files that a killed
    export left in it. Raises OSError (NotADirectoryError when `out_dir` is a file)."""
    ensure_private_dir(out_dir)
    if not out_dir.is_dir():
        raise NotADirectoryError(f"{out_dir} is not a folder")
    finish_interrupted_exports(out_dir)


def _staging_pid(name: str) -> int | None:
    match = re.match(rf"^{re.escape(STAGING_PREFIX)}(\d+)-", name)
    return int(match.group(1)) if match else None


def finish_interrupted_exports(out_dir: Path | str) -> list[Path]:
    """Complete or drop the sets a killed export left in `out_dir`; return the files published.

    A staging folder with its `SET` list had every file written: the files not yet published
    are published now. One without the list is removed: none of its files was published.
    Also removes the hidden temporary files of killed runs.
    """
    out_dir = Path(out_dir)
    published: list[Path] = []
    remove_stale_temp_files(out_dir)
    try:
        entries = [e for e in out_dir.iterdir() if e.name.startswith(STAGING_PREFIX)]
    except OSError:
        return published
    for staging in entries:
        pid = _staging_pid(staging.name)
        if not staging.is_dir() or pid is None or process_alive(pid):
            continue
        try:
            names = json.loads((staging / SET_LIST).read_text(encoding="utf-8"))["names"]
        except (OSError, ValueError, KeyError, TypeError):
            names = []  # the list is written last: without it nothing was published
        for staged_name, final_name in names:
            staged, final = staging / staged_name, out_dir / final_name
            if not staged.exists():
                continue
            if not final.exists() or (final.stat().st_size == 0 < staged.stat().st_size):
                os.replace(staged, final)  # a name reserved but never filled, or not published
                published.append(final)
        shutil.rmtree(staging, ignore_errors=True)
        fsync_dir(out_dir)
    return published


def _numbered(name: str, counter: int) -> str:
    if counter == 1:
        return name
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}-{counter}.{suffix}" if dot else f"{name}-{counter}"


def write_export_set(out_dir: Path | str, files: Sequence[tuple[str, bytes]]) -> list[Path]:
    """Write several files that belong together (name, data) into `out_dir`, all or nothing.

    Every name gets the same counter (`-2`, `-3`…) when any of them is taken, so a set is never
    mixed with another. See the module docstring for what a kill leaves. 0600 each; the folder
    is fsynced after the files get their names. Raises ExchangeError with the reason.
    """
    out_dir = Path(out_dir).expanduser()
    staging = out_dir / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    published: list[Path] = []
    try:
        prepare_export_folder(out_dir)
        staging.mkdir(mode=0o700)
        staged_names = [f"{n}.part{i}" for i, (n, _d) in enumerate(files)]
        for staged_name, (_name, data) in zip(staged_names, files, strict=True):
            fd = os.open(staging / staged_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        counter = 1
        while True:
            finals = [_numbered(name, counter) for name, _d in files]
            if any((out_dir / f).exists() for f in finals):
                counter += 1
                continue
            listing = json.dumps({"names": list(zip(staged_names, finals, strict=True))})
            fd = os.open(staging / SET_LIST, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(listing)
                handle.flush()
                os.fsync(handle.fileno())
            fsync_dir(staging)
            published = []
            try:
                for staged_name, final in zip(staged_names, finals, strict=True):
                    publish_exclusively(staging / staged_name, out_dir / final)
                    published.append(out_dir / final)
            except FileExistsError:  # another export took a name meanwhile: next counter
                for path, staged_name in zip(published, staged_names, strict=False):
                    os.replace(path, staging / staged_name)
                published = []
                counter += 1
                continue
            break
        fsync_dir(out_dir)
    except OSError as exc:
        for path in published:  # all or nothing: take back what was already published
            path.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        raise ExchangeError(
            f"cannot write the export to {out_dir}: {exc.strerror or exc}; nothing was written"
        ) from exc
    shutil.rmtree(staging, ignore_errors=True)
    return published


# --- reading ----------------------------------------------------------------------------------


@dataclass
class ExchangeFile:
    """An exchange file read back: its header and its rows, cells decoded (and typed when asked)."""

    path: Path
    columns: list[str]
    rows: list[dict[str, Any]]


def read_exchange_csv(
    path: Path | str, columns: Sequence[ExportColumn] | None = None
) -> ExchangeFile:
    """Read an exchange file, reversing the cell encoding exactly.

    Accepts UTF-8 with or without BOM. Without `columns` every cell comes back as the exported text;
    with them, `date`/`datetime`/`int` cells come back typed and every listed column must be in the
    header. Raises `ExchangeError` naming the file, row and column of the first problem.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExchangeError(
            f"{path}: not UTF-8 text (byte {exc.start}); re-save it as UTF-8"
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ExchangeError(f"{path}: the file is empty") from None
    missing = [n for n in MERGE_COLUMN_NAMES if n not in header]
    if missing:
        raise ExchangeError(f"{path}: row 1: missing column(s) {', '.join(missing)}")
    kinds: dict[str, ColumnKind] = {}
    for column in columns or ():
        if column.name not in header:
            raise ExchangeError(f"{path}: row 1: missing column {column.name}")
        kinds[column.name] = column.kind
    rows: list[dict[str, Any]] = []
    for line_no, cells in enumerate(reader, start=2):
        if not cells:
            continue
        if len(cells) != len(header):
            raise ExchangeError(
                f"{path}: row {line_no}: {len(cells)} cells where the header has {len(header)}"
            )
        row: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=True):
            value = decode_cell(cell)
            kind = kinds.get(name, "text")
            try:
                row[name] = _typed(value, kind)
            except ValueError:
                raise ExchangeError(
                    f"{path}: row {line_no}, column {name}: {value!r} is not a valid {kind}"
                ) from None
        rows.append(row)
    return ExchangeFile(path=path, columns=header, rows=rows)
