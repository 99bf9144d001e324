"""The Civil Rights Data Collection tallies: students referred to law enforcement and students
subjected to a school-related arrest, with students physically or mechanically restrained and
secluded beside them, per school by race/ethnicity × sex, and by disability (IDEA; Section 504
only) and English learner status, each by sex.

A student is counted once per category per school, however many incidents they had; `instances`
counts each incident a student had. Demographics not recorded are counted as "Not recorded", never
dropped, and the district's copy says which students they are. Which state type codes count as
physical or mechanical restraint is CRDC_RESTRAINT below (check it against the current CRDC
definitions: a device or equipment that restricts movement is mechanical).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from sro_tui.policy import suppress_table, suppress_total
from sro_tui.reports.restraint import NOT_FOR_PUBLICATION, PUBLISHED
from sro_tui.reports.state_data import StateIncident, StateSchool, StateStudent

MEASURES = (
    ("referral", "Referred to law enforcement"),
    ("arrest", "School-related arrest"),
    ("physical_restraint", "Physical restraint"),
    ("mechanical_restraint", "Mechanical restraint"),
    ("restraint_type_not_recorded", "Restraint, type not recorded"),
    ("seclusion", "Seclusion (isolation)"),
)
# State type codes (policy.RESTRAINT_TYPES) -> the CRDC's kinds of restraint.
CRDC_RESTRAINT = {
    **dict.fromkeys(("1", "2", "3", "4", "5", "8", "16"), "physical_restraint"),
    **dict.fromkeys(("6", "7", "9", "17", "18"), "mechanical_restraint"),
}
RACES = (
    "Hispanic or Latino",
    "American Indian or Alaska Native",
    "Asian",
    "Black or African American",
    "Native Hawaiian or Other Pacific Islander",
    "White",
    "Two or more races",
)
NOT_RECORDED = "Not recorded"
SEXES = ("Male", "Female", "X", NOT_RECORDED)
SUBGROUPS = ("IDEA", "Section 504 only", "English learner")
ALL = "All students"
_RACE_WORDS = (
    ("american indian", RACES[1]),
    ("alaska", RACES[1]),
    ("native hawaiian", RACES[4]),
    ("pacific islander", RACES[4]),
    ("asian", RACES[2]),
    ("black", RACES[3]),
    ("african american", RACES[3]),
    ("white", RACES[5]),
)


@lru_cache(maxsize=4096)  # a district has a few dozen distinct spellings: read each once
def crdc_race(text: str) -> str:
    """The CRDC's race/ethnicity for what the roster holds: Hispanic or Latino of any race; two
    or more races; one race; "Not recorded" when empty or not recognised (never a guess)."""
    parts = [p.strip().lower() for p in text.replace(",", ";").replace("/", ";").split(";")]
    parts = [p for p in parts if p]
    if not parts:
        return NOT_RECORDED
    if any("hispanic" in p or "latino" in p or "latinx" in p for p in parts):
        return RACES[0]
    if any("two or more" in p or "multi" in p for p in parts):
        return RACES[6]
    found = set()
    for part in parts:
        race = next((race for word, race in _RACE_WORDS if word in part), None)
        if race is None:
            return NOT_RECORDED
        found.add(race)
    return found.pop() if len(found) == 1 else RACES[6]


@lru_cache(maxsize=256)
def crdc_sex(text: str) -> str:
    value = text.strip().lower()
    return {"male": "Male", "m": "Male", "female": "Female", "f": "Female", "x": "X"}.get(
        value, NOT_RECORDED
    )


def subgroups_of(student: StateStudent) -> list[str]:
    groups = []
    if student.iep:
        groups.append("IDEA")
    elif student.section_504:
        groups.append("Section 504 only")
    if student.english_learner:
        groups.append("English learner")
    return groups


@dataclass
class SchoolTally:
    """One school's (or the district's, code "TOTAL") students per measure."""

    code: str
    name: str
    # measure -> sis_id -> the student; measure -> instances
    students: dict[str, dict[str, StateStudent]] = field(default_factory=lambda: defaultdict(dict))
    instances: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def cells(self, measure: str) -> dict[tuple[str, str], int]:
        """(race, sex) -> students, every race and sex present (zeros included)."""
        counts = dict.fromkeys(((r, s) for r in (*RACES, NOT_RECORDED) for s in SEXES), 0)
        for student in self.students[measure].values():
            counts[(crdc_race(student.race_ethnicity), crdc_sex(student.sex))] += 1
        return counts

    def subgroup_cells(self, measure: str, group: str) -> dict[tuple[str, str], int]:
        counts = dict.fromkeys(((group, s) for s in SEXES), 0)
        for student in self.students[measure].values():
            if group in subgroups_of(student):
                counts[(group, crdc_sex(student.sex))] += 1
        return counts

    def unclassified(self, measure: str) -> list[StateStudent]:
        """Students of the measure whose race/ethnicity or sex is not recorded or not known."""
        return [
            s
            for s in self.students[measure].values()
            if crdc_race(s.race_ethnicity) == NOT_RECORDED or crdc_sex(s.sex) == NOT_RECORDED
        ]


def _measures_of(incident: StateIncident) -> dict[str, list[StateStudent]]:
    found: dict[str, list[StateStudent]] = {
        "referral": incident.referred_students(),
        "arrest": incident.arrested_students(),
    }
    r = incident.restraint
    if r is not None:
        restrained = incident.restrained_students()
        kinds = {CRDC_RESTRAINT[c] for c in r.type_codes if c in CRDC_RESTRAINT}
        if r.restraint and not kinds:
            kinds.add("restraint_type_not_recorded")
        if r.isolation:
            kinds.add("seclusion")
        for kind in kinds:
            found[kind] = restrained
    return found


def crdc_tallies(schools: list[StateSchool]) -> list[SchoolTally]:
    """One tally per school (by code), then the district's ("TOTAL": each school's students
    added, so a student in two buildings counts in each, as the CRDC counts per school)."""
    tallies = []
    for school in sorted(schools, key=lambda s: s.code):
        tally = SchoolTally(school.code, school.name)
        for incident in school.incidents:
            for measure, students in _measures_of(incident).items():
                for student in students:
                    tally.students[measure][student.sis_id] = student
                    tally.instances[measure] += 1
        tallies.append(tally)
    total = SchoolTally("TOTAL", "District total")
    for tally in tallies:
        for measure, _label in MEASURES:
            for sis_id, student in tally.students[measure].items():
                total.students[measure][f"{tally.code}/{sis_id}"] = student
            total.instances[measure] += tally.instances[measure]
    return [*tallies, total]


def crdc_table(tallies: list[SchoolTally], *, published: bool) -> list[dict[str, str]]:
    """CSV rows: school, measure, group (a race, a subgroup, or "All students"), sex, students;
    each measure's "All students" row also gives the instances. Published: each school's race ×
    sex table is suppressed with its complements (rows and columns add up to totals shown), each
    subgroup's row on its own, and any total under 10 is hidden."""
    out: list[dict[str, str]] = []
    for tally in tallies:
        for measure, label in MEASURES:
            race_cells = tally.cells(measure)
            tables = [race_cells] + [tally.subgroup_cells(measure, g) for g in SUBGROUPS]
            for i, cells in enumerate(tables):
                shown = (
                    suppress_table(cells, rows_add_up=True, columns_add_up=i == 0)
                    if published
                    else {c: str(n) for c, n in cells.items()}
                )
                for (group, sex), text in shown.items():
                    out.append(_row(tally, label, group, sex, text, ""))
            total = len(tally.students[measure])
            instances = tally.instances[measure]
            out.append(
                _row(
                    tally, label, ALL, "All",
                    suppress_total(total) if published else str(total),
                    suppress_total(instances) if published else str(instances),
                )
            )  # fmt: skip
    return out


def _row(tally: SchoolTally, measure: str, group: str, sex: str, students: str, instances: str):
    return {
        "school_code": tally.code,
        "school": tally.name,
        "measure": measure,
        "group": group,
        "sex": sex,
        "students": students,
        "instances": instances,
    }


def render_crdc(
    tallies: list[SchoolTally],
    school_year: str,
    *,
    published: bool,
    rows: list[dict[str, str]] | None = None,
) -> str:
    """The tallies as text: per school and measure, the students by race × sex (only the rows
    with students) and the subgroups; the district's copy lists the unclassified students."""
    lines = [
        "Civil Rights Data Collection — referrals, arrests, restraint and seclusion, "
        f"{school_year}",
        PUBLISHED if published else NOT_FOR_PUBLICATION,
        "",
    ]
    if rows is None:  # the table already built for the CSV, when given
        rows = crdc_table(tallies, published=published)
    by_key: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_key[(row["school_code"], row["measure"])].append(row)
    for tally in tallies:
        lines.append(f"{tally.code} — {tally.name}")
        for measure, label in MEASURES:
            cells = by_key[(tally.code, label)]
            total = cells[-1]
            lines.append(
                f"  {label}: {total['students']} student(s), {total['instances']} instance(s)"
            )
            for cell in cells[:-1]:
                if cell["students"] != "0":
                    lines.append(f"    {cell['group']:<45} {cell['sex']:<13} {cell['students']:>5}")
            missing = tally.unclassified(measure)
            if missing and not published:
                ids = ", ".join(sorted(s.sis_id for s in missing))
                lines.append(f"    not classified (race/ethnicity or sex not recorded): {ids}")
        lines.append("")
    return "\n".join(lines)
