"""This laptop's name and identity in the school's sends (issue 18: one school, several laptops).

A school may keep its records on several laptops (the principal's, the front office's), each with
its own database. Every bundle says which laptop sent it: a **name** people read (the computer's
name unless the school sets one: `sro-tui school laptop --name "Front office"`) and an **id** the
district keys the laptop's records by, so each laptop's bundle is a complete picture of its own
records only.

The id of a database's first laptop is the school's own `record_id` (what a bundle carried before
laptops had names, so an older send and a newer one of the same laptop stay one laptop). The id is
bound to the computer it was made on: a copy of the database opened on another computer (a laptop
set up from another's backup) gets a new id of its own at its first send.
"""

from __future__ import annotations

import platform
import unicodedata

from sro_tui.exchange.bundle import UNNAMED_LAPTOP
from sro_tui.models import new_record_id
from sro_tui.records import ValidationError, get_school, get_setting, set_setting

LAPTOP_NAME_SETTING = "laptop_name"
LAPTOP_ID_SETTING = "laptop_id"
LAPTOP_HOST_SETTING = "laptop_id_host"
__all__ = ["UNNAMED_LAPTOP"]  # re-exported: the name older bundles are shown under
MAX_NAME = 60


def computer_name() -> str:
    """This computer's name (the default laptop name)."""
    return platform.node().split(".")[0].strip() or "this computer"


def laptop_name() -> str:
    """The name this laptop sends under: the one set, else the computer's name."""
    return get_setting(LAPTOP_NAME_SETTING).strip() or computer_name()


def clean_laptop_name(name: str) -> str:
    """`name` trimmed and checked (1 to 60 characters, no control characters); raises
    ValidationError with the reason."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"laptop name": "give a name, e.g. Front office"})
    if len(name) > MAX_NAME:
        raise ValidationError({"laptop name": f"at most {MAX_NAME} characters"})
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ValidationError({"laptop name": "no control characters"})
    return name


def set_laptop_name(name: str) -> str:
    """Remember the name this laptop sends under (empty: back to the computer's name)."""
    cleaned = clean_laptop_name(name) if name.strip() else ""
    set_setting(LAPTOP_NAME_SETTING, cleaned)
    return cleaned or computer_name()


def laptop_id() -> str:
    """The id the district keys this laptop's records by (made on first use; see the module)."""
    stored, host = get_setting(LAPTOP_ID_SETTING), get_setting(LAPTOP_HOST_SETTING)
    here = computer_name()
    if stored and host == here:
        return stored
    if stored:
        made = new_record_id()  # a copy of another laptop's database: a laptop of its own
    else:
        school = get_school()
        made = school.record_id if school is not None else new_record_id()
    set_setting(LAPTOP_ID_SETTING, made)
    set_setting(LAPTOP_HOST_SETTING, here)
    return made


def set_laptop_id(value: str) -> None:
    """Give this database a laptop id of its own, bound to this computer (the demo's laptops
    share one computer)."""
    set_setting(LAPTOP_ID_SETTING, value)
    set_setting(LAPTOP_HOST_SETTING, computer_name())


def laptop_fields() -> dict[str, str]:
    """What a bundle's manifest says of the laptop that sent it: `{"id", "name"}`."""
    return {"id": laptop_id(), "name": laptop_name()}
