"""The keys footer, one widget, draws every cell as Textual's compact `Footer` (a widget per key)
does: keys, words, gaps, the palette's key and its rule, a disabled key, a pointed-at key, keys
that do not fit; and it works as that footer does: a click presses a key, the wheel moves keys
that do not fit, and it follows the screen's keys.

Private Textual API (pinned to 8.2): `Screen._compositor.render_strips` (the cells on screen)."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from sro_tui.ui.widgets.footer import KeysFooter


class KeysApp(App):
    BINDINGS = [  # noqa: RUF012
        Binding("r", "count", "Refresh"),
        Binding("e", "count", "Export folder"),  # the same action: shown once, as Textual's
        Binding("s", "send", "Send to district"),
        Binding("o", "reports", "State reports"),
        Binding("x", "hidden", "Not shown", show=False),
    ]

    def __init__(self, footer: type) -> None:
        super().__init__()
        self.footer = footer
        self.counted = 0
        self.send_enabled = False
        self.reports_shown = True

    def compose(self) -> ComposeResult:
        yield self.footer(compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send":
            return True if self.send_enabled else None  # None: shown, disabled (dimmed)
        if action == "reports" and not self.reports_shown:
            return False
        return True

    def action_count(self) -> None:
        self.counted += 1


def _cells(app: App) -> list[tuple]:
    """The bottom line, cell by cell: character, colour, background, bold, dim."""
    strip = app.screen._compositor.render_strips()[-1]
    return [
        (ch, str(s.style.color), str(s.style.bgcolor), bool(s.style.bold), bool(s.style.dim))
        for s in strip
        for ch in s.text
    ]


async def _drawn(footer: type, width: int, theme: str, hover: int | None) -> list[tuple]:
    app = KeysApp(footer)
    async with app.run_test(size=(width, 5)) as pilot:
        app.theme = theme
        await pilot.pause()
        if hover is not None:
            await pilot.hover(offset=(hover, 4))
        await pilot.pause()
        return _cells(app)


@pytest.mark.parametrize("width", [80, 40])
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "ansi-dark"])
@pytest.mark.parametrize("hover", [None, 1, 12, 33])
async def test_drawn_as_textuals_footer(width, theme, hover):
    hover = None if hover is None else min(hover, width - 3)  # 37 of 40: the palette's key
    assert await _drawn(KeysFooter, width, theme, hover) == await _drawn(
        Footer, width, theme, hover
    )


async def test_a_click_presses_the_key_a_disabled_one_rings_the_bell():
    app = KeysApp(KeysFooter)
    bells: list[None] = []
    app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 5)) as pilot:
        await pilot.click(offset=(3, 4))  # "r Refresh"
        assert app.counted == 1
        await pilot.click(offset=(9, 4))  # the gap after it: nothing
        assert app.counted == 1 and not bells
        await pilot.click(offset=(15, 4))  # "s Send to district", disabled
        assert bells


def _wheel(kind: type, footer: KeysFooter) -> events.MouseEvent:
    return kind(footer, 3, 0, 0, 1, 0, False, False, False)


async def test_the_wheel_moves_keys_that_do_not_fit():
    app = KeysApp(KeysFooter)
    async with app.run_test(size=(30, 5)) as pilot:
        footer = app.query_one(KeysFooter)
        first = "".join(cell[0] for cell in _cells(app))
        assert first.startswith("r Refresh")
        footer.post_message(_wheel(events.MouseScrollDown, footer))
        await pilot.pause()
        moved = "".join(cell[0] for cell in _cells(app))
        assert not moved.startswith("r Refresh") and footer._scroll > 0
        for _ in range(20):
            footer.post_message(_wheel(events.MouseScrollUp, footer))
        await pilot.pause()
        assert "".join(cell[0] for cell in _cells(app)) == first


async def test_it_follows_the_screens_keys():
    app = KeysApp(KeysFooter)
    async with app.run_test(size=(80, 5)) as pilot:
        assert "State reports" in "".join(cell[0] for cell in _cells(app))
        app.reports_shown = False
        app.send_enabled = True
        app.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        cells = _cells(app)
        assert "State reports" not in "".join(cell[0] for cell in cells)
        send = "".join(cell[0] for cell in cells).index("Send")
        assert not cells[send][4]  # no longer dimmed
