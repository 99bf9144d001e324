"""Parts of the intervention form that appear only when they apply: a law-enforcement activity
with its safeguards, the restraint/isolation record with its deadlines, and the findings panel.

Each part reads its own widgets into the core's plain values (`policy.LawEnforcementActivity`,
`policy.RestraintIsolation`) and reports bad date/time text as problems, never as exceptions.
"""

from __future__ import annotations

from datetime import datetime

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from sro_tui import policy
from sro_tui.interventions import DATETIME_FORMAT_HINT, closure_days, parse_local_datetime
from sro_tui.ui.widgets.text_box import TextBox

YES_NO = [("Yes", "yes"), ("No", "no")]
SEARCH_KINDS = {
    k
    for k, v in policy.LAW_ENFORCEMENT_ACTIVITIES.items()
    if v.attorney_safeguard == "if_consent_search"
}


def yes_no_value(select: Select) -> bool | None:
    """A Yes/No Select as True/False, or None while unanswered (never compare with Select.BLANK)."""
    value = select.value
    return {"yes": True, "no": False}.get(value) if isinstance(value, str) else None


def yes_no_text(value: bool | None):
    return Select.NULL if value is None else ("yes" if value else "no")


def read_time(box: Input, label: str, problems: list[str]) -> datetime | None:
    text = box.value.strip()
    if not text:
        return None
    try:
        return parse_local_datetime(text)
    except ValueError:
        problems.append(f"{label}: write it as {DATETIME_FORMAT_HINT}")
        return None


def time_text(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


class LawEnforcementBlock(Vertical):
    """One law-enforcement activity: where, why at school, consent, attorney access, parent."""

    DEFAULT_CSS = """
    LawEnforcementBlock { height: auto; border: round $warning; padding: 0 1; margin-bottom: 1; }
    LawEnforcementBlock Horizontal { height: auto; }
    LawEnforcementBlock Select { width: 1fr; }
    LawEnforcementBlock > * { margin-bottom: 1; }
    """

    def __init__(self, activity: policy.LawEnforcementActivity | None = None, **kwargs):
        super().__init__(**kwargs)
        self.activity = activity or policy.LawEnforcementActivity(kind="interview")
        self.border_title = "Law-enforcement activity"

    def compose(self) -> ComposeResult:
        a = self.activity
        kinds = [(k.label, k.id) for k in policy.LAW_ENFORCEMENT_ACTIVITIES.values()]
        with Horizontal():
            yield Select(kinds, value=a.kind, allow_blank=False, classes="le-kind", compact=True)
            yield Select(
                YES_NO,
                prompt="On school premises?",
                value=yes_no_text(a.on_premises),
                classes="le-on-premises",
                compact=True,
            )
        yield TextBox(
            a.why_on_premises,
            placeholder="Why it could not take place away from school",
            classes="le-why",
            compact=True,
        )
        yield Select(
            YES_NO,
            prompt="Was the student asked to consent to the search?",
            value=yes_no_text(a.consent_requested),
            classes="le-consent",
            compact=True,
        )
        answers = [(text, key) for key, text in policy.ATTORNEY_ACCESS_ANSWERS.items()]
        yield Select(
            answers,
            prompt="Access to an attorney (RCW 13.40.740)",
            value=a.attorney_access or Select.NULL,
            classes="le-attorney",
            compact=True,
        )
        with Horizontal():
            yield Select(
                YES_NO,
                prompt="Student under 18? (RCW 13.40.740)",
                value=yes_no_text(a.student_under_18),
                classes="le-under18",
                compact=True,
            )
            yield Select(
                YES_NO,
                prompt="Questioning custodial (not free to leave)?",
                value=yes_no_text(a.custodial),
                classes="le-custodial",
                compact=True,
            )
        with Horizontal():
            yield Select(
                YES_NO,
                prompt="Parent or guardian notified?",
                value=yes_no_text(a.parent_notified),
                classes="le-parent",
                compact=True,
            )
            yield Button("Remove", classes="le-remove", compact=True)

    def on_mount(self) -> None:
        self.show_what_applies()

    def show_what_applies(self) -> None:
        kind = self.query_one(".le-kind", Select).value
        on_premises = yes_no_value(self.query_one(".le-on-premises", Select))
        self.query_one(".le-why", Input).display = on_premises is True
        is_search = kind in SEARCH_KINDS
        self.query_one(".le-consent", Select).display = is_search
        self.query_one(".le-custodial", Select).display = kind == "interview"
        safeguard = policy.LAW_ENFORCEMENT_ACTIVITIES[str(kind)].attorney_safeguard
        consent = yes_no_value(self.query_one(".le-consent", Select))
        self.query_one(".le-attorney", Select).display = safeguard == "always" or (
            is_search and consent is True
        )

    def read(self) -> policy.LawEnforcementActivity:
        kind = str(self.query_one(".le-kind", Select).value)
        on_premises = yes_no_value(self.query_one(".le-on-premises", Select))
        attorney = self.query_one(".le-attorney", Select)
        consent = self.query_one(".le-consent", Select)
        custodial = self.query_one(".le-custodial", Select)
        return policy.LawEnforcementActivity(
            kind=kind,
            on_premises=on_premises,
            why_on_premises=self.query_one(".le-why", Input).value if on_premises else "",
            consent_requested=yes_no_value(consent) if consent.display else None,
            attorney_access=str(attorney.value)
            if attorney.display and isinstance(attorney.value, str)
            else None,
            parent_notified=yes_no_value(self.query_one(".le-parent", Select)),
            custodial=yes_no_value(custodial) if custodial.display else None,
            student_under_18=yes_no_value(self.query_one(".le-under18", Select)),
        )


TYPE_HINT = "e.g. 4 (standing) or 2,14 — restraint 1-9, 16-18; isolation 10-15"
RECOMMEND_HINT = "Changes to resources to avoid similar incidents"


def _count_text(record: policy.RestraintIsolation) -> str:
    return "" if record.staff_injured_count is None else str(record.staff_injured_count)


def _count(box: Input, problems: list[str]) -> int | None:
    text = box.value.strip()
    if not text:
        return None
    if not text.isdigit():
        problems.append("Staff injured: write how many (0 if none)")
        return None
    return int(text)


def _type_codes(text: str, problems: list[str]) -> tuple[str, ...]:
    codes = tuple(c for c in text.replace(";", ",").replace(" ", ",").split(",") if c)
    unknown = [c for c in codes if c not in policy.RESTRAINT_TYPES]
    if unknown:
        problems.append(f"State type code(s) {', '.join(unknown)}: use 1-18 (see the hint)")
    return tuple(c for c in codes if c in policy.RESTRAINT_TYPES)


STEP_FIELDS = (
    ("administrator_informed", "Administrator informed at"),
    ("family_told_verbally", "Family told verbally at"),
    ("written_report_filed", "Written report filed at"),
    ("family_told_in_writing", "Family told in writing at"),
)


class RestraintBlock(Vertical):
    """The restraint/isolation record: times, what led to it, injuries, and the four steps owed
    (RCW 28A.600.485) with their deadlines, shown until met."""

    DEFAULT_CSS = """
    RestraintBlock { height: auto; border: round $error; padding: 0 1; }
    RestraintBlock Horizontal { height: auto; margin-bottom: 1; }
    RestraintBlock Checkbox { width: auto; margin-right: 2; }
    RestraintBlock Input { width: 1fr; }
    RestraintBlock .ri-label { width: 28; }
    RestraintBlock #ri-deadlines { margin-top: 1; }
    """

    def __init__(self, record: policy.RestraintIsolation | None, language: str = "", **kwargs):
        super().__init__(**kwargs)
        self.record = record or policy.RestraintIsolation()
        self.language = language
        self.border_title = "Restraint / isolation record"

    def compose(self) -> ComposeResult:
        r = self.record
        with Horizontal():
            yield Checkbox("Restraint", r.restraint, id="ri-restraint", compact=True)
            yield Checkbox("Isolation", r.isolation, id="ri-isolation", compact=True)
            yield Select(
                YES_NO,
                prompt="Student injured?",
                value=yes_no_text(r.student_injured),
                id="ri-injuries",
                compact=True,
            )
        # What RCW 28A.600.485 asks the written report to hold.
        for name, label, value, hint in (
            ("administered_by_name", "Administered by (name)", r.administered_by_name, ""),
            ("administered_by_title", "Their job title", r.administered_by_title, ""),
            ("type_codes", "State type code(s)", ",".join(r.type_codes), TYPE_HINT),
            ("staff_injured_count", "Staff injured (how many)", _count_text(r), "0 if none"),
            ("medical_care", "Medical care given", r.medical_care, "empty if none"),
            ("recommendations", "Recommendations", r.recommendations, RECOMMEND_HINT),
        ):
            with Horizontal():
                yield Label(label, classes="ri-label")
                yield TextBox(value, placeholder=hint, id=f"ri-{name}", compact=True)
        for name, label, value in (
            ("started_at", "Began at", r.started_at),
            ("ended_at", "Ended at", r.ended_at),
        ):
            with Horizontal():
                yield Label(label, classes="ri-label")
                yield TextBox(
                    time_text(value),
                    placeholder=DATETIME_FORMAT_HINT,
                    id=f"ri-{name}",
                    compact=True,
                )
        with Horizontal():
            yield Label("What led to it", classes="ri-label")
            yield TextBox(
                r.description,
                placeholder="The behaviour and the danger",
                id="ri-description",
                compact=True,
            )
        for step, label in STEP_FIELDS:
            with Horizontal():
                yield Label(label, classes="ri-label")
                yield TextBox(
                    time_text(getattr(r, f"{step}_at")),
                    placeholder=f"{DATETIME_FORMAT_HINT} (empty while owed)",
                    id=f"ri-{step}",
                    compact=True,
                )
        with Horizontal():
            yield Label("Family's language", classes="ri-label")
            yield TextBox(
                self.language,
                placeholder="For the notices (e.g. Spanish)",
                id="ri-language",
                compact=True,
            )
        yield Static("", id="ri-deadlines")

    def read(self, problems: list[str]) -> tuple[policy.RestraintIsolation, str]:
        values = {
            name: read_time(self.query_one(f"#ri-{name}", Input), label, problems)
            for name, label in (("started_at", "Began at"), ("ended_at", "Ended at"))
        }
        for step, label in STEP_FIELDS:
            values[f"{step}_at"] = read_time(self.query_one(f"#ri-{step}", Input), label, problems)
        student_injured = yes_no_value(self.query_one("#ri-injuries", Select))
        record = policy.RestraintIsolation(
            restraint=self.query_one("#ri-restraint", Checkbox).value,
            isolation=self.query_one("#ri-isolation", Checkbox).value,
            description=self.query_one("#ri-description", Input).value,
            student_injured=student_injured,
            injuries=student_injured,
            administered_by_name=self.query_one("#ri-administered_by_name", Input).value,
            administered_by_title=self.query_one("#ri-administered_by_title", Input).value,
            type_codes=_type_codes(self.query_one("#ri-type_codes", Input).value, problems),
            staff_injured_count=_count(self.query_one("#ri-staff_injured_count", Input), problems),
            medical_care=self.query_one("#ri-medical_care", Input).value,
            recommendations=self.query_one("#ri-recommendations", Input).value,
            **values,
        )
        return record, self.query_one("#ri-language", Input).value

    def show_deadlines(self, started: datetime | None, now: datetime) -> None:
        """The four steps, each with its due time and whether it is met, open or overdue."""
        box = self.query_one("#ri-deadlines", Static)
        if started is None:
            box.update("Deadlines appear once the time it began is known.")
            return
        problems: list[str] = []
        record, _ = self.read(problems)
        lines = []
        for d in policy.deadlines_of(record, started, closure_days()):
            status = d.status(now)
            colour = {"met": "green", "met late": "yellow", "overdue": "red"}.get(status, "yellow")
            due = d.due_text if d.as_soon_as_possible else f"by {d.due_at:%a %Y-%m-%d %H:%M}"
            lines.append(f"[{colour}]{status:>9}[/] {escape(d.label)} — {due}")
            if d.school_days_note:
                lines.append(f"{'':>9}   [dim]{escape(d.school_days_note)}[/]")
        box.update("\n".join(lines))


SEVERITY_MARK = {
    policy.Severity.BLOCK: ("[b red]✖ stops the save[/]", "red"),
    policy.Severity.NEEDS_REASON: ("[b yellow]! needs a reason[/]", "yellow"),
    policy.Severity.ADVICE: ("[b cyan]i advice[/]", "cyan"),
}


def findings_markup(
    findings: list[policy.Finding], problems: list[str], acknowledged: dict[str, str]
) -> str:
    """The live findings panel: input problems first, then BLOCK, NEEDS_REASON, ADVICE."""
    if not findings and not problems:
        return "[green]No findings: the request meets the policy as written.[/]"
    parts = [f"[b red]✖ {escape(p)}[/]" for p in problems]
    for f in findings:
        mark, _ = SEVERITY_MARK[f.severity]
        given = acknowledged.get(f.key) or acknowledged.get(f.check_id)
        done = (
            " [green](reason given)[/]"
            if given and f.severity is policy.Severity.NEEDS_REASON
            else ""
        )
        parts.append(f"{mark}{done}\n{escape(f.message)}\n[dim]{escape(f.citation)}[/]")
    return "\n\n".join(parts)
