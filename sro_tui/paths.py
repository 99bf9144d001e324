"""Where sro-tui keeps its files.

Only the command line asks platformdirs; everything else takes paths as arguments so tests can
pass a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path, user_documents_path

APP_NAME = "sro-tui"
DB_ENV_VAR = "SRO_TUI_DB"
DB_FILENAME = "sro-tui.sqlite3"
LOG_FILENAME = "sro-tui.log"
EXPORT_FOLDER_NAME = "sro-tui exports"


def default_data_dir() -> Path:
    """The per-user data folder (e.g. ~/.local/share/sro-tui on Linux)."""
    return user_data_path(APP_NAME, appauthor=False)


def default_db_path(environ: dict[str, str] | None = None) -> Path:
    """The database the app opens when no --db is given: $SRO_TUI_DB, else the user data folder."""
    env = os.environ if environ is None else environ
    chosen = env.get(DB_ENV_VAR, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    return default_data_dir() / DB_FILENAME


def default_export_dir() -> Path:
    """Where files for the district go unless the school chose a folder (the setting) or a
    command names one (--out): one folder in the user's documents, "sro-tui exports"."""
    return user_documents_path() / EXPORT_FOLDER_NAME


def log_path(db_path: Path) -> Path:
    """The error log beside a database: what failed, when, with its traceback."""
    return Path(db_path).parent / LOG_FILENAME


def append_private_text(path: Path, text: str) -> None:
    """Append `text` to a file readable only by its owner (0600), creating it when missing."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def ensure_private_dir(path: Path) -> None:
    """Create a folder readable only by its owner (0700) when it does not exist yet.

    An existing folder chosen by the user (say, a USB stick) is left as it is: we do not change the
    permissions of folders we did not create.
    """
    if not path.exists():
        path.mkdir(parents=True, mode=0o700)
        os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask


def write_private_file_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temporary file and a rename, readable only by its owner.

    A half-written file never exists under the final name: a crash leaves either the old file or the
    new one.
    """
    target = Path(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
