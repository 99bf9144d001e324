"""A deterministic demo school: Port Townsend High School (grades 6-12, about 600 students).

Everything comes from seeded random generators, record_ids included, so two runs write the same
school (only the created/updated timestamps differ). The school is built by a list of steps,
`DEMO_STEPS`; each step gets its own generator seeded from its name, so a later feature can add
`_add_<feature>_demo(school, rng, today)` without changing the records the other steps write.

`make_families` is the pure part (no database) and is reused by `benchmarks/generate.py` for the
5,000-student roster files.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peewee import Case, chunked, fn

from sro_tui.agreements import (
    AGREEMENT_ITEMS,
    add_investigation_note,
    adopt_agreement,
    close_complaint,
    log_complaint,
    record_response,
    record_stakeholder_meeting,
    route_complaint,
    set_agreement_item,
    start_agreement,
)
from sro_tui.db import bulk_insert
from sro_tui.demo.interventions import add_demo_requests
from sro_tui.models import (
    Agreement,
    AgreementItem,
    AuditEvent,
    Complaint,
    FamilyNotice,
    Guardian,
    Household,
    PresentationAttendance,
    PresentationSession,
    SafetyStaff,
    School,
    SchoolYear,
    SessionPresenter,
    StakeholderMeeting,
    Student,
    StudentGuardian,
    UnmatchedScan,
    database_proxy,
    utc_now,
)
from sro_tui.models import StakeholderParticipant as Participant
from sro_tui.notices import (
    change_delivery_status,
    load_households,
    record_notices,
)
from sro_tui.records import audit, save_staff, school_year_for, set_setting, snapshot
from sro_tui.roster import rebuild_households
from sro_tui.search import fold, student_search_key

SEED = 4311
SCHOOL_CODE = "PTHS"
SCHOOL_NAME = "Port Townsend High School"
DISTRICT_NAME = "Port Townsend School District"
GRADES = tuple(str(g) for g in range(6, 13))
DEMO_STUDENTS = 612  # 600 active and 12 who withdrew this year
DEMO_WITHDRAWN = 12
DEMO_GUARDIANS = 888
BATCH = 500


class DemoSchoolError(Exception):
    """The demo school cannot be written here (the database already holds a school's records)."""


def record_uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from `rng`, so seeded runs give the same record_ids."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def step_rng(name: str) -> random.Random:
    """The generator of one demo step: seeded from SEED and the step's name only."""
    return random.Random(f"{SEED}/{name}")


# --- names, languages, places ------------------------------------------------------------------


@dataclass(frozen=True)
class Culture:
    """A naming tradition common in Washington families, with the languages spoken at home."""

    weight: int
    surnames: tuple[str | tuple[str, str], ...]  # (masculine, feminine) where the form varies
    female: tuple[str, ...]
    male: tuple[str, ...]
    languages: tuple[tuple[str, int], ...]
    races: tuple[tuple[str, int], ...]
    middle_female: tuple[str, ...] = ()
    middle_male: tuple[str, ...] = ()
    english_preferred: float = 0.0  # share of children who go by an English name at school


_ANGLO_F = (
    "Emma",
    "Olivia",
    "Harper",
    "Zoë",
    "Chloé",
    "Renée",
    "Abigail",
    "Madeline",
    "Charlotte",
    "Elizabeth",
    "Katherine",
    "Margaret",
    "Hannah",
    "Grace",
    "Nora",
    "Piper",
    "Willow",
    "Josephine",
    "Lily",
    "Avery",
)
_ANGLO_M = (
    "Liam",
    "Noah",
    "Oliver",
    "Elijah",
    "James",
    "William",
    "Benjamin",
    "Lucas",
    "Henry",
    "Alexander",
    "Jérôme",
    "Nicholas",
    "Christopher",
    "Matthew",
    "Owen",
    "Wyatt",
    "Caleb",
    "Rowan",
    "Samuel",
    "Theodore",
)
_ENGLISH_SCHOOL_NAMES = (
    "Kevin",
    "Grace",
    "Annie",
    "David",
    "Jenny",
    "Michael",
    "Sophie",
    "Tony",
    "Emily",
    "Daniel",
    "Amy",
    "Eric",
)
NICKNAMES = {
    "Elizabeth": "Liz",
    "Katherine": "Kate",
    "Margaret": "Maggie",
    "Alexander": "Xander",
    "Nicholas": "Nick",
    "Christopher": "Kit",
    "Matthew": "Matt",
    "Benjamin": "Ben",
    "William": "Will",
    "Theodore": "Teddy",
    "Samuel": "Sam",
    "Josephine": "Josie",
    "Abigail": "Abby",
    "Madeline": "Maddie",
    "Guadalupe": "Lupe",
    "Alejandro": "Alex",
    "Jesús": "Chuy",
    "Juan Carlos": "JC",
    "Valentina": "Vale",
    "Oleksandr": "Sasha",
    "Anastasiia": "Nastia",
    "Kateryna": "Katya",
    "Vladyslav": "Vlad",
    "Maksym": "Max",
    "Daria": "Dasha",
    "Abdirahman": "Abdi",
    "Mark Anthony": "MJ",
    "Jericho": "Echo",
}

CULTURES = (
    Culture(
        44,
        (
            "Anderson",
            "Bennett",
            "Carlson",
            "Dawson",
            "Gallagher",
            "Hansen",
            "Iverson",
            "Jensen",
            "Keller",
            "Larson",
            "McAllister",
            "O'Brien",
            "O'Neill",
            "D'Angelo",
            "DeLuca",
            "Olsen",
            "Sørensen",
            "Russell",
            "St. Clair",
            "Thompson",
            "VanderMeer",
            "Walsh",
            "Whitaker",
            "Hughes-Whitfield",
            "Parker-Lee",
            "MacKenzie",
        ),
        _ANGLO_F,
        _ANGLO_M,
        (("English", 100),),
        (("White", 88), ("Two or more races", 12)),
        _ANGLO_F,
        _ANGLO_M,
    ),
    Culture(
        18,
        (
            "García",
            "Núñez",
            "Hernández",
            "López",
            "Martínez",
            "Rodríguez",
            "González",
            "Pérez",
            "Sánchez",
            "Ramírez",
            "Torres",
            "Flores",
            "Peña",
            "Ibáñez",
            "Gutiérrez",
            "Jiménez",
            "Castillo",
            "Mendoza",
            "Vargas",
            "de la Cruz",
        ),
        (
            "María",
            "Sofía",
            "Valentina",
            "Camila",
            "Ximena",
            "Guadalupe",
            "Inés",
            "Lucía",
            "Ana",
            "Daniela",
            "María José",
            "Itzel",
        ),
        (
            "José",
            "Juan Carlos",
            "Mateo",
            "Santiago",
            "Diego",
            "Andrés",
            "Ángel",
            "Alejandro",
            "Joaquín",
            "Emiliano",
            "Luis",
            "Jesús",
            "Noé",
            "Iñaki",
        ),
        (("Spanish", 55), ("English", 45)),
        (
            ("Hispanic or Latino; White", 50),
            ("Hispanic or Latino", 45),
            ("Hispanic or Latino; American Indian or Alaska Native", 5),
        ),
        ("Guadalupe", "Isabel", "Fernanda"),
        ("Antonio", "Manuel", "Alberto"),
    ),
    Culture(
        5,
        ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Nguyen", "Tran"),
        ("Linh", "Thảo", "Ngọc Anh", "Mai", "Phương", "Hương", "Trâm", "Vy"),
        ("Minh", "Quân", "Bảo", "Huy", "Đức", "Khoa", "Thành", "Tuấn"),
        (("Vietnamese", 65), ("English", 35)),
        (("Asian", 100),),
        ("Thị", "Ngọc", "Thu"),
        ("Văn", "Minh", "Hữu"),
        0.2,
    ),
    Culture(
        6,
        (
            ("Ivanov", "Ivanova"),
            ("Sokolov", "Sokolova"),
            ("Volkov", "Volkova"),
            ("Kuznetsov", "Kuznetsova"),
            "Kovalenko",
            "Shevchenko",
            "Bondarenko",
            "Tkachenko",
            "Melnyk",
            "Kravchuk",
            "Savchuk",
            "Marchenko",
        ),
        (
            "Anastasiia",
            "Sofiia",
            "Yuliia",
            "Polina",
            "Daria",
            "Oksana",
            "Viktoriia",
            "Kateryna",
            "Alina",
        ),
        (
            "Oleksandr",
            "Dmytro",
            "Mykola",
            "Artem",
            "Maksym",
            "Andriy",
            "Bohdan",
            "Vladyslav",
            "Ivan",
            "Serhiy",
        ),
        (("Russian", 45), ("Ukrainian", 35), ("English", 20)),
        (("White", 100),),
        ("Olegivna", "Ivanivna"),
        ("Olegovych", "Ivanovych"),
    ),
    Culture(
        3,
        (
            "Abdi",
            "Hassan",
            "Mohamed",
            "Warsame",
            "Farah",
            "Yusuf",
            "Omar",
            "Jama",
            "Osman",
            "Hersi",
            "Aden",
        ),
        ("Hodan", "Amina", "Ayaan", "Fadumo", "Hibaaq", "Sagal", "Ifrah", "Nimco", "Hawa"),
        ("Abdirahman", "Mahad", "Abdullahi", "Liban", "Guled", "Bashir", "Hamza", "Yasin"),
        (("Somali", 80), ("English", 20)),
        (("Black or African American", 100),),
    ),
    Culture(
        5,
        (
            "Santos",
            "Reyes",
            "dela Cruz",
            "Bautista",
            "Villanueva",
            "Magbanua",
            "Aquino",
            "Pascual",
            "Dimaculangan",
            "Macaraeg",
        ),
        ("Maricel", "Kristine", "Angelica", "Jasmine", "Althea", "Bea", "Czarina"),
        ("Jericho", "Angelo", "Mark Anthony", "Jomar", "Carlo", "Paolo", "Rafael"),
        (("Tagalog", 45), ("English", 55)),
        (("Asian", 85), ("Asian; Native Hawaiian or Other Pacific Islander", 15)),
        ("Joy", "Grace"),
        ("Jose", "Miguel"),
    ),
    Culture(
        4,
        ("Chen", "Wang", "Li", "Zhang", "Liu", "Huang", "Zhao", "Wu", "Lin", "Zhou"),
        ("Yutong", "Xinyi", "Jing", "Mei", "Zihan", "Ruoxi", "Shiyu"),
        ("Wei", "Hao", "Zixuan", "Haoran", "Yichen", "Junjie", "Tianyu"),
        (("Chinese (Mandarin)", 55), ("Cantonese", 10), ("English", 35)),
        (("Asian", 100),),
        english_preferred=0.3,
    ),
    Culture(
        3,
        ("Kim", "Park", "Lee", "Choi", "Jung", "Kang", "Cho", "Yoon", "Han", "Shin"),
        ("Seo-yeon", "Ha-eun", "Ji-woo", "Min-seo", "Soo-ah", "Yuna"),
        ("Min-jun", "Ji-ho", "Seo-jun", "Do-yun", "Jae-won", "Hyun-woo"),
        (("Korean", 60), ("English", 40)),
        (("Asian", 100),),
        english_preferred=0.25,
    ),
    Culture(
        4,
        (
            "Charley",
            "Sampson",
            "Whitefoot",
            "Jim",
            "Sanchey",
            "Cultee",
            "Hoptowit",
            "Prince",
            "Kallappa",
        ),
        _ANGLO_F,
        _ANGLO_M,
        (("English", 100),),
        (("American Indian or Alaska Native", 80), ("Two or more races", 20)),
        _ANGLO_F,
        _ANGLO_M,
    ),
    Culture(
        3,
        ("Washington", "Robinson", "Jackson", "Coleman", "Brooks", "Freeman", "Okafor", "Mensah"),
        ("Jada", "Imani", "Aaliyah", "Nia", "Zuri", "Kennedy", "Amara"),
        ("Malik", "Jaylen", "Isaiah", "Darius", "Xavier", "D'Andre", "Marcus"),
        (("English", 100),),
        (("Black or African American", 85), ("Two or more races", 15)),
        ("Marie", "Renée"),
        ("James", "Andre"),
    ),
)
# Families write their language as they say it; the SIS may spell it its own way.
GUARDIAN_LANGUAGE = {"Chinese (Mandarin)": "Mandarin"}

PLACES = (  # (city, ZIP, streets, share of families)
    (
        "Port Townsend",
        "98368",
        (
            "Lawrence St",
            "Water St",
            "Tyler St",
            "Jackson St",
            "Sheridan St",
            "San Juan Ave",
            "Discovery Rd",
            "Hastings Ave W",
            "F St",
            "Kearney St",
            "Cherry St",
            "Blaine St",
            "Umatilla Ave",
        ),
        60,
    ),
    (
        "Port Hadlock",
        "98339",
        ("Irondale Rd", "Chimacum Rd", "Ness' Corner Rd", "Oak Bay Rd", "Randolph St", "Cedar Ave"),
        25,
    ),
    ("Chimacum", "98325", ("Center Rd", "Beaver Valley Rd", "Rhody Dr", "Egg & I Rd"), 15),
)
MAIL_DOMAINS = ("example.org", "example.com", "example.net")


# --- the families (pure: no database) -----------------------------------------------------------


@dataclass
class DemoGuardian:
    source_key: str
    first_name: str
    last_name: str
    relationship: str
    email: str = ""
    phone: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    preferred_language: str = ""
    active: bool = True


@dataclass
class DemoStudent:
    sis_id: str
    first_name: str
    middle_name: str
    last_name: str
    preferred_name: str
    grade: str
    sex: str
    race_ethnicity: str
    home_language: str
    iep: bool
    section_504: bool
    english_learner: bool
    homeroom: str = ""
    active: bool = True


@dataclass
class DemoFamily:
    guardians: list[DemoGuardian]
    children: list[DemoStudent] = field(default_factory=list)
    split: bool = False  # guardians at two addresses: the children belong to two households


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _surname(culture: Culture, rng: random.Random) -> str | tuple[str, str]:
    return rng.choice(culture.surnames)


def _form(surname: str | tuple[str, str], female: bool) -> str:
    if isinstance(surname, tuple):
        return surname[1] if female else surname[0]
    return surname


class _Addresses:
    """Unique mailing addresses, so two families never fall into one household by accident."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def next(self) -> tuple[str, str, str]:
        rng = self.rng
        city, zip_code, streets, _w = rng.choices(PLACES, [p[3] for p in PLACES])[0]
        while True:
            if city != "Port Townsend" and rng.random() < 0.08:  # rural mail goes to a box
                street = f"PO Box {rng.randrange(100, 9999)}"
            else:
                street = f"{rng.randrange(10, 4000)} {rng.choice(streets)}"
                if rng.random() < 0.08:
                    street += f" Apt {rng.randrange(1, 30)}"
            if (street, zip_code) not in self.used:
                self.used.add((street, zip_code))
                return street, city, zip_code


def _phone(rng: random.Random) -> str:
    area = "360" if rng.random() < 0.85 else rng.choice(("206", "253", "425", "564"))
    return f"({area}) 555-01{rng.randrange(100):02d}"  # 555-0100..0199: never a real line


def _email(rng: random.Random, first: str, last: str) -> str:
    local = f"{fold(first).split()[0]}.{fold(last).replace(' ', '')}{rng.randrange(10, 99)}"
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


def make_families(
    rng: random.Random,
    students: int,
    guardians: int,
    grades: tuple[str, ...] = GRADES,
    id_prefix: str = "demo",
) -> list[DemoFamily]:
    """Families with exactly `students` children in `grades` and `guardians` guardians.

    About one family in eight has two or three children in the school (siblings share their
    guardians and address); families get a second guardian until `guardians` is reached (a third,
    a step-parent, when more are asked for than two per family); one two-guardian family in eight
    lives apart (guardians at two addresses: 8% of the demo's students). Homerooms hold about 28
    students per grade. Student IDs are seven digits with a leading zero, as many SIS number
    them. Requires students/1.15 <= guardians <= 3 x families.
    """
    family_count = max(1, round(students / 1.15))
    if not family_count <= guardians <= 3 * family_count:
        raise ValueError(f"{guardians} guardians cannot be spread over {family_count} families")
    children_per = [1] * family_count
    for _ in range(students - family_count):
        children_per[rng.randrange(family_count)] += 1
    guardians_per = [1] * family_count
    extra = guardians - family_count
    order = list(range(family_count))
    rng.shuffle(order)
    for i in order[:extra]:
        guardians_per[i] = 2
    for i in order[: max(0, extra - family_count)]:
        guardians_per[i] = 3
    ids = rng.sample(range(10_000, 1_000_000 if students < 50_000 else 9_999_999), students)
    addresses = _Addresses(rng)
    weights = [c.weight for c in CULTURES]
    families: list[DemoFamily] = []
    key_number = 0
    for n_children, n_guardians in zip(children_per, guardians_per, strict=True):
        culture = rng.choices(CULTURES, weights)[0]
        language = _weighted(rng, culture.languages)
        surname = _surname(culture, rng)
        split = n_guardians >= 2 and rng.random() < 0.12
        family = DemoFamily(guardians=[], split=split)
        home = addresses.next()
        first_female = rng.random() < 0.7
        for g in range(n_guardians):
            female = (
                first_female
                if g == 0
                else (not first_female if rng.random() < 0.9 else first_female)
            )
            own_name = g > 0 and rng.random() < (0.45 if split else 0.2)
            last = _form(_surname(culture, rng) if own_name else surname, female)
            first = rng.choice(culture.female if female else culture.male)
            if g == 0:
                relationship = rng.choices(
                    (
                        "Mother" if female else "Father",
                        "Grandmother" if female else "Grandfather",
                        "Guardian",
                    ),
                    (90, 6, 4),
                )[0]
            elif g == 1:
                relationship = "Mother" if female else "Father"
            else:
                relationship = "Stepmother" if female else "Stepfather"
            key_number += 1
            guardian = DemoGuardian(f"{id_prefix}-g{key_number:05d}", first, last, relationship)
            if g == 0 or not (split and g == 1):
                address = home
            else:
                address = addresses.next()
            no_address = rng.random() < (
                0.04 if g == 0 and n_guardians == 1 else 0.12 if g > 0 and not split else 0.0
            )
            if not no_address:
                guardian.street, guardian.city, guardian.postal_code = address
                guardian.state = "WA"
            if rng.random() < 0.82:
                guardian.email = _email(rng, first, last)
            if rng.random() < 0.97:
                guardian.phone = _phone(rng)
            if rng.random() < 0.95:
                guardian.preferred_language = GUARDIAN_LANGUAGE.get(language, language)
            family.guardians.append(guardian)
        child_last = _form(surname, False)
        parents = family.guardians
        if (
            len(parents) >= 2
            and parents[0].last_name != parents[1].last_name
            and (culture.languages[0][0] == "Spanish" or rng.random() < 0.3)
        ):
            # Spanish order: the father's surname, then the mother's; English: either, hyphenated.
            mother, other = (parents[0], parents[1]) if first_female else (parents[1], parents[0])
            joiner = " " if culture.languages[0][0] == "Spanish" else "-"
            child_last = f"{other.last_name}{joiner}{mother.last_name}"
        family_grades = rng.sample(grades, min(n_children, len(grades)))
        for c in range(n_children):
            female = rng.random() < 0.49
            sex = "X" if rng.random() < 0.01 else ("Female" if female else "Male")
            first = rng.choice(culture.female if female else culture.male)
            middles = culture.middle_female if female else culture.middle_male
            middle = rng.choice(middles) if middles and rng.random() < 0.4 else ""
            preferred = ""
            if rng.random() < culture.english_preferred:
                preferred = rng.choice(_ENGLISH_SCHOOL_NAMES)
            elif first in NICKNAMES and rng.random() < 0.5:
                preferred = NICKNAMES[first]
            # More children than grades (only in huge families): the last ones share a grade.
            grade = family_grades[c] if c < len(family_grades) else family_grades[-1]
            multilingual = language != "English"
            family.children.append(
                DemoStudent(
                    sis_id=f"{ids.pop():07d}",
                    first_name=first,
                    middle_name=middle,
                    last_name=child_last if isinstance(surname, str) else _form(surname, female),
                    preferred_name=preferred,
                    grade=grade,
                    sex=sex,
                    race_ethnicity=_weighted(rng, culture.races),
                    home_language=language,
                    iep=rng.random() < 0.14,
                    section_504=rng.random() < 0.04,
                    english_learner=multilingual and rng.random() < 0.4,
                )
            )
        families.append(family)
    _assign_homerooms(rng, [s for f in families for s in f.children])
    return families


def _assign_homerooms(rng: random.Random, students: list[DemoStudent]) -> None:
    by_grade: dict[str, list[DemoStudent]] = defaultdict(list)
    for s in students:
        by_grade[s.grade].append(s)
    counts = {grade: max(1, round(len(members) / 28)) for grade, members in by_grade.items()}
    lettered = max(counts.values(), default=0) <= 26  # else numbered (the benchmark school)
    for grade, members in by_grade.items():
        rooms = [
            f"{grade}{chr(ord('A') + i)}" if lettered else f"{grade}-{i + 1:02d}"
            for i in range(counts[grade])
        ]
        rng.shuffle(members)
        for i, s in enumerate(members):
            s.homeroom = rooms[i % len(rooms)]


# --- writing the demo school -------------------------------------------------------------------

DemoStep = Callable[[School, random.Random, date], None]


def _create_school(rng: random.Random, today: date) -> School:
    # Both ids are drawn first, so they do not depend on what the database already holds.
    school_record_id, year_record_id = record_uuid(rng), record_uuid(rng)
    school = School.get_or_none(School.code == SCHOOL_CODE)
    if school is None:
        school = School.create(
            record_id=school_record_id, code=SCHOOL_CODE, name=SCHOOL_NAME, district=DISTRICT_NAME
        )
        audit("create", school, after=snapshot(school))
    set_setting("school_id", str(school.id))
    name, start, end = school_year_for(today)
    SchoolYear.update(is_current=False).where(SchoolYear.name != name).execute()
    year = SchoolYear.get_or_none(SchoolYear.name == name)
    if year is None:
        year = SchoolYear.create(
            record_id=year_record_id, name=name, start_date=start, end_date=end, is_current=True
        )
        audit("create", year, after=snapshot(year))
    elif not year.is_current:
        year.is_current = True
        year.save()
    return school


def _add_people_demo(school: School, rng: random.Random, today: date) -> None:
    """Students, guardians and their links, then households by the grouping rule."""
    families = make_families(rng, DEMO_STUDENTS, DEMO_GUARDIANS)
    # A few students withdrew this year: kept, inactive, with their guardians (as an import does).
    for family in rng.sample([f for f in families if len(f.children) == 1], DEMO_WITHDRAWN):
        family.children[0].active = False
        for guardian in family.guardians:
            guardian.active = False
    students = [s for f in families for s in f.children]
    now = utc_now()
    stamps = {"created_at": now, "updated_at": now}
    student_rows = [
        {
            "record_id": record_uuid(rng),
            **stamps,
            "school": school.id,
            **vars(s),
            "search_key": student_search_key(
                s.sis_id, s.first_name, s.middle_name, s.last_name, s.preferred_name
            ),
        }
        for s in students
    ]
    guardian_rows = [
        {
            "record_id": record_uuid(rng),
            **stamps,
            "school": school.id,
            **{k: v for k, v in vars(g).items() if k != "relationship"},
        }
        for f in families
        for g in f.guardians
    ]
    bulk_insert(Student, student_rows)
    bulk_insert(Guardian, guardian_rows)
    student_ids = dict(
        Student.select(Student.sis_id, Student.id).where(Student.school == school).tuples()
    )
    guardian_ids = dict(
        Guardian.select(Guardian.source_key, Guardian.id).where(Guardian.school == school).tuples()
    )
    links = [
        {
            "record_id": record_uuid(rng),
            **stamps,
            "student": student_ids[s.sis_id],
            "guardian": guardian_ids[g.source_key],
            "relationship": g.relationship,
            "receives_notices": True,
        }
        for f in families
        for s in f.children
        for g in f.guardians
    ]
    bulk_insert(StudentGuardian, links)
    rebuild_households(school)
    # rebuild_households draws random record_ids; the demo's come from its seed, in key order.
    new_ids = [
        (household_id, record_uuid(rng))
        for (household_id,) in Household.select(Household.id)
        .where(Household.school == school)
        .order_by(Household.key)
        .tuples()
    ]
    for batch in chunked(new_ids, BATCH):  # one statement per batch, not one per household
        Household.update(record_id=Case(Household.id, batch)).where(
            Household.id.in_([household_id for household_id, _ in batch])
        ).execute()


STAFF_EMAIL_DOMAIN = "ptschools.example.org"


def _staff_values(rng: random.Random, today: date) -> list[dict]:
    def completed(reference: str) -> dict:
        return {
            "training_status": "completed",
            "training_completed_on": today - timedelta(days=rng.randint(120, 700)),
            "training_reference": reference,
        }

    def planned(plan: str) -> dict:
        return {
            "training_status": "planned",
            "training_plan": plan,
            "training_due_on": today + timedelta(days=rng.randint(30, 150)),
        }

    people = [
        (
            "Marisol",
            "Delgado-Reyes",
            "sro",
            "law_enforcement_agency",
            "Port Townsend Police Department",
            5.0,
            completed(f"Olympic ESD 114 certificate {rng.randrange(1000, 9999)}"),
        ),
        (
            "Tyler",
            "O'Connell",
            "sro",
            "law_enforcement_agency",
            "Jefferson County Sheriff's Office",
            2.0,
            planned(
                "Classroom series with Olympic ESD 114 (spring cohort); on-the-job training "
                "with the district's lead SRO"
            ),
        ),
        (
            "Bảo",
            "Trần",
            "school_security_officer",
            "security_company",
            "Olympic Peninsula Security LLC",
            5.0,
            completed(f"Olympic ESD 114 certificate {rng.randrange(1000, 9999)}"),
        ),
        (
            "Aleksandr",
            "Petrenko",
            "school_security_officer",
            "security_company",
            "Olympic Peninsula Security LLC",
            3.0,
            {"training_status": "not_started"},
        ),
        (
            "Renée",
            "Whitfield",
            "campus_security_officer",
            "district",
            "",
            5.0,
            completed("Filed with Human Resources, district office"),
        ),
        (
            "Joseph",
            "Charley",
            "campus_security_officer",
            "district",
            "",
            2.5,
            planned("Online modules first, then the ESD classroom series"),
        ),
        ("Hodan", "Abdi", "other", "district", "", 1.0, {"training_status": "not_started"}),
        (
            "Gary",
            "Lund",
            "school_security_officer",
            "security_company",
            "Olympic Peninsula Security LLC",
            2.0,
            completed(f"Olympic ESD 114 certificate {rng.randrange(1000, 9999)}"),
        ),
    ]
    year_start = date(today.year if today.month >= 7 else today.year - 1, 7, 1)

    def days_on_site(training: dict) -> dict:
        """First day on site (RCW 28A.400.345 counts from it): long ago for trained staff,
        recently for staff still training, over six months ago for anyone not started."""
        if training["training_status"] == "completed":
            return {"first_day_on_site": today - timedelta(days=rng.randint(400, 1500))}
        if training["training_status"] == "planned":
            return {"first_day_on_site": today - timedelta(days=rng.randint(20, 30))}
        return {"first_day_on_site": today - timedelta(days=rng.randint(200, 240))}

    people_values = [
        {
            "first_name": first,
            "last_name": last,
            "kind": kind,
            "commissioned": kind == "sro",
            "employer_type": employer_type,
            "employer_name": employer_name,
            "days_per_week": days,
            "email": f"{fold(first)}.{fold(last).replace(' ', '')}@{STAFF_EMAIL_DOMAIN}",
            "phone": _phone(rng),
            **training,
            **days_on_site(training),
        }
        for first, last, kind, employer_type, employer_name, days, training in people
    ]
    # Left at the end of October: not on the roster now, still counted in the annual report.
    people_values[-1].update(
        active=False, last_day_on_site=min(today, year_start + timedelta(days=120))
    )
    return people_values


def _adopt_record_id(staff: SafetyStaff, record_id: str) -> None:
    """Give a record saved by `save_staff` (random record_id) the demo's seeded one. Runs in the
    same transaction, and the audit event follows, so the record reads as created with it."""
    old = staff.record_id
    SafetyStaff.update(record_id=record_id).where(SafetyStaff.id == staff.id).execute()
    AuditEvent.update(
        record_id=record_id, after=fn.REPLACE(AuditEvent.after, old, record_id)
    ).where(AuditEvent.record_id == old).execute()
    staff.record_id = record_id


def _add_staff_demo(school: School, rng: random.Random, today: date) -> None:
    """Two SROs, two school security officers, two campus security officers and one other, with
    training completed, planned or not started (dates relative to `today`)."""
    for values in _staff_values(rng, today):
        record_id = record_uuid(rng)
        _adopt_record_id(save_staff(values, school=school), record_id)


def _add_presentation_demo(school: School, rng: random.Random, today: date) -> None:
    """A past assembly (issue 3): most active students checked in, a few by name, one undone
    check-in, three unmatched scans still to resolve and one dismissed."""

    year = SchoolYear.get(SchoolYear.is_current == True)  # noqa: E712
    held_on = max(year.start_date, min(date(year.start_date.year, 9, 3), today - timedelta(days=1)))
    session = PresentationSession.create(
        record_id=record_uuid(rng),
        school=school,
        school_year=year,
        held_on=held_on,
        title=f"Assembly {held_on.isoformat()}",
        place="Main gym",
        kind="assembly",
        notes="Officer introductions, what SROs and security officers do and do not do, "
        "how families can raise a concern.",
    )
    audit("create", session, after=snapshot(session))
    presenters = SafetyStaff.select().where(SafetyStaff.school == school).order_by(SafetyStaff.id)
    for staff in list(presenters)[:2]:
        SessionPresenter.create(record_id=record_uuid(rng), session=session, staff=staff)
    active = [
        sid
        for (sid,) in Student.select(Student.id)
        .where(Student.school == school, Student.active == True)
        .order_by(Student.id)
        .tuples()
    ]  # noqa: E712
    presented = rng.sample(active, k=len(active) * 9 // 10)
    start = datetime.combine(held_on, time(15, 30))  # 8:30 in Washington, stored in UTC
    rows = []
    for n, student_id in enumerate(presented):
        rows.append(
            {
                "record_id": record_uuid(rng),
                "student": student_id,
                "session": session.id,
                "school_year": year.id,
                "recorded_at": start + timedelta(seconds=2 * n),
                "method": "search" if rng.random() < 0.04 else "scan",
                "recorded_by": "Front office",
            }
        )
    bulk_insert(PresentationAttendance, rows)
    # One student scanned by mistake (a sibling's card), undone on the spot: kept and audited.
    chosen = set(presented)
    mistaken = next(s for s in active if s not in chosen)
    undone_at = start + timedelta(seconds=2 * len(presented) + 30)
    wrong = PresentationAttendance.create(
        record_id=record_uuid(rng),
        student=mistaken,
        session=session,
        school_year=year,
        recorded_at=undone_at - timedelta(seconds=20),
        method="scan",
        recorded_by="Front office",
        undone_at=undone_at,
        undone_by="Front office",
        undo_reason="sibling's card scanned",
    )
    audit("undo", wrong, after=snapshot(wrong), reason=wrong.undo_reason, actor="Front office")
    for offset, text in ((95, "0000000"), (410, "LIB-22817"), (880, "60-3391")):
        UnmatchedScan.create(
            record_id=record_uuid(rng),
            session=session,
            scanned_text=text,
            scanned_at=start + timedelta(seconds=offset),
            recorded_by="Front office",
        )
    UnmatchedScan.create(
        record_id=record_uuid(rng),
        session=session,
        scanned_text="VISITOR-07",
        scanned_at=start + timedelta(seconds=640),
        recorded_by="Front office",
        resolved_at=start + timedelta(minutes=40),
        resolution="dismissed",
        dismiss_reason="a visitor's badge, not a student",
        resolved_by="Front office",
    )


# Run in order. A later feature appends its own ("name", _add_<feature>_demo) step; each step's
# generator is seeded from its name, so adding one changes nothing the others write.
def _add_notices_demo(school: School, rng: random.Random, today: date) -> None:
    """Family notices (issue 4): e-mailed to most households with an address on file, paper sent
    home with others, a few mailed; some bounced or returned (back on the to-do list), some
    delivered, a quarter still to do. Spanish-reading families got the Spanish letter."""

    year = SchoolYear.get(SchoolYear.is_current == True)  # noqa: E712
    households = sorted(load_households(school, year), key=lambda h: h.household_id)
    rng.shuffle(households)
    first_day = max(year.start_date, min(date(year.start_date.year, 9, 8), today))

    def day(offset: int) -> date:  # never in the future, whatever `today` is
        return min(first_day + timedelta(days=offset), today)

    by_email = [h.household_id for h in households[: len(households) * 2 // 5] if h.emails]
    rest = [h for h in households if h.household_id not in set(by_email)]
    paper = [h.household_id for h in rest[: len(rest) * 2 // 5]]
    mailed = [h.household_id for h in rest[len(rest) * 2 // 5 :][:40] if h.address]
    actor = "Front office"
    record_notices(
        by_email, method="email", sent_on=day(0), actor=actor, school=school, year=year, today=today
    )
    record_notices(
        paper,
        method="paper_home",
        sent_on=day(1),
        actor=actor,
        school=school,
        year=year,
        today=today,
    )
    record_notices(
        mailed, method="mail", sent_on=day(2), actor=actor, school=school, year=year, today=today
    )
    notices = list(FamilyNotice.select().order_by(FamilyNotice.id))
    for notice in notices:  # seeded record_ids, so two runs write the same records
        old, new = notice.record_id, record_uuid(rng)
        FamilyNotice.update(record_id=new).where(FamilyNotice.id == notice.id).execute()
        AuditEvent.update(record_id=new).where(AuditEvent.record_id == old).execute()
    emailed = [n for n in notices if n.method == "email"]
    posted = [n for n in notices if n.method == "mail"]
    for notice in emailed[:6]:
        change_delivery_status(
            notice.id, "bounced", reason="Mail server: address not found", actor=actor
        )
    for notice in posted[:4]:
        change_delivery_status(
            notice.id, "returned", reason="Returned: moved, no forwarding", actor=actor
        )
    for notice in posted[4:20]:
        change_delivery_status(notice.id, "delivered", actor=actor)


def _add_agreements_demo(school: School, rng: random.Random, today: date) -> None:
    """Issue 6: the police department's agreement adopted; the security company's in review with
    gaps (item B unmet; item C unmet while a guard's training is overdue; no student or community
    member yet); none with the sheriff's office, whose SRO works here (named in the annual report
    and on the dashboard); complaints received, investigated, closed."""

    year = SchoolYear.get(SchoolYear.is_current == True)  # noqa: E712

    def day(days_ago: int) -> date:  # inside the school year, never after today
        return max(year.start_date, min(today, today - timedelta(days=days_ago)))

    # Not started, and the law's six months from the first day on site have passed.
    late = SafetyStaff.get(SafetyStaff.school == school, SafetyStaff.last_name == "Petrenko")
    save_staff({"training_due_on": day(20)}, late)
    where = {
        code: f"§{n}.{rng.randint(1, 4)}, p. {n + 1}"
        for n, code in enumerate(AGREEMENT_ITEMS, start=1)
    }
    police = start_agreement(
        "Port Townsend Police Department",
        "law_enforcement_agency",
        school=school,
        year=year,
        document_title=f"SRO interlocal agreement {year.name}",
        document_reference="District office, contracts binder",
    )
    for code in AGREEMENT_ITEMS:
        set_agreement_item(police, code, met=True, where_met=where[code])
    record_stakeholder_meeting(
        police,
        held_on=day(60),
        kind="meeting",
        today=today,
        title="Safety advisory committee",
        participants=[
            {"role": "parent", "people": 6},
            {"role": "student", "people": 3},
            {"role": "community_member", "people": 2},
            {"role": "agency", "name": "Chief of Police"},
        ],
    )
    record_stakeholder_meeting(
        police,
        held_on=day(45),
        kind="survey",
        today=today,
        title="Family and student survey",
        participants=[{"role": "parent", "people": 48}, {"role": "student", "people": 112}],
    )
    adopt_agreement(
        police,
        adopted_on=day(30),
        adopted_by=f"School board, resolution {year.start_date.year}-{rng.randint(10, 40)}",
        today=today,
    )
    company = start_agreement(
        "Olympic Peninsula Security LLC",
        "security_company",
        school=school,
        year=year,
        document_title="Security services contract (draft)",
    )
    for code in AGREEMENT_ITEMS:
        # B is a gap in the draft; C cannot be met while Petrenko's training is overdue.
        if code not in ("B", "C"):
            set_agreement_item(company, code, met=True, where_met=where[code])
    record_stakeholder_meeting(
        company,
        held_on=day(15),
        kind="consultation",
        today=today,
        participants=[{"role": "parent", "people": 4}, {"role": "staff", "people": 2}],
    )
    sro = SafetyStaff.get(SafetyStaff.school == school, SafetyStaff.last_name == "Delgado-Reyes")
    guard = SafetyStaff.get(SafetyStaff.school == school, SafetyStaff.last_name == "Trần")
    intake = {
        "received_how": "phone",
        "complainant_role": "parent",
        "staff": sro,
        "category": "student_interaction",
    }
    closed = log_complaint(
        {
            **intake,
            "received_on": day(40),
            "complainant_name": "Parent A",
            "language": "Spanish",
            "what_happened": "The officer questioned my "
            "son in the hallway without calling me first.",
        },
        school=school,
        year=year,
        today=today,
    )
    route_complaint(closed, to_school_on=day(40), to_agency_on=day(39))
    add_investigation_note(closed, "Met the officer and the assistant principal.", on=day(35))
    record_response(
        closed, sent_on=day(30), summary="Letter in Spanish; meeting held.", today=today
    )
    close_complaint(closed, closed_on=day(28), today=today)
    open_one = log_complaint(
        {
            **intake,
            "staff": guard,
            "received_how": "email",
            "category": "job_duties",
            "received_on": day(12),
            "what_happened": "The guard left the east door unattended.",
        },
        school=school,
        year=year,
        today=today,
    )
    route_complaint(open_one, to_school_on=day(11))
    add_investigation_note(open_one, "Asked the company for the shift log.", on=day(9))
    log_complaint(
        {
            **intake,
            "received_how": "in_person",
            "received_on": day(2),
            "complainant_role": "student",
            "what_happened": "Spoke harshly at lunch.",
        },
        school=school,
        year=year,
        today=today,
    )
    # Seeded record_ids, so two runs write the same records (audit events follow).
    for model in (Agreement, AgreementItem, StakeholderMeeting, Participant, Complaint):
        for record in model.select().order_by(model.id):
            old, new = record.record_id, record_uuid(rng)
            model.update(record_id=new).where(model.id == record.id).execute()
            AuditEvent.update(record_id=new).where(AuditEvent.record_id == old).execute()
            # Items and participants also appear inside their agreement's or meeting's event.
            AuditEvent.update(
                after=fn.REPLACE(AuditEvent.after, old, new),
                before=fn.REPLACE(AuditEvent.before, old, new),
            ).where(AuditEvent.after.contains(old) | AuditEvent.before.contains(old)).execute()


def _add_interventions_demo(school: School, rng: random.Random, today: date) -> None:
    """Issue 5: a dozen intervention requests (see `demo.interventions`)."""

    add_demo_requests(school, rng, today, record_uuid)


DEMO_STEPS: list[tuple[str, DemoStep]] = [
    ("people", _add_people_demo),
    ("staff", _add_staff_demo),
    ("presentation", _add_presentation_demo),
    ("notices", _add_notices_demo),
    ("agreements", _add_agreements_demo),
    ("interventions", _add_interventions_demo),
]


def create_demo_school(today: date | None = None) -> School:
    """Write the demo school into the open database (see `db.open_database`) and return it.

    `today` (default: the real date) decides the school year and the training dates. Everything
    is written in one transaction, committed before returning. Raises DemoSchoolError, writing
    nothing, when the database already holds students.
    """
    today = today or date.today()
    if Student.select().exists():
        raise DemoSchoolError(
            "this database already holds a school's students; write the demo school to a new file"
        )
    with database_proxy.atomic():
        school = _create_school(step_rng("school"), today)
        for name, step in DEMO_STEPS:
            step(school, step_rng(name), today)
        counts = {
            "students": Student.select().where(Student.school == school).count(),
            "guardians": Guardian.select().where(Guardian.school == school).count(),
            "households": Household.select()
            .where(Household.school == school, Household.active == True)
            .count(),  # noqa: E712
            "safety_staff": SafetyStaff.select().where(SafetyStaff.school == school).count(),
            "languages": dict(
                Counter(
                    lang
                    for (lang,) in Student.select(Student.home_language)
                    .where(Student.school == school)
                    .tuples()
                ).most_common()
            ),
        }
        audit(
            "demo",
            school,
            after=counts,
            reason=f"demo school written for the {school_year_for(today)[0]} school year",
        )
    return school
