"""A door's laptop killed mid-assembly: the real `sro-tui check-in --db KIT` on a pty, SIGKILL,
then the office merges the kit. Every check-in the station's screen confirmed reaches the school."""

from __future__ import annotations

import time
from pathlib import Path

from sro_tui.db import open_database
from sro_tui.presentation import make_station_kit, merge_station_kit, todays_session

from .test_checkin_kill import Terminal, _command, _recorded, school_file  # noqa: F401


def test_a_killed_station_still_merges_every_confirmed_check_in(
    school_file: Path,  # noqa: F811
    tmp_path: Path,
):
    database = open_database(school_file)
    kit = make_station_kit(tmp_path / "usb", "North door", todays_session())
    database.close()

    term = Terminal(_command(kit))
    try:
        term.wait_for(r"Check-in station: North door", timeout=30)  # it says which door
        term.wait_for(r"student ID, or type", timeout=30)
        time.sleep(0.5)
        confirmed = [f"{700000 + n}" for n in range(25)]
        for sis_id in confirmed[:10]:
            term.type(sis_id + "\r")
            time.sleep(0.03)
        term.type("000999\r")  # an unknown card, kept for later
        for sis_id in confirmed[10:]:
            term.type(sis_id + "\r")
            time.sleep(0.03)
        term.wait_for(rf"#{len(confirmed)}\b", timeout=30)
        in_flight = [f"{700000 + n}" for n in range(25, 60)]
        term.type("".join(s + "\r" for s in in_flight))
        time.sleep(0.3)
    finally:
        term.kill()
    assert Path(f"{kit}-wal").exists()  # the killed station left its log: the merge reads it

    database = open_database(school_file)  # the office merges the stick as it came
    try:
        added = merge_station_kit(kit).check_ins_added
    finally:
        database.close()
    at_station, _ = _recorded(kit)
    assert at_station[: len(confirmed)] == confirmed
    assert added == len(at_station)
    in_school, unmatched = _recorded(school_file)
    assert sorted(in_school) == sorted(at_station)  # every committed scan, confirmed or not
    assert set(confirmed) <= set(in_school)
    assert unmatched == ["000999"]
