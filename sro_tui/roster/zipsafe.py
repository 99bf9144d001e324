"""Opening a roster zip without trusting it: corrupt archives, zip bombs and strange member names.

A OneRoster bundle is a zip from the district's SIS; a damaged download or a hostile file must be
refused with one plain line, quickly, without filling the memory. The checks, in order:

* the archive opens at all (`BadZipFile`, a truncated file, an encrypted member);
* no member name is absolute, climbs out with `..`, names a drive, or holds a NUL or a backslash
  path; no nested archive (a zip inside the zip is not a roster);
* at most `MAX_MEMBERS` members, and the sizes the archive *declares* stay under `MAX_TOTAL_BYTES`
  in all and `MAX_MEMBER_BYTES` each, with a compression ratio under `MAX_RATIO` for any member
  big enough to matter;
* reading a member streams it in chunks and stops as soon as it passes its declared size or the
  limit (a bomb may lie about its sizes), so memory never holds more than one member's limit;
  a damaged stream (`zlib.error`, a bad CRC) is refused the same way.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath

MAX_MEMBERS = 2_000
MAX_MEMBER_BYTES = 200 * 1024 * 1024  # as csvread.MAX_FILE_BYTES: more than any real roster file
MAX_TOTAL_BYTES = 400 * 1024 * 1024
MAX_RATIO = 100  # real CSVs compress 5-20 times; a bomb, thousands
RATIO_CHECKED_FROM = 1024 * 1024  # a tiny file may compress oddly well and harms nothing
CHUNK = 1024 * 1024
NESTED_ARCHIVES = (".zip", ".gz", ".tgz", ".7z", ".rar", ".tar", ".bz2", ".xz")


# What zipfile raises on a damaged or unusual archive (found by tests/core/test_import_fuzz.py):
# RuntimeError for an encrypted member, NotImplementedError for an unknown version or method.
ZIP_FAILURES = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    IndexError,
)


class ZipRefused(Exception):
    """The zip cannot be read safely; the message is one line naming the member and the reason."""


def _unsafe_name(name: str) -> str | None:
    if not name:
        return "has an empty name"
    if "\x00" in name:
        return "has a NUL character in its name"
    if "\\" in name:
        return "uses a backslash path"
    path = PurePosixPath(name)
    if path.is_absolute() or (len(name) > 1 and name[1] == ":"):
        return "has an absolute path"
    if ".." in path.parts:
        return "climbs out of the archive (..)"
    if name.lower().endswith(NESTED_ARCHIVES):
        return "is an archive inside the archive: unpack it and import the inner one"
    return None


def open_roster_zip(path: Path) -> zipfile.ZipFile:
    """Open and check a roster zip (see the module docstring); raises ZipRefused."""
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except ZIP_FAILURES as exc:
        raise ZipRefused(f"cannot be opened as a zip file ({exc})") from exc
    try:
        check_members(members)
    except ZipRefused:
        archive.close()
        raise
    return archive


def check_members(members: list[zipfile.ZipInfo]) -> None:
    """Refuse unsafe names and declared sizes or ratios of a bomb, before anything is read."""
    if len(members) > MAX_MEMBERS:
        raise ZipRefused(f"holds {len(members):,} files; a roster has a few dozen at most")
    total = 0
    for member in members:
        problem = _unsafe_name(member.filename)
        if problem:
            raise ZipRefused(f"{member.filename!r} {problem}")
        if member.flag_bits & 0x1:
            raise ZipRefused(
                f"{member.filename} is encrypted: export the roster without a password"
            )
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES:
            raise ZipRefused(
                f"{member.filename} would unpack to {member.file_size / 1e6:,.0f} MB: "
                "too large for a roster file"
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECKED_FROM and ratio > MAX_RATIO:
            raise ZipRefused(
                f"{member.filename} unpacks {ratio:,.0f} times larger than it is stored: "
                "a zip bomb, not a roster"
            )
    if total > MAX_TOTAL_BYTES:
        raise ZipRefused(f"would unpack to {total / 1e6:,.0f} MB in all: too large for a roster")


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """A member's bytes, read in chunks and never past its declared size or the limit."""
    limit = min(member.file_size, MAX_MEMBER_BYTES)
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(member) as stream:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise ZipRefused(
                        f"{member.filename} unpacks to more than it declares: a damaged zip or "
                        "a zip bomb"
                    )
                chunks.append(chunk)
    except ZIP_FAILURES as exc:
        raise ZipRefused(f"{member.filename} is damaged in the zip ({exc})") from exc
    return b"".join(chunks)
