"""`TextBox`: the one single-line text box every screen and dialog uses.

Textual's `Input` selects all of its text when it gets the focus, so the first Backspace or
letter after Tab wipes a default ("5" days a week, a folder, a prefilled time). A person moving
through a form with the keyboard expects the cursor at the end of what is there, as in any other
program: this box keeps its text and puts the cursor after it. Every screen builds its boxes from
this class (tests/ui/test_text_box.py holds them to it).
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input


class TextBox(Input):
    """An `Input` that does not select its text when focused; otherwise the same widget."""

    def __init__(self, *args: Any, select_on_focus: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, select_on_focus=select_on_focus, **kwargs)
