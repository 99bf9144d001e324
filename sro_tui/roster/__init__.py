"""The roster: reading school files (SIS CSV, PowerSchool contacts, OneRoster and SDS bundles),
planning an import, applying it all or nothing, grouping guardians into households, and the
school's identity.

`csvread` reads CSV as schools export it; `sis`, `family`, `contacts`, `oneroster` and `sds` turn
files into rows; `importer` plans and applies (with `opening` the file, `target` the school,
`compare` the database and `writing` the rows); `households` holds the household rule;
`identity` the school's name and codes; `coverage` whether families are on record.
"""

from sro_tui import lazy

# Each module and the names it offers; a module is imported the first time one is used.
__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "coverage": [
            "FamilyCoverage",
            "family_coverage",
        ],
        "csvread": [
            "RosterImportError",
            "SchoolChoiceNeeded",
        ],
        "detail": [
            "GuardianContact",
            "HouseholdLine",
            "StudentDetail",
            "student_detail",
        ],
        "households": [
            "GuardianFacts",
            "address_key",
            "group_guardians",
            "rebuild_households",
        ],
        "identity": [
            "SchoolIdentity",
            "SchoolIdentityError",
            "identity_field_problems",
            "identity_problems",
            "set_school_identity",
        ],
        "importer": [
            "apply_import",
            "bulk_work",
            "import_roster",
            "prepare_import",
            "schools_in_roster",
        ],
    },
)
