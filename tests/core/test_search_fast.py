"""The quick search (best few, without ranking every match) gives exactly what ranking every
match gives: the same students, in the same order, with the same rank, on any roster and query."""

from __future__ import annotations

from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sro_tui import search
from sro_tui.search import build_index

# Few syllables, so that names share prefixes, whole words and other names' parts; accents,
# apostrophes, hyphens and spaces as a school's names have them.
SYLLABLES = ["ma", "mar", "ia", "jo", "se", "jos", "é", "o'", "lo", "pez", "an", "na", "-", " "]
name = st.lists(st.sampled_from(SYLLABLES), min_size=0, max_size=4).map("".join)
student_id = st.text(alphabet="0129A", min_size=1, max_size=5)


@st.composite
def rosters(draw):
    count = draw(st.integers(1, 60))
    ids = draw(st.lists(student_id, min_size=count, max_size=count, unique_by=str.upper))
    return [
        (
            n,
            sis,
            draw(name),
            draw(name),
            draw(st.one_of(st.just(""), name)),
            "9",
            "",
            draw(st.booleans()),
        )
        for n, sis in enumerate(ids, start=1)
    ]


@st.composite
def queries(draw, rows):
    row = draw(st.sampled_from(rows))
    piece = st.one_of(
        st.sampled_from([row[2], row[3], row[4], row[1]]).flatmap(
            lambda text: st.integers(0, len(text)).map(lambda n: text[:n])
        ),
        st.lists(st.sampled_from(SYLLABLES), max_size=3).map("".join),
        st.text(alphabet="0129Aaz ", max_size=4),
    )
    return " ".join(draw(st.lists(piece, min_size=1, max_size=3)))


def every_roster(test):
    """200 random rosters (derandomized), each with a block size: small blocks so that a few
    dozen students cover whole blocks, partial ones and their merge."""
    test = given(data=st.data(), rows=rosters(), block=st.sampled_from([1, 2, 3, 5, 128]))(test)
    return settings(
        max_examples=200,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )(test)


@every_roster
def test_quick_search_is_the_full_ranking_cut_short(data, rows, block):
    # Small blocks so a few dozen students cover whole blocks, partial ones and their merge.
    with mock.patch("sro_tui.search._BLOCK", block):
        index = build_index(rows)
        for _ in range(8):
            query = data.draw(queries(rows))
            limit = data.draw(st.integers(1, 8))
            active_only = data.draw(st.booleans())
            quick = index.search(query, limit=limit, active_only=active_only)
            full = index._best(index._matches(query, limit), limit, active_only)
            assert [(m.student.student_id, m.rank) for m in quick] == [
                (m.student.student_id, m.rank) for m in full
            ], (query, limit, active_only)


def test_quick_search_stops_early_on_a_big_school():
    """Not a timing: on 3,000 students sharing a surname prefix, the quick search checks a
    handful of them, where ranking every match looks at all 3,000."""
    rows = [(n, f"{n:05d}", f"Mar{n:04d}", "Ana", "", "9", "", True) for n in range(3000)]
    index = build_index(rows)
    with mock.patch("sro_tui.search._fit", wraps=search._fit) as fit:
        found = index.search("mar", limit=6)
    assert [m.student.last_name for m in found] == [f"Mar{n:04d}" for n in range(6)]
    assert fit.call_count <= 12
    assert len(index._matches("mar", None)) == 3000


def _ranked_page(index, query, shown, active_only):
    """The roster's page as it was computed before the quick path: every match ranked."""
    results = index._matches(query, None)
    if active_only:
        results = {p: fit for p, fit in results.items() if index.students[p].active}
    return index._best(results, shown, False), len(results)


@every_roster
def test_roster_page_and_count_are_the_full_ranking(data, rows, block):
    # The roster's page (the best `shown`) and its count of every match: both the quick walk
    # (a page filled by ID and name-prefix matches) and the full passes (fewer) are drawn.
    with mock.patch("sro_tui.search._BLOCK", block):
        index = build_index(rows)
        for _ in range(8):
            query = data.draw(queries(rows))
            shown = data.draw(st.integers(0, 8))
            active_only = data.draw(st.booleans())
            page, count = index.search_page(query, shown, active_only=active_only)
            full, full_count = _ranked_page(index, query, shown, active_only)
            assert [(m.student.student_id, m.rank) for m in page] == [
                (m.student.student_id, m.rank) for m in full
            ], (query, shown, active_only)
            assert count == full_count, (query, shown, active_only)


def test_roster_page_does_not_rank_every_match():
    """Not a timing: 3,000 students start with "mar"; the roster's page of 200 checks a few
    hundred of them, and the count (3,000 and the substring and typo matches) is still exact."""
    rows = [(n, f"{n:05d}", f"Mar{n:04d}", "Ana", "", "9", "", n % 7 != 0) for n in range(3000)]
    rows += [
        (3000, "X1", "Lamar", "Bo", "", "9", "", True),
        (3001, "X2", "Mra", "Al", "", "9", "", True),
    ]
    index = build_index(rows)
    with mock.patch("sro_tui.search._fit", wraps=search._fit) as fit:
        page, count = index.search_page("mar", 200, active_only=True)
    active = [f"Mar{n:04d}" for n in range(3000) if n % 7 != 0]
    assert [m.student.last_name for m in page] == active[:200]
    assert fit.call_count <= 260
    assert count == len(active) + 2  # "Lamar" holds "mar"; "Mra" is one typo away
    assert index.search_page("mar", 200, active_only=False)[1] == 3002
