"""What the three tabs of the agreements screen share: a table of the year's records read from
the core, the record under the cursor, and forms that save through the core."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable

from sro_tui.ui.agreements.dialogs import shown_in_form
from sro_tui.ui.widgets.fit_table import FitColumn, fill_fitted
from sro_tui.ui.widgets.record_form import FormField, RecordForm


class Saved(Message):
    """A form saved a record: every tab (and the screen's warnings) may have changed."""


def open_form(
    owner: Widget,
    title: str,
    fields: list[FormField],
    save: Callable[[dict[str, Any]], Any],
    done: str | Callable[[Any], str],
    **kwargs: Any,
) -> None:
    """A form whose save calls the core; once saved, `owner` posts `Saved` (the screen reloads)
    and says `done` (the message, or a function of what `save` returned)."""

    def after(result: Any) -> None:
        if result is not None:
            owner.post_message(Saved())
            owner.notify(done(result) if callable(done) else done)

    owner.app.push_screen(RecordForm(title, fields, shown_in_form(save), **kwargs), after)


class RecordsTab(Vertical):
    """One tab: `load()` reads its rows from the core, the table shows them fitted to its width.

    Subclasses set `COLUMNS` and `TABLE_ID`, compose the table, and fill `rows` and `ids` in
    `load()`. `today` is the day the screen counts ages and deadlines from."""

    COLUMNS: tuple[FitColumn, ...] = ()
    TABLE_ID = ""

    def __init__(self, today: date, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.today = today
        self.rows: list[tuple[str, ...]] = []
        self.ids: list[int] = []

    @property
    def table(self) -> DataTable:
        return self.query_one(f"#{self.TABLE_ID}", DataTable)

    def load(self) -> None:
        """Read the tab's records again (subclasses)."""

    def reload(self) -> None:
        """Read again and redraw."""
        self.load()
        self.draw()

    def draw(self) -> None:
        """The rows, columns fitted to the room the table has (cut text ends in "…")."""
        fill_fitted(self.table, self.COLUMNS, self.rows)
        self.show_detail()

    def show_detail(self) -> None:
        """Show the record under the cursor beside the table (subclasses that have a detail)."""

    def selected_id(self) -> int | None:
        """The id of the record under the table's cursor, or None."""
        row = self.table.cursor_row
        return self.ids[row] if self.ids and 0 <= row < len(self.ids) else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def open_form(
        self,
        title: str,
        fields: list[FormField],
        save: Callable[[dict[str, Any]], Any],
        done: str | Callable[[Any], str],
        **kwargs: Any,
    ) -> None:
        """A form for this tab's records (see `open_form`)."""
        open_form(self, title, fields, save, done, **kwargs)
