"""policyhub.screen.accel: the encoder's compiled passes over string views agree with their
NumPy/Polars equivalents (and with plain Python), cell for cell, on random columns: nulls,
strings inline (up to 12 bytes) and not, equal strings in different buffers, slices, several
chunks and data buffers, Parquet dictionaries, cells outside the vocabulary.

The module is built by the project's install (setup.py, an optional extension): without a C
compiler these tests are skipped and the NumPy paths alone run (test_accel_build.py checks
that a machine with a compiler did build it, so it does not pass silently slower)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyhub.engine import creditcode
from policyhub.engine.request import EVENT_TYPES, KINDS
from policyhub.screen import accel, parse, screen_frame, synth
from policyhub.screen.options import Options
from policyhub.screen.problems import Problems, ScreenInputError
from tests.screen.modes import active
from tests.screen.oracle import ALL_OPTIONS, mismatches
from tests.screen.strategies import registry
from tests.screen.test_screen_parse import codes as credit_codes

WORDS = ["", "a", "enterprise", "person", "annual_revenue", "platform_service_fees",
         "x" * 12, "x" * 13, "标准", "国际标准制定"]
TEXTS = st.one_of(st.none(), st.sampled_from(WORDS), st.text(max_size=20))


pytestmark = pytest.mark.skipif(
    not accel.BUILT, reason="the compiled passes are not built (no C compiler at install): "
    "the NumPy paths alone are tested")


def variants(values: list[str | None]) -> list[pl.Series]:
    """The column, a slice of it, the same cells in two chunks, and rechunked from two
    series (two data buffers, equal strings at different places)."""
    s = pl.Series("t", values, pl.String)
    half = len(s) // 2
    two = pl.concat([s.slice(0, half), pl.Series("t", values[half:], pl.String)],
                    rechunk=True)
    return [s, s.slice(1), pl.concat([s.slice(0, half), s.slice(half)], rechunk=False), two]


def test_the_setting_is_checked() -> None:
    assert accel.setting_problem({}) is None
    assert accel.setting_problem({accel.SETTING: "0"}) is None
    assert accel.setting_problem({accel.SETTING: " Off "}) is None
    problem = accel.setting_problem({accel.SETTING: "fast"})
    assert problem is not None and accel.SETTING in problem and "'fast'" in problem
    assert accel._wanted({accel.SETTING: "no"}) is False
    assert accel._wanted({}) is True


def test_off_or_for_other_columns_the_passes_do_not_run() -> None:
    s = pl.Series("t", ["a", "b"])
    with active(False):
        assert accel.codes(s, ("a",)) is None
        assert accel.changes(s) is None
    assert accel.codes(pl.Series("n", [1, 2]), ("1",)) is None
    assert accel.changes(pl.Series("t", [], pl.String)).tolist() == []  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXTS, max_size=40), st.lists(st.sampled_from(WORDS), min_size=1,
                                              max_size=6, unique=True), st.data())
def test_codes_are_each_cells_index_in_the_vocabulary(
        values: list[str | None], vocabulary: list[str], data: st.DataObject) -> None:
    for s in variants(values):
        cells = s.to_list()
        want = [-1 if c is None else vocabulary.index(c) if c in vocabulary else -2
                for c in cells]
        found = accel.codes(s, vocabulary)
        assert found is not None
        assert found[0].tolist() == want
        assert found[1] == want.count(-2)
        if cells:
            at = np.array(data.draw(st.lists(st.integers(0, len(cells) - 1), max_size=20)),
                          np.int64)
            some = accel.codes(s, vocabulary, at)
            assert some is not None
            assert some[0].tolist() == [want[i] for i in at]


def test_codes_refuse_rows_outside_the_column() -> None:
    with pytest.raises(IndexError):
        accel.codes(pl.Series("t", ["a"]), ("a",), np.array([1], np.int64))


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXTS, max_size=40))
def test_changes_are_where_a_cell_differs_from_the_one_before(values: list[str | None]
                                                              ) -> None:
    for s in variants(values):
        cells = s.to_list()
        want = [False] + [a != b for a, b in zip(cells[1:], cells[:-1], strict=True)]
        found = accel.changes(s)
        assert found is not None
        assert found.tolist() == want[: len(cells)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), credit_codes()), max_size=30), st.data())
def test_credit_codes_agree_with_the_engine(values: list[str | None],
                                            data: st.DataObject) -> None:
    for s in variants(values):
        cells = s.to_list()
        found = accel.credit_codes(s, creditcode.ALPHABET, creditcode.WEIGHTS)
        assert found is not None
        assert found.tolist() == [c is not None and creditcode.is_valid(c) for c in cells]
        if cells:
            at = np.array(data.draw(st.lists(st.integers(0, len(cells) - 1), max_size=20)),
                          np.int64)
            status = accel.credit_code_status(s, creditcode.ALPHABET, creditcode.WEIGHTS, at)
            assert status is not None
            assert status.tolist() == [
                accel.NULL if cells[i] is None else
                accel.VALID if creditcode.is_valid(cells[i]) else accel.INVALID for i in at]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from([*EVENT_TYPES, "bogus", ""])),
                max_size=40))
def test_choice_reads_and_reports_the_same_either_way(values: list[str | None]) -> None:
    s = pl.Series("type", values, pl.String)
    rows = np.arange(len(s), dtype=np.int64)
    results = []
    for on in (True, False):
        with active(on):
            problems = Problems()
            code, bad = parse.choice(s, EVENT_TYPES, rows, "type", problems)
            results.append((code.tolist(), bad.tolist(), ScreenInputError(problems).lines()))
    assert results[0] == results[1]


def test_a_parquet_dictionary_column_reads_the_same(tmp_path: Path) -> None:
    kinds = [None if i % 11 == 0 else KINDS[i % len(KINDS)] for i in range(5000)]
    path = tmp_path / "k.parquet"
    pl.DataFrame({"kind": kinds}).write_parquet(path, row_group_size=1000)
    s = pl.read_parquet(path).get_column("kind")
    found = accel.codes(s, KINDS)
    assert found is not None
    assert found[0].tolist() == [-1 if k is None else KINDS.index(k) for k in kinds]
    with active(False):
        slow = parse.changes(s)
    assert accel.changes(s) is not None
    assert parse.changes(s).tolist() == slow.tolist()


def test_screening_decides_the_same_with_and_without_the_compiled_passes() -> None:
    frame = synth.frame(3000, seed=11)
    options = Options(synth.AS_OF, "matter", "highest")
    tables = []
    for on in (True, False):
        with active(on):
            tables.append(screen_frame(frame, options).table)
    assert tables[0].equals(tables[1])


ROW = pl.int_range(pl.len())
BAD_APPLICANTS = [  # every row of one applicant in 23 has a credit code with a wrong check
    pl.when(pl.col("applicant_id").rank("dense") % 23 == 0).then(pl.lit("91430100T1241XYDA1"))
    .otherwise(pl.col("credit_code")).alias("credit_code")]
BAD_EVENTS = [  # an unknown type, a bad closed choice, blank and missing standard levels
    pl.when(ROW % 97 == 0).then(pl.lit("bogus")).otherwise(pl.col("type")).alias("type"),
    pl.when(ROW % 5 == 0).then(pl.lit("Z")).otherwise(pl.col("category")).alias("category"),
    pl.when(ROW % 3 == 0).then(pl.lit("")).when(ROW % 3 == 1).then(pl.lit(None, pl.String))
    .otherwise(pl.col("level")).alias("level")]


@pytest.mark.parametrize(("changes", "texts"), [
    (BAD_APPLICANTS, ["'91430100T1241XYDA1' check digit"]),
    (BAD_EVENTS, ["'bogus' is not one of", "'Z' is not one of", "must be a non-empty string",
                  "level: is required for type standard_led"]),
], ids=["applicants", "events"])
def test_bad_input_is_refused_with_the_same_problems_either_way(
        changes: list[pl.Expr], texts: list[str]) -> None:
    bad = synth.frame(300, seed=3).with_columns(changes)
    lines = []
    for on in (True, False):
        with active(on), pytest.raises(ScreenInputError) as refused:
            screen_frame(bad, Options(synth.AS_OF, "matter", "highest"))
        lines.append((refused.value.problems.count, refused.value.lines(shown=100_000)))
    assert lines[0] == lines[1]
    assert lines[0][0] < 200  # (only the first 200 problems are kept: all of them here)
    for text in texts:
        assert any(text in line for line in lines[0][1]), text


# --- event rows by type, and annual revenue -------------------------------------------------

FEES = 3


def by_type_reference(types: list[int], index: list[int], app: list[int], k: int
                      ) -> tuple[list[int], list[int]] | None:
    for i, (t, ev) in enumerate(zip(types, index, strict=True)):
        if not 0 <= t < k or ev < 0:
            return None
        if i == 0 or app[i] != app[i - 1]:
            if ev != 0:
                return None
        elif not (ev - index[i - 1] == 1 or (ev == index[i - 1] and t == FEES
                                             and types[i - 1] == FEES)):
            return None
    rows = sorted(range(len(types)), key=lambda i: types[i])  # (sorted() is stable)
    return rows, [types.count(c) for c in range(k)]


@st.composite
def event_rows(draw: st.DrawFn) -> tuple[list[int], list[int], list[int]]:
    """Applicants' event rows, mostly in order (0, 1, 2 …, fee rows repeating an index),
    sometimes with a gap, a repeat, a bad type or a shuffled pair."""
    types, index, app = [], [], []
    for a in range(draw(st.integers(1, 6))):
        for ev in range(draw(st.integers(1, 6))):
            t = draw(st.integers(0, 5))
            for _ in range(draw(st.integers(1, 3)) if t == FEES else 1):
                types.append(t)
                index.append(ev)
                app.append(a)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(types) - 1))
        how = draw(st.sampled_from(["gap", "repeat", "type", "negative", "swap"]))
        if how == "gap":
            index[at] += 2
        elif how == "repeat" and at:
            index[at] = index[at - 1]
        elif how == "type":
            types[at] = draw(st.sampled_from([-2, -1, 6, 7]))
        elif how == "negative":
            index[at] = -1
        elif how == "swap" and at:
            index[at], index[at - 1] = index[at - 1], index[at]
    return types, index, app


@settings(max_examples=300, deadline=None)
@given(event_rows())
def test_by_type_groups_ordered_events_and_refuses_anything_else(
        rows: tuple[list[int], list[int], list[int]]) -> None:
    types, index, app = rows
    k = 6
    found = accel.by_type(*(np.array(v, np.int64) for v in rows), FEES, k)
    want = by_type_reference(types, index, app, k)
    if want is None:
        assert found is None
    else:
        assert found is not None
        assert (found[0].tolist(), found[1].tolist()) == want


@st.composite
def revenue_rows(draw: st.DrawFn) -> dict[str, list[int | None]]:
    """Applicants' revenue rows (years in any order), now and then a bad cell."""
    app, year, fen = [], [], []
    for a in range(draw(st.integers(0, 5))):
        years = draw(st.lists(st.integers(2015, 2024), max_size=5, unique=True))
        for y in years:
            app.append(a)
            year.append(y)
            fen.append(draw(st.integers(0, 10**9)))
    data: dict[str, list[int | None]] = {"app": app, "year": year, "fen": fen}  # type: ignore[dict-item]
    if app and draw(st.booleans()):
        at = draw(st.integers(0, len(app) - 1))
        column, value = draw(st.sampled_from([
            ("year", None), ("year", 999), ("year", 9999), ("fen", None), ("fen", -1),
            ("fen", parse.MAX_FEN), ("year", "again")]))
        if value == "again":
            same = [i for i in range(len(app)) if app[i] == app[at] and i != at]
            if same:
                year[at] = year[same[0]]
        else:
            data[column][at] = value  # type: ignore[assignment]
    return data


@settings(max_examples=300, deadline=None)
@given(revenue_rows(), st.booleans())
def test_revenue_reads_valid_rows_sorted_by_year_and_refuses_anything_else(
        data: dict[str, list[int | None]], sliced: bool) -> None:
    n = len(data["app"])
    frame = pl.DataFrame({
        "year": pl.Series([0, *data["year"]], dtype=pl.Int32),
        "amount": pl.Series([None if f is None else Decimal(f).scaleb(-2)
                             for f in [0, *data["fen"]]], dtype=pl.Decimal(18, 2)),
    })
    frame = frame.slice(1) if sliced else frame  # sliced: arrays that start at an offset
    first = 0 if sliced else 1
    year, amount = parse.Native(frame["year"]), parse.Native(frame["amount"])
    app = np.array([0] * first + data["app"], np.int64)  # type: ignore[list-item]
    index = np.arange(len(app), dtype=np.int64) * 10
    at = np.arange(first, len(app), dtype=np.int64)
    found = accel.revenue(at, app, index, year.values, year.bitmap, year.offset, amount.pairs,
                          amount.bitmap, amount.offset, 1000, 9998, parse.MAX_FEN)
    cells = list(zip(data["app"], data["year"], data["fen"], range(first, n + first),
                     strict=True))
    valid = all(y is not None and 1000 <= y <= 9998 and f is not None and 0 <= f < parse.MAX_FEN
                for _, y, f, _ in cells) and \
        len({(a, y) for a, y, _, _ in cells}) == len(cells)
    if not valid:
        assert found is None
        return
    assert found is not None
    want = sorted(cells, key=lambda c: (c[0], c[1]))
    assert found[0].tolist() == [r for _, _, _, r in want]
    assert found[1].tolist() == [a for a, _, _, _ in want]
    assert found[2].tolist() == [r * 10 for _, _, _, r in want]
    assert found[3].tolist() == [y for _, y, _, _ in want]
    assert found[4].tolist() == [f for _, _, f, _ in want]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=registry(), options=st.sampled_from(ALL_OPTIONS))
def test_random_registries_match_the_engine_with_the_numpy_paths(
        frame: pl.DataFrame, options: Options) -> None:
    with active(False):
        assert not mismatches(frame, options)


# --- the output table ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5)), max_size=60),
       st.integers(0, 3))
def test_order_sorts_by_applicant_then_place_stably(entries: list[tuple[int, int]],
                                                    crowd: int) -> None:
    # `crowd` piles entries on applicant 0 past the 32 sorted by insertion
    entries = entries + [(0, (i * 7) % 5) for i in range(crowd * 20)]
    app = np.array([a for a, _ in entries], np.int64)
    place = np.array([p for _, p in entries], np.int64)
    found = accel.order(app, place, 7)
    assert found is not None
    want = sorted(range(len(entries)), key=lambda i: entries[i])  # (stable)
    if want == list(range(len(entries))):
        assert found == (False, None)
    else:
        assert found[0] and found[1] is not None
        assert found[1].tolist() == want


def test_order_leaves_applicants_outside_the_batch_to_numpy() -> None:
    app, place = np.array([3, 1], np.int64), np.array([0, 0], np.int64)
    assert accel.order(app, place, 2) is None
    assert accel.order(app, place, 4) is not None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(-(2**62), 2**62), st.booleans()), max_size=30))
def test_decimal_words_are_the_sign_extended_fen(cells: list[tuple[int, bool]]) -> None:
    fen = np.array([f for f, _ in cells], np.int64)
    valid = np.array([v for _, v in cells], np.bool_)
    words = accel.decimal_words(fen, valid)
    assert words is not None
    assert [(int(lo) & (2**64 - 1)) + (int(hi) << 64) for lo, hi in words.tolist()] == \
        [f if v else 0 for f, v in cells]


MATTERS = st.one_of(st.none(), st.sampled_from(
    ["", "m1", "m2", "revenue-2020", "revenue-0999", "revenue-999", "revenue-20201",
     "Revenue-2020", "revenue-２０２０", "event-1", "a-long-matter-id-of-many-bytes"]),
    st.text(max_size=14))


@settings(max_examples=300, deadline=None)
@given(st.lists(MATTERS, min_size=1, max_size=40), st.data())
def test_matter_keys_number_the_given_ids_as_the_numpy_path_does(
        values: list[str | None], data: st.DataObject) -> None:
    from policyhub.screen.encode import NS_GIVEN, NS_OWN, NS_REVENUE, NS_SHIFT, REVENUE_ID

    for s in variants(values):
        cells = s.to_list()
        if not cells:
            continue
        at = np.array(data.draw(st.lists(st.integers(0, len(cells) - 1), max_size=30)),
                      np.int64)
        index = np.arange(len(cells), dtype=np.int64) * 3
        found = accel.matter_keys(s, at, index, "revenue-", 4, NS_SHIFT, NS_OWN, NS_REVENUE,
                                  NS_GIVEN)
        assert found is not None
        keys, first = found
        seen: list[str] = []
        want = []
        for i in at.tolist():
            cell = cells[i]
            if not cell:
                want.append((NS_OWN << NS_SHIFT) | int(index[i]))
                continue
            if cell not in seen:
                seen.append(cell)
            if re.fullmatch(REVENUE_ID.strip("^$"), cell, flags=re.ASCII):
                want.append((NS_REVENUE << NS_SHIFT) | int(cell[8:]))
            else:
                want.append((NS_GIVEN << NS_SHIFT) | seen.index(cell))
        assert keys.tolist() == want
        assert [cells[i] for i in first.tolist()] == seen


def test_matter_keys_with_more_distinct_ids_than_the_first_table_holds() -> None:
    from policyhub.screen.encode import NS_GIVEN, NS_SHIFT

    ids = [f"m{i % 3000}" for i in range(9000)]  # 3,000 distinct: the table doubles thrice
    s = pl.Series("matter", ids)
    at = np.arange(len(ids), dtype=np.int64)
    found = accel.matter_keys(s, at, at.copy(), "revenue-", 4, NS_SHIFT, 0, 1, NS_GIVEN)
    assert found is not None
    keys, first = found
    assert first.tolist() == list(range(3000))
    assert keys.tolist() == [(NS_GIVEN << NS_SHIFT) | (i % 3000) for i in range(9000)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(MATTERS, st.integers(0, 4)), min_size=1, max_size=40),
       st.lists(st.booleans(), min_size=5, max_size=5))
def test_matter_keys_in_row_order_are_those_read_type_by_type(
        cells: list[tuple[str | None, int]], include: list[bool]) -> None:
    """The row-order pass gives what matter_keys gives for the rows of each included type in
    turn: the same keys, the same numbering of the given ids, the same first rows."""
    from policyhub.screen.encode import NS_GIVEN, NS_OWN, NS_REVENUE, NS_SHIFT

    types = np.array([t for _, t in cells], np.int64)
    index = np.arange(len(cells), dtype=np.int64) * 3
    for s in variants([m for m, _ in cells]):
        if len(s) != len(cells):
            continue
        at = np.concatenate([np.flatnonzero(types == t) for t in range(5) if include[t]]
                            + [np.zeros(0, np.int64)]).astype(np.int64)
        names = ("revenue-", 4, NS_SHIFT, NS_OWN, NS_REVENUE, NS_GIVEN)
        by_type = accel.matter_keys(s, at, index, *names)
        in_rows = accel.matter_keys_in_rows(s, types, include, len(at), index, *names)
        assert accel.matter_keys_in_rows(s, types, include, len(at) + 1, index,
                                         *names) is None  # not that many rows
        assert by_type is not None and in_rows is not None
        assert in_rows[0].tolist() == by_type[0].tolist()
        assert in_rows[1].tolist() == by_type[1].tolist()


def test_matter_keys_in_row_order_with_many_distinct_ids() -> None:
    """Thousands of distinct ids met in another order than their places: renumbered."""
    from policyhub.screen.encode import NS_GIVEN, NS_SHIFT

    n = 9000
    ids = pl.Series("matter", [f"m{(i * 7) % 4000}" for i in range(n)])
    types = np.array([i % 3 for i in range(n)], np.int64)[::-1].copy()
    index = np.arange(n, dtype=np.int64)
    at = np.concatenate([np.flatnonzero(types == t) for t in (1, 2)]).astype(np.int64)
    names = ("revenue-", 4, NS_SHIFT, 0, 1, NS_GIVEN)
    want = accel.matter_keys(ids, at, index, *names)
    found = accel.matter_keys_in_rows(ids, types, [False, True, True], len(at), index,
                                  *names)
    assert want is not None and found is not None
    assert found[0].tolist() == want[0].tolist() and found[1].tolist() == want[1].tolist()
    assert len(found[1]) > 1000
