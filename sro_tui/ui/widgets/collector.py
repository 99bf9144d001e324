"""Python's garbage collector, kept out of the moments a person waits for: start-up, and a
keystroke in a search box.

Python's collector now and then walks every object the process holds (its oldest generation).
The app holds many that live as long as it does: some 80,000 made at start-up (modules, classes,
CSS rules, the first screen's widgets), and the student index (hundreds of thousands at 50,000
students). A full pass over them costs 60 ms of CPU at 5,000 students and 130 ms at 50,000, and
lands inside whatever allocated last: the first frame, or a roster keystroke (the search's
slowest keys were those; `benchmarks/bench_roster_keys.py`, `benchmarks/bench_startup.py`).
Those objects are therefore frozen (`gc.freeze`): the collector then walks only what was made
since. The collector is never switched off: a cycle made meanwhile is still collected, later.

Start-up (the dashboard):
- `hold()` (as `sro-tui` starts on the dashboard, or when the dashboard package is imported)
  makes the young collections rare enough that none runs before the first counts are on
  screen: start-up makes some 60,000 objects before then, nearly all of them kept, and one
  young collection of 50,000 of them was 10-20 ms of the first frame;
- `release()` (once the first counts are on screen) freezes what start-up built and puts back
  the thresholds found. It does not collect first: a full collection there cost ~60 ms on the
  screen's thread, for about 1,300 objects of start-up's garbage, which are kept instead, once.

The student index (the roster):
- `freeze_long_lived()` when a new index arrives: the young objects are collected first (a few
  ms), and everything older is frozen;
- `collect_and_freeze()` once the keys pause: a full collection, cheap now that the bulk is
  frozen, frees what died since; what is left is frozen only when it is a bulk of new objects
  (the sections imported in the background, say), since whatever is frozen and dies later
  stays in memory until `thaw`;
- `thaw()` when the roster goes away (the app closing): the collector takes back everything,
  and what died while frozen is freed (a test run opens many apps in one process).
"""

from __future__ import annotations

import gc
import threading

START_THRESHOLDS = (150_000, 20, 20)

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


# Objects left after a full collection above which they are frozen: a bulk of new long-lived
# ones (a full pass over 10,000 objects is ~6 ms). Freezing more often would keep frozen the
# objects that were alive at that moment and die later (Textual makes ~500 a keystroke).
MANY_NEW_OBJECTS = 10_000


def freeze_long_lived() -> None:
    """Collect the young generations, then freeze every object the process holds."""
    gc.collect(1)
    gc.freeze()


def collect_and_freeze() -> None:
    """A full collection of what is not frozen; and when many objects survive it (sections
    imported, screens built since the last freeze), freeze those too."""
    gc.collect()
    if len(gc.get_objects()) > MANY_NEW_OBJECTS:
        gc.freeze()


def thaw() -> None:
    """Give every frozen object back to the collector."""
    gc.unfreeze()
