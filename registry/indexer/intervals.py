"""Sets of block numbers as sorted, disjoint, half-open intervals `[start, end)`.

A record's version is valid over `[from_block, to_block)`, and a current version up to `OPEN`;
the sets here are unions and intersections of such spans.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

OPEN = 2**63  # the end of a span that has not ended (a current version)

Span = tuple[int, int]
Intervals = tuple[Span, ...]


def span_of(row: dict[str, Any]) -> Span:
    """The blocks a version row is valid at."""
    end = row["to_block"]
    return (int(row["from_block"]), OPEN if end is None else int(end))


def union(spans: Iterable[Span]) -> Intervals:
    """The blocks in any of `spans`, as sorted disjoint intervals (touching ones joined)."""
    given = [s for s in spans if s[0] < s[1]]
    if len(given) < 2:
        return tuple(given)
    merged: list[Span] = []
    for start, end in sorted(given):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def intersect(a: Intervals, b: Intervals) -> Intervals:
    """The blocks in both `a` and `b` (each sorted and disjoint)."""
    if len(a) == 1 and len(b) == 1:  # the usual case: one span each
        start, end = max(a[0][0], b[0][0]), min(a[0][1], b[0][1])
        return ((start, end),) if start < end else ()
    found: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            found.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(found)


def contains(intervals: Intervals, block: int) -> bool:
    """Whether `block` lies in `intervals`."""
    at = bisect_right(intervals, (block, OPEN)) - 1
    return at >= 0 and intervals[at][0] <= block < intervals[at][1]
