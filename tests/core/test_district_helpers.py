"""What the district tests share: a demo school's database, a send from it, and a real PostgreSQL.

The PostgreSQL server is started by the tests themselves from the PostgreSQL binaries on this
machine (`.ci/run` installs Debian's `postgresql` package when they are missing): `initdb` into a
temporary folder, `pg_ctl start` on a free port, trust authentication on 127.0.0.1 only. PostgreSQL
refuses to run as root, so under root it runs as the `postgres` system user (created when absent).
It is never mocked and never skipped: without the binaries the tests fail and say how to install
them (set SRO_TUI_SKIP_POSTGRES=1 to skip on a machine that cannot have them).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from sro_tui.db import open_database
from sro_tui.district import send_to_district
from sro_tui.district.send import SentBundle
from sro_tui.models import School
from tests.templates import demo_school


def build_demo_school(path: Path, code: str = "PTHS", name: str = "") -> Path:
    """Write the demo school into a new database at `path` (code and name changed if given): a
    copy of the one built once per process."""
    demo_school(path)
    if code != "PTHS":
        db = open_database(path)
        try:
            School.update(
                code=code, name=name or f"{code} School", record_id=f"school-{code.lower()}"
            ).execute()
        finally:
            db.close()
    return path


def copy_school(template: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    return target


def other_school(
    template: Path, target: Path, code: str = "BMS", name: str = "Blue Heron Middle School"
) -> Path:
    """A copy of the demo school's database as another school: its own code, name and identity."""
    copy_school(template, target)
    db = open_database(target)
    try:
        School.update(code=code, name=name, record_id=code.lower()).execute()
    finally:
        db.close()
    return target


def send_from(school_db: Path, out: Path, now: datetime | None = None, **kw) -> SentBundle:
    """Open the school's database, send its bundle into `out`, close it."""
    db = open_database(school_db)
    try:
        return send_to_district(out, now=now, **kw)
    finally:
        db.close()


# --- a real PostgreSQL --------------------------------------------------------------------------


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_user() -> str | None:
    """None when not root; else a system user PostgreSQL will run as."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "sro-tui-pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "sro-tui-pg"],
        check=True,
    )
    return "sro-tui-pg"


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throwaway PostgreSQL; yield a `postgresql://` URL to its `district` database."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        message = (
            "PostgreSQL binaries not found: install Debian's postgresql package "
            "(`apt-get install -y postgresql`, as .ci/run does)"
        )
        if os.environ.get("SRO_TUI_SKIP_POSTGRES") == "1":
            pytest.skip(message)
        pytest.fail(message)
    user = _server_user()
    work = Path(tempfile.mkdtemp(prefix="sro-tui-pg-"))
    data, sockets = work / "data", work / "sock"
    sockets.mkdir()
    if user:
        info = pwd.getpwnam(user)
        for path in (work, sockets):
            os.chown(path, info.pw_uid, info.pw_gid)
    as_user = ["runuser", "-u", user, "--"] if user else []
    port = _free_port()
    log = work / "server.log"

    def run(*cmd: str) -> None:
        subprocess.run([*as_user, *cmd], check=True, capture_output=True, cwd=work)

    try:
        run(initdb, "-D", str(data), "-A", "trust", "-U", "district", "--no-sync", "-E", "UTF8")
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start")
        createdb = _pg_bin("createdb") or "createdb"
        run(createdb, "-h", "127.0.0.1", "-p", str(port), "-U", "district", "district")
        yield f"postgresql://district@127.0.0.1:{port}/district"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                cwd=work,
            )
        shutil.rmtree(work, ignore_errors=True)


def drop_district_tables(url: str) -> None:
    """Empty the server between tests: drop the district tables (the migrations recreate them)."""
    from playhouse.db_url import connect

    db = connect(url, prefer_psycopg3=True)
    db.connect()
    for table in (
        "district_record",
        "district_snapshot",
        "district_merge",
        "district_laptop",
        "district_school",
        "district_schema_migration",
    ):
        db.execute_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
    db.close()
