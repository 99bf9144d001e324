"""The Families table's rows and the detail pane's text: how a household reads on screen."""

from __future__ import annotations

from rich.markup import escape

from sro_tui.notices import (
    DELIVERY_STATUSES,
    HOUSEHOLD_STATUSES,
    NOTICE_METHODS,
    STATUS_KEYS,
    HouseholdIndex,
    HouseholdLine,
    HouseholdNotices,
    language_name,
    letter_language,
)
from sro_tui.ui.widgets.fit_table import FitColumn, cells_wide

FAMILY_COLUMNS = (
    FitColumn("", "mark"),
    FitColumn("Household", "label", min_width=14, max_width=32, keep=1),
    FitColumn("Guardians", "guardians", min_width=14, max_width=40),
    FitColumn("Language", "language", min_width=8, max_width=14),
    FitColumn("Students", "students", min_width=14, max_width=40),
    FitColumn("Notice", "status", min_width=12, max_width=34, keep=2),  # what the screen is for
)


def notice_cell(status: str, notice: tuple[str, str] | None) -> str:
    """The Notice column: the household's status, and the notice that decided it."""
    if notice is None:
        return HOUSEHOLD_STATUSES[status]
    method, sent_on = notice
    return f"{HOUSEHOLD_STATUSES[status]} · {NOTICE_METHODS.get(method, method)} {sent_on}"


def household_row(h: HouseholdLine, marked: bool) -> tuple[str, ...]:
    return (
        "●" if marked else " ",
        h.label,
        ", ".join(h.guardian_names),
        h.language or "—",
        h.students,
        notice_cell(h.status, h.notice),
    )


def longest_cells(households: HouseholdIndex) -> list[int]:
    """Each column's longest cell over every household (measured once per load, in the
    worker, without building a row: the table fits its columns from these at every filter
    change and resize)."""
    longest = dict(households.longest)
    if not households.filters_ready:  # not read yet: as wide as they may be, until they are
        for column in FAMILY_COLUMNS[2:5]:
            longest[column.key] = column.max_width
    statuses = {
        (STATUS_KEYS[code], households.notices.get(hid))
        for hid, code in zip(households.ids, households.status, strict=True)
    }
    return [
        1,
        longest["label"],
        longest["guardians"],
        max(longest["language"], 1),  # "—" when none
        longest["students"],
        max((cells_wide(notice_cell(*s)) for s in statuses), default=0),
    ]


def household_detail(h: HouseholdNotices) -> str:
    e = escape
    lines = [f"[b]{e(h.label)}[/b]", e(h.address or "no mailing address on file"), ""]
    lines.append("[b]Guardians[/b]")
    for g in h.guardians:
        contact = " · ".join(p for p in (g.email, g.phone) if p) or "no e-mail or phone"
        lines.append(
            f"  {e(g.name)} — {e(contact)}" + (f" · {e(g.language)}" if g.language else "")
        )
    lines += ["", "[b]Students[/b]"]
    lines += [f"  {e(s.name)} · grade {e(s.grade or '—')} · ID {e(s.sis_id)}" for s in h.students]
    wanted = h.language_code or "en"
    in_language = letter_language(wanted)  # reads the template folders: once
    letter = language_name(in_language)
    if in_language != wanted:
        letter += f" (no {language_name(wanted)} template yet)"
    lines += [
        "",
        f"[b]Letter[/b]: {e(letter)}",
        "",
        f"[b]This year's notices[/b] ({e(HOUSEHOLD_STATUSES[h.status])})",
    ]
    if not h.notices:
        lines.append("  none yet")
    for n in h.notices:
        lines.append(
            f"  {n.sent_on} {e(NOTICE_METHODS.get(n.method, n.method))} ({e(n.language)})"
            f" — {e(DELIVERY_STATUSES.get(n.delivery_status, n.delivery_status))}"
            f" · by {e(n.recorded_by)}"
        )
        if n.notes:
            lines.append(f"    [dim]Note:[/dim] {e(n.notes)}")
    return "\n".join(lines)
