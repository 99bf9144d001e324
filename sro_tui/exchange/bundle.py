"""The district bundle: one send from a school, written whole, verified and read back streaming.

A bundle (FORMATS.md, "The district bundle") is a folder — or that folder zipped, for e-mail —
named `<school>_district-bundle_<year>_<YYYYmmdd-HHMMSS>` holding every CSV of the year and a
`manifest.json`:

    {"format": "sro-tui district bundle", "format_version": 1,
     "school": {"code", "name", "record_id", "district", "ospi_building_code",
                "county_district_code"},
     "school_year": "2026-27", "created_at": "2026-09-15T17:05:00.123456Z", "app_version": "0.1.0",
     "laptop": {"id": "…", "name": "Front office"},
     "files": [{"name": "family-notices.csv", "kind": "family-notices", "rows": 1480,
                "sha256": "…", "columns": ["record_id", …]}, …],
     "manifest_sha256": "…"}

Every file is a *complete* picture of its kind for that school and year at `created_at`: a record
missing from a newer bundle was removed (or undone) at the school.

**Cells.** The CSVs are plain UTF-8 without a byte-order mark, comma-separated, CRLF line ends,
every value exactly as the school has it (IDs such as `000176` plain, never `="000176"`), with one
rule against spreadsheet formulas, the same for every column (`neutralise_cell`):

    a cell gets one `'` in front when it starts with `=`, `@`, tab, CR or LF; or with `+` or `-`
    followed by anything but digits, spaces and `. , ( ) / # * : x`; or when it is one or more
    `'` followed by such a start.

So `-3`, `+1 360 555 0100` and `2026-09-15` stay as they are, and `=HYPERLINK(…)`, `@SUM(…)` or
`-2+cmd|…` become text. `restore_cell` (used by the merge) removes exactly that one `'` again; the
two are exact inverses, so every value survives a send and a merge unchanged.

**Laptops.** A school may keep its records on several laptops; `laptop` (optional, added in issue
18 without a new format version) names the one that sent: its `id` keys that laptop's records at
the district, its `name` is what people read. A bundle without it reads as sent by the laptop
whose id is the school's `record_id`, named "unnamed laptop".

**Identity.** `manifest_sha256` is the SHA-256 of the manifest's own content (canonical JSON, sorted
keys, without that field); it holds the SHA-256 of every file, so it is the bundle's hash: the same
bundle merged twice is recognised by it, and a changed manifest is noticed like a changed CSV.

**Writing** goes to a hidden temporary folder beside the target (0700, files 0600, each fsynced),
renamed whole when complete; **reading** (`open_bundle`) checks the manifest first, then each file's
rows and checksum *while* streaming it, so a damaged or truncated file is reported (file and
reason) before the caller commits anything.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sro_tui.exchange.csvfiles import ExchangeError
from sro_tui.paths import ensure_private_dir, write_private_file_atomically

BUNDLE_FORMAT = "sro-tui district bundle"
BUNDLE_FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
BUNDLE_KIND = "district-bundle"
MAX_MANIFEST_BYTES = 1_000_000
UNNAMED_LAPTOP = "unnamed laptop"
"""The laptop name of a bundle written before laptops had names."""

_FORMULA_START = re.compile(r"^(?:[=@\t\r\n]|[+\-](?![0-9 .,()/#*:x]*$))")
_NEUTRALISED = re.compile(r"^'*(?:[=@\t\r\n]|[+\-](?![0-9 .,()/#*:x]*$))")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.csv$")
_SAFE_FILE_PART = re.compile(r"[^A-Za-z0-9-]+")


class BundleError(ExchangeError):
    """A bundle cannot be written or is not a sound bundle; the message names the file and why."""


# --- cells ------------------------------------------------------------------------------------


def _needs_quote_mark(value: str) -> bool:
    if not value:
        return False
    first = value[0]
    if first == "'":
        return bool(_NEUTRALISED.match(value))
    if first in "=@+-\t\r\n":
        return bool(_FORMULA_START.match(value))
    return False


def neutralise_cell(value: str) -> str:
    """The cell written in a bundle CSV for `value` (see the module docstring for the rule)."""
    return "'" + value if _needs_quote_mark(value) else value


def restore_cell(cell: str) -> str:
    """Undo `neutralise_cell`: the exact value the school has."""
    if cell[:1] == "'" and _needs_quote_mark(cell[1:]):
        return cell[1:]
    return cell


# --- writing ----------------------------------------------------------------------------------


@dataclass
class BundleFileSpec:
    """One file to put in a bundle: its kind (`family-notices`), header and rows of text."""

    kind: str
    columns: Sequence[str]
    rows: Iterable[Sequence[str]]


@dataclass
class WrittenBundle:
    """A bundle on disk: its folder, its manifest (as written) and the bundle hash."""

    path: Path
    manifest: dict[str, Any]
    bundle_hash: str
    workbook: Path | None = None


def bundle_folder_name(school_code: str, school_year: str, at: datetime) -> str:
    """`PTHS_district-bundle_2026-27_20260915-170500` (unsafe characters become `-`)."""
    code, year = (_SAFE_FILE_PART.sub("-", p).strip("-") or "x" for p in (school_code, school_year))
    return f"{code}_{BUNDLE_KIND}_{year}_{at:%Y%m%d-%H%M%S}"


def iso_utc(moment: datetime) -> str:
    """A time as the bundle writes it: ISO 8601 in UTC with a `Z`."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat() + "Z"


def parse_iso_utc(text: str) -> datetime:
    """Read a time written by `iso_utc` (naive UTC); raises ValueError on anything else."""
    if text.endswith("Z"):
        return datetime.fromisoformat(text[:-1])
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


class _HashingWriter(io.RawIOBase):
    def __init__(self, handle: IO[bytes]):
        self.handle, self.sha = handle, hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.sha.update(data)
        return self.handle.write(data)


def _write_csv(path: Path, spec: BundleFileSpec) -> dict[str, Any]:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    rows = 0
    with os.fdopen(fd, "wb") as raw:
        hashing = _HashingWriter(raw)
        text = io.TextIOWrapper(io.BufferedWriter(hashing, 1 << 16), encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([neutralise_cell(c) for c in spec.columns])
        width = len(spec.columns)
        for row in spec.rows:
            if len(row) != width:
                raise BundleError(f"{path.name}: a row has {len(row)} cells, the header {width}")
            writer.writerow([neutralise_cell(c) for c in row])
            rows += 1
        text.flush()
        text.detach().flush()
        raw.flush()
        os.fsync(raw.fileno())
    return {
        "name": path.name,
        "kind": spec.kind,
        "rows": rows,
        "sha256": hashing.sha.hexdigest(),
        "columns": list(spec.columns),
    }


def write_bundle(
    out_dir: Path | str,
    files: Iterable[BundleFileSpec],
    *,
    school: dict[str, str],
    school_year: str,
    app_version: str,
    created_at: datetime,
    laptop: dict[str, str] | None = None,
) -> WrittenBundle:
    """Write one bundle folder into `out_dir` and return it; all or nothing.

    `school` holds `code`, `name`, `record_id` and whatever building codes the school has. The
    folder appears under its final name only when every file and the manifest are on disk; on any
    failure `BundleError` says why and nothing is left behind. `laptop` (`{"id", "name"}`) says
    which of the school's laptops sent it.
    """
    out_dir = Path(out_dir).expanduser()
    name = bundle_folder_name(school["code"], school_year, created_at)
    try:
        ensure_private_dir(out_dir)
        target, counter = out_dir / name, 2
        while target.exists():  # two sends in one second: never replace the first
            target = out_dir / f"{name}-{counter}"
            counter += 1
        tmp = out_dir / f".{target.name}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(mode=0o700)
    except OSError as exc:
        raise BundleError(f"cannot write the bundle to {out_dir}: {exc.strerror or exc}") from exc
    try:
        entries = []
        for spec in files:
            entries.append(_write_csv(tmp / f"{spec.kind}.csv", spec))
        manifest: dict[str, Any] = {
            "format": BUNDLE_FORMAT,
            "format_version": BUNDLE_FORMAT_VERSION,
            "school": dict(school),
            "school_year": school_year,
            "created_at": iso_utc(created_at),
            "app_version": app_version,
            "files": entries,
        }
        if laptop is not None:
            manifest["laptop"] = {"id": str(laptop["id"]), "name": str(laptop["name"])}
        manifest["manifest_sha256"] = manifest_checksum(manifest)
        data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        write_private_file_atomically(tmp / MANIFEST_NAME, data)
        os.chmod(tmp, 0o700)
        os.rename(tmp, target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BundleError(
                f"cannot write the bundle to {out_dir}: {exc.strerror or exc}"
            ) from exc
        raise
    return WrittenBundle(target, manifest, manifest["manifest_sha256"])


def manifest_checksum(manifest: dict[str, Any]) -> str:
    """SHA-256 of the manifest's content (canonical JSON, without this checksum): the bundle hash.

    It covers every file's SHA-256, so it identifies the whole bundle, and it lets the reader
    notice a changed manifest as surely as a changed CSV."""
    content = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- reading ----------------------------------------------------------------------------------


@dataclass
class BundleEntry:
    """One file as the manifest describes it."""

    name: str
    kind: str
    rows: int
    sha256: str
    columns: list[str] = field(default_factory=list)


@dataclass
class BundleManifest:
    """A bundle's manifest, checked: who sent it, for which year, when, and its files."""

    school: dict[str, str]
    school_year: str
    created_at: datetime
    app_version: str
    format_version: int
    files: list[BundleEntry]
    bundle_hash: str
    laptop_id: str = ""
    laptop_name: str = UNNAMED_LAPTOP

    @property
    def school_code(self) -> str:
        return self.school["code"]


class _HashingReader(io.RawIOBase):
    def __init__(self, handle: IO[bytes]):
        self.handle, self.sha, self.size = handle, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.handle.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.sha.update(data)
        self.size += n
        return n


class Bundle:
    """An opened bundle (a folder or a .zip): its checked manifest, and its files read streaming.

    Use as a context manager. `rows(entry)` yields each data row as a list of restored values and,
    when the file ends, checks the row count and SHA-256 against the manifest and that every row
    belongs to the manifest's school and year; any difference raises `BundleError` naming the
    file and the reason.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        try:
            if self.path.is_dir():
                pass
            elif zipfile.is_zipfile(self.path):
                self._zip = zipfile.ZipFile(self.path)
                names = [n for n in self._zip.namelist() if n.endswith(MANIFEST_NAME)]
                if len(names) != 1:
                    raise BundleError(f"{self.path}: no single {MANIFEST_NAME} inside the zip")
                self._prefix = names[0][: -len(MANIFEST_NAME)]
            elif self.path.exists():
                raise BundleError(f"{self.path}: not a bundle folder or a .zip of one")
            else:
                raise BundleError(f"{self.path}: no such bundle")
        except (OSError, zipfile.BadZipFile) as exc:
            raise BundleError(f"{self.path}: cannot open: {exc}") from exc
        self.manifest = self._read_manifest()

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def _open(self, name: str) -> IO[bytes]:
        try:
            if self._zip is not None:
                return self._zip.open(self._prefix + name)
            return open(self.path / name, "rb")
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            raise BundleError(f"{self.path}: {name}: missing from the bundle") from exc

    def _read_manifest(self) -> BundleManifest:
        where = f"{self.path}: {MANIFEST_NAME}"
        with self._open(MANIFEST_NAME) as handle:
            data = handle.read(MAX_MANIFEST_BYTES + 1)
        if len(data) > MAX_MANIFEST_BYTES:
            raise BundleError(f"{where}: too large to be a manifest")
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BundleError(f"{where}: not valid JSON ({exc})") from exc
        if not isinstance(raw, dict) or raw.get("format") != BUNDLE_FORMAT:
            raise BundleError(f"{where}: not an sro-tui district bundle")
        version = raw.get("format_version")
        if version != BUNDLE_FORMAT_VERSION:
            raise BundleError(
                f"{where}: format version {version!r}; this sro-tui reads version "
                f"{BUNDLE_FORMAT_VERSION} — update sro-tui at the district"
            )
        try:
            school = {str(k): str(v) for k, v in raw["school"].items()}
            if not school.get("code") or not school.get("record_id"):
                raise ValueError("the school's code and record_id are required")
            created = parse_iso_utc(str(raw["created_at"]))
            files = [
                BundleEntry(
                    str(f["name"]),
                    str(f["kind"]),
                    int(f["rows"]),
                    str(f["sha256"]),
                    [str(c) for c in f["columns"]],
                )
                for f in raw["files"]
            ]
            year = str(raw["school_year"])
            laptop = raw.get("laptop") or {}
            if not isinstance(laptop, dict):
                raise ValueError("laptop must be an object")
            laptop_id = str(laptop.get("id") or "").strip() or school["record_id"]
            laptop_name = " ".join(str(laptop.get("name") or "").split()) or UNNAMED_LAPTOP
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BundleError(f"{where}: incomplete or malformed ({exc})") from exc
        checksum = manifest_checksum(raw)
        if raw.get("manifest_sha256") != checksum:
            raise BundleError(
                f"{where}: its checksum does not match its content (damaged or changed in transit)"
            )
        kinds = [f.kind for f in files]
        if len(set(kinds)) != len(kinds):
            raise BundleError(f"{where}: a kind of file is listed twice")
        for entry in files:
            if not _SAFE_NAME.match(entry.name):
                raise BundleError(f"{where}: unsafe file name {entry.name!r}")
        return BundleManifest(
            school=school,
            school_year=year,
            created_at=created,
            app_version=str(raw.get("app_version", "")),
            format_version=version,
            files=files,
            bundle_hash=checksum,
            laptop_id=laptop_id,
            laptop_name=laptop_name,
        )

    def rows(self, entry: BundleEntry) -> Iterator[list[str]]:
        """Stream one file's rows (restored values, in the order of `entry.columns`), verifying
        it as described on the class."""
        where = f"{self.path}: {entry.name}"
        code, year = self.manifest.school_code, self.manifest.school_year
        with self._open(entry.name) as handle:
            hashing = _HashingReader(handle)
            text = io.TextIOWrapper(
                io.BufferedReader(hashing, 1 << 16), encoding="utf-8-sig", newline=""
            )
            reader = csv.reader(text)
            try:
                header = [restore_cell(c) for c in next(reader)]
            except StopIteration:
                raise BundleError(f"{where}: the file is empty (truncated?)") from None
            except (UnicodeDecodeError, csv.Error) as exc:
                raise BundleError(f"{where}: row 1: unreadable ({exc})") from exc
            if header != entry.columns:
                raise BundleError(f"{where}: row 1: the header differs from the manifest")
            for required in ("record_id", "school_code", "school_year", "updated_at"):
                if required not in header:
                    raise BundleError(f"{where}: row 1: missing column {required}")
            width = len(header)
            i_code, i_year = header.index("school_code"), header.index("school_year")
            count = 0
            line = 1
            try:
                for cells in reader:
                    line += 1
                    if not cells:
                        continue
                    if len(cells) != width:
                        raise BundleError(
                            f"{where}: row {line}: {len(cells)} cells where the header has {width}"
                        )
                    # Most rows hold no quote mark at all: one search instead of a call per cell.
                    if "'" in "".join(cells):
                        values = [restore_cell(c) for c in cells]
                    else:
                        values = cells
                    if values[i_code] != code:
                        raise BundleError(
                            f"{where}: row {line}: school_code {values[i_code]!r} is not the "
                            f"bundle's school {code!r}"
                        )
                    if values[i_year] != year:
                        raise BundleError(
                            f"{where}: row {line}: school_year {values[i_year]!r} is not "
                            f"the bundle's {year}"
                        )
                    count += 1
                    yield values
            except (UnicodeDecodeError, csv.Error) as exc:
                raise BundleError(f"{where}: row {line}: unreadable ({exc})") from exc
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise BundleError(f"{where}: cannot be read ({exc})") from exc
            text.read()  # anything after the last row still counts for the checksum
        if hashing.sha.hexdigest() != entry.sha256:
            raise BundleError(
                f"{where}: the SHA-256 differs from the manifest (damaged or changed in transit)"
            )
        if count != entry.rows:
            raise BundleError(f"{where}: {count} rows where the manifest says {entry.rows}")

    def verify_files(self) -> None:
        """Check every file's SHA-256 against the manifest, reading bytes only (fast); raises
        `BundleError` naming the first file that differs."""
        for entry in self.manifest.files:
            sha = hashlib.sha256()
            try:
                with self._open(entry.name) as handle:
                    while chunk := handle.read(1 << 20):
                        sha.update(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise BundleError(f"{self.path}: {entry.name}: cannot be read ({exc})") from exc
            if sha.hexdigest() != entry.sha256:
                raise BundleError(
                    f"{self.path}: {entry.name}: the SHA-256 differs from the manifest "
                    "(damaged or changed in transit)"
                )


def open_bundle(path: Path | str) -> Bundle:
    """Open a bundle folder or .zip and check its manifest (`BundleError` when it is not sound)."""
    return Bundle(path)


def find_bundles(paths: Iterable[Path | str]) -> list[Path]:
    """The bundles named on a command line: each path is a bundle (folder or .zip), or a folder
    holding bundles (its sub-folders and .zip files that have a manifest), sorted by name."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir() and not (path / MANIFEST_NAME).exists():
            found.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if not p.name.startswith(".")
                    and ((p / MANIFEST_NAME).exists() or p.suffix == ".zip")
                )
            )
        else:
            found.append(path)
    return found
