"""A large, deterministic school for the benchmarks: 5,000 students and 9,000 guardians.

The families come from the demo school's generator (`sro_tui.demo.make_families`: the same names,
languages, siblings and split households), written three ways:
- `write_sis_csv`: a generic SIS export, one row per student with Guardian 1..N columns;
- `write_oneroster`: a OneRoster 1.1 CSV bundle (orgs, users linked both ways through
  agentSourcedIds, demographics, homeroom classes and enrollments);
- `write_database`: straight into an sro-tui database (for benchmarks that need a roster loaded
  without timing an import).

Use from another benchmark: `from benchmarks.generate import generate_families, write_sis_csv`
(with the repository root on sys.path, as `bench_foundation.py` does), or run it to write the files:
`uv run python benchmarks/generate.py OUT_DIR`.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

from peewee import chunked

from sro_tui.demo import (
    GRADES,
    DemoFamily,
    DemoGuardian,
    DemoStudent,
    make_families,
    record_uuid,
)
from sro_tui.search import student_search_key

STUDENTS = 5_000
GUARDIANS = 9_000
SEED = 5000
SCHOOL_CODE = "BENCH"
SCHOOL_NAME = "Benchmark High School"
DISTRICT_ID = "org-bench-district"
SCHOOL_ID = "org-bench"


def generate_families(
    students: int = STUDENTS, guardians: int = GUARDIANS, seed: int = SEED
) -> list[DemoFamily]:
    """The benchmark school's families: the same list for the same arguments, every time."""
    return make_families(random.Random(seed), students, guardians, GRADES, id_prefix="bench")


def _students(families: list[DemoFamily]) -> list[tuple[DemoStudent, list[DemoGuardian]]]:
    return [(s, f.guardians) for f in families for s in f.children]


def _flag(value: bool) -> str:
    return "Y" if value else "N"


# --- generic SIS CSV --------------------------------------------------------------------------

GUARDIAN_PARTS = (
    "First Name",
    "Last Name",
    "Relationship",
    "Email",
    "Phone",
    "Language",
    "Street",
    "City",
    "State",
    "Zip",
)


def write_sis_csv(families: list[DemoFamily], path: Path) -> Path:
    """One row per student: ID, names, grade, homeroom, demographics, then Guardian 1..N."""
    slots = max(len(f.guardians) for f in families)
    header = [
        "Student ID",
        "Last Name",
        "First Name",
        "Preferred Name",
        "Grade",
        "Homeroom",
        "Sex",
        "Race",
        "IEP",
        "504",
        "ELL",
        "Home Language",
    ]
    header += [f"Guardian {n} {part}" for n in range(1, slots + 1) for part in GUARDIAN_PARTS]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for s, guardians in _students(families):
            row = [
                s.sis_id,
                s.last_name,
                s.first_name,
                s.preferred_name,
                s.grade,
                s.homeroom,
                s.sex,
                s.race_ethnicity,
                _flag(s.iep),
                _flag(s.section_504),
                _flag(s.english_learner),
                s.home_language,
            ]
            for n in range(slots):
                if n < len(guardians):
                    g = guardians[n]
                    row += [
                        g.first_name,
                        g.last_name,
                        g.relationship,
                        g.email,
                        g.phone,
                        g.preferred_language,
                        g.street,
                        g.city,
                        g.state,
                        g.postal_code,
                    ]
                else:
                    row += [""] * len(GUARDIAN_PARTS)
            writer.writerow(row)
    return path


# --- PowerSchool students export + contacts export ----------------------------------------------


def write_powerschool_pair(families: list[DemoFamily], students: Path, contacts: Path) -> Path:
    """A PowerSchool students export (no guardian columns) and its contacts export: one row per
    contact × student × phone (home and mobile), as PowerSchool flattens its contact tables."""
    students.parent.mkdir(parents=True, exist_ok=True)
    with students.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["Student_Number", "First_Name", "Last_Name", "Grade_Level", "Enroll_Status", "Gender"]
            + ["Street", "City", "State", "Zip", "State_StudentNumber"]
        )
        for s, guardians in _students(families):
            home = next((g for g in guardians if g.street), None)
            address = [home.street, home.city, home.state, home.postal_code] if home else [""] * 4
            grade = {"K": "0", "PK": "-1"}.get(s.grade, s.grade)
            writer.writerow(
                [s.sis_id, s.first_name, s.last_name, grade, "0", s.sex[:1], *address]
                + [f"9{s.sis_id[-9:]:0>9}"]
            )
    with contacts.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["Student_Number", "Contact ID", "First Name", "Last Name", "Relationship"]
            + ["Is Custodial", "Lives With", "Email Address", "Phone Type", "Phone Number"]
            + ["Is Preferred", "Street", "City", "State", "Postal Code"]
        )
        for s, guardians in _students(families):
            for g in guardians:
                for kind, preferred in (("Home", "0"), ("Mobile", "1")):
                    writer.writerow(
                        [s.sis_id, g.source_key, g.first_name, g.last_name, g.relationship]
                        + ["1", "1" if g.street else "0", g.email, kind, g.phone, preferred]
                        + [g.street, g.city, g.state, g.postal_code]
                    )
    return contacts


# --- OneRoster 1.1 bundle ---------------------------------------------------------------------

USER_COLUMNS = (
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
)
RACE_COLUMNS = {
    "americanIndianOrAlaskaNative": "American Indian or Alaska Native",
    "asian": "Asian",
    "blackOrAfricanAmerican": "Black or African American",
    "nativeHawaiianOrOtherPacificIslander": "Native Hawaiian or Other Pacific Islander",
    "white": "White",
    "demographicRaceTwoOrMoreRaces": "Two or more races",
    "hispanicOrLatinoEthnicity": "Hispanic or Latino",
}
GUARDIAN_ROLE = {
    "Mother": "parent",
    "Father": "parent",
    "Stepmother": "parent",
    "Stepfather": "parent",
    "Guardian": "guardian",
}  # grandparents: relative


def _write(path: Path, header: tuple[str, ...] | list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def write_oneroster(families: list[DemoFamily], folder: Path) -> Path:
    """A OneRoster 1.1 bulk bundle for one school in one district (a folder of CSV files)."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(
        folder / "manifest.csv",
        ["propertyName", "value"],
        [
            ["manifest.version", "1.0"],
            ["oneroster.version", "1.1"],
            *[
                [f"file.{name}", "bulk"]
                for name in ("users", "orgs", "demographics", "classes", "enrollments")
            ],
        ],
    )
    _write(
        folder / "orgs.csv",
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "name",
            "type",
            "identifier",
            "parentSourcedId",
        ],
        [
            [DISTRICT_ID, "", "", "Benchmark School District", "district", "BSD", ""],
            [SCHOOL_ID, "", "", SCHOOL_NAME, "school", SCHOOL_CODE, DISTRICT_ID],
        ],
    )
    users: list[list[str]] = []
    demographics: list[list[str]] = []
    enrollments: list[list[str]] = []
    homerooms: dict[str, str] = {}
    for f in families:
        kids = [f"stu-{s.sis_id}" for s in f.children]
        for g in f.guardians:
            users.append(
                [
                    g.source_key,
                    "",
                    "",
                    "true",
                    DISTRICT_ID,
                    GUARDIAN_ROLE.get(g.relationship, "relative"),
                    "",
                    "",
                    g.first_name,
                    g.last_name,
                    "",
                    "",
                    g.email,
                    "",
                    g.phone,
                    ",".join(kids),
                    "",
                    "",
                ]
            )
        for s, uid in zip(f.children, kids, strict=True):
            users.append(
                [
                    uid,
                    "tobedeleted" if not s.active else "",
                    "",
                    "true",
                    SCHOOL_ID,
                    "student",
                    f"s{s.sis_id}",
                    "",
                    s.first_name,
                    s.last_name,
                    s.middle_name,
                    s.sis_id,
                    "",
                    "",
                    "",
                    ",".join(g.source_key for g in f.guardians),
                    f"{int(s.grade):02d}",
                    "",
                ]
            )
            races = set(s.race_ethnicity.split("; "))
            demographics.append(
                [
                    uid,
                    "",
                    "",
                    "",
                    {"Female": "female", "Male": "male"}.get(s.sex, "other"),
                    *("true" if label in races else "false" for label in RACE_COLUMNS.values()),
                    "",
                    "",
                    "",
                    str(s.iep).lower(),
                    str(s.english_learner).lower(),
                ]
            )
            class_id = homerooms.setdefault(s.homeroom, f"hr-{s.homeroom}")
            enrollments.append(
                [f"enr-{s.sis_id}", "", "", class_id, SCHOOL_ID, uid, "student", "false", "", ""]
            )
    _write(folder / "users.csv", USER_COLUMNS, users)
    # Birth place columns are part of the standard; the generator leaves them empty.
    _write(
        folder / "demographics.csv",
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "birthDate",
            "sex",
            *RACE_COLUMNS,
            "countryOfBirthCode",
            "stateOfBirthAbbreviation",
            "cityOfBirth",
            "metadata.iep",
            "metadata.ell",
        ],
        demographics,
    )
    _write(
        folder / "classes.csv",
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "title",
            "grades",
            "courseSourcedId",
            "classCode",
            "classType",
            "location",
            "schoolSourcedId",
            "termSourcedIds",
            "subjects",
        ],
        [
            [cid, "", "", room, "", "crs-homeroom", room, "homeroom", "", SCHOOL_ID, "term-1", ""]
            for room, cid in sorted(homerooms.items())
        ],
    )
    _write(
        folder / "enrollments.csv",
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "classSourcedId",
            "schoolSourcedId",
            "userSourcedId",
            "role",
            "primary",
            "beginDate",
            "endDate",
        ],
        enrollments,
    )
    return folder


# --- straight into a database -----------------------------------------------------------------


def write_database(families: list[DemoFamily], path: Path):
    """Open (create) the database at `path` and write the school into it; returns the open db."""
    from datetime import date

    from sro_tui.db import open_database
    from sro_tui.models import Guardian, Student, StudentGuardian, database_proxy
    from sro_tui.records import ensure_current_year, ensure_school
    from sro_tui.roster import rebuild_households

    rng = random.Random(SEED + 1)
    db = open_database(path)
    with database_proxy.atomic():
        school = ensure_school(SCHOOL_CODE, SCHOOL_NAME)
        ensure_current_year(date(2026, 9, 1))
        students = [
            {
                "record_id": record_uuid(rng),
                "school": school.id,
                **vars(s),
                "search_key": student_search_key(
                    s.sis_id, s.first_name, s.middle_name, s.last_name, s.preferred_name
                ),
            }
            for s, _ in _students(families)
        ]
        for batch in chunked(students, 500):
            Student.insert_many(batch).execute()
        guardians = [
            {
                "record_id": record_uuid(rng),
                "school": school.id,
                **{k: v for k, v in vars(g).items() if k != "relationship"},
            }
            for f in families
            for g in f.guardians
        ]
        for batch in chunked(guardians, 500):
            Guardian.insert_many(batch).execute()
        student_ids = dict(Student.select(Student.sis_id, Student.id).tuples())
        guardian_ids = dict(Guardian.select(Guardian.source_key, Guardian.id).tuples())
        links = [
            {
                "record_id": record_uuid(rng),
                "student": student_ids[s.sis_id],
                "guardian": guardian_ids[g.source_key],
                "relationship": g.relationship,
            }
            for f in families
            for s in f.children
            for g in f.guardians
        ]
        for batch in chunked(links, 500):
            StudentGuardian.insert_many(batch).execute()
        rebuild_households(school)
    return db


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python benchmarks/generate.py OUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    families = generate_families()
    print(write_sis_csv(families, out / "sis_students.csv"))
    print(write_oneroster(families, out / "oneroster11"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
