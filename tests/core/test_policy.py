"""Policy 4311's rules for requests for intervention: each rule pinned by a test.

Restraint/isolation deadlines are in test_policy_deadlines.py, the immigration detector in
test_policy_immigration.py.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import datetime

import pytest

from sro_tui import models
from sro_tui.policy import (
    ACTIONS,
    CRITERIA,
    DISCIPLINARY_ACTIONS,
    LAW_ENFORCEMENT_ACTIVITIES,
    STAFF_KINDS,
    LawEnforcementActivity,
    RequestFacts,
    Severity,
    StaffDisciplinaryAction,
    can_save,
    check_request,
    forbidden_field_names,
    unresolved,
)

WHEN = datetime(2026, 10, 6, 10, 15)  # a Tuesday
FACTS = (
    "Student threw a chair toward two classmates and kept moving toward them after the teacher "
    "told him to stop; the other students could not leave the room safely."
)


def a_good_request(**changes) -> RequestFacts:
    """A teacher's request that meets the policy: nothing blocks, nothing needs a reason."""
    facts = RequestFacts(
        occurred_at=WHEN,
        location="Room 114",
        requested_by_name="Dana Lee",
        requested_by_role="teacher",
        criterion="danger_to_others",
        facts=FACTS,
        purpose_is_discipline=False,
        responding_staff_kinds=["sro"],
        actions=["de_escalation", "separated_students"],
    )
    return replace(facts, **changes)


def ids(findings, severity=None) -> set[str]:
    return {f.check_id for f in findings if severity is None or f.severity is severity}


def an_interview(**changes) -> LawEnforcementActivity:
    activity = LawEnforcementActivity(
        kind="interview",
        on_premises=False,
        attorney_access="provided_before_waiver",
        parent_notified=True,
        custodial=True,
        student_under_18=True,
    )
    return replace(activity, **changes)


# --- the catalogues ---------------------------------------------------------------------------


def test_the_three_criteria_use_the_policys_words():
    assert set(CRITERIA) == {"danger_to_others", "disruption", "emergency_3432"}
    assert "immediate and continuing danger to others" in CRITERIA["danger_to_others"].words
    assert (
        "immediate and continuing threat of material and substantial disruption of the "
        "educational process" in CRITERIA["disruption"].words
    )
    assert "3432" in CRITERIA["emergency_3432"].words


def test_staff_kinds_are_the_same_as_the_roster():
    assert STAFF_KINDS.keys() == models.STAFF_KINDS.keys()


def test_disciplinary_actions_are_never_ordinary_staff_actions():
    assert not set(ACTIONS) & set(DISCIPLINARY_ACTIONS)
    assert {"suspension", "expulsion", "school_detention", "disciplinary_conference"} <= set(
        DISCIPLINARY_ACTIONS
    )


def test_the_attorney_safeguard_covers_interrogation_detention_and_consent_searches():
    safeguard = {k: v.attorney_safeguard for k, v in LAW_ENFORCEMENT_ACTIVITIES.items()}
    assert safeguard["interview"] == safeguard["detention"] == safeguard["arrest"] == "always"
    assert safeguard["search_person"] == safeguard["search_locker"] == "if_consent_search"
    assert safeguard["citation"] == "never"


# --- criterion and facts ----------------------------------------------------------------------


def test_a_request_that_meets_the_policy_can_be_saved():
    findings = check_request(a_good_request())
    assert ids(findings, Severity.BLOCK) == set()
    assert ids(findings, Severity.NEEDS_REASON) == set()
    assert can_save(findings)


def test_a_request_must_name_one_criterion_quoting_the_policy():
    findings = check_request(a_good_request(criterion=None))
    [finding] = [f for f in findings if f.check_id == "request.criterion_missing"]
    assert finding.severity is Severity.BLOCK
    assert "immediate and continuing danger to others" in finding.message
    assert finding.citation.startswith("Policy 4311")
    assert not can_save(findings)


def test_a_request_must_state_the_facts_that_meet_its_criterion():
    findings = check_request(a_good_request(criterion="disruption", facts="   "))
    [finding] = [f for f in findings if f.check_id == "request.facts_missing"]
    assert finding.severity is Severity.BLOCK
    assert "material and substantial disruption" in finding.message
    assert finding.field == "facts"


def test_very_short_facts_get_advice_only():
    findings = check_request(a_good_request(facts="Fighting in class."))
    assert "request.facts_brief" in ids(findings, Severity.ADVICE)
    assert can_save(findings)


def test_the_requester_must_be_named_unless_staff_acted_unasked_in_an_emergency():
    asked = check_request(a_good_request(requested_by_name="", requested_by_role=None))
    assert "request.requester_missing" in ids(asked, Severity.BLOCK)

    unasked = check_request(
        a_good_request(
            requested_by_name="",
            requested_by_role=None,
            criterion=None,
            purpose_is_discipline=None,
            staff_initiated_emergency=True,
            facts="Fire alarm evacuation; a student ran back into the building toward the smoke.",
        )
    )
    assert ids(unasked, Severity.BLOCK) == set()
    assert can_save(unasked)


def test_a_staff_initiated_emergency_still_needs_its_facts():
    findings = check_request(
        a_good_request(staff_initiated_emergency=True, criterion=None, facts="")
    )
    [finding] = [f for f in findings if f.check_id == "request.facts_missing"]
    assert "emergency" in finding.message


def test_acting_unasked_on_mere_disruption_needs_a_reason():
    facts = a_good_request(staff_initiated_emergency=True, criterion="disruption")
    findings = check_request(facts)
    assert "request.unasked_not_emergency" in ids(findings, Severity.NEEDS_REASON)
    assert not can_save(findings)
    assert can_save(findings, {"request.unasked_not_emergency": "Smoke in the hallway."})


def test_someone_other_than_a_teacher_or_administrator_asking_needs_a_reason():
    findings = check_request(a_good_request(requested_by_role="other_staff"))
    [finding] = [f for f in findings if f.check_id == "request.requester_role"]
    assert finding.severity is Severity.NEEDS_REASON
    assert "Teachers and school administrators may ask" in finding.message


def test_the_time_of_the_incident_is_required():
    assert "request.when_missing" in ids(check_request(a_good_request(occurred_at=None)))


# --- discipline -------------------------------------------------------------------------------


def test_a_request_whose_purpose_is_discipline_is_refused_in_the_policys_words():
    findings = check_request(a_good_request(purpose_is_discipline=True))
    [finding] = [f for f in findings if f.check_id == "discipline.request_refused"]
    assert finding.severity is Severity.BLOCK
    assert (
        "A school resource officer is prohibited from becoming involved in formal school "
        "discipline situations that are the responsibility of school administrators."
    ) in finding.message
    assert "Policy 3241" in finding.citation
    assert not can_save(findings, {"discipline.request_refused": "please"})


def test_the_form_must_answer_whether_the_purpose_is_discipline():
    findings = check_request(a_good_request(purpose_is_discipline=None))
    assert "discipline.purpose_unanswered" in ids(findings, Severity.BLOCK)


def test_an_sro_is_never_recorded_as_taking_a_disciplinary_action():
    attributed = a_good_request(
        staff_disciplinary_actions=[StaffDisciplinaryAction("sro", "suspension")]
    )
    ticked = a_good_request(actions=["escort", "school_detention"])
    for facts in (attributed, ticked):
        findings = check_request(facts)
        assert "discipline.sro_action" in ids(findings, Severity.BLOCK)
        assert not can_save(findings, {"discipline.sro_action": "principal agreed"})


def test_other_safety_staff_taking_discipline_needs_a_reason():
    facts = a_good_request(
        responding_staff_kinds=["school_security_officer"],
        staff_disciplinary_actions=[
            StaffDisciplinaryAction("school_security_officer", "disciplinary_conference")
        ],
    )
    findings = check_request(facts)
    assert ids(findings, Severity.BLOCK) == set()
    [finding] = [f for f in findings if f.check_id == "discipline.staff_action"]
    assert finding.severity is Severity.NEEDS_REASON
    assert "Principals or their designee" in finding.message


def test_facts_that_mention_suspension_need_a_reason():
    # Issue 12: "Words of everyday discipline (dress code, tardy, phone use, detention, write-up,
    # suspension …) give a finding that needs a reason" (it replaced the old advice).
    facts = a_good_request(facts=FACTS + " He will probably be suspended by the principal.")
    findings = check_request(facts)
    assert "discipline.everyday_words" in ids(findings, Severity.NEEDS_REASON)
    assert can_save(findings, {"discipline.everyday_words": "He was swinging a chair at a peer."})


# --- law-enforcement activity -----------------------------------------------------------------


def test_law_enforcement_activity_ticked_without_details_is_blocked():
    findings = check_request(a_good_request(actions=["law_enforcement_activity"]))
    assert "le.details_missing" in ids(findings, Severity.BLOCK)


def test_an_off_premises_interview_with_every_safeguard_can_be_saved():
    findings = check_request(a_good_request(law_enforcement=[an_interview()]))
    assert ids(findings, Severity.BLOCK) == set()
    assert ids(findings, Severity.NEEDS_REASON) == set()
    advice = [f for f in findings if f.check_id == "le.follow_policy"]
    assert advice and "Policy 3226" in advice[0].message


def test_law_enforcement_activity_must_say_on_or_off_premises_and_if_on_why():
    unknown = check_request(a_good_request(law_enforcement=[an_interview(on_premises=None)]))
    [where] = [f for f in unknown if f.check_id == "le.location_missing"]
    assert "As a general rule, law enforcement activity should take place" in where.message
    assert where.field == "law_enforcement[0].on_premises"

    no_reason = check_request(a_good_request(law_enforcement=[an_interview(on_premises=True)]))
    assert "le.on_premises_reason" in ids(no_reason, Severity.BLOCK)

    with_reason = check_request(
        a_good_request(
            law_enforcement=[
                an_interview(on_premises=True, why_on_premises="Weapon reported in backpack.")
            ]
        )
    )
    assert ids(with_reason, Severity.BLOCK) == set()


@pytest.mark.parametrize("kind", ["interview", "detention", "arrest"])
def test_interviews_and_detentions_need_the_attorney_access_answer(kind):
    findings = check_request(
        a_good_request(law_enforcement=[an_interview(kind=kind, attorney_access=None)])
    )
    [finding] = [f for f in findings if f.check_id == "le.attorney_access_missing"]
    assert finding.severity is Severity.BLOCK
    assert "RCW 13.40.740" in finding.citation


def test_a_search_needs_the_attorney_answer_only_when_consent_was_asked():
    def search(**changes):
        return a_good_request(
            law_enforcement=[an_interview(kind="search_locker", attorney_access=None, **changes)]
        )

    assert "le.consent_unanswered" in ids(check_request(search()), Severity.BLOCK)
    assert "le.attorney_access_missing" in ids(check_request(search(consent_requested=True)))
    not_by_consent = check_request(search(consent_requested=False))
    assert ids(not_by_consent, Severity.BLOCK) == set()
    assert any("Policy 3230" in f.message for f in not_by_consent)


def test_a_citation_needs_no_attorney_answer_but_gets_the_keep_out_of_the_system_advice():
    findings = check_request(
        a_good_request(law_enforcement=[an_interview(kind="citation", attorney_access=None)])
    )
    assert ids(findings, Severity.BLOCK) == set()
    [advice] = [f for f in findings if f.check_id == "le.keep_out_of_justice_system"]
    assert "keeping students out of the criminal justice system" in advice.message


def test_an_attorney_exception_needs_the_facts_that_made_it_apply():
    facts = a_good_request(
        law_enforcement=[an_interview(attorney_access="imminent_threat_to_life")]
    )
    findings = check_request(facts)
    [finding] = [f for f in findings if f.check_id == "le.attorney_exception"]
    assert finding.severity is Severity.NEEDS_REASON
    assert "imminent threat" in finding.message
    assert not can_save(findings)
    reason = {finding.key: "Student said a friend had taken pills; asked only which pills."}
    assert can_save(findings, reason)
    assert unresolved(findings, reason) == []


def test_parent_notification_must_be_answered_and_a_no_needs_a_reason():
    unanswered = check_request(a_good_request(law_enforcement=[an_interview(parent_notified=None)]))
    assert "le.parent_unanswered" in ids(unanswered, Severity.BLOCK)
    not_told = check_request(a_good_request(law_enforcement=[an_interview(parent_notified=False)]))
    assert "le.parent_not_notified" in ids(not_told, Severity.NEEDS_REASON)


def test_law_enforcement_without_an_sro_responding_needs_a_reason():
    findings = check_request(
        a_good_request(
            responding_staff_kinds=["school_security_officer"], law_enforcement=[an_interview()]
        )
    )
    [finding] = [f for f in findings if f.check_id == "le.no_sro"]
    assert "may be conducted by an SRO" in finding.message


def test_each_activity_is_checked_on_its_own_field():
    facts = a_good_request(
        law_enforcement=[an_interview(), an_interview(kind="arrest", attorney_access=None)]
    )
    [finding] = [f for f in check_request(facts) if f.check_id == "le.attorney_access_missing"]
    assert finding.field == "law_enforcement[1].attorney_access"


# --- saving, order, bad ids -------------------------------------------------------------------


def test_findings_come_block_first_then_needs_reason_then_advice():
    facts = a_good_request(
        purpose_is_discipline=True,
        facts="Fight.",
        requested_by_role="other_staff",
    )
    ranks = [f.severity.rank for f in check_request(facts)]
    assert ranks == sorted(ranks)
    assert {Severity.BLOCK, Severity.NEEDS_REASON, Severity.ADVICE} == {
        f.severity for f in check_request(facts)
    }


def test_a_blank_reason_does_not_count_and_a_check_id_covers_all_its_findings():
    facts = a_good_request(
        law_enforcement=[
            an_interview(parent_notified=False),
            an_interview(kind="detention", parent_notified=False),
        ]
    )
    findings = check_request(facts)
    assert not can_save(findings, {"le.parent_not_notified": "   "})
    assert can_save(findings, {"le.parent_not_notified": "Parents could not be reached."})


def test_acknowledged_reasons_on_the_facts_are_screened_like_any_other_text():
    facts = a_good_request(
        requested_by_role="other_staff",
        acknowledged_reasons={"request.requester_role": "Coach asked; asked if dad is a citizen"},
    )
    findings = check_request(facts)
    [finding] = [f for f in findings if f.check_id == "immigration.free_text"]
    assert finding.field == "acknowledged_reasons.request.requester_role"


@pytest.mark.parametrize(
    "changes",
    [
        {"criterion": "bad_behaviour"},
        {"requested_by_role": "parent"},
        {"responding_staff_kinds": ["police"]},
        {"actions": ["tasered"]},
        {"law_enforcement": [LawEnforcementActivity(kind="stop_and_frisk")]},
        {"law_enforcement": [LawEnforcementActivity(kind="interview", attorney_access="maybe")]},
    ],
)
def test_ids_outside_the_policys_lists_are_a_programming_error(changes):
    with pytest.raises(ValueError, match="not in the policy's lists"):
        check_request(a_good_request(**changes))


# --- purity and forbidden fields --------------------------------------------------------------


def test_the_policy_module_loads_no_database_and_no_ui():
    code = (
        "import sys, sro_tui.policy as p\n"
        "p.check_request(p.RequestFacts())\n"
        "banned = ('peewee', 'textual', 'sqlite3', 'sro_tui.models')\n"
        "bad = [m for m in banned if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_model_has_a_field_for_immigration_citizenship_or_place_of_birth():
    from peewee import Model

    names = []
    for value in vars(models).values():
        if isinstance(value, type) and issubclass(value, Model) and value is not Model:
            names += [f"{value.__name__}.{name}" for name in value._meta.fields]
    assert names, "the models should have been found"
    assert forbidden_field_names(names) == []


def test_forbidden_field_names_catches_the_roster_birth_place_columns():
    headers = [
        "sourcedId",
        "birthDate",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "Place of Birth",
        "citizenship_status",
        "grade",
    ]
    assert forbidden_field_names(headers) == headers[2:7]


def test_a_free_text_field_named_for_forbidden_data_is_blocked():
    findings = check_request(a_good_request(free_text={"place_of_birth": ""}))
    assert "immigration.field_name" in ids(findings, Severity.BLOCK)


def test_no_waiver_sought_needs_a_reason_for_a_student_under_18():
    # Issue 12: "for an interview, detention or consent search of a student under 18, 'no waiver
    # sought' needs a reason". RCW 13.40.740(3): statements are inadmissible without access.
    findings = check_request(
        a_good_request(law_enforcement=[an_interview(attorney_access="no_waiver_sought")])
    )
    [finding] = [f for f in findings if f.check_id == "le.no_waiver_sought"]
    assert finding.severity is Severity.NEEDS_REASON
    assert "not admissible" in finding.message
    assert not can_save(findings)
    assert can_save(findings, {"le.no_waiver_sought": "Only asked where the fight started."})


def test_the_record_asks_if_questioning_was_custodial_and_the_student_under_18():
    # RCW 13.40.740(1): access to an attorney "before a juvenile waives any constitutional
    # rights" in "a custodial interrogation".
    open_questions = an_interview(custodial=None, student_under_18=None)
    blocked = ids(check_request(a_good_request(law_enforcement=[open_questions])), Severity.BLOCK)
    assert {"le.custodial_unanswered", "le.under_18_unanswered"} <= blocked
    adult = an_interview(student_under_18=False, attorney_access=None)
    assert "le.attorney_access_missing" not in ids(
        check_request(a_good_request(law_enforcement=[adult]))
    )
    not_custodial = an_interview(custodial=False, attorney_access=None)
    assert "le.attorney_access_missing" not in ids(
        check_request(a_good_request(law_enforcement=[not_custodial]))
    )
    custodial = an_interview(attorney_access=None)
    assert "le.attorney_access_missing" in ids(
        check_request(a_good_request(law_enforcement=[custodial]))
    )


def test_every_check_is_documented_for_the_lawyer():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    source = "".join(
        (root / "sro_tui" / name).read_text(encoding="utf-8")
        for name in ("policy/checks.py", "policy/safeguards.py")
    )
    check_ids = set(re.findall(r'Finding\(\s*"([a-z_]+\.[a-z_]+)"', source))
    check_ids |= set(
        re.findall(
            r'^\s+"((?:request|discipline|le|restraint|immigration)\.[a-z_]+)",\n\s+(?:BLOCK|NEEDS_REASON|ADVICE)',
            source,
            re.M,
        )
    )
    assert len(check_ids) >= 30
    documented = set(
        re.findall(r"`([a-z_]+\.[a-z_]+)`", (root / "docs" / "policy-rules.md").read_text())
    )
    assert check_ids - documented == set()
