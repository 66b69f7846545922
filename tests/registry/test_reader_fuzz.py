"""Fuzzing the import readers (issue 16): random bytes, damaged files and random valid-looking
sheets never raise anything but ImportFailed, and an import either imports every row or
changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from policyhub.centres.adaptation.models import Adaptation
from policyhub.centres.adaptation.records import ADAPTATIONS
from policyhub.centres.common import import_table
from policyhub.registry.io import ImportFailed, ImportResult, import_file
from policyhub.registry.models import YearlyFigure
from policyhub.registry.reader import Table, read_table
from tests.personas import personas

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r in rows:
        sheet.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _csv(rows: list[list[Any]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


GOOD_XLSX = _xlsx([["统一社会信用代码", "年度", "主营业务收入"], ["x", 2020, 1]])


def _read(content: bytes, name: str) -> Table | None:
    try:
        return read_table(content, name, width=7)
    except ImportFailed as exc:
        assert exc.errors and all(e.reason for e in exc.errors)
        return None


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["x.csv", "x.xlsx"]))
def test_random_bytes_give_a_table_or_a_message(content: bytes, name: str) -> None:
    _read(content, name)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(GOOD_XLSX) - 1), st.integers(0, 255)),
                min_size=1, max_size=8))
def test_a_damaged_xlsx_gives_a_table_or_a_message(flips: list[tuple[int, int]]) -> None:
    damaged = bytearray(GOOD_XLSX)
    for at, value in flips:
        damaged[at] = value
    _read(bytes(damaged), "x.xlsx")


# --- random valid-looking sheets through the whole import -----------------------------------


HEADERS = st.sampled_from([
    ["统一社会信用代码", "年度", "主营业务收入", "从业人数"],
    ["credit_code", "year", "main_business_revenue", "headcount"],
    ["统一社会信用代码", "年度", "主营业务收入（元）", "纳税额", "来源单位"]])
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
AMOUNT = st.one_of(st.decimals(min_value=-10, max_value=10**13, places=2).map(str),
                   st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 10**15),
                   TEXT, st.none())
CELL = st.one_of(st.none(), TEXT, st.integers(-10, 3000), AMOUNT,
                 st.dates(dt.date(1890, 1, 1), dt.date(2110, 1, 1)), st.booleans())


@st.composite
def sheets(draw: Any, code: str) -> list[list[Any]]:
    """A header and up to six rows, most of them valid (distinct years, amounts to the fen),
    some with random cells."""
    header = draw(HEADERS)
    years = draw(st.lists(st.integers(2015, 2030), unique=True, max_size=6))
    rows = []
    for year in years:
        if draw(st.integers(0, 3)):
            rows.append([draw(st.sampled_from([code, code.lower(), f" {code} "])),
                         draw(st.sampled_from([year, str(year), float(year)])),
                         draw(st.decimals(min_value=0, max_value=10**12, places=2).map(str)
                              | st.integers(0, 10**12)),
                         *[draw(st.none() | st.integers(0, 1000)) for _ in header[3:-1]],
                         *([draw(st.sampled_from([None, "市工业和信息化局", "miit"]))]
                           if header[-1] == "来源单位" else
                           [draw(st.none() | st.integers(0, 1000))])])
        else:
            rows.append([
                draw(st.sampled_from([code, "91430100MA4L0000X1", ""]) | TEXT),
                draw(st.sampled_from([year, "20x0"]) | CELL), draw(AMOUNT),
                *[draw(CELL) for _ in header[3:]]])
    return [header, *rows]


def _state() -> list[tuple[Any, ...]]:
    return list(YearlyFigure.objects.order_by("organisation_id", "year").values_list(
        "organisation_id", "year", "main_business_revenue", "tax_paid", "headcount"))


@pytest.mark.django_db
@FUZZ
@given(data=st.data(), fmt=st.sampled_from(["xlsx", "csv", "gb18030.csv"]))
def test_a_valid_looking_sheet_imports_every_row_or_nothing(tmp_path: Path, data: Any,
                                                            fmt: str) -> None:
    codes = _orgs()
    code = codes[0] if codes else personas().org.credit_code
    rows = data.draw(sheets(code))
    if fmt == "xlsx":
        try:
            content = _xlsx(rows)
        except Exception:  # openpyxl refuses to write some strings: skip those
            return
    else:
        content = _csv(rows, "gb18030" if fmt.startswith("gb") else "utf-8-sig")
    path = tmp_path / f"f.{fmt.rsplit('.', 1)[-1]}"
    path.write_bytes(content)
    before = _state()
    try:
        result = import_file(path, "figures")
    except ImportFailed as exc:
        assert exc.errors
        assert _state() == before  # nothing imported
        event("refused")
        return
    event(f"imported {result.rows} rows")
    assert isinstance(result, ImportResult)
    filled = [r for r in rows[1:] if any(v not in (None, "") and str(v).strip() for v in r)]
    assert result.rows == len(filled) == result.created + result.updated
    after = {(o, y): revenue for o, y, revenue, *_ in _state()}
    assert all(isinstance(v, Decimal) for v in after.values())
    assert len(after) == len({k[:2] for k in before}) + result.created


def _orgs() -> list[str]:
    from policyhub.registry.models import Organisation

    return list(Organisation.objects.values_list("credit_code", flat=True)[:1])


@pytest.mark.django_db
@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=12), max_size=5),
       fmt=st.sampled_from(["xlsx", "csv"]))
def test_a_centres_import_of_random_cells_imports_all_or_nothing(rows: list[list[Any]],
                                                                 fmt: str) -> None:
    header = [c.zh for c in ADAPTATIONS.columns if not c.readonly]
    sheet = [header, *rows]
    try:
        content = _xlsx(sheet) if fmt == "xlsx" else _csv(sheet)
    except Exception:  # openpyxl refuses to write some strings: skip those
        return
    before = Adaptation.objects.count()
    try:
        count = import_table(ADAPTATIONS, content, f"a.{fmt}", actor=None)
    except ImportFailed as exc:
        assert exc.errors and Adaptation.objects.count() == before
        event("refused")
        return
    event(f"imported {count} rows")
    assert Adaptation.objects.count() == before + count
