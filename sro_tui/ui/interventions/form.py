"""The intervention request form: keyboard first, with the policy's findings live beside it.

Tab walks the fields top to bottom; Select boxes take type-to-search; dates and times are typed
as YYYY-MM-DD HH:MM. The law-enforcement and restraint/isolation parts appear when the matching
action is ticked. Every change re-runs `interventions.check_form` (well under 5 ms), so the panel
on the right always says what stops the save and why, in the policy's words.

Ctrl+S saves a draft; F9 submits (a dialog asks for the reasons the findings need). On a
submitted request F9 saves an amendment, with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from sro_tui import policy
from sro_tui.interventions import (
    DATETIME_FORMAT_HINT,
    RequestForm,
    RequestRefused,
    amend_request,
    check_form,
    closure_days,
    form_from_request,
    record_refusal,
    save_draft,
    submit_request,
)
from sro_tui.records import ValidationError, list_staff
from sro_tui.ui.interventions.dialogs import SubmitDialog
from sro_tui.ui.interventions.sections import (
    YES_NO,
    LawEnforcementBlock,
    RestraintBlock,
    findings_markup,
    read_time,
    time_text,
    yes_no_text,
    yes_no_value,
)
from sro_tui.ui.interventions.students_involved import StudentsInvolved
from sro_tui.ui.widgets.dialogs import ChoiceDialog, ConfirmDialog
from sro_tui.ui.widgets.footer import KeysFooter
from sro_tui.ui.widgets.header import TitleHeader
from sro_tui.ui.widgets.record_form import NarrativeArea
from sro_tui.ui.widgets.text_box import TextBox
from sro_tui.ui.widgets.work import write_now

NOT_SAVED = "Nothing was saved; the form is still open with what you typed."

ACTION_CHOICES = [(label, key) for key, label in policy.ACTIONS.items()] + [
    (f"{label} (discipline — administrator only)", key)
    for key, label in policy.DISCIPLINARY_ACTIONS.items()
]


def problem_text(exc: Exception) -> str:
    """The policy's reasons one per paragraph (RequestRefused), or the validation problems."""
    if isinstance(exc, RequestRefused):
        return "\n\n".join(f"{f.message} ({f.citation})" for f in exc.findings)
    return str(exc)


class InterventionForm(Screen[Any]):
    """New request (`request=None`), a draft to finish, or a submitted request to amend."""

    CSS_PATH = "interventions.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save_draft", "Save draft", id="intervention_form.save", priority=True),
        Binding("f9", "submit", "Submit / amend", id="intervention_form.submit", priority=True),
        Binding("escape", "close", "Back", id="intervention_form.close"),
    ]

    def __init__(self, request: Any = None, now: datetime | None = None):
        super().__init__()
        self.request = request
        self.now = now or datetime.now()
        self.form = (
            form_from_request(request)
            if request
            else RequestForm(occurred_at=self.now.replace(second=0, microsecond=0))
        )
        self.amending = request is not None and request.status != "draft"
        self.staff = list_staff()
        self.kinds = {s.id: s.kind for s in self.staff}
        self.closures = closure_days()  # read once per form: the check runs on every key
        self.findings: list[policy.Finding] = []
        self.problems: list[str] = []
        self._ready = False

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        f = self.form
        yield TitleHeader()
        yield Static(self._title(), id="form-title")
        with Horizontal(id="form-body"):
            with VerticalScroll(id="form-fields"):
                with Horizontal(classes="row"):
                    yield Label("When", classes="lbl")
                    yield TextBox(
                        time_text(f.occurred_at),
                        placeholder=DATETIME_FORMAT_HINT,
                        id="f-occurred_at",
                        compact=True,
                    )
                with Horizontal(classes="row"):
                    yield Label("Where", classes="lbl")
                    yield TextBox(
                        f.location,
                        placeholder="Place (e.g. cafeteria)",
                        id="f-location",
                        compact=True,
                    )
                    yield Checkbox(
                        "On school premises",
                        f.on_premises is not False,
                        id="f-on_premises",
                        compact=True,
                    )
                yield Checkbox(
                    "Staff stepped in without being asked (emergency)",
                    f.staff_initiated_emergency,
                    id="f-emergency",
                    compact=True,
                )
                with Horizontal(classes="row", id="requester-row"):
                    yield Label("Asked by", classes="lbl")
                    yield TextBox(
                        f.requested_by_name,
                        placeholder="Name",
                        id="f-requested_by_name",
                        compact=True,
                    )
                    yield Select(
                        [(v, k) for k, v in policy.REQUESTER_ROLES.items()],
                        prompt="Role",
                        value=f.requested_by_role or Select.NULL,
                        id="f-requested_by_role",
                        compact=True,
                    )
                with Horizontal(classes="row"):
                    yield Label("Criterion", classes="lbl")
                    yield Select(
                        [(c.label, c.id) for c in policy.CRITERIA.values()],
                        prompt="Which criterion does it meet?",
                        value=f.criterion or Select.NULL,
                        id="f-criterion",
                        compact=True,
                    )
                with Horizontal(classes="row", id="purpose-row"):
                    yield Label("Purpose is discipline?", classes="lbl")
                    yield Select(
                        YES_NO,
                        prompt="Answer",
                        id="f-purpose",
                        compact=True,
                        value=yes_no_text(f.purpose_is_discipline),
                    )
                yield Label("Facts that meet the criterion")
                yield NarrativeArea(
                    f.facts,
                    id="f-facts",
                    placeholder="What happened, and why it could not wait",
                )
                yield Label("Students involved (optional: a request may concern someone unknown)")
                yield StudentsInvolved(f.students, id="students-involved")
                yield Label("Responding safety & security staff")
                yield SelectionList(
                    *[
                        (
                            f"{s.display_name} · {policy.STAFF_KINDS[s.kind]}",
                            s.id,
                            s.id in f.staff_ids,
                        )
                        for s in self.staff
                    ],
                    id="f-staff",
                    compact=True,
                )
                yield Label("What was done")
                yield SelectionList(
                    *[(label, key, key in f.actions) for label, key in ACTION_CHOICES],
                    id="f-actions",
                    compact=True,
                )
                with Vertical(id="le-section"):
                    for activity in f.law_enforcement:
                        yield LawEnforcementBlock(activity)
                    yield Button("Add another law-enforcement activity", id="le-add", compact=True)
                yield RestraintBlock(f.restraint, f.restraint_language, id="ri-section")
                with Horizontal(classes="row"):
                    yield Label("Outcome", classes="lbl")
                    yield TextBox(
                        f.outcome,
                        placeholder="How it ended",
                        id="f-outcome",
                        compact=True,
                    )
            with VerticalScroll(id="findings-panel"):
                yield Static("", id="findings-text")
        yield KeysFooter(compact=True)

    def _title(self) -> str:
        if self.request is None:
            return "New intervention request · Ctrl+S save draft · F9 submit"
        if self.amending:
            return (
                f"Amending request (version {self.request.version}, {self.request.status}) · "
                "F9 saves the amendment with a reason"
            )
        return "Draft intervention request · Ctrl+S save draft · F9 submit"

    def on_mount(self) -> None:
        self.query_one("#findings-panel").border_title = "Policy findings (live)"
        self._ready = True
        self.refresh_findings()
        self.query_one("#f-occurred_at", Input).focus()

    # --- reading the form ---------------------------------------------------------------------

    def read_form(self) -> RequestForm:
        """The widgets as a RequestForm; bad date/time text goes to `self.problems`."""
        problems: list[str] = []
        q = self.query_one
        emergency = q("#f-emergency", Checkbox).value
        role = q("#f-requested_by_role", Select).value
        criterion = q("#f-criterion", Select).value
        actions = list(q("#f-actions", SelectionList).selected)
        form = RequestForm(
            occurred_at=read_time(q("#f-occurred_at", Input), "When", problems),
            location=q("#f-location", Input).value,
            on_premises=q("#f-on_premises", Checkbox).value,
            requested_by_name="" if emergency else q("#f-requested_by_name", Input).value,
            requested_by_role=None if emergency or not isinstance(role, str) else role,
            staff_initiated_emergency=emergency,
            criterion=criterion if isinstance(criterion, str) else None,
            facts=q("#f-facts", TextArea).text,
            purpose_is_discipline=None if emergency else yes_no_value(q("#f-purpose", Select)),
            actions=actions,
            outcome=q("#f-outcome", Input).value,
            students=q(StudentsInvolved).students,
            staff_ids=list(q("#f-staff", SelectionList).selected),
            acknowledged_reasons=dict(self.form.acknowledged_reasons),
        )
        if "law_enforcement_activity" in actions:
            form.law_enforcement = [b.read() for b in self.query(LawEnforcementBlock)]
        if "restraint" in actions or "isolation" in actions:
            form.restraint, form.restraint_language = q(RestraintBlock).read(problems)
        self.problems = problems
        return form

    def refresh_findings(self) -> None:
        """Show or hide the parts that apply and recompute the findings (every change)."""
        if not self._ready:
            return
        q = self.query_one
        emergency = q("#f-emergency", Checkbox).value
        q("#requester-row").display = not emergency
        q("#purpose-row").display = not emergency
        actions = set(q("#f-actions", SelectionList).selected)
        q("#le-section").display = "law_enforcement_activity" in actions
        if "law_enforcement_activity" in actions and not self.query(LawEnforcementBlock):
            self.add_law_enforcement_block()
        q("#ri-section").display = bool(actions & {"restraint", "isolation"})
        for block in self.query(LawEnforcementBlock):
            block.show_what_applies()
        form = self.read_form()
        self.findings = check_form(form, self.kinds, self.now, self.closures)
        q("#findings-text", Static).update(
            findings_markup(self.findings, self.problems, form.acknowledged_reasons)
        )
        if form.restraint is not None:
            q(RestraintBlock).show_deadlines(
                form.restraint.started_at or form.occurred_at, self.now
            )

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(TextArea.Changed)
    @on(SelectionList.SelectedChanged)
    @on(StudentsInvolved.Changed)
    def _changed(self, event) -> None:
        self.refresh_findings()

    # --- law-enforcement blocks ---------------------------------------------------------------

    def add_law_enforcement_block(self) -> None:
        section = self.query_one("#le-section", Vertical)
        section.mount(LawEnforcementBlock(), before=self.query_one("#le-add"))

    @on(Button.Pressed, "#le-add")
    def _le_add(self) -> None:
        self.add_law_enforcement_block()
        self.call_after_refresh(self.refresh_findings)

    @on(Button.Pressed, ".le-remove")
    async def _le_remove(self, event: Button.Pressed) -> None:
        block = event.button.query_ancestor(LawEnforcementBlock)
        await block.remove()
        self.refresh_findings()

    # --- saving -------------------------------------------------------------------------------

    def action_save_draft(self) -> None:
        if self.amending:
            self.notify(
                "A submitted request is changed by an amendment: press F9.", severity="warning"
            )
            return
        form = self.read_form()
        if self.problems:
            self.notify(self.problems[0], severity="error")
            return
        try:
            written, saved = write_now(
                self,
                "Saving the draft",
                lambda: save_draft(form, self.request, now=self.now),
                NOT_SAVED,
            )
        except (RequestRefused, ValidationError) as exc:
            self.notify(problem_text(exc), title="Not saved", severity="error", timeout=12)
            return
        if not written:  # busy, full or read-only: said and logged by the app
            return
        self.request = saved
        self.form = form
        self.query_one("#form-title", Static).update(self._title())
        self.notify("Draft saved.")

    def action_submit(self) -> None:
        form = self.read_form()
        self.findings = check_form(form, self.kinds, self.now, self.closures)
        blocking = [f for f in self.findings if f.severity is policy.Severity.BLOCK]
        refusal = [f for f in blocking if f.check_id == "discipline.request_refused"]
        if refusal and not self.amending and not self.problems:
            self._offer_refusal(form, refusal[0])
            return
        if self.problems or blocking:
            first = self.problems[0] if self.problems else blocking[0].message
            count = len(self.problems) + len(blocking)
            self.notify(
                f"{count} thing(s) stop the save (see the panel). {first}",
                title="Not saved",
                severity="error",
                timeout=12,
            )
            return
        needs = [f for f in self.findings if f.severity is policy.Severity.NEEDS_REASON]

        def confirmed(result: dict | None) -> None:
            if result is None:
                return
            form.acknowledged_reasons.update(result["reasons"])
            request = self.request
            try:
                if self.amending:
                    assert request is not None
                    written, _ = write_now(
                        self,
                        "Saving the amendment",
                        lambda: amend_request(request, form, result["amendment"], now=self.now),
                        NOT_SAVED,
                    )
                    message = f"Amendment saved (version {request.version})."
                else:
                    written, request = write_now(
                        self,
                        "Submitting the request",
                        lambda: submit_request(form, request, now=self.now),
                        NOT_SAVED,
                    )
                    message = "Request submitted."
            except (RequestRefused, ValidationError) as exc:
                self.notify(problem_text(exc), title="Not saved", severity="error", timeout=12)
                return
            if not written:  # busy, full or read-only: said and logged by the app
                return
            self.request = request
            self.notify(message)
            self.dismiss(self.request)

        self.app.push_screen(
            SubmitDialog(needs, form.acknowledged_reasons, amending=self.amending), confirmed
        )

    def _offer_refusal(self, form: RequestForm, finding: policy.Finding) -> None:
        """A request made for discipline is refused in the policy's words, and may be kept on
        record as refused (never submitted)."""

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                written, refused = write_now(
                    self,
                    "Keeping the refusal on record",
                    lambda: record_refusal(form, self.request, now=self.now),
                    NOT_SAVED,
                )
            except (RequestRefused, ValidationError) as exc:
                self.notify(problem_text(exc), title="Not saved", severity="error", timeout=12)
                return
            if not written:  # busy, full or read-only: said and logged by the app
                return
            self.request = refused
            self.notify("Kept on record as refused (purpose: discipline).")
            self.dismiss(self.request)

        self.app.push_screen(
            ConfirmDialog(
                f"{finding.message}\n\n({finding.citation})\n\nKeep this request on "
                "record as refused? It cannot be submitted.",
                confirm_label="Record refusal",
                confirm_variant="warning",
            ),
            confirmed,
        )

    def action_close(self) -> None:
        """Back to the list; with unsaved changes, ask first (nothing typed is lost unasked)."""
        if self.read_form() == self.form and not self.problems:
            self.dismiss(self.request)
            return
        self._ask_about_changes(lambda: self.dismiss(self.request))

    def ask_before_quit(self, quit_app: Callable[[], object]) -> bool:
        """The app is asked to quit (ctrl+q): with changes not saved, ask as Esc does and quit
        once they are saved or discarded (True: asked), else nothing (False)."""
        if self.read_form() == self.form:
            return False
        self._ask_about_changes(quit_app, quitting=True)
        return True

    def _ask_about_changes(self, then: Callable[[], object], *, quitting: bool = False) -> None:
        choices: list[tuple[str, object]] = [
            ("Quit without saving" if quitting else "Discard changes", "discard")
        ]
        if not self.amending:
            choices.insert(0, ("Save as draft", "draft"))

        def chosen(answer: object) -> None:
            if answer == "discard":
                then()
            elif answer == "draft":
                self.action_save_draft()
                if self.read_form() == self.form:  # saved: nothing left to lose
                    then()

        what = "this amendment" if self.amending else "this request"
        question = ChoiceDialog(
            f"You have changes to {what} that are not saved.",
            choices,
            cancel_label="Keep editing",
        )
        question.asked_before_quit = quitting  # type: ignore[attr-defined]
        self.app.push_screen(question, chosen)
