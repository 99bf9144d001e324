"""A school of the benchmark's size (5,000 students, 9,000 guardians) imports whole, either format.

Speed is measured by benchmarks/bench_foundation.py, never asserted here: timings on shared
machines are noise.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from sro_tui import roster
from sro_tui.models import Guardian, Household, Student

STUDENTS, GUARDIAN_TARGET = 5000, 9000


def family_of(i: int) -> int:
    return i // 2 if i < 1000 else i - 500  # 500 pairs of siblings, 4,000 only children


def write_sis(path: Path) -> None:
    lines = [
        "Student ID,Last Name,First Name,Grade,Homeroom,Guardian 1 Name,Guardian 1 Email,"
        "Guardian 1 Phone,Guardian 1 Address,Guardian 1 Zip,Guardian 2 Name,"
        "Guardian 2 Email,Guardian 2 Address,Guardian 2 Zip"
    ]
    for i in range(STUDENTS):
        f = family_of(i)
        # every family has two guardians; a third of families live apart (two addresses)
        second_address = f"{f} Second St" if f % 3 == 0 else f"{f} Main St"
        lines.append(
            f"{i:06d},Family{f},Kid{i},{i % 12 + 1},{i % 40 + 100},Parent{f} A,"
            f"a{f}@example.org,360555{f:04d},{f} Main St,98368,Parent{f} B,"
            f"b{f}@example.org,{second_address},98368"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_oneroster(folder: Path) -> None:
    folder.mkdir()
    (folder / "orgs.csv").write_text(
        "sourcedId,status,dateLastModified,name,type,identifier\n"
        "s1,active,2026-08-01,Big High School,school,BHS\n"
    )
    users = [
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
        "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades"
    ]
    for i in range(STUDENTS):
        f = family_of(i)
        users.append(
            f"u{i},active,,true,s1,student,,,Kid{i},Family{f},,{i:06d},,,,"
            f'"p{f}a,p{f}b",{i % 12 + 1:02d}'
        )
    for f in range(GUARDIAN_TARGET // 2):
        for side in "ab":
            users.append(
                f"p{f}{side},active,,true,s1,parent,,,Parent{f},{side},,,"
                f"{side}{f}@example.org,,360555{f:04d},,"
            )
    (folder / "users.csv").write_text("\n".join(users) + "\n", encoding="utf-8")


@pytest.mark.parametrize("kind", ["sis", "oneroster"])
def test_a_five_thousand_student_school_imports_whole(school, tmp_path, kind):
    """The benchmark's size, checked for correctness (timings are in benchmarks/, not here)."""
    if kind == "sis":
        path = tmp_path / "big.csv"
        write_sis(path)
    else:
        school.delete_instance()  # the bundle creates its own school
        path = tmp_path / "bundle"
        write_oneroster(path)
    result = roster.apply_import(roster.prepare_import(path))
    assert gc.isenabled()  # paused for the import only
    assert Student.select().count() == STUDENTS == result.added
    assert Guardian.select().count() == GUARDIAN_TARGET
    # 500 sibling pairs + 4,000 only children = 4,500 families; a third of the SIS families
    # live apart (two addresses); OneRoster guardians carry no address, so one household each.
    expected = 4500 + 1500 if kind == "sis" else 4500
    assert Household.select().where(Household.active == True).count() == expected  # noqa: E712
    if kind == "oneroster":
        return  # the re-import path is the same code for both formats; keep the suite short
    again = roster.apply_import(roster.prepare_import(path))
    assert (again.added, again.updated, again.deactivated, again.unchanged) == (0, 0, 0, STUDENTS)
