"""Roster import, all or nothing: an SIS CSV export or a OneRoster 1.1/1.2 bundle (folder or zip).

`prepare_import` reads and checks the whole file and compares it with the database without
writing; `apply_import` writes the plan in one transaction (students, guardians, links, households
and one audit event) or, on any problem, nothing. Re-importing updates students by their SIS ID,
never duplicates them, and marks students who are gone as inactive (never deleted: records point
at them). Formats, spellings and the refuse-or-warn rules are in docs/roster-import.md.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sro_tui.models import (
    Guardian,
    Household,
    Student,
    database_proxy,
    utc_now,
)
from sro_tui.records import audit, ensure_current_year, ensure_school, get_school
from sro_tui.roster.compare import (
    GUARDIAN_INSERT,
    STUDENT_INSERT,
    Comparison,
    StudentRow,
    families_missing_warning,
    leading_zeros_dropped,
    take_snapshot,
    without_guardian,
)
from sro_tui.roster.csvread import (
    BundleSchool,
    ParsedRoster,
    ProblemLog,
    RosterImportError,
    RosterProblem,
    SchoolChoiceNeeded,
)
from sro_tui.roster.households import (
    rebuild_households,
)
from sro_tui.roster.identity import SchoolIdentity, identity_problems, set_school_identity
from sro_tui.roster.opening import open_contacts, open_roster
from sro_tui.roster.sis import SisCsv
from sro_tui.roster.target import choose_school, target_school
from sro_tui.roster.writing import (
    deactivate_steps,
    file_households,
    households_before_guardians,
    insert_steps,
    update_steps,
    write_links,
)
from sro_tui.search import fold

__all__ = [
    "BundleSchool",
    "ImportResult",
    "RosterImportError",
    "RosterPlan",
    "RosterProblem",
    "SchoolChoiceNeeded",
    "StudentRow",
    "apply_import",
    "import_roster",
    "prepare_import",
    "schools_in_roster",
]


MASS_DEACTIVATION_MIN = 10


@dataclass
class RosterPlan:
    """What an import would do. Built by prepare_import, written by apply_import."""

    source: Path
    format: str  # "sis-csv" | "oneroster-1.1" | "oneroster-1.2"
    school_code: str
    school_name: str
    creates_school: bool
    to_add: list[StudentRow]
    to_update: list[StudentRow]
    to_deactivate: list[StudentRow]
    unchanged: int
    guardians: int  # guardians in the file linked to this school's active students
    guardians_added: int
    guardians_deactivated: int
    skipped_inactive: int  # students the file lists as not enrolled and the database never had
    warnings: list[RosterProblem]
    encoding_note: str
    delta: bool
    school_choice: str | None = None
    identity: SchoolIdentity | None = None
    building_code: str = ""  # OSPI building code of the school (as it is or will be)
    district_code: str = ""  # county-district code
    guardian_link_changes: list[str] = field(default_factory=list)  # for students on record
    active_before: int = 0  # enrolled students on record before the import
    columns_used: list[tuple[str, str]] = field(default_factory=list)  # (header, used for)
    columns_ignored: list[str] = field(default_factory=list)
    families_missing: bool = False  # no guardian in the file: students come without families
    missing: int = 0  # of them, how many the file does not list (they would be marked inactive)
    households: int | None = None  # households the file's guardians make (None: kept as they are)
    roster: ParsedRoster | None = field(default=None, repr=False)
    comparison: Any = field(default=None, repr=False)  # reused by apply_import if still current

    @property
    def mass_deactivation(self) -> bool:
        """The file leaves out more than half of the enrolled students on record (ten or more):
        most likely not the whole roster. The CLI refuses it without --confirm-deactivations;
        the UI warns and puts the focus on Cancel."""
        return self.missing >= MASS_DEACTIVATION_MIN and self.missing * 2 > self.active_before

    @property
    def many_deactivations(self) -> bool:
        """The file would mark more than a tenth of the enrolled students inactive: worth a look
        before importing (the preview and the CLI say so; only mass_deactivation is refused)."""
        return self.missing > 0 and self.missing * 10 > self.active_before

    @property
    def guardians_replaced(self) -> bool:
        """Most guardians on record are not in the file as they were (another export layout,
        changed e-mails): they would be replaced by new records. The UI and the CLI warn."""
        gone = self.guardians_deactivated
        return bool(gone) and gone * 2 > max(self.guardians, 1)


@dataclass
class ImportResult:
    added: int
    updated: int
    deactivated: int
    unchanged: int
    guardians: int
    households: int
    warnings: list[RosterProblem]
    guardians_added: int = 0
    guardians_deactivated: int = 0
    skipped_inactive: int = 0
    dry_run: bool = False


@contextmanager
def bulk_work() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a roster is read or written.

    An import makes some hundred thousand objects that all live until it ends; the collector
    would walk them again and again for nothing (a tenth of a 5,000-student import). Reference
    counting still frees everything as usual, and the collector runs again afterwards. Nested,
    the outermost decides: `import_roster` (and `sro-tui roster import`) hold it from the
    preparation to the end of the writing, since between the two the plan is alive and one
    young collection of it took 25 ms of a 5,000-student import; once the import ends, its
    objects are freed by reference counting and the collector finds little to do.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def schools_in_roster(path: Path | str) -> list[BundleSchool]:
    """The schools a roster file holds, for the UI's choice list ([] when an SIS CSV has no
    school column). Raises RosterImportError when the file cannot be read."""
    return open_roster(Path(path), ProblemLog()).schools()


@bulk_work()
def prepare_import(
    path: Path | str,
    school: str | None = None,
    contacts: Path | str | None = None,
    identity: SchoolIdentity | None = None,
    dry_run: bool = False,
) -> RosterPlan:
    """Read and check the roster and compare it with the open database; writes nothing.

    `school` picks one school of a district file (identifier, sourcedId or name). `contacts` is
    a PowerSchool contacts export whose guardians replace the students file's guardian columns,
    joined by student number. `identity` names a school this import creates (name, short code,
    OSPI building and county-district codes); an existing school is changed only by
    set_school_identity. A `dry_run` plan may leave a new school unnamed (school_code ''):
    it shows what the file holds, and apply_import refuses it. Raises
    RosterImportError naming file, row, column and reason for every problem found (capped), or
    SchoolChoiceNeeded listing the schools when a choice is needed.
    """
    path = Path(path)
    log = ProblemLog()
    if identity is not None:
        problems = identity_problems(identity)
        if problems:
            raise RosterImportError([RosterProblem(path.name, None, None, problems[0])])
    source = open_roster(path, log)
    db_school = get_school()
    sis_number_ok = (
        isinstance(source, SisCsv)
        and bool(school)
        and (
            db_school is None
            or (
                not db_school.source_id
                and fold(school or "") in (fold(db_school.code), fold(db_school.name))
            )
        )
    )
    contacts_file = open_contacts(Path(contacts), source, log) if contacts else None
    chosen = choose_school(source.schools(), school, path.name, db_school, log, sis_number_ok)
    roster = source.parse(chosen)  # type: ignore[arg-type]
    if contacts_file is not None:
        contacts_file.join(roster, source.addresses, source.home_phones)  # type: ignore[union-attr]
    # The file's cells are read: let them go before the comparison, which is as large again (a
    # 50,000-student file's table is some 80 MB).
    del source, contacts_file
    roster.families_missing = roster.families_missing or (
        bool(roster.students) and not roster.guardians and not roster.delta
    )
    roster.warnings = list(log.warnings)
    if log.more_warnings:
        roster.warnings.append(
            RosterProblem(path.name, None, None, f"… and {log.more_warnings} more warnings")
        )
    db_school, create = target_school(roster, school, path.name, identity, unnamed_ok=dry_run)
    if db_school is not None and identity is not None:
        differs = [c for c, v in identity.given().items() if str(getattr(db_school, c, "")) != v]
        if differs:
            roster.warnings.append(
                RosterProblem(
                    path.name,
                    None,
                    None,
                    f"this database already keeps {db_school.name} ({db_school.code}); an import "
                    "does not change its name or codes: use the School form or `sro-tui school "
                    "set`",
                )
            )
    diff = Comparison(roster, db_school, take_snapshot(db_school))
    zeros = leading_zeros_dropped(roster, diff)
    if zeros is not None:
        raise RosterImportError([zeros])
    if roster.families_missing:
        roster.warnings.insert(0, families_missing_warning(path.name, diff.guardians_kept))
    elif not roster.delta:
        alone = without_guardian(roster, diff)
        if alone is not None:
            roster.warnings.insert(0, alone)
    return RosterPlan(
        source=path,
        format=roster.format,
        school_code=db_school.code if db_school else create["code"],
        school_name=db_school.name if db_school else create["name"],
        creates_school=db_school is None,
        to_add=diff.added,
        to_update=diff.updated,
        to_deactivate=diff.deactivated,
        unchanged=diff.unchanged,
        guardians=len(diff.needed_guardians) or diff.guardians_kept,
        guardians_added=len(diff.guardian_inserts),
        guardians_deactivated=len(diff.guardian_deactivations),
        skipped_inactive=diff.skipped_inactive,
        warnings=roster.warnings,
        encoding_note=roster.encoding_note,
        delta=roster.delta,
        school_choice=school,
        identity=identity,
        building_code=(
            db_school.ospi_building_code if db_school else create.get("ospi_building_code", "")
        ),
        district_code=(
            db_school.county_district_code if db_school else create.get("county_district_code", "")
        ),
        guardian_link_changes=diff.link_changes,
        active_before=diff.active_before,
        missing=len(diff.student_deactivations),
        columns_used=roster.columns_used,
        columns_ignored=roster.columns_ignored,
        families_missing=roster.families_missing,
        households=None if diff.keep_guardians else len(file_households(diff)),
        roster=roster,
        comparison=diff,
    )


@bulk_work()
def apply_import(
    plan: RosterPlan, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Write the plan in one transaction, committed before returning; on any error nothing is
    written. The comparison with the database is made again inside the transaction, so an edit
    made since prepare_import is never overwritten with stale values. `progress(done, total)` is
    called from the caller's thread after each batch."""
    roster = plan.roster
    if roster is None:
        raise ValueError("this plan holds no roster; make it with prepare_import")
    file = plan.source.name
    with database_proxy.atomic():
        db_school, create = target_school(roster, plan.school_choice, file, plan.identity)
        if db_school is not None and create.get("source_id"):
            db_school.source_id = create["source_id"]  # the SIS's number for this school
            db_school.save()
        school = db_school or ensure_school(
            create["code"], create["name"], source_id=create["source_id"]
        )
        if db_school is None:
            codes = {
                c: create[c] for c in ("ospi_building_code", "county_district_code") if c in create
            }
            if codes:
                set_school_identity(
                    school,
                    SchoolIdentity(
                        building_code=codes.get("ospi_building_code"),
                        district_code=codes.get("county_district_code"),
                    ),
                    reason=f"school codes given with the first roster import ({file})",
                )
        ensure_current_year()
        snapshot = take_snapshot(school)
        diff = plan.comparison
        empty = ([], [], [])
        if diff is not None and diff.school_id is None and snapshot == empty == diff.snapshot:
            diff.claim(school.id)  # prepared before the school existed; it is still empty
        if diff is None or diff.school_id != school.id or diff.snapshot != snapshot:
            diff = Comparison(roster, school, snapshot)  # the database changed since prepare_import
        now = utc_now()
        # The school's first guardians: group them into households from the file, before they
        # are written, so each is written once with its household (no read-back, no UPDATE).
        households = households_before_guardians(school, diff) if not snapshot[1] else None
        steps = [
            *insert_steps(Student, STUDENT_INSERT, diff.student_inserts, now),
            *update_steps(Student, diff.student_updates, now),
            *deactivate_steps(Student, diff.student_deactivations, now),
            *insert_steps(Guardian, GUARDIAN_INSERT, diff.guardian_inserts, now),
            *update_steps(Guardian, diff.guardian_updates, now),
            *deactivate_steps(Guardian, diff.guardian_deactivations, now),
            lambda: write_links(school, diff, now),
        ]
        total = len(steps) + 1
        for done, step in enumerate(steps, start=1):
            step()
            if progress:
                progress(done, total)
        if households is None and diff.keep_guardians:  # no guardian or link changed
            households = (
                Household.select()
                .where(Household.school == school, Household.active == True)  # noqa: E712
                .count()
            )
        elif households is None:
            households = rebuild_households(school)
        if progress:
            progress(total, total)
        result = ImportResult(
            added=len(diff.added),
            updated=len(diff.updated),
            deactivated=len(diff.deactivated),
            unchanged=diff.unchanged,
            guardians=len(diff.needed_guardians) or diff.guardians_kept,
            households=households,
            warnings=plan.warnings,
            guardians_added=len(diff.guardian_inserts),
            guardians_deactivated=len(diff.guardian_deactivations),
            skipped_inactive=diff.skipped_inactive,
        )
        counts = {k: v for k, v in vars(result).items() if type(v) is int}
        audit(
            "import",
            table_name="student",
            record_id=school.record_id,
            after={
                "file": file,
                "format": plan.format,
                "families_missing": plan.families_missing,
                **counts,
            },
            reason=f"roster import from {file}",
        )
    return result


@bulk_work()
def import_roster(
    path: Path | str,
    school: str | None = None,
    dry_run: bool = False,
    contacts: Path | str | None = None,
    identity: SchoolIdentity | None = None,
) -> ImportResult:
    """Prepare and (unless dry_run) apply an import; a dry run returns the counts it would have."""
    plan = prepare_import(path, school, contacts=contacts, identity=identity, dry_run=dry_run)
    if not dry_run:
        return apply_import(plan)
    return ImportResult(
        added=len(plan.to_add),
        updated=len(plan.to_update),
        deactivated=len(plan.to_deactivate),
        unchanged=plan.unchanged,
        guardians=plan.guardians,
        households=plan.households or 0,
        warnings=plan.warnings,
        guardians_added=plan.guardians_added,
        guardians_deactivated=plan.guardians_deactivated,
        skipped_inactive=plan.skipped_inactive,
        dry_run=True,
    )
