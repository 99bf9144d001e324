"""The app's database: opened just after the first frame when the app starts on the dashboard.

`SroApp` (ui/app.py) draws its first screen before it imports peewee and the models (a third of
start-up when nothing is compiled): `sro_tui.glance` reads the header's school and year read-only,
and `open_after_first_frame` opens the database (migrations, the lock `sro-tui restore` respects)
once the frame is drawn. Until then the app keeps every key and click (`holding_inputs`); they are
handed to Textual in order once the database is open, after what waited for it
(`when_database_open`). The dashboard's counts do not wait for the open: another process reads
them from the file, read-only and without peewee (`reports.read_status`, in a process
`reports.early` starts: `sro-tui` starts it before it imports Textual, else the app as it is
made), on the other core, and they are drawn in the first frame when read by then, else as soon
as they are, before the database is opened (`when_early_status`). A file the glance cannot be
sure of (not a database, another schema, busy) is opened as the app is made, so its
DatabaseError reaches the command before the app starts, as before; an open that fails later ends
the app and keeps the reason in `database_error` for the command to print.

Private Textual API (pinned to 8.2): `App._dispatch_message`, which hands a kept key to Textual as
its message loop would (then what it scheduled, e.g. F8's new screen mounted, before the next).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from textual import events
from textual.worker import Worker

from sro_tui.db import DatabaseError
from sro_tui.glance import SchoolAndYear, school_and_year
from sro_tui.reports.early import read_status_early
from sro_tui.ui.widgets.work import run_flow

# The sections whose first frame needs nothing from the database: started on one of them, the app
# draws it first and opens the database just after.
FIRST_FRAME_BEFORE_OPEN = frozenset({"dashboard"})
KEY_CHECK_SECONDS = 0.01  # while the counts are read, how often a key pressed is looked for


class OpensTheDatabase:
    """For SroApp (an App): its database, opened before the app starts or just after the first
    frame."""

    db_path: Path
    default_export_folder: Path

    def prepare_database(
        self, start_section: str, early_status: Future[dict[str, Any] | None] | None = None
    ) -> None:
        """In `__init__`: glance at the header's names (first frame before the open), or open
        the database now (another section, or a file the glance cannot be sure of). On the
        dashboard, its counts are `early_status` when the command started reading them already
        (`reports.early`), else their read starts here."""
        self._database: Any = None  # peewee's SqliteDatabase, once open
        self._db_lock: Any = None
        # Why the database could not be opened, when the app ended for it (the CLI prints it).
        self.database_error: DatabaseError | None = None
        self._waiting_for_database: list[Callable[[], object]] = []
        self.held_inputs: list[events.InputEvent] = []
        self.holding_inputs = False
        self._opened = asyncio.Event()
        self._started_on_open: list[Worker] = []
        self.glanced: SchoolAndYear | None = None
        # The dashboard's first counts, read from the file as the app starts (`when_early_status`).
        self._early_read: Future[dict[str, Any] | None] | None = None
        self._show_early: Callable[[dict[str, Any] | None], object] | None = None
        self._early_handed = False  # to `_show_early` (the counts, or None: read as usual)
        self._inputs_handed = asyncio.Event()
        if start_section in FIRST_FRAME_BEFORE_OPEN:
            self.glanced = school_and_year(self.db_path)
        if self.glanced is None:
            self.open_database()
        elif start_section == "dashboard":
            self._early_read = early_status or read_status_early(
                self.db_path, self.default_export_folder
            )

    def when_early_status(self, show: Callable[[dict[str, Any] | None], object]) -> bool:
        """Hand the counts being read from the file since the app was made to `show` (the
        dashboard's): now when they are read already (the first frame shows them), else once
        the first frame is drawn, as soon as they are, before the database is opened. `show`
        gets None when that read could not be sure of them (read them the usual way). False
        when none are being read: later reads go through the open database."""
        if self._early_read is None or self._show_early is not None:
            return False
        self._show_early = show
        if self._early_read.done():
            self._show_early_status(self._early_read.result())
        return True

    def _show_early_status(self, status: dict[str, Any] | None) -> None:
        if self._early_handed or self._show_early is None:
            return
        self._early_handed = True
        if self.database_error is None:
            self._show_early(status)

    def open_after_first_frame(self) -> bool:
        """In `on_mount`: when the database is not open yet, keep the keys from now on and open
        it once the first frame is drawn (True), else nothing (False)."""
        if self._database is not None or self.glanced is None:
            return False
        self.holding_inputs = True
        # On the App's own queue, once the first frame is drawn: the keys that came before are
        # ahead of it (kept), those that come while it runs wait behind it.
        self.call_after_refresh(self.call_later, self._open_after_first_frame)
        run_flow(self, self._starting(), what="Opening the database", group="start-up")
        return True

    def close_database(self) -> None:
        """Close the database and let go of the lock (on exit, before a restore)."""
        if self._database is not None:
            self._database.close()
        if self._db_lock is not None:
            self._db_lock.close()
        self._database = self._db_lock = None

    @property
    def database(self) -> Any:
        """The school's open database (peewee's SqliteDatabase), opened now if it was not yet."""
        if self._database is None:
            self.open_database()
        return self._database

    @property
    def database_is_open(self) -> bool:
        return self._database is not None

    def open_database(self) -> None:
        """Open (creating and migrating when needed) the database and hold the lock `sro-tui
        restore` respects. Raises DatabaseError with the reason, as `db.open_database` does."""
        if self._database is not None:
            return
        from sro_tui.db import open_database
        from sro_tui.safekeeping import hold_database_lock

        self._database = open_database(self.db_path)
        # Held while the app runs: `sro-tui restore` refuses to swap the file under us.
        self._db_lock = hold_database_lock(self.db_path)

    def when_database_open(self, callback: Callable[[], object]) -> None:
        """Run `callback` now if the database is open, else as soon as it is (a screen's first
        read, say, when the first screen is drawn before the open)."""
        if self._database is not None:
            callback()
        elif self.database_error is None:
            self._waiting_for_database.append(callback)

    def _open_or_exit(self) -> bool:
        """Open the database; when it cannot be, end the app and keep the reason for the CLI."""
        try:
            self.open_database()
        except DatabaseError as exc:
            self.database_error = exc
            # The app ends: the keys kept are dropped, and so are those still coming (F8 would
            # mount a screen while the app closes).
            self.held_inputs.clear()
            self._waiting_for_database.clear()
            self.exit(return_code=1)
            return False
        return True

    async def _open_after_first_frame(self) -> None:
        """The first frame is on the screen: open the database, show what the open read (a file
        changed since the glance), then run what waited for it and the keys that came meanwhile,
        in their order (those still arriving queue behind this)."""
        if self._show_early is not None and not self._early_handed:
            # The counts are still being read: drawn first, in a frame of their own, then the
            # open (peewee and the models: a tenth of a second, uncompiled, on this thread). A
            # key pressed meanwhile does not wait for them: the open comes at once, and the
            # counts are read the usual way after it.
            read = asyncio.wrap_future(self._early_read)  # type: ignore[arg-type]
            while not read.done() and not self.held_inputs:
                await asyncio.wait({read}, timeout=KEY_CHECK_SECONDS)
            self._show_early_status(read.result() if read.done() else None)
            self.call_after_refresh(self.call_later, self._open_after_first_frame)
            return
        try:
            if self._database is None and not self._open_or_exit():
                return
            waiting, self._waiting_for_database = self._waiting_for_database, []
            before = set(self.workers)
            for callback in waiting:  # first: the dashboard's counts start reading at once
                callback()
            self._started_on_open = [w for w in self.workers if w not in before]
            self.refresh_school_title()
        finally:
            self._opened.set()
        self.holding_inputs = False
        held, self.held_inputs = self.held_inputs, []
        try:
            for event in held:
                # As Textual's message loop handles it: then what it scheduled (F8's new screen
                # mounted) before the next key, so the keys typed after F8 reach that screen.
                await self._dispatch_message(event)
        finally:
            self._inputs_handed.set()

    async def _starting(self) -> None:
        """A worker from the app's start until the database is open and the work that waited
        for it (the dashboard's counts) is done: whoever waits for the app's workers just after
        start (`await app.workers.wait_for_complete()`: tests, the benchmarks) waits for those
        too, as when the database was opened before the first frame. (Their failures are
        reported by their own workers.)"""
        await self._opened.wait()
        if self.database_error is None:
            await self._inputs_handed.wait()  # and the keys kept until then are handled
        await asyncio.gather(*(w.wait() for w in self._started_on_open), return_exceptions=True)
