"""The students offered under the check-in box while a name or part of an ID is typed."""

from __future__ import annotations

from sro_tui.search import EXACT_ID, Match, StudentIndex, fold

CANDIDATES_SHOWN = 6


def candidates_for(index: StudentIndex, text: str, limit: int = CANDIDATES_SHOWN) -> list[Match]:
    """The students to offer under the box for `text`, best first (the app's search ranking).

    Two shortcuts keep every lookup quick: an exact ID is the only candidate (Enter records it
    anyway), and one letter is too little to choose from. Otherwise `StudentIndex.search` takes
    the best few without ranking every student a short prefix matches (well under 2 ms at
    50,000 students; `benchmarks/bench_lookup.py`).
    """
    query = text.strip()
    exact = index.by_id(query)
    if exact is not None:
        return [Match(exact, EXACT_ID)]
    if len(fold(query)) < 2:
        return []
    return index.search(query, limit=limit)
