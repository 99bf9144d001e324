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
