"""A bureau officer runs 政策模拟 in Chromium: raises the first 二(四) step on the form and
sees the totals, both ECharts charts drawn and the gainer, at 1280 and 390 px wide, without
sideways scrolling. Saves build/screenshots/simulation-{1280,390}.png."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from policyhub.registry.models import YearlyFigure
from tests.browser.conftest import login_as, screenshot
from tests.personas import Personas

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_bureau_runs_a_scenario_and_reads_it_on_a_phone(
        page: Any, live_server: Any, people: Personas) -> None:
    for year, revenue in ((2019, "8000000"), (2020, "12000000")):
        YearlyFigure.objects.create(organisation=people.org, year=year,
                                    main_business_revenue=Decimal(revenue))
    login_as(page, live_server.url, "bureau_officer")
    page.click("nav >> text=政策模拟")
    page.fill("input[name=milestone_0]", "150000")
    page.fill("input[name=as_of]", "2022-12-31")
    page.click("button[type=submit].primary")
    result = page.locator(".simulation-totals")
    result.wait_for()
    assert "50,000.00" in result.inner_text()
    assert "长沙星盾网络安全有限公司" in page.locator(".simulation-changed").inner_text()
    for chart in ("#simulation-clauses", "#simulation-gains"):
        page.locator(f"{chart} canvas").wait_for()
    screenshot(page, "simulation-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    screenshot(page, "simulation-390")
    assert overflow <= 390 + 1, f"the page scrolls sideways at 390 px: {overflow}"
