"""The school's identity: its name, its own short code, the OSPI building code and the
county-district code. Asked on the first roster import, editable later (School form, `sro-tui
school set`), audited. Changing the code changes the one School row: every record_id is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sro_tui.models import School, database_proxy
from sro_tui.records import audit, snapshot

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$")
_BUILDING = re.compile(r"^\d{4,5}$")
_DISTRICT = re.compile(r"^\d{5}$")
FIELDS = {
    "name": "name",
    "code": "code",
    "building_code": "ospi_building_code",
    "district_code": "county_district_code",
}


class SchoolIdentityError(ValueError):
    """A name or code that cannot be used; the message names the field and why."""


@dataclass(frozen=True)
class SchoolIdentity:
    """What a person gives for the school; None (or '') leaves a field as it is."""

    name: str | None = None
    code: str | None = None
    building_code: str | None = None
    district_code: str | None = None

    def given(self) -> dict[str, str]:
        """The fields given, stripped, by School column name."""
        return {
            FIELDS[f]: value.strip()
            for f in FIELDS
            if (value := getattr(self, f)) is not None and value.strip()
        }

    def check(self) -> None:
        """Raise SchoolIdentityError naming the first field that cannot be used."""
        for problem in identity_problems(self):
            raise SchoolIdentityError(problem)


def identity_problems(identity: SchoolIdentity) -> list[str]:
    """Every reason the identity cannot be used ('' never; an empty list when it can)."""
    return list(identity_field_problems(identity).values())


def identity_field_problems(identity: SchoolIdentity) -> dict[str, str]:
    """The same reasons by the `SchoolIdentity` field each is about (for a form to show each
    beside its box)."""
    problems = {}
    given = identity.given()
    if "name" in given and len(given["name"]) > 120:
        problems["name"] = "the school's name is longer than 120 characters"
    code = given.get("code")
    if code is not None and not _CODE.match(code):
        problems["code"] = (
            f"the school code {code!r} is not a short code: letters and digits (and . _ -), "
            "at most 16, no spaces; e.g. PTHS"
        )
    if code is not None and "name" in given and given["name"].casefold() == code.casefold():
        problems["name"] = (
            f"the school's name {given['name']!r} is its short code: give its full name "
            '(e.g. "Port Townsend High School")'
        )
    building = given.get("ospi_building_code")
    if building is not None and not _BUILDING.match(building):
        problems["building_code"] = f"the OSPI building code {building!r} is not 4 or 5 digits"
    district = given.get("county_district_code")
    if district is not None and not _DISTRICT.match(district):
        problems["district_code"] = (
            f"the county-district code {district!r} is not five digits (e.g. 16050)"
        )
    return problems


def set_school_identity(school: School, identity: SchoolIdentity, reason: str = "") -> School:
    """Change the school's name and codes in one audited transaction. The row (and its
    record_id) stays: exports carry the new code, and every record keeps pointing at it."""
    identity.check()
    changes = {
        column: value
        for column, value in identity.given().items()
        if getattr(school, column) != value
    }
    if not changes:
        return school
    new_code = changes.get("code")
    if new_code is not None:
        taken = School.get_or_none((School.code == new_code) & (School.id != school.id))
        if taken is not None:
            raise SchoolIdentityError(f"the code {new_code!r} is already {taken.name}'s")
    with database_proxy.atomic():
        before = snapshot(school)
        for column, value in changes.items():
            setattr(school, column, value)
        school.save()
        audit(
            "update",
            school,
            before=before,
            after=snapshot(school),
            reason=reason or "school identity changed",
        )
    return school
