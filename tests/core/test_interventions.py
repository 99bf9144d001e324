"""Intervention requests: what a principal would check after saving, submitting, amending,
reviewing, listing and exporting."""

from __future__ import annotations

import json
import stat
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from sro_tui import policy
from sro_tui.db import open_database
from sro_tui.exchange import read_exchange_csv
from sro_tui.interventions import (
    InvolvedStudent,
    RequestFilter,
    RequestForm,
    RequestRefused,
    amend_request,
    check_form,
    export_requests,
    form_from_request,
    intervention_counts,
    list_requests,
    open_restraint_deadlines,
    parse_local_datetime,
    record_discipline_outcome,
    record_refusal,
    record_restraint_step,
    request_history,
    review_request,
    save_draft,
    student_labels,
    submit_request,
    without_discipline_outcome,
)
from sro_tui.models import (
    AuditEvent,
    InterventionAmendment,
    InterventionRequest,
    RestraintIsolation,
    Student,
)
from sro_tui.records import ValidationError, save_staff
from sro_tui.reports import annual_report_incidents, annual_report_notes, write_annual_report

WHEN = datetime(2026, 11, 3, 10, 15)  # a Tuesday


@pytest.fixture
def people(school):
    ana = Student.create(
        school=school,
        sis_id="000123",
        first_name="Ana",
        last_name="Núñez",
        grade="10",
        race_ethnicity="Hispanic/Latino",
        sex="F",
        iep=True,
        section_504=False,
        english_learner=True,
    )
    ben = Student.create(
        school=school, sis_id="4567", first_name="Ben", last_name="Okafor", grade="11"
    )
    sro = save_staff(
        {
            "first_name": "Dana",
            "last_name": "Reyes",
            "kind": "sro",
            "commissioned": True,
            "employer_type": "law_enforcement_agency",
            "employer_name": "Port Townsend PD",
        },
        school=school,
    )
    guard = save_staff(
        {"first_name": "Lee", "last_name": "Park", "kind": "school_security_officer"}, school=school
    )
    return {"ana": ana, "ben": ben, "sro": sro, "guard": guard}


def good_form(people, **changes) -> RequestForm:
    form = RequestForm(
        occurred_at=WHEN,
        location="Cafeteria",
        requested_by_name="Ms. Alvarez",
        requested_by_role="teacher",
        criterion="danger_to_others",
        facts="Student was swinging a chair at classmates and would not stop when asked twice.",
        purpose_is_discipline=False,
        actions=["de_escalation", "escort"],
        outcome="Student calmed down and went to the counselor.",
        students=[InvolvedStudent(people["ana"].id, role="subject")],
        staff_ids=[people["guard"].id],
    )
    for name, value in changes.items():
        setattr(form, name, value)
    return form


def test_the_form_names_each_roster_student_with_their_id(people):
    ana, ben = people["ana"], people["ben"]
    assert student_labels([ana.id, ben.id, ben.id + 99]) == {
        ana.id: "Ana Núñez (000123)",
        ben.id: "Ben Okafor (4567)",
    }
    assert student_labels([]) == {}


def test_parse_local_datetime_names_the_format():
    assert parse_local_datetime(" 2026-11-03  10:15 ") == WHEN
    assert parse_local_datetime("2026-11-03T10:15") == WHEN
    assert parse_local_datetime("11/3/2026 10:15") == WHEN  # as an office types it
    assert parse_local_datetime("11/3/2026 2:30 pm") == datetime(2026, 11, 3, 14, 30)
    with pytest.raises(ValueError, match="YYYY-MM-DD HH:MM"):
        parse_local_datetime("11/3/2026 10am")


def test_draft_survives_reopening_with_students_and_staff(people, db_path):
    form = good_form(
        people,
        students=[
            InvolvedStudent(people["ana"].id, role="subject"),
            InvolvedStudent(None, "Adult in a red jacket, not a student", role="other"),
        ],
    )
    request = save_draft(form)
    record_id = request.record_id
    database = open_database(db_path)  # a second connection, as after a restart
    try:
        again = InterventionRequest.get(InterventionRequest.record_id == record_id)
        assert again.status == "draft"
        back = form_from_request(again)
        assert back.students[0].student_id == people["ana"].id
        assert back.students[1].unknown_person_description.startswith("Adult in a red")
        assert back.staff_ids == [people["guard"].id]
        assert back.facts == form.facts and back.occurred_at == WHEN
    finally:
        database.close()


def test_incomplete_draft_is_kept_but_cannot_be_submitted(people):
    form = RequestForm(location="Gym")
    draft = save_draft(form)
    assert InterventionRequest.get_by_id(draft.id).location == "Gym"
    with pytest.raises(RequestRefused) as refused:
        submit_request(form, draft)
    ids = {f.check_id for f in refused.value.findings}
    assert {"request.when_missing", "request.criterion_missing", "request.facts_missing"} <= ids
    assert InterventionRequest.get_by_id(draft.id).status == "draft"


def test_discipline_request_is_refused_in_the_policys_words_and_not_stored(people):
    form = good_form(people, purpose_is_discipline=True)
    with pytest.raises(RequestRefused) as refused:
        save_draft(form)
    assert "handle all student discipline matters" in str(refused.value)
    assert "Policy 4311" in str(refused.value)
    assert InterventionRequest.select().count() == 0


def test_a_discipline_request_can_be_kept_on_record_as_refused(people, tmp_path):
    with pytest.raises(ValidationError, match="purpose is discipline"):
        record_refusal(good_form(people))
    refused = record_refusal(good_form(people, purpose_is_discipline=True), actor="principal.kim")
    stored = InterventionRequest.get_by_id(refused.id)
    assert stored.status == "refused"
    assert "discipline.request_refused" in stored.findings_json
    assert "handle all student discipline matters" in stored.findings_json
    with pytest.raises(ValidationError):
        amend_request(stored, {"outcome": "x"}, "try")
    assert [e.action for e in request_history(stored)] == ["refuse"]
    rows = read_exchange_csv(export_requests(tmp_path)[0]).rows
    assert [(r["status"], r["purpose_is_discipline"]) for r in rows] == [("refused", "yes")]


def test_sro_is_never_recorded_taking_a_disciplinary_action(people):
    form = good_form(people, staff_ids=[people["sro"].id], actions=["suspension"])
    with pytest.raises(RequestRefused, match="cannot be recorded as taking a disciplinary"):
        submit_request(form)
    assert InterventionRequest.select().count() == 0


@pytest.mark.parametrize("where", ["facts", "outcome", "location", "students"])
def test_immigration_content_is_stopped_before_it_is_stored(people, where):
    remark = "The officer asked whether he is undocumented"
    form = good_form(people)
    if where == "students":
        form.students = [InvolvedStudent(None, f"Visitor; {remark}", "other")]
    else:
        setattr(form, where, f"{getattr(form, where)} {remark}")
    with pytest.raises(RequestRefused, match="RCW 10.93.160"):
        save_draft(form)
    assert InterventionRequest.select().count() == 0
    assert not AuditEvent.select().where(AuditEvent.after.contains("undocumented")).exists()


def test_needs_reason_findings_need_a_written_reason_to_submit(people):
    form = good_form(people, requested_by_role="other_staff")
    with pytest.raises(RequestRefused, match="Say why someone else asked"):
        submit_request(form)
    form.acknowledged_reasons = {
        "request.requester_role@requested_by_role": "Head custodian saw it first; no teacher nearby"
    }
    request = submit_request(form, actor="principal.kim")
    stored = InterventionRequest.get_by_id(request.id)
    assert stored.status == "submitted" and stored.submitted_by == "principal.kim"
    assert stored.reason_findings == 1
    assert "Head custodian" in stored.acknowledged_reasons_json


def test_staff_initiated_emergency_needs_no_requester(people):
    form = good_form(
        people,
        requested_by_name="",
        requested_by_role=None,
        staff_initiated_emergency=True,
        criterion="emergency_3432",
        purpose_is_discipline=None,
    )
    request = submit_request(form)
    assert request.status == "submitted" and request.staff_initiated_emergency


def test_arrest_needs_its_safeguards(people):
    arrest = policy.LawEnforcementActivity(kind="arrest", on_premises=True)
    form = good_form(
        people,
        staff_ids=[people["sro"].id],
        actions=["law_enforcement_activity"],
        law_enforcement=[arrest],
    )
    with pytest.raises(RequestRefused) as refused:
        submit_request(form)
    ids = {f.check_id for f in refused.value.findings}
    assert {"le.on_premises_reason", "le.attorney_access_missing", "le.parent_unanswered"} <= ids
    arrest.why_on_premises = "Student had a loaded handgun in his backpack; could not wait."
    arrest.attorney_access = "provided_before_waiver"
    arrest.parent_notified = True
    arrest.student_under_18 = True
    request = submit_request(form)
    assert request.law_enforcement.get().attorney_access == "provided_before_waiver"


def test_submitted_request_is_amended_never_overwritten(people):
    request = submit_request(good_form(people), actor="principal.kim")
    with pytest.raises(ValidationError, match="amend"):
        save_draft(good_form(people, outcome="changed"), request)
    with pytest.raises(ValidationError, match="say why"):
        amend_request(request, {"outcome": "Went home with parent."}, "  ")
    amend_request(
        request,
        {"outcome": "Went home with parent."},
        "Parent picked her up at 11",
        actor="principal.kim",
    )
    stored = InterventionRequest.get_by_id(request.id)
    assert stored.version == 2 and stored.outcome == "Went home with parent."
    amendment = InterventionAmendment.get(InterventionAmendment.request == request)
    assert json.loads(amendment.before_json)["outcome"].startswith("Student calmed down")
    assert json.loads(amendment.after_json)["outcome"] == "Went home with parent."
    history = request_history(stored)
    assert [e.action for e in history] == ["submit", "amend"]
    assert history[0].after["outcome"].startswith("Student calmed down")  # the original
    assert history[1].reason == "Parent picked her up at 11"
    assert [c.field for c in history[1].changes] == ["outcome"]


def test_amendment_reruns_the_checks_and_changes_nothing_when_refused(people):
    request = submit_request(good_form(people))
    with pytest.raises(RequestRefused):
        amend_request(request, {"criterion": None}, "Criterion was wrong")
    with pytest.raises(RequestRefused, match="RCW 10.93.160"):
        amend_request(request, {"outcome": "ok"}, "Officer said she was born in Mexico")
    stored = InterventionRequest.get_by_id(request.id)
    assert stored.version == 1 and stored.criterion == "danger_to_others"
    assert InterventionAmendment.select().count() == 0


def test_review_with_note_and_amending_sends_it_back(people):
    request = submit_request(good_form(people))
    with pytest.raises(ValidationError):
        review_request(request, "")
    review_request(request, "Criterion met; de-escalation appropriate.", actor="principal.kim")
    stored = InterventionRequest.get_by_id(request.id)
    assert stored.status == "reviewed" and stored.reviewed_by == "principal.kim"
    amend_request(stored, {"location": "Cafeteria, north doors"}, "More precise place")
    assert InterventionRequest.get_by_id(request.id).status == "submitted"
    assert [e.action for e in request_history(stored)] == ["submit", "review", "amend"]


def test_discipline_outcome_is_recorded_after_the_fact_for_the_annual_report(
    people, school, tmp_path: Path
):
    """RCW 28A.320.1241(1)(c) counts incidents that resulted in student discipline: the
    principal records the yes or no on the request; the report says when one is missing."""
    draft = save_draft(good_form(people))
    with pytest.raises(ValidationError) as refused:
        record_discipline_outcome(draft, True)
    assert "submitted or reviewed" in str(refused.value)
    first = submit_request(good_form(people))
    second = submit_request(good_form(people, location="Gym"))
    before = InterventionRequest.get_by_id(first.id).updated_at
    record_discipline_outcome(first, True, actor="principal.kim")
    stored = InterventionRequest.get_by_id(first.id)
    assert stored.resulted_in_discipline is True and stored.updated_at >= before
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert event.actor == "principal.kim" and "not recorded → yes" in event.reason
    assert json.loads(event.after)["resulted_in_discipline"] is True

    year = stored.school_year
    incidents = annual_report_incidents(school, year)
    assert [i.record_id for i in incidents] == [first.record_id]
    assert incidents[0].outcomes == ("discipline",)
    assert "student discipline" in incidents[0].description
    assert incidents[0].students[0].race_ethnicity == "Hispanic/Latino"  # demographics, no name
    assert annual_report_notes(school, year) == [
        "1 request(s) have no discipline outcome recorded yet: on the Intervention requests "
        "screen choose each and press d, so the incidents above are complete."
    ]
    text, table = write_annual_report(
        tmp_path / "a", year, incidents=annual_report_incidents, incident_notes=annual_report_notes
    )
    assert "Not complete: 1 request(s) have no discipline outcome" in text.read_text()
    complete = {r["measure"]: r["value"] for r in read_exchange_csv(table).rows}
    assert complete["incidents_complete"] == "no"

    record_discipline_outcome(second, False)
    assert annual_report_notes(school, year) == []
    _text, table = write_annual_report(
        tmp_path / "b", year, incidents=annual_report_incidents, incident_notes=annual_report_notes
    )
    assert {r["measure"]: r["value"] for r in read_exchange_csv(table).rows}[
        "incidents_complete"
    ] == "yes"
    rows = read_exchange_csv(export_requests(tmp_path / "out")[0]).rows
    assert {r["location"]: r["resulted_in_discipline"] for r in rows} == {
        "Cafeteria": "yes",
        "Gym": "no",
    }


def test_restraint_opens_deadlines_shown_until_met(people):
    form = good_form(
        people,
        actions=["restraint"],
        restraint=policy.RestraintIsolation(
            restraint=True,
            started_at=WHEN,
            ended_at=datetime(2026, 11, 3, 10, 20),
            description="Held arms to stop him hitting a classmate",
            injuries=False,
            administrator_informed_at=datetime(2026, 11, 3, 10, 30),
            administered_by_name="Dana Reyes",
            administered_by_title="School resource officer",
            type_codes=("4",),
            student_injured=False,
            staff_injured_count=0,
            recommendations="Meet with the counselor about a behaviour plan.",
        ),
        restraint_language="es",
    )
    with pytest.raises(RequestRefused, match="overdue"):  # a week later, nothing recorded
        submit_request(form, now=datetime(2026, 11, 10, 9, 0))
    request = submit_request(form, now=datetime(2026, 11, 3, 11, 0))
    owed = open_restraint_deadlines(now=datetime(2026, 11, 4, 9, 0))
    assert [d.name for _, d in owed] == [
        "family_told_verbally",
        "written_report_filed",
        "family_told_in_writing",
    ]
    assert owed[1][1].due_at == datetime(2026, 11, 5, 23, 59, 59)  # two business days
    assert [r.id for r in list_requests(RequestFilter(open_restraint_deadline=True))] == [
        request.id
    ]
    for step in ("family_told_verbally", "written_report_filed", "family_told_in_writing"):
        record_restraint_step(
            request, step, datetime(2026, 11, 4, 8, 0), now=datetime(2026, 11, 4, 8, 5)
        )
    assert open_restraint_deadlines() == []
    assert list_requests(RequestFilter(open_restraint_deadline=True)) == []
    assert RestraintIsolation.get().written_report_filed_at == datetime(2026, 11, 4, 8, 0)
    assert InterventionRequest.get_by_id(request.id).version == 4


def test_list_filters(people):
    a = submit_request(good_form(people))
    b = submit_request(
        good_form(
            people,
            occurred_at=datetime(2026, 11, 20, 9, 0),
            criterion="disruption",
            students=[InvolvedStudent(people["ben"].id)],
            staff_ids=[people["sro"].id],
            actions=["law_enforcement_activity"],
            law_enforcement=[
                policy.LawEnforcementActivity(
                    kind="citation", on_premises=False, parent_notified=True
                )
            ],
        )
    )
    c = save_draft(good_form(people, occurred_at=datetime(2026, 10, 1, 8, 0)))

    def ids(**kw):
        return [r.id for r in list_requests(RequestFilter(**kw))]

    assert ids() == [b.id, a.id, c.id]  # newest first
    assert ids(status="draft") == [c.id]
    assert ids(criterion="disruption") == [b.id]
    assert ids(date_from=date(2026, 11, 1), date_to=date(2026, 11, 3)) == [a.id]
    assert ids(student_id=people["ben"].id) == [b.id]
    assert ids(staff_id=people["guard"].id) == [a.id, c.id]
    assert ids(law_enforcement=True) == [b.id]
    assert ids(text="cafeteria", status="submitted") == [b.id, a.id]
    row = list_requests(RequestFilter(student_id=people["ben"].id))[0]
    assert row.students == ["Ben Okafor"] and row.law_enforcement


def test_counts_for_the_dashboard(people):
    submit_request(good_form(people))
    submit_request(good_form(people, criterion="disruption"))
    r = submit_request(
        good_form(
            people,
            requested_by_role="other_staff",
            acknowledged_reasons={"request.requester_role": "Custodian saw it first"},
        )
    )
    review_request(r, "ok")
    save_draft(good_form(people))
    counts = intervention_counts(today=date(2026, 11, 28), now=datetime(2026, 11, 28, 12, 0))
    assert counts["this_month_by_criterion"] == {"danger_to_others": 2, "disruption": 1}
    assert counts["awaiting_review"] == 2 and counts["drafts"] == 1
    assert counts["with_findings"] == 1


def _export_fixture(people):
    arrest = policy.LawEnforcementActivity(
        kind="arrest",
        on_premises=True,
        why_on_premises="Weapon in backpack",
        attorney_access="provided_before_waiver",
        parent_notified=True,
        student_under_18=True,
    )
    submit_request(
        good_form(
            people,
            staff_ids=[people["sro"].id, people["guard"].id],
            actions=["law_enforcement_activity"],
            law_enforcement=[arrest],
            outcome='=HYPERLINK("x") arrested',
            students=[
                InvolvedStudent(people["ana"].id),
                InvolvedStudent(None, "Older man", "other"),
            ],
        )
    )
    save_draft(good_form(people, location="Draft stays home"))


def test_identified_export_reads_back(people, tmp_path: Path):
    _export_fixture(people)
    paths = export_requests(tmp_path / "out", now=datetime(2026, 11, 28, 15, 0))
    assert [p.name for p in paths] == [
        "PTHS_interventions_2026-27_20261128-150000.csv",
        "PTHS_intervention-students_2026-27_20261128-150000.csv",
        "PTHS_intervention-law-enforcement_2026-27_20261128-150000.csv",
        "PTHS_intervention-restraint-isolation_2026-27_20261128-150000.csv",
    ]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in paths)
    requests = read_exchange_csv(paths[0]).rows
    assert len(requests) == 1  # the draft stays on the machine
    row = requests[0]
    assert row["criterion"] == "danger_to_others" and row["arrest"] == "yes"
    assert row["responding_staff"] == "Dana Reyes;Lee Park"
    assert row["outcome"] == '=HYPERLINK("x") arrested'  # guarded in the file, exact on read
    assert "'=HYPERLINK" in paths[0].read_text(encoding="utf-8-sig")
    students = read_exchange_csv(paths[1])
    assert [s["student_sis_id"] for s in students.rows] == ["000123", ""]
    # The district has the SIS: the id links the student, the name stays home.
    assert not any("name" in c for c in students.columns)
    assert "Núñez" not in paths[1].read_text(encoding="utf-8-sig")
    assert students.rows[1]["unknown_person_description"] == "Older man"
    le = read_exchange_csv(paths[2]).rows
    assert le[0]["kind"] == "arrest" and le[0]["request_record_id"] == row["record_id"]


def test_deidentified_export_drops_names_keeps_report_demographics(people, tmp_path: Path):
    # 34 CFR 99.3 (issue 12): de-identified means "no names, no SIS or state IDs, no exact times
    # (the date or the month), no free text, no family language; a per-export random key where
    # rows must be linked; and counts under 10 in any published table suppressed."
    _export_fixture(people)
    paths = export_requests(tmp_path, deidentified=True, now=datetime(2026, 11, 28, 15, 0))
    assert "interventions-deidentified" in paths[0].name and len(paths) == 5
    text = "".join(p.read_text(encoding="utf-8-sig") for p in paths)
    for name in ("Núñez", "Ana", "Reyes", "Alvarez", "Older man", "Weapon", "Cafeteria", "000123"):
        assert name not in text
    files = [read_exchange_csv(p) for p in paths]
    for exported in files:
        # record_id is the exchange contract's column; here it holds this export's random key.
        id_columns = [c for c in exported.columns if c.endswith("_id") or "sis" in c]
        assert id_columns == ["record_id"], id_columns
        assert all(len(row["record_id"]) == 16 for row in exported.rows)
        times = [c for c in exported.columns if c.endswith(("_at", "_local", "_on"))]
        assert times == ["updated_at"], times
        for column in ("facts", "outcome", "location", "description", "language", "notes"):
            assert column not in exported.columns
        # updated_at is the export's day for every row: not when anything happened.
        assert {row["updated_at"] for row in exported.rows} <= {"2026-11-28T00:00:00Z"}
    requests, students = files[0], files[1]
    assert requests.rows[0]["month"] == WHEN.strftime("%Y-%m")
    stored = InterventionRequest.get(InterventionRequest.status == "submitted").record_id
    assert requests.rows[0]["record_id"] != stored  # a random key, new in every export
    assert students.rows[0]["request_key"] == requests.rows[0]["record_id"]
    again = read_exchange_csv(export_requests(tmp_path / "again", deidentified=True)[0])
    assert again.rows[0]["record_id"] != requests.rows[0]["record_id"]
    ana = students.rows[0]
    assert (
        ana["grade"],
        ana["race_ethnicity"],
        ana["sex"],
        ana["iep"],
        ana["section_504"],
        ana["english_learner"],
    ) == ("10", "Hispanic/Latino", "F", "yes", "no", "yes")
    counts = {(r["table"], r["group"]): r["count"] for r in files[4].rows}
    assert counts[("requests by criterion", "danger_to_others")] == "<10"


def test_small_counts_are_suppressed_with_their_complement():
    # OSPI suppresses fewer than 10, and the cell that would reveal a lone suppressed one.
    shown = policy.suppress_small_counts({"a": 40, "b": 3, "c": 25, "d": 0})
    assert shown == {"a": "40", "b": "<10", "c": "<10", "d": "0"}
    assert policy.suppress_small_counts({"a": 12, "b": 4, "c": 5}) == {
        "a": "12",
        "b": "<10",
        "c": "<10",
    }
    assert policy.suppress_small_counts({"a": 12, "b": 30}) == {"a": "12", "b": "30"}


def test_live_check_is_fast_enough_for_every_keystroke(people):
    import time

    form = good_form(
        people,
        staff_ids=[people["sro"].id],
        actions=["law_enforcement_activity", "restraint"],
        law_enforcement=[policy.LawEnforcementActivity(kind="interview")],
        restraint=policy.RestraintIsolation(restraint=True),
    )
    kinds = {people["sro"].id: "sro"}
    check_form(form, kinds)  # the first check loads the holiday calendar once (the app warms it)
    start = time.perf_counter()
    for _ in range(50):
        check_form(form, kinds)
    assert (time.perf_counter() - start) / 50 < 0.005


def test_the_export_columns_are_each_explained_in_the_docs():
    from sro_tui.interventions.export_columns import DEIDENTIFIED_COLUMNS, IDENTIFIED_COLUMNS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "intervention-exports.md").read_text()
    identified, _, deidentified = doc.partition("## De-identified export")
    for text, columns in ((identified, IDENTIFIED_COLUMNS), (deidentified, DEIDENTIFIED_COLUMNS)):
        for kind, cols in columns.items():
            for column in cols:
                assert f"`{column.name}`" in text, (kind, column.name)


# RCW 28A.320.1241(1)(c): "a description of each incident in which safety and security staff
# were involved that resulted in student discipline, use of force against a student, or a student
# arrest", with each student's demographics. Issue 12: "give each incident a real description,
# each student's role and which outcome applied to whom".
def test_each_incident_is_described_with_each_students_part(people, tmp_path: Path):
    when = datetime(2026, 11, 3, 12, 30)
    restraint = policy.RestraintIsolation(
        restraint=True,
        started_at=when,
        ended_at=when + timedelta(minutes=2),
        description="Held his arms from behind.",
        administered_by_name="Lee Park",
        administered_by_title="School security officer",
        type_codes=("4",),
        student_injured=False,
        staff_injured_count=0,
        recommendations="Counselor check-ins.",
        administrator_informed_at=when + timedelta(minutes=5),
        family_told_verbally_at=when + timedelta(hours=1),
    )
    request = submit_request(
        good_form(
            people,
            occurred_at=when,
            actions=["restraint", "de_escalation"],
            restraint=restraint,
            students=[
                InvolvedStudent(people["ana"].id, role="subject", outcomes=["use_of_force"]),
                InvolvedStudent(people["ben"].id, role="target"),
            ],
        ),
        now=when + timedelta(hours=2),
    )
    record_discipline_outcome(request, False)
    school, year = people["ana"].school, request.school_year
    [incident] = annual_report_incidents(school, year)
    assert incident.outcomes == ("use_of_force",)
    assert incident.description.startswith("A teacher asked (immediate and continuing danger")
    assert "at Cafeteria" in incident.description
    assert "standing restraint, 2 min" in incident.description
    assert "Ended in use of force." in incident.description
    assert "Request for intervention (" not in incident.description  # the old boilerplate
    ana, ben = incident.students
    assert (ana.role, ana.outcomes, ana.race_ethnicity) == (
        "subject",
        ("use_of_force",),
        "Hispanic/Latino",
    )
    assert (ben.role, ben.outcomes) == ("target", ())
    text, _ = write_annual_report(
        tmp_path, year, incidents=annual_report_incidents, incident_notes=annual_report_notes
    )
    report = text.read_text()
    assert "Subject of the request: use of force against a student; race/ethnicity" in report
    assert "Student harmed or targeted: none of these outcomes;" in report
    assert "Ana" not in report and "000123" not in report


def test_incidents_that_cannot_lead_to_discipline_are_not_missing_an_outcome(people):
    medical = submit_request(
        good_form(
            people,
            staff_initiated_emergency=True,
            requested_by_name="",
            requested_by_role=None,
            purpose_is_discipline=None,
            criterion="emergency_3432",
            facts="Student collapsed at the bus loop and was not breathing normally; 911 called.",
            actions=["first_aid"],
        )
    )
    stranger = submit_request(
        good_form(
            people,
            facts="An adult nobody knew followed students to the portables and would not leave.",
            students=[InvolvedStudent(None, "Adult man, about 40", "other")],
        )
    )
    fight = submit_request(good_form(people))
    year = fight.school_year
    assert without_discipline_outcome(year) == 1  # only the fight; not the medical emergency
    assert {medical.resulted_in_discipline, stranger.resulted_in_discipline} == {None}
