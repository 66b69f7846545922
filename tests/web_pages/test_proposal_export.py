"""免申即享 proposals as Excel (issue 14): the officers who follow them up download the
filtered list with Chinese headers and labels, money as numbers; an applicant or an outsider
is refused (403, audited); a formula-looking name is quoted."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from policyhub.applications.models import Proposal
from policyhub.audit.models import AuditEntry
from policyhub.registry.models import Organisation
from tests.personas import Personas
from tests.web_pages.conftest import Login
from tests.web_pages.test_export_formulas import EVIL, assert_quoted

pytestmark = pytest.mark.django_db
URL = reverse("applications:proposals_xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _proposal(people: Personas, *, matter: str = "proj-1",
              status: str = Proposal.Status.OPEN) -> Proposal:
    return Proposal.objects.create(
        organisation=people.org, rule="P7.project", clause="二(七)", matter=matter,
        amount=Decimal("1234567.80"), ceiling=True, explanation="筛查所得", decision={},
        run="test", status=status,
        events=[{"type": "project_investment", "matter": matter, "date": "2021-03-01"}])


def _rows(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("persona", ["bureau_officer", "park_officer", "auditor"])
def test_an_officer_downloads_the_proposals_with_chinese_labels(
        login: Login, people: Personas, persona: str) -> None:
    _proposal(people)
    client = login(persona)
    assert "导出 Excel" in client.get(reverse("applications:proposals")).text
    response = client.get(URL)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    header, *rows = _rows(response.content)
    assert header[:4] == ["申报主体", "统一社会信用代码/证件号码", "支持事项", "政策条款"]
    assert len(rows) == 1
    row = rows[0]
    assert row[0] == people.org.name and row[1] == people.org.credit_code
    assert str(row[3]).startswith("二(七)") and len(str(row[3])) > len("二(七)")
    assert row[4] == "项目投资（2021年3月1日）"
    assert row[5] == 1234567.8 and row[6] == "上限" and row[7] == "待确认"
    text = " ".join(str(v) for v in row)
    for code in ("P7.project", "proj-1", "open", "project_investment"):
        assert code not in text
    entry = AuditEntry.objects.filter(action="applications.proposals_export").last()
    assert entry is not None and entry.allowed is True


def test_the_amount_cell_is_a_number_with_two_decimals(login: Login, people: Personas) -> None:
    _proposal(people)
    sheet = load_workbook(io.BytesIO(login("bureau_officer").get(URL).content)).active
    assert sheet is not None
    cell = sheet.cell(row=2, column=6)
    assert cell.data_type == "n" and cell.number_format == "#,##0.00"


def test_the_status_filter_applies_to_the_export(login: Login, people: Personas) -> None:
    _proposal(people, matter="proj-1")
    _proposal(people, matter="proj-2", status=Proposal.Status.DISMISSED)
    client = login("bureau_officer")
    assert len(_rows(client.get(URL).content)) == 2  # header + the open one
    dismissed = _rows(client.get(URL, {"status": "dismissed"}).content)
    assert len(dismissed) == 2 and dismissed[1][7] == "已放弃"
    page = client.get(reverse("applications:proposals"), {"status": "dismissed"}).text
    assert f"{URL}?status=dismissed" in page


@pytest.mark.parametrize("persona", ["applicant", "outsider"])
def test_an_applicant_or_an_outsider_is_refused(
        login: Login, people: Personas, persona: str) -> None:
    _proposal(people)
    client = login(persona)
    assert "导出 Excel" not in client.get(reverse("applications:proposals")).text
    response = client.get(URL)
    assert response.status_code == 403
    assert "只有园区管委会和市直管理部门可以导出免申即享建议" in response.text
    entry = AuditEntry.objects.filter(action="applications.proposals_export").last()
    assert entry is not None and entry.allowed is False


def test_a_formula_looking_organisation_name_is_quoted(
        login: Login, people: Personas) -> None:
    _proposal(people)
    Organisation.objects.filter(pk=people.org.pk).update(name=EVIL)
    response = login("bureau_officer").get(URL)
    assert response.status_code == 200
    assert_quoted(response.content)
