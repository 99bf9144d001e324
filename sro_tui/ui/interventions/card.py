"""The dashboard card of intervention requests: this month by criterion, reviews waiting,
restraint/isolation steps still owed, and requests whose findings needed a written reason."""

from __future__ import annotations

from typing import Any

from sro_tui.terms import STAFF_INITIATED_EMERGENCY
from sro_tui.ui.navigation import section
from sro_tui.ui.widgets.card import CardContent


def short_criterion(key: str) -> str:
    """A criterion's words on the card."""
    words = {
        "danger_to_others": "danger to others",
        "disruption": "material and substantial disruption",
        "emergency_3432": "other emergency (Policy 3432)",
        STAFF_INITIATED_EMERGENCY: "staff-initiated emergency",
    }
    return words.get(key, key)


def intervention_card(status: dict[str, Any]) -> CardContent | None:
    """None until the school has a year; counts from `status["interventions"]` or the core."""
    if not status.get("school_year"):
        return None
    counts = status.get("interventions") or {}
    by_criterion: dict[str, int] = counts.get("this_month_by_criterion", {})
    lines = [f"{counts.get('this_month', 0)} request(s) this month"]
    for key, count in sorted(by_criterion.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {count} × {short_criterion(key)}")
    waiting = counts.get("awaiting_review", 0)
    owed = counts.get("open_restraint_steps", 0)
    overdue = counts.get("overdue_restraint_steps", 0)
    lines.append(f"{waiting} awaiting your review · {counts.get('drafts', 0)} draft(s)")
    if owed:
        lines.append(
            f"{owed} restraint/isolation step(s) owed" + (f", {overdue} overdue" if overdue else "")
        )
    if counts.get("with_findings"):
        lines.append(f"{counts['with_findings']} request(s) with findings (reasons on record)")
    missing = counts.get("discipline_outcome_missing", 0)
    if missing:
        lines.append(f"{missing} without “did discipline follow?” (annual report)")
    key = section("interventions").key.upper()
    hint = f"Press {key}, then v to review." if waiting else ""
    if missing and not waiting:
        hint = f"Press {key}, then d on each request: did discipline follow?"
    if owed:
        hint = f"Press {key} and tick “R/I deadline open”."
    return CardContent(lines, hint=hint, warning=bool(overdue or owed))
