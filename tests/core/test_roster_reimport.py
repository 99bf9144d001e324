"""Re-importing a roster: updates by SIS ID, no duplicates, gone students inactive, dry runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sro_tui.cli import main
from sro_tui.db import open_database
from sro_tui.models import AuditEvent, Guardian, Household, Student, StudentGuardian
from sro_tui.roster import RosterImportError, apply_import, import_roster, prepare_import

HEADER = (
    "Student ID,Last Name,First Name,Grade,Homeroom,Guardian 1 Name,Guardian 1 Email,"
    "Guardian 1 Address,Guardian 1 Zip\n"
)
FIRST = HEADER + (
    "0001,Ames,Ann,9,101,Pat Ames,pat@example.org,1 Main St,98368\n"
    "0002,Ames,Bo,11,204,Pat Ames,pat@example.org,1 Main St,98368\n"
    "0003,Cole,Cy,10,204,Kim Cole,kim@example.org,5 Bay Rd,98368\n"
)
# Next year: Ann moves up a grade, Bo is unchanged, Cy has left, Di is new.
SECOND = HEADER + (
    "0001,Ames,Ann,10,101,Pat Ames,pat@example.org,1 Main St,98368\n"
    "0002,Ames,Bo,11,204,Pat Ames,pat@example.org,1 Main St,98368\n"
    "0004,Dunn,Di,9,101,Lee Dunn,lee@example.org,8 Elm St,98368\n"
)


def roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_reimport_updates_deactivates_and_never_duplicates(school, tmp_path, db_path):
    first = import_roster(roster(tmp_path, FIRST))
    assert (first.added, first.guardians, first.households) == (3, 2, 2)
    ann_id = Student.get(Student.sis_id == "0001").record_id
    result = import_roster(roster(tmp_path, SECOND))
    assert (result.added, result.updated, result.deactivated, result.unchanged) == (1, 1, 1, 1)
    assert result.guardians_deactivated == 1  # Kim Cole: her only child has left
    db = open_database(db_path)
    s = {x.sis_id: x for x in Student.select()}
    assert set(s) == {"0001", "0002", "0003", "0004"}  # Cy kept, never deleted
    assert s["0001"].grade == "10" and s["0001"].record_id == ann_id  # same record, updated
    assert not s["0003"].active and s["0004"].active
    assert not Guardian.get(Guardian.email == "kim@example.org").active
    assert Guardian.select().where(Guardian.active == True).count() == 2  # noqa: E712
    assert Household.select().where(Household.active == True).count() == 2  # noqa: E712
    db.close()


def test_returning_student_is_enrolled_again(school, tmp_path):
    import_roster(roster(tmp_path, FIRST))
    import_roster(roster(tmp_path, SECOND))
    plan = prepare_import(roster(tmp_path, FIRST))
    cy = [r for r in plan.to_update if r.sis_id == "0003"]
    assert cy and "enrolled again" in cy[0].changes
    apply_import(plan)
    assert Student.get(Student.sis_id == "0003").active
    assert Student.select().count() == 4


def test_same_file_twice_changes_nothing(school, tmp_path):
    path = roster(tmp_path, FIRST)
    import_roster(path)
    before = [(s.record_id, s.updated_at) for s in Student.select().order_by(Student.id)]
    links_before = StudentGuardian.select().count()
    result = import_roster(path)
    assert (result.added, result.updated, result.deactivated, result.unchanged) == (0, 0, 0, 3)
    assert [(s.record_id, s.updated_at) for s in Student.select().order_by(Student.id)] == before
    assert StudentGuardian.select().count() == links_before == 3
    assert Guardian.select().count() == 2


def test_dry_run_lists_changes_and_writes_nothing(school, tmp_path):
    import_roster(roster(tmp_path, FIRST))
    events = AuditEvent.select().count()
    result = import_roster(roster(tmp_path, SECOND), dry_run=True)
    assert result.dry_run and (result.added, result.updated, result.deactivated) == (1, 1, 1)
    plan = prepare_import(roster(tmp_path, SECOND))
    assert [str(r) for r in plan.to_update] == ["0001 Ann Ames (grade 10): grade 9 → 10"]
    assert [str(r) for r in plan.to_add] == ["0004 Di Dunn (grade 9)"]
    assert [str(r) for r in plan.to_deactivate] == ["0003 Cy Cole (grade 10): not in the file"]
    assert Student.get(Student.sis_id == "0001").grade == "9"
    assert Student.select().count() == 3 and AuditEvent.select().count() == events


def test_one_audit_event_per_import_with_file_and_counts(school, tmp_path):
    before = AuditEvent.select().count()
    import_roster(roster(tmp_path, FIRST))
    events = list(AuditEvent.select().where(AuditEvent.id > 0).order_by(AuditEvent.id))[before:]
    imports = [e for e in events if e.action == "import"]
    assert len(imports) == 1
    after = json.loads(imports[0].after)
    assert (after["file"], after["format"], after["added"], after["guardians"]) == (
        "roster.csv",
        "sis-csv",
        3,
        2,
    )


def test_edit_made_after_prepare_is_seen_by_apply(school, tmp_path):
    import_roster(roster(tmp_path, FIRST))
    plan = prepare_import(roster(tmp_path, SECOND))
    Student.update(active=False).where(Student.sis_id == "0003").execute()  # someone else did it
    result = apply_import(plan)
    assert result.deactivated == 0 and Student.select().count() == 4


def test_progress_reaches_the_total(school, tmp_path):
    calls: list[tuple[int, int]] = []
    apply_import(
        prepare_import(roster(tmp_path, FIRST)), progress=lambda d, t: calls.append((d, t))
    )
    assert calls and calls[-1][0] == calls[-1][1]
    assert [d for d, _t in calls] == sorted(d for d, _t in calls)


def test_guardian_dropped_for_a_student_loses_the_link(school, tmp_path):
    import_roster(roster(tmp_path, FIRST))
    changed = FIRST.replace(
        "0002,Ames,Bo,11,204,Pat Ames,pat@example.org",
        "0002,Ames,Bo,11,204,Sam Ames,sam@example.org",
    )
    import_roster(roster(tmp_path, changed))
    bo = Student.get(Student.sis_id == "0002")
    assert [link.guardian.first_name for link in bo.guardian_links] == ["Sam"]
    ann = Student.get(Student.sis_id == "0001")
    assert [link.guardian.first_name for link in ann.guardian_links] == ["Pat"]


def test_invalid_reimport_leaves_the_database_as_it_was(school, tmp_path):
    import_roster(roster(tmp_path, FIRST))
    bad = SECOND.replace("0004,Dunn,Di,9,", "0004,Dunn,Di,nine,")
    with pytest.raises(RosterImportError, match="row 4, column Grade: 'nine' is not a grade"):
        import_roster(roster(tmp_path, bad))
    assert Student.get(Student.sis_id == "0001").grade == "9"
    assert Student.get(Student.sis_id == "0003").active
    assert Student.select().count() == 3


def test_ids_that_lost_their_leading_zeros_are_refused(school, tmp_path, db_path, capsys):
    rows = [f"{1201 + i:07d},Name{i},Kid{i},9,101,,,,\n" for i in range(12)]
    import_roster(roster(tmp_path, HEADER + "".join(rows)))
    # the same file opened and saved by Excel: 0001201 -> 1201
    excel = roster(tmp_path, HEADER + "".join(row.lstrip("0") for row in rows))
    with pytest.raises(RosterImportError, match="12 of the 12 student IDs .*1201 is 0001201"):
        prepare_import(excel)
    args = ["roster", "import", str(excel), "--db", str(db_path), "--confirm-deactivations"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "row 2: 12 of the 12" in err and "Excel removed the IDs' leading zeros" in err
    assert "--confirm-deactivations" not in err
    open_database(db_path)  # as after a restart
    assert sorted((s.sis_id, s.active) for s in Student.select())[:2] == [
        ("0001201", True),
        ("0001202", True),
    ]
    assert Student.select().count() == 12
    assert not Student.select().where(Student.active == False).exists()  # noqa: E712


def test_new_ids_without_zeros_beside_zero_padded_ones_are_not_refused(school, tmp_path):
    import_roster(roster(tmp_path, FIRST))  # 0001, 0002, 0003
    text = FIRST + "5,Eck,Ed,9,101,,,,\n17,Fox,Flo,9,101,,,,\n"  # 5 and 17 match no one
    assert import_roster(roster(tmp_path, text)).added == 2
