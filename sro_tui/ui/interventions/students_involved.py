"""The "students involved" part of the intervention form: search the roster as you type (the
in-memory StudentIndex), arrows move through the matches and Enter adds the highlighted one; or
describe an unknown person. Each person is a subject of the request or another student involved
(Ctrl+R), and can be removed (Ctrl+D)."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from sro_tui.interventions import InvolvedStudent, student_labels
from sro_tui.ui.widgets.text_box import TextBox

ROLE_WORDS = {"subject": "Subject", "target": "Target", "witness": "Witness", "other": "Other"}
ROLE_CYCLE = list(ROLE_WORDS)
# What applied to this student (RCW 28A.320.1241(c)): ctrl+o steps through these.
OUTCOME_CYCLE: list[list[str]] = [
    [],
    ["use_of_force"],
    ["discipline"],
    ["arrest"],
    ["use_of_force", "discipline"],
    ["arrest", "discipline"],
    ["use_of_force", "arrest"],
]
OUTCOME_WORDS = {"use_of_force": "use of force", "discipline": "discipline", "arrest": "arrest"}


def _outcome_text(outcomes: list[str]) -> str:
    return f"  [{', '.join(OUTCOME_WORDS.get(o, o) for o in outcomes)}]" if outcomes else ""


class StudentsInvolved(Vertical):
    """Who the request concerns; posts `StudentsInvolved.Changed` after every change."""

    DEFAULT_CSS = """
    StudentsInvolved { height: auto; }
    StudentsInvolved #student-matches { height: auto; max-height: 8; }
    StudentsInvolved #involved { height: auto; max-height: 8; border: round $primary; }
    StudentsInvolved Input { margin-bottom: 1; background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "toggle_role", "Role", id="students_involved.role"),
        Binding("ctrl+o", "cycle_outcomes", "Outcome for them", id="students_involved.outcomes"),
        Binding("ctrl+d", "remove", "Remove person", id="students_involved.remove"),
        # While typing a name: arrows move through the matches, Enter adds the highlighted one.
        Binding("down", "move_match(1)", "Next match", id="students_involved.next", show=False),
        Binding("up", "move_match(-1)", "Previous match", id="students_involved.prev", show=False),
    ]

    class Changed(Message):
        """The list of people involved changed."""

    def __init__(self, students: list[InvolvedStudent], **kwargs):
        super().__init__(**kwargs)
        names = student_labels([i.student_id for i in students if i.student_id])
        self.involved: list[tuple[InvolvedStudent, str]] = [
            (
                i,
                names.get(i.student_id, "")
                if i.student_id
                else f"Unknown: {i.unknown_person_description}",
            )
            for i in students
        ]

    def compose(self) -> ComposeResult:
        yield TextBox(
            placeholder="Type a name or student ID; arrows pick, Enter adds",
            id="student-search",
            compact=True,
        )
        yield OptionList(id="student-matches")
        yield TextBox(
            placeholder="…or describe an unknown person, Enter adds",
            id="unknown-person",
            compact=True,
        )
        yield OptionList(id="involved")

    def on_mount(self) -> None:
        self.query_one("#student-matches", OptionList).display = False
        self._redraw()
        # The app builds the roster index on first need; search again when it arrives.
        changed = getattr(self.app, "students_changed", None)
        if changed is not None:
            changed.subscribe(self, self._index_ready)
        if getattr(self.app, "student_index", None) is None and hasattr(
            self.app, "request_students"
        ):
            self.app.request_students()  # type: ignore[attr-defined]

    def _index_ready(self, _index) -> None:
        self._search(self.query_one("#student-search", Input).value)

    @property
    def students(self) -> list[InvolvedStudent]:
        return [involved for involved, _ in self.involved]

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()  # typing a search is not a change to the request
        if event.input.id == "student-search":
            self._search(event.value)

    def _search(self, text: str) -> None:
        matches = self.query_one("#student-matches", OptionList)
        matches.clear_options()
        index = getattr(self.app, "student_index", None)
        if not text.strip() or index is None:
            matches.display = False
            return
        found = index.search(text, limit=6)
        matches.add_options(
            [
                Option(
                    f"{m.student.display_name} · {m.student.sis_id} · grade {m.student.grade}",
                    id=str(m.student.student_id),
                )
                for m in found
            ]
        )
        matches.display = bool(found)
        if found:
            matches.highlighted = 0

    def action_move_match(self, step: int) -> None:
        matches = self.query_one("#student-matches", OptionList)
        if not matches.display or not matches.option_count:
            return
        current = matches.highlighted or 0
        matches.highlighted = max(0, min(matches.option_count - 1, current + step))

    @on(Input.Submitted, "#student-search")
    def _add_first_match(self, event: Input.Submitted) -> None:
        event.stop()
        matches = self.query_one("#student-matches", OptionList)
        if matches.option_count:
            option = matches.get_option_at_index(matches.highlighted or 0)
            self._add_student(int(option.id or 0), str(option.prompt))

    @on(OptionList.OptionSelected, "#student-matches")
    def _pick_match(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._add_student(int(event.option.id or 0), str(event.option.prompt))

    def _add_student(self, student_id: int, label: str) -> None:
        if any(i.student_id == student_id for i, _ in self.involved):
            self.notify("That student is already listed.", severity="warning")
            return
        role = "subject" if not self.involved else "other"
        self.involved.append((InvolvedStudent(student_id, role=role), label.split(" · grade")[0]))
        self.query_one("#student-search", Input).value = ""
        self._changed()

    @on(Input.Submitted, "#unknown-person")
    def _add_unknown(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            self.involved.append((InvolvedStudent(None, text, "other"), f"Unknown: {text}"))
            event.input.value = ""
            self._changed()

    def _changed(self) -> None:
        self._redraw()
        self.post_message(self.Changed())

    def _redraw(self) -> None:
        box = self.query_one("#involved", OptionList)
        box.clear_options()
        box.add_options(
            [
                f"{ROLE_WORDS.get(i.role, i.role):<8}{escape(label)}{_outcome_text(i.outcomes)}"
                for i, label in self.involved
            ]
        )
        box.display = bool(self.involved)
        box.border_title = "Ctrl+R role · Ctrl+O outcome for them · Ctrl+D remove"

    def _selected(self) -> int | None:
        box = self.query_one("#involved", OptionList)
        if not self.involved:
            return None
        return box.highlighted if box.highlighted is not None else len(self.involved) - 1

    def action_toggle_role(self) -> None:
        index = self._selected()
        if index is not None:
            involved, _ = self.involved[index]
            position = ROLE_CYCLE.index(involved.role) if involved.role in ROLE_CYCLE else -1
            involved.role = ROLE_CYCLE[(position + 1) % len(ROLE_CYCLE)]
            self._changed()

    def action_cycle_outcomes(self) -> None:
        index = self._selected()
        if index is not None:
            involved, _ = self.involved[index]
            current = sorted(involved.outcomes)
            sorted_cycle = [sorted(c) for c in OUTCOME_CYCLE]
            position = sorted_cycle.index(current) if current in sorted_cycle else -1
            involved.outcomes = list(OUTCOME_CYCLE[(position + 1) % len(OUTCOME_CYCLE)])
            self._changed()

    def action_remove(self) -> None:
        index = self._selected()
        if index is not None:
            self.involved.pop(index)
            self._changed()
