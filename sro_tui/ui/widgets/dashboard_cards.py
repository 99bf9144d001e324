"""The dashboard's cards: one registry, so a feature adds its card in one place.

A card turns the status dictionary (`sro_tui.status.full_status()`, which every feature extends
with its own counts) into a few lines, an optional progress bar and an optional hint. A card
whose `build` returns None is not shown (say, a feature with nothing to report yet).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

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


class CardView(Vertical):
    """One card on the dashboard, redrawn by `show(content)`."""

    DEFAULT_CSS = """
    CardView { height: auto; border: round $primary; padding: 0 1; }
    CardView.-warning { border: round $warning; }
    CardView > .card-hint { color: $accent; }
    CardView > ProgressBar { margin-top: 1; }
    """

    def __init__(self, card: DashboardCard):
        super().__init__(id=f"card-{card.id}")
        self.card = card
        self.border_title = card.title

    def compose(self) -> ComposeResult:
        yield Static("", classes="card-body")
        yield Static("", classes="card-hint")
        # Hidden until the counts arrive: an empty bar is "indeterminate" and animates, which
        # would keep redrawing the screen while it starts.
        bar = ProgressBar(show_eta=False)
        bar.display = False
        yield bar

    def show(self, content: CardContent) -> None:
        self.set_class(content.warning, "-warning")
        self.query_one(".card-body", Static).update("\n".join(content.lines))
        hint = self.query_one(".card-hint", Static)
        hint.update(content.hint)
        hint.display = bool(content.hint)
        bar = self.query_one(ProgressBar)
        bar.display = content.progress is not None
        if content.progress is not None:
            done, total = content.progress
            bar.update(total=max(total, 1), progress=done)
