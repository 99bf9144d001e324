"""Roster zips that are damaged, hostile or huge: refused in one line, quickly, in little memory."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from sro_tui.cli.main import main as sro_tui_main
from sro_tui.roster import RosterImportError, prepare_import, zipsafe

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "roster" / "oneroster11"


def _bundle_bytes(extra: dict[str, bytes] | None = None, rename: dict[str, str] | None = None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(FIXTURE.iterdir()):
            archive.writestr((rename or {}).get(path.name, path.name), path.read_bytes())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _refused(path: Path) -> str:
    with pytest.raises(RosterImportError) as caught:
        prepare_import(path)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_a_good_bundle_still_imports(db, tmp_path: Path):
    good = tmp_path / "roster.zip"
    good.write_bytes(_bundle_bytes())
    assert prepare_import(good).to_add


def test_a_truncated_or_damaged_zip_is_refused_in_one_line(db, tmp_path: Path):
    data = _bundle_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(data[: len(data) // 2])
    _refused(truncated)
    # Damage inside a member's compressed stream: zlib.error or a bad CRC when it is read.
    damaged = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("users.csv")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5
    damaged[start : start + 40] = bytes(40)
    broken = tmp_path / "damaged.zip"
    broken.write_bytes(bytes(damaged))
    assert "users.csv" in _refused(broken)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../users.csv", "climbs out"),
        ("/etc/users.csv", "absolute path"),
        ("C:/users.csv", "absolute path"),
        ("a\\..\\users.csv", "backslash"),
        ("inner.zip", "archive inside the archive"),
    ],
)
def test_traversal_absolute_and_nested_names_are_refused(db, tmp_path, name, reason):
    bundle = tmp_path / "odd.zip"
    bundle.write_bytes(_bundle_bytes({name: b"x"}))
    assert reason in _refused(bundle)


def test_a_zip_bomb_is_refused_within_a_second_in_little_memory(db, tmp_path: Path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("orgs.csv", (FIXTURE / "orgs.csv").read_bytes())
        with archive.open("users.csv", "w", force_zip64=True) as member:
            zeros = bytes(1 << 20)
            for _ in range(60):  # 60 MB of nothing, stored in ~60 KB
                member.write(zeros)
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(buffer.getvalue())
    assert bomb.stat().st_size < 200_000
    tracemalloc.start()
    started = time.monotonic()
    message = _refused(bomb)
    elapsed = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "zip bomb" in message
    assert elapsed < 1.0 and peak < 5_000_000


def test_total_size_and_member_count_are_limited(db, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(zipsafe, "MAX_TOTAL_BYTES", 10_000)
    big = tmp_path / "big.zip"
    big.write_bytes(_bundle_bytes({"notes.txt": bytes(range(256)) * 60}))
    assert "in all" in _refused(big)
    monkeypatch.setattr(zipsafe, "MAX_MEMBERS", 3)
    assert "files" in _refused(big)


def test_a_member_bigger_than_declared_is_stopped_at_its_declared_size(tmp_path: Path):
    data = bytearray(_bundle_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("users.csv")
    # The central directory lies: users.csv is declared 100 bytes long.
    directory = bytes(data).rfind(b"PK\x01\x02", 0, bytes(data).find(b"PK\x05\x06"))
    while True:
        name_at = directory + 46
        length = int.from_bytes(data[directory + 28 : directory + 30], "little")
        if bytes(data[name_at : name_at + length]) == b"users.csv":
            data[directory + 24 : directory + 28] = (100).to_bytes(4, "little")
            break
        directory = bytes(data).rfind(b"PK\x01\x02", 0, directory)
    lying = tmp_path / "lying.zip"
    lying.write_bytes(bytes(data))
    with zipfile.ZipFile(lying) as archive, pytest.raises(zipsafe.ZipRefused):
        zipsafe.read_member(archive, archive.getinfo("users.csv"))
    assert info.file_size > 100


def test_the_command_line_says_one_line_and_exits_1(tmp_path: Path, capsys):
    data = _bundle_bytes()
    bad = tmp_path / "roster.zip"
    bad.write_bytes(data[:200] + data[-22:])  # the end record survives, the members do not
    code = sro_tui_main(["roster", "import", "--db", str(tmp_path / "s.sqlite3"), str(bad)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.count("\n") == 1 and "roster.zip" in err
