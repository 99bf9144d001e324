"""Where sro-tui keeps its files.

Only the command line asks platformdirs; everything else takes paths as arguments so tests can
pass a temporary folder.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from platformdirs import user_data_path, user_documents_path

APP_NAME = "sro-tui"
DB_ENV_VAR = "SRO_TUI_DB"
DB_FILENAME = "sro-tui.sqlite3"
LOG_FILENAME = "sro-tui.log"
EXPORT_FOLDER_NAME = "sro-tui exports"
DISTRICT_SENDS_FOLDER_NAME = "to the district"


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


def district_sends_dir(export_dir: Path) -> Path:
    """Where "Send to the district" writes its bundles unless told otherwise: a folder in the
    export folder. The school app and `sro-tui district send` write there; the district app's
    merge dialog proposes it."""
    return Path(export_dir) / DISTRICT_SENDS_FOLDER_NAME


def log_path(db_path: Path) -> Path:
    """The error log beside a database: what failed, when, with its traceback."""
    return Path(db_path).parent / LOG_FILENAME


LOG_KEEP_BYTES = 1_000_000  # the error log is rotated past this: one older file is kept


def append_to_log(path: Path, text: str) -> None:
    """Append to an error log (0600); past `LOG_KEEP_BYTES` the log becomes `<name>.1` (the
    previous `.1` is dropped) and a new one begins, so a failure that repeats all year does not
    fill the laptop's disk."""
    try:
        if path.stat().st_size > LOG_KEEP_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
    except FileNotFoundError:
        pass
    append_private_text(path, text)


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

    Every level created (parents too) is 0700 whatever the umask. An existing folder chosen by the
    user (say, a USB stick) is left as it is: we do not change the permissions of folders we did
    not create. A symbolic link to nothing is named as such, not reported as "File exists".
    """
    path = Path(path)
    missing: list[Path] = []
    level = path
    while not level.exists():
        if level.is_symlink():
            raise FileNotFoundError(
                errno.ENOENT, f"{level} is a link to {os.readlink(level)}, which does not exist"
            )
        missing.append(level)
        if level.parent == level:
            break
        level = level.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # made by another process meanwhile: not ours to change
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new name in `folder` durable (no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network, FAT on some systems) refuse fsync on a folder
    finally:
        os.close(fd)


def temp_name_for(target: Path) -> Path:
    """The hidden temporary name a private file is written under before its rename: the process
    id (so a later run can tell a killed run's leftovers) and a token (threads of one process)."""
    import secrets  # here: with hmac and hashlib, 2-3 ms of the app's start, before its first frame

    return target.with_name(f".{target.name}.{os.getpid()}.t{secrets.token_hex(4)}.tmp")


def _write_private_temp(target: Path, data: bytes) -> Path:
    tmp = temp_name_for(target)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


# What a file system without hard links answers (FAT, exFAT, some network shares).
_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS}


def publish_exclusively(tmp: Path, target: Path) -> None:
    """Give the finished file `tmp` the name `target`, never replacing a file already there.

    A hard link is atomic and fails when the name is taken (FileExistsError). On file systems
    without hard links (FAT USB sticks) the name is first reserved with O_EXCL, then replaced.
    """
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        try:
            os.replace(tmp, target)
        except BaseException:
            os.unlink(target)  # our own empty reservation
            raise
        return
    os.unlink(tmp)


def write_private_file_exclusively(target: Path, data: bytes) -> Path:
    """Write a new private (0600) file at `target`, or `stem-2.ext`, `stem-3.ext`… when taken.

    Never overwrites an existing file, even one created by another process in the same second;
    a crash leaves no half-written file under a final name. Returns the name used.
    """
    target = Path(target)
    tmp = _write_private_temp(target, data)
    try:
        candidate, counter = target, 2
        while True:
            try:
                publish_exclusively(tmp, candidate)
                break
            except FileExistsError:
                candidate = target.with_name(f"{target.stem}-{counter}{target.suffix}")
                counter += 1
        fsync_dir(candidate.parent)
    finally:
        tmp.unlink(missing_ok=True)
    return candidate


_OUR_TEMP = re.compile(r"^\..+\.(\d+)(\.t[0-9a-f]+)?\.tmp(-journal|-wal|-shm)?$")


def process_alive(pid: int) -> bool:
    """Whether process `pid` still runs (our own pid counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete the hidden `.NAME.PID.tmp` files that a killed sro-tui left in `folder`.

    Only files of our own pattern whose process is gone are removed; returns them.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _OUR_TEMP.match(entry.name)
        if match and entry.is_file() and not process_alive(int(match.group(1))):
            try:
                entry.unlink()
                removed.append(entry)
            except OSError:
                pass
    return removed


def write_private_file_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temporary file and a rename, readable only by its owner.

    A half-written file never exists under the final name: a crash leaves either the old file or the
    new one.
    """
    target = Path(target)
    tmp = _write_private_temp(target, data)
    try:
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
