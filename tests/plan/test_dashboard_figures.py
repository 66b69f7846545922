"""Figures a bureau can defend: a registry figure counts for a year only once that fiscal year
has closed, per enterprise its latest closed year (docs/dashboard.md, "Which year counts"), so
one early upload cannot move the city total by more than that firm's own figure; and every
point of the charts equals what the target page says as of that year's end."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from policyhub.plan import dashboard
from policyhub.plan import registry_indicators as ri
from policyhub.plan.models import Target
from policyhub.registry.models import Organisation, YearlyFigure
from tests.personas import Personas, organisation, personas

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.plan.test_dashboard_urls")]
YI = Decimal(100_000_000)
DEMO_TODAY = dt.date(2022, 7, 4)


def entered(org: Organisation, day: dt.date) -> Organisation:
    """Back-date the day `org` entered the registry (what the plan counts from)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    Organisation.objects.filter(pk=org.pk).update(created_at=moment)
    org.refresh_from_db()
    return org


def figure(org: Organisation, year: int, yi: str) -> YearlyFigure:
    return YearlyFigure.objects.create(organisation=org, year=year,
                                       main_business_revenue=Decimal(yi) * YI)


@pytest.fixture
def city(db: None) -> list[Organisation]:
    """Three enterprises with closed-year figures 2019–2021: 137.49 亿元 in 2021."""
    big = entered(organisation("长沙甲网络安全股份有限公司"), dt.date(2018, 3, 1))
    mid = entered(organisation("长沙乙信息安全有限公司"), dt.date(2019, 9, 1))
    small = entered(organisation("长沙丙数据安全有限公司"), dt.date(2020, 5, 1))
    for year, a, b in ((2019, "90", "30"), (2020, "95", "33"), (2021, "100", "37.09")):
        figure(big, year, a)
        figure(mid, year, b)
    figure(small, 2020, "0.3")
    figure(small, 2021, "0.40")
    return [big, mid, small]


def test_one_early_upload_does_not_replace_the_city_total(city: list[Organisation]) -> None:
    before = ri.industry_scale(DEMO_TODAY).value
    assert before == Decimal("137.49")
    figure(city[2], 2022, "0.45")  # one applicant imports its 2022 figures in July 2022
    assert ri.industry_scale(DEMO_TODAY).value == Decimal("137.49")  # 2022 has not closed
    assert dashboard.build(DEMO_TODAY).revenue[-1].revenue_yi == Decimal("137.49")
    # Once 2022 has closed, the firm counts with its 2022 figure, the others with 2021:
    # the total moves by that firm's own change only.
    closed = ri.industry_scale(dt.date(2022, 12, 31)).value
    assert closed == Decimal("137.49") - Decimal("0.40") + Decimal("0.45")


def test_a_tier_counts_each_firm_at_its_latest_closed_year(city: list[Organisation]) -> None:
    figure(city[2], 2022, "60")  # an early, partial year over 50亿元: not yet
    assert ri.revenue_over_5bn(DEMO_TODAY).value == 1  # big, with 100亿元 in 2021
    assert ri.revenue_over_1bn(DEMO_TODAY).value == 2
    assert ri.revenue_over_5bn(dt.date(2022, 12, 31)).value == 2


def test_each_chart_point_equals_the_target_page_as_of_that_year_end(
        city: list[Organisation], client: Client) -> None:
    p: Personas = personas()
    entered(p.org, dt.date(2021, 6, 1))  # in scope, no figures: counted, adds nothing
    points = dashboard.revenue_series(DEMO_TODAY)
    assert [(x.year, x.revenue_yi, x.enterprises) for x in points] == [
        (2019, Decimal("120.00"), 2), (2020, Decimal("128.30"), 3),
        (2021, Decimal("137.49"), 4)]
    client.force_login(p.auditor)
    scale = Target.objects.get(indicator="registry.industry_scale")
    count = Target.objects.get(indicator="registry.enterprises")
    for x in points:
        end = dt.date(x.year, 12, 31)
        assert ri.industry_scale(end).value == x.revenue_yi
        assert ri.gathered(end).value == x.enterprises
        for target, value in ((scale, x.revenue_yi), (count, x.enterprises)):
            page = client.get(f"/plan/targets/{target.code}/?as_of={end.isoformat()}").text
            shown = re.search(r"当前值</dt><dd>([^<]*)</dd>", page)
            assert shown is not None and Decimal(shown.group(1).split()[0]) == value, shown
    charts = dashboard.chart_data(dashboard.build(DEMO_TODAY))
    assert charts["enterprises"]["enterprises"] == [x.enterprises for x in points]
    assert charts["revenue"]["revenue"] == [float(x.revenue_yi) for x in points]


def test_the_area_tables_use_the_same_figures(city: list[Organisation]) -> None:
    figure(city[2], 2022, "0.45")
    d = dashboard.build(DEMO_TODAY)
    assert dashboard.area_total(d.districts).revenue_yi == Decimal("137.49")
    assert d.revenue_year == 2021


def test_the_target_page_paginates_its_source_records(client: Client, db: None) -> None:
    p = personas()
    for n in range(60):
        organisation(f"长沙第{n:02d}网络安全有限公司")
    client.force_login(p.auditor)
    code = Target.objects.get(indicator="registry.enterprises").code
    first = client.get(f"/plan/targets/{code}/").text
    assert "来源记录（61）" in first and "第 1 / 2 页，共 61 条" in first
    assert _sources(first).count('<li><a href="/registry/') == 50  # each links its record
    second = client.get(f"/plan/targets/{code}/?page=2").text
    assert _sources(second).count('<li><a href="/registry/') == 11


def _sources(page: str) -> str:
    return page.split('<ul class="sources">', 1)[1].split("</ul>", 1)[0]


def test_the_page_is_recomputed_as_soon_as_a_figure_is_saved(
        city: list[Organisation], client: Client) -> None:
    p = personas()
    client.force_login(p.auditor)
    url = f"/dashboard/?as_of={dt.date(2022, 12, 31).isoformat()}"
    assert '"revenue": [120.0, 128.3, 137.49]' in client.get(url).text.replace("\n", "")
    figure(city[2], 2022, "0.45")  # saved through the ORM
    assert "137.54" in client.get(url).text
    # A bulk update sends no signal (the page cache of before missed it for a minute): the
    # registry's triggers mark the rollups dirty all the same.
    YearlyFigure.objects.filter(organisation=city[2], year=2022).update(
        main_business_revenue=Decimal("1.45") * YI)
    assert "138.54" in client.get(url).text
    Organisation.objects.filter(pk=city[1].pk).update(cybersecurity_business=False)
    assert '"revenue": [90.0, 95.3, 100.4, 101.45]' in client.get(url).text.replace("\n", "")


def test_the_fund_chart_equals_the_ledger_page_by_year(client: Client, db: None) -> None:
    from policyhub.ledger import services as ledger
    from tests.personas import unit

    p = personas()
    ledger.contribute("zone", 2021, Decimal("1234567.89"), p.finance, reference="长高新财1号")
    ledger.contribute("city", 2021, Decimal("1234567.89"), p.finance, reference="长财企指1号")
    ledger.commit("award-1", 2021, Decimal("500000.55"), p.finance, clause="政策/二/(七)",
                  department=unit("miit"), district="岳麓区", payee="长沙星盾")
    ledger.pay("award-1", Decimal("200000.25"), p.finance, idempotency_key="pay-1")
    client.force_login(p.auditor)
    page = client.get("/ledger/").text
    table = page.split('<table class="data ledger-years">', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*><td>(\d{4})</td>(.*?)</tr>", table, re.S):
        cells = re.findall(r'<td class="num"[^>]*>([\d,.]+)</td>', row[1])
        rows[int(row[0])] = [Decimal(c.replace(",", "")) for c in cells]
    charts = dashboard.chart_data(dashboard.build(DEMO_TODAY))["fund"]
    assert [int(x) for x in charts["x"]] == sorted(rows)
    for i, year in enumerate(charts["x"]):
        budget, committed, paid, _ = rows[int(year)]
        wan = [(v / 10_000).quantize(Decimal("0.01")) for v in (budget, committed, paid)]
        assert [Decimal(str(charts[k][i])) for k in ("budget", "committed", "paid")] == wan
    assert rows[2021][2] == Decimal("200000.25")  # the page itself, to the fen
