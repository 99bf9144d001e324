"""Everyday discipline passes as a safety request no more (issue 12, item 5).

Policy 4311: "Principals or their designee maintain order and handle all student discipline
matters consistent with Student Discipline Policy and Procedure 3241." Staff may be asked to
intervene only if "a student’s presence poses an immediate and continuing danger to others or an
immediate and continuing threat of material and substantial disruption of the educational process
or in other emergency circumstances". Words of everyday discipline in the facts give a finding that
needs a reason, even when the requester answered "purpose is discipline: no".
"""

from __future__ import annotations

from datetime import datetime

import pytest

from sro_tui.policy import RequestFacts, Severity, can_save, check_request
from sro_tui.policy.checks import everyday_discipline_words


def request(facts: str, **changes) -> RequestFacts:
    values = dict(
        occurred_at=datetime(2026, 10, 6, 10, 15),
        requested_by_name="J. Park",
        requested_by_role="teacher",
        criterion="disruption",
        facts=facts,
        purpose_is_discipline=False,
        responding_staff_kinds=["sro"],
        actions=["presence"],
    )
    values.update(changes)
    return RequestFacts(**values)


EVERYDAY = [
    "Dress code violation in the hallway, he refused to change, please write him up.",
    "Student has been tardy four times this week and walked in late again.",
    "Phone use in class: she would not put her phone away when asked.",
    "He skipped detention again and the teacher wants an officer to bring him.",
    "Needs a write-up for talking back to the sub.",
    "Student is suspended and came to the football game anyway.",
    "Wearing a hat in class and refused to take off the hat.",
    "Kept using his phone during the test, cheating suspected.",
    "Out of uniform again; office referral was ignored.",
    "Defiant and disrespectful to the teacher when asked to sit down.",
    "Skipping class in the library without a pass.",
    "Student was swearing at other students in the cafeteria line.",
]
SAFETY = [
    "Student swung a chair at another student and kept advancing after being told to stop.",
    "A student said he had a knife in his backpack and would use it at lunch.",
    "Two students were fighting on the stairs and one was bleeding from the head.",
    "An adult we did not know walked into the gym and would not say why he was there.",
    "Student collapsed in the hallway and was not breathing normally.",
]


@pytest.mark.parametrize("facts", EVERYDAY)
def test_everyday_discipline_needs_a_reason_even_when_the_purpose_is_no(facts):
    findings = check_request(request(facts))
    found = [f for f in findings if f.check_id == "discipline.everyday_words"]
    assert len(found) == 1 and found[0].severity is Severity.NEEDS_REASON
    assert "Principals or their designee maintain order" in found[0].message
    assert not can_save(findings)
    reason = {"discipline.everyday_words@facts": "He threatened the teacher after being told."}
    assert can_save(findings, reason)


@pytest.mark.parametrize("facts", SAFETY)
def test_a_safety_request_has_no_discipline_finding(facts):
    findings = check_request(request(facts, criterion="danger_to_others"))
    assert [f for f in findings if f.check_id.startswith("discipline.")] == []


def test_the_issues_dress_code_request_no_longer_shows_no_findings():
    facts = "Dress code violation … write him up"
    assert everyday_discipline_words(facts) == ["dress code", "write him up"]
    findings = check_request(request(facts, responding_staff_kinds=[]))
    assert "discipline.everyday_words" in {f.check_id for f in findings}


def test_a_request_whose_purpose_is_discipline_is_refused_not_asked_for_a_reason():
    findings = check_request(request("Dress code violation", purpose_is_discipline=True))
    ids = {f.check_id for f in findings}
    assert "discipline.request_refused" in ids and "discipline.everyday_words" not in ids
