"""How the agreements screen's forms show the core's refusals.

The forms are `RecordForm`s (sro_tui.ui.widgets.record_form). Beyond its `ValidationError`, the
core refuses with `AdoptionRefused` (every reason an agreement cannot be adopted yet) and
`ExchangeError` (a file that cannot be written): `shown_in_form` turns both into the form's
message at the top, and the form stays open with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sro_tui.agreements import AdoptionRefused
from sro_tui.exchange import ExchangeError
from sro_tui.records import ValidationError


def shown_in_form(save: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    """`save`, with its refusals raised as a `ValidationError` the form shows."""

    def save_or_say_why(values: dict[str, Any]) -> Any:
        try:
            return save(values)
        except ExchangeError as exc:
            raise ValidationError({"": str(exc)}) from exc
        except AdoptionRefused as exc:
            reasons = "\n".join(f"• {reason}" for reason in exc.reasons)
            raise ValidationError({"": f"Cannot adopt yet:\n{reasons}"}) from exc

    return save_or_say_why
