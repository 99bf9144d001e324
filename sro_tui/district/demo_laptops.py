"""A demo of one school on two laptops (issue 18): the front office and the principal.

Both start from the demo school's roster, each as its own database (the principal's students,
guardians and households get record_ids of their own, as a second import of the same roster
would give them). The front office records the check-ins of three students in four and every
family notice, and no intervention request; the principal records the check-ins of half the
students (a quarter the office also has) and the intervention requests, and no family notice.
Together they hold the demo school's records; each alone holds part of them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from peewee import Database, chunked

from sro_tui.db import open_database
from sro_tui.demo import create_demo_school
from sro_tui.district.demo import DEMO_BUILDINGS, DEMO_COUNTY_DISTRICT, give_state_ids
from sro_tui.district.laptop import set_laptop_id, set_laptop_name
from sro_tui.district.merge import MergeResult, merge_bundle
from sro_tui.district.send import SentBundle, send_to_district
from sro_tui.models import (
    FamilyNotice,
    Guardian,
    Household,
    InterventionRequest,
    PresentationAttendance,
    School,
    Student,
    database_proxy,
    new_record_id,
)

_NAMESPACE = uuid.UUID("9d3a51c7-2e84-4b6f-a0d2-4311ab1e7c05")


@dataclass(frozen=True)
class DemoLaptop:
    """One demo laptop: its name, file name, and which records it keeps."""

    name: str
    file: str
    keeps_check_ins: tuple[int, ...]  # student id % 4 values whose check-ins it recorded
    keeps_notices: bool
    keeps_requests: bool


DEMO_LAPTOPS = (
    DemoLaptop("Front office", "PTHS-office.sqlite3", (1, 2, 3), True, False),
    DemoLaptop("Principal", "PTHS-principal.sqlite3", (0, 1), False, True),
)


def _rekey(model) -> None:
    """Give every row of `model` a record_id of its own (a second import of the same roster)."""
    for pk in [pk for (pk,) in model.select(model.id).tuples()]:
        model.update(record_id=new_record_id()).where(model.id == pk).execute()


def write_demo_laptop(laptop: DemoLaptop, path: Path, today: date | None = None) -> Path:
    """Write one demo laptop's database at `path` (see the module)."""
    db = open_database(path)
    try:
        create_demo_school(today)
        with database_proxy.atomic():
            # The same building as the four-school demo's first (its OSPI codes and the made-up
            # SSIDs), so the state's S file of the laptops demo is filled in too.
            building = DEMO_BUILDINGS[0]
            School.update(
                ospi_building_code=building.ospi_building_code,
                county_district_code=DEMO_COUNTY_DISTRICT,
            ).execute()
            give_state_ids(building)
            if laptop is not DEMO_LAPTOPS[0]:
                for model in (School, Student, Guardian, Household):
                    _rekey(model)
            dropped = [
                pk
                for pk, student in PresentationAttendance.select(
                    PresentationAttendance.id, PresentationAttendance.student
                ).tuples()
                if student % 4 not in laptop.keeps_check_ins
            ]
            for batch in chunked(dropped, 500):
                PresentationAttendance.delete().where(
                    PresentationAttendance.id.in_(batch)
                ).execute()
            if not laptop.keeps_notices:
                FamilyNotice.delete().execute()
            if not laptop.keeps_requests:
                InterventionRequest.delete().execute()
            set_laptop_name(laptop.name)
            set_laptop_id(str(uuid.uuid5(_NAMESPACE, laptop.name)))
    finally:
        db.close()
    return path


def write_demo_laptops(
    district_db: Database, out_dir: Path, folder: Path, today: date | None = None
) -> list[tuple[SentBundle, MergeResult]]:
    """Both demo laptops written into `folder`, each sends into `out_dir`, and both bundles are
    merged into `district_db`."""
    done = []
    for laptop in DEMO_LAPTOPS:
        path = folder / laptop.file
        if path.exists():
            raise FileExistsError(f"{path} already exists; give an empty folder")
        write_demo_laptop(laptop, path, today)
        db = open_database(path)
        try:
            sent = send_to_district(out_dir)
        finally:
            db.close()
        done.append((sent, merge_bundle(district_db, sent.path, merged_by="demo")))
    return done
