"""The brief notice list the Families screen shows says what the full one says: the same
households in the same order, with the same guardians, students, language, status and notice."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from sro_tui.notices import (
    change_delivery_status,
    filter_choices,
    filter_households,
    load_household_lines,
    load_households,
    record_notice,
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
