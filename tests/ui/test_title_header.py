"""The screens' header, one widget, draws every cell as Textual's `Header` (an icon, a title and
the clock's space, three widgets) does: the icon, the title and sub-title centred and cut with an
ellipsis, a tall header, the icon pointed at; and it works as that header does: a click on the
icon opens the command palette, a click elsewhere makes it tall or short again.

Private Textual API (pinned to 8.2): `Screen._compositor.render_strips` (the cells on screen)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Header

from sro_tui.ui.widgets.header import TitleHeader


class HeaderApp(App):
    def __init__(self, header: type, title: str, sub_title: str) -> None:
        super().__init__()
        self.header = header
        self.title = title
        self.sub_title = sub_title

    def compose(self) -> ComposeResult:
        yield self.header()


def _cells(app: App, rows: int) -> list[list[tuple]]:
    """The top rows, cell by cell: character, colour, background, bold, dim, italic."""
    strips = app.screen._compositor.render_strips()[:rows]
    return [
        [
            (ch, str(s.style.color), str(s.style.bgcolor), bool(s.style.bold), bool(s.style.dim))
            for s in strip
            for ch in s.text
        ]
        for strip in strips
    ]


async def _drawn(
    header: type, width: int, theme: str, title: tuple[str, str], tall: bool, hover: int | None
) -> list[list[tuple]]:
    app = HeaderApp(header, *title)
    async with app.run_test(size=(width, 6)) as pilot:
        app.theme = theme
        await pilot.pause()
        if tall:
            await pilot.click(offset=(width // 2, 0))
            await pilot.pause()
        if hover is not None:
            await pilot.hover(offset=(hover, 1 if tall else 0))
        await pilot.pause()
        return _cells(app, 3 if tall else 1)


TITLES = {
    "school": ("sro-tui · school safety & security records", "Port Townsend High · 2026-27"),
    "no sub-title": ("sro-tui", ""),
    "long": ("sro-tui · school safety & security records", "Ñandú Elementary " * 6),
}


@pytest.mark.parametrize("width", [120, 80, 41, 18])
@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("title", list(TITLES))
async def test_drawn_as_textuals_header(width, theme, title):
    for tall in (False, True):
        ours = await _drawn(TitleHeader, width, theme, TITLES[title], tall, None)
        textuals = await _drawn(Header, width, theme, TITLES[title], tall, None)
        assert ours == textuals, (tall, "".join(c[0] for c in ours[-1]))


@pytest.mark.parametrize("hover", [0, 3, 7, 8, 30])
@pytest.mark.parametrize("tall", [False, True])
async def test_the_icon_pointed_at_is_drawn_as_textuals(hover, tall):
    title = TITLES["school"]
    ours = await _drawn(TitleHeader, 80, "textual-dark", title, tall, hover)
    assert ours == await _drawn(Header, 80, "textual-dark", title, tall, hover)


async def test_a_click_on_the_icon_opens_the_palette_elsewhere_makes_it_tall():
    from textual.command import CommandPalette

    app = HeaderApp(TitleHeader, *TITLES["school"])
    async with app.run_test(size=(80, 6)) as pilot:
        header = app.query_one(TitleHeader)
        await pilot.hover(offset=(3, 0))
        await pilot.pause()
        assert header.tooltip == "Open the command palette"
        await pilot.hover(offset=(40, 0))
        await pilot.pause()
        assert header.tooltip is None  # the title is not a button
        await pilot.click(offset=(40, 0))
        await pilot.pause()
        assert header.size.height == 3 and header.has_class("-tall")
        await pilot.click(offset=(40, 0))
        await pilot.pause()
        assert header.size.height == 1
        await pilot.click(offset=(2, 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert header.size.height == 1  # the icon's click is the palette's alone


async def test_the_title_follows_the_screen_and_the_width():
    app = HeaderApp(TitleHeader, *TITLES["school"])
    app.SHORT_TITLE = "sro-tui"  # type: ignore[attr-defined]
    async with app.run_test(size=(120, 6)) as pilot:
        header = app.query_one(TitleHeader)
        assert header.title_text.startswith("sro-tui · school safety")
        await pilot.resize_terminal(80, 6)
        await pilot.pause()
        assert header.title_text == "sro-tui — Port Townsend High · 2026-27"
        app.screen.sub_title = "Roster"
        await pilot.pause()
        assert header.title_text == "sro-tui — Roster"
        line = "".join(s.text for s in app.screen._compositor.render_strips()[0])
        assert "sro-tui — Roster" in line
