"""Sections built ahead (issue 16): a first F-key only shows a screen that is already there.

A section's first open used to compose, style and mount its screen (50-80 widgets) while the
person waited: 400-700 ms. After the app's warm-up (the screens imported, the student index
built, two seconds after start), the screens of the sections not yet opened are built here, one
at a time, and only while nobody types or clicks and no other work runs. A build runs on the
main thread (Textual's widgets are not thread-safe): a key pressed meanwhile waits for the
build's current step (`benchmarks/bench_sections.py stalls` measures the longest), never for a
whole section, and is never lost: a section switched to before its build finished is shown once
it is mounted, as on an ordinary first open (`SroApp.switch_mode`).

Only screens that say so (`PRELOAD = True`) are built ahead: such a screen reads again, when it
is shown, whatever may have changed since it was built (a `Freshness` check on resume), so a
screen built minutes before it is first shown never shows stale data. A built screen is the
mode's screen, as if opened once: what the person sees is the same either way.

Every section's own stylesheet (`CSS_PATH`) is also read once, together, before the first
build: Textual otherwise re-parses the whole stylesheet and restyles every open screen at each
first open of a section with its own file. (Those files style only their own sections' widgets,
so reading them early changes nothing on the other screens.)

Textual internals used (Textual is pinned to 8.2): `App._register` (start a screen
without making the app's message queue wait for its mount), `App._screen_stacks`, `App._modes`,
`Screen._refresh_layout` (lay out a hidden screen, as Textual does for one under a dialog),
`Stylesheet.has_source/read/reparse/update/parse`.

A section that is opened before the warm-up has read its stylesheet reads it itself when its
screen is made (`read_own_stylesheet`, in its `__init__`): Textual would otherwise parse every
source again and restyle every widget of every open screen, inside the first open (~10% of it).
"""

from __future__ import annotations

import asyncio
from time import monotonic
from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.widget import AwaitMount

from sro_tui.ui.navigation import SECTIONS, import_section_screens, screen_class
from sro_tui.ui.widgets.collector import collect_and_freeze
from sro_tui.ui.widgets.work import in_thread

if TYPE_CHECKING:
    from sro_tui.ui.app import SroApp

QUIET_SECONDS = 0.5  # no key or click for this long, and no other work running
CHECK_EVERY_SECONDS = 0.1
WARM_UP_GROUP = "warm-sections"


def preloadable(section_id: str) -> bool:
    """Whether this section's screen may be built ahead (it keeps itself fresh when shown)."""
    section = next(s for s in SECTIONS if s.id == section_id)
    return bool(getattr(screen_class(section), "PRELOAD", False))


async def warm_up(app: SroApp) -> None:
    """The background warm-up: import the sections' screens (in a thread), read their
    stylesheets, build the student index, then build the preloadable screens one by one.
    Nothing starts while other work runs or keys come (a large families list being read, a
    search being typed): the warm-up's thread and memory never land inside them."""
    quiet = Quiet(app)
    await quiet.wait()
    await in_thread(app, import_sections)
    waiting = [s.id for s in SECTIONS if s.id not in app._screen_stacks and preloadable(s.id)]
    screens = {mode: app._modes[mode]() for mode in waiting}  # type: ignore[operator]
    load_stylesheets(app, screens.values())
    app.request_students()
    for mode, screen in screens.items():
        await quiet.wait()
        if not app.is_running:
            return  # the app is closing: it closes the screens it has, and adds none
        if mode in app._screen_stacks or mode not in app._modes:
            continue  # opened (or removed) meanwhile
        await build(app, mode, screen, quiet)
    # The screens just built live as long as the app: freeze them (and free what the building
    # left), so that a full collection no longer walks them inside a key or a filter.
    await quiet.wait()
    if app.is_running:
        collect_and_freeze()


def import_sections() -> None:
    """Import every section's screen, and the dialogs a screen imports only when first opened
    (read from its `DIALOGS`, see `ui/widgets/dialogs_on_use.py`), off the screen's thread."""
    import_section_screens()
    for section in SECTIONS:
        getattr(screen_class(section), "DIALOGS", ())


def load_stylesheets(app: SroApp, screens) -> None:  # type: ignore[no-untyped-def]
    """Read every screen's own stylesheet not read yet, then parse and apply once."""
    # First: the order of app.tcss's rules, then the sections'. Parsed with them below.
    shared = app.read_shared_stylesheet(parse=False)
    stylesheet = app.stylesheet
    update = False
    for screen in screens:
        if app.css_monitor is not None:
            app.css_monitor.add_paths(screen.css_path)
        for path in screen.css_path:
            if not stylesheet.has_source(str(path), ""):
                stylesheet.read(path)
                update = True
    if update:
        stylesheet.reparse()
        stylesheet.update(app)
    elif shared:
        stylesheet.parse()  # its rules match no widget built yet (SroApp.read_shared_stylesheet)


def read_own_stylesheet(screen: Screen) -> None:
    """Add `screen`'s own stylesheet (its `CSS_PATH`) to the app's, before the screen is mounted.

    Only the new file is parsed (the others come from the stylesheet's parse cache) and nothing
    is restyled: the rules in these files match only their own section's widgets, which do not
    exist yet and are styled as they mount. Textual, finding the file already read when the
    screen is first shown, then neither re-parses every source nor restyles the whole app.
    Called from the screen's `__init__` (the app is the one running: the mode's factory, a
    test's `push_screen`)."""
    shared = getattr(screen.app, "read_shared_stylesheet", None)
    if shared is not None:
        shared()  # first: the order of app.tcss's rules, then the sections' (SroApp)
    stylesheet = screen.app.stylesheet
    new = [path for path in screen.css_path if not stylesheet.has_source(str(path), "")]
    if not new:
        return  # read already (by the warm-up, or an earlier screen of this kind)
    if screen.app.css_monitor is not None:
        screen.app.css_monitor.add_paths(new)
    for path in new:
        stylesheet.read(path)
    stylesheet.parse()


class Quiet:
    """Waits for the app to be idle: for QUIET_SECONDS, no key or click and no other worker."""

    def __init__(self, app: SroApp) -> None:
        self.app = app
        self.inputs_seen, self.since = app.inputs_seen, monotonic()

    async def wait(self) -> None:
        """Return once the app has been idle long enough (at once, after a short sleep, when it
        has been idle since the last wait: the steps of a build follow each other)."""
        app = self.app
        while True:
            await asyncio.sleep(CHECK_EVERY_SECONDS)
            busy = any(w.group != WARM_UP_GROUP and not w.is_finished for w in app.workers)
            if busy or app.inputs_seen != self.inputs_seen:
                self.inputs_seen, self.since = app.inputs_seen, monotonic()
            elif monotonic() - self.since >= QUIET_SECONDS:
                return


async def build(app: SroApp, mode: str, screen: Screen, quiet: Quiet) -> None:
    """Build `screen` as `mode`'s screen (compose, style, mount, read its data) and lay it out
    at the terminal's size, without showing it: its first show then only paints it."""
    await start_build(app, mode, screen)
    if app.is_running and screen.is_attached:
        bar = app.put_section_bar(screen, mode)
        if bar is not None:
            await bar
    await quiet.wait()  # each step is short; a key pressed meanwhile goes first
    if app.is_running and screen.is_attached and not screen.is_current:
        # As Textual lays out a screen under a dialog: widgets get their sizes (and fit their
        # columns to them); nothing is drawn until the screen is shown.
        screen._refresh_layout(app.size)


def start_build(app: SroApp, mode: str, screen: Screen) -> AwaitMount:
    """Make `screen` the mode's screen and start it: its own task composes and mounts it while
    the app goes on taking keys (a switch to it meanwhile waits for the mount)."""
    app._screen_stacks[mode] = [screen]
    app._register(app, screen)
    return AwaitMount(screen, [screen])
