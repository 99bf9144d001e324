"""Find a student by ID or by part of a name, fast enough to keep up with typing.

The index lives in memory (a few MB for 5,000 students) so a lookup never waits on the disk:
- an exact student ID comes first, then ID prefixes;
- then names: last-name prefix, then first/preferred-name prefix, then other name parts (a whole
  word typed beats a longer name that starts with it: "jose" puts José before Josephs);
- then substrings, then names one typo away ("Mrtinez" finds "Martinez").
Accents and case are ignored ("jose" finds "José"), and apostrophes are dropped ("obrien" finds
"O'Brien").
"""

from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

_APOSTROPHES = re.compile(r"['’ʼ`´]")
# Letters that Unicode does not decompose into a base letter and an accent.
_PLAIN_LETTERS = str.maketrans(
    {
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, accent-free, apostrophe-free text with single spaces.

    "José O'Brien" -> "jose obrien". Cached: names repeat across a roster (siblings, guardians),
    and a 5,000-student import folds each one several times.
    """
    if not text:
        return ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = text.casefold().translate(_PLAIN_LETTERS)
    stripped = _APOSTROPHES.sub("", stripped)
    return _NOT_ALNUM.sub(" ", stripped).strip()


def normalize_id(text: str) -> str:
    """Student IDs compare without surrounding spaces and case; leading zeros are kept."""
    return (text or "").strip().upper()


def student_search_key(sis_id: str, first: str, middle: str, last: str, preferred: str) -> str:
    """The text stored on each student so a database query can search names too."""
    return " ".join(
        p
        for p in (
            fold(last),
            fold(first),
            fold(preferred),
            fold(middle),
            normalize_id(sis_id).lower(),
        )
        if p
    )


# Rank of a match: lower is better.
EXACT_ID, ID_PREFIX, LAST_PREFIX, FIRST_PREFIX, OTHER_PREFIX, SUBSTRING, TYPO = range(7)

# Which name a token came from, in ranking order.
_LAST, _FIRST, _OTHER = 0, 1, 2


@dataclass(slots=True)
class IndexedStudent:
    student_id: int
    sis_id: str
    last_name: str
    first_name: str
    preferred_name: str
    grade: str
    homeroom: str
    active: bool
    folded: str = ""
    id_key: str = ""
    sort_key: tuple[str, str, str] = ("", "", "")

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class Match:
    student: IndexedStudent
    rank: int


def _deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


@dataclass
class StudentIndex:
    """An in-memory index over a school's students; build once, then search on every keystroke."""

    students: list[IndexedStudent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_id: dict[str, IndexedStudent] = {}
        self._tokens: list[tuple[str, int, int]] = []  # (token, which name, position)
        self._typos: dict[str, set[int]] = {}
        self._sorted_ids: list[tuple[str, int]] = []
        self._in_order: list[int] = []
        self._place: list[int] = []
        # Every student's folded names, one per line, and where each line starts: the substring
        # pass is then one C-level `str.find` loop instead of a Python loop over every student.
        self._names_blob = ""
        self._line_starts: list[int] = []
        self.rebuild()

    def rebuild(self) -> None:
        self._by_id.clear()
        self._typos.clear()
        tokens: list[tuple[str, int, int]] = []
        for pos, s in enumerate(self.students):
            s.id_key = normalize_id(s.sis_id)
            s.folded = " ".join(
                p for p in (fold(s.last_name), fold(s.first_name), fold(s.preferred_name)) if p
            )
            s.sort_key = (fold(s.last_name), fold(s.first_name), s.id_key)
            self._by_id[s.id_key] = s
            for which, name in (
                (_LAST, s.last_name),
                (_FIRST, s.first_name),
                (_FIRST, s.preferred_name),
            ):
                parts = fold(name).split()
                for i, part in enumerate(parts):
                    kind = which if i == 0 else _OTHER
                    tokens.append((part, kind, pos))
                    if len(part) >= 3:
                        for variant in _deletions(part) | {part}:
                            self._typos.setdefault(variant, set()).add(pos)
                if len(parts) > 1:  # "Garcia Lopez" also as "garcialopez"
                    tokens.append(("".join(parts), which, pos))
        tokens.sort()
        self._tokens = tokens
        self._sorted_ids = sorted((s.id_key, pos) for pos, s in enumerate(self.students))
        # Positions by name (ties by position), and each position's place in that order.
        students = self.students
        self._in_order = sorted(range(len(students)), key=lambda pos: students[pos].sort_key)
        self._place = [0] * len(students)
        for place, pos in enumerate(self._in_order):
            self._place[pos] = place
        self._names_blob = "\n".join(s.folded for s in self.students)
        starts, offset = [], 0
        for s in self.students:
            starts.append(offset)
            offset += len(s.folded) + 1
        self._line_starts = starts

    def _substring_positions(self, needle: str) -> Iterator[int]:
        """Positions of the students whose folded names contain `needle` (no newline in it)."""
        blob, starts = self._names_blob, self._line_starts
        at = blob.find(needle)
        while at != -1:
            pos = bisect.bisect_right(starts, at) - 1
            yield pos
            following = pos + 1
            if following >= len(starts):
                return
            at = blob.find(needle, starts[following])

    def add_or_replace(self, student: IndexedStudent) -> None:
        """Put one student in the index (e.g. after an edit); rebuilds, so not for bulk loads."""
        self.students = [s for s in self.students if s.student_id != student.student_id]
        self.students.append(student)
        self.rebuild()

    def __len__(self) -> int:
        return len(self.students)

    def in_roster_order(self, active_only: bool = True) -> list[IndexedStudent]:
        """Every student (or every active one) as the roster lists them with no search typed:
        active students first, each group by last name, first name."""
        students = [s for s in self.students if s.active or not active_only]
        students.sort(key=lambda s: (not s.active, s.sort_key))
        return students

    def by_id(self, sis_id: str) -> IndexedStudent | None:
        """The student whose ID is exactly `sis_id` (case and surrounding spaces ignored)."""
        return self._by_id.get(normalize_id(sis_id))

    def _prefix_positions(self, prefix: str) -> dict[int, tuple[int, int]]:
        """Positions of students with a name part starting with `prefix` -> (name kind, 0 when the
        part is the whole word typed, else 1), the best one per student."""
        found: dict[int, tuple[int, int]] = {}
        lo = bisect.bisect_left(self._tokens, (prefix,))
        for i in range(lo, len(self._tokens)):
            token, kind, pos = self._tokens[i]
            if not token.startswith(prefix):
                break
            fit = (kind, 0 if token == prefix else 1)
            if fit < found.get(pos, (99, 99)):
                found[pos] = fit
        return found

    def search(self, query: str, limit: int = 10, active_only: bool = True) -> list[Match]:
        """Students matching `query`, best first (see the module docstring for the order)."""
        return self._best(self._matches(query, limit), limit, active_only)

    def search_page(
        self, query: str, shown: int, active_only: bool = True
    ) -> tuple[list[Match], int]:
        """The best `shown` students matching `query` (in `search`'s order), and how many match
        in all: every pass runs, as for an unlimited search, but only the shown ones are ranked
        and built (the roster's search box, on every keystroke)."""
        results = self._matches(query, None)
        if active_only:
            students = self.students
            results = {pos: fit for pos, fit in results.items() if students[pos].active}
        return self._best(results, shown, False), len(results)

    def _best(
        self, results: dict[int, tuple[int, int]], limit: int, active_only: bool
    ) -> list[Match]:
        # Ordered by (whole word first, rank, name): one int per match, so that ranking
        # thousands of matches compares ints, not tuples of names.
        students, place, n = self.students, self._place, len(self.students) or 1
        keys = [
            ((partial << 3) + rank) * n + place[pos]
            for pos, (rank, partial) in results.items()
            if not active_only or students[pos].active
        ]
        in_order = self._in_order
        return [
            Match(students[in_order[key % n]], (key // n) & 7)
            for key in heapq.nsmallest(limit, keys)
        ]

    def _matches(self, query: str, limit: int | None) -> dict[int, tuple[int, int]]:
        """Position -> (rank, 0 for a whole-word match else 1) of every student matching
        `query`; with a `limit`, the passes that can only add lower ranks stop early."""
        # Whole words sort first, then rank: "jose" puts José before Josephs, "000123" puts that
        # ID before 0001230.
        results: dict[int, tuple[int, int]] = {}
        enough = len(self.students) + 1 if limit is None else limit

        def offer(pos: int, rank: int, partial: int = 1) -> None:
            if (rank, partial) < results.get(pos, (99, 99)):
                results[pos] = (rank, partial)

        raw = query.strip()
        if not raw:
            return results
        id_query = normalize_id(raw)
        exact = self._by_id.get(id_query)
        if exact is not None:
            offer(self._pos_of(exact), EXACT_ID, 0)
        if len(id_query) >= 2 and " " not in id_query:
            lo = bisect.bisect_left(self._sorted_ids, (id_query,))
            for i in range(lo, len(self._sorted_ids)):
                key, pos = self._sorted_ids[i]
                if not key.startswith(id_query):
                    break
                offer(pos, ID_PREFIX)
                if len(results) > enough * 4:
                    break

        # A scan that is exactly an ID needs nothing more: skipping the name passes keeps a
        # scanner's lookups well under a millisecond.
        words = [] if exact is not None else fold(raw).split()
        has_digit = any(c.isdigit() for c in raw)
        if words:
            # Every word must prefix some name part; the first word decides the rank.
            first_hits = self._prefix_positions(words[0])
            for word in words[1:]:
                hits = self._prefix_positions(word)
                first_hits = {p: fit for p, fit in first_hits.items() if p in hits}
            for pos, (kind, partial) in first_hits.items():
                offer(pos, LAST_PREFIX + kind, partial)
            if len(results) < enough:
                needle = " ".join(words)
                if len(needle) >= 2:
                    for pos in self._substring_positions(needle):
                        offer(pos, SUBSTRING)
            if len(results) < enough and not has_digit:  # a typo in a name, not in an ID
                typo_hits: set[int] | None = None
                for word in words:
                    if len(word) < 3:
                        continue
                    hits: set[int] = set()
                    for variant in _deletions(word) | {word}:
                        hits |= self._typos.get(variant, set())
                    typo_hits = hits if typo_hits is None else typo_hits & hits
                for pos in typo_hits or ():
                    offer(pos, TYPO)
        return results

    def _pos_of(self, student: IndexedStudent) -> int:
        lo = bisect.bisect_left(self._sorted_ids, (student.id_key,))
        return self._sorted_ids[lo][1]


def build_index(rows: Iterable[tuple]) -> StudentIndex:
    """Build from (id, sis_id, last, first, preferred, grade, homeroom, active) tuples."""
    return StudentIndex([IndexedStudent(*row) for row in rows])
