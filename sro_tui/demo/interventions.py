"""The demo school's intervention requests, written through the core so they carry real findings,
amendments and audit events. `DEMO_REQUESTS` is the data (one entry per request, dates relative to
today); `add_demo_requests` is the one writer. Among them: compliant requests, a staff-initiated
emergency, one refused as discipline, an arrest and a consent search with their safeguards
(RCW 13.40.740), a restraint on the Wednesday before Thanksgiving whose report and letter were on
time because the holidays do not count, a restraint whose steps are still open, a request amended
after review, one about an unknown adult, and a draft. Called by `school._add_interventions_demo`.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

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
    STAFF_KINDS,
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
THANKSGIVING_EVE = "thanksgiving_eve"  # `when` of the request dated the Wednesday before it

# One entry per request. `when`: (days before today, hour, minute) or THANKSGIVING_EVE. `students`:
# (index into the sampled students or None, description of an unknown person, role, outcomes).
# `staff`: "sro" / "guard" / "campus". `restraint`: policy.RestraintIsolation fields, times as
# minutes after the incident, `administered_by` a staff key (name and job title from the roster).
# `then`: what happens once it is written ("submit" after `after` minutes, "refuse", "draft"),
# then `review`, `discipline`, `amend`.
DEMO_REQUESTS: list[dict[str, Any]] = [
    {
        "when": (70, 10, 40),
        "form": dict(
            location="B-wing hallway",
            requested_by_name="Ms. Alvarez",
            criterion="danger_to_others",
            facts="Two students were punching each other by the lockers and a third was pulled "
            "in; the teacher could not separate them safely.",
            actions=["separated_students", "de_escalation", "referral_to_administrator"],
            outcome="Both students sent to the office; the assistant principal took over.",
        ),
        "students": [(0, "", "subject", ["discipline"]), (1, "", "subject", ["discipline"])],
        "staff": ["guard"],
        "review": "Criterion met; staff separated students and handed over at once.",
        "discipline": True,
    },
    {
        "when": (62, 13, 5),
        "form": dict(
            location="Room 214",
            requested_by_name="Mr. Haugen",
            criterion="disruption",
            facts="Student pushed desks against the door and would not let the class in, "
            "shouting; the class stood in the hallway for twenty minutes.",
            actions=["de_escalation", "referral_to_support"],
            outcome="Student calmed with the counselor; class resumed.",
        ),
        "students": [(2, "", "subject", [])],
        "staff": ["campus"],
        "review": "Appropriate; counselor follow-up planned.",
        "discipline": False,
    },
    {
        "when": (55, 15, 10),
        "actor": "guard",
        "form": dict(
            location="Bus loop",
            requested_by_role=None,
            staff_initiated_emergency=True,
            purpose_is_discipline=None,
            criterion="emergency_3432",
            facts="Student collapsed near the buses and was not responding; the security "
            "officer called 911 and cleared space until medics arrived.",
            actions=["first_aid", "presence"],
            outcome="Medics took the student to hospital.",
        ),
        "students": [(3, "", "subject", [])],
        "staff": ["guard"],
    },
    {
        "when": (48, 9, 20),
        "then": "refuse",
        "after": 20,
        "actor": PRINCIPAL,
        "form": dict(
            location="Room 108",
            requested_by_name="Mr. Tran",
            criterion="disruption",
            purpose_is_discipline=True,
            facts="Teacher asked the SRO to take a student's phone and write him up for "
            "repeated phone use in class.",
        ),
        "students": [(4, "", "subject", [])],
        "staff": ["sro"],
    },
    {
        "when": (40, 11, 15),
        "after": 180,
        "actor": PRINCIPAL,
        "form": dict(
            location="Main office",
            requested_by_name="Dr. Patel",
            requested_by_role="administrator",
            criterion="danger_to_others",
            facts="A student showed classmates a loaded handgun in his backpack in the "
            "cafeteria; the administrator isolated the area and called the SRO.",
            actions=["law_enforcement_activity", "escort"],
            outcome="Weapon secured by the SRO; student arrested and taken to juvenile intake.",
            law_enforcement=[
                policy.LawEnforcementActivity(
                    kind="arrest",
                    on_premises=True,
                    why_on_premises="A loaded weapon was on campus during lunch; waiting until "
                    "the student left school would have endangered others.",
                    attorney_access="provided_before_waiver",
                    parent_notified=True,
                    student_under_18=True,
                )
            ],
        ),
        "students": [(5, "", "subject", ["arrest"])],
        "staff": ["sro", "guard"],
        "discipline": True,
    },
    {
        "when": (33, 12, 30),
        "after": 2 * 24 * 60 + 60,
        "form": dict(
            location="Cafeteria",
            requested_by_name="Ms. Lindqvist",
            criterion="danger_to_others",
            facts="Student threw a tray at a classmate's head and kept swinging at him after "
            "the teacher told him to stop.",
            actions=["restraint", "de_escalation"],
            outcome="Released after two minutes, calm; the classmate was checked by the nurse.",
            restraint_language="Spanish",
        ),
        "restraint": dict(
            restraint=True,
            type_codes=("4",),
            ended=2,
            description="Held the student's arms from behind to stop the blows.",
            administered_by="campus",
            student_injured=False,
            staff_injured_count=0,
            recommendations="Lunch-time check-ins with the counselor; a seat away from the "
            "classmate until mediation.",
            administrator_informed=10,
            family_told_verbally=180,
            written_report_filed=24 * 60,
            family_told_in_writing=2 * 24 * 60,
        ),
        "students": [(6, "", "subject", ["use_of_force"]), (7, "", "target", [])],
        "staff": ["campus"],
        "review": "Restraint ended as soon as the danger passed; all notices on time.",
        "discipline": False,
    },
    {
        "when": (27, 7, 50),
        "form": dict(
            location="Gym lobby",
            requested_by_name="Mr. Ruiz",
            requested_by_role="other_staff",
            criterion="danger_to_others",
            facts="Student was kicking the glass doors of the gym lobby hard enough to crack "
            "them, with younger students standing next to the glass.",
            actions=["de_escalation", "escort"],
            outcome="Escorted to the office.",
            acknowledged_reasons={
                "request.requester_role@requested_by_role": "Before the bell: the custodian was "
                "the only adult there."
            },
        ),
        "students": [(8, "", "subject", [])],
        "staff": ["guard"],
    },
    {
        "when": (20, 10, 5),
        "after": 120,
        "actor": PRINCIPAL,
        "form": dict(
            location="Counseling office",
            requested_by_name="Dr. Patel",
            requested_by_role="administrator",
            criterion="danger_to_others",
            facts="Two students reported that a classmate said he had a knife in his bag "
            "and would use it after school.",
            actions=["law_enforcement_activity"],
            outcome="No knife found; student returned to class; family called.",
            law_enforcement=[
                policy.LawEnforcementActivity(
                    kind="search_possessions",
                    on_premises=True,
                    why_on_premises="A threat to use a knife that same afternoon.",
                    consent_requested=True,
                    attorney_access="provided_before_waiver",
                    parent_notified=True,
                    student_under_18=True,
                )
            ],
        ),
        "students": [(9, "", "subject", [])],
        "staff": ["sro"],
        "discipline": False,
    },
    {
        "when": (14, 14, 20),
        "form": dict(
            location="North parking lot",
            requested_by_name="Ms. Alvarez",
            criterion="danger_to_others",
            facts="An adult nobody knew followed students toward the portables and would not "
            "say why he was there.",
            actions=["presence", "referral_to_administrator"],
            outcome="The man left when asked; the office informed police.",
        ),
        "students": [(None, "Adult man, grey hoodie, about 40", "other", [])],
        "staff": ["campus"],
    },
    {
        "when": (9, 11, 0),
        "form": dict(
            location="Library",
            requested_by_name="Mrs. Berg",
            criterion="disruption",
            facts="Student tore books off the shelves and shouted at students working, "
            "refusing to leave; the class could not continue.",
            actions=["de_escalation"],
            outcome="Student left with the security officer.",
        ),
        "students": [(10, "", "subject", [])],
        "staff": ["guard"],
        "review": "Criterion met.",
        "amend": (
            {
                "outcome": "Student left with the security officer and met the counselor; a "
                "parent picked him up at noon."
            },
            "The parent pick-up was left out of the first report.",
            300,
        ),
    },
    {
        # Thanksgiving and Native American Heritage Day are legal holidays (RCW 1.16.050): the
        # report filed Monday and the letter postmarked Thursday are on time.
        "when": THANKSGIVING_EVE,
        "after": 6 * 24 * 60,
        "form": dict(
            location="Gym",
            requested_by_name="Coach Dahl",
            criterion="danger_to_others",
            facts="Student slammed a classmate's head into the bleachers and kept hitting him "
            "while he was down; the coach could not pull him off.",
            actions=["restraint", "isolation", "first_aid"],
            outcome="Student calmed in the office; the classmate was seen by the nurse.",
            restraint_language="Ukrainian",
        ),
        "restraint": dict(
            restraint=True,
            isolation=True,
            type_codes=("2", "14"),
            ended=12,
            description="Two staff held the student on the floor until he stopped hitting, then "
            "stayed with him in the nurse's office until he was calm.",
            administered_by="sro",
            student_injured=False,
            staff_injured_count=1,
            medical_care="Ice pack applied to the officer's wrist; the nurse checked the student.",
            recommendations="A safety plan with the family and a trained second adult at PE.",
            administrator_informed=5,
            family_told_verbally=120,
            written_report_filed=5 * 24 * 60 - 3 * 60,  # Monday morning
            family_told_in_writing=8 * 24 * 60,  # Thursday
        ),
        "students": [
            (14, "", "subject", ["use_of_force", "discipline"]),
            (15, "", "target", []),
        ],
        "staff": ["sro", "campus"],
        "review": "Restraint and isolation ended when the danger passed; report and letter on "
        "time (holidays not counted).",
        "discipline": True,
    },
    {
        "when": (1, 13, 45),
        "after": 3 * 60,
        "form": dict(
            location="Room 122",
            requested_by_name="Mr. Haugen",
            criterion="danger_to_others",
            facts="Student picked up scissors and lunged at another student after an "
            "argument; the teacher could not get between them.",
            actions=["restraint"],
            outcome="Student calmed; nurse checked both students.",
            restraint_language="Vietnamese",
        ),
        "restraint": dict(
            restraint=True,
            type_codes=("1",),
            ended=1,
            description="Took hold of the student's wrist until he dropped the scissors.",
            administered_by="guard",
            student_injured=False,
            staff_injured_count=0,
            administrator_informed=5,
            family_told_verbally=120,
        ),
        "students": [(11, "", "subject", ["use_of_force"]), (12, "", "target", [])],
        "staff": ["guard"],
    },
    {
        "when": (0, 8, 15),
        "then": "draft",
        "after": 10,
        "form": dict(
            location="Front steps",
            requested_by_name="Ms. Lindqvist",
            criterion="disruption",
            facts="Students blocking",
        ),
        "students": [(13, "", "subject", [])],
        "staff": ["campus"],
    },
]
RESTRAINT_STEPS = (
    "administrator_informed",
    "family_told_verbally",
    "written_report_filed",
    "family_told_in_writing",
)


def _weekday_before(today: date, days: int, first: date) -> date:
    """The school day `days` calendar days before today (moved back off a weekend)."""
    day = max(first, today - timedelta(days=days))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _thanksgiving_eve(year: SchoolYear, today: date) -> date | None:
    """The Wednesday before this school year's Thanksgiving, once it is past."""
    november = date(year.start_date.year, 11, 1)
    thanksgiving = november + timedelta(days=(3 - november.weekday()) % 7 + 21)
    eve = thanksgiving - timedelta(days=1)
    return eve if eve < today else None


def _restraint(
    when: datetime, spec: dict[str, Any], staff: dict, cutoff: datetime
) -> policy.RestraintIsolation:
    values = dict(spec)
    who = staff[values.pop("administered_by")]
    values["administered_by_name"] = who.display_name
    values["administered_by_title"] = STAFF_KINDS[who.kind]
    times = {f"{step}_at": values.pop(step, None) for step in RESTRAINT_STEPS}
    ended = values.pop("ended")
    record = policy.RestraintIsolation(
        started_at=when, ended_at=when + timedelta(minutes=ended), **values
    )
    moments = {k: when + timedelta(minutes=m) for k, m in times.items() if m is not None}
    moments = {k: moment for k, moment in moments.items() if moment <= cutoff}  # not yet done
    return replace(record, **moments)


def _write_request(
    spec: dict[str, Any], when: datetime, kids: list, staff: dict, cutoff: datetime
) -> None:
    form = RequestForm(
        occurred_at=when, on_premises=True, purpose_is_discipline=False, requested_by_role="teacher"
    )
    for name, value in spec["form"].items():
        setattr(form, name, value)
    form.students = [
        InvolvedStudent(None if i is None else kids[i], text, role, list(outcomes))
        for i, text, role, outcomes in spec["students"]
    ]
    form.staff_ids = [staff[name].id for name in spec["staff"]]
    if "restraint" in spec:
        form.restraint = _restraint(when, spec["restraint"], staff, cutoff)
    actor = spec.get("actor", AP)
    actor = staff[actor].display_name if actor in staff else actor
    now = min(when + timedelta(minutes=spec.get("after", 90)), max(cutoff, when))
    then = spec.get("then", "submit")
    if then == "draft":
        save_draft(form, actor=actor, now=now)
        return
    if then == "refuse":
        record_refusal(form, actor=actor, now=now)
        return
    request = submit_request(form, actor=actor, now=now)
    if "review" in spec:
        review_request(request, spec["review"], actor=PRINCIPAL)
    if "discipline" in spec:
        record_discipline_outcome(request, spec["discipline"], actor=PRINCIPAL)
    if "amend" in spec:
        changes, reason, minutes = spec["amend"]
        amend_request(request, changes, reason, actor=AP, now=when + timedelta(minutes=minutes))


def _cast(school: School, rng: random.Random) -> tuple[SchoolYear, dict, list[int]]:
    """The current year, the responding staff by key, and 16 students drawn with `rng`."""
    year = SchoolYear.get(SchoolYear.is_current == True)  # noqa: E712
    roster = list(SafetyStaff.select().where(SafetyStaff.school == school).order_by(SafetyStaff.id))
    sro = next(s for s in roster if s.kind == "sro")
    guard = next(s for s in roster if s.kind == "school_security_officer")
    campus = next((s for s in roster if s.kind == "campus_security_officer"), guard)
    active = [
        sid
        for (sid,) in Student.select(Student.id)
        .where(Student.school == school, Student.active == True)  # noqa: E712
        .order_by(Student.id)
        .tuples()
    ]
    return year, {"sro": sro, "guard": guard, "campus": campus}, rng.sample(active, 16)


def add_demo_requests(school: School, rng: random.Random, today: date, record_uuid) -> None:
    """Write the requests of DEMO_REQUESTS for the current school year (dates relative to
    `today`), then give every record a seeded record_id so two runs write the same school."""
    year, staff, kids = _cast(school, rng)
    eve = _thanksgiving_eve(year, today)
    for spec in DEMO_REQUESTS:
        if spec["when"] == THANKSGIVING_EVE:
            if eve is None:
                continue  # before Thanksgiving: the demo has no such request yet
            when = datetime.combine(eve, time(13, 40))
        else:
            days, hour, minute = spec["when"]
            when = datetime.combine(
                _weekday_before(today, days, year.start_date), time(hour, minute)
            )
        _write_request(spec, when, kids, staff, datetime.combine(today, time(7, 30)))
    _seed_record_ids(rng, record_uuid)


def _seed_record_ids(rng: random.Random, record_uuid) -> None:
    """Seeded record_ids, so two runs write the same records (audit events follow)."""
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


# --- the demo district's buildings (issue 15) ---------------------------------------------------
# Each demo building is the demo school under another name; these requests, added to all but the
# first, make the buildings differ in the state and federal reports: a student both restrained
# (handcuffed by the SRO, arrest made) and arrested, a student injured, a referral that is not an
# arrest (a citation), an isolation.
DISTRICT_EXTRA_REQUESTS: list[dict[str, Any]] = [
    {
        "when": (20, 10, 5),
        "after": 2 * 60,
        "form": dict(
            location="Parking lot",
            requested_by_name="Mr. Haugen",
            criterion="danger_to_others",
            facts="Student swung a bike lock at another student and kept swinging when told to "
            "stop; the SRO handcuffed him.",
            actions=["restraint", "law_enforcement_activity"],
            outcome="Student arrested; the other student's arm was checked by the nurse.",
            restraint_language="English",
            law_enforcement=[
                policy.LawEnforcementActivity(
                    kind="arrest",
                    on_premises=True,
                    attorney_access="provided_before_waiver",
                    why_on_premises="The student was still swinging the lock at others.",
                    parent_notified=True,
                    student_under_18=True,
                )
            ],
        ),
        "restraint": dict(
            restraint=True,
            type_codes=("17",),
            ended=15,
            administered_by="sro",
            description="Handcuffed by the SRO after the lock was taken away.",
            student_injured=True,
            staff_injured_count=0,
            medical_care="The nurse cleaned a scrape on the student's wrist.",
            recommendations="A check-in with the counselor each morning; bikes locked by staff.",
            administrator_informed=5,
            family_told_verbally=60,
            written_report_filed=24 * 60,
            family_told_in_writing=2 * 24 * 60,
        ),
        "students": [(8, "", "subject", ["use_of_force", "arrest"]), (9, "", "target", [])],
        "staff": ["sro"],
    },
    {
        "when": (12, 14, 20),
        "form": dict(
            location="Library",
            requested_by_name="Ms. Alvarez",
            criterion="danger_to_others",
            facts="Student set a small fire in a waste basket; the SRO put it out.",
            actions=["law_enforcement_activity"],
            outcome="The SRO wrote a citation for reckless burning.",
            law_enforcement=[
                policy.LawEnforcementActivity(
                    kind="citation",
                    on_premises=True,
                    attorney_access="no_waiver_sought",
                    why_on_premises="The fire had to be put out at once.",
                    parent_notified=True,
                    student_under_18=True,
                )
            ],
        ),
        "students": [(10, "", "subject", [])],
        "staff": ["sro"],
    },
    {
        "when": (6, 9, 50),
        "after": 2 * 60,
        "form": dict(
            location="Room 101",
            requested_by_name="Mr. Tran",
            criterion="danger_to_others",
            facts="Student threw chairs at classmates and would not stop.",
            actions=["isolation", "first_aid"],
            outcome="Calmed in the designated room with the counselor; the nurse saw him.",
            restraint_language="English",
        ),
        "restraint": dict(
            isolation=True,
            type_codes=("13",),
            ended=20,
            administered_by="campus",
            description="Stayed with the student in the calm room until he was safe.",
            student_injured=True,
            staff_injured_count=0,
            medical_care="Ice for a bruise on the forehead.",
            recommendations="A safety plan with the family and a calm-down pass for class.",
            administrator_informed=5,
            family_told_verbally=90,
            written_report_filed=24 * 60,
        ),
        "students": [(13, "", "subject", [])],
        "staff": ["campus"],
    },
]


def add_district_demo_requests(school: School, how_many: int, today: date) -> int:
    """Add the first `how_many` of DISTRICT_EXTRA_REQUESTS to a demo school (dates relative to
    `today`, students drawn with their own seed); returns how many were added."""
    year, staff, kids = _cast(school, random.Random(f"district-demo/{school.code}"))
    specs = DISTRICT_EXTRA_REQUESTS[:how_many]
    for spec in specs:
        days, hour, minute = spec["when"]
        when = datetime.combine(_weekday_before(today, days, year.start_date), time(hour, minute))
        _write_request(spec, when, kids, staff, datetime.combine(today, time(7, 30)))
    return len(specs)
