"""Hold a screen still for a picture: the README's screenshots (scripts/screenshots.py) and the
snapshot tests draw the same screen the same way each time."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Input, TextArea


def hold_still(app: App) -> None:
    """Stop every cursor blinking (a dialog's screen underneath shows its cursor too) and clear
    the notifications, which come and go with the clock."""
    for screen in app.screen_stack:
        for box in screen.query(Input):
            box.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False
    app.clear_notifications()
