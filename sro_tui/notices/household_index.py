"""This year's notice list kept small, for a screen that shows tens of thousands of households.

`load_household_lines` reads every household's guardians and students as text: at 50,000
students that is a second of queries and tens of MB, most of it never on screen. The Families
screen needs, for every household, only what orders the list, what its filters test and what its
counts count; the text of a row (guardian names, students) is read when the row is drawn, a
screenful at a time. `load_household_index` reads that in a few narrow queries into arrays (one
small int per household and filter), and works out once which rows each filter keeps, so a filter
change is a lookup. The rules are the ones `load_household_lines` applies (and tested against it).
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import overload

from peewee import fn

from sro_tui.models import (
    Guardian,
    Household,
    School,
    SchoolYear,
    Student,
    StudentGuardian,
)
from sro_tui.notices.counts import BACK_ON_THE_LIST, require_school_and_year
from sro_tui.notices.household_list import HouseholdLine, _cursor, load_household_lines
from sro_tui.notices.household_notices import (
    _grade_sort,
    household_notice_statuses,
    notice_links,
)
from sro_tui.notices.language import language_code

STATUS_KEYS = ("not_notified", "notified", "returned", "bounced")  # index = the stored code
_STATUS_CODE = {key: code for code, key in enumerate(STATUS_KEYS)}
# Rows whose text is read together: about a screenful, either side of the one asked for.
TEXT_CHUNK = 48
TEXT_KEPT = 4096  # households whose text is kept; past that the oldest screenfuls are read again
NARROW_UP_TO = 2000  # households named in one query (SQLite takes at most 32,766 values)


class HouseholdIndex(Sequence[HouseholdLine]):
    """Every household on this year's notice list, in the list's order (row `i` is a
    `HouseholdLine`, its text read when first asked for)."""

    def __init__(self, school: School, year: SchoolYear) -> None:
        self.school, self.year = school, year
        self.ids = array("q")
        self.labels: list[str] = []
        self.status = bytearray()  # index into STATUS_KEYS
        self.language_of = array("H")  # index into `languages`
        self.languages: list[str] = [""]  # as the roster writes them, each once
        self.codes: list[str] = [""]  # each language's code
        self.grade_bits = array("Q")  # bit g: a student in `grades[g]`
        self.grades: list[str] = []  # in the order first met
        self.has_email = bytearray()
        self.notices: dict[int, tuple[str, str]] = {}  # household id -> the deciding notice
        # Each column's longest cell in characters (guardians, students as the table joins them).
        self.longest = {"label": 0, "guardians": 0, "language": 0, "students": 0}
        self._positions: dict[tuple[str, str, str], Sequence[int]] = {}
        self._by_status: dict[str, Sequence[int]] = {}
        self._by_code: dict[str, array] = {}
        self._by_grade: dict[str, array] = {}
        self._lines: dict[int, HouseholdLine] = {}  # rows read so far, by household id
        self.filters_ready = False  # languages, grades, e-mail and lengths read (`with_filters`)

    # --- as a sequence of lines -----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i):  # type: ignore[no-untyped-def]  # (as HouseholdRows)
        return self.rows(range(len(self)))[i]

    def line(self, rows: Sequence[int], i: int) -> HouseholdLine:
        """Row `i` of `rows` (positions in this list) as a line; its text is read with that of
        the rows around it when not read yet."""
        pos = rows[i]
        hid = self.ids[pos]
        line = self._lines.get(hid)
        if line is None:
            self._read_lines([self.ids[p] for p in rows[max(0, i - 8) : i + TEXT_CHUNK]])
            line = self._lines.get(hid)
        if line is None:  # gone since the list was read (the list is read again after a change)
            line = HouseholdLine(hid, self.labels[pos])
        return line

    def _read_lines(self, household_ids: list[int]) -> None:
        wanted = [hid for hid in household_ids if hid not in self._lines]
        if len(self._lines) + len(wanted) > TEXT_KEPT:
            self._lines.clear()
        for line in load_household_lines(self.school, self.year, household_ids=wanted):
            self._lines[line.household_id] = line

    def rows(self, positions: Sequence[int]) -> HouseholdRows:
        """The households at `positions` (from `chosen`) as a sequence of lines."""
        return HouseholdRows(self, positions)

    # --- counts and filters ---------------------------------------------------------------------

    def count(self, status: str) -> int:  # type: ignore[override]
        """Households whose status is `status` (a key of HOUSEHOLD_STATUSES)."""
        return self.status.count(_STATUS_CODE[status])

    def with_email(self) -> list[int]:
        """The ids of the households with an e-mail address on file."""
        return [hid for hid, e in zip(self.ids, self.has_email, strict=True) if e]

    def filter_choices(self) -> tuple[list[str], list[str]]:
        """The language codes (sorted) and grades (school order) found, as `filter_choices`."""
        return sorted(self._by_code), sorted(self._by_grade, key=_grade_sort)

    def chosen(
        self, status: str = "all", language: str = "", grade: str = ""
    ) -> Sequence[int] | None:
        """Positions of the households `filter_households` would keep, in the list's order
        (worked out once per filter; every filter's rows for one value are kept). None for a
        language or grade before `with_filters` has read them."""
        if (language or grade) and not self.filters_ready:
            return None
        key = (status, language_code(language) if language else "", grade)
        if key not in self._positions:
            self._positions[key] = self._choose(*key)
        return self._positions[key]

    def _choose(self, status: str, code: str, grade: str) -> Sequence[int]:
        parts: list[Sequence[int]] = []
        if status != "all":
            parts.append(self._by_status[status])
        if code:
            parts.append(self._by_code.get(code, array("l")))
        if grade:
            parts.append(self._by_grade.get(grade, array("l")))
        if not parts:
            return range(len(self))
        parts.sort(key=len)  # the fewest rows first, each then kept if the other filters keep it
        rows = parts[0]
        for other in parts[1:]:
            wanted = set(other)
            rows = array("l", (p for p in rows if p in wanted))
        return rows

    def _index_status(self) -> None:
        """The rows each status filter keeps (once per load)."""
        status = self.status
        notified = _STATUS_CODE["notified"]
        problem = {_STATUS_CODE[s] for s in BACK_ON_THE_LIST}
        self._by_status = {
            "pending": array("l", (p for p, s in enumerate(status) if s != notified)),
            "problem": array("l", (p for p, s in enumerate(status) if s in problem)),
            "notified": array("l", (p for p, s in enumerate(status) if s == notified)),
        }

    def _index_filters(self) -> None:
        """The rows each language and grade keeps (once per load)."""
        by_language: dict[int, array] = {}
        for p, lang in enumerate(self.language_of):
            if lang:
                by_language.setdefault(lang, array("l")).append(p)
        by_code: dict[str, array] = {}
        for lang, rows in by_language.items():
            code = self.codes[lang]
            if code:
                merged = by_code.get(code)
                by_code[code] = rows if merged is None else array("l", sorted([*merged, *rows]))
        self._by_code = by_code
        by_grade: dict[str, array] = {}
        for b, g in enumerate(self.grades):
            bit = 1 << b
            by_grade[g] = array("l", (p for p, bits in enumerate(self.grade_bits) if bits & bit))
        self._by_grade = {g: rows for g, rows in by_grade.items() if rows}


class HouseholdRows(Sequence[HouseholdLine]):
    """Some of a `HouseholdIndex`'s households (a filter's choice), each built when asked for."""

    def __init__(self, index: HouseholdIndex, positions: Sequence[int]) -> None:
        self.index, self.positions = index, positions

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, i: int) -> HouseholdLine: ...
    @overload
    def __getitem__(self, i: slice) -> list[HouseholdLine]: ...
    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self.index.line(self.positions, i if i >= 0 else len(self) + i)

    def household_ids(self) -> list[int]:
        """Every shown household's id (no text read)."""
        ids = self.index.ids
        return [ids[p] for p in self.positions]


def load_household_index(
    school: School | None = None, year: SchoolYear | None = None
) -> HouseholdIndex:
    """This year's notice list as a `HouseholdIndex`: the households `load_household_lines`
    returns, in the same order, with the same status, language, grades and e-mail; their text is
    read as rows are asked for. A few narrow queries: no guardian or student name is read here.
    (`load_household_order` then `with_filters`: the list can be shown between the two.)"""
    return with_filters(load_household_order(school, year))


@contextmanager
def _collector_paused() -> Iterator[None]:
    # Hundreds of thousands of rows become short-lived tuples (no cycles among them): the cyclic
    # collector, run every few hundred of them over all the app's objects, was a tenth of the
    # load at 50,000 students. It runs again as usual once the list is read.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def load_household_order(
    school: School | None = None, year: SchoolYear | None = None
) -> HouseholdIndex:
    """This year's notice list in order, with each household's status and deciding notice:
    enough to draw it, count it and filter it by status (a third of the work at 50,000
    students). Its languages, grades, e-mail and column lengths are read by `with_filters`."""
    school, year = require_school_and_year(school, year)
    with _collector_paused():
        index = HouseholdIndex(school, year)
        # Only households with an active student to tell about (one query: SQLite works out
        # the linked households once, instead of every link coming to Python).
        households = Household.select(Household.id, Household.label).where(
            Household.school == school,
            Household.active == True,  # noqa: E712
            Household.id.in_(notice_links(school, Guardian.household)),
        )
        # By label regardless of case, then by key: sorted by key in SQL (its index), then by
        # the folded label in a stable sort.
        key_ids, key_labels = array("q"), []
        for hid, label in _cursor(households.order_by(Household.key)):
            key_ids.append(hid)
            key_labels.append(label)
        order = sorted(
            range(len(key_ids)), key=[label.casefold() for label in key_labels].__getitem__
        )
        ids = index.ids = array("q", (key_ids[i] for i in order))
        index.labels = [key_labels[i] for i in order]
        del order, key_ids, key_labels
        noticed = household_notice_statuses(year, frozenset(ids))
        index.status = bytearray(len(ids))
        if noticed:
            for pos, hid in enumerate(ids):
                if hid in noticed:
                    status, index.notices[hid] = noticed[hid]
                    index.status[pos] = _STATUS_CODE[status]
        index.longest["label"] = max(map(len, index.labels), default=0)
        index._index_status()
        return index


def with_filters(order: HouseholdIndex) -> HouseholdIndex:
    """`order` (from `load_household_order`) with its households' languages, grades, e-mail
    and column lengths read: a new index with the same rows (and the rows' text read so far)."""
    with _collector_paused():
        return _with_filters(order)


def _with_filters(order: HouseholdIndex) -> HouseholdIndex:
    school = order.school
    index = HouseholdIndex(school, order.year)
    index.ids, index.labels, index.status, index.notices = (
        order.ids,
        order.labels,
        order.status,
        order.notices,
    )
    index.longest["label"], index._lines = order.longest["label"], order._lines
    index._by_status = order._by_status
    ids = index.ids
    count = len(ids)
    # Kept by position in the list (arrays, not a dict per household: the peak stays small).
    position = {hid: pos for pos, hid in enumerate(ids)}
    names_long = array("l", bytes(8 * count))
    students_long = array("l", bytes(8 * count))
    grade_bits = array("Q", bytes(8 * count))
    has_email = bytearray(count)
    language_of = array("H", bytes(2 * count))
    language_at: dict[str, int] = {"": 0}

    def language_number(lang: str) -> int:
        at = language_at.get(lang)
        if at is None:
            at = language_at[lang] = len(index.languages)
            index.languages.append(lang)
            index.codes.append(language_code(lang))
        return at

    # Guardians: e-mail, the first one's language, and the length of the names the row shows.
    guardians = (
        Guardian.select(
            Guardian.household,
            Guardian.email != "",
            Guardian.preferred_language,
            fn.LENGTH(fn.TRIM(Guardian.first_name.concat(" ").concat(Guardian.last_name))),
        )
        .where(Guardian.school == school, Guardian.active == True)  # noqa: E712
        .order_by(Guardian.id)
    )
    for hid, email, lang, long in _cursor(guardians):
        pos = position.get(hid)
        if pos is None:  # no active student: not on the list
            continue
        names_long[pos] += long + 2  # ", " between two: 2 too many, taken off the longest
        if email:
            has_email[pos] = 1
        if lang and not language_of[pos]:
            language_of[pos] = language_number(lang)

    # Students, one at a time: grades and the length of the students cell ("Last, First
    # (grade); …"); a student linked through two guardians of one household counts once.
    grade_bit: dict[str, int] = {}
    links = notice_links(
        school,
        StudentGuardian.student,
        Guardian.household,
        Student.grade,
        fn.LENGTH(Student.last_name) + fn.LENGTH(Student.first_name) + fn.LENGTH(Student.grade),
    ).order_by(StudentGuardian.student)  # its index: no sorting
    student, counted = 0, set()
    for sid, hid, grade, long in _cursor(links):
        if sid != student:
            student, counted = sid, set()
        pos = position.get(hid)
        if pos is None or pos in counted:
            continue
        counted.add(pos)
        bit = grade_bit.get(grade)
        if bit is None:
            bit = grade_bit[grade] = 1 << len(grade_bit)
            index.grades.append(grade)
        grade_bits[pos] |= bit
        long += 5  # ", " " (" ")"
        students_long[pos] = students_long[pos] + 2 + long if students_long[pos] else long
    without_language = {ids[pos] for pos in range(count) if not language_of[pos]}
    for hid, lang in _home_languages(school, without_language).items():
        language_of[position[hid]] = language_number(lang)
    del position

    index.grade_bits, index.has_email, index.language_of = grade_bits, has_email, language_of
    index.longest["guardians"] = max(max(names_long, default=0) - 2, 0)
    index.longest["language"] = max(map(len, index.languages))
    index.longest["students"] = max(students_long, default=0)
    index._index_filters()
    index.filters_ready = True
    return index


def _home_languages(school: School, household_ids: set[int]) -> dict[int, str]:
    """For households whose guardians name no language: their first student's home language
    (students in the list's order), as `load_household_lines` picks it."""
    if not household_ids:
        return {}
    links = notice_links(school, Guardian.household, Student.home_language).where(
        Student.home_language != ""
    )
    if len(household_ids) <= NARROW_UP_TO:
        links = links.where(Guardian.household.in_(list(household_ids)))
    ordered = links.order_by(
        Guardian.household, Student.last_name, Student.first_name, Student.sis_id
    )
    found: dict[int, str] = {}
    for hid, lang in _cursor(ordered):
        if hid in household_ids:
            found.setdefault(hid, lang)
    return found
