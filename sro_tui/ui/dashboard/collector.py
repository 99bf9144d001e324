"""Python's garbage collector, held back while the app starts and the dashboard fills in.

Start-up builds some 80,000 objects that the collector tracks and that live as long as the app
(modules, classes, CSS rules, the first screen's widgets), and almost no garbage. With Python's
default thresholds (700, 10, 10) the cyclic collector ran young collections by the hundred and
several full ones over them: about 80 ms of CPU before the first frame and 100 ms before the
dashboard's counts were drawn (a fifth of each, measured on the 5,000-student school).

`hold()` (when the dashboard package is imported, early in start-up) makes the young collections
rarer. `release()` (once the first counts are on screen) moves what start-up built to the
permanent generation (`gc.freeze`), so that later full collections (while a section opens, say)
no longer walk it, and puts back the thresholds found. It does not collect first: a full
collection there cost ~60 ms on the screen's thread, for about 1,300 objects of start-up's
garbage, which are kept instead, once.

The collector is never switched off: a cycle made meanwhile is still collected, later.
"""

from __future__ import annotations

import gc
import threading

START_THRESHOLDS = (50_000, 20, 20)

_found: tuple[int, int, int] | None = None  # the thresholds put back by `release()`
_held = False


def hold() -> None:
    """Collect rarely until `release()`: once per process (a later call does nothing), and only
    as the app starts, on the main thread: not when the warm-up's thread imports the dashboard
    of an app that started on another section (no first counts would release it)."""
    global _found, _held
    if not _held and threading.current_thread() is threading.main_thread():
        _held, _found = True, gc.get_threshold()
        gc.set_threshold(*START_THRESHOLDS)


def release() -> None:
    """Freeze what start-up built and collect as before from now on (the first call after
    `hold()`; later calls do nothing)."""
    global _found
    if _found is None:
        return
    found, _found = _found, None
    gc.freeze()
    gc.set_threshold(*found)
