"""专项资金 pages: readers see the fund by year, clause, department and district, and can
download it as Excel; everyone else is refused with the reason (audited)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from policyhub.audit.models import AuditEntry
from policyhub.web.excel import read_money
from tests.personas import Personas
from tests.web_pages.conftest import Login
from tests.web_pages.helpers import AFTER_NOTICE, approved, move

READERS = ["finance", "bureau_officer", "auditor", "admin"]
OTHERS = ["applicant", "park_officer", "reviewer", "outsider"]
AMOUNT = Decimal("1500000.00")


@pytest.mark.parametrize("persona", READERS)
def test_it_shows_the_fund_to_its_readers(login: Login, people: Personas, persona: str,
                                          today: object) -> None:
    move(approved(people, AMOUNT), "pay", people.finance, AFTER_NOTICE)
    response = login(persona).get(reverse("ledger:index"))
    assert response.status_code == 200
    text = response.text
    assert "40,000,000.00" in text  # the 2021 pool: 20,000,000 from each source
    assert 'data-paid="1500000.00"' in text
    assert "38,500,000.00" in text  # available
    assert "《长沙市加快网络安全产业发展若干政策》二(七)" in text  # by clause
    assert "市工业和信息化局" in text  # by department
    assert "岳麓区" in text  # by district
    assert "echarts.min.js" in text and "ledger-chart-data" in text


@pytest.mark.parametrize("persona", OTHERS)
def test_it_refuses_everyone_else_with_the_reason(login: Login, people: Personas,
                                                  persona: str) -> None:
    client = login(persona)
    response = client.get(reverse("ledger:index"))
    assert response.status_code == 403
    assert "专项资金台账仅对以下角色开放" in response.text
    assert client.get(reverse("ledger:export")).status_code == 403
    entry = AuditEntry.objects.filter(action="ledger.read").last()
    assert entry is not None and entry.allowed is False


def test_the_excel_export_reads_back_the_amounts(login: Login, people: Personas,
                                                 today: object) -> None:
    approved(people, AMOUNT)
    response = login("finance").get(reverse("ledger:export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    year = next(r for r in rows if r[0] == "按预算年度" and r[1] == "2021")
    assert read_money(year[2]) == Decimal("40000000.00")
    assert read_money(year[3]) == AMOUNT  # committed
    clause = next(r for r in rows if r[0] == "按政策条款" and "二(七)" in str(r[1]))
    assert read_money(clause[6]) == AMOUNT
