"""The single registry of the app's sections, in the order of DESIGN.md.

The app builds its modes, its navigation keys, its command palette entries and its help screen from
`SECTIONS`. A new section is one line here: its screen module is imported only when the section is
first opened, which keeps start-up fast.

Navigation keys are F-keys because a focused Input (the roster search, the check-in box) swallows
most ctrl keys, home and end; F-keys reach the app whatever has focus.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import NamedTuple

from textual.screen import Screen


class Section(NamedTuple):
    """One screen of the app: `id` is its mode name, `key` the F-key that opens it."""

    id: str
    title: str
    key: str
    screen: Callable[[], Screen]
    description: str = ""
    short: str = ""  # for the section bar, when the title is long
    tiny: str = ""  # for the section bar on a narrow (80-column) terminal

    @property
    def short_title(self) -> str:
        return self.short or self.title

    @property
    def tiny_title(self) -> str:
        return self.tiny or self.short_title


def lazy_screen(module: str, class_name: str) -> Callable[[], Screen]:
    """A factory that imports `sro_tui.ui.<module>.screen` on first use and builds the screen."""

    def build() -> Screen:
        screen_class = getattr(import_module(f"sro_tui.ui.{module}.screen"), class_name)
        return screen_class()

    build.module = module  # type: ignore[attr-defined]
    build.class_name = class_name  # type: ignore[attr-defined]
    return build


def screen_class(section: Section) -> type[Screen]:
    """The screen class of a section, without building the screen (for the help screen)."""
    module = getattr(section.screen, "module", None)
    if module is None:
        return type(section.screen())
    return getattr(import_module(f"sro_tui.ui.{module}.screen"), section.screen.class_name)  # type: ignore[attr-defined]


def import_section_screens() -> None:
    """Import every section's screen module now (an app warms them in a thread after start)."""
    for entry in SECTIONS:
        module = getattr(entry.screen, "module", None)
        if module is not None:
            import_module(f"sro_tui.ui.{module}.screen")


HELP_KEY = "f1"

# DESIGN.md order: Dashboard · Assembly check-in · Families & notices · Intervention requests ·
# Staff, agreements & complaints · Roster · Exports. Only sections that exist are listed.
# fmt: off
SECTIONS: list[Section] = [
    Section("dashboard", "Dashboard", "f2", lazy_screen("dashboard", "DashboardScreen"),
            "What the school has on record and still owes this year", tiny="Home"),
    Section("checkin", "Assembly check-in", "f3", lazy_screen("checkin", "CheckInScreen"),
            "Scan or type students in as they receive the start-of-year presentation", "Check-in"),
    Section("families", "Families & notices", "f4", lazy_screen("families", "FamiliesScreen"),
            "Which households still need this year's notice; record it; letters and the list",
            "Families"),
    Section("interventions", "Intervention requests", "f5",
            lazy_screen("interventions", "InterventionsScreen"),
            "Log, review and amend requests for staff intervention; export for the district",
            "Interventions", "Requests"),
    Section("staff", "Safety staff", "f6", lazy_screen("staff", "StaffScreen"),
            "School resource officers and security staff: add, edit, deactivate", tiny="Staff"),
    Section("agreements", "Agreements & complaints", "f7",
            lazy_screen("agreements", "AgreementsScreen"),
            "Staff training, the year's agreements and their review, family complaints",
            "Agreements"),
    Section("roster", "Roster", "f8", lazy_screen("roster", "RosterScreen"),
            "Find a student, see guardians and households, import a roster"),
]
# fmt: on


def section(section_id: str) -> Section:
    """The section with this id; KeyError names the known ones."""
    for candidate in SECTIONS:
        if candidate.id == section_id:
            return candidate
    known = ", ".join(s.id for s in SECTIONS)
    raise KeyError(f"no section {section_id!r} (known: {known})")


# Keys named in hints on other screens (the dashboard says how to import a roster).
IMPORT_ROSTER_KEY = "ctrl+o"
ADD_STAFF_KEY = "a"
EXPORT_FOLDER_KEY = "e"  # on the dashboard: where every export goes
