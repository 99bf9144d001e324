"""The school's own closure days (breaks, snow days), a setting kept in the database.

Business-day deadlines always skip weekends and Washington's legal holidays (RCW 1.12.040,
RCW 1.16.050: `policy.deadlines`). A school is closed on more days than that; those are stored
here and passed to every deadline so the school-day date can be shown beside the legal one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

# The package, not the name: its immigration checks (patterns compiled at import) load when a
# closure is first saved, not with the dashboard's counts (`closure_days`).
from sro_tui import policy
from sro_tui.db import connection
from sro_tui.interventions.counts import closure_days_in
from sro_tui.models import database_proxy
from sro_tui.records import ValidationError, audit, get_setting, set_setting
from sro_tui.terms import CLOSURES_SETTING

MAX_CLOSURE_DAYS = 60  # a longer stretch is a typing mistake (summer is outside the school year)


@dataclass(frozen=True, slots=True)
class Closure:
    """One day the school is closed, with what it is ("Winter break", "Snow day")."""

    day: date
    label: str


def school_closures() -> list[Closure]:
    """Every closure day the school has recorded, in date order."""
    raw = get_setting(CLOSURES_SETTING)
    if not raw:
        return []
    rows = json.loads(raw)
    return sorted(
        (Closure(date.fromisoformat(r["date"]), r.get("label", "")) for r in rows),
        key=lambda c: c.day,
    )


def closure_days() -> frozenset[date]:
    """The school's closure days as a set, for the deadline functions."""
    return closure_days_in(connection())


def _store(closures: list[Closure]) -> None:
    value = json.dumps(
        [
            {"date": c.day.isoformat(), "label": c.label}
            for c in sorted(closures, key=lambda c: c.day)
        ]
    )
    set_setting(CLOSURES_SETTING, value)


def add_closures(first: date, last: date | None = None, label: str = "") -> list[Closure]:
    """Record the school closed from `first` to `last` (inclusive; one day when `last` is None).
    Days already listed get the new label. Returns the days added or relabelled.

    ValidationError when the range runs backwards, is longer than 60 days, or the label is
    blank or records forbidden content."""
    last = last or first
    label = " ".join(label.split())
    problems = {}
    if last < first:
        problems["through"] = f"{last.isoformat()} is before {first.isoformat()}"
    elif (last - first).days + 1 > MAX_CLOSURE_DAYS:
        problems["through"] = f"more than {MAX_CLOSURE_DAYS} days: record each break on its own"
    if not label:
        problems["label"] = "say what the closure is, e.g. 'Winter break' or 'Snow day'"
    elif policy.find_immigration_content(label):
        problems["label"] = "this text records immigration, citizenship or birth-place data"
    if problems:
        raise ValidationError(problems)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    with database_proxy.atomic():
        kept = {c.day: c for c in school_closures()}
        before = [c.day.isoformat() for c in kept.values()]
        added = [Closure(day, label) for day in days]
        kept.update({c.day: c for c in added})
        _store(list(kept.values()))
        audit(
            "update",
            table_name="setting",
            record_id=CLOSURES_SETTING,
            before={"days": before},
            after={"added": [d.isoformat() for d in days], "label": label},
        )
    return added


def remove_closures(first: date, last: date | None = None) -> list[Closure]:
    """Forget the closure days from `first` to `last` (inclusive). Returns the days removed;
    ValidationError when none of them was listed."""
    last = last or first
    with database_proxy.atomic():
        kept = school_closures()
        removed = [c for c in kept if first <= c.day <= last]
        if not removed:
            raise ValidationError({"date": f"no closure day listed from {first} to {last}"})
        _store([c for c in kept if c not in removed])
        audit(
            "update",
            table_name="setting",
            record_id=CLOSURES_SETTING,
            before={"removed": [c.day.isoformat() for c in removed]},
        )
    return removed
