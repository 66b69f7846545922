"""policyhub.screen.accel: the encoder's compiled passes over string views agree with their
NumPy/Polars equivalents (and with plain Python), cell for cell, on random columns: nulls,
strings inline (up to 12 bytes) and not, equal strings in different buffers, slices, several
chunks and data buffers, Parquet dictionaries, cells outside the vocabulary.

The module is built by the project's install (pyproject.toml, ext-modules); the first test
fails when it was not, so a machine without a compiler does not pass silently slower."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyhub.engine import creditcode
from policyhub.engine.request import EVENT_TYPES, KINDS
from policyhub.screen import accel, parse, screen_frame, synth
from policyhub.screen.options import Options
from policyhub.screen.problems import Problems, ScreenInputError
from tests.screen.modes import active
from tests.screen.test_screen_parse import codes as credit_codes

WORDS = ["", "a", "enterprise", "person", "annual_revenue", "platform_service_fees",
         "x" * 12, "x" * 13, "标准", "国际标准制定"]
TEXTS = st.one_of(st.none(), st.sampled_from(WORDS), st.text(max_size=20))


def variants(values: list[str | None]) -> list[pl.Series]:
    """The column, a slice of it, the same cells in two chunks, and rechunked from two
    series (two data buffers, equal strings at different places)."""
    s = pl.Series("t", values, pl.String)
    half = len(s) // 2
    two = pl.concat([s.slice(0, half), pl.Series("t", values[half:], pl.String)],
                    rechunk=True)
    return [s, s.slice(1), pl.concat([s.slice(0, half), s.slice(half)], rechunk=False), two]


def test_the_compiled_module_is_built_and_on() -> None:
    assert accel.BUILT, "policyhub.screen._accel was not built: install with a C compiler"
    assert accel.ACTIVE


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
@given(st.lists(st.one_of(st.none(), credit_codes()), max_size=30))
def test_credit_codes_agree_with_the_engine(values: list[str | None]) -> None:
    for s in variants(values):
        found = accel.credit_codes(s, creditcode.ALPHABET, creditcode.WEIGHTS)
        assert found is not None
        assert found.tolist() == [c is not None and creditcode.is_valid(c)
                                  for c in s.to_list()]


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
