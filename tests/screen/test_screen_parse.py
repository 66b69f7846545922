"""parse.changes (where a column differs from the row before, read through Arrow buffers)
and parse.credit_code_ok (the vectorised GB 32100-2015 check).

The reference is Polars' own comparison (`ne_missing` with the row before); the cases cover
what the buffer path must get right: nulls (whose views and values are left over), strings
longer than the 12 bytes a view holds inline, equal strings in different buffers (their
views differ), columns read from a Parquet dictionary, slices and several chunks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from policyhub.engine import creditcode
from policyhub.screen.parse import changes, credit_code_ok

TEXTS = st.one_of(st.none(), st.sampled_from(
    ["", "a", "enterprise", "S2019-0000001", "S2019-0000002", "914301000NA08DUG7N",
     "91430100T1241XYDA0", "x" * 12, "x" * 13]))


def expected(s: pl.Series) -> npt.NDArray[np.bool_]:
    out = np.zeros(len(s), np.bool_)
    if len(s) > 1:
        out[1:] = s.ne_missing(s.shift(1)).slice(1).to_numpy()
    return out


def variants(s: pl.Series) -> list[pl.Series]:
    """The series itself, a slice of it, and the same cells in two chunks."""
    half = len(s) // 2
    return [s, s.slice(1), pl.concat([s.slice(0, half), s.slice(half)], rechunk=False)]


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXTS, max_size=40), st.data())
def test_text_changes_match_polars_whatever_the_nulls_and_chunks(
        values: list[str | None], data: st.DataObject) -> None:
    for s in variants(pl.Series("t", values, pl.String)):
        assert changes(s).tolist() == expected(s).tolist()
        skip = np.array(data.draw(st.lists(st.booleans(), min_size=len(s), max_size=len(s))),
                        np.bool_)
        assert changes(s, skip).tolist() == (expected(s) & ~skip).tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 3)), max_size=40))
def test_boolean_integer_and_date_changes_match_polars(values: list[int | None]) -> None:
    for dtype, cells in ((pl.Boolean, [None if v is None else v % 2 == 0 for v in values]),
                         (pl.Int32, values), (pl.Int64, values),
                         (pl.Date, [None if v is None else f"2020-01-0{v + 1}" for v in values])):
        s = pl.Series("c", cells, pl.String if dtype == pl.Date else dtype)
        if dtype == pl.Date:
            s = s.str.to_date()
        for v in variants(s):
            assert changes(v).tolist() == expected(v).tolist()


def test_equal_long_strings_in_different_buffers_do_not_change() -> None:
    # Two series built apart hold equal strings at different places: their views differ.
    a = pl.Series("t", ["S2019-0000001", "S2019-0000001"])
    b = pl.Series("t", ["S2019-0000001", "S2019-0000002"])
    s = pl.concat([a, b], rechunk=True)
    assert changes(s).tolist() == [False, False, False, True]


def test_a_column_read_from_a_parquet_dictionary(tmp_path: Path) -> None:
    ids = [f"S2019-{i // 3:07d}" for i in range(3000)]
    codes = [None if i % 7 == 0 else f"914301000NA08DUG{i // 3 % 10}N" for i in range(3000)]
    path = tmp_path / "t.parquet"
    pl.DataFrame({"applicant_id": ids, "credit_code": codes}).write_parquet(
        path, row_group_size=1000)
    frame = pl.read_parquet(path)
    for name in frame.columns:
        s = frame.get_column(name)
        assert changes(s).tolist() == expected(s).tolist()
    assert int(changes(frame.get_column("applicant_id")).sum()) == 999


def test_a_type_without_a_buffer_path_is_compared_by_polars() -> None:
    s = pl.Series("f", [1.5, 1.5, None, None, 2.0])
    assert changes(s).tolist() == [False, False, True, False, True]
    assert changes(pl.Series("f", [], pl.Float64)).tolist() == []


# --- parse.credit_code_ok against the engine's check --------------------------------------

CODE_CHARS = creditcode.ALPHABET + "IOZSVa-中"


@st.composite
def codes(draw: st.DrawFn) -> str:
    """Mostly valid codes (the check character computed), and near misses of every kind."""
    body = draw(st.text(st.sampled_from(creditcode.ALPHABET), min_size=17, max_size=17))
    code = body + creditcode.check_character(body)
    how = draw(st.sampled_from(["valid", "check", "char", "length"]))
    if how == "check":
        code = code[:17] + draw(st.sampled_from(creditcode.ALPHABET))
    elif how == "char":
        at = draw(st.integers(0, 17))
        code = code[:at] + draw(st.sampled_from(CODE_CHARS)) + code[at + 1:]
    elif how == "length":
        code = code[: draw(st.integers(0, 20))] + draw(st.text(st.sampled_from(CODE_CHARS),
                                                                 max_size=2))
    return code


@settings(max_examples=200, deadline=None)
@given(st.lists(codes(), max_size=30))
def test_credit_code_ok_agrees_with_the_engine(values: list[str]) -> None:
    ok = credit_code_ok(pl.Series("credit_code", values, pl.String))
    assert ok.tolist() == [creditcode.problem(v) is None for v in values]


def test_pieces_read_like_the_joined_column() -> None:
    """A column in pieces (a normalised batch's: one per table) gives the same values and
    nulls as the joined column, for rows inside one piece and rows spanning pieces."""
    from decimal import Decimal

    from policyhub.screen.parse import Native, Pieces

    columns = [
        pl.concat([pl.Series("d", [1, None, 3], pl.Int32), pl.Series("d", [None, None], pl.Int32),
                   pl.Series("d", [7, 8, None, 10], pl.Int32)], rechunk=False),
        pl.concat([pl.Series("b", [True, None], pl.Boolean),
                   pl.Series("b", [False, True, None, True, False], pl.Boolean)], rechunk=False),
        pl.concat([pl.Series("m", [Decimal("1.50"), None], pl.Decimal(15, 2)),
                   pl.Series("m", [Decimal("2.25"), Decimal("3.00"), None, Decimal("0.01"),
                                   Decimal("9.99")], pl.Decimal(15, 2))], rechunk=False),
    ]
    for s in columns:
        assert s.n_chunks() > 1
        pieces, joined = Pieces(s), Native(s.rechunk())
        for at in ([0, 1], [3, 4, 5, 6], [6, 4], [1, 2, 3], [0, 6], [], [5]):
            rows = np.array(at, np.int64)
            assert (pieces.null(rows) == joined.null(rows)).all()
            if s.dtype == pl.Decimal(15, 2):
                for got, want in zip(pieces.money(rows), joined.money(rows), strict=True):
                    assert (got == want).all()
            else:
                assert (pieces.take(rows) == joined.take(rows)).all()
        if s.dtype.is_integer():
            got_v, got_n = pieces.every()
            want_v, want_n = joined.every()
            assert (got_n == want_n).all() and (got_v[~got_n] == want_v[~want_n]).all()
