"""Every worker's failure told to the person and logged: the one handler both apps use.

An App mixes in `ReportsFailures` and says where its log is (`failure_log`). Workers started
with `run_in_thread` / `run_flow` (ui/widgets/work.py) run on the App, so this handler sees each
failure once: it says what failed and what was (not) written, logs the traceback, then runs the
screen's own reaction (`failed=`), which shows it where the data would have been.
"""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path

from textual.app import App
from textual.worker import Worker, WorkerState

from sro_tui.paths import append_to_log
from sro_tui.ui.widgets.work import (
    NOTHING_CHANGED,
    failure_message,
    if_failed,
    is_reported,
    split_description,
)


class ReportsFailures:
    """For an App: `Worker.StateChanged` -> the person told, the log written, the screen's
    reaction run. (A handler by name, so that Textual finds it on a mixin.)"""

    def failure_log(self) -> Path | None:
        """Where failures are logged (None: nowhere, the notice says so)."""
        raise NotImplementedError

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is WorkerState.ERROR and worker.error is not None and is_reported(worker):
            what, after = split_description(worker.description)
            self.report_failure(what, worker.error, after)
            then = if_failed(worker)
            if then is not None:
                then(worker.error)

    def report_failure(self, what: str, error: BaseException, after: str = NOTHING_CHANGED) -> None:
        """Tell the person what failed and what was (not) written; log it with its traceback.
        Workers reach it through the handler above; the few quick calls kept on the main thread
        (a check-in, committed before the screen confirms it) call it themselves."""
        assert isinstance(self, App)
        message = failure_message(what, error, after)
        log = self.failure_log()
        trace = "".join(traceback.format_exception(error))
        if log is None:
            where = "It could not be logged."
        else:
            try:
                append_to_log(log, f"{datetime.now():%Y-%m-%d %H:%M:%S} {message}\n{trace}\n")
                where = f"Details are in {log}."
            except OSError as exc:
                where = f"The log could not be written either ({exc.strerror or exc})."
        self.notify(
            f"{message}\n{where}",
            title="Something failed",
            severity="error",
            timeout=30,
            markup=False,  # an error or a path may hold [brackets]
        )
