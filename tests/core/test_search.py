"""Finding a student by ID or name: the order a person at the gym door expects."""

from __future__ import annotations

import pytest

from sro_tui.search import (
    EXACT_ID,
    ID_PREFIX,
    LAST_PREFIX,
    TYPO,
    _folded_names,
    build_index,
    fold,
)

ROWS = [
    (1, "000123", "Núñez", "José", "Pepe", "9", "101", True),
    (2, "000124", "O'Brien", "Siobhán", "", "10", "102", True),
    (3, "123", "Martinez", "Ana", "", "9", "101", True),
    (4, "5", "García-López", "María", "", "12", "", True),
    (5, "0001230", "Jones", "Marta", "", "11", "104", True),
    (6, "777", "Josephs", "Sam", "", "7", "201", True),
    (7, "888", "Martin", "Joseph", "", "8", "202", False),
]


@pytest.fixture(scope="module")
def index():
    return build_index(ROWS)


def names(matches):
    return [m.student.sis_id for m in matches]


def test_exact_id_comes_first_even_when_other_ids_start_with_it(index):
    found = index.search("000123")
    assert found[0].student.sis_id == "000123" and found[0].rank == EXACT_ID
    assert found[1].student.sis_id == "0001230" and found[1].rank == ID_PREFIX


def test_leading_zeros_are_part_of_the_id(index):
    assert index.by_id("123").first_name == "Ana"
    assert index.by_id("000123").first_name == "José"
    assert index.by_id(" 000123 ").first_name == "José"


def test_last_name_prefix_ranks_before_first_name_prefix(index):
    found = index.search("jos")
    # Josephs (last name) before José (first name); Joseph Martin is inactive.
    assert names(found) == ["777", "000123"]
    assert found[0].rank == LAST_PREFIX


def test_accents_are_ignored_both_ways(index):
    assert names(index.search("jose")) == ["000123", "777"]  # whole first name, then Josephs
    assert names(index.search("José")) == ["000123", "777"]
    assert names(index.search("nunez")) == ["000123"]
    assert names(index.search("siobhan")) == ["000124"]


def test_preferred_name_and_apostrophes(index):
    assert names(index.search("pepe")) == ["000123"]
    assert names(index.search("obrien")) == ["000124"]
    assert names(index.search("o'brien")) == ["000124"]


def test_two_words_narrow_the_search(index):
    assert names(index.search("mar gar")) == ["5"]
    assert names(index.search("lopez maria")) == ["5"]


def test_one_typo_is_forgiven(index):
    found = index.search("mrtinez")
    assert names(found) == ["123"] and found[0].rank == TYPO
    assert names(index.search("martniez")) == ["123"]


def test_inactive_students_only_when_asked(index):
    assert "888" not in names(index.search("martin"))
    assert "888" in names(index.search("martin", active_only=False))


def test_nothing_for_nonsense_or_blank(index):
    assert index.search("zzzz") == []
    assert index.search("   ") == []


def test_fold():
    assert fold("José O'Brien-Smith") == "jose obrien smith"
    assert fold("NGUYỄN Thị") == "nguyen thi"
    assert fold("Đặng Łukasz Søren") == "dang lukasz soren"


def test_substring_pass_finds_exactly_the_students_a_plain_scan_finds():
    """The joined-names search must offer the same students as `needle in folded` on each one,
    whatever the needle: a letter pair, a part spanning first and last name, digits, none."""
    names = [
        ("Núñez", "José"),
        ("García López", "Ana"),
        ("O'Brien", "Siobhán"),
        ("Nguyễn Thị", "Mai"),
        ("Van der Berg", "Lotte"),
        ("Li", "Bo"),
        ("Åberg", "Örjan"),
        ("Smith", "Jo"),
    ]
    index = build_index(
        (i, f"{i:07d}", last, first, "", "9", "9-01", True)
        for i, (last, first) in enumerate(names * 25, start=1)
    )
    folded = [_folded_names(s) for s in index.students]
    blob = " ".join(folded)
    needles = {blob[i : i + n] for n in (2, 3, 5) for i in range(len(blob) - n)} | {"zz", "42", "q"}
    for needle in sorted(needles):
        expected = [pos for pos, names in enumerate(folded) if needle in names]
        assert list(index._substring_positions(needle)) == expected, needle
