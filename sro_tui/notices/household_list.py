"""This year's notice list in brief: one small line per household, for a screen that shows
tens of thousands of them.

`load_households` builds a full `HouseholdNotices` (every guardian's contact, every notice) for
each household: right for an export or one household's detail, but at 50,000 students it takes
seconds and a few hundred MB. The Families screen's table needs only what its columns show and
what its filters test, so it reads that here, row by row from the cursor, in four queries. The
rules (which households are on the list, their status, their language) are the ones
`household_notices` applies.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from peewee import fn

from sro_tui.models import (
    Guardian,
    Household,
    School,
    SchoolYear,
    Student,
    database_proxy,
)
from sro_tui.notices.household_notices import (
    _grade_sort,
    household_notice_statuses,
    notice_links,
    of_school,
    require_school_and_year,
)
from sro_tui.notices.language import language_code


class HouseholdLine:
    """One household on this year's notice list, as the Families table shows it."""

    __slots__ = (
        "household_id",
        "label",
        "guardian_names",
        "language",
        "language_code",
        "students",
        "grades",
        "status",
        "notice",
        "has_email",
    )

    def __init__(self, household_id: int, label: str) -> None:
        self.household_id = household_id
        self.label = label
        self.guardian_names: tuple[str, ...] = ()
        self.language = ""  # as the roster writes it (the first guardian's, else a home language)
        self.language_code = ""
        self.students = ""  # "Last, First (grade); …"
        self.grades: tuple[str, ...] = ()
        self.status = "not_notified"  # a key of HOUSEHOLD_STATUSES
        self.notice: tuple[str, str] | None = None  # the deciding notice: (method, sent on)
        self.has_email = False

    @property
    def is_notified(self) -> bool:
        return self.status == "notified"


def _cursor(query) -> Iterator[tuple]:
    # Rows straight from SQLite's cursor: neither peewee objects nor a list of every row.
    return iter(database_proxy.execute(query))


def load_household_lines(
    school: School | None = None,
    year: SchoolYear | None = None,
    household_ids: Sequence[int] | None = None,
) -> list[HouseholdLine]:
    """This year's notice list as brief lines: the households `load_households` returns, in the
    same order, with the same status and language (`filter_households` and `filter_choices` take
    these lines too). With `household_ids`, only those households (each query narrowed to them:
    a screenful in a few ms)."""
    school, year = require_school_and_year(school, year)
    households = Household.select(Household.id, Household.label, Household.key).where(
        Household.school == school,
        Household.active == True,  # noqa: E712
    )
    if household_ids is not None:
        households = households.where(Household.id.in_(list(household_ids)))
    ordered = sorted(_cursor(households), key=lambda row: (row[1].casefold(), row[2]))
    found = {hid: HouseholdLine(hid, label) for hid, label, _ in ordered}
    del ordered

    names: dict[int, list[str]] = {hid: [] for hid in found}
    guardian_language: dict[int, str] = {}
    with_email: set[int] = set()
    guardians = (
        Guardian.select(
            Guardian.household,
            fn.TRIM(Guardian.first_name.concat(" ").concat(Guardian.last_name)),
            Guardian.email != "",
            Guardian.preferred_language,
        )
        .where(of_school(Guardian, school), Guardian.active == True)  # noqa: E712
        .order_by(Guardian.id)
    )
    if household_ids is not None:
        guardians = guardians.where(Guardian.household.in_(list(found)))
    for hid, name, email, lang in _cursor(guardians):
        kept = names.get(hid)
        if kept is None:
            continue
        kept.append(name)
        if email:
            with_email.add(hid)
        if lang and hid not in guardian_language:
            guardian_language[hid] = lang

    # Ordered by household, then as `load_households` orders a household's students: a student
    # linked through two of the household's guardians comes twice in a row.
    students: dict[int, list[str]] = {}
    grades: dict[int, list[str]] = {}
    home_languages: dict[int, str] = {}
    student_brief = (
        Student.last_name.concat(", ")
        .concat(Student.first_name)
        .concat(" (")
        .concat(Student.grade)
        .concat(")")
    )
    links = notice_links(
        school, Guardian.household, Student.id, student_brief, Student.grade, Student.home_language
    ).order_by(Guardian.household, Student.last_name, Student.first_name, Student.sis_id)
    if household_ids is not None:
        links = links.where(Guardian.household.in_(list(found)))
    last: tuple[int, int] = (0, 0)
    for hid, sid, brief, grade, home_lang in _cursor(links):
        if (hid, sid) == last:
            continue
        last = (hid, sid)
        if hid in students:
            students[hid].append(brief)
            if grade not in grades[hid]:
                grades[hid].append(grade)
        else:
            students[hid] = [brief]
            grades[hid] = [grade]
        if home_lang and hid not in home_languages:
            home_languages[hid] = home_lang

    narrowed = list(found) if household_ids is not None else None
    noticed = household_notice_statuses(year, found, narrowed)

    lines = []
    codes: dict[str, str] = {}
    for hid, line in found.items():
        if hid not in students:  # no active student to tell the family about
            continue
        line.guardian_names = tuple(names.get(hid, ()))
        line.has_email = hid in with_email
        line.students = "; ".join(students[hid])
        kept = grades[hid]
        line.grades = tuple(sorted(kept, key=_grade_sort) if len(kept) > 1 else kept)
        line.language = guardian_language.get(hid) or home_languages.get(hid, "")
        if line.language not in codes:  # a few languages among thousands of households
            codes[line.language] = language_code(line.language)
        line.language_code = codes[line.language]
        if hid in noticed:
            line.status, line.notice = noticed[hid]
        lines.append(line)
    return lines
