"""Write `sro_tui/policy/wa_holidays.py`: Washington's legal holidays (RCW 1.16.050) for the
years a school will count deadlines in, as the `holidays` library gives them.

Why a table: the library imports every country's calendar before it answers (about half a second
of a school laptop's start, in the dashboard's first count). The table is the library's own answer
written down; `tests/core/test_policy_calendar.py` checks it against the library, so an upgrade
that changes a date fails the tests until this script is run again:

    uv run python scripts/write_wa_holidays.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import holidays

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sro_tui.paths import write_private_file_atomically  # noqa: E402
from sro_tui.policy.deadlines import library_holidays_of_year  # noqa: E402

FIRST, LAST = 2024, 2040


def main() -> int:
    lines = [
        '"""Washington\'s legal holidays (RCW 1.16.050), observed dates included, as the',
        f"`holidays` library {holidays.__version__} gives them for {FIRST}-{LAST}. Written by",
        "scripts/write_wa_holidays.py: do not edit; a test checks it against the library.",
        '"""',
        "",
        f'LIBRARY_VERSION = "{holidays.__version__}"',
        "",
        "HOLIDAYS: dict[int, tuple[tuple[str, str], ...]] = {",
    ]
    for year in range(FIRST, LAST + 1):
        lines.append(f"    {year}: (")
        for day, name in library_holidays_of_year(year):
            text = json.dumps(name, ensure_ascii=False)  # a valid Python string literal too
            lines.append(f'        ("{day.isoformat()}", {text}),')
        lines.append("    ),")
    lines.append("}")
    target = ROOT / "sro_tui" / "policy" / "wa_holidays.py"
    write_private_file_atomically(target, ("\n".join(lines) + "\n").encode("utf-8"))
    target.chmod(0o644)
    print(f"written: {target.relative_to(ROOT)} ({FIRST}-{LAST})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
