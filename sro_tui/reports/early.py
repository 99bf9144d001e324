"""The dashboard's counts, read from the school's file by another process while the app starts.

`sro-tui` starts this read before it imports Textual (cli/main.py), so the process reading the
counts has the other core during the app's imports and the first screen being built; the app
(ui/opening.py) shows what it read in its first frame, or as soon as it is read. Made by the app
itself when nobody started it (tests, the demo).

Nothing here imports Textual, peewee or the models: the command pays for this module before its
own imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any

EARLY_READ_TIMEOUT = 5.0  # seconds (the open waits for it); then the counts are read the usual way


def read_status_early(path: Path, export_folder: Path) -> Future[dict[str, Any] | None]:
    """Start reading the dashboard's counts from the file at `path` (read-only, no peewee) in a
    process of its own, `python -m sro_tui.reports.status`: the reading takes the other core, not
    Python's lock, which the screen being built needs (a thread here slowed the first frame by a
    fifth). The result is None when it could not be read with certainty (no file yet, another
    schema, busy, no process): the app then reads them the usual way, once the database is open.
    The read never writes: a file that is not there is not made."""
    import sro_tui

    future: Future[dict[str, Any] | None] = Future()
    # With this process's clock ("this month", what is overdue), as the usual read.
    now = datetime.now().isoformat()
    env = dict(os.environ)  # this sro_tui, wherever it was imported from
    here = str(Path(sro_tui.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH", "")) if p)
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "sro_tui.reports.status", str(path), str(export_folder), now],
            stdin=subprocess.DEVNULL,  # never the terminal the app draws on
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=os.name == "posix",  # ctrl+c and ctrl+z are the app's
        )
    except OSError:
        future.set_result(None)
        return future

    def wait() -> None:
        try:
            out, _ = child.communicate(timeout=EARLY_READ_TIMEOUT)
            future.set_result(json.loads(out) if child.returncode == 0 else None)
        except Exception:  # noqa: BLE001 - too slow, or not JSON: the usual read says
            child.kill()
            child.wait()
            future.set_result(None)

    threading.Thread(target=wait, name="sro-tui early counts", daemon=True).start()
    return future
