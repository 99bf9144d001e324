"""Back up the school's database, and restore a backup without ever corrupting it.

A backup is SQLite's online copy, safe while the app is open. A restore must never put a file in
place of the database while an old `-wal` file lies beside it: SQLite would replay that stale
log onto the restored file and corrupt it ("database disk image is malformed"). So `restore_backup`
checks the backup (integrity, schema), folds the current database's own log into it, keeps it as a
dated copy, removes the log files and only then moves the checked copy into place. It refuses
while another sro-tui (or any program) has the database open.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from peewee import SqliteDatabase

from sro_tui.db import SCHEMA_VERSION, DatabaseError, open_database, storage_problem
from sro_tui.paths import (
    ensure_private_dir,
    fsync_dir,
    publish_exclusively,
    remove_stale_temp_files,
    temp_name_for,
)

try:  # POSIX; on Windows SQLite's own lock check below is the guard
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

COMPANIONS = ("-wal", "-shm", "-journal")
COUNTED = {
    "student": "students",
    "guardian": "guardians",
    "presentation_attendance": "check-ins",
    "intervention_request": "intervention requests",
}


class BackupError(DatabaseError):
    """A backup or a restore was refused or failed; the message says why and what was kept."""


# --- the app's lock ---------------------------------------------------------------------------


def lock_path(db_path: Path) -> Path:
    return Path(f"{db_path}.lock")


def _open_lock_file(db_path: Path) -> IO[bytes]:
    fd = os.open(lock_path(db_path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    return os.fdopen(fd, "ab")


def hold_database_lock(db_path: Path) -> IO[bytes] | None:
    """Mark the database as open by this program until the returned file is closed.

    Any number of sro-tui windows may share it; `restore_backup` refuses while one is held.
    """
    if fcntl is None or str(db_path) == ":memory:":
        return None
    try:
        handle = _open_lock_file(db_path)  # held for the app's lifetime
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return None  # a read-only folder: SQLite's own check still guards the restore
    return handle


def _take_exclusive_lock(db_path: Path) -> IO[bytes] | None:
    if fcntl is None or not db_path.parent.exists():
        return None
    try:
        handle = _open_lock_file(db_path)  # closed by the caller
    except OSError:
        return None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise BackupError(
            f"another sro-tui has {db_path} open: close it (every window) and restore again; "
            "nothing was changed"
        ) from None
    return handle


# --- backup -----------------------------------------------------------------------------------


def _backup_target(destination: Path | str) -> tuple[Path, bool]:
    """(file to write, whether it was named by us in a folder)."""
    text = str(destination)
    path = Path(text).expanduser()
    if text.endswith(("/", os.sep)) or path.is_dir():
        ensure_private_dir(path)
        return path / f"sro-tui-backup-{datetime.now():%Y%m%d-%H%M%S}.sqlite3", True
    return path, False


def backup_database(db: SqliteDatabase, destination: Path | str, *, force: bool = False) -> Path:
    """Copy the live database with SQLite's online backup (safe while in use); return the file.

    `destination` is a file name, or a folder (existing, or any name ending in `/`, created 0700)
    that gets a dated file. An existing file is never replaced unless `force`; two backups in one
    second get `-2`, `-3`… Written under a temporary name, checked, and renamed, 0600. On failure
    (disk full, read-only folder) raises BackupError and leaves no temporary file.
    """
    target, dated = _backup_target(destination)
    if target.exists() and not dated and not force:
        raise BackupError(
            f"{target} already exists: give another name, or add --force to replace it"
        )
    tmp = temp_name_for(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        copy = sqlite3.connect(tmp)
        try:
            db.connection().backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
        os.chmod(tmp, 0o600)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        if force and not dated:
            os.replace(tmp, target)
        else:
            candidate, counter = target, 2
            while True:
                try:
                    publish_exclusively(tmp, candidate)
                    break
                except FileExistsError:
                    if not dated:
                        raise
                    candidate = target.with_name(f"{target.stem}-{counter}{target.suffix}")
                    counter += 1
            target = candidate
        fsync_dir(target.parent)
    except (OSError, sqlite3.Error) as exc:
        problem = storage_problem(exc)
        reason = str(problem) if problem else (getattr(exc, "strerror", None) or str(exc))
        raise BackupError(
            f"not backed up to {target.parent}: {reason}; the database itself is unchanged"
        ) from exc
    finally:
        for leftover in (tmp, *(Path(f"{tmp}{s}") for s in COMPANIONS)):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass  # a read-only folder answers EROFS even for a file that is not there
    return target


# --- restore ----------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    """What `restore_backup` did, in order, and the restored database's counts."""

    database: Path
    kept_copy: Path | None
    removed: list[Path] = field(default_factory=list)
    schema: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    upgraded: bool = False

    def lines(self) -> list[str]:
        """What happened, one plain sentence per line."""
        out = []
        if self.kept_copy:
            out.append(f"the database it replaced is kept as {self.kept_copy}")
        if self.removed:
            out.append("stale log files removed: " + ", ".join(p.name for p in self.removed))
        counts = ", ".join(f"{n:,} {label}" for label, n in self.counts.items())
        note = f" (upgraded from schema {self.schema})" if self.upgraded else ""
        out.append(f"restored {self.database}{note}: {counts}")
        return out


def _uri_path(path: Path) -> str:
    """The path as SQLite's file: URI wants it (%, ? and # escaped)."""
    return str(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def check_backup(path: Path) -> int:
    """Check that `path` is an intact sro-tui database this program can open; return its schema.

    Raises BackupError naming what is wrong. Opens the file read-only: nothing is written to it.
    """
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    try:
        # immutable: no lock, no -shm/-wal beside the backup; the file is read exactly as it is.
        uri = f"file:{_uri_path(path.resolve())}?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be opened: {exc}") from exc
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.Error as exc:
        raise BackupError(f"{path} is not a readable sro-tui backup ({exc})") from exc
    finally:
        conn.close()
    if result != [("ok",)]:
        raise BackupError(
            f"{path} is damaged (integrity check: {result[0][0]}); nothing was changed"
        )
    if version < 1 or "student" not in tables:
        raise BackupError(f"{path} is not an sro-tui database; nothing was changed")
    if version > SCHEMA_VERSION:
        raise BackupError(
            f"{path} was written by a newer sro-tui (schema {version}, this program knows up to "
            f"{SCHEMA_VERSION}); update sro-tui first; nothing was changed"
        )
    return version


def _fold_log_into(db_path: Path) -> sqlite3.Connection | None:
    """Fold the current database's own `-wal` into it and hold it exclusively.

    Switching out of WAL mode needs every other connection closed, so this is also the check that
    no other program has the database open. Returns None when the file cannot be opened as a
    database (damaged): it is then kept as it is, with its log files.
    """
    try:
        conn = sqlite3.connect(db_path, timeout=0.5, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise BackupError(
                f"another program has {db_path} open: close sro-tui (every window) and restore "
                "again; nothing was changed"
            ) from exc
        return None
    except sqlite3.DatabaseError:
        conn.close()
        return None
    if mode.lower() != "delete":
        conn.close()
        raise BackupError(f"another program has {db_path} open; nothing was changed")
    return conn


def _copy_private(source: Path, target: Path) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
        dst.flush()
        os.fsync(dst.fileno())


def _counts(db: SqliteDatabase) -> dict[str, int]:
    return {
        label: db.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        for table, label in COUNTED.items()
    }


def restore_backup(backup: Path | str, db_path: Path | str) -> RestoreResult:
    """Put the backup in place of the database at `db_path`, safely; return what was done.

    1. the backup is copied beside the database and the copy checked (integrity, schema);
    2. refused while another sro-tui or any program has the database open;
    3. the current database, with its own log folded in, is kept as
       `NAME.before-restore-YYYYmmdd-HHMMSS` (a damaged one is kept with its log files as they are);
    4. stale `-wal`/`-shm`/`-journal` files are removed, the copy renamed into place, the folder
       fsynced, and the restored database opened (and upgraded when older) to prove it works.
    Raises BackupError with a one-line reason; on refusal nothing is changed.
    """
    backup = Path(backup).expanduser()
    db_path = Path(db_path).expanduser()
    schema = check_backup(backup)
    if backup.resolve() == db_path.resolve():
        raise BackupError("the backup is the database itself; nothing was changed")
    ensure_private_dir(db_path.parent)
    remove_stale_temp_files(db_path.parent)
    staged = temp_name_for(db_path)
    lock = _take_exclusive_lock(db_path)
    holder: sqlite3.Connection | None = None
    try:
        try:
            _copy_private(backup, staged)
            check_backup(staged)  # what we install is what we checked
        except OSError as exc:
            problem = storage_problem(exc)
            raise BackupError(
                f"cannot copy the backup beside {db_path}: {problem or exc.strerror or exc}; "
                "nothing was changed"
            ) from exc
        kept: Path | None = None
        removed: list[Path] = []
        stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
        if db_path.exists():
            holder = _fold_log_into(db_path)
            kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
            counter = 2
            while kept.exists():
                kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}-{counter}")
                counter += 1
            if holder is not None:
                _copy_private(db_path, kept)
            else:  # damaged: keep the file and its logs exactly as they are
                os.replace(db_path, kept)
                for suffix in COMPANIONS:
                    log = Path(f"{db_path}{suffix}")
                    if log.exists():
                        os.replace(log, Path(f"{kept}{suffix}"))
        for suffix in COMPANIONS:
            log = Path(f"{db_path}{suffix}")
            if log.exists():
                log.unlink()
                removed.append(log)
        os.replace(staged, db_path)
        fsync_dir(db_path.parent)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    finally:
        if holder is not None:
            holder.close()
        if lock is not None:
            lock.close()
    restored = open_database(db_path)  # upgrades an older backup, one committed step at a time
    try:
        counts = _counts(restored)
    finally:
        restored.close()
    return RestoreResult(
        database=db_path,
        kept_copy=kept,
        removed=removed,
        schema=schema,
        counts=counts,
        upgraded=schema < SCHEMA_VERSION,
    )
