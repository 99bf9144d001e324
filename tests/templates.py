"""Databases built once per test process and copied: a file copy takes a millisecond, building
an empty database (every migration, each committed) or the demo school takes from tens of
milliseconds to seconds. Each xdist worker builds its own templates the first time a test asks,
in a private temporary folder removed when the process ends.

A copy is the very file a fresh build writes (closed, so its write-ahead log is folded in); the
test opens it with `open_database` as before, which finds it migrated and makes it private.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sro_tui.db import open_database
from sro_tui.demo import create_demo_school
from sro_tui.paths import ensure_private_dir

_FOLDER: Path | None = None
_BUILT: dict[str, Path] = {}


def _template(name: str, fill: Callable[[], object]) -> Path:
    global _FOLDER
    if name not in _BUILT:
        if _FOLDER is None:
            _FOLDER = Path(tempfile.mkdtemp(prefix="sro-tui-templates-"))
            atexit.register(shutil.rmtree, _FOLDER, True)
        path = _FOLDER / f"{name}.sqlite3"
        database = open_database(path)
        try:
            fill()
        finally:
            database.close()
        _BUILT[name] = path
    return _BUILT[name]


def copy_template(name: str, fill: Callable[[], object], target: Path) -> Path:
    """`target` becomes a copy of the database `fill` writes into a new file (built once per
    process under `name`); the folder is created private, as `open_database` would."""
    template = _template(name, fill)
    ensure_private_dir(target.parent)
    shutil.copyfile(template, target)
    target.chmod(0o600)
    return target


def empty_database(target: Path) -> Path:
    """A new, migrated database with nothing in it, at `target`."""
    return copy_template("empty", lambda: None, target)


DEMO_TODAY = date(2026, 11, 28)


def demo_school(target: Path) -> Path:
    """The demo school as `create_demo_school(2026-11-28)` writes it, at `target`."""
    return copy_template("demo", lambda: create_demo_school(DEMO_TODAY), target)
