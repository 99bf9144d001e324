"""The roster: reading school files (SIS CSV, OneRoster bundles), planning an import, applying it
all or nothing, and grouping guardians into households.

`csvread` reads CSV as schools export it; `sis` and `oneroster` turn a file into rows;
`importer` plans and applies; `households` holds the household rule.
"""

from sro_tui import lazy

# Each module and the names it offers; a module is imported the first time one is used.
__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "csvread": [
            "RosterImportError",
            "SchoolChoiceNeeded",
        ],
        "households": [
            "GuardianFacts",
            "address_key",
            "group_guardians",
            "rebuild_households",
        ],
        "importer": [
            "apply_import",
            "import_roster",
            "prepare_import",
            "schools_in_roster",
        ],
    },
)
