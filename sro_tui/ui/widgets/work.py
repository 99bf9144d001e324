"""The one way the screens run core work off the main thread, and the words for its failures.

Every worker runs on the App, so the App's single `Worker.StateChanged` handler sees every
failure (the message does not bubble from a screen). A worker's description says what it does
and what a failure leaves written, e.g. "The roster import" and "Nothing was imported."; the
handler turns that and the error into one sentence for the person, and logs the traceback.

    run_in_thread(self, read_counts, what="Reading the dashboard counts", group="dashboard",
                  done=self.show_counts)
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from weakref import WeakKeyDictionary

from textual.dom import DOMNode
from textual.worker import Worker, WorkerFailed

from sro_tui.db import StorageError, storage_errors, storage_problem

NOTHING_CHANGED = "Nothing was changed."
# How long a write kept on the screen's thread (a form's save: the screen says "saved" only once
# it is committed) waits for another program's write before it says the database is busy.
WRITE_BUSY_WAIT = 2.0
_SEPARATOR = " | "
# A step awaited by an async flow: the flow re-raises its error and reports it once, itself.
AWAITED_STEP = "awaited step"


def describe(what: str, after: str = NOTHING_CHANGED) -> str:
    """A worker description the failure handler can read: what it does, what a failure leaves."""
    return f"{what}{_SEPARATOR}{after}"


def error_words(error: BaseException) -> str:
    """An error in a few words: a storage problem as the core says it ("the disk is full", "the
    database is busy: …"), else the OS's reason and file, or the exception's own message."""
    problem = storage_problem(error)
    if problem is not None:
        return str(problem).strip().rstrip(".")
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    text = str(error).strip().rstrip(".")
    return text or type(error).__name__


def split_description(description: str) -> tuple[str, str]:
    """A worker's description back into what it did and what a failure leaves written."""
    what, _, after = description.partition(_SEPARATOR)
    return what or "The work", after or NOTHING_CHANGED


def failure_message(what: str, error: BaseException, after: str = NOTHING_CHANGED) -> str:
    """ "The roster import failed: database is locked. Nothing was imported." """
    return f"{what} failed: {error_words(error)}. {after}"


def is_reported(worker: Worker) -> bool:
    """Whether the App's handler should report this worker's failure (an awaited step's error
    reaches the flow that awaits it, which reports it once)."""
    return worker.description != AWAITED_STEP


# What a screen shows in place of the data a failed worker did not bring (never an empty card).
_IF_FAILED: WeakKeyDictionary[Worker, Callable[[BaseException], None]] = WeakKeyDictionary()


def if_failed(worker: Worker) -> Callable[[BaseException], None] | None:
    """The screen's own reaction to this worker's failure, after the App has reported it."""
    return _IF_FAILED.get(worker)


def _database(node: DOMNode) -> Any:
    return node.app.database  # type: ignore[attr-defined]


def _start(
    node: DOMNode,
    work: Any,
    *,
    group: str,
    description: str,
    exclusive: bool = True,
    thread: bool = False,
) -> Worker:
    # On the App, not the screen: Worker.StateChanged does not bubble, and the App's one handler
    # must see every failure. exit_on_error=False: the handler reports it, the app keeps running.
    return node.app.run_worker(
        work,
        name=group,
        group=group,
        description=description,
        exclusive=exclusive,
        thread=thread,
        exit_on_error=False,
    )


def run_in_thread(
    node: DOMNode,
    function: Callable[..., Any],
    *args: Any,
    what: str,
    after: str = NOTHING_CHANGED,
    group: str,
    done: Callable[[Any], None] | None = None,
    failed: Callable[[BaseException], None] | None = None,
    exclusive: bool = True,
) -> Worker:
    """Run a core call in a thread with its own database connection; `done(result)` then runs
    on the main thread. A failure is reported by the App in the words of `what` and `after`,
    then `failed(error)` runs on the main thread (to say so where the data would have been)."""
    app = node.app
    database = _database(node)

    def work() -> Any:
        with database.connection_context(), storage_errors():  # a full disk: one line
            result = function(*args)
        if done is not None:
            app.call_from_thread(done, result)
        return result

    worker = _start(
        node, work, group=group, description=describe(what, after), exclusive=exclusive, thread=True
    )
    if failed is not None:
        _IF_FAILED[worker] = failed
    return worker


def run_flow(
    node: DOMNode,
    flow: Coroutine[Any, Any, Any],
    *,
    what: str,
    after: str = NOTHING_CHANGED,
    group: str,
) -> Worker:
    """Run an async flow (dialogs awaited with `push_screen_wait`, steps with `in_thread`)."""
    return _start(node, flow, group=group, description=describe(what, after))


async def in_thread(node: DOMNode, function: Callable[..., Any], *args: Any) -> Any:
    """Inside a flow: run one core call in a thread (its own connection) and return its result;
    its error is raised here, in the flow, which then fails and is reported once."""
    database = _database(node)

    def work() -> Any:
        with database.connection_context(), storage_errors():  # a full disk: one line
            return function(*args)

    worker = _start(
        node, work, group="flow-step", description=AWAITED_STEP, exclusive=False, thread=True
    )
    try:
        return await worker.wait()
    except WorkerFailed as failed:
        error = failed.error
        # Keep the error's own cause (the SQLite error under a StorageError) for the log.
        raise error from error.__cause__


def write_now(node: DOMNode, what: str, write: Callable[[], Any], after: str) -> tuple[bool, Any]:
    """A quick write on the screen's thread, committed before the screen goes on: (True, its
    result); or, when the database is busy, full or read-only (the write rolled back), the App
    tells the person in the words of `what` and `after` and logs it: (False, the error). Other
    errors (a ValidationError …) are the caller's."""
    try:
        with storage_errors(WRITE_BUSY_WAIT):
            return True, write()
    except StorageError as exc:
        node.app.report_failure(what, exc, after)  # type: ignore[attr-defined]
        return False, exc
