"""The demo school's intervention requests (issue 5), written through the core so they carry real
findings, amendments and audit events: compliant requests, a staff-initiated emergency, one
refused as discipline, an arrest with its safeguards, a restraint whose deadlines are still
open, an older restraint with every step met, a request amended after review, one that concerns
an unknown adult, and a draft still being written. Called by `school._add_interventions_demo`.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from peewee import fn

from sro_tui import policy
from sro_tui.interventions import (
    InvolvedStudent,
    RequestForm,
    amend_request,
    record_discipline_outcome,
    record_refusal,
    review_request,
    save_draft,
    submit_request,
)
from sro_tui.models import (
    AuditEvent,
    InterventionAmendment,
    InterventionRequest,
    InterventionStaff,
    InterventionStudent,
    LawEnforcementActivity,
    RestraintIsolation,
    SafetyStaff,
    School,
    SchoolYear,
    Student,
)

PRINCIPAL = "Principal J. Kim"
AP = "Asst. Principal R. Osei"


def _weekday_before(today: date, days: int, first: date) -> date:
    """The school day `days` calendar days before today (moved back off a weekend)."""
    day = max(first, today - timedelta(days=days))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def add_demo_requests(school: School, rng: random.Random, today: date, record_uuid) -> None:
    """Write about a dozen requests for the current school year (dates relative to `today`)."""
    year = SchoolYear.get(SchoolYear.is_current == True)  # noqa: E712
    staff = list(SafetyStaff.select().where(SafetyStaff.school == school).order_by(SafetyStaff.id))
    sro = next(s for s in staff if s.kind == "sro")
    guard = next(s for s in staff if s.kind == "school_security_officer")
    campus = next((s for s in staff if s.kind == "campus_security_officer"), guard)
    active = [
        sid
        for (sid,) in Student.select(Student.id)
        .where(
            Student.school == school,
            Student.active == True,  # noqa: E712
        )
        .order_by(Student.id)
        .tuples()
    ]
    kids = rng.sample(active, 16)

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(_weekday_before(today, days, year.start_date), time(hour, minute))

    def base(when: datetime, **values) -> RequestForm:
        form = RequestForm(
            occurred_at=when,
            on_premises=True,
            purpose_is_discipline=False,
            requested_by_role="teacher",
        )
        for name, value in values.items():
            setattr(form, name, value)
        return form

    def soon(form: RequestForm, minutes: int = 90) -> datetime:
        assert form.occurred_at is not None
        return form.occurred_at + timedelta(minutes=minutes)

    # 1. A fight in the hallway: danger to others, separated, reviewed.
    f1 = base(
        at(70, 10, 40),
        location="B-wing hallway",
        requested_by_name="Ms. Alvarez",
        criterion="danger_to_others",
        facts="Two students were punching each other by the lockers and a third was pulled "
        "in; the teacher could not separate them safely.",
        actions=["separated_students", "de_escalation", "referral_to_administrator"],
        outcome="Both students sent to the office; the assistant principal took over.",
        students=[InvolvedStudent(kids[0]), InvolvedStudent(kids[1], role="other")],
        staff_ids=[guard.id],
    )
    r1 = submit_request(f1, actor=AP, now=soon(f1))
    review_request(
        r1, "Criterion met; staff separated students and handed over at once.", actor=PRINCIPAL
    )
    # 2. Disruption: a student barricading a classroom door.
    f2 = base(
        at(62, 13, 5),
        location="Room 214",
        requested_by_name="Mr. Haugen",
        criterion="disruption",
        facts="Student pushed desks against the door and would not let the class in, "
        "shouting; the class stood in the hallway for twenty minutes.",
        actions=["de_escalation", "referral_to_support"],
        outcome="Student calmed with the counselor; class resumed.",
        students=[InvolvedStudent(kids[2])],
        staff_ids=[campus.id],
    )
    r2 = submit_request(f2, actor=AP, now=soon(f2))
    review_request(r2, "Appropriate; counselor follow-up planned.", actor=PRINCIPAL)
    # Whether discipline followed, as the principal records it afterwards (the annual report).
    record_discipline_outcome(r1, True, actor=PRINCIPAL)
    record_discipline_outcome(r2, False, actor=PRINCIPAL)
    # 3. Staff-initiated emergency: a student collapsed at the bus loop.
    f3 = base(
        at(55, 15, 10),
        location="Bus loop",
        requested_by_name="",
        requested_by_role=None,
        staff_initiated_emergency=True,
        purpose_is_discipline=None,
        criterion="emergency_3432",
        facts="Student collapsed near the buses and was not responding; the security "
        "officer called 911 and cleared space until medics arrived.",
        actions=["first_aid", "presence"],
        outcome="Medics took the student to hospital.",
        students=[InvolvedStudent(kids[3])],
        staff_ids=[guard.id],
    )
    submit_request(f3, actor=guard.display_name, now=soon(f3))
    # 4. Refused: a teacher asked the SRO to "deal with" a student's repeated phone use.
    f4 = base(
        at(48, 9, 20),
        location="Room 108",
        requested_by_name="Mr. Tran",
        criterion="disruption",
        purpose_is_discipline=True,
        facts="Teacher asked the SRO to take a student's phone and write him up for "
        "repeated phone use in class.",
        students=[InvolvedStudent(kids[4])],
        staff_ids=[sro.id],
    )
    record_refusal(f4, actor=PRINCIPAL, now=soon(f4, 20))
    # 5. An arrest with its safeguards.
    f5 = base(
        at(40, 11, 15),
        location="Main office",
        requested_by_name="Dr. Patel",
        requested_by_role="administrator",
        criterion="danger_to_others",
        facts="A student showed classmates a loaded handgun in his backpack in the "
        "cafeteria; the administrator isolated the area and called the SRO.",
        actions=["law_enforcement_activity", "escort"],
        outcome="Weapon secured by the SRO; student arrested and taken to juvenile intake.",
        students=[InvolvedStudent(kids[5])],
        staff_ids=[sro.id, guard.id],
        law_enforcement=[
            policy.LawEnforcementActivity(
                kind="arrest",
                on_premises=True,
                why_on_premises="A loaded weapon was on campus during lunch; waiting until the "
                "student left school would have endangered others.",
                attorney_access="provided_before_waiver",
                parent_notified=True,
            )
        ],
    )
    submit_request(f5, actor=PRINCIPAL, now=soon(f5, 180))
    # 6. An older restraint, every step met; reviewed.
    when6 = at(33, 12, 30)
    f6 = base(
        when6,
        location="Cafeteria",
        requested_by_name="Ms. Lindqvist",
        criterion="danger_to_others",
        facts="Student threw a tray at a classmate's head and kept swinging at him after "
        "the teacher told him to stop.",
        actions=["restraint", "de_escalation"],
        outcome="Released after two minutes, calm.",
        students=[InvolvedStudent(kids[6]), InvolvedStudent(kids[7], role="other")],
        staff_ids=[campus.id],
        restraint_language="Spanish",
        restraint=policy.RestraintIsolation(
            restraint=True,
            started_at=when6,
            ended_at=when6 + timedelta(minutes=2),
            description="Held the student's arms from behind to stop the blows.",
            injuries=False,
            administrator_informed_at=when6 + timedelta(minutes=10),
            family_told_verbally_at=when6 + timedelta(hours=3),
            written_report_filed_at=when6 + timedelta(days=1),
            family_told_in_writing_at=when6 + timedelta(days=2),
        ),
    )
    r6 = submit_request(f6, actor=AP, now=when6 + timedelta(days=2, hours=1))
    review_request(
        r6, "Restraint ended as soon as the danger passed; all notices on time.", actor=PRINCIPAL
    )
    record_discipline_outcome(r6, False, actor=PRINCIPAL)
    # 7. Asked by a custodian (not a teacher or administrator): a reason written down.
    f7 = base(
        at(27, 7, 50),
        location="Gym lobby",
        requested_by_name="Mr. Ruiz",
        requested_by_role="other_staff",
        criterion="danger_to_others",
        facts="Student was kicking the glass doors of the gym lobby hard enough to crack "
        "them, with younger students standing next to the glass.",
        actions=["de_escalation", "escort"],
        outcome="Escorted to the office.",
        students=[InvolvedStudent(kids[8])],
        staff_ids=[guard.id],
        acknowledged_reasons={
            "request.requester_role@requested_by_role": "Before the bell: the custodian was "
            "the only adult there."
        },
    )
    submit_request(f7, actor=AP, now=soon(f7))
    # 8. A search of possessions, consent asked, attorney access first.
    f8 = base(
        at(20, 10, 5),
        location="Counseling office",
        requested_by_name="Dr. Patel",
        requested_by_role="administrator",
        criterion="danger_to_others",
        facts="Two students reported that a classmate said he had a knife in his bag "
        "and would use it after school.",
        actions=["law_enforcement_activity"],
        outcome="No knife found; student returned to class; family called.",
        students=[InvolvedStudent(kids[9])],
        staff_ids=[sro.id],
        law_enforcement=[
            policy.LawEnforcementActivity(
                kind="search_possessions",
                on_premises=True,
                why_on_premises="A threat to use a knife that same afternoon.",
                consent_requested=True,
                attorney_access="provided_before_waiver",
                parent_notified=True,
            )
        ],
    )
    submit_request(f8, actor=PRINCIPAL, now=soon(f8, 120))
    # 9. An unknown adult on campus.
    f9 = base(
        at(14, 14, 20),
        location="North parking lot",
        on_premises=True,
        requested_by_name="Ms. Alvarez",
        criterion="danger_to_others",
        facts="An adult nobody knew followed students toward the portables and would not "
        "say why he was there.",
        actions=["presence", "referral_to_administrator"],
        outcome="The man left when asked; the office informed police.",
        students=[InvolvedStudent(None, "Adult man, grey hoodie, about 40", "other")],
        staff_ids=[campus.id],
    )
    submit_request(f9, actor=AP, now=soon(f9))
    # 10. Reviewed, then amended with a reason (history shows both).
    f10 = base(
        at(9, 11, 0),
        location="Library",
        requested_by_name="Mrs. Berg",
        criterion="disruption",
        facts="Student tore books off the shelves and shouted at students working, "
        "refusing to leave; the class could not continue.",
        actions=["de_escalation"],
        outcome="Student left with the security officer.",
        students=[InvolvedStudent(kids[10])],
        staff_ids=[guard.id],
    )
    r10 = submit_request(f10, actor=AP, now=soon(f10))
    review_request(r10, "Criterion met.", actor=PRINCIPAL)
    amend_request(
        r10,
        {
            "outcome": "Student left with the security officer and met the "
            "counselor; a parent picked him up at noon."
        },
        "The parent pick-up was left out of the first report.",
        actor=AP,
        now=soon(f10, 300),
    )
    # 11. A restraint yesterday: the written report and the written notice are still owed.
    when11 = at(1, 13, 45)
    f11 = base(
        when11,
        location="Room 122",
        requested_by_name="Mr. Haugen",
        criterion="danger_to_others",
        facts="Student picked up scissors and lunged at another student after an "
        "argument; the teacher could not get between them.",
        actions=["restraint"],
        outcome="Student calmed; nurse checked both students.",
        students=[InvolvedStudent(kids[11]), InvolvedStudent(kids[12], role="other")],
        staff_ids=[guard.id],
        restraint_language="Vietnamese",
        restraint=policy.RestraintIsolation(
            restraint=True,
            started_at=when11,
            ended_at=when11 + timedelta(minutes=1),
            description="Took hold of the student's wrist until he dropped the scissors.",
            injuries=False,
            administrator_informed_at=when11 + timedelta(minutes=5),
            family_told_verbally_at=when11 + timedelta(hours=2),
        ),
    )
    submit_request(f11, actor=AP, now=when11 + timedelta(hours=3))
    # 12. A draft still being written this morning.
    f12 = base(
        at(0, 8, 15),
        location="Front steps",
        requested_by_name="Ms. Lindqvist",
        criterion="disruption",
        facts="Students blocking",
        students=[InvolvedStudent(kids[13])],
        staff_ids=[campus.id],
    )
    save_draft(f12, actor=AP, now=soon(f12, 10))

    # Seeded record_ids, so two runs write the same records (audit events follow).
    for model in (
        InterventionRequest,
        InterventionStudent,
        InterventionStaff,
        LawEnforcementActivity,
        RestraintIsolation,
        InterventionAmendment,
    ):
        for record in model.select().order_by(model.id):
            old, new = record.record_id, record_uuid(rng)
            model.update(record_id=new).where(model.id == record.id).execute()
            if model is InterventionRequest:  # amendments keep the request before and after
                InterventionAmendment.update(
                    before_json=fn.REPLACE(InterventionAmendment.before_json, old, new),
                    after_json=fn.REPLACE(InterventionAmendment.after_json, old, new),
                ).where(InterventionAmendment.request == record.id).execute()
            AuditEvent.update(
                record_id=fn.REPLACE(AuditEvent.record_id, old, new),
                after=fn.REPLACE(AuditEvent.after, old, new),
                before=fn.REPLACE(AuditEvent.before, old, new),
            ).where(AuditEvent.record_id == old).execute()
