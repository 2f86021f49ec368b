"""Block interval sets against the plain sets of blocks they stand for."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from registry.indexer.intervals import OPEN, contains, intersect, span_of, union

spans = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 40)).map(lambda s: (min(s), max(s))), max_size=6
)


def blocks(intervals: tuple[tuple[int, int], ...]) -> set[int]:
    return {b for start, end in intervals for b in range(start, min(end, 60))}


@given(spans)
def test_union_isSortedDisjointAndHoldsTheSameBlocks(given_spans: list[tuple[int, int]]) -> None:
    merged = union(given_spans)
    assert blocks(merged) == {b for s, e in given_spans for b in range(s, e)}
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))
    assert all(start < end for start, end in merged)


@given(spans, spans, st.integers(-1, 50))
def test_intersectAndContains_agreeWithSets(
    a: list[tuple[int, int]], b: list[tuple[int, int]], block: int
) -> None:
    left, right = union(a), union(b)
    assert blocks(intersect(left, right)) == blocks(left) & blocks(right)
    assert contains(left, block) == (block in blocks(left))


def test_spanOf_aCurrentVersion_isOpenEnded() -> None:
    assert span_of({"from_block": 7, "to_block": None}) == (7, OPEN)
    assert span_of({"from_block": 7, "to_block": 9}) == (7, 9)
    assert contains(union([(7, OPEN)]), 10**12)
