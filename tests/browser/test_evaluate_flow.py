"""An officer signs in, picks a contract example on the 试算 page and reads the decision."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import login_as, screenshot
from tests.personas import Personas

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_officer_evaluates_a_contract_example(
    page: Any, live_server: Any, people: Personas
) -> None:
    login_as(page, live_server.url, "bureau_officer")
    assert "市工业和信息化局经办人" in page.inner_text("header")

    page.goto(f"{live_server.url}/evaluate/json/")
    page.select_option("select[name=example]", "milestone_cumulative")
    page.click("text=载入示例")
    page.wait_for_url("**/evaluate/json/?example=milestone_cumulative")
    page.click("button:has-text('试算')")

    total = page.locator("#result .total")
    total.wait_for()
    assert total.get_attribute("data-total") == "600000.00"
    assert "600,000.00" in total.inner_text()
    result = page.inner_text("#result")
    assert "依据《长沙市加快网络安全产业发展若干政策》二(四)" in result
    assert "企业“上台阶”奖励" in result
    assert page.url.endswith("/evaluate/json/?example=milestone_cumulative")  # HTMX, no reload
    assert screenshot(page, "evaluate-milestone").stat().st_size > 10_000


def test_a_clause_link_lands_on_the_clause(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/policy/rules/P7.project/")
    page.click("dd a[href*='/policy/#']")
    target = page.locator(":target")
    target.wait_for()
    assert target.get_attribute("id") == "政策/二/(七)#1"
    screenshot(page, "policy-clause-anchor")
