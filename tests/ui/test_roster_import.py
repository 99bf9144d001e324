"""Importing a roster through the UI: path → (school) → preview → confirm → progress → done."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input

from sro_tui.db import open_database
from sro_tui.models import Guardian, School, Student
from sro_tui.ui.app import SroApp

from .conftest import small_school_file
from .helpers import table_rows, text_of, wait_for_workers

ROSTER = (
    "Student ID,Last Name,First Name,Grade,Homeroom,Guardian 1 Name,Guardian 1 Email,"
    "Street,City,State,Zip\n"
    "000123,Núñez,José,9,201,María Núñez,maria.nunez@example.org,12 Water St,Port Townsend,"
    "WA,98368\n"
    "000777,Kowalski,Zofia,10,118,Ewa Kowalski,ewa@example.org,9 Pine St,Port Townsend,WA,98368\n"
    "000778,Tran,Bao,11,220,,,,,,\n"
)


async def type_into(pilot, selector: str, text: str) -> None:
    box = pilot.app.screen.query_one(selector, Input)
    box.value = text
    await pilot.pause()


async def start_import(app, pilot, path: Path) -> None:
    await pilot.pause()
    await wait_for_workers(app)
    await pilot.press("f8", "ctrl+o")
    await pilot.pause()
    await type_into(pilot, "#import-path", str(path))
    await pilot.press("enter")
    await pilot.pause(0.3)


async def test_first_import_into_an_empty_database(empty_db, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    app = SroApp(empty_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_import(app, pilot, roster)
        # The file has no school column and the database no school yet: the app asks.
        assert type(app.screen).__name__ == "SchoolCodeDialog"
        await type_into(pilot, "#field-code", "PTHS")
        await pilot.press("enter")  # no name yet: the form says so, under the name, and stays
        assert "Type the school's name" in text_of(app, "#error-name")
        assert app.screen.focused is app.screen.query_one("#field-name")
        await type_into(pilot, "#field-name", "Port Townsend High School")
        await type_into(pilot, "#field-district_code", "16050")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "ImportPreviewDialog"
        assert "3 to add · 0 to update · 0 to deactivate" in text_of(app, "#import-summary")
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        await wait_for_workers(app)
        await pilot.pause()
        assert type(app.screen).__name__ == "RosterScreen"
        assert "Port Townsend High School" in app.sub_title
        await pilot.press(*"kowal")
        await pilot.pause()
        assert table_rows(app, "#roster-results")[0][:2] == ["Kowalski, Zofia", "000777"]
    # What the screen said is on disk after the app closed.
    database = open_database(empty_db)
    try:
        school = School.get()
        assert (school.code, school.name) == ("PTHS", "Port Townsend High School")
        assert school.county_district_code == "16050"
        assert sorted(s.sis_id for s in Student.select()) == ["000123", "000777", "000778"]
        assert Guardian.get(Guardian.email == "ewa@example.org").last_name == "Kowalski"
    finally:
        database.close()


async def test_reimport_shows_updates_and_cancel_changes_nothing(school_db, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_import(app, pilot, roster)
        assert type(app.screen).__name__ == "ImportPreviewDialog"
        summary = text_of(app, "#import-summary")
        # José's homeroom changes; Ana, Mia, Liam, Josephine are not in the file.
        assert "2 to add · 1 to update · 4 to deactivate" in summary
        changes = "\n".join(str(s.render()) for s in app.screen.query(".change-list"))
        assert "000777 Zofia Kowalski" in changes or "Kowalski" in changes
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "RosterScreen"
    database = open_database(school_db)
    try:
        assert Student.get(Student.sis_id == "000123").homeroom == "104"
        assert not Student.select().where(Student.sis_id == "000777").exists()
    finally:
        database.close()


async def test_a_bad_roster_names_file_row_and_column_and_imports_nothing(school_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Student ID,Last Name,First Name,Grade\n000900,Lee,Ann,9\n,Kim,Bo,9\n000902,Park,Cy,13x\n",
        encoding="utf-8",
    )
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_import(app, pilot, bad)
        assert type(app.screen).__name__ == "ImportProblemsDialog"
        problems = [str(p.render()) for p in app.screen.query(".problem")]
        assert problems[0].startswith("bad.csv, row 3, column Student ID:")
        assert problems[1] == "bad.csv, row 4, column Grade: '13x' is not a grade"
        await pilot.press("escape")
        await pilot.pause()
    database = open_database(school_db)
    try:
        assert not Student.select().where(Student.sis_id.in_(["000900", "000902"])).exists()
    finally:
        database.close()


async def test_a_path_that_does_not_exist_keeps_the_dialog_open(school_db, tmp_path):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_import(app, pilot, tmp_path / "nowhere.csv")
        assert type(app.screen).__name__ == "ImportPathDialog"
        assert "There is no file or folder at" in text_of(app, "#import-path-error")


async def test_a_file_that_would_empty_the_school_warns_and_enter_cancels(tmp_path):
    """25 students enrolled, a 3-student file: the preview says so in words, names the guardian
    links the file drops, and the focus is on Cancel (Enter and ctrl+s import nothing)."""
    db_path = small_school_file(tmp_path / "school.sqlite3", extra_students=20)
    database = open_database(db_path)
    active = Student.select().where(Student.active == True).count()  # noqa: E712
    database.close()
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    app = SroApp(db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_import(app, pilot, roster)
        assert type(app.screen).__name__ == "ImportPreviewDialog"
        warning = text_of(app, "#import-mass-warning")
        assert f"leaves out {active - 1} of the {active} students enrolled here" in warning
        assert "no longer linked" in text_of(app, "#import-guardian-changes")
        assert "not found in this file as they were" in text_of(app, "#import-guardian-warning")
        assert app.screen.focused.id == "cancel"
        await pilot.press("ctrl+s")  # no shortcut past the warning
        await pilot.pause()
        assert type(app.screen).__name__ == "ImportPreviewDialog"
        await pilot.press("tab", "enter")  # focus went to "Import anyway"; tab moves on to Cancel
        await pilot.pause()
        assert type(app.screen).__name__ == "RosterScreen"
    database = open_database(db_path)
    try:
        assert Student.select().where(Student.active == True).count() == active  # noqa: E712
    finally:
        database.close()


async def test_a_damaged_zip_is_refused_in_the_dialog_with_its_reason(school_db, tmp_path):
    import zipfile

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "roster" / "oneroster11"
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(fixture.iterdir()):
            archive.writestr(path.name, path.read_bytes())
    data = bytearray(good.read_bytes())
    at = data.find(b"users.csv") + 40  # inside users.csv's compressed stream
    data[at : at + 50] = bytes(50)
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_import(app, pilot, damaged)
        for _ in range(100):  # the import worker waits on the dialog: poll for it
            if type(app.screen).__name__ == "ImportProblemsDialog":
                break
            await pilot.pause(0.05)
        assert type(app.screen).__name__ == "ImportProblemsDialog"
        shown = " ".join(str(s.render()) for s in app.screen.query(".problem"))
        assert "users.csv is damaged in the zip" in shown


async def test_school_form_changes_the_code_and_keeps_the_records(school_db):
    database = open_database(school_db)
    before = {s.sis_id: s.record_id for s in Student.select()}
    school_id = School.get().record_id
    database.close()
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await wait_for_workers(app)
        await pilot.press("f8", "ctrl+n")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "SchoolForm"
        await type_into(pilot, "#field-district_code", "1605")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not five digits" in text_of(app, "#error-district_code")  # beside its box
        assert app.screen.focused is app.screen.query_one("#field-district_code")
        await type_into(pilot, "#field-district_code", "16050")
        await type_into(pilot, "#field-code", "PTHS2")
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        await wait_for_workers(app)
        assert type(app.screen).__name__ == "RosterScreen"
    database = open_database(school_db)
    try:
        school = School.get()
        assert (school.code, school.county_district_code, school.record_id) == (
            "PTHS2",
            "16050",
            school_id,
        )
        assert {s.sis_id: s.record_id for s in Student.select()} == before
    finally:
        database.close()


async def test_import_dialog_takes_a_contacts_file(school_db, tmp_path):
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "roster"
    students = tmp_path / "students.csv"  # without the SchoolID column (310 is not tied yet)
    lines = (fixtures / "ps_students_for_contacts.csv").read_text().splitlines()
    students.write_text("\n".join(",".join(x.split(",")[:1] + x.split(",")[2:]) for x in lines))
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await wait_for_workers(app)
        await pilot.press("f8", "ctrl+o")
        await pilot.pause()
        await type_into(pilot, "#import-path", str(students))
        await type_into(pilot, "#import-contacts", str(fixtures / "ps_contacts.csv"))
        await pilot.press("enter")
        for _ in range(40):  # the preview comes once the worker has read both files
            await pilot.pause(0.1)
            if type(app.screen).__name__ == "ImportPreviewDialog":
                break
        assert type(app.screen).__name__ == "ImportPreviewDialog"
        assert "ps_contacts.csv: Contact ID → contact: contact id" in text_of(
            app, "#import-columns"
        )
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        await wait_for_workers(app)
        await pilot.pause()
    database = open_database(school_db)
    try:
        nadia = Guardian.get(Guardian.source_key == "contact:C-100")
        assert (nadia.first_name, nadia.phone) == ("Nadia", "360-555-0501")
    finally:
        database.close()


async def test_first_import_form_does_not_offer_the_sis_school_number_as_code(empty_db, tmp_path):
    roster = tmp_path / "ps.csv"
    roster.write_text(
        "Student_Number,SchoolID,First_Name,Last_Name,Grade_Level,Enroll_Status\n"
        "0023001,520,Maya,Rivera,7,0\n",
        encoding="utf-8",
    )
    app = SroApp(empty_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_import(app, pilot, roster)
        assert type(app.screen).__name__ == "SchoolCodeDialog"
        assert app.screen.query_one("#field-code", Input).value == ""  # 520 is the SIS's number


async def test_preview_counts_families_and_shows_warnings_before_the_lists(school_db, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_import(app, pilot, roster)
        assert type(app.screen).__name__ == "ImportPreviewDialog"
        assert "Families: 2 guardians in 2 households · 1 new · 2 no longer listed" in text_of(
            app, "#import-summary"
        )
        parts = [w.id or "" for w in app.screen.query("#import-changes > Static")]
        assert "no guardian in this file: 000778 Bao Tran" in text_of(app, "#import-warnings")
        # right after the guardian warning, before the link changes and the names to add
        assert parts[:3] == [
            "import-guardian-warning",
            "import-warnings",
            "import-guardian-changes",
        ]


def _type_fast(app, *keys: str) -> None:
    """Post keys as a terminal delivers them when typed or pasted fast: all at once, without
    waiting for one to be handled before the next arrives."""
    names = {"/": "slash", ".": "full_stop", "\t": "tab"}
    for key in keys:
        if len(key) == 1:
            app.post_message(events.Key(names.get(key, key), key))
        else:
            app.post_message(events.Key(key, None))


async def test_keys_typed_fast_after_ctrl_o_land_in_the_dialogs_fields(school_db):
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await wait_for_workers(app)
        await pilot.press("f8")
        await pilot.pause(0.3)
        _type_fast(app, "ctrl+o", *"/tmp/a.csv", "\t", *"/tmp/b.csv")
        await pilot.pause(0.5)
        assert type(app.screen).__name__ == "ImportPathDialog"
        assert app.screen.query_one("#import-path", Input).value == "/tmp/a.csv"
        assert app.screen.query_one("#import-contacts", Input).value == "/tmp/b.csv"
        assert app.screen_stack[-2].query_one("#roster-search", Input).value == ""
        # a pasted pair of paths with a tab between them fills both fields too
        await pilot.press("escape")
        await pilot.pause(0.2)
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)
        path = app.screen.query_one("#import-path", Input)
        path.value = ""
        app.screen.query_one("#import-contacts", Input).value = ""
        path.post_message(events.Paste("/tmp/c.csv\t/tmp/d.csv"))
        await pilot.pause(0.3)
        assert path.value == "/tmp/c.csv"
        assert app.screen.query_one("#import-contacts", Input).value == "/tmp/d.csv"


async def test_the_first_import_form_typed_fast_keeps_name_and_code_apart(empty_db, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    app = SroApp(empty_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_import(app, pilot, roster)
        assert type(app.screen).__name__ == "SchoolCodeDialog"
        _type_fast(app, *"Blue Heron", "\t", *"BHMS", "enter")
        for _ in range(40):  # the preview comes once the worker has read the file
            await pilot.pause(0.1)
            if type(app.screen).__name__ == "ImportPreviewDialog":
                break
        assert type(app.screen).__name__ == "ImportPreviewDialog"
        assert app.screen.plan.school_name == "Blue Heron"
        assert app.screen.plan.school_code == "BHMS"
        await pilot.pause(0.3)  # let the preview finish mounting before the app closes
        await pilot.press("escape")
        await pilot.pause(0.3)
