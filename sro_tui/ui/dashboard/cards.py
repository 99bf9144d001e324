"""The dashboard's cards: one registry, so a feature adds its card in one place.

A card turns the status dictionary (`sro_tui.reports.full_status()`, which every feature extends
with its own counts) into a few lines, an optional progress bar and an optional hint. A card
whose `build` returns None is not shown (say, a feature with nothing to report yet). Each section
builds its own card in its `card.py`; the ones without a section of their own are here.
"""

from __future__ import annotations

from typing import Any

from sro_tui.terms import STAFF_KINDS
from sro_tui.ui.agreements.card import agreements_card, complaints_card
from sro_tui.ui.checkin.card import presentation_card
from sro_tui.ui.interventions.card import intervention_card
from sro_tui.ui.navigation import ADD_STAFF_KEY, EXPORT_FOLDER_KEY, IMPORT_ROSTER_KEY, section
from sro_tui.ui.widgets.card import CardContent, DashboardCard

__all__ = ["CARDS"]


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
    kinds = STAFF_KINDS
    lines = [f"{count} × {kinds.get(kind, kind)}" for kind, count in sorted(by_kind.items())]
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


def _exports_card(status: dict[str, Any]) -> CardContent | None:
    folder = status.get("export_folder")
    if not folder:
        return None
    return CardContent(
        [folder], hint=f"Every export goes here. Change it: press {EXPORT_FOLDER_KEY}."
    )


CARDS: list[DashboardCard] = [
    DashboardCard("school", "School", _school_card),
    DashboardCard("students", "Students", _students_card),
    DashboardCard("presentation", "Start-of-year presentation", presentation_card),
    DashboardCard("families", "Families", _families_card),
    DashboardCard("staff", "Safety & security staff", _staff_card),
    DashboardCard("notices", "Family notices (Policy 4311)", _notices_card),
    DashboardCard("interventions", "Intervention requests", intervention_card),
    DashboardCard("agreements", "Agreements & training", agreements_card),
    DashboardCard("complaints", "Family complaints", complaints_card),
    DashboardCard("exports", "Export folder", _exports_card),
]
