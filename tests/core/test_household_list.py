"""The brief notice list the Families screen shows says what the full one says: the same
households in the same order, with the same guardians, students, language, status and notice."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from sro_tui.notices import (
    HouseholdLine,
    change_delivery_status,
    filter_choices,
    filter_households,
    load_household_index,
    load_household_lines,
    load_household_order,
    load_households,
    record_notice,
    with_filters,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.generate import generate_families, write_database  # noqa: E402

TODAY = date(2026, 9, 15)


def test_brief_lines_match_the_full_list(tmp_path: Path):
    db = write_database(generate_families(students=300, guardians=540), tmp_path / "s.sqlite3")
    try:
        full = load_households()
        # Notices of every kind: notified, returned (back on the list), returned then re-sent.
        record_notice(full[0].household_id, method="mail", sent_on=date(2026, 9, 1), today=TODAY)
        returned = record_notice(
            full[1].household_id, method="mail", sent_on=date(2026, 9, 2), today=TODAY
        )
        change_delivery_status(returned.id, "returned")
        again = record_notice(
            full[2].household_id, method="mail", sent_on=date(2026, 9, 3), today=TODAY
        )
        change_delivery_status(again.id, "returned")
        record_notice(
            full[2].household_id, method="paper_home", sent_on=date(2026, 9, 1), today=TODAY
        )
        full = load_households()
        lines = load_household_lines()

        assert [h.household_id for h in lines] == [h.household_id for h in full]
        for brief, h in zip(lines, full, strict=True):
            assert brief.label == h.label
            assert brief.guardian_names == tuple(g.name for g in h.guardians)
            assert brief.students == "; ".join(f"{s.name} ({s.grade})" for s in h.students)
            assert list(brief.grades) == h.grades
            assert (brief.language, brief.language_code) == (h.language, h.language_code)
            assert (brief.status, brief.is_notified) == (h.status, h.is_notified)
            assert brief.has_email == bool(h.emails)
            deciding = h.deciding_notice
            assert brief.notice == ((deciding.method, str(deciding.sent_on)) if deciding else None)
        assert [h.status for h in lines[:3]] == ["notified", "returned", "notified"]
        assert lines[2].notice == ("paper_home", "2026-09-01")  # the one that counts

        assert filter_choices(lines) == filter_choices(full)
        for status in ("all", "pending", "problem", "notified"):
            for grade in ("", "9"):
                chosen = [
                    h.household_id for h in filter_households(full, status=status, grade=grade)
                ]
                brief = [
                    h.household_id for h in filter_households(lines, status=status, grade=grade)
                ]
                assert brief == chosen
        spanish = [h.household_id for h in filter_households(full, language="es")]
        assert (
            spanish and [h.household_id for h in filter_households(lines, language="es")] == spanish
        )
    finally:
        db.close()


def test_the_index_says_what_the_lines_say(tmp_path: Path):
    """The Families screen's compact list: the same households, in the same order, with the same
    cells once read, the same filters' choices and rows, counts and column lengths."""
    db = write_database(generate_families(students=300, guardians=540), tmp_path / "s.sqlite3")
    try:
        lines = load_household_lines()
        record_notice(lines[0].household_id, method="mail", sent_on=date(2026, 9, 1), today=TODAY)
        returned = record_notice(
            lines[1].household_id, method="email", sent_on=date(2026, 9, 2), today=TODAY
        )
        change_delivery_status(returned.id, "bounced")
        lines = load_household_lines()
        index = load_household_index()

        assert len(index) == len(lines)
        for brief, line in zip(index, lines, strict=True):
            for name in HouseholdLine.__slots__:
                assert getattr(brief, name) == getattr(line, name), name
        assert index[-1].household_id == lines[-1].household_id
        assert index.filter_choices() == filter_choices(lines)
        for status in ("all", "pending", "problem", "notified"):
            for language in ("", "es", "Spanish", "zz"):
                for grade in ("", "9", "K", "13"):
                    kept = filter_households(lines, status=status, language=language, grade=grade)
                    rows = index.rows(index.chosen(status, language, grade))
                    assert rows.household_ids() == [h.household_id for h in kept]
                    assert [h.label for h in rows] == [h.label for h in kept]
        assert (index.count("notified"), index.count("bounced")) == (1, 1)
        assert index.with_email() == [h.household_id for h in lines if h.has_email]
        longest = {
            "label": max(len(h.label) for h in lines),
            "guardians": max(len(", ".join(h.guardian_names)) for h in lines),
            "language": max(len(h.language) for h in lines),
            "students": max(len(h.students) for h in lines),
        }
        assert index.longest == longest
    finally:
        db.close()


def test_a_row_read_after_a_notice_is_recorded_is_the_new_one(tmp_path: Path):
    """Rows are read as they are drawn: a list loaded again after a notice shows it."""
    db = write_database(generate_families(students=60, guardians=100), tmp_path / "s.sqlite3")
    try:
        before = load_household_index()
        first = before[0]
        assert first.status == "not_notified" and first.notice is None
        record_notice(first.household_id, method="mail", sent_on=date(2026, 9, 1), today=TODAY)
        after = load_household_index()
        assert after[0].status == "notified" and after[0].notice == ("mail", "2026-09-01")
        assert after.rows(after.chosen("pending")).household_ids()[0] != first.household_id
    finally:
        db.close()


def test_the_order_comes_first_and_the_filters_follow(tmp_path: Path):
    """`load_household_order` alone draws and counts the list and filters it by status; a
    language or grade waits for `with_filters`, which keeps the same rows."""
    db = write_database(generate_families(students=120, guardians=200), tmp_path / "s.sqlite3")
    try:
        lines = load_household_lines()
        record_notice(lines[3].household_id, method="mail", sent_on=date(2026, 9, 1), today=TODAY)
        order = load_household_order()
        full = load_household_index()
        assert list(order.ids) == list(full.ids) and order.labels == full.labels
        assert order.count("notified") == 1 and not order.filters_ready
        assert order.chosen("pending") == full.chosen("pending")
        assert order.chosen("all", "es") is None and order.chosen("all", "", "9") is None
        first = order[0]  # read from the database, as the table draws it
        assert first.guardian_names == full[0].guardian_names and first.students
        completed = with_filters(order)
        assert completed.filters_ready and list(completed.ids) == list(order.ids)
        assert completed.filter_choices() == full.filter_choices()
        assert completed.chosen("all", "es") == full.chosen("all", "es")
        assert completed.longest == full.longest
    finally:
        db.close()
