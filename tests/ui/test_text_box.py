"""Every single-line box keeps its text when it gets the focus: Backspace after Tab removes one
character of a default, not the whole of it. Screens build their boxes from `TextBox`; a bare
`textual.widgets.Input` (which selects all on focus) is refused here, wherever it is added."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Input

from sro_tui.ui.app import SroApp
from sro_tui.ui.widgets.text_box import TextBox

UI = Path(__file__).resolve().parents[2] / "sro_tui" / "ui"
THE_BOX = UI / "widgets" / "text_box.py"


def bare_inputs(source: str, filename: str) -> list[str]:
    """Where a module builds or subclasses textual's own Input (by any name it imported it as)."""
    tree = ast.parse(source, filename)
    names: set[str] = set()  # local names bound to textual's Input
    modules: set[str] = set()  # local names bound to textual.widgets
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("textual.widgets", "textual"):
            for alias in node.names:
                if node.module == "textual.widgets" and alias.name == "Input":
                    names.add(alias.asname or alias.name)
                if node.module == "textual" and alias.name == "widgets":
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "textual.widgets":
                    modules.add(alias.asname or alias.name)

    def is_input(expr: ast.expr) -> bool:
        if isinstance(expr, ast.Name):
            return expr.id in names
        return (
            isinstance(expr, ast.Attribute)
            and expr.attr == "Input"
            and (ast.unparse(expr.value) in modules)
        )

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and is_input(node.func):
            found.append(f"{filename}:{node.lineno} builds Input(...)")
        if isinstance(node, ast.ClassDef) and any(is_input(b) for b in node.bases):
            found.append(f"{filename}:{node.lineno} subclasses Input")
    return found


def test_no_screen_builds_a_bare_input():
    found = []
    for path in sorted(UI.rglob("*.py")):
        if path != THE_BOX:
            found += bare_inputs(path.read_text(encoding="utf-8"), str(path.relative_to(UI)))
    assert found == [], "use sro_tui.ui.widgets.text_box.TextBox instead:\n" + "\n".join(found)


def test_the_check_finds_a_bare_input_by_any_name():
    source = (
        "from textual.widgets import Input as Box\nimport textual.widgets as tw\n"
        "a = Box('5')\nb = tw.Input()\nclass Mine(Box): pass\nc = TextBox('5')\n"
    )
    assert sorted(line.split(" ", 1)[0] for line in bare_inputs(source, "x.py")) == [
        "x.py:3",
        "x.py:4",
        "x.py:5",
    ]


class Boxes(App):
    def compose(self) -> ComposeResult:
        yield TextBox("Port Townsend", id="first")
        yield TextBox("5", id="days")


async def test_backspace_after_tab_removes_one_character_of_a_default():
    app = Boxes()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("tab")  # from the first box to "Days per week" holding 5
        assert app.focused is not None and app.focused.id == "days"
        await pilot.press("backspace", "3")
        assert app.query_one("#days", Input).value == "3"
        await pilot.press("shift+tab", "backspace")
        assert app.query_one("#first", Input).value == "Port Townsen"


async def test_the_intervention_form_and_its_filters_keep_their_text_on_focus(school_db):
    app = SroApp(school_db, start_section="interventions")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        filters = list(app.screen.query(Input))
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "InterventionForm"
        boxes = filters + list(app.screen.query(Input))
        assert len(boxes) > 10
        assert [b.id for b in boxes if b.select_on_focus] == []
        when = app.screen.query_one("#f-occurred_at", Input)
        prefilled = when.value
        when.focus()
        await pilot.press("backspace")
        assert when.value == prefilled[:-1]
