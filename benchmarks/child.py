"""Run one measurement in a fresh Python process and read the JSON line it prints last."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_child(script: str, args: list[str], env: dict, what: str) -> dict:
    """`python script args…` from the repository root with `env`; its last stdout line as JSON.
    A failed child raises RuntimeError naming `what`, with the end of its stderr."""
    done = subprocess.run(
        [sys.executable, script, *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
