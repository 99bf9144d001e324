"""What the screens used to query or decide themselves, now core functions: a student's guardians
and households (roster), one request by id, and which requests can be reviewed or get a
discipline outcome (interventions)."""

from __future__ import annotations

import pytest

from sro_tui.interventions import (
    RequestForm,
    get_request,
    has_discipline_outcome,
    record_discipline_outcome,
    review_request,
    save_draft,
    why_not_reviewable,
)
from sro_tui.models import InterventionRequest, Student
from sro_tui.records import ValidationError
from sro_tui.roster import student_detail
from sro_tui.search import build_index
from tests.ui.conftest import build_small_school


def test_student_detail_lists_guardians_and_households(db):
    build_small_school()
    jose = Student.get(Student.sis_id == "000123")
    detail = student_detail(jose.id)
    assert detail is not None
    assert detail.legal_name == "José Luis Núñez"
    assert detail.preferred_name == "Pepe"
    assert (detail.sis_id, detail.grade, detail.homeroom, detail.active) == (
        "000123",
        "9",
        "104",
        True,
    )
    # By last name, then first name; each with how to reach them.
    assert [g.name for g in detail.guardians] == ["Carlos Núñez", "María Núñez"]
    maria = detail.guardians[1]
    assert (maria.relationship, maria.phone, maria.email) == (
        "Mother",
        "360-555-0101",
        "maria.nunez@example.org",
    )
    assert maria.preferred_language == "Spanish" and maria.receives_notices
    assert "12 Water St" in maria.mailing_address
    # The parents live at two addresses: two households, each with its own notice.
    assert sorted(h.address.split(",")[0] for h in detail.households) == [
        "12 Water St",
        "800 Lawrence St",
    ]


def test_student_detail_of_a_student_without_guardians_or_gone(db):
    build_small_school()
    liam = Student.get(Student.sis_id == "000201")
    detail = student_detail(liam.id)
    assert detail is not None and detail.guardians == [] and detail.households == []
    assert student_detail(99999) is None


def test_get_request_by_id(school):
    draft = save_draft(RequestForm(location="Gym"))
    found = get_request(draft.id)
    assert found is not None and found.id == draft.id and found.location == "Gym"
    assert get_request(draft.id + 1000) is None


@pytest.mark.parametrize(
    ("status", "reviewable", "discipline"),
    [("draft", False, False), ("submitted", True, True), ("reviewed", False, True)],
)
def test_what_a_request_in_each_status_allows(status, reviewable, discipline):
    request = InterventionRequest(status=status)
    assert (why_not_reviewable(request) is None) is reviewable
    assert has_discipline_outcome(request) is discipline


def test_the_screen_and_the_core_refuse_a_draft_in_the_same_words(school):
    draft = save_draft(RequestForm(location="Gym"))
    reason = why_not_reviewable(draft)
    assert reason == "only a submitted request is reviewed (this one is draft)"
    with pytest.raises(ValidationError) as refused:
        review_request(draft, "looked at it")
    assert refused.value.problems == {"status": reason}
    with pytest.raises(ValidationError):
        record_discipline_outcome(draft, True)
    assert get_request(draft.id).status == "draft"


def test_roster_order_puts_active_students_first_by_name():
    index = build_index(
        [
            (1, "3", "Núñez", "José", "", "9", "", True),
            (2, "1", "Adams", "Zed", "", "9", "", False),
            (3, "2", "Adams", "Ann", "", "9", "", True),
            (4, "4", "Ocampo", "Bo", "", "9", "", True),
        ]
    )
    assert [s.sis_id for s in index.in_roster_order()] == ["2", "3", "4"]
    assert [s.sis_id for s in index.in_roster_order(active_only=False)] == ["2", "3", "4", "1"]
