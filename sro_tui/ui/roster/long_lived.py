"""Keep the garbage collector's full passes out of the roster's keystrokes.

Python's collector now and then walks every object the process holds (its oldest generation):
with the student index and Textual's own objects that is 60 ms of CPU at 5,000 students and
130 ms at 50,000 (measured with `benchmarks/bench_roster_keys.py`), and it lands inside whatever
keystroke allocated last — the roster search's slowest keys were those. The index and the
screens built so far live as long as the app, so they are frozen (`gc.freeze`): the collector
then walks only what was made since.

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
