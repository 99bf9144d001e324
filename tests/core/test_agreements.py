"""Staff training status and the annual agreement: checklist, stakeholder log, adoption refused
until every item is met and parents, students and community members took part, the warning for
staff with no adopted agreement, and the agreements export."""

from __future__ import annotations

import json
import stat
from datetime import date

import pytest

from sro_tui.agreements import (
    AGREEMENT_COLUMNS,
    AGREEMENT_ITEMS,
    AdoptionRefused,
    adopt_agreement,
    adoption_problems,
    agreement_items,
    agreements_for_year,
    agreements_status,
    export_agreements_csv,
    get_agreement,
    participation_counts,
    providers_without_adopted_agreement,
    record_stakeholder_meeting,
    record_training_completed,
    record_training_plan,
    remove_stakeholder_meeting,
    set_agreement_item,
    start_agreement,
    statutory_training_deadlines,
    training_overview,
    training_state,
    withdraw_adoption,
)
from sro_tui.db import open_database
from sro_tui.exchange import read_exchange_csv
from sro_tui.models import Agreement, AuditEvent, StakeholderMeeting
from sro_tui.records import ValidationError, save_staff

TODAY = date(2026, 10, 15)
PD = "Port Townsend Police Department"


def _sro(first="Dana", last="Reyes", employer=PD, **extra):
    values = {
        "first_name": first,
        "last_name": last,
        "kind": "sro",
        "commissioned": True,
        "employer_type": "law_enforcement_agency",
        "employer_name": employer,
    }
    values.update(extra)
    return save_staff(values)


def _meet_every_item(agreement):
    for number, code in enumerate(AGREEMENT_ITEMS, start=1):
        set_agreement_item(agreement, code, met=True, where_met=f"§{number}, p. {number}")


def _everyone(parents=3, students=2, community=1):
    return [
        {"role": "parent", "people": parents},
        {"role": "student", "people": students},
        {"role": "community_member", "name": "J. Ortiz", "people": community},
    ]


# --- training ---------------------------------------------------------------------------------


def test_training_deadlines_follow_the_statute():
    # RCW 28A.400.345(2): classroom within six months, on-the-job (and check-ins for non-SROs)
    # within the first year of working on school property.
    sro = statutory_training_deadlines(date(2026, 8, 31), "sro")
    assert sro == {"classroom": date(2027, 2, 27), "on_the_job": date(2027, 8, 30)}
    guard = statutory_training_deadlines(date(2026, 9, 1), "school_security_officer")
    assert guard["classroom"] == date(2027, 2, 28)
    assert guard["check_ins"] == date(2027, 8, 31)


def test_training_states_completed_planned_due_soon_overdue_no_plan(school):
    done = record_training_completed(_sro("Ana", "Done"), date(2026, 6, 1), "ESD 113 cert #44")
    later = record_training_plan(_sro("Ben", "Later"), "ESD spring series", date(2027, 3, 1))
    soon = record_training_plan(_sro("Cy", "Soon"), "ESD October series", date(2026, 11, 1))
    record_training_plan(_sro("Di", "Late"), "ESD summer series", date(2026, 9, 1))
    nothing = _sro("Ed", "Nothing")
    states = {t.staff.last_name: t for t in training_overview(TODAY)}
    assert states["Done"].state == "completed"
    assert "ESD 113 cert #44" in states["Done"].label
    assert states["Later"].state == "planned"
    assert (states["Soon"].state, states["Soon"].days) == ("due_soon", 17)
    assert (states["Late"].state, states["Late"].days) == ("overdue", 44)
    assert states["Nothing"].state == "no_plan"
    # Overdue first on the dashboard list.
    assert [t.staff.last_name for t in training_overview(TODAY)][:2] == ["Late", "Nothing"]
    assert training_state(later, date(2027, 3, 2)).state == "overdue"
    assert {done.id, soon.id, nothing.id} <= {t.staff.id for t in training_overview(TODAY)}


def test_training_completion_needs_the_documentation_reference(school):
    staff = _sro()
    with pytest.raises(ValidationError) as error:
        record_training_completed(staff, date(2026, 6, 1), "  ")
    assert "training_reference" in error.value.problems
    with pytest.raises(ValidationError):
        record_training_plan(staff, "", date(2027, 1, 1))
    assert training_state(staff, TODAY).state == "no_plan"


# --- agreements -------------------------------------------------------------------------------


def test_new_agreement_has_every_item_unmet_and_one_per_provider_per_year(school):
    agreement = start_agreement(PD, "law_enforcement_agency", document_title="SRO ILA 2026-27")
    assert get_agreement(agreement.id).document_title == "SRO ILA 2026-27"
    assert get_agreement(agreement.id + 1) is None
    assert [(i.code, i.met) for i in agreement_items(agreement)] == [
        (code, False) for code in AGREEMENT_ITEMS
    ]
    with pytest.raises(ValidationError) as error:
        start_agreement("port townsend POLICE department", "law_enforcement_agency")
    assert "already" in error.value.problems["provider_name"]
    with pytest.raises(ValidationError) as error:
        start_agreement("", "sheriff")
    assert set(error.value.problems) == {"provider_name", "provider_type"}
    assert Agreement.select().count() == 1


def test_an_item_is_met_only_with_where_in_the_document(school):
    agreement = start_agreement(PD, "law_enforcement_agency")
    with pytest.raises(ValidationError) as error:
        set_agreement_item(agreement, "A1", met=True)
    assert "where in the document" in error.value.problems["where_met"]
    item = set_agreement_item(agreement, "A1", met=True, where_met="§4.2, p. 3")
    assert (item.met, item.where_met) == (True, "§4.2, p. 3")
    with pytest.raises(ValidationError):
        set_agreement_item(agreement, "D", met=True, where_met="p. 1")


def test_adoption_refused_with_every_reason_until_parent_student_and_community(school):
    agreement = start_agreement(PD, "law_enforcement_agency")
    with pytest.raises(AdoptionRefused) as refused:
        adopt_agreement(agreement, adopted_on=TODAY, adopted_by="School board", today=TODAY)
    reasons = refused.value.reasons
    assert len(reasons) == 7 + 3  # seven items, three missing kinds of participant
    assert any("item A5 is not met" in r for r in reasons)
    assert any("no student took part" in r for r in reasons)

    _meet_every_item(agreement)
    # Staff and agency people do not count as parents, students or community members.
    record_stakeholder_meeting(
        agreement,
        held_on=date(2026, 9, 10),
        kind="meeting",
        participants=[
            {"role": "staff", "people": 4},
            {"role": "agency", "name": "Chief Ng"},
            {"role": "parent", "people": 2},
        ],
        today=TODAY,
    )
    assert adoption_problems(agreement, TODAY) == [
        "no student took part in the review (the law requires parents, students and community "
        "members)",
        "no community member took part in the review (the law requires parents, students and "
        "community members)",
    ]
    record_stakeholder_meeting(
        agreement,
        held_on=date(2026, 9, 24),
        kind="survey",
        participants=[{"role": "student", "people": 31}, {"role": "community_member"}],
        today=TODAY,
    )
    assert participation_counts(agreement)["student"] == 31
    assert adoption_problems(agreement, TODAY) == []
    # A meeting after the adoption date does not count towards it.
    assert len(adoption_problems(agreement, date(2026, 9, 20))) == 2

    adopt_agreement(
        agreement, adopted_on=TODAY, adopted_by="School board, res. 2026-14", today=TODAY
    )
    assert Agreement.get_by_id(agreement.id).adopted_on == TODAY
    assert AuditEvent.select().where(AuditEvent.action == "adopt").count() == 1


def test_adopted_agreement_is_locked_until_adoption_withdrawn_with_reason(school):
    agreement = start_agreement(PD, "law_enforcement_agency")
    _meet_every_item(agreement)
    record_stakeholder_meeting(
        agreement, held_on=date(2026, 9, 10), kind="meeting", participants=_everyone(), today=TODAY
    )
    adopt_agreement(agreement, adopted_on=TODAY, adopted_by="Board", today=TODAY)
    with pytest.raises(ValidationError):
        set_agreement_item(agreement, "B", met=False)
    with pytest.raises(ValidationError):
        record_stakeholder_meeting(
            agreement, held_on=TODAY, kind="meeting", participants=_everyone(), today=TODAY
        )
    with pytest.raises(ValidationError):
        withdraw_adoption(agreement, "")
    withdraw_adoption(agreement, "adopted before the board vote by mistake")
    event = AuditEvent.select().where(AuditEvent.action == "withdraw_adoption").get()
    assert event.reason == "adopted before the board vote by mistake"
    assert json.loads(event.before)["adopted_on"] == TODAY.isoformat()
    set_agreement_item(agreement, "B", met=False)
    assert adoption_problems(agreement, TODAY) == [f"item B is not met: {AGREEMENT_ITEMS['B']}"]


def test_bad_meeting_changes_nothing_and_names_the_participant(school):
    agreement = start_agreement(PD, "law_enforcement_agency")
    with pytest.raises(ValidationError) as error:
        record_stakeholder_meeting(
            agreement,
            held_on=date(2026, 9, 10),
            kind="meeting",
            participants=[
                {"role": "parent"},
                {"role": "teacher"},
                {"role": "student", "people": 0},
            ],
            today=TODAY,
        )
    assert set(error.value.problems) == {"participants[2].role", "participants[3].people"}
    with pytest.raises(ValidationError) as error:
        record_stakeholder_meeting(
            agreement, held_on=date(2026, 12, 1), kind="party", participants=[], today=TODAY
        )
    assert set(error.value.problems) == {"held_on", "kind", "participants"}
    with pytest.raises(ValidationError) as error:
        record_stakeholder_meeting(
            agreement,
            held_on=date(2026, 9, 10),
            kind="meeting",
            participants=[{"role": "parent"}],
            today=TODAY,
            notes="A parent asked about the officer's green card",
        )
    assert "notes" in error.value.problems
    assert StakeholderMeeting.select().count() == 0


def test_removing_a_meeting_is_audited_with_its_participants(school):
    agreement = start_agreement(PD, "law_enforcement_agency")
    meeting = record_stakeholder_meeting(
        agreement, held_on=date(2026, 9, 10), kind="meeting", participants=_everyone(), today=TODAY
    )
    remove_stakeholder_meeting(meeting, "entered under the wrong agreement")
    assert participation_counts(agreement)["parent"] == 0
    event = AuditEvent.select().where(AuditEvent.action == "delete").get()
    assert len(json.loads(event.before)["participants"]) == 3


def test_staff_with_no_adopted_agreement_are_warned_about(school):
    _sro("Dana", "Reyes")
    _sro("Lee", "Park", employer="Jefferson County Sheriff")
    save_staff(
        {
            "first_name": "Sam",
            "last_name": "Ito",
            "kind": "campus_security_officer",
            "employer_type": "district",
        }
    )
    gaps = providers_without_adopted_agreement()
    assert [g.provider_name for g in gaps] == ["Jefferson County Sheriff", PD]
    assert "there is no agreement" in gaps[1].message and "Dana Reyes" in gaps[1].message

    agreement = start_agreement("PORT TOWNSEND police department", "law_enforcement_agency")
    assert "not adopted yet" in providers_without_adopted_agreement()[1].message
    _meet_every_item(agreement)
    record_stakeholder_meeting(
        agreement, held_on=date(2026, 9, 10), kind="meeting", participants=_everyone(), today=TODAY
    )
    adopt_agreement(agreement, adopted_on=TODAY, adopted_by="Board", today=TODAY)
    assert [g.provider_name for g in providers_without_adopted_agreement()] == [
        "Jefferson County Sheriff"
    ]


def test_agreement_survives_reopening_the_database(school, db, db_path):
    agreement = start_agreement(PD, "law_enforcement_agency")
    set_agreement_item(agreement, "C", met=True, where_met="Appendix B")
    record_stakeholder_meeting(
        agreement,
        held_on=date(2026, 9, 10),
        kind="consultation",
        participants=_everyone(),
        today=TODAY,
    )
    db.close()
    reopened = open_database(db_path)
    try:
        [again] = agreements_for_year()
        assert again.provider_name == PD
        assert [(i.code, i.where_met) for i in agreement_items(again) if i.met] == [
            ("C", "Appendix B")
        ]
        assert participation_counts(again)["community_member"] == 1
    finally:
        reopened.close()


def test_agreements_export_reads_back_without_participant_names(school, tmp_path):
    agreement = start_agreement(PD, "law_enforcement_agency", document_title="=SRO ILA")
    _meet_every_item(agreement)
    record_stakeholder_meeting(
        agreement,
        held_on=date(2026, 9, 10),
        kind="meeting",
        participants=_everyone(parents=5),
        today=TODAY,
    )
    adopt_agreement(agreement, adopted_on=TODAY, adopted_by="Board", today=TODAY)
    start_agreement("Acme Security", "security_company")
    path = export_agreements_csv(tmp_path / "out")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.name.startswith("PTHS_agreements_2026-27_")
    assert "J. Ortiz" not in path.read_text(encoding="utf-8-sig")
    rows = {r["provider_name"]: r for r in read_exchange_csv(path, AGREEMENT_COLUMNS).rows}
    pd = rows[PD]
    assert pd["record_id"] == agreement.record_id
    assert (pd["status"], pd["adopted_on"], pd["document_title"]) == ("adopted", TODAY, "=SRO ILA")
    assert (pd["A3_met"], pd["A3_where"]) == ("yes", "§3, p. 3")
    assert (pd["parent_participants"], pd["student_participants"], pd["meetings"]) == (5, 2, 1)
    acme = rows["Acme Security"]
    assert (acme["status"], acme["C_met"], acme["meetings"]) == ("in review", "no", 0)


def test_status_counts_training_agreements_and_open_complaints(school):
    from sro_tui.agreements import log_complaint

    officer = record_training_plan(_sro(), "ESD summer series", date(2026, 9, 1))
    record_training_plan(_sro("Cy", "Soon"), "ESD October series", date(2026, 11, 1))
    log_complaint(
        {
            "received_on": date(2026, 10, 5),
            "received_how": "phone",
            "staff": officer,
            "what_happened": "Rude at the gate",
        },
        today=TODAY,
    )
    status = agreements_status(TODAY)
    assert status == {
        "training_due_soon_days": 30,
        "training_overdue": 1,
        "training_due_soon": 1,
        "training_no_plan": 0,
        "agreements_adopted": 0,
        "agreements_in_review": 0,
        "providers_without_agreement": [PD],
        "providers_in_review": [],
        "providers_with_no_agreement": [PD],
        "agreements_adopted_with": [],
        "complaints_open": 1,
        "oldest_open_complaint_days": 10,
    }
    json.dumps(status)  # `sro-tui status --json` prints it


# Policy 4311 / RCW 10.93.160: no immigration or citizenship status or place of birth, in any
# text of any record — the agreement's own texts included.
def test_every_agreement_text_refuses_immigration_content(school):
    from sro_tui.agreements.review import update_agreement

    for field in ("provider_name", "document_title", "document_reference", "notes"):
        values = {"provider_name": "Jefferson County Sheriff", field: "born in Guadalajara"}
        with pytest.raises(ValidationError) as error:
            start_agreement(provider_type="law_enforcement_agency", **values)
        assert field in error.value.problems
    agreement = start_agreement("Jefferson County Sheriff", "law_enforcement_agency")
    with pytest.raises(ValidationError, match="place of birth"):
        update_agreement(agreement, {"document_title": "passport and visa"})
    with pytest.raises(ValidationError, match="place of birth"):
        set_agreement_item(agreement, "A1", met=True, where_met="citizenship: none")
    with pytest.raises(ValidationError) as error:
        record_stakeholder_meeting(
            agreement,
            held_on=agreement.school_year.start_date,
            kind="meeting",
            participants=[{"role": "parent", "name": "student is undocumented"}],
            today=agreement.school_year.end_date,
        )
    assert "participants[1].name" in error.value.problems


# RCW 28A.400.345(2): the classroom training "within the first six months" of working on school
# property; RCW 28A.320.1242(C): the agreement "confirms the staff completed the ESD training
# series, or describes the plan to complete it". Issue 12: "store each staff member's first day
# on site and derive the deadlines from it; an agreement's item C cannot be 'met' while its staff
# are overdue."
def test_the_first_day_on_site_sets_the_training_deadline_and_blocks_item_c(school):
    officer = save_staff(
        {
            "first_name": "Pat",
            "last_name": "Moss",
            "kind": "sro",
            "commissioned": True,
            "employer_type": "law_enforcement_agency",
            "employer_name": PD,
            "first_day_on_site": date(2026, 2, 2),
            "training_status": "planned",
            "training_due_on": date(2026, 12, 31),  # later than the law allows
        }
    )
    state = training_state(officer, today=date(2026, 9, 1))
    assert (state.state, state.due_on) == ("overdue", date(2026, 8, 1))
    agreement = start_agreement(PD, "law_enforcement_agency")
    with pytest.raises(ValidationError, match="item C cannot be met.*Pat Moss"):
        set_agreement_item(agreement, "C", met=True, where_met="§7")
    save_staff(
        {
            "training_status": "completed",
            "training_completed_on": date(2026, 7, 30),
            "training_reference": "ESD 114 certificate 5521",
        },
        officer,
    )
    set_agreement_item(agreement, "C", met=True, where_met="§7")


def test_meetings_count_only_for_the_agreements_own_review_year(school):
    # RCW 28A.320.1242: the district "annually" reviews and adopts the agreement with parents,
    # students and community members; last year's meeting is not this year's review.
    agreement = start_agreement(PD, "law_enforcement_agency")
    with pytest.raises(ValidationError, match="not part of the 2026-27 review"):
        record_stakeholder_meeting(
            agreement,
            held_on=date(2025, 10, 1),
            kind="meeting",
            participants=[{"role": "parent"}],
            today=date(2026, 10, 1),
        )
    record_stakeholder_meeting(
        agreement,
        held_on=date(2026, 5, 20),  # a spring review ahead of the year counts
        kind="meeting",
        participants=[{"role": "parent"}],
        today=date(2026, 10, 1),
    )
    assert participation_counts(agreement)["parent"] == 1


def test_staff_texts_refuse_immigration_content(school):
    from sro_tui.agreements import STAFF_TEXT_FIELDS, save_safety_staff
    from sro_tui.models import SafetyStaff

    base = {"first_name": "Pat", "last_name": "Moss", "kind": "other", "employer_type": "district"}
    for field in STAFF_TEXT_FIELDS:
        with pytest.raises(ValidationError) as error:
            save_safety_staff({**base, field: "born in Guadalajara"})
        assert field in error.value.problems
    assert SafetyStaff.select().count() == 0
    assert save_safety_staff(base).last_name == "Moss"
