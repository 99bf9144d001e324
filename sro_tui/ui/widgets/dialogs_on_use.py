"""A screen's dialogs imported when first used, not with the screen (issue 16).

A section's first open imports its screen's module; dialog modules imported with it (and the
form widgets they bring: text areas, selection lists) made that first open ~10% slower for
dialogs nobody had asked for yet. A screen imports each dialog where it opens it, and lists them
for help (F1) with `DialogsOnUse`, which imports them only when the list is read.
"""

from __future__ import annotations

from importlib import import_module


class DialogsOnUse:
    """A screen's `DIALOGS` (help lists their keys): the classes `names` of `module`, imported
    the first time the attribute is read."""

    def __init__(self, module: str, *names: str) -> None:
        self.module = module
        self.names = names

    def __get__(self, instance: object, owner: type | None = None) -> tuple[type, ...]:
        found = import_module(self.module)
        return tuple(getattr(found, name) for name in self.names)
