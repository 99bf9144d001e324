"""The same merge on a real PostgreSQL server that these tests start (never a mock, never skipped
in CI; see tests/core/test_district_helpers.py)."""

from __future__ import annotations

import shutil
import threading

import pytest

from sro_tui.district import merge_bundle, open_district_database
from sro_tui.district.models import BundleMerge, DistrictRecord
from sro_tui.district.status import district_status
from sro_tui.exchange.bundle import BundleError
from tests.core.test_district_helpers import (
    build_demo_school,
    drop_district_tables,
    other_school,
    postgres_server,
    send_from,
)

pytestmark = pytest.mark.xdist_group("postgres")


@pytest.fixture(scope="module")
def server():
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    """Two schools' bundles: PTHS and BMS (the demo school under another code and identity)."""
    work = tmp_path_factory.mktemp("schools")
    template = build_demo_school(work / "pths.sqlite3")
    bms = other_school(template, work / "bms.sqlite3")
    return [send_from(template, work / "out"), send_from(bms, work / "out")]


@pytest.fixture
def district(server):
    drop_district_tables(server)
    db = open_district_database(server)
    yield db
    db.close()


def test_merge_on_postgresql_equals_the_schools(district, bundles):
    for sent in bundles:
        assert merge_bundle(district, sent.path).counts["inserted"] == sum(sent.rows.values())
    again = merge_bundle(district, bundles[0].path)
    assert again.already_merged
    assert [(s.code, s.students, s.presented) for s in district_status()] == [
        ("BMS", 600, 540),
        ("PTHS", 600, 540),
    ]


def test_a_changed_byte_is_refused_on_postgresql_and_nothing_lands(district, bundles, tmp_path):
    copy = tmp_path / bundles[0].path.name
    shutil.copytree(bundles[0].path, copy)
    target = copy / "training.csv"
    data = bytearray(target.read_bytes())
    data[-5] ^= 0x01
    target.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="training.csv"):
        merge_bundle(district, copy)
    assert DistrictRecord.select().count() == 0
    assert BundleMerge.select().count() == 0


def _merge_at_once(db, paths) -> list:
    results: list = [None] * len(paths)
    start = threading.Barrier(len(paths))

    def run(i, path):
        start.wait()
        try:
            results[i] = merge_bundle(db, path)
        except Exception as exc:  # reported below, with the bundle
            results[i] = exc
        finally:
            db.close()

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(paths)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_two_merges_at_once_of_different_schools_both_land(district, bundles):
    results = _merge_at_once(district, [b.path for b in bundles])
    assert all(not isinstance(r, Exception) and not r.already_merged for r in results), results
    assert {s.code for s in district_status()} == {"PTHS", "BMS"}
    assert BundleMerge.select().count() == 2


def test_the_same_bundle_twice_at_once_lands_once(district, bundles):
    results = _merge_at_once(district, [bundles[0].path, bundles[0].path])
    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(r.already_merged for r in results) == [False, True]
    assert BundleMerge.select().count() == 1
    assert DistrictRecord.select().count() == sum(bundles[0].rows.values())


@pytest.fixture(scope="module")
def laptop_bundles(tmp_path_factory):
    """One school's two laptops (tests/core/laptops_helpers.py), each sent once."""
    from tests.core.laptops_helpers import both_sent

    sent = both_sent(tmp_path_factory.mktemp("laptops"))
    return [sent["office"], sent["principal"]]


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_two_laptops_of_one_school_are_one_building_on_postgresql(district, laptop_bundles, order):
    for i in (*order, *order):
        merge_bundle(district, laptop_bundles[i].path)
    [school] = district_status()
    assert (
        school.code,
        school.students,
        school.presented,
        school.households_notified,
        school.intervention_requests,
        sorted(laptop.name for laptop in school.laptops),
    ) == ("PTHS", 100, 70, 20, 5, ["Front office", "Principal"])
    assert BundleMerge.select().count() == 2
