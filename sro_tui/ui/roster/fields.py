"""Text fields of the roster's dialogs (import, school form)."""

from __future__ import annotations

from textual import events

from sro_tui.ui.widgets.text_box import TextBox


class OrderedInput(TextBox):
    """A field that keeps keys in order when they come faster than the focus moves (a pasted
    path, Tab, another path; a name, Tab, a code): Tab moves the focus at once, and characters
    that reach this field after the focus left it go on to the field that has it. Textual
    applies Tab only once the key has gone round the focused field, so without this, keys typed
    after Tab land in the field before it."""

    def _on_key(self, event: events.Key) -> None:  # type: ignore[override]
        focused = self.screen.focused
        if focused is not None and focused is not self:  # Enter, Backspace too: in order
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))
            return
        if event.key in ("tab", "shift+tab") and focused is self:
            event.stop()
            event.prevent_default()
            if event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
        # otherwise Input's own handler (called after this one) types the key

    def _on_paste(self, event: events.Paste) -> None:
        # These fields never hold a tab: a pasted 'students.csv<Tab>contacts.csv' is two fields.
        first, tab, rest = event.text.partition("\t")
        if not tab:
            return  # Input's own handler (called after this one) pastes it
        event.prevent_default()
        event.stop()
        super()._on_paste(events.Paste(first))
        if tab and rest:
            self.screen.focus_next()
            if self.screen.focused is not None and self.screen.focused is not self:
                self.screen.focused.post_message(events.Paste(rest))
