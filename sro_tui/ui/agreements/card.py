"""The dashboard cards of issue 6: staff training due or overdue, agreements not adopted, open
complaints and their age. They read `status["agreements"]` (`agreements.agreements_status()`)."""

from __future__ import annotations

from typing import Any

from sro_tui.ui.navigation import section
from sro_tui.ui.widgets.card import CardContent


def _counts(status: dict[str, Any]) -> dict[str, Any] | None:
    if not status.get("school_name") or not status.get("school_year"):
        return None
    return status.get("agreements")


def agreements_card(status: dict[str, Any]) -> CardContent | None:
    """Agreements adopted / in review, agencies whose staff work here with none adopted,
    and staff training overdue or due soon."""
    counts = _counts(status)
    if counts is None:
        return None
    key = section("agreements").key.upper()
    gaps = counts["providers_without_agreement"]
    adopted = counts.get("agreements_adopted_with", [])
    lines = [f"Adopted: {', '.join(adopted)}" if adopted else "No agreement adopted this year"]
    lines += [f"In review, NOT adopted: {name}" for name in counts.get("providers_in_review", [])]
    lines += [
        f"NO agreement at all: {name}" for name in counts.get("providers_with_no_agreement", [])
    ]
    overdue, soon, none = (
        counts["training_overdue"],
        counts["training_due_soon"],
        counts["training_no_plan"],
    )
    if overdue or soon or none:
        lines.append(
            f"Training: {overdue} overdue · {soon} due in {counts['training_due_soon_days']} days"
            f" · {none} with no plan"
        )
    owes = bool(gaps or overdue or none)
    return CardContent(
        lines, hint=f"Press {key} (1 training, 2 agreements)." if owes else "", warning=owes
    )


def complaints_card(status: dict[str, Any]) -> CardContent | None:
    """Open complaints and the age of the oldest."""
    counts = _counts(status)
    if counts is None:
        return None
    open_now, oldest = counts["complaints_open"], counts["oldest_open_complaint_days"]
    if not open_now:
        return CardContent(["No open complaint."])
    key = section("agreements").key.upper()
    return CardContent(
        [f"{open_now} open · oldest received {oldest} day(s) ago"],
        hint=f"Press {key}, then 3.",
        warning=True,
    )
