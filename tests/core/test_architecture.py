"""Rules about the code itself: the core never imports the UI, and nothing talks to the network."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sro_tui"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _core_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts]


def test_core_modules_never_import_textual():
    offenders = [str(p) for p in _core_files() if {"textual", "rich"} & _imports(p)]
    assert offenders == []


def test_importing_the_core_does_not_load_textual():
    """Checked in a fresh interpreter, so an indirect import is caught too."""
    core = sorted(
        "sro_tui." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for p in _core_files()
        if p.name not in ("__init__.py", "__main__.py") and p.stem != "cli"
    )
    code = (
        "import sys, importlib\n"
        f"for name in {core!r}: importlib.import_module(name)\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_module_opens_network_connections():
    network_modules = {"socket", "http", "urllib", "requests", "httpx", "smtplib", "ftplib"}
    offenders = {str(p): sorted(network_modules & _imports(p)) for p in PACKAGE.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_import_contracts_hold():
    """The layers in pyproject.toml: no circle, arrows down only, screens through the core."""
    out = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
    )
    assert out.returncode == 0, out.stdout[-3000:]
