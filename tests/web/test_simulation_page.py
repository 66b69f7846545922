"""政策模拟 page: the bureau's officers run a scenario on the registry and see totals,
breakdowns, charts' data and the applicants who gain or lose, in Chinese; others get no
link and a refusal; the run downloads as .xlsx; a bad scenario says which field."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policyhub.registry.models import YearlyFigure
from policyhub.web import nav
from tests.personas import Personas, organisation

URL = "/todo/simulation/"


def visible(html: bytes) -> str:
    """The page's text as a person reads it (tags and their attributes left out)."""
    return re.sub(r"<script.*?</script>|<[^>]+>", " ", html.decode(), flags=re.S)


@pytest.fixture
def registry(people: Personas) -> None:
    """星盾 first passes 10,000,000 yuan in 2020 (二(四) step one, 100,000 yuan under the
    law); a second firm, in 天心区 outside the park, never reaches a step."""
    for year, revenue in ((2019, "8000000"), (2020, "12000000")):
        YearlyFigure.objects.create(organisation=people.org, year=year,
                                    main_business_revenue=Decimal(revenue))
    other = organisation("长沙砺剑信息科技有限公司", district="天心区")
    YearlyFigure.objects.create(organisation=other, year=2020,
                                main_business_revenue=Decimal("900000"))


def form(**changes: Any) -> dict[str, Any]:
    data = {"source": "form", "as_of": "2022-12-31", "name": "上台阶奖励提高"}
    data.update(changes)
    return data


def test_only_the_bureau_sees_the_link_and_the_page(login: Any, people: Personas) -> None:
    for name in ("applicant", "reviewer", "finance", "park_officer", "auditor", "outsider"):
        client = login(name)
        assert nav.SIMULATE not in nav.navigation(getattr(people, name))
        assert client.get(URL).status_code == 403
    client = login("bureau_officer")
    assert nav.SIMULATE in nav.navigation(people.bureau_officer)
    page = client.get(URL)
    assert page.status_code == 200
    assert reverse("web:simulation").encode() in client.get("/").content
    text = visible(page.content)
    assert "二(四) 上台阶奖励：主营业务收入首次突破10,000,000元" in text
    assert "p4_enterprises" not in text and "milestone_jump" not in text


def test_raising_the_first_step_shows_the_cost_and_who_gains(login: Any, registry: None) -> None:
    page = login("bureau_officer").post(URL, form(milestone_0="150000"))
    assert page.status_code == 200
    text = visible(page.content)
    ctx = page.context
    assert ctx["base_yuan"] == Decimal("100000.00") and ctx["scen_yuan"] == Decimal("150000.00")
    assert ctx["diff_yuan"] == Decimal("50000.00")
    assert ctx["report"].gainers == 1 and ctx["report"].losers == 0
    [gainer] = ctx["changed"]
    assert gainer["name"] == "长沙星盾网络安全有限公司" and gainer["diff"] == Decimal("50000.00")
    assert gainer["base_texts"] and gainer["scenario_texts"]
    assert ctx["chart"]["base"] == ["100000.00"] and ctx["chart"]["scenario"] == ["150000.00"]
    assert ctx["chart"]["counts"] == [1]
    districts = {r["key"]: r for title, rows in ctx["tables"] if title == "区县（市）"
                 for r in rows}
    assert districts["岳麓区"]["diff"] == Decimal("50000.00")
    years = {r["key"]: r for title, rows in ctx["tables"] if title == "年度" for r in rows}
    assert years["2020"]["scenario"] == Decimal("150000.00")
    assert "二(四) 企业“上台阶”奖励" in text and "50,000.00" in text
    html = page.content.decode()  # the changed parameter's two values, with separators
    assert '<td class="num">100,000</td><td class="num">150,000</td>' in html
    for code in ("P4.", "milestone", "dedup_scope", "revenue-2020"):
        assert code not in text


def test_the_same_run_downloads_as_a_workbook(login: Any, registry: None) -> None:
    got = login("bureau_officer").post(URL, form(milestone_0="150000", download="1"))
    assert got.status_code == 200 and "attachment" in got["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(got.content))
    rows = list(book["增减名单"].iter_rows(min_row=2, values_only=True))
    assert [r[:2] for r in rows] == [("O-" + rows[0][0].split("-")[1], "长沙星盾网络安全有限公司")]
    assert rows[0][6] == 50000


def test_a_scenario_equal_to_the_law_changes_nothing(login: Any, registry: None) -> None:
    page = login("bureau_officer").post(URL, form(milestone_0="100000"))
    assert page.context["diff_yuan"] == 0 and page.context["changed"] == []


def test_bad_values_are_refused_naming_the_field(login: Any, registry: None) -> None:
    client = login("bureau_officer")
    page = client.post(URL, form(project_cap="-1"))
    assert page.status_code == 400
    assert "二(七)" in page.context["error"] and "不能为负数" in page.context["error"]
    bad = SimpleUploadedFile("s.yaml", b"name: x\ndate: 2026-12-01\nchanges:\n"
                             b"  - {parameter: p7_projects.no_such, value: 1}\n")
    page = client.post(URL, {"source": "upload", "as_of": "2022-12-31", "scenario_file": bad})
    assert page.status_code == 400
    assert "changes[0].parameter" in page.context["error"] and "未知参数" in page.context["error"]


def test_an_example_scenario_runs(login: Any, registry: None) -> None:
    page = login("bureau_officer").post(URL, {"source": "example:milestones_up",
                                              "as_of": "2022-12-31"})
    assert page.status_code == 200 and page.context["diff_yuan"] == Decimal("50000.00")


def test_the_page_speaks_english_second(login: Any) -> None:
    client = login("bureau_officer")
    client.post(reverse("set_language"), {"language": "en", "next": URL})
    text = visible(client.get(URL).content)
    assert "Reform simulation" in text and "Scenario source" in text and "Run" in text
