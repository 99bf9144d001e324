"""Find a student by ID or by part of a name, fast enough to keep up with typing.

The index lives in memory (a few MB for 5,000 students) so a lookup never waits on the disk:
- an exact student ID comes first, then ID prefixes;
- then names: last-name prefix, then first/preferred-name prefix, then other name parts (a whole
  word typed beats a longer name that starts with it: "jose" puts José before Josephs);
- then substrings, then names one typo away ("Mrtinez" finds "Martinez").
Accents and case are ignored ("jose" finds "José"), and apostrophes are dropped ("obrien" finds
"O'Brien").

`search` (a short list, on every keystroke) does not rank every student a short prefix matches:
each kind of name part keeps its tokens sorted, and each block of them sorted by roster order, so
the best few come out of a merge of those blocks in order (`_best_first`), each checked against
the student's own name parts. It gives exactly what ranking every match gives (`_matches` +
`_best`, which `search_page` uses to count them all); a property test compares the two.
"""

from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from array import array
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
_KINDS = (_LAST, _FIRST, _OTHER)
# Sorts after every folded token that starts with a given prefix (folded text is [0-9a-z ]).
_AFTER = "\U0010ffff"
# Tokens per block kept in roster order: a prefix's tokens are whole blocks merged in order plus
# at most two partial blocks sorted on the spot.
_BLOCK = 128
# `_best`'s keys ((partial << 3) + rank) of the name-prefix classes.
_NAME_KEYS = frozenset((partial << 3) + LAST_PREFIX + kind for partial in (0, 1) for kind in _KINDS)


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

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class Match:
    student: IndexedStudent
    rank: int


def _deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def _name_parts(s: IndexedStudent) -> tuple[tuple[str, int], ...]:
    """A student's folded name parts, each with the kind of name it came from (a last, first or
    preferred name's first word: `_LAST` or `_FIRST`; a later word: `_OTHER`). A name of several
    words is also one part with the kind of its first word ("Garcia Lopez" -> "garcialopez")."""
    return (
        _parts_of(s.last_name, _LAST)
        + _parts_of(s.first_name, _FIRST)
        + _parts_of(s.preferred_name, _FIRST)
    )


@lru_cache(maxsize=4096)
def _parts_of(name: str, which: int) -> tuple[tuple[str, int], ...]:
    """One name's parts for `_name_parts`. Cached: names repeat across a school, and a search
    checks the same few dozen students keystroke after keystroke."""
    parts = fold(name).split()
    mine = [(part, which if i == 0 else _OTHER) for i, part in enumerate(parts)]
    if len(parts) > 1:
        mine.append(("".join(parts), which))
    return tuple(mine)


def _folded_names(s: IndexedStudent) -> str:
    """Last, first and preferred name, folded, in one line."""
    return " ".join(p for p in (fold(s.last_name), fold(s.first_name), fold(s.preferred_name)) if p)


def _positions(values: Iterable[int] = ()) -> array[int]:
    """Positions (or places) as C ints, 4 bytes each, where a list holds an 8-byte pointer to a
    28-byte int: the index holds some 400,000 of them at 50,000 students."""
    return array("i", values)


@dataclass
class StudentIndex:
    """An in-memory index over a school's students; build once, then search on every keystroke.

    Kept lean (issue 16: the app within 150 MB at 50,000 students): positions are C int arrays;
    a student's name parts are folded again when a search checks that student (`_name_parts`,
    for a few dozen students a search: `fold` is cached), not kept for every student; IDs are
    found by bisecting one sorted list, with no dict beside it."""

    students: list[IndexedStudent] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Per kind of name part: its tokens sorted, each token's student as a place in roster
        # order, and those places sorted within each block of `_BLOCK` tokens.
        self._kind_tokens: list[list[str]] = [[], [], []]
        self._kind_places: list[array[int]] = [_positions(), _positions(), _positions()]
        self._kind_blocks: list[list[array[int]]] = [[], [], []]
        # Each one-letter deletion of a name part (and the part itself) -> the part it comes
        # from, or a tuple of them when several; their students are in `_spelled` (not copied
        # per variant: at 50,000 students the copies were 37 MiB).
        self._typos: dict[str, str | tuple[str, ...]] = {}
        self._spelled: dict[str, array[int]] = {}  # each name part -> the students with it
        # Every student's ID as compared (`normalize_id`), sorted (ties by position); the
        # position of each.
        self._sorted_ids: list[str] = []
        self._sorted_pos: array[int] = _positions()
        self._in_order: array[int] = _positions()  # positions in roster order
        self._place: array[int] = _positions()  # each position's place in that order
        # Every student's folded names, one per line, and where each line starts: the substring
        # pass is then one C-level `str.find` loop instead of a Python loop over every student.
        self._names_blob = ""
        self._line_starts: array[int] = _positions()
        self._inactive: set[int] = set()  # positions of the students who left
        self.rebuild()

    def rebuild(self) -> None:
        students = self.students
        count = len(students)
        ids = []
        for s in students:
            key = normalize_id(s.sis_id)
            ids.append(s.sis_id if key == s.sis_id else key)  # one string when already so
        order = sorted(range(count), key=ids.__getitem__)
        self._sorted_ids = [ids[pos] for pos in order]
        self._sorted_pos = _positions(order)
        # Positions by name (ties by position), and each position's place in that order.
        order = sorted(
            range(count),
            key=lambda pos: (
                fold(students[pos].last_name),
                fold(students[pos].first_name),
                ids[pos],
            ),
        )
        self._in_order = _positions(order)
        place = [0] * count
        for at, pos in enumerate(order):
            place[pos] = at
        del order
        self._place = _positions(place)
        same: dict[str, str] = {}  # one string object per distinct name part
        spelled: dict[str, list[int]] = {}  # each name part -> positions
        by_kind: list[list[tuple[str, int]]] = [[], [], []]  # (token, place) per kind
        for pos, s in enumerate(students):
            mine = _name_parts(s)
            for token, kind in mine:
                token = same.setdefault(token, token)
                by_kind[kind].append((token, place[pos]))
            for name in (s.last_name, s.first_name, s.preferred_name):
                for part in fold(name).split():
                    spelled.setdefault(same.get(part, part), []).append(pos)
        del same, place
        for kind, pairs in enumerate(by_kind):
            pairs.sort()
            self._kind_tokens[kind] = [token for token, _place in pairs]
            places = _positions(at for _token, at in pairs)
            by_kind[kind] = []
            self._kind_places[kind] = places
            self._kind_blocks[kind] = [
                _positions(sorted(places[at : at + _BLOCK])) for at in range(0, len(places), _BLOCK)
            ]
        # Names repeat across a school: each spelling's one-letter deletions are made once.
        typos: dict[str, str | tuple[str, ...]] = {}
        for part in spelled:
            if len(part) < 3:
                continue
            for variant in _deletions(part) | {part}:
                known = typos.get(variant)
                if known is None:
                    typos[variant] = part
                else:
                    typos[variant] = (known, part) if isinstance(known, str) else (*known, part)
        self._typos = typos
        self._spelled = {part: _positions(found) for part, found in spelled.items()}
        del spelled
        lines = [_folded_names(s) for s in students]
        self._names_blob = "\n".join(lines)
        starts, offset = _positions(), 0
        for line in lines:
            starts.append(offset)
            offset += len(line) + 1
        self._line_starts = starts
        self._inactive = {pos for pos, s in enumerate(students) if not s.active}

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
        everyone = [self.students[pos] for pos in self._in_order]
        active = [s for s in everyone if s.active]
        return active if active_only else active + [s for s in everyone if not s.active]

    def by_id(self, sis_id: str) -> IndexedStudent | None:
        """The student whose ID is exactly `sis_id` (case and surrounding spaces ignored)."""
        ids, key = self._sorted_ids, normalize_id(sis_id)
        at = bisect.bisect_right(ids, key) - 1  # the last of a repeated ID, as a dict kept it
        return self.students[self._sorted_pos[at]] if at >= 0 and ids[at] == key else None

    def _prefix_range(self, kind: int, prefix: str) -> tuple[int, int, int]:
        """Where `prefix` sits in the sorted tokens of one kind: (first token starting with it,
        first one longer than it, the end of those starting with it)."""
        tokens = self._kind_tokens[kind]
        lo = bisect.bisect_left(tokens, prefix)
        return (
            lo,
            bisect.bisect_right(tokens, prefix, lo),
            bisect.bisect_left(tokens, prefix + _AFTER, lo),
        )

    def _prefix_positions(self, prefix: str) -> dict[int, tuple[int, int]]:
        """Positions of students with a name part starting with `prefix` -> (name kind, 0 when the
        part is the whole word typed, else 1), the best one per student."""
        found: dict[int, tuple[int, int]] = {}
        in_order = self._in_order
        for kind in _KINDS:
            lo, whole_end, hi = self._prefix_range(kind, prefix)
            places = self._kind_places[kind]
            for i in range(lo, hi):
                pos = in_order[places[i]]
                fit = (kind, 0 if i < whole_end else 1)
                if fit < found.get(pos, (99, 99)):
                    found[pos] = fit
        return found

    def search(self, query: str, limit: int = 10, active_only: bool = True) -> list[Match]:
        """Students matching `query`, best first (see the module docstring for the order): the
        same list as ranking every match, without ranking them all."""
        raw = query.strip()
        if not raw or limit <= 0:
            return []
        results, words = self._id_matches(raw, limit)
        if not words:
            return self._best(results, limit, active_only)
        # With several words, the students matching every one (set intersections, at C speed).
        shared = self._every_word_places(words) if len(words) > 1 else None
        found, first_hits = self._best_first(words[0], shared, results, limit, active_only)
        if found is not None:
            return found
        # Fewer than `limit` matched: `first_hits` holds every name match, as `_matches` finds.
        for pos, (kind, partial) in first_hits.items():
            _offer(results, pos, LAST_PREFIX + kind, partial)
        self._more_matches(raw, words, results, limit)
        return self._best(results, limit, active_only)

    def search_page(
        self, query: str, shown: int, active_only: bool = True
    ) -> tuple[list[Match], int]:
        """The best `shown` students matching `query` (in `search`'s order), and how many match
        in all (the roster's search box, on every keystroke).

        The page comes from the best-first walk when the ID and name-prefix matches fill it
        (every later pass only adds lower ranks); the count is then a union of position sets,
        at C speed, not a ranking of every match. With fewer, every pass runs and only the
        shown ones are ranked: the same as `_best(_matches(query, None))`, active ones only."""
        raw = query.strip()
        if not raw:
            return [], 0
        results, words = self._id_matches(raw, len(self.students) + 1)
        if words and shown > 0:
            shared = self._every_word_places(words) if len(words) > 1 else None
            found, first_hits = self._best_first(words[0], shared, results, shown, active_only)
            if found is not None:
                return found, self._count_matches(raw, words, shared, results, active_only)
            for pos, (kind, partial) in first_hits.items():
                _offer(results, pos, LAST_PREFIX + kind, partial)
            self._more_matches(raw, words, results, len(self.students) + 1)
        elif words:
            results = self._matches(raw, None)
        if active_only:
            students = self.students
            results = {pos: fit for pos, fit in results.items() if students[pos].active}
        return self._best(results, shown, False), len(results)

    def _count_matches(
        self,
        raw: str,
        words: list[str],
        shared: set[int] | None,
        id_results: dict[int, tuple[int, int]],
        active_only: bool,
    ) -> int:
        """How many students `_matches(raw, None)` finds (the active ones with `active_only`),
        from the ID matches found and the places `shared` by every word (or, for one word,
        every student with a name part starting with it): sets, not a ranking."""
        at = self._in_order.__getitem__
        matched = set(id_results)
        if shared is None:
            for kind in _KINDS:
                lo, _whole_end, hi = self._prefix_range(kind, words[0])
                matched.update(map(at, self._kind_places[kind][lo:hi]))
        else:
            matched.update(map(at, shared))
        needle = " ".join(words)
        if len(needle) >= 2 and " " in needle:
            matched.update(self._substring_positions(needle))
        elif len(needle) >= 2:  # within one name part: the parts holding it, not every name
            for part, positions in self._spelled.items():
                if needle in part:
                    matched.update(positions)
        matched |= self._typo_positions(raw, words)
        return len(matched) - (len(matched & self._inactive) if active_only else 0)

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
        raw = query.strip()
        if not raw:
            return {}
        enough = len(self.students) + 1 if limit is None else limit
        results, words = self._id_matches(raw, enough)
        if words:
            # Every word must prefix some name part; the first word decides the rank.
            first_hits = self._prefix_positions(words[0])
            for word in words[1:]:
                hits = self._prefix_positions(word)
                first_hits = {p: fit for p, fit in first_hits.items() if p in hits}
            for pos, (kind, partial) in first_hits.items():
                _offer(results, pos, LAST_PREFIX + kind, partial)
            self._more_matches(raw, words, results, enough)
        return results

    def _id_matches(self, raw: str, enough: int) -> tuple[dict[int, tuple[int, int]], list[str]]:
        """The ID passes for the stripped query `raw`, and the folded words the name passes
        look for (none after an exact ID)."""
        results: dict[int, tuple[int, int]] = {}
        id_query = normalize_id(raw)
        ids, positions = self._sorted_ids, self._sorted_pos
        lo = bisect.bisect_left(ids, id_query)
        exact = lo < len(ids) and ids[lo] == id_query
        if exact:
            _offer(results, positions[lo], EXACT_ID, 0)
        if len(id_query) >= 2 and " " not in id_query:
            for i in range(lo, len(ids)):
                if not ids[i].startswith(id_query):
                    break
                _offer(results, positions[i], ID_PREFIX)
                if len(results) > enough * 4:
                    break
        # A scan that is exactly an ID needs nothing more: skipping the name passes keeps a
        # scanner's lookups well under a millisecond.
        return results, ([] if exact else fold(raw).split())

    def _more_matches(
        self, raw: str, words: list[str], results: dict[int, tuple[int, int]], enough: int
    ) -> None:
        """The passes after the name prefixes, while fewer than `enough` students match:
        substrings of the joined names, then one typo (not for a query with a digit)."""
        if len(results) < enough:
            needle = " ".join(words)
            if len(needle) >= 2:
                for pos in self._substring_positions(needle):
                    _offer(results, pos, SUBSTRING)
        if len(results) < enough:
            for pos in self._typo_positions(raw, words):
                _offer(results, pos, TYPO)

    def _typo_positions(self, raw: str, words: list[str]) -> set[int]:
        """The students one typo away from every word of 3+ letters (none for a query with a
        digit, or with no such word)."""
        if any(c.isdigit() for c in raw):
            return set()
        typo_hits: set[int] | None = None
        for word in words:
            if len(word) < 3:
                continue
            hits: set[int] = set()
            spelled = self._spelled
            for variant in _deletions(word) | {word}:
                parts = self._typos.get(variant, ())
                for part in (parts,) if isinstance(parts, str) else parts:
                    hits.update(spelled[part])
            typo_hits = hits if typo_hits is None else typo_hits & hits
        return typo_hits or set()

    def _best_first(
        self,
        word: str,
        shared: set[int] | None,
        results: dict[int, tuple[int, int]],
        limit: int,
        active_only: bool,
    ) -> tuple[list[Match] | None, dict[int, tuple[int, int]]]:
        """The best `limit` matches of the ID `results` and the name-prefix pass for `word`
        (only among the roster places `shared`, when given), class by class in `_best`'s order
        ((whole word, rank), then roster order), or None when the name matches ran out first;
        and the name matches seen (all of them then, as `_matches` finds them: position ->
        (name kind, partial))."""
        students, in_order = self.students, self._in_order
        found: list[Match] = []
        first_hits: dict[int, tuple[int, int]] = {}
        rejected: set[int] = set()
        taken: set[int] = set()
        by_key: dict[int, list[int]] = {}
        for pos, (rank, partial) in results.items():
            by_key.setdefault((partial << 3) + rank, []).append(self._place[pos])
        for key in sorted(by_key.keys() | _NAME_KEYS):
            if key in by_key:  # an ID class: never a name class too
                chosen = (students[in_order[place]] for place in sorted(by_key[key]))
                for s in chosen:
                    if s.active or not active_only:
                        found.append(Match(s, key & 7))
                        if len(found) == limit:
                            return found, first_hits
                continue
            partial, kind = key >> 3, (key & 7) - LAST_PREFIX
            lo, whole_end, hi = self._prefix_range(kind, word)
            start, end = (lo, whole_end) if partial == 0 else (whole_end, hi)
            if shared is None:
                in_class = self._places_in_order(kind, start, end)
            else:
                in_class = iter(sorted(shared.intersection(self._kind_places[kind][start:end])))
            for place in in_class:
                pos = in_order[place]
                if pos in taken or pos in rejected or pos in results:
                    continue
                fit = first_hits.get(pos)
                if fit is None:
                    fit = _fit(_name_parts(students[pos]), word)
                    if fit is None:
                        rejected.add(pos)
                        continue
                    first_hits[pos] = fit
                if fit != (kind, partial):
                    continue  # it belongs to (and is taken in) its own, later class
                taken.add(pos)
                s = students[pos]
                if s.active or not active_only:
                    found.append(Match(s, LAST_PREFIX + kind))
                    if len(found) == limit:
                        return found, first_hits
        return None, first_hits

    def _every_word_places(self, words: list[str]) -> set[int]:
        """The roster places of the students with a name part starting with each of `words`."""
        shared: set[int] | None = None
        for word in sorted(words, key=self._prefix_count):
            places: set[int] = set()
            for kind in _KINDS:
                lo, _whole_end, hi = self._prefix_range(kind, word)
                places.update(self._kind_places[kind][lo:hi])
            shared = places if shared is None else shared & places
            if not shared:
                break
        return shared or set()

    def _prefix_count(self, word: str) -> int:
        """How many tokens (of any kind) start with `word`."""
        total = 0
        for kind in _KINDS:
            lo, _whole_end, hi = self._prefix_range(kind, word)
            total += hi - lo
        return total

    def _places_in_order(self, kind: int, start: int, end: int) -> Iterator[int]:
        """The places (roster order) of tokens `start`..`end` of one kind, smallest first."""
        places, blocks = self._kind_places[kind], self._kind_blocks[kind]
        first_block, last_block = -(-start // _BLOCK), end // _BLOCK
        if first_block >= last_block:
            return iter(sorted(places[start:end]))
        runs = blocks[first_block:last_block]
        edges = places[start : first_block * _BLOCK] + places[last_block * _BLOCK : end]
        if edges:
            runs.append(sorted(edges))
        return iter(runs[0]) if len(runs) == 1 else heapq.merge(*runs)


def _offer(results: dict[int, tuple[int, int]], pos: int, rank: int, partial: int = 1) -> None:
    """Keep a student's best (rank, partial) match."""
    if (rank, partial) < results.get(pos, (99, 99)):
        results[pos] = (rank, partial)


def _fit(parts: tuple[tuple[str, int], ...], word: str) -> tuple[int, int] | None:
    """A student's best (name kind, partial) for `word` among their name parts, as
    `_prefix_positions` finds it, or None when `word` prefixes none."""
    best: tuple[int, int] | None = None
    for token, kind in parts:
        if token.startswith(word):
            fit = (kind, 0 if token == word else 1)
            if best is None or fit < best:
                best = fit
    return best


def build_index(rows: Iterable[tuple]) -> StudentIndex:
    """Build from (id, sis_id, last, first, preferred, grade, homeroom, active) tuples.

    Names, grades and homerooms repeat across a school: each distinct value is kept once (one
    string object), not once per student as the database hands them over."""
    same: dict[object, object] = {}
    one = same.setdefault
    return StudentIndex(
        [
            IndexedStudent(
                student_id,
                sis_id,
                one(last, last),
                one(first, first),
                one(preferred, preferred),
                one(grade, grade),
                one(homeroom, homeroom),
                active,
            )
            for student_id, sis_id, last, first, preferred, grade, homeroom, active in rows
        ]
    )
