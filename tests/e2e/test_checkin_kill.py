"""The real check-in program in a pseudo-terminal: scans at scanner speed, then SIGKILL.

Every check-in the screen confirmed must be in the database afterwards, and scans the program
was still working through when it died must have left a clean prefix (in order, none merged).
"""

from __future__ import annotations

import os
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from datetime import date
from fcntl import ioctl
from pathlib import Path

import pytest

from sro_tui.db import open_database
from sro_tui.models import PresentationAttendance, Student, UnmatchedScan, database_proxy
from sro_tui.records import ensure_current_year, ensure_school

REPO = Path(__file__).resolve().parents[2]
ROWS, COLS = 36, 120
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def _command(db_path: Path) -> list[str]:
    """`sro-tui check-in --db PATH`, as the office starts it at the gym door."""
    return [sys.executable, "-m", "sro_tui.cli", "check-in", "--db", str(db_path)]


class Terminal:
    """A process on a pty of 120x36, with everything it draws collected in `output`."""

    def __init__(self, argv: list[str]):
        master, slave = os.openpty()
        ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS))
        env.pop("TEXTUAL", None)
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, cwd=REPO, env=env, start_new_session=True
        )
        os.close(slave)
        self.master = master
        self._chunks: list[str] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self._chunks.append(data.decode("utf-8", "replace"))

    @property
    def output(self) -> str:
        with self._lock:
            return _ANSI.sub("", "".join(self._chunks))

    def wait_for(self, pattern: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while not regex.search(self.output):
            if self.process.poll() is not None:
                raise AssertionError(f"the program exited:\n{self.output[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {pattern!r}; screen tail:\n{self.output[-2000:]}")
            time.sleep(0.05)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        os.close(self.master)


@pytest.fixture
def school_file(tmp_path: Path) -> Path:
    path = tmp_path / "school.sqlite3"
    database = open_database(path)
    school = ensure_school("PTHS", "Port Townsend High School")
    ensure_current_year(date.today())  # `check-in` opens today's session
    with database_proxy.atomic():
        for n in range(60):
            Student.create(
                school=school,
                sis_id=f"{700000 + n}",
                first_name=f"Kid{n}",
                last_name=f"Family{n:03d}",
                grade=str(9 + n % 4),
                homeroom="101",
            )
    database.close()
    return path


def _recorded(path: Path) -> tuple[list[str], list[str]]:
    database = open_database(path)
    try:
        ids = [
            s
            for (s,) in PresentationAttendance.select(Student.sis_id)
            .join(Student)
            .where(PresentationAttendance.undone_at.is_null())
            .order_by(PresentationAttendance.id)
            .tuples()
        ]
        unmatched = [u.scanned_text for u in UnmatchedScan.select().order_by(UnmatchedScan.id)]
        return ids, unmatched
    finally:
        database.close()


def test_confirmed_check_ins_survive_sigkill(school_file: Path):
    term = Terminal(_command(school_file))
    try:
        term.wait_for(r"student ID, or type", timeout=30)  # the box is drawn and focused
        time.sleep(0.5)
        confirmed = [f"{700000 + n}" for n in range(30)]
        for sis_id in confirmed[:15]:
            term.type(sis_id + "\r")
            time.sleep(0.03)  # a student walks past every ~30 ms: faster than anyone can
        term.type("000999\r")  # an unknown card, kept for later
        for sis_id in confirmed[15:]:
            term.type(sis_id + "\r")
            time.sleep(0.03)
        term.wait_for(rf"#{len(confirmed)}\b", timeout=30)  # the screen confirmed the last one
        # Then more scans, and the power goes before the screen can catch up.
        in_flight = [f"{700000 + n}" for n in range(30, 60)]
        term.type("".join(s + "\r" for s in in_flight))
        time.sleep(0.3)  # long enough for some of them to be committed, not all
    finally:
        term.kill()

    ids, unmatched = _recorded(school_file)
    print(f"{len(ids) - len(confirmed)} of {len(in_flight)} in-flight scans were committed")
    assert ids[: len(confirmed)] == confirmed  # every confirmed check-in, in order
    assert ids == (confirmed + in_flight)[: len(ids)]  # the rest: a clean prefix, none merged
    assert unmatched == ["000999"]
