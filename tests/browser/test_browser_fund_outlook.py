"""A finance officer opens the fund page on a phone (390 px): the outlook's fan chart is drawn
(bands, mean, remaining money, depletion bars) and the page does not scroll sideways. Saves
build/screenshots/fund-outlook-390.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.outlook import demo

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "outlook-pw"

FAN_DRAWN = """() => {
  const el = document.getElementById('outlook-chart');
  const chart = el && typeof echarts !== 'undefined' && echarts.getInstanceByDom(el);
  return !!(chart && el.querySelector('canvas') && chart.getOption().series.length === 7);
}"""


def _login(page: Any, base_url: str, username: str) -> None:
    """Sign in through the login form as one of the demo's logins (its password set here)."""
    demo.user(username, PASSWORD)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base_url}/")


def test_the_fan_chart_is_drawn_and_fits_390_px(page: Any, live_server: Any,
                                                settings: Any) -> None:
    demo.load()
    settings.DEMO_TODAY = dt.date(2020, 3, 1)
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server.url, "finance_officer")
    page.goto(f"{live_server.url}/ledger/")
    page.wait_for_function(FAN_DRAWN)
    series = page.evaluate("""() => echarts.getInstanceByDom(
        document.getElementById('outlook-chart')).getOption().series.map(s => s.data.length)""")
    assert series == [3] * 7  # 2020–2022 in every series
    width = page.evaluate("() => document.getElementById('outlook-chart').clientWidth")
    assert 0 < width <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.locator(".outlook-method summary").click()
    assert page.locator(".outlook-method").get_by_text("泊松分布").is_visible()
    screenshot(page, "fund-outlook-390")


def test_a_scenario_adds_its_mean_line_at_390_px(page: Any, live_server: Any,
                                                 settings: Any) -> None:
    demo.load()
    settings.DEMO_TODAY = dt.date(2020, 3, 1)
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server.url, "bureau_officer")
    page.goto(f"{live_server.url}/ledger/")
    page.select_option("#outlook-scenario", label="上台阶奖励提高、技改项目封顶下调")
    page.locator(".outlook-scenario button").click()
    page.wait_for_function("""() => {
      const el = document.getElementById('outlook-chart');
      const chart = el && typeof echarts !== 'undefined' && echarts.getInstanceByDom(el);
      return !!(chart && chart.getOption().series.length === 8);
    }""")
    assert page.locator(".ledger-outlook-scenario tbody tr").count() == 3
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "fund-outlook-scenario-390")
