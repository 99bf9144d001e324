"""`sro-tui school merge` (issue 18): another laptop's bundle of the same school, taken into this
database — what the principal's dashboard then shows, and what is refused."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from sro_tui.db import open_database
from sro_tui.district.school_merge import SchoolMergeRefused, merge_laptop_bundle
from sro_tui.exchange.bundle import BundleError
from sro_tui.models import AuditEvent, FamilyNotice, PresentationAttendance, School
from sro_tui.notices import change_delivery_status, record_notices
from sro_tui.presentation import list_sessions, undo_last_check_in
from sro_tui.records import current_year
from sro_tui.reports import full_status
from tests.core.laptops_helpers import (
    NOW,
    TODAY,
    both_sent,
    check_in,
    new_laptop,
    send,
)


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    return both_sent(tmp_path_factory.mktemp("laptops"))


@pytest.fixture
def principal(two, tmp_path):
    """A fresh copy of the principal's laptop, open."""
    path = shutil.copyfile(two["principal_db"], tmp_path / "principal.sqlite3")
    db = open_database(path)
    yield path
    db.close()


def table_counts() -> tuple[int, ...]:
    return (
        PresentationAttendance.select().count(),
        FamilyNotice.select().count(),
        AuditEvent.select().count(),
    )


def test_the_offices_check_ins_and_notices_appear_on_the_principals_dashboard(two, principal):
    before = full_status()
    assert before["presentation"]["presented_students"] == 30
    assert before["family_notices"]["notified"] == 0
    result = merge_laptop_bundle(two["office"].path, actor="principal")
    assert (result.laptop, result.check_ins_added, result.check_ins_already) == (
        "Front office",
        40,  # students 1-40; 41-50 the principal had checked in already
        10,
    )
    assert (result.notices_added, result.students_not_here, result.households_not_here) == (
        20,
        0,
        0,
    )
    # What the principal sees after reopening her database.
    open_database(principal).close()
    db = open_database(principal)
    after = full_status()
    assert after["presentation"]["presented_students"] == 70
    assert after["family_notices"]["notified"] == 20
    assert after["interventions"] == before["interventions"]  # her 5 requests, untouched
    merged = PresentationAttendance.select().where(PresentationAttendance.station == "Front office")
    assert merged.count() == 40
    assert {a.session.title for a in merged} == {"Check-ins from Front office"}
    assert {n.method for n in FamilyNotice.select()} == {"email"}
    db.close()


def test_merging_the_same_bundle_twice_changes_nothing(two, principal):
    merge_laptop_bundle(two["office"].path, actor="principal")
    before, status = table_counts(), full_status()
    again = merge_laptop_bundle(two["office"].path, actor="principal")
    assert again.changed == 0
    assert (again.check_ins_already, again.notices_already) == (50, 20)
    assert table_counts() == before
    assert full_status()["presentation"] == status["presentation"]
    assert "nothing changed" in again.summary()[0]


@pytest.mark.parametrize("code", ["CHS", "PTHS"])
def test_another_schools_bundle_is_refused_and_nothing_changes(two, principal, tmp_path, code):
    """Another code, or the same code under another school's name."""
    other = new_laptop(tmp_path / "chs.sqlite3", two["folder"] / "roster.csv", "CHS office")
    db = open_database(other)
    School.update(code=code, name="Chimacum High School").execute()
    check_in(range(1, 10))
    db.close()
    bundle = send(other, tmp_path / "out", now=NOW)
    open_database(principal)
    before = table_counts()
    with pytest.raises(SchoolMergeRefused, match=rf"from {code} \(Chimacum High School\), another"):
        merge_laptop_bundle(bundle.path)
    assert table_counts() == before


def test_a_bundle_sent_from_this_laptop_is_refused(two, principal):
    with pytest.raises(SchoolMergeRefused, match="sent from this laptop"):
        merge_laptop_bundle(two["principal"].path)


def test_a_damaged_bundle_changes_nothing(two, principal, tmp_path):
    copy = shutil.copytree(two["office"].path, tmp_path / two["office"].path.name)
    target = copy / "family-notices.csv"
    data = bytearray(target.read_bytes())
    data[-5] ^= 0x01
    target.write_bytes(bytes(data))
    before = table_counts()
    with pytest.raises(BundleError, match="family-notices.csv"):
        merge_laptop_bundle(copy)
    assert table_counts() == before


def test_a_check_in_undone_on_the_other_laptop_is_undone_here(two, principal, tmp_path):
    merge_laptop_bundle(two["office"].path, actor="principal")
    office = shutil.copyfile(two["office_db"], tmp_path / "office.sqlite3")
    db = open_database(office)
    session = list_sessions(current_year())[0]
    # Students 50 down to 40: 41-50 the principal had checked in herself; 40 came from the office.
    undone = [undo_last_check_in(session, actor="office").student.sis_id for _ in range(11)]
    assert undone[-1] == "000040"
    db.close()
    later = send(office, tmp_path / "out", now=NOW + timedelta(hours=1))
    open_database(principal)
    result = merge_laptop_bundle(later.path, actor="principal")
    assert (result.check_ins_added, result.check_ins_undone) == (0, 1)
    assert full_status()["presentation"]["presented_students"] == 69


def test_the_cli_merges_and_says_what_it_did(two, principal, capsys):
    from sro_tui.cli.main import main

    assert main(["school", "merge", str(two["office"].path), "--db", str(principal)]) == 0
    out = capsys.readouterr().out
    assert "Front office" in out and "40 check-in(s) added" in out
    assert "20 family notice(s) added" in out
    assert main(["school", "merge", str(two["office"].path), "--db", str(principal)]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert main(["school", "laptop", "--db", str(principal)]) == 0
    assert "this laptop sends as: Principal" in capsys.readouterr().out


def test_a_bounced_notice_there_shows_here_and_follows_when_sent_again(two, principal, tmp_path):
    office = shutil.copyfile(two["office_db"], tmp_path / "office.sqlite3")
    db = open_database(office)
    notices = list(FamilyNotice.select().order_by(FamilyNotice.id))
    bounced = [n.household_id for n in notices[:3]]
    for notice in notices[:3]:
        change_delivery_status(notice.id, "bounced", actor="office")
    db.close()
    first = send(office, tmp_path / "out", now=NOW + timedelta(hours=1))

    open_database(principal)
    result = merge_laptop_bundle(first.path, actor="principal")
    assert result.notices_added == 20
    counts = full_status()["family_notices"]
    assert (counts["notified"], counts["bounced"], counts["pending"]) == (
        17,
        3,
        counts["households"] - 17,
    )

    # The office sends those three again on paper: the next merge follows, once.
    db = open_database(office)
    assert (
        record_notices(
            bounced, method="paper_home", sent_on=TODAY, actor="office", today=TODAY
        ).recorded
        == 3
    )
    db.close()
    later = send(office, tmp_path / "out", now=NOW + timedelta(hours=2))
    open_database(principal)
    again = merge_laptop_bundle(later.path, actor="principal")
    assert (again.notices_added, again.notices_already) == (3, 17)
    counts = full_status()["family_notices"]
    assert (counts["notified"], counts["bounced"]) == (20, 0)
    assert counts["notified_by_method"] == {"email": 17, "paper_home": 3}
    assert merge_laptop_bundle(later.path, actor="principal").changed == 0
