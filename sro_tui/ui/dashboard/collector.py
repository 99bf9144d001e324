"""Python's garbage collector, held back while the app starts and the dashboard fills in.

Start-up builds a few hundred thousand objects that live as long as the app (modules, classes,
CSS rules, the first screen's widgets) and almost no garbage. With Python's default thresholds
(700, 10, 10) the cyclic collector ran some hundred young collections and several full ones over
them before the dashboard's counts were drawn: about 50 ms of CPU here, a sixth of the time to
the first frame. `hold()` (when the dashboard package is imported, early in start-up) makes the
young collections rarer; `release()` (once the first counts are on screen) collects once, moves
what start-up built to the permanent generation (`gc.freeze`) so that later full collections
(while a section opens, say) no longer walk it, and puts back the thresholds found.

The collector is never switched off: a cycle made meanwhile is still collected, later.
"""

from __future__ import annotations

import gc

START_THRESHOLDS = (50_000, 20, 20)

_found: tuple[int, int, int] | None = None  # the thresholds put back by `release()`
_held = False


def hold() -> None:
    """Collect rarely until `release()`: once per process (a later call does nothing)."""
    global _found, _held
    if not _held:
        _held, _found = True, gc.get_threshold()
        gc.set_threshold(*START_THRESHOLDS)


def release() -> None:
    """Collect once, freeze what start-up built, and collect as before from now on (the first
    call after `hold()`; later calls do nothing)."""
    global _found
    if _found is None:
        return
    found, _found = _found, None
    gc.collect()
    gc.freeze()
    gc.set_threshold(*found)
