"""The roster: reading school files (SIS CSV, OneRoster bundles), planning an import, applying it
all or nothing, and grouping guardians into households.

`csvread` reads CSV as schools export it; `sis` and `oneroster` turn a file into rows;
`importer` plans and applies; `households` holds the household rule.
"""

from sro_tui.roster.coverage import FamilyCoverage, family_coverage
from sro_tui.roster.csvread import (
    RosterImportError,
    SchoolChoiceNeeded,
)
from sro_tui.roster.households import (
    GuardianFacts,
    address_key,
    group_guardians,
    rebuild_households,
)
from sro_tui.roster.identity import (
    SchoolIdentity,
    SchoolIdentityError,
    identity_problems,
    set_school_identity,
)
from sro_tui.roster.importer import (
    apply_import,
    import_roster,
    prepare_import,
    schools_in_roster,
)

__all__ = [
    "FamilyCoverage",
    "family_coverage",
    "GuardianFacts",
    "RosterImportError",
    "SchoolChoiceNeeded",
    "SchoolIdentity",
    "SchoolIdentityError",
    "identity_problems",
    "set_school_identity",
    "address_key",
    "apply_import",
    "group_guardians",
    "import_roster",
    "prepare_import",
    "rebuild_households",
    "schools_in_roster",
]
