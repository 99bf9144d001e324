"""Family notices: households not children, recording one at a time and in bulk, returned and
bounced notices back on the to-do list, the letter, and the family notice list export."""

from __future__ import annotations

import csv
import stat
import uuid
from datetime import date

import pytest

from sro_tui import models
from sro_tui.db import open_database
from sro_tui.exchange import ExchangeError, read_exchange_csv
from sro_tui.models import AuditEvent, FamilyNotice, Guardian, Student, StudentGuardian
from sro_tui.notices import (
    BUILTIN_TEMPLATES,
    COMPLAINT_SETTING,
    FAMILY_NOTICE_COLUMNS,
    LetterContext,
    LetterError,
    change_delivery_status,
    export_family_notice_list,
    filter_choices,
    filter_households,
    language_code,
    load_households,
    notice_counts,
    record_email_to_all,
    record_notice,
    record_notices,
    render_letter,
    validate_notice,
    write_letters,
)
from sro_tui.records import ValidationError, get_school, save_staff, set_setting
from sro_tui.roster import rebuild_households

TODAY = date(2026, 9, 15)


def _student(school, sis_id, first, last, grade, active=True):
    return Student.create(
        school=school, sis_id=sis_id, first_name=first, last_name=last, grade=grade, active=active
    )


def _guardian(school, key, first, last, street="", postal="", **extra):
    return Guardian.create(
        school=school,
        source_key=key,
        first_name=first,
        last_name=last,
        street=street,
        city="Port Townsend" if street else "",
        state="WA" if street else "",
        postal_code=postal,
        **extra,
    )


def _link(student, *guardians, receives=True):
    for guardian in guardians:
        StudentGuardian.create(student=student, guardian=guardian, receives_notices=receives)


@pytest.fixture
def families(school):
    """Siblings with two parents at one address (Spanish), a student whose parents live apart,
    a guardian without an address, a guardian whose name is a spreadsheet formula, and a family
    whose only student has left."""
    jose = _student(school, "000123", "José", "Núñez", "9")
    sofia = _student(school, "000124", "Sofía", "Núñez", "11")
    ana = _guardian(
        school,
        "ana",
        "Ana",
        "Núñez",
        "12 Main St",
        "98368",
        email="ana@example.org",
        phone="+1 360 555 0100",
        preferred_language="Spanish",
    )
    luis = _guardian(
        school,
        "luis",
        "Luis",
        "García",
        "12 Main St.",
        "98368-1234",
        phone="360-555-0101",
        preferred_language="Español",
    )
    _link(jose, ana, luis)
    _link(sofia, ana, luis)
    kai = _student(school, "000200", "Kai", "Lee", "10")
    min_lee = _guardian(school, "min", "Min", "Lee", "4 Oak Ave", "98368", email="min@example.org")
    jun_lee = _guardian(school, "jun", "Jun", "Lee", "900 Water St", "98339")
    _link(kai, min_lee, jun_lee)
    ada = _student(school, "000300", "Ada", "Okafor", "K")
    chi = _guardian(
        school,
        "chi",
        "Chiamaka",
        "Okafor",
        "7 Elm St",
        "98368",
        email="chi@example.org",
        preferred_language="en",
    )
    obi = _guardian(school, "obi", "Obi", "Okafor")  # no address on file
    _link(ada, chi, obi)
    eve = _student(school, "000400", "Eve", "Mallory", "12")
    formula = _guardian(
        school,
        "x",
        '=HYPERLINK("x")',
        "Mallory",
        "1 Formula Way",
        "98368",
        phone="0044 20 7946 0000",
    )
    _link(eve, formula)
    gone = _student(school, "000500", "Gone", "Away", "8", active=False)
    _link(gone, _guardian(school, "away", "Al", "Away", "3 Far Rd", "98368"))
    rebuild_households(school)
    return {h.label: h for h in load_households()}


def test_households_not_children(families):
    assert [h.label for h in load_households()] == [
        "Lee household",
        "Lee household",
        "Mallory household",
        "Núñez / García household",
        "Okafor household",
    ]
    nunez = families["Núñez / García household"]
    assert [s.sis_id for s in nunez.students] == ["000123", "000124"]  # siblings share one notice
    assert [g.name for g in nunez.guardians] == ["Ana Núñez", "Luis García"]
    lee = [h for h in load_households() if h.label == "Lee household"]
    assert len(lee) == 2  # parents living apart: two households, both get the notice
    assert all([s.sis_id for s in h.students] == ["000200"] for h in lee)
    okafor = families["Okafor household"]
    assert [g.name for g in okafor.guardians] == ["Chiamaka Okafor", "Obi Okafor"]
    assert okafor.address.startswith("7 Elm St")
    assert "Away household" not in families  # its only student is no longer active
    assert nunez.language == "Spanish" and nunez.language_code == "es"


def test_record_one_notice_is_on_disk_after_reopening(families, db_path, db):
    nunez = families["Núñez / García household"]
    notice = record_notice(
        nunez.household_id,
        method="paper_home",
        sent_on=date(2026, 9, 2),
        actor="front office",
        today=TODAY,
    )
    assert notice.language == "es"  # the family reads Spanish: the Spanish letter went home
    db.close()
    open_database(db_path)
    reloaded = {h.label: h for h in load_households()}["Núñez / García household"]
    assert reloaded.status == "notified"
    assert reloaded.deciding_notice.method == "paper_home"
    assert reloaded.deciding_notice.sent_on == date(2026, 9, 2)
    assert reloaded.deciding_notice.recorded_by == "front office"
    counts = notice_counts()
    assert (counts["households"], counts["notified"], counts["pending"]) == (5, 1, 4)
    event = AuditEvent.get(AuditEvent.record_id == notice.record_id)
    assert event.action == "create" and event.actor == "front office"


def test_a_method_the_household_cannot_receive_is_refused_and_nothing_is_written(families):
    mallory = families["Mallory household"]
    with pytest.raises(ValidationError) as caught:
        record_notice(mallory.household_id, method="email", today=TODAY)
    assert "no e-mail address" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        record_notice(mallory.household_id, method="mail", sent_on=date(2026, 9, 16), today=TODAY)
    assert "future" in caught.value.problems["sent_on"]
    with pytest.raises(ValidationError):
        record_notice(mallory.household_id, method="carrier pigeon", today=TODAY)
    assert FamilyNotice.select().count() == 0


def test_bulk_email_every_household_with_an_address_once(families):
    result = record_email_to_all(sent_on=date(2026, 9, 3), actor="office", today=TODAY)
    # Núñez, Okafor and one Lee household have e-mail; the other Lee and Mallory do not.
    assert result.recorded == 3
    assert result.skipped == {}
    emailed = {h.label for h in load_households() if h.status == "notified"}
    assert emailed == {"Núñez / García household", "Okafor household", "Lee household"}
    again = record_email_to_all(sent_on=date(2026, 9, 3), actor="office", today=TODAY)
    assert (again.recorded, again.already_recorded) == (0, 3)
    assert FamilyNotice.select().count() == 3


def test_bulk_selected_rows_skips_households_that_cannot_receive_the_method(families):
    ids = [h.household_id for h in load_households()]
    result = record_notices(ids, method="email", sent_on=date(2026, 9, 3), today=TODAY)
    assert result.recorded == 3
    assert result.skipped == {"no e-mail address on file": 2}
    assert "2 skipped: no e-mail address on file" in result.summary()


def test_returned_mail_goes_back_on_the_to_do_list_and_the_change_is_audited(families):
    lee = [h for h in load_households() if h.label == "Lee household"][0]
    notice = record_notice(lee.household_id, method="mail", sent_on=date(2026, 9, 1), today=TODAY)
    with pytest.raises(ValidationError) as caught:
        change_delivery_status(notice.id, "bounced")
    assert "cannot be bounced" in str(caught.value)
    change_delivery_status(
        notice.id, "returned", reason="moved, no forwarding address", actor="clerk"
    )
    after = {h.household_id: h for h in load_households()}[lee.household_id]
    assert after.status == "returned"
    assert lee.household_id in [
        h.household_id for h in filter_households(load_households(), status="pending")
    ]
    assert [h.household_id for h in filter_households(load_households(), status="problem")] == [
        lee.household_id
    ]
    events = list(
        AuditEvent.select().where(AuditEvent.record_id == notice.record_id).order_by(AuditEvent.id)
    )
    assert [e.action for e in events] == ["create", "update"]
    assert '"delivery_status": "sent"' in events[1].before
    assert '"delivery_status": "returned"' in events[1].after
    assert events[1].reason == "moved, no forwarding address" and events[1].actor == "clerk"
    # Re-sent by paper: notified again, the returned notice stays on file.
    record_notice(lee.household_id, method="paper_home", sent_on=date(2026, 9, 10), today=TODAY)
    after = {h.household_id: h for h in load_households()}[lee.household_id]
    assert after.status == "notified"
    assert [n.delivery_status for n in after.notices] == ["sent", "returned"]
    assert notice_counts()["returned"] == 0


def test_filters_by_language_and_grade(families):
    spanish = filter_households(load_households(), language="es")
    assert [h.label for h in spanish] == ["Núñez / García household"]
    assert [h.label for h in filter_households(load_households(), grade="K")] == [
        "Okafor household"
    ]
    assert language_code("es-MX") == language_code("Español") == "es"
    assert language_code("") == ""


def test_filter_choices_list_grades_in_school_order(families, school):
    ana = Guardian.get(Guardian.source_key == "ana")
    for n, grade in enumerate(["10", "PK", "2", "1"]):
        _link(_student(school, f"00090{n}", "Kid", f"Grade{grade}", grade), ana)
    rebuild_households(school)
    languages, grades = filter_choices(load_households())
    # Not text order ("1", "10", "12", "2", "9", "K", "PK"): the school's, PK and K first.
    assert grades == ["PK", "K", "1", "2", "9", "10", "11", "12"]
    assert languages == sorted(languages) and "es" in languages


def test_a_notice_dated_in_the_future_is_refused_by_field(families):
    with pytest.raises(ValidationError) as caught:
        validate_notice("paper_home", date(2099, 1, 15), today=TODAY)
    assert caught.value.problems == {
        "sent_on": "2099-01-15 is in the future: give the day the notice went out"
    }
    with pytest.raises(ValidationError) as caught:
        validate_notice("pigeon", TODAY, today=TODAY)
    assert set(caught.value.problems) == {"method"}
    validate_notice("mail", TODAY, today=TODAY)  # a known method, today: accepted


# --- the letter -------------------------------------------------------------------------------


def _staff(school):
    save_staff(
        {
            "first_name": "Dana",
            "last_name": "Reyes",
            "kind": "sro",
            "commissioned": True,
            "employer_type": "law_enforcement_agency",
            "employer_name": "Port Townsend Police Department",
        },
        school=school,
    )
    save_staff(
        {
            "first_name": "Sam",
            "last_name": "Ortiz",
            "kind": "school_security_officer",
            "employer_type": "security_company",
            "employer_name": "Olympic Guard Co.",
        },
        school=school,
    )
    save_staff(
        {"first_name": "Pat", "last_name": "Kim", "kind": "campus_security_officer"}, school=school
    )
    left = save_staff({"first_name": "Old", "last_name": "Timer", "kind": "other"}, school=school)
    save_staff({"active": False}, staff=left)


def test_letter_names_every_current_staff_member_and_the_complaint_process(families, school):
    _staff(school)
    school_row, year = get_school(), models.SchoolYear.get(models.SchoolYear.is_current == True)  # noqa: E712
    letter = render_letter(
        LetterContext.current(school_row, year, TODAY), families["Okafor household"]
    )
    assert "- Dana Reyes, school resource officer, Port Townsend Police Department" in letter
    assert "- Sam Ortiz, school security officer, Olympic Guard Co." in letter
    assert "- Pat Kim, campus security officer" in letter
    assert "Old Timer" not in letter
    assert "contact the principal of Port Townsend High School" in letter
    assert "employs them: Olympic Guard Co. or Port Townsend Police Department." in letter
    assert "immigration or citizenship status, or\n  place of birth" in letter
    assert "prohibited from becoming\n  involved in formal school discipline" in letter
    assert "immediate and continuing danger to others" in letter
    assert "To: Chiamaka Okafor, Obi Okafor" in letter and "2026-27" in letter
    set_setting(COMPLAINT_SETTING, "Call Principal Ruiz at 360-555-0199.")
    custom = render_letter(LetterContext.current(school_row, year, TODAY))
    assert "Call Principal Ruiz at 360-555-0199." in custom and "To: Families" in custom


def test_a_spanish_letter_names_staff_in_spanish(families, school, tmp_path):
    _staff(school)
    school_row, year = get_school(), models.SchoolYear.get(models.SchoolYear.is_current == True)  # noqa: E712
    nunez = families["Núñez / García household"]
    letter = render_letter(LetterContext.current(school_row, year, TODAY), nunez, "es")
    assert "- Dana Reyes, oficial de recursos escolares (SRO), Port Townsend Police Department" in (
        letter
    )
    assert "- Pat Kim, oficial de seguridad del campus, personal del distrito escolar" in letter
    assert "School resource officer".lower() not in letter.lower()
    assert "ese personal: Olympic Guard Co. o Port Townsend Police Department." in letter

    # A district's words file with a typo is refused with its file and line, never half used.
    templates = tmp_path / "district-templates"
    templates.mkdir()
    (templates / "notice_letter.es.txt").write_text("$students\n$staff_list\n", encoding="utf-8")
    (templates / "notice_words.es.txt").write_text(
        "# palabras\ngrade: grado {grade}\nkind.sro: agente escolar\ngrado: {grade}\n",
        encoding="utf-8",
    )
    with pytest.raises(LetterError) as caught:
        render_letter(LetterContext.current(school_row, year, TODAY), nunez, "es", [templates])
    assert "notice_words.es.txt, line 4: 'grado' is not a letter word" in str(caught.value)
    (templates / "notice_words.es.txt").write_text("grade: curso {grado}\n", encoding="utf-8")
    with pytest.raises(LetterError) as caught:
        render_letter(LetterContext.current(school_row, year, TODAY), nunez, "es", [templates])
    assert "line 1: grade has no field {grado}" in str(caught.value)
    (templates / "notice_words.es.txt").write_text("kind.sro: agente escolar\n", encoding="utf-8")
    letter = render_letter(LetterContext.current(school_row, year, TODAY), nunez, "es", [templates])
    assert "- Dana Reyes, agente escolar, Port Townsend Police Department" in letter
    assert "(grade " in letter  # no built-in words in these folders: English
    letter = render_letter(
        LetterContext.current(school_row, year, TODAY), nunez, "es", [templates, BUILTIN_TEMPLATES]
    )
    assert "agente escolar" in letter and "(grado " in letter  # the district's word, the rest ours


def test_letters_in_the_family_language_with_english_fallback(families, school, tmp_path):
    templates = tmp_path / "district-templates"
    templates.mkdir()
    out = tmp_path / "letters"
    # The Lee family reads Vietnamese, for which no letter ships yet.
    Guardian.update(preferred_language="Vietnamese").where(Guardian.last_name == "Lee").execute()
    files = write_letters(out, today=TODAY)
    by_language = {f.language: f for f in files}
    assert sorted(by_language) == ["en", "es"]
    assert by_language["es"].letters == 1  # the Núñez / García family, in the built-in Spanish
    assert by_language["en"].letters == 4  # every other household not yet notified
    assert by_language["en"].in_english_instead == 2  # both Lee households (parents apart)
    spanish = by_language["es"].path.read_text(encoding="utf-8")
    assert "Estimadas familias:" in spanish and "Para: Ana Núñez, Luis García" in spanish
    assert "no preguntará ni recopilará información sobre la situación migratoria" in spanish
    # The words the program fills in are Spanish too: grades, staff kinds, the complaint text.
    assert "(grado " in spanish and "(grade " not in spanish
    assert "comuníquese con el director o la directora de Port Townsend High School" in spanish
    text = by_language["en"].path.read_text(encoding="utf-8")
    assert text.count("\f") == 3
    assert "[Note: no Vietnamese letter is available yet; this is the English letter.]" in text
    assert stat.S_IMODE(by_language["en"].path.stat().st_mode) == 0o600

    # The district's own template wins over the built-in one, without code.
    (templates / "notice_letter.es.txt").write_text(
        "Estimadas familias de $school_name:\n$staff_list\n$complaint_process\n", encoding="utf-8"
    )
    set_setting("notice_template_dir", str(templates))
    files = write_letters(out, fmt="html", today=TODAY)
    by_language = {f.language: f for f in files}
    assert by_language["es"].letters == 1 and by_language["en"].letters == 4
    spanish = by_language["es"].path.read_text(encoding="utf-8")
    assert "Estimadas familias de Port Townsend High School" in spanish
    assert spanish.count('<section class="letter">') == 1
    nunez = families["Núñez / García household"]
    assert record_notice(nunez.household_id, method="paper_home", today=TODAY).language == "es"

    (templates / "notice_letter.es.txt").write_text("Hola $schol_name", encoding="utf-8")
    with pytest.raises(LetterError) as caught:
        write_letters(tmp_path / "never", [nunez.household_id], today=TODAY)
    assert "notice_letter.es.txt" in str(caught.value) and "$schol_name" in str(caught.value)
    assert not (tmp_path / "never").exists()


# --- the family notice list -------------------------------------------------------------------


def test_family_notice_list_reads_back_with_pythons_csv(families, tmp_path):
    nunez = families["Núñez / García household"]
    record_notice(nunez.household_id, method="email", sent_on=date(2026, 9, 4), today=TODAY)
    path = export_family_notice_list(tmp_path / "out")
    assert path.name.startswith("PTHS_family-notices_2026-27_")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the accents correctly
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [c.name for c in FAMILY_NOTICE_COLUMNS]
    forbidden = {"race_ethnicity", "sex", "iep", "section_504", "english_learner", "birth"}
    assert not forbidden & {c.lower() for c in rows[0]}
    by_household = {r["household"]: r for r in rows}
    assert len(rows) == 5
    row = by_household["Núñez / García household"]
    assert row["guardian_names"] == "Ana Núñez; Luis García"
    assert row["students"] == "Núñez, José (9); Núñez, Sofía (11)"
    assert row["student_ids"] == "000123; 000124"
    assert row["phone"] == '="+1 360 555 0100"'  # Excel shows +1 360 555 0100, not a formula error
    assert row["other_phones"] == "360-555-0101"
    assert (row["notice_status"], row["notice_method"], row["notice_date"]) == (
        "Notified",
        "E-mail",
        "2026-09-04",
    )
    assert row["school_code"] == "PTHS" and row["school_year"] == "2026-27"
    assert row["updated_at"].endswith("Z")
    kai = [r for r in rows if r["students"] == "Lee, Kai (10)"]
    assert len(kai) == 2 and kai[0]["student_ids"] == '="000200"'  # leading zeros kept in Excel
    mallory = by_household["Mallory household"]
    assert mallory["guardian_names"] == '\'=HYPERLINK("x") Mallory'  # not run as a formula
    assert mallory["notice_status"] == "Not notified" and mallory["notice_date"] == ""
    # The district merge reads every value back exactly.
    back_rows = read_exchange_csv(path, FAMILY_NOTICE_COLUMNS).rows
    back = {r["household"]: r for r in back_rows}
    assert back["Mallory household"]["guardian_names"] == '=HYPERLINK("x") Mallory'
    assert back["Mallory household"]["phone"] == "0044 20 7946 0000"
    assert back["Núñez / García household"]["phone"] == "+1 360 555 0100"
    assert back["Núñez / García household"]["notice_date"] == date(2026, 9, 4)
    assert [r["student_ids"] for r in back_rows if "Lee" in r["household"]] == ["000200"] * 2
    assert len({r["record_id"] for r in back_rows}) == 5
    # Each row's record_id is stable for the household and year (re-exports merge, not duplicate).
    again = read_exchange_csv(export_family_notice_list(tmp_path / "again")).rows
    assert {r["record_id"] for r in again} == {r["record_id"] for r in back_rows}
    year = models.SchoolYear.get(models.SchoolYear.is_current == True)  # noqa: E712
    assert back["Mallory household"]["record_id"] == str(
        uuid.uuid5(
            uuid.UUID("5b0f3c1e-4f0e-4c39-9a53-6d1b2f0e4311"),
            f"{back['Mallory household']['household_id']}/{year.record_id}",
        )
    )


def test_pending_list_leaves_out_notified_households(families, tmp_path):
    nunez = families["Núñez / García household"]
    record_notice(nunez.household_id, method="in_person", today=TODAY)
    path = export_family_notice_list(tmp_path, pending_only=True)
    assert "family-notices-pending" in path.name
    labels = [r["household"] for r in read_exchange_csv(path).rows]
    assert len(labels) == 4 and "Núñez / García household" not in labels


def test_export_to_a_failing_path_writes_nothing(families, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ExchangeError) as caught:
        export_family_notice_list(blocker / "out")
    assert str(blocker) in str(caught.value)
    out = tmp_path / "usb"
    out.mkdir()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("sro_tui.paths.os.fsync", disk_full)
    with pytest.raises(ExchangeError) as caught:
        export_family_notice_list(out)
    assert "No space left on device" in str(caught.value)
    assert list(out.iterdir()) == []  # no partial file, no temporary file


def test_household_without_guardian_notices_flag_is_not_listed(school):
    kid = _student(school, "000900", "Ned", "Stark", "5")
    _link(kid, _guardian(school, "ns", "Ed", "Stark", "9 North Rd", "98368"), receives=False)
    rebuild_households(school)
    assert load_households() == []
    assert notice_counts()["households"] == 0


def test_paper_notice_for_every_student_presented_in_a_session(families):
    from datetime import datetime

    from sro_tui.notices import record_paper_notices_for_session

    year = models.SchoolYear.get(models.SchoolYear.is_current == True)  # noqa: E712
    session = models.PresentationSession.create(
        school=get_school(), school_year=year, held_on=date(2026, 9, 8), title="Assembly 1"
    )
    for sis_id, undone in (("000123", False), ("000124", False), ("000200", True)):
        models.PresentationAttendance.create(
            student=Student.get(Student.sis_id == sis_id),
            session=session,
            school_year=year,
            method="scan",
            undone_at=datetime(2026, 9, 8, 10) if undone else None,
        )
    result = record_paper_notices_for_session(session.id, sent_on=date(2026, 9, 8), today=TODAY)
    assert result.recorded == 1  # the two siblings share one household; Kai's check-in was undone
    notified = [h.label for h in load_households() if h.is_notified]
    assert notified == ["Núñez / García household"]
    assert FamilyNotice.get().method == "paper_home"
    again = record_paper_notices_for_session(session.id, sent_on=date(2026, 9, 8), today=TODAY)
    assert (again.recorded, again.already_recorded) == (0, 1)
