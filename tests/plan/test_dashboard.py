"""The leaders' dashboard: its data functions on hand-made records, who may see it, the
lagging items first, and a number of queries that does not grow with the records."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from policyhub.applications.models import Application
from policyhub.ledger import services as ledger
from policyhub.plan import dashboard
from policyhub.plan.progress import Status, progress_report
from policyhub.registry.models import Organisation, YearlyFigure
from tests.centres.helpers import adaptation
from tests.personas import Personas, organisation, personas, unit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.plan.test_dashboard_urls")]

URL = "/dashboard/"
YI = Decimal(100_000_000)
TODAY = dt.date.today()  # organisations count from the day they entered the registry


@pytest.fixture
def people(db: None) -> Personas:
    return personas()


def client_for(u: User) -> Client:
    client = Client()
    client.force_login(u)
    return client


def figure(org: Organisation, year: int, yi: str) -> YearlyFigure:
    return YearlyFigure.objects.create(organisation=org, year=year,
                                       main_business_revenue=Decimal(yi) * YI)


def application(org: Organisation, creator: User, state: str, amount: str = "0",
                n: int = 0) -> Application:
    return Application.objects.create(
        organisation=org, rule="P7.project", clause="二(七)", reference="政策/二/(七)",
        matter=f"m-{org.pk}-{state}-{n}", state=state, department=unit("miit"),
        park=org.park, created_by=creator,
        approved_amount=Decimal(amount) if state == "paid" else None)


# --- data functions --------------------------------------------------------------------------


def test_revenue_series_sums_in_scope_enterprises_per_year(people: Personas) -> None:
    # Each year's point is the registry as of 31 December: who had entered by then, with
    # its latest closed fiscal year (tests/plan/test_dashboard_figures.py for the rule).
    a = _entered(organisation("长沙甲网络安全有限公司"), dt.date(2018, 5, 1))
    b = _entered(organisation("长沙乙网络安全有限公司", park="yuelu", district="岳麓区"),
                 dt.date(2020, 2, 1))
    outside = organisation("长沙丙有限公司", taxed_in_changsha=False)
    institute = organisation("长沙丁研究院", kind=Organisation.Kind.INSTITUTE)
    figure(a, 2019, "1.5")
    figure(a, 2020, "2")
    figure(b, 2020, "0.25")
    figure(outside, 2020, "100")
    figure(institute, 2020, "100")
    series = dashboard.revenue_series(TODAY)
    assert series == [dashboard.YearPoint(2019, Decimal("1.50"), 1),
                      dashboard.YearPoint(2020, Decimal("2.25"), 2)]
    assert dashboard.revenue_series(dt.date(2019, 12, 30)) == []  # 2019 not yet closed


def _entered(org: Organisation, day: dt.date) -> Organisation:
    from django.utils import timezone

    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    Organisation.objects.filter(pk=org.pk).update(created_at=moment)
    return org


def test_adaptation_series_counts_per_month_and_fills_gaps(db: None) -> None:
    adaptation("甲", tested_on=dt.date(2020, 1, 5))
    adaptation("乙", tested_on=dt.date(2020, 1, 20), result="failed")
    adaptation("丙", tested_on=dt.date(2020, 3, 31))
    adaptation("丁", tested_on=dt.date(2020, 4, 2))
    series = dashboard.adaptation_series(dt.date(2020, 3, 31))
    assert [(m.label, m.tested, m.passed) for m in series] == [
        ("2020-01", 2, 1), ("2020-02", 0, 0), ("2020-03", 1, 1)]
    assert dashboard.adaptation_series(dt.date(2019, 12, 31)) == []


def test_months_between_crosses_the_year() -> None:
    months = dashboard.months_between([dt.date(2020, 11, 1), dt.date(2021, 2, 1)])
    assert [f"{m:%Y-%m}" for m in months] == ["2020-11", "2020-12", "2021-01", "2021-02"]


def test_fund_series_reads_the_ledger_by_year(people: Personas) -> None:
    ledger.contribute("zone", 2020, Decimal("1000000"), people.finance, reference="长高新财1号")
    ledger.contribute("city", 2020, Decimal("1000000"), people.finance, reference="长财企指1号")
    ledger.commit("award-1", 2020, Decimal("500000"), people.finance, clause="政策/二/(七)",
                  department=unit("miit"), district="岳麓区", payee="长沙星盾")
    ledger.pay("award-1", Decimal("200000"), people.finance, idempotency_key="pay-1")
    by_year = {f.year: f for f in dashboard.fund_series()}
    assert by_year[2020] == dashboard.FundPoint(2020, Decimal("200.00"), Decimal("30.00"),
                                                Decimal("20.00"))
    assert by_year[2021].budget == 0  # every budget year, also one with no entry yet


def test_area_table_by_district_and_park(people: Personas) -> None:
    yuelu = organisation("长沙甲网络安全有限公司", park="yuelu", district="岳麓区")
    nowhere = organisation("长沙乙网络安全有限公司", district="")
    nowhere.park = None
    nowhere.save()
    figure(people.org, 2020, "3")  # 长沙高新区, 岳麓区
    figure(yuelu, 2020, "1")
    figure(yuelu, 2019, "50")  # another year: not in the table
    application(people.org, people.applicant, "paid", "300000")
    application(people.org, people.applicant, "submitted", n=1)
    application(people.org, people.applicant, "draft", n=2)  # not filed: not counted
    application(yuelu, people.applicant, "paid", "100000")
    districts = dashboard.area_table(TODAY, "district")
    assert districts[0] == dashboard.AreaRow("岳麓区", 2, Decimal("4.00"), 3, 2,
                                             Decimal("40.00"))
    assert districts[1] == dashboard.AreaRow(dashboard.NO_DISTRICT, 1, Decimal("0.00"), 0, 0,
                                             Decimal("0.00"))
    parks = {a.name: a for a in dashboard.area_table(TODAY, "park")}
    assert parks[people.org.park.name].paid_wan == Decimal("30.00")  # type: ignore[union-attr]
    assert parks[people.org.park.name].applications == 2  # type: ignore[union-attr]
    assert parks[dashboard.NO_PARK].enterprises == 1
    total = dashboard.area_total(districts)
    assert (total.enterprises, total.revenue_yi, total.paid_awards) == (3, Decimal("4.00"), 2)


def test_lagging_puts_behind_before_at_risk_in_text_order(db: None) -> None:
    rows = progress_report(dt.date(2020, 6, 30))
    statuses = [Status.ON_TRACK, Status.AT_RISK, Status.BEHIND, Status.MET, Status.BEHIND,
                Status.NO_DATA, Status.AT_RISK]
    made = [dataclasses.replace(r, status=s) for r, s in zip(rows, statuses, strict=False)]
    picked = dashboard.lagging(made)
    assert [p.target.code for p in picked] == [made[i].target.code for i in (2, 4, 1, 6)]
    counts = dashboard.status_counts(made)
    assert counts[0] == ("进度滞后", "bad", 2) and counts[-1] == ("已完成", "ok", 1)


def test_chart_data_is_plain_json(people: Personas) -> None:
    _entered(people.org, dt.date(2019, 1, 1))
    figure(people.org, 2020, "1.25")
    adaptation("甲", tested_on=dt.date(2020, 1, 5))
    data = dashboard.chart_data(dashboard.build(TODAY))
    assert json.loads(json.dumps(data)) == data
    assert data["revenue"] == {"x": ["2020"], "revenue": [1.25]}
    assert data["enterprises"]["enterprises"] == [1]
    assert data["adaptations"]["x"][0] == "2020-01"
    assert data["fund"]["x"] == ["2020", "2021", "2022"]


# --- the page --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["park_officer", "reviewer", "bureau_officer", "finance",
                                 "auditor", "admin"])
def test_leaders_see_the_dashboard(people: Personas, who: str) -> None:
    response = client_for(getattr(people, who)).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "滞后事项" in page and "全部目标" in page
    assert page.count('data-chart="') == 4
    assert 'id="dashboard-data"' in page and "plan/dashboard.js" in page
    assert "web/vendor/echarts.min.js" in page


@pytest.mark.parametrize("who", ["applicant", "outsider"])
def test_others_are_refused_and_audited(people: Personas, who: str) -> None:
    from policyhub.audit.models import AuditEntry

    response = client_for(getattr(people, who)).get(URL)
    assert response.status_code == 403
    assert "领导驾驶舱仅向" in response.content.decode()
    assert AuditEntry.objects.filter(action="plan.dashboard.read", allowed=False).exists()


def test_anonymous_is_sent_to_log_in(db: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_lagging_items_come_first_with_their_lead_unit(people: Personas) -> None:
    # As of today the plan's deadline has passed: every computed target short of its value
    # is behind (registry.enterprises among them, with no enterprise figures at all).
    page = client_for(people.auditor).get(URL).content.decode()
    lagging = page.index('id="lagging"')
    assert lagging < page.index('id="targets"') < page.index('id="charts"') \
        < page.index('id="areas"')
    section = page[lagging:page.index('id="targets"')]
    assert 'data-target="enterprises-gathered"' in section
    assert 'data-status="behind"' in section
    assert "/plan/targets/enterprises-gathered/?as_of=" in section
    assert "/plan/units/miit/" in section and "市工业和信息化局" in section
    assert 'data-status="met"' not in section


def test_as_of_is_passed_to_the_progress_report(people: Personas) -> None:
    page = client_for(people.auditor).get(URL, {"as_of": "2020-06-30"}).content.decode()
    assert 'value="2020-06-30"' in page
    assert "/plan/targets/industry-scale/?as_of=2020-06-30" in page


def _records(people: Personas, start: int, stop: int) -> None:
    """More enterprises, each with figures, an adaptation and two applications."""
    for i in range(start, stop):
        org = organisation(f"长沙测试{i}网络安全有限公司", park=("hitech", "yuelu")[i % 2],
                           district=("岳麓区", "雨花区")[i % 2])
        figure(org, 2019, "0.5")
        figure(org, 2020, "0.7")
        adaptation(f"产品{i}", tested_on=dt.date(2020, 1 + i % 12, 3))
        application(org, people.applicant, "paid", "100000", n=i)
        application(org, people.applicant, "submitted", n=i)


def _count_queries(client: Client, capture: Any) -> int:
    with capture() as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_records(people: Personas,
                                              django_assert_max_num_queries: Any) -> None:
    client = client_for(people.auditor)
    client.get(URL)  # warm-up: the session, the first look-ups

    def capture() -> CaptureQueriesContext:
        return CaptureQueriesContext(connection)

    _records(people, 0, 2)
    few = _count_queries(client, capture)
    _records(people, 2, 32)
    many = _count_queries(client, capture)
    assert many == few
    # The page's own series are 5 queries; the rest is plan.progress_report (one or two per
    # target) and the session, user and roles.
    with django_assert_max_num_queries(60):
        client.get(URL)


def test_the_embedded_chart_data_matches_the_records(people: Personas) -> None:
    _entered(people.org, dt.date(2019, 1, 1))
    figure(people.org, 2020, "2")
    page = client_for(people.auditor).get(URL).content.decode()
    start = page.index('<script id="dashboard-data" type="application/json">')
    raw = page[page.index(">", start) + 1:page.index("</script>", start)]
    data = json.loads(raw)
    assert data["revenue"]["revenue"] == [2.0]
