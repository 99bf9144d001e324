"""The garbage collector is held back while the app starts, and put back as it was once the
dashboard's first counts are drawn (with what start-up built frozen out of later collections)."""

from __future__ import annotations

import gc

import pytest

from sro_tui.ui.app import SroApp
from sro_tui.ui.widgets import collector
from tests.ui.helpers import shown_within


@pytest.fixture
def fresh_collector(monkeypatch):
    """The collector module as at a process's start, and Python's collector left as found."""
    found = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    monkeypatch.setattr(collector, "_held", False)
    monkeypatch.setattr(collector, "_found", None)
    yield
    gc.unfreeze()
    gc.set_threshold(*found)


def test_hold_then_release_puts_the_thresholds_back_and_freezes(fresh_collector):
    collector.hold()
    assert gc.get_threshold() == collector.START_THRESHOLDS
    collector.hold()  # a second hold does not forget the thresholds found first
    collector.release()
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() > 0  # what start-up built is out of later collections
    gc.set_threshold(1000, 5, 5)
    collector.release()  # once only: a later release changes nothing
    assert gc.get_threshold() == (1000, 5, 5)


async def test_the_dashboard_releases_the_collector_after_its_first_counts(
    fresh_collector, school_db
):
    collector.hold()
    app = SroApp(school_db)
    async with app.run_test(size=(120, 36)) as pilot:
        assert gc.get_threshold() == collector.START_THRESHOLDS  # still starting
        assert await shown_within(app, pilot, lambda: gc.get_threshold() == (700, 10, 10))


def test_a_hold_from_another_thread_changes_nothing(fresh_collector):
    # The warm-up imports the dashboard in a thread when the app started on another section.
    import threading

    thread = threading.Thread(target=collector.hold)
    thread.start()
    thread.join()
    assert gc.get_threshold() == (700, 10, 10)
