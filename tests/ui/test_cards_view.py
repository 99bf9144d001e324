"""The dashboard's cards keep the lines they last drew (Textual asks for them twice as the counts
arrive) and never draw old ones: new counts and a new theme are drawn at once."""

from __future__ import annotations

from textual.app import App, ComposeResult

from sro_tui.ui.widgets.card import CardContent, CardsView, DashboardCard

CARDS = [
    DashboardCard("students", "Students", lambda s: CardContent([f"{s['n']:,} active"])),
    DashboardCard("notices", "Family notices", lambda s: CardContent(["notified"], warning=True)),
]


class CardsApp(App):
    def compose(self) -> ComposeResult:
        yield CardsView(CARDS, id="cards")


def _text(lines) -> str:
    return "\n".join("".join(segment.text for segment in line) for line in lines)


async def test_new_counts_and_a_new_theme_are_drawn_not_the_kept_lines():
    app = CardsApp()
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(CardsView)
        view.show({card.id: card.build({"n": 5000}) for card in CARDS})
        await pilot.pause()
        first = view.lines(76)
        assert "5,000 active" in _text(first)
        assert view.lines(76) is first  # asked again at the same width: the same lines

        view.show({card.id: card.build({"n": 5001}) for card in CARDS})
        await pilot.pause()
        assert "5,001 active" in _text(view.lines(76))
        assert "5,001 active" in _text(view.lines(60))  # another width: drawn for it

        warning = {s.style.color for line in view.lines(76) for s in line if s.text == "╭─"}
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        drawn = view.lines(76)
        assert {s.style.color for line in drawn for s in line if s.text == "╭─"} != warning
        assert "5,001 active" in _text(drawn)


def _as_rich_draws(view: CardsView, content: CardContent, inner: int) -> list[list]:
    """A card's body as Rich lays it out (wrapped at word boundaries): what the view draws
    directly when a line fits."""
    from rich.console import Group
    from rich.text import Text

    from sro_tui.ui.widgets.card import CardBar

    styles = view._styles()
    parts = [Text("\n".join(content.lines))]
    if content.hint:
        parts.append(Text(content.hint, style=styles[view.HINT_COLOR]))
    if content.progress is not None:
        done, total = content.progress
        color = view.BAR_COMPLETE_COLOR if done >= total else view.BAR_DONE_COLOR
        parts += [Text(""), CardBar(done, total, styles[color], styles[view.BAR_REST_COLOR])]
    console = view.app.console
    options = console.options.update(width=inner, height=None)
    return console.render_lines(Group(*parts), options, style=styles[""], pad=False)


def _cells(lines: list[list]) -> list[list[tuple]]:
    """Each line as its cells: (character, style), however the segments split them."""
    return [[(ch, s.style) for s in line for ch in s.text] for line in lines]


async def test_a_card_is_drawn_as_rich_lays_it_out_at_every_width():
    contents = [
        CardContent(["5,000 active", "12 inactive (left the school)"]),
        CardContent(
            ["1,203 / 4,936 households notified this year", "3 returned · 1 bounced: back"],
            progress=(1203, 4936),
            hint="Record notices: press F3.",
            warning=True,
        ),
        CardContent(["Every household"], progress=(7, 7)),
        CardContent(["/home/office/Documents/sro-tui exports/a folder with a long name"]),
        CardContent(["a\ttab and a bell\a", "", "2 × School resource officer — Ñandú"]),
        CardContent(["none yet"], progress=(0, 0), hint="Add them: press F5, then a."),
    ]
    app = CardsApp()
    async with app.run_test(size=(80, 20)):
        view = app.query_one(CardsView)
        styles = view._styles()
        for content in contents:
            for inner in (1, 5, 12, 20, 33, 40, 70):
                drawn = _cells(view._body(content, styles, inner))
                assert drawn == _cells(_as_rich_draws(view, content, inner)), (content, inner)
