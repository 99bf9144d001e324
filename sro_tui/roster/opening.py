"""Opening a roster: an SIS CSV (and its contacts export) or a OneRoster/SDS bundle, and
naming a spreadsheet workbook for what it is.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from sro_tui.roster.contacts import ContactsCsv
from sro_tui.roster.csvread import (
    ProblemLog,
    read_table,
)
from sro_tui.roster.oneroster import OneRosterBundle
from sro_tui.roster.sds import open_bundle
from sro_tui.roster.sis import SisCsv


def open_roster(path: Path, log: ProblemLog) -> SisCsv | OneRosterBundle:
    """The reader for a roster path: an SIS CSV, or a OneRoster/SDS folder or zip (also given
    as its users.csv); a workbook or a missing file is refused through `log`."""
    if not path.exists():
        raise log.fail(path.name, None, None, f"no such file or folder: {path}")
    siblings = {p.name.lower() for p in path.parent.iterdir()} if path.is_file() else set()
    if (
        path.is_file()
        and path.name.lower() in ("users.csv", "orgs.csv", "manifest.csv")
        and {"users.csv", "orgs.csv"} <= siblings
    ):
        path = path.parent  # a file inside a OneRoster folder: read the folder
    if path.is_file() and _is_spreadsheet(path):
        raise log.fail(
            path.name,
            None,
            None,
            "is a spreadsheet workbook, not a CSV file: open it in Excel (or LibreOffice), "
            "choose File › Save As › CSV UTF-8 (Comma delimited), and import that file",
        )
    try:
        if path.is_dir() or zipfile.is_zipfile(path):
            return open_bundle(path, log)
        data = path.read_bytes()
    except OSError as exc:
        raise log.fail(path.name, None, None, f"cannot be read ({exc.strerror or exc})") from exc
    return SisCsv(read_table(data, path.name, log), log)


_WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".numbers"}


def _is_spreadsheet(path: Path) -> bool:
    """An Excel/LibreOffice workbook (by name, or by its first bytes: an Office zip with
    xl/ or content.xml inside, or the old binary .xls)."""
    if path.suffix.lower() in _WORKBOOK_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: a binary .xls
            return True
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as bundle:
                names = bundle.namelist()
            return any(n.startswith("xl/") or n == "content.xml" for n in names)
    except (OSError, zipfile.BadZipFile, NotImplementedError, ValueError, EOFError):
        return False  # a damaged zip: the OneRoster reader refuses it with its reason
    return False


def open_contacts(path: Path, source: object, log: ProblemLog) -> ContactsCsv:
    """The contacts export that goes with a students CSV; the students file's own guardian
    columns are then not read."""
    if not isinstance(source, SisCsv):
        raise log.fail(
            path.name,
            None,
            None,
            "a contacts file goes with a students export (CSV); a OneRoster or SDS bundle "
            "carries its guardians itself",
        )
    if not path.is_file():
        raise log.fail(path.name, None, None, f"no such file: {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise log.fail(path.name, None, None, f"cannot be read ({exc.strerror or exc})") from exc
    contacts = ContactsCsv(read_table(data, path.name, log), log)
    source.read_guardians = False
    return contacts
