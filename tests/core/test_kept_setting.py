"""Who is recording and the station's name are read once and kept, yet never stale after the app
changes them: on this thread, on a worker thread, and after the database is opened again."""

from __future__ import annotations

import threading

from sro_tui.db import open_database
from sro_tui.presentation import station_name
from sro_tui.presentation.checkins import STATION_NAME_SETTING
from sro_tui.records import current_actor, set_setting


def _on_a_thread(function):
    found = []
    worker = threading.Thread(target=lambda: found.append(function()))
    worker.start()
    worker.join()
    return found[0]


def test_a_changed_actor_is_seen_at_once_everywhere(db, db_path):
    set_setting("actor", "Officer Reyes")
    assert current_actor() == "Officer Reyes"
    assert _on_a_thread(current_actor) == "Officer Reyes"  # kept on that thread now
    set_setting("actor", "Deputy Lane")
    assert current_actor() == "Deputy Lane"
    assert _on_a_thread(current_actor) == "Deputy Lane"
    set_setting(STATION_NAME_SETTING, "North door")
    assert station_name() == "North door"
    db.close()
    other = open_database(db_path.with_name("other.sqlite3"))  # another school's file
    try:
        assert current_actor() != "Deputy Lane" and station_name() == ""
    finally:
        other.close()
    again = open_database(db_path)
    try:
        assert current_actor() == "Deputy Lane"
    finally:
        again.close()
