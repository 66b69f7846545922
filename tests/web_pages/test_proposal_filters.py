"""The 免申即享 list filters (issue 14): by support item, reviewing department, the
applicant's park and district, its name or credit code, the screening's year — and the
Excel export holds exactly the rows the page lists under the same filters."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from policyhub.applications.models import Proposal
from policyhub.registry.models import Organisation
from policyhub.units.models import Unit
from tests.personas import Personas, organisation
from tests.web_pages.conftest import Login

pytestmark = pytest.mark.django_db
PAGE = reverse("applications:proposals")
XLSX = reverse("applications:proposals_xlsx")


def _proposal(org: Organisation, rule: str, matter: str, *, as_of: str = "2021-11-15",
              status: str = Proposal.Status.OPEN) -> Proposal:
    return Proposal.objects.create(
        organisation=org, rule=rule, clause="二", matter=matter, amount=Decimal("100000.00"),
        ceiling=True, explanation="筛查所得", decision={"as_of": as_of}, run="test",
        status=status, events=[])


@pytest.fixture
def spread(people: Personas) -> dict[str, Organisation]:
    """星盾 (高新区, 岳麓区) with a project and a talent proposal; 麓谷信安 (经开区,
    长沙县) with a project proposal screened in 2020."""
    other = organisation("长沙麓谷信安科技有限公司", park="ceda", district="长沙县")
    _proposal(people.org, "P7.project", "proj-1")
    _proposal(people.org, "P5.urgent_talent", "talent")
    _proposal(other, "P7.project", "proj-9", as_of="2020-12-31")
    return {"xingdun": people.org, "lugu": other}


def _names(client, **query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The applicants of the exported rows, checked against the page's count."""
    page = client.get(PAGE, query).text
    sheet = load_workbook(io.BytesIO(client.get(XLSX, query).content)).active
    names = sorted(str(row[0].value) for row in sheet.iter_rows(min_row=2))
    assert f"共 {len(names)} 条" in page
    return names


def test_each_filter_narrows_the_page_and_the_export_alike(
        login: Login, people: Personas, spread: dict[str, Organisation]) -> None:
    client = login("bureau_officer")
    xingdun, lugu = spread["xingdun"].name, spread["lugu"].name
    assert _names(client) == sorted([xingdun, xingdun, lugu])
    assert _names(client, rule="P5.urgent_talent") == [xingdun]
    hrss = Unit.objects.get(code="hrss")
    assert _names(client, department=str(hrss.pk)) == [xingdun]
    assert _names(client, park=str(Unit.objects.get(code="ceda").pk)) == [lugu]
    assert _names(client, district="长沙县") == [lugu]
    assert _names(client, q="麓谷") == [lugu]
    assert _names(client, q=spread["xingdun"].credit_code[-8:]) == [xingdun, xingdun]
    assert _names(client, year="2020") == [lugu]
    assert _names(client, rule="P7.project", year="2021") == [xingdun]


def test_the_status_filter_can_show_every_status(
        login: Login, people: Personas, spread: dict[str, Organisation]) -> None:
    _proposal(people.org, "P6.standard", "proj-3", status=Proposal.Status.DISMISSED)
    client = login("bureau_officer")
    assert len(_names(client)) == 3  # unfiltered: the open ones
    assert len(_names(client, status="dismissed")) == 1
    assert len(_names(client, status="all")) == 4


def test_the_choices_read_as_words_and_a_bad_year_is_named(
        login: Login, people: Personas, spread: dict[str, Organisation]) -> None:
    client = login("bureau_officer")
    page = client.get(PAGE).text
    assert ">二(七) 重点项目建设资金补助</option>" in page
    assert "P7.project</option>" not in page and ">hrss<" not in page
    bad = client.get(PAGE, {"year": "20x1"}).text
    assert "筛查年度请填写四位年份" in bad
    assert "共 3 条" in bad  # a bad filter narrows nothing
    assert "筛查年度不早于2019年" in client.get(PAGE, {"year": "1999"}).text


def test_the_export_audit_entry_names_the_filters(
        login: Login, people: Personas, spread: dict[str, Organisation]) -> None:
    from policyhub.audit.models import AuditEntry

    login("bureau_officer").get(XLSX, {"district": "长沙县", "year": "2020"})
    entry = AuditEntry.objects.filter(action="applications.proposals_export").latest("id")
    assert entry.payload["district"] == "长沙县" and entry.payload["rows"] == 1
