"""A demo district: four demo schools (the demo school under other names and codes), each sending
a bundle, merged into a district database — so the district screen can be tried at once."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from peewee import Database, Value

from sro_tui.db import open_database
from sro_tui.demo import add_district_demo_requests, create_demo_school
from sro_tui.district.merge import MergeResult, merge_bundle
from sro_tui.district.send import SentBundle, send_to_district
from sro_tui.models import School, Student, utc_now
from sro_tui.presentation import list_sessions, undo_last_check_in
from sro_tui.records import current_year, get_school

_NAMESPACE = uuid.UUID("4b2e9d1c-7a51-4f3e-8c60-311d15c0de14")


@dataclass(frozen=True)
class DemoBuilding:
    """One demo school: its code and name, check-ins undone (so the figures differ), how many
    days ago it last sent, its OSPI codes, and how many of the district's extra requests it has
    (`demo.DISTRICT_EXTRA_REQUESTS`: an arrest with a restraint, a citation, an isolation)."""

    code: str
    name: str
    undo_check_ins: int
    sent_days_ago: int
    ospi_building_code: str = ""
    extra_requests: int = 0


DEMO_BUILDINGS = (
    DemoBuilding("PTHS", "Port Townsend High School", 0, 0, "3021"),
    DemoBuilding("BMS", "Blue Heron Middle School", 90, 1, "3022", 1),
    DemoBuilding("CHS", "Chimacum High School", 240, 3, "3023", 2),
    DemoBuilding("QHS", "Quilcene High School", 400, 21, "3024", 3),
)


DEMO_COUNTY_DISTRICT = "16050"  # the demo district's five-digit county-district code


def give_state_ids(building: DemoBuilding) -> None:
    """Every demo student gets a made-up ten-digit SSID (9, the building, 0, the SIS id), so the
    state's S file of the demo district fills S04 and S06; never a real student's number."""
    prefix = f"9{DEMO_BUILDINGS.index(building)}0"  # + seven digits: ten in all
    Student.update(ssid=Value(prefix).concat(Student.sis_id)).execute()


def write_demo_school_bundle(
    building: DemoBuilding, school_db: Path, out_dir: Path, today: date | None = None
) -> SentBundle:
    """Write one demo school into `school_db` under the building's code and name, and send."""
    db = open_database(school_db)
    try:
        create_demo_school(today)
        identity = str(uuid.uuid5(_NAMESPACE, building.code))
        School.update(
            code=building.code,
            name=building.name,
            record_id=identity,
            ospi_building_code=building.ospi_building_code,
            county_district_code=DEMO_COUNTY_DISTRICT,
        ).execute()
        give_state_ids(building)
        if building.extra_requests:
            add_district_demo_requests(get_school(), building.extra_requests, today or date.today())
        sessions = list_sessions(current_year())
        for _ in range(building.undo_check_ins):
            if not any(undo_last_check_in(s, actor="demo") for s in sessions[:1]):
                break
        sent_at = utc_now() - timedelta(days=building.sent_days_ago)
        return send_to_district(out_dir, now=sent_at)
    finally:
        db.close()


def write_demo_district(
    district_db: Database,
    out_dir: Path,
    buildings: tuple[DemoBuilding, ...] = DEMO_BUILDINGS,
    today: date | None = None,
    keep_schools: Path | None = None,
) -> list[tuple[SentBundle, MergeResult]]:
    """Each building sends a bundle into `out_dir`; all are merged into `district_db`.

    With `keep_schools`, each school's database stays there as `<CODE>.sqlite3` (to open with
    `sro-tui --db`, record more, and send again); otherwise they are thrown away."""
    done = []
    with tempfile.TemporaryDirectory(prefix="sro-tui-demo-district-") as work:
        folder = keep_schools or Path(work)
        for building in buildings:
            school_db = folder / f"{building.code}.sqlite3"
            if school_db.exists():
                raise FileExistsError(f"{school_db} already exists; give an empty folder")
            sent = write_demo_school_bundle(building, school_db, out_dir, today)
            done.append((sent, merge_bundle(district_db, sent.path, merged_by="demo")))
    return done
