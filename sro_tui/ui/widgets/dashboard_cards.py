"""The dashboard's cards: one registry, so a feature adds its card in one place.

A card turns the status dictionary (`sro_tui.status.full_status()`, which every feature extends
with its own counts) into a few lines, an optional progress bar and an optional hint. A card
whose `build` returns None is not shown (say, a feature with nothing to report yet).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from ...models import STAFF_KINDS
from ..navigation import ADD_STAFF_KEY, IMPORT_ROSTER_KEY, section


@dataclass(frozen=True)
class CardContent:
    lines: list[str]
    progress: tuple[int, int] | None = None  # (done, total), drawn as a bar
    hint: str = ""  # what to do next, shown in the accent colour
    warning: bool = False  # the school owes something here


@dataclass(frozen=True)
class DashboardCard:
    id: str
    title: str
    build: Callable[[dict[str, Any]], CardContent | None] = field(repr=False)


def _key(key: str) -> str:
    return key.upper() if key.startswith("f") else key


def _school_card(status: dict[str, Any]) -> CardContent:
    if not status.get("school_name"):
        return CardContent(
            ["No school on record yet."],
            hint="The first roster import sets up the school.",
            warning=True,
        )
    year = status.get("school_year") or "not set"
    return CardContent(
        [status["school_name"], f"Code {status['school_code']}", f"School year {year}"]
    )


def _students_card(status: dict[str, Any]) -> CardContent:
    active, inactive = status.get("active_students", 0), status.get("inactive_students", 0)
    if active == 0 and inactive == 0:
        roster = section("roster")
        return CardContent(
            ["No students yet."],
            hint=f"Import a roster: press {_key(roster.key)} ({roster.title}), "
            f"then {_key(IMPORT_ROSTER_KEY)}.",
            warning=True,
        )
    return CardContent([f"{active:,} active", f"{inactive:,} inactive (left the school)"])


def _families_card(status: dict[str, Any]) -> CardContent:
    return CardContent(
        [
            f"{status.get('guardians', 0):,} guardians",
            f"{status.get('households', 0):,} households (one notice each)",
        ]
    )


def _staff_card(status: dict[str, Any]) -> CardContent:
    by_kind: dict[str, int] = status.get("staff_by_kind", {})
    if not by_kind:
        staff = section("staff")
        return CardContent(
            ["No safety or security staff on record."],
            hint=f"Add them: press {_key(staff.key)}, then {ADD_STAFF_KEY}.",
        )
    lines = [f"{count} × {STAFF_KINDS.get(kind, kind)}" for kind, count in sorted(by_kind.items())]
    return CardContent(lines)


def _notices_card(status: dict[str, Any]) -> CardContent | None:
    # status["family_notices"] is notices.notice_counts() (added to status.full_status()).
    counts = status.get("family_notices")
    if not counts or not counts.get("households"):
        return None
    done, total = counts["notified"], counts["households"]
    lines = [f"{done:,} / {total:,} households notified this year"]
    if counts.get("returned") or counts.get("bounced"):
        returned, bounced = counts.get("returned", 0), counts.get("bounced", 0)
        lines.append(f"{returned:,} returned · {bounced:,} bounced: back on the to-do list")
    families = section("families")
    hint = "" if done == total else f"Record notices: press {_key(families.key)}."
    return CardContent(lines, progress=(done, total), hint=hint, warning=done < total)


def _presentation_card(status: dict[str, Any]) -> CardContent | None:
    from .checkin_card import presentation_card  # imported late: it imports this module

    return presentation_card(status)


def _agreements_cards() -> tuple[Callable[..., CardContent | None], ...]:
    from .agreements_card import agreements_card, complaints_card  # late: it imports this module

    return agreements_card, complaints_card


def _intervention_card(status: dict[str, Any]) -> CardContent | None:
    from .intervention_card import intervention_card  # imported late: it imports this module

    return intervention_card(status)


CARDS: list[DashboardCard] = [
    DashboardCard("school", "School", _school_card),
    DashboardCard("students", "Students", _students_card),
    DashboardCard("presentation", "Start-of-year presentation", _presentation_card),
    DashboardCard("families", "Families", _families_card),
    DashboardCard("staff", "Safety & security staff", _staff_card),
    DashboardCard("notices", "Family notices (Policy 4311)", _notices_card),
    DashboardCard("interventions", "Intervention requests", lambda s: _intervention_card(s)),
    DashboardCard("agreements", "Agreements & training", lambda s: _agreements_cards()[0](s)),
    DashboardCard("complaints", "Family complaints", lambda s: _agreements_cards()[1](s)),
]


class CardBar:
    """A progress bar drawn as text, as wide as the card allows (at most 32 cells) and a
    percentage: one line of a card's text instead of three more widgets to mount and style."""

    MAX_WIDTH = 32

    def __init__(self, done: int, total: int, done_style: Style, rest_style: Style):
        self.done, self.total = done, max(total, 1)
        self.done_style, self.rest_style = done_style, rest_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        share = min(max(self.done / self.total, 0.0), 1.0)
        label = f" {round(share * 100):>3}%"
        width = max(min(options.max_width - len(label), self.MAX_WIDTH), 1)
        filled = round(width * share)
        yield Text.assemble(
            ("━" * filled, self.done_style), ("━" * (width - filled), self.rest_style), label
        )


class CardView(Widget):
    """One card on the dashboard: a bordered block of text, redrawn by `show(content)`.

    One widget per card (no child Statics or ProgressBar): the dashboard is the first screen,
    and every widget mounted there is start-up time.
    """

    DEFAULT_CSS = """
    CardView { height: auto; border: round $primary; padding: 0 1; }
    CardView.-warning { border: round $warning; }
    CardView > .card--hint { color: $accent; }
    CardView > .card--bar-done { color: $primary; }
    CardView > .card--bar-rest { color: $surface-lighten-2; }
    CardView.-complete > .card--bar-done { color: $success; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"card--hint", "card--bar-done", "card--bar-rest"}

    def __init__(self, card: DashboardCard):
        super().__init__(id=f"card-{card.id}")
        self.card = card
        self.border_title = card.title
        self.card_content: CardContent | None = None

    def show(self, content: CardContent) -> None:
        self.card_content = content
        self.set_class(content.warning, "-warning")
        done, total = content.progress or (0, 1)
        self.set_class(content.progress is not None and done >= total, "-complete")
        self.refresh(layout=True)

    @property
    def text(self) -> str:
        """The card's words as a person reads them (lines, then the hint), without the bar."""
        content = self.card_content
        if content is None:
            return ""
        return "\n".join([*content.lines, *([content.hint] if content.hint else [])])

    def render(self) -> RenderableType:
        content = self.card_content
        if content is None:
            return ""
        parts: list[RenderableType] = [Text("\n".join(content.lines))]
        if content.hint:
            parts.append(Text(content.hint, style=self.get_component_rich_style("card--hint")))
        if content.progress is not None:
            done, total = content.progress
            parts.append(Text(""))
            parts.append(
                CardBar(
                    done,
                    total,
                    self.get_component_rich_style("card--bar-done"),
                    self.get_component_rich_style("card--bar-rest"),
                )
            )
        return Group(*parts)
