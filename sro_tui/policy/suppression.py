"""Small counts in two-way published tables (race × sex, school × measure): pure, no I/O.

OSPI publishes with counts of fewer than 10 shown as `<10`. A table whose rows or columns add up to
a total a reader can know (the school's total, the district's total) would give a lone hidden cell
away by subtraction, so in every such line (a row, a column) that has exactly one hidden cell the
smallest other non-zero cell is hidden too (complementary suppression), and the check is repeated
until no line has a lone hidden cell: hiding a complement in a row can leave one alone in its
column. Zero is shown: it names no student. `privacy.suppress_small_counts` is the one-line case.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping

from sro_tui.policy.privacy import MINIMUM_PUBLISHED_COUNT, SUPPRESSED

Cell = tuple[Hashable, Hashable]


def _lines(cells: Mapping[Cell, int], rows_add_up: bool, columns_add_up: bool) -> list[list[Cell]]:
    by_row: dict[Hashable, list[Cell]] = defaultdict(list)
    by_column: dict[Hashable, list[Cell]] = defaultdict(list)
    for cell in cells:
        by_row[cell[0]].append(cell)
        by_column[cell[1]].append(cell)
    lines = []
    if rows_add_up:
        lines.extend(by_row.values())
    if columns_add_up:
        lines.extend(by_column.values())
    return lines


def hidden_cells(
    cells: Mapping[Cell, int],
    *,
    rows_add_up: bool = True,
    columns_add_up: bool = True,
    minimum: int = MINIMUM_PUBLISHED_COUNT,
) -> set[Cell]:
    """The cells of a (row, column) -> count table a published copy must hide: each count from 1
    to `minimum` - 1, and the complements that keep each of them from being worked out from a
    row's or a column's total (`rows_add_up`: the cells of a row add up to a known total)."""
    hidden = {cell for cell, n in cells.items() if 0 < n < minimum}
    lines = _lines(cells, rows_add_up, columns_add_up)
    changed = True
    while changed:  # ends: `hidden` only grows, and is bounded by the cells
        changed = False
        for line in lines:
            alone = [cell for cell in line if cell in hidden]
            if len(alone) != 1:
                continue
            pick = min(
                (c for c in line if c not in hidden and cells[c] > 0),
                key=lambda c: (cells[c], str(c)),
                default=None,
            )
            if pick is not None:
                hidden.add(pick)
                changed = True
    return hidden


def suppress_table(
    cells: Mapping[Cell, int],
    *,
    rows_add_up: bool = True,
    columns_add_up: bool = True,
    minimum: int = MINIMUM_PUBLISHED_COUNT,
) -> dict[Cell, str]:
    """Each cell as published text: the count, or `<10` when `hidden_cells` hides it."""
    hidden = hidden_cells(
        cells, rows_add_up=rows_add_up, columns_add_up=columns_add_up, minimum=minimum
    )
    shown = SUPPRESSED if minimum == MINIMUM_PUBLISHED_COUNT else f"<{minimum}"
    return {cell: (shown if cell in hidden else str(n)) for cell, n in cells.items()}


def suppress_total(total: int, minimum: int = MINIMUM_PUBLISHED_COUNT) -> str:
    """A total as published text: a total under `minimum` (but not zero) is itself hidden."""
    if 0 < total < minimum:
        return SUPPRESSED if minimum == MINIMUM_PUBLISHED_COUNT else f"<{minimum}"
    return str(total)
