"""The command palette (ctrl+p): every section, the help screen and every action of the screen
that is showing, generated from the bindings so a new key is also a new palette entry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import NamedTuple

from textual.actions import parse
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from sro_tui.ui.navigation import SECTIONS, screen_class


class PaletteCommand(NamedTuple):
    name: str
    help: str
    run: Callable[[], object]


def screen_bindings(screen_type: type) -> list[Binding]:
    """The bindings a screen (or dialog, or the app) class declares itself, with a description.

    Keys stay joined ("escape,q"), one entry per action, in declaration order.
    """
    found: dict[str, Binding] = {}
    for cls in reversed(screen_type.__mro__):
        if not cls.__module__.startswith("sro_tui.") or "BINDINGS" not in cls.__dict__:
            continue
        for item in cls.__dict__["BINDINGS"]:
            binding = item if isinstance(item, Binding) else Binding(*item)
            if binding.description:
                found[binding.action] = binding
    return list(found.values())


_KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "Space",
    "delete": "Del",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}


def key_display(binding: Binding) -> str:
    """How the keys of a binding read in help and the palette: "F2", "ctrl+s", "Esc / q"."""
    if binding.key_display:
        return binding.key_display
    names = []
    for key in binding.key.split(","):
        parts = [
            _KEY_NAMES.get(p, p.upper() if p[:1] == "f" and p[1:].isdigit() else p)
            for p in key.strip().split("+")
        ]
        names.append("+".join(parts))
    return " / ".join(names)


def _run_screen_action(screen: Screen, action: str) -> None:
    screen.app.call_later(screen.app.run_action, action, screen)


class SectionCommands(Provider):
    """Sections, help, and the actions of the screen the palette was opened from."""

    def _commands(self) -> Iterator[PaletteCommand]:
        app = self.app
        screen = self.screen
        for binding in screen_bindings(type(screen)):
            name, params = parse(binding.action)[1:]
            if screen.check_action(name, params) is False:
                continue
            key = key_display(binding)
            yield PaletteCommand(
                f"{binding.description}",
                " · ".join(p for p in (binding.tooltip, screen_title(screen), f"key {key}") if p),
                partial(_run_screen_action, screen, binding.action),
            )
        current = type(screen)
        for s in SECTIONS:  # the other sections' actions: go there and run it
            cls = screen_class(s)
            if cls is current:
                continue
            for binding in screen_bindings(cls):
                yield PaletteCommand(
                    binding.description,
                    f"{s.title} · key {s.key.upper()} then {key_display(binding)}",
                    partial(app.open_section_and_run, s.id, binding.action),
                )
        for s in SECTIONS:
            yield PaletteCommand(
                f"Go to {s.title}",
                f"{s.description} · key {s.key.upper()}",
                partial(app.run_action, f"app.open_section('{s.id}')"),
            )
        yield PaletteCommand(
            "Back up the database",
            "A consistent copy to a folder you choose · key ctrl+b",
            partial(app.run_action, "app.backup"),
        )
        yield PaletteCommand(
            "Send to the district",
            "Every file of the year in one bundle, and when it last went · key s on the dashboard",
            partial(app.run_action, "app.send_to_district"),
            "Restore a backup",
            "Checked; the current database kept as a dated copy · key ctrl+r",
            partial(app.run_action, "app.restore"),
        )
        yield PaletteCommand(
            "Help: every key",
            "Keys grouped by screen · key F1",
            partial(app.run_action, "app.show_help"),
        )

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)


def screen_title(screen: Screen) -> str:
    """The name a person knows the screen by."""
    return getattr(screen, "SECTION_TITLE", "") or screen.title or type(screen).__name__
