"""The long table's row order within a kind (policyhub.screen.result._order)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from policyhub.screen import Options, screen_frame, synth
from policyhub.screen.result import _order
from policyhub.screen.schema import RULES


def test_order_sorts_by_applicant_then_place_and_keeps_ties_stable() -> None:
    app = np.array([2, 0, 2, 1, 0], np.int64)
    place = np.array([5, 9, 1, 3, 9], np.int64)
    order = _order(app, place, 3)
    assert order is not None
    assert order.tolist() == [1, 4, 3, 2, 0]


def test_order_is_none_when_the_entries_are_sorted_already() -> None:
    assert _order(np.array([0, 0, 1], np.int64), np.array([1, 2, 0], np.int64), 2) is None
    assert _order(np.array([3], np.int64), np.array([7], np.int64), 4) is None


def test_order_of_applicant_numbers_too_large_for_one_key_sorts_on_two() -> None:
    rng = np.random.default_rng(7)
    app = rng.integers(0, 50, 200).astype(np.int64)
    place = rng.integers(0, 1 << 39, 200).astype(np.int64)
    small = _order(app, place, 50)
    large = _order(app + (1 << 23), place, (1 << 23) + 50)  # (app << 40) overflows
    assert small is not None and large is not None
    assert large.tolist() == small.tolist() == np.lexsort((place, app)).tolist()


@given(st.lists(st.tuples(st.integers(0, 70_000), st.integers(0, 70_000)), min_size=2,
                max_size=300), st.integers(0, 3))
def test_order_is_a_stable_sort_whichever_way_it_sorts(pairs: list[tuple[int, int]],
                                                        narrow: int) -> None:
    # In NumPy, keys of 16 bits are sorted by two radix passes, wider ones by one 64-bit
    # sort: both must give the stable (applicant, place) order.
    app = np.array([a for a, _ in pairs], np.int64) % (1 << (16 if narrow & 1 else 17))
    place = np.array([p for _, p in pairs], np.int64) % (1 << (16 if narrow & 2 else 17))
    expected = np.lexsort((place, app))
    order = _order(app, place, 1 << 17)
    assert (np.arange(len(app)) if order is None else order).tolist() == expected.tolist()


def test_summary_adds_up_the_written_awards_rule_by_rule() -> None:
    # The summary table's counts and yuan per rule are summed apart from the long table:
    # both must agree, to the fen.
    result = screen_frame(synth.frame(4000, seed=5), Options(dt.date(2022, 12, 31)))
    awards = result.frame().filter(pl.col("entry") == "award")
    granted = awards.filter(pl.col("status") == "granted").group_by("rule").agg(
        pl.len().alias("n"), (pl.col("amount") * 100).cast(pl.Int64).sum().alias("fen"))
    by_rule = {r: (n, fen) for r, n, fen in granted.iter_rows()}
    s = result.summary
    assert len(by_rule) > 5
    for i, rule in enumerate(RULES):
        assert (int(s.granted[i]), int(s.granted_fen[i])) == by_rule.get(rule, (0, 0)), rule
    assert s.total_fen == sum(fen for _, fen in by_rule.values())
    assert int(s.excluded.sum()) == awards.height - granted["n"].sum()
