"""Which school a roster is for: the one asked for, the only one, or the one this database keeps;
what to create on a first import; a file for another school is refused (FERPA).
"""

from __future__ import annotations

from sro_tui.models import (
    School,
)
from sro_tui.records import get_school
from sro_tui.roster.csvread import (
    BundleSchool,
    ParsedRoster,
    ProblemLog,
    RosterImportError,
    RosterProblem,
    SchoolChoiceNeeded,
)
from sro_tui.roster.identity import SchoolIdentity
from sro_tui.search import fold


def _matches(school: BundleSchool, text: str) -> bool:
    wanted = fold(text)
    return bool(wanted) and wanted in {
        fold(school.identifier),
        fold(school.sourced_id),
        fold(school.name),
    }


def same_school(db_school: School, school: BundleSchool) -> bool:
    """The database's school is the file's: the same SIS number, code or name."""
    if db_school.source_id and db_school.source_id == school.sourced_id:
        return True
    codes = {fold(school.identifier), fold(school.sourced_id)} - {""}
    return fold(db_school.code) in codes or (
        bool(school.name) and fold(db_school.name) == fold(school.name)
    )


def choose_school(
    schools: list[BundleSchool],
    choice: str | None,
    file: str,
    db_school: School | None,
    log: ProblemLog,
    sis_number_ok: bool = False,
) -> BundleSchool | None:
    """The school to import: the one asked for, the only one, or the one this database keeps."""
    if not schools:
        return None
    if choice:
        matches = [s for s in schools if _matches(s, choice)]
        if len(matches) == 1:
            return matches[0]
        if not matches and len(schools) == 1 and sis_number_ok:
            # An SIS school column often holds the SIS's internal number (PowerSchool SchoolID
            # 310): naming the database's own school ties that number to it (see target_school).
            return schools[0]
        reason = (
            f"{choice!r} names several schools in this file"
            if matches
            else f"this file has no school {choice!r}; it holds"
        )
        raise SchoolChoiceNeeded(file, schools, reason)
    if len(schools) == 1:
        return schools[0]
    if db_school is not None:
        mine = [s for s in schools if same_school(db_school, s)]
        if len(mine) == 1:
            log.warn(
                file,
                None,
                None,
                f"this file holds {len(schools)} schools; importing "
                f"{db_school.name}, the school this database keeps",
            )
            return mine[0]
    raise SchoolChoiceNeeded(file, schools)


def _refuse(file: str, db_school: School, other: object) -> RosterImportError:
    reason = f"this database keeps {db_school.name}'s records; the file is for {other}"
    return RosterImportError([RosterProblem(file, None, None, reason)])


def target_school(
    roster: ParsedRoster,
    choice: str | None,
    file: str,
    identity: SchoolIdentity | None = None,
    unnamed_ok: bool = False,
) -> tuple[School | None, dict]:
    """The database's school when it is the file's school, else what to create (with the name
    and codes the person gave, which win over the file's); refuses a file for another school
    (FERPA: a school keeps only its own students)."""
    first = identity.code if identity is not None and get_school() is None else None
    try:
        db_school, create = _school_for_file(roster, choice or first, file)
    except RosterImportError:
        if not (unnamed_ok and roster.school is None and get_school() is None):
            raise
        db_school, create = None, {"code": "", "name": "", "source_id": ""}  # named later
    if db_school is None and identity is not None:
        given = identity.given()
        create = {**create, **given}
    return db_school, create


def _school_for_file(
    roster: ParsedRoster, choice: str | None, file: str
) -> tuple[School | None, dict]:
    db_school = get_school()
    school = roster.school
    if school is None:  # an SIS CSV without a school column
        if db_school is not None:
            if choice and fold(choice) not in (fold(db_school.code), fold(db_school.name)):
                raise _refuse(file, db_school, choice)
            return db_school, {}
        if choice:
            return None, {"code": choice, "name": choice, "source_id": ""}
        raise RosterImportError(
            [
                RosterProblem(
                    file,
                    None,
                    None,
                    "this file does not say which school: give the school's name and short "
                    "code (--school-name, --school-code; in the app, the school form)",
                )
            ]
        )
    if db_school is not None:
        if same_school(db_school, school):
            return db_school, {}
        if (
            roster.format == "sis-csv"
            and not db_school.source_id
            and choice
            and fold(choice) in (fold(db_school.code), fold(db_school.name))
        ):
            return db_school, {"source_id": school.sourced_id}
        if roster.format == "sis-csv" and not db_school.source_id:
            raise _refuse(
                file,
                db_school,
                f"{school} (if that is this school's number in the "
                f"SIS, pass --school {db_school.code})",
            )
        raise _refuse(file, db_school, school)
    if roster.format == "sis-csv" and choice and not _matches(school, choice):
        # --school named the school; the file's column holds only the SIS's number for it
        return None, {"code": choice, "name": choice, "source_id": school.sourced_id}
    code = school.identifier or school.sourced_id
    return None, {"code": code, "name": school.name or code, "source_id": school.sourced_id}
