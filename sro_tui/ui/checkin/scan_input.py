"""The check-in box: a text box that never merges two scans into one.

A barcode scanner types ten characters and Enter in about 30 ms, then the next student's ID right
after. A plain `Input` posts `Submitted(value)` from its Enter *binding*, which runs only after the
key has bubbled up to the app; by then the next scan's first characters may already be in the box,
and the two IDs arrive glued together. This widget handles Enter inside its own key handler, in
the same queue as the characters: it takes the text typed so far, empties the box, and posts
`Entered(text)`. Every scan therefore leaves as its own message, in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message

from sro_tui.ui.widgets.text_box import TextBox


class ScanInput(TextBox):
    """A single-line box for scans and typed names; see the module docstring."""

    @dataclass
    class Entered(Message):
        """Enter was pressed: `text` is what had been typed (the box is already empty)."""

        scan_input: ScanInput
        text: str

    @dataclass
    class MoveCandidate(Message):
        """Up or down: move the highlight in the candidates list by `delta`."""

        scan_input: ScanInput
        delta: int

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text = self.value
            # Post first, then clear: the screen sees Entered before the Changed("") of the clear.
            self.post_message(self.Entered(self, text))
            self.value = ""
            return
        if event.key in ("up", "down"):
            event.stop()
            event.prevent_default()
            self.post_message(self.MoveCandidate(self, -1 if event.key == "up" else 1))
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        # A pasted list of IDs (one per line) is a series of scans, not one long ID.
        lines = event.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if len(lines) == 1:
            super()._on_paste(event)
            return
        event.stop()
        *complete, rest = lines
        for index, line in enumerate(complete):
            text = (self.value + line) if index == 0 else line
            if text.strip():
                self.post_message(self.Entered(self, text))
        self.value = rest
