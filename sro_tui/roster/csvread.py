"""Reading roster files: text decoding, CSV tables, header spellings, problems, and the plain
"parsed roster" shape that both the SIS CSV and the OneRoster readers produce.

Nothing here touches the database. Columns that hold a place of birth, citizenship or immigration
status are blanked the moment a row is read, so no later code can see them (RCW 10.93.160).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import charset_normalizer

from sro_tui.search import fold

MAX_PROBLEMS = 100  # errors reported in full; past this the message says how many more there are
MAX_FILE_BYTES = 200 * 1024 * 1024  # a roster of 100,000 students is ~30 MB; more is not a roster

# Header keys (see header_key) that are never read: place of birth, citizenship, immigration status.
FORBIDDEN_HEADER_KEYS = frozenset(
    {
        "countryofbirthcode",
        "countryofbirth",
        "stateofbirthabbreviation",
        "stateofbirth",
        "cityofbirth",
        "birthplace",
        "placeofbirth",
        "birthcountry",
        "birthstate",
        "birthcity",
        "citizenship",
        "citizenshipstatus",
        "countryofcitizenship",
        "immigrationstatus",
        "immigrant",
        "immigrantstatus",
        "visastatus",
        "alienregistrationnumber",
    }
)


# --- problems -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterProblem:
    """One thing wrong (or worth knowing) about a roster file, located as precisely as possible."""

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.reason}"


SUMMARY_LIMIT = 400  # characters of the one-line summary (problems themselves stay whole)


class RosterImportError(Exception):
    """The roster cannot be imported; nothing was written. `problems` lists every problem found
    (up to MAX_PROBLEMS); str() is a one-line summary naming the first."""

    def __init__(self, problems: list[RosterProblem], summary: str = "", more: int = 0):
        self.problems = list(problems)
        self.more = more  # problems found beyond the cap
        if not summary:
            total = len(self.problems) + more
            first = str(self.problems[0]) if self.problems else "the roster cannot be read"
            summary = (
                first
                if total <= 1
                else (f"{total} problems in the roster, nothing imported; first: {first}")
            )
        # One line, whatever the file held (a stray quote can make a whole file one header cell).
        summary = " ".join(summary.split())
        if len(summary) > SUMMARY_LIMIT:
            summary = summary[: SUMMARY_LIMIT - 1] + "…"
        self.summary = summary
        super().__init__(summary)


@dataclass(frozen=True)
class BundleSchool:
    """A school a roster file holds: OneRoster org, or a value of an SIS CSV's school column."""

    sourced_id: str
    identifier: str
    name: str
    # An SIS CSV's school column: the SIS's own number for the school (PowerSchool SchoolID 310),
    # tied to the school as source_id, never a short code to offer for exports.
    sis_number: bool = False

    def __str__(self) -> str:
        code = self.identifier or self.sourced_id
        return f"{self.name} ({code})" if self.name and self.name != code else code


class SchoolChoiceNeeded(RosterImportError):
    """The file holds several schools and none was chosen: a school keeps only its own students."""

    def __init__(self, file: str, schools: list[BundleSchool], reason: str = ""):
        self.schools = schools
        listing = "; ".join(str(s) for s in schools)
        reason = reason or f"this file holds {len(schools)} schools; choose one with --school"
        super().__init__([RosterProblem(file, None, None, f"{reason}: {listing}")])


class ProblemLog:
    """Collects errors (which refuse the import) and warnings (which do not), capped."""

    def __init__(self) -> None:
        self.errors: list[RosterProblem] = []
        self.warnings: list[RosterProblem] = []
        self.more_errors = 0
        self.more_warnings = 0

    def error(self, file: str, row: int | None, column: str | None, reason: str) -> None:
        if len(self.errors) < MAX_PROBLEMS:
            self.errors.append(RosterProblem(file, row, column, reason))
        else:
            self.more_errors += 1

    def warn(self, file: str, row: int | None, column: str | None, reason: str) -> None:
        if len(self.warnings) < MAX_PROBLEMS:
            self.warnings.append(RosterProblem(file, row, column, reason))
        else:
            self.more_warnings += 1

    def raise_if_errors(self) -> None:
        if self.errors:
            raise RosterImportError(self.errors, more=self.more_errors)

    def fail(
        self, file: str, row: int | None, column: str | None, reason: str
    ) -> RosterImportError:
        """An error that stops reading at once (the file itself is unusable)."""
        self.error(file, row, column, reason)
        return RosterImportError(self.errors, more=self.more_errors)


# --- decoding and tables ---------------------------------------------------------------------

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(name: str) -> str:
    """'Student ID', 'student_id', 'StudentID ' -> 'studentid': spellings compare equal."""
    return _NOT_ALNUM.sub("", fold(name))


def decode_text(data: bytes, file: str, log: ProblemLog) -> tuple[str, str]:
    """Text of a roster file and a note on how it was read ('' for plain UTF-8).

    UTF-8 (with or without BOM) first; UTF-16 when it has a BOM (Excel's "Unicode text"); else the
    code page charset-normalizer detects (Excel on Windows writes Windows-1252 for "CSV (Comma
    delimited)").
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), ""
        except UnicodeDecodeError as exc:
            raise log.fail(
                file, None, None, f"starts as UTF-8 but byte {exc.start} is not UTF-8"
            ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), f"{file} read as UTF-16"
        except UnicodeDecodeError as exc:
            raise log.fail(file, None, None, "is not valid UTF-16 text") from exc
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    # Not UTF-8: let charset-normalizer tell which code page it is, among those spreadsheet
    # programs write for "CSV" (Windows-1252 in the US, Mac Roman, the old DOS pages). Left free
    # it names Baltic or Cyrillic pages for short Western files; the list keeps it to the real ones.
    best = charset_normalizer.from_bytes(data, cp_isolation=list(_CODE_PAGES)).best()
    if best is None or best.encoding not in _CODE_PAGES:
        raise log.fail(
            file,
            None,
            None,
            "is not UTF-8 text, nor text in a code page Excel writes; save it again as CSV UTF-8",
        )
    return str(best), (
        f"{file} is not UTF-8: read as {_CODE_PAGES[best.encoding]} (detected); check that "
        "accented names look right"
    )


_CODE_PAGES = {
    "cp1252": "Windows-1252",
    "mac_roman": "Mac Roman",
    "cp850": "DOS code page 850",
    "cp437": "DOS code page 437",
}


@dataclass
class CsvTable:
    """A CSV file's header and rows. `rows` holds (line number, cells); cells are stripped, padded
    to the header's width, and forbidden columns are already blank."""

    file: str
    header: list[str]
    keys: list[str]
    rows: list[tuple[int, list[str]]]
    note: str = ""

    def find(self, *aliases: str) -> int | None:
        """Index of the first alias (a header_key) present in the header, in alias order."""
        for alias in aliases:
            if alias in self._positions:
                return self._positions[alias]
        return None

    def name_of(self, index: int | None) -> str | None:
        return None if index is None else self.header[index]

    def __post_init__(self) -> None:
        self._positions: dict[str, int] = {}
        for i, key in enumerate(self.keys):
            if key and key not in self._positions:  # the first of two same-named columns wins
                self._positions[key] = i


def _delimiter(first_line: str) -> str:
    # Some locales' Excel writes ';'; exports from other tools sometimes use tabs.
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_table(data: bytes, file: str, log: ProblemLog) -> CsvTable:
    """Parse CSV bytes into a CsvTable: any encoding decode_text accepts, CRLF or LF (mixed too),
    blank lines skipped, extra columns kept (and ignored by the readers), IDs left as text."""
    if len(data) > MAX_FILE_BYTES:
        raise log.fail(file, None, None, f"is {len(data) // 2**20} MB, too large for a roster")
    text, note = decode_text(data, file, log)
    if "\x00" in text:
        raise log.fail(file, None, None, "holds NUL bytes: it is not a CSV text file")
    stripped = text.lstrip("\r\n")
    reader = csv.reader(_lines(stripped), delimiter=_delimiter(stripped.split("\n", 1)[0]))
    skipped_lines = len(text) - len(stripped)
    line_offset = text[:skipped_lines].count("\n")
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise log.fail(file, 1 + line_offset, None, f"the header cannot be read ({exc})") from exc
    if not header or not any(h.strip() for h in header):
        raise log.fail(file, None, None, "is empty (no header row)")
    header = [h.strip().strip('"').strip() for h in header]
    keys = [header_key(h) for h in header]
    width = len(header)
    forbidden = [i for i, k in enumerate(keys) if k in FORBIDDEN_HEADER_KEYS]
    dropped: set[int] = set()  # the forbidden columns that held a value (blanked, never read)
    unnamed = {i for i, h in enumerate(header) if not h}
    rows: list[tuple[int, list[str]]] = []
    same = {"": ""}.setdefault
    spill_rows: list[int] = []
    start = reader.line_num + 1 + line_offset
    delimiter = reader.dialect.delimiter
    named = len(header) - next((i for i, h in enumerate(reversed(header)) if h.strip()), 0)
    usual = last_length = 0  # cells in the row before the last, and in the last
    try:
        for cells in reader:
            row_number = start
            start = reader.line_num + 1 + line_offset
            if start - row_number > 1:
                _swallowed_rows(cells, header, row_number, delimiter, file, log)
            usual, last_length = (last_length or usual), len(cells)
            # One string object per distinct value (cities, grades, flags, a sibling's family
            # repeat on many rows): a 50,000-student file then takes a fraction of the memory.
            cells = list(map(str.strip, cells))
            cells = list(map(same, cells, cells))
            if not any(cells):
                continue  # blank line, or a row of empty cells that Excel leaves behind
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            elif len(cells) > width:
                if any(cells[width:]):
                    spill_rows.append(row_number)
                del cells[width:]
            for i in forbidden:
                if cells[i]:
                    dropped.add(i)
                    cells[i] = ""
            if unnamed and any(cells[i] for i in unnamed):
                spill_rows.append(row_number)
            rows.append((row_number, cells))
    except csv.Error as exc:
        raise log.fail(file, start, None, f"this row cannot be read as CSV ({exc})") from exc
    if rows:
        _damaged_end(text, rows, header, min(usual or named, named), last_length, file, log)
    if '"' in stripped:
        _malformed_quotes(stripped, delimiter, line_offset, file, log)
    if spill_rows:
        log.warn(
            file,
            spill_rows[0],
            None,
            f"{len(spill_rows)} row(s) have values under no column header; those values "
            "were ignored",
        )
    if dropped:  # columns present but empty (the public bundles' birth places) lose nothing
        names = ", ".join(header[i] for i in forbidden if i in dropped)
        what = f"columns {names} were" if len(dropped) > 1 else f"column {names} was"
        log.warn(
            file,
            None,
            None,
            f"{what} not read: place of birth, citizenship and immigration "
            "status are never stored (RCW 10.93.160)",
        )
    return CsvTable(file=file, header=header, keys=keys, rows=rows, note=note)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


_OTHER_LINE_BREAKS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _lines(text: str) -> Iterable[str]:
    """The text's lines with their line ends, as io.StringIO(text, newline="") gives them, without
    StringIO's copy of a large file (four bytes a character). str.splitlines is the fast way,
    but it also breaks at form feeds and Unicode separators, which CSV keeps inside cells: a text
    holding one is split by a regular expression, one line at a time."""
    if not _OTHER_LINE_BREAKS.search(text):
        return text.splitlines(keepends=True)
    return (match.group() for match in _LINE.finditer(text))


def _swallowed_rows(
    cells: list[str], header: list[str], row: int, delimiter: str, file: str, log: ProblemLog
) -> None:
    """A cell running over several lines whose lines look like rows of their own: a stray quote
    opened the cell and the rows after it were read into it. Refused, naming row and column."""
    need = max(1, len(header) - 1)
    for i, cell in enumerate(cells):
        lines = cell.splitlines()
        rowlike = [line for line in lines[1:] if line.count(delimiter) >= need]
        if rowlike:
            column = header[i] if i < len(header) else f"#{i + 1}"
            raise log.fail(
                file,
                row,
                column,
                f'a quote (") opens this cell and is not closed where the row ends, so the '
                f"{len(lines) - 1} line(s) after it were read into this cell; fix the quotes "
                "in this row and export again",
            )


def _malformed_quotes(
    text: str, delimiter: str, line_offset: int, file: str, log: ProblemLog
) -> None:
    """Warn about the first row where a quoted cell is closed and text follows the closing quote
    (`"Height 5'10" tall"`, `"abc"def`): a stray or unescaped quote. The lenient read keeps the
    text, joined; a strict read names the row, so it can be checked in the file."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for _cells in reader:
            pass
    except csv.Error as exc:
        if "expected after" in str(exc):
            log.warn(
                file,
                reader.line_num + line_offset,
                None,
                'a quote (") closes a cell and text follows it (a stray or unescaped quote): '
                "the row was read as best it could be; check its values (later rows were not "
                "checked for this)",
            )


def _ends_inside_quotes(text: str) -> bool:
    # An odd number of quotes can be an inch mark in a note (5'10"); only a strict read that
    # reaches the end of the file inside a quoted cell is a damaged file. Rare, so read twice.
    try:
        for _cells in csv.reader(io.StringIO(text, newline=""), strict=True):
            pass
    except csv.Error as exc:
        return "end of data" in str(exc)
    return False


def _damaged_end(
    text: str,
    rows: list[tuple[int, list[str]]],
    header: list[str],
    usual: int,
    length: int,
    file: str,
    log: ProblemLog,
) -> None:
    """An unclosed quote at the end of the file, or a last row cut short (fewer cells than the
    rows before it and the named columns, or a last value unlike its column's, and no line end
    after it: the copy stopped mid-row)."""
    row, cells = rows[-1]
    if text.count('"') % 2 and _ends_inside_quotes(text):
        index = next((i for i, c in enumerate(cells) if "\n" in c or "\r" in c), len(cells) - 1)
        column = header[index] if index < len(header) else None
        raise log.fail(
            file,
            row,
            column,
            'a quote (") in this row is never closed: the file ends inside it; fix the '
            "quotes and export again",
        )
    if not text.endswith(("\n", "\r")) and length < usual:
        raise log.fail(
            file,
            row,
            header[max(length - 1, 0)],
            f"the last row has {length} of {usual} columns and the file ends without a line "
            "end: it looks cut off; copy or export the file again",
        )
    if not text.endswith(("\n", "\r")) and 0 < length <= len(header):
        index = length - 1
        unlike = _unlike_its_column(cells[index], [r[1][index] for r in rows[-201:-1]])
        if unlike:
            raise log.fail(
                file,
                row,
                header[index],
                f"the file ends without a line end in the middle of this value ({cells[index]!r}, "
                f"where the other rows have {unlike}): it looks cut off; copy or export the "
                "file again",
            )


def _unlike_its_column(value: str, others: list[str]) -> str:
    """What the column's other values are, when the last value cannot be one of them (an
    e-mail address without its '@', a ZIP or a number with fewer digits): '' when it can."""
    others = [v for v in others if v]
    if not value or len(others) < 3:
        return ""
    if "@" not in value and sum("@" in v for v in others) >= 0.9 * len(others):
        return "e-mail addresses"
    digits = {len(v) for v in others if v.isdigit()}
    if len(digits) == 1 and sum(v.isdigit() for v in others) >= 0.9 * len(others):
        (size,) = digits
        if value.isdigit() and len(value) < size:
            return f"{size} digits"
    return ""


# --- values ----------------------------------------------------------------------------------

_GRADE_WORDS = {
    "K": "K",
    "KG": "K",
    "KF": "K",
    "KH": "K",
    "KINDERGARTEN": "K",
    "KINDER": "K",
    "PK": "PK",
    "PK3": "PK",
    "PK4": "PK",
    "PREK": "PK",
    "PREKINDERGARTEN": "PK",
    "P": "PK",
    "TK": "PK",
    "TRANSITIONALKINDERGARTEN": "PK",
}
# OneRoster / CEDS codes that are real but outside K-12: kept as no grade, with a warning.
_NOT_K12 = {"IT", "PR", "PS", "UG", "OTHER", "UNGRADED", "13", "POSTGRADUATE"}
_ORDINAL = re.compile(r"^(?:GRADE)?(\d{1,2})(?:ST|ND|RD|TH)?(?:GRADE)?$")


class NotK12Grade(ValueError):
    """A recognised grade code outside PK-12 (ungraded, infant/toddler, post-secondary...)."""


@lru_cache(maxsize=1024)  # a column holds a few values, 50,000 times
def normalize_grade(raw: str) -> str:
    """'09' -> '9', 'KG'/'0' -> 'K', 'PK'/'-1'/'-2' -> 'PK', '' -> ''.

    Raises NotK12Grade for a real code outside PK-12 and ValueError for anything else.
    """
    if raw.strip() in ("-1", "-2"):  # PowerSchool: PK4 = -1, PK3 = -2
        return "PK"
    text = re.sub(r"[\s.\-_]", "", raw.upper())
    if not text:
        return ""
    if text in _GRADE_WORDS:
        return _GRADE_WORDS[text]
    if text in _NOT_K12:
        raise NotK12Grade(f"{raw!r} is not a PK-12 grade; imported without a grade")
    match = _ORDINAL.match(text)
    if match:
        number = int(match.group(1))
        if number == 0:
            return "K"
        if 1 <= number <= 12:
            return str(number)
        if number == 13:
            raise NotK12Grade(f"{raw!r} is not a PK-12 grade; imported without a grade")
    raise ValueError(f"{raw!r} is not a grade")


_TRUE = {"true", "t", "yes", "y", "1", "x", "active"}
_FALSE = {"false", "f", "no", "n", "0", ""}


@lru_cache(maxsize=1024)  # a column holds a few values, 50,000 times
def parse_flag(raw: str) -> bool:
    """Yes/no cells as SIS exports write them; an empty cell in a flag column means no."""
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{raw!r} is not yes or no")


@lru_cache(maxsize=1024)  # a column holds a few values, 50,000 times
def normalize_sex(raw: str) -> str:
    """'M'/'male' -> 'Male', 'F'/'female' -> 'Female', 'X'/non-binary -> 'X'; others kept."""
    text = header_key(raw)
    if text in ("m", "male"):
        return "Male"
    if text in ("f", "female"):
        return "Female"
    if text in ("x", "nonbinary", "n"):
        return "X"
    if text in ("", "u", "unspecified", "unknown"):
        return ""
    return raw.strip()


_EXCEL_NUMBER = re.compile(r"^\d(?:\.\d+)?E\+\d+$", re.IGNORECASE)


MAX_ID_LENGTH = 64


def id_problem(value: str) -> str:
    """Why an ID cell cannot be used ('' when it can): empty, a line break, a comma or a quote
    inside (a stray quote joined two cells or rows, or was read into the cell), longer than 64
    characters, or turned into a number."""
    if not value:
        return "the student ID is empty"
    if "\n" in value or "\r" in value:
        return "the ID holds a line break (a stray quote joined rows?)"
    if "," in value or ";" in value:
        return f"the ID {value[:40]!r} holds a comma (a stray quote joined cells?)"
    if '"' in value:
        return (
            f'the ID {value[:40]!r} holds a quote ("): a stray quote in this row was read '
            "into the ID; fix the quotes and export again"
        )
    if len(value) > MAX_ID_LENGTH:
        return f"the ID is {len(value)} characters long; an ID has at most {MAX_ID_LENGTH}"
    if _EXCEL_NUMBER.match(value):
        return (
            f"{value!r} looks like an ID that a spreadsheet turned into a number; export "
            "the file again without opening it in Excel"
        )
    return ""


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def is_iso_date(value: str) -> bool:
    return bool(_ISO_DATE.match(value))


# --- the parsed roster -----------------------------------------------------------------------


@dataclass(slots=True)
class RosterStudent:
    """A student as the file describes them. None means "the file has no such column": the
    import then keeps what the database holds."""

    sis_id: str
    source_id: str
    first_name: str
    last_name: str
    active: bool
    file: str
    row: int
    middle_name: str | None = None
    preferred_name: str | None = None
    grade: str | None = None
    homeroom: str | None = None
    race_ethnicity: str | None = None
    sex: str | None = None
    iep: bool | None = None
    section_504: bool | None = None
    english_learner: bool | None = None
    home_language: str | None = None
    ssid: str | None = None


@dataclass(slots=True)
class RosterGuardian:
    source_key: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    preferred_language: str = ""
    lives_apart: bool = False  # the file says they do not live with their students


@dataclass
class ParsedRoster:
    """What a reader hands to the import: students of one school, their guardians and the links
    (student sis_id, guardian source_key, relationship)."""

    format: str
    school: BundleSchool | None
    students: list[RosterStudent]
    guardians: dict[str, RosterGuardian]
    links: list[tuple[str, str, str]]
    warnings: list[RosterProblem] = field(default_factory=list)
    encoding_note: str = ""
    delta: bool = False  # a OneRoster delta: students absent from the file are left as they are
    columns_used: list[tuple[str, str]] = field(default_factory=list)  # (header, used for)
    columns_ignored: list[str] = field(default_factory=list)  # headers read for nothing
    families_missing: bool = False  # the file names no guardian: students come without families
    # guardians the file marks as gone (OneRoster status tobedeleted): in a delta, the only
    # guardians (and links) an import removes
    removed_guardians: set[str] = field(default_factory=set)
