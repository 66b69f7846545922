"""A leader opens the dashboard in Chromium: the four ECharts charts are drawn, the lagging
items come first, and a target's page lists its source records. Saves
build/screenshots/dashboard.png."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from policyhub.ledger import services as ledger
from policyhub.registry.models import YearlyFigure
from tests.browser.conftest import login_as, screenshot
from tests.centres.helpers import adaptation
from tests.personas import Personas, organisation

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.urls("tests.plan.test_dashboard_urls")]

# True once every [data-chart] element holds an ECharts instance with series and a canvas.
CHARTS_DRAWN = """() => {
  const els = [...document.querySelectorAll('[data-chart]')];
  return els.length === 4 && typeof echarts !== 'undefined' && els.every(el => {
    const chart = echarts.getInstanceByDom(el);
    return chart && chart.getOption().series.length > 0 && el.querySelector('canvas');
  });
}"""
SERIES = """() => [...document.querySelectorAll('[data-chart]')].map(el =>
  [el.dataset.chart, echarts.getInstanceByDom(el).getOption().series[0].data.length])"""


def records(people: Personas) -> str:
    """Figures of two enterprises, adaptations in three months, one paid award."""
    other = organisation("长沙麓谷数据安全科技有限公司", park="yuelu", district="岳麓区")
    for org, base in ((people.org, Decimal("1.2")), (other, Decimal("0.6"))):
        for i, year in enumerate((2018, 2019, 2020)):
            YearlyFigure.objects.create(organisation=org, year=year,
                                        main_business_revenue=(base + i) * 100_000_000)
    for i, month in enumerate((1, 2, 4)):
        adaptation(f"星盾产品{i}", tested_on=dt.date(2020, month, 10))
    ledger.contribute("zone", 2020, Decimal("2000000"), people.finance, reference="长高新财1号")
    ledger.contribute("city", 2020, Decimal("2000000"), people.finance, reference="长财企指1号")
    ledger.commit("award-1", 2020, Decimal("800000"), people.finance, clause="政策/二/(七)",
                  department=None, district="岳麓区", payee=people.org.name)
    ledger.pay("award-1", Decimal("500000"), people.finance, idempotency_key="pay-1")
    return other.name


def test_a_leader_reads_the_dashboard(page: Any, live_server: Any, people: Personas) -> None:
    other = records(people)
    login_as(page, live_server.url, "bureau_officer")
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_function(CHARTS_DRAWN)
    series = dict(page.evaluate(SERIES))
    assert series == {"revenue": 3, "enterprises": 3, "adaptations": 4, "fund": 3}

    # The lagging items come first, each with its lead unit.
    headings = page.locator("main h2").all_inner_texts()
    assert headings[0].startswith("滞后事项") and headings[1] == "全部目标"
    first = page.locator("#lagging tbody tr").first
    assert first.get_attribute("data-status") in ("behind", "at_risk")
    assert first.locator("td.lead-unit a").inner_text()
    assert "岳麓区" in page.inner_text("#by-district")
    assert screenshot(page, "dashboard").stat().st_size > 20_000

    # A target's detail page shows the records its value was computed from.
    page.click("#targets a[href*='/plan/targets/industry-scale/']")
    page.wait_for_url("**/plan/targets/industry-scale/**")
    sources = page.inner_text("ul.sources")
    assert people.org.name in sources and other in sources
    assert page.locator("ul.sources a[href*='/registry/']").count() >= 2
