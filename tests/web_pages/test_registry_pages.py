"""主体登记 pages: the list is filtered by who may see, the detail refuses with its reason,
the engine decides on the registry facts, and the import page lists every bad row."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from policyhub.audit.models import AuditEntry
from policyhub.registry.models import YearlyFigure
from tests.personas import Personas, organisation
from tests.web_pages.conftest import Login

CITY_WIDE = ["reviewer", "bureau_officer", "finance", "auditor", "admin"]


@pytest.mark.parametrize("persona", ["applicant", "park_officer", *CITY_WIDE])
def test_it_lists_the_applicants_organisation_for_those_who_may_see_it(
        login: Login, people: Personas, persona: str) -> None:
    text = login(persona).get(reverse("registry:index")).text
    assert people.org.name in text
    assert people.org.credit_code in text


def test_it_shows_an_outsider_an_empty_list(login: Login, people: Personas) -> None:
    response = login("outsider").get(reverse("registry:index"))
    assert response.status_code == 200
    assert people.org.name not in response.text
    assert "没有您可查看的主体" in response.text


def test_it_hides_another_park_from_the_park_officer(login: Login, people: Personas) -> None:
    other = organisation("长沙麓谷外园区公司", park="ceda")
    text = login("park_officer").get(reverse("registry:index")).text
    assert other.name not in text


def test_it_filters_by_name_and_kind(login: Login, people: Personas) -> None:
    organisation("湖南另一家研究院", kind="institute")
    client = login("auditor")
    text = client.get(reverse("registry:index"), {"q": "星盾"}).text
    assert people.org.name in text and "湖南另一家研究院" not in text
    text = client.get(reverse("registry:index"), {"kind": "institute"}).text
    assert people.org.name not in text and "湖南另一家研究院" in text


@pytest.mark.parametrize("persona", ["applicant", "park_officer", *CITY_WIDE])
def test_it_shows_the_facts_and_the_engine_decision(
        login: Login, people: Personas, persona: str) -> None:
    url = reverse("registry:detail", args=[people.org.pk])
    response = login(persona).get(url, {"as_of": "2021-06-07"})
    assert response.status_code == 200
    text = response.text
    assert "项目投资" in text  # the events table
    assert 'data-total="2000000.00"' in text  # 二(七): 10% of 20,000,000, a ceiling
    assert "二(七)" in text


def test_it_answers_an_outsider_as_if_the_organisation_did_not_exist(
        login: Login, people: Personas) -> None:
    client = login("outsider")
    response = client.get(reverse("registry:detail", args=[people.org.pk]))
    missing = client.get(reverse("registry:detail", args=[people.org.pk + 1000]))
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content
    entry = AuditEntry.objects.filter(action="registry.organisation.view").last()
    assert entry is not None and entry.allowed is False
    assert "无权查看该主体的登记信息" in entry.reason


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("figures.csv", text.encode("utf-8-sig"), "text/csv")


def test_it_imports_figures(login: Login, people: Personas) -> None:
    body = f"统一社会信用代码,年度,主营业务收入\n{people.org.credit_code},2020,12345678.90\n"
    response = login("bureau_officer").post(
        reverse("registry:import"), {"kind": "figures", "file": _csv(body)}, follow=True)
    assert response.status_code == 200
    assert "共导入 1 行" in response.text
    assert YearlyFigure.objects.get(organisation=people.org, year=2020)


def test_it_lists_every_bad_row_and_imports_nothing(login: Login, people: Personas) -> None:
    body = (f"统一社会信用代码,年度,主营业务收入\n{people.org.credit_code},2020,abc\n"
            f"{people.org.credit_code},2021,100\n91430100000000000X,2021,100\n")
    response = login("bureau_officer").post(
        reverse("registry:import"), {"kind": "figures", "file": _csv(body)}, follow=True)
    assert response.status_code == 200  # the job page
    assert "2 行有误，未导入任何数据" in response.text
    assert "<td>2</td><td class=\"column\">主营业务收入</td>" in response.text
    assert "<td>4</td><td class=\"column\">统一社会信用代码</td>" in response.text
    assert not YearlyFigure.objects.exists()


def test_it_refuses_rows_of_organisations_the_user_may_not_edit(
        login: Login, people: Personas) -> None:
    body = f"统一社会信用代码,年度,主营业务收入\n{people.org.credit_code},2020,100\n"
    response = login("park_officer").post(
        reverse("registry:import"), {"kind": "figures", "file": _csv(body)}, follow=True)
    assert response.status_code == 200  # the job page
    assert "只读" in response.text
    assert not YearlyFigure.objects.exists()


def test_it_exports_only_visible_events(login: Login, people: Personas) -> None:
    response = login("applicant").get(reverse("registry:export", args=["events", "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    assert people.org.credit_code in text and "project_investment" in text
    outsider = login("outsider").get(reverse("registry:export", args=["events", "csv"]))
    assert people.org.credit_code not in outsider.content.decode("utf-8-sig")


def test_the_import_page_links_the_templates(login: Login, people: Personas) -> None:
    client = login("applicant")
    page = client.get(reverse("registry:import"))
    url = reverse("registry:import_template", args=["events"])
    assert url in page.text and "政策事件模板" in page.text
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith(b"PK")
    assert client.get(reverse("registry:import_template", args=["other"])).status_code == 404


def test_the_templates_need_a_login(client: Client) -> None:
    response = client.get(reverse("registry:import_template", args=["figures"]))
    assert response.status_code == 302
