"""Small counts in published tables (FERPA, 34 CFR 99.3 and 99.31(b)): pure, no I/O.

A count of fewer than 10 students can point at one child in a school, so a published table shows
it as suppressed (OSPI's rule), and when only one cell of a group is suppressed the next smallest
is suppressed too, so the total does not give the hidden one away (complementary suppression).
"""

from __future__ import annotations

from collections.abc import Mapping

MINIMUM_PUBLISHED_COUNT = 10
SUPPRESSED = "<10"


def suppress_small_counts(
    counts: Mapping[str, int], minimum: int = MINIMUM_PUBLISHED_COUNT
) -> dict[str, str]:
    """Each cell of one group (cells that add up to a total a reader can know) as text: the count
    when it is 0 or at least `minimum`, else "<10"; when exactly one cell is hidden, the smallest
    other non-zero cell is hidden as well. Order is kept."""
    hidden = {key for key, n in counts.items() if 0 < n < minimum}
    if len(hidden) == 1:
        others = sorted((n, key) for key, n in counts.items() if n > 0 and key not in hidden)
        if others:
            hidden.add(others[0][1])
    shown = SUPPRESSED if minimum == MINIMUM_PUBLISHED_COUNT else f"<{minimum}"
    return {key: (shown if key in hidden else str(n)) for key, n in counts.items()}
