"""One application walked from draft to paid through the web pages, in Chromium: each
persona signs in and makes its move with the page's HTMX forms.

The notice period is passed with the workflow's own clock: `services.today()` (the decision
day every move uses when none is given) is patched, first to a working day of the fund's
2021 budget year, then to the day after the notice ends. The live server runs in a thread of
this process, so the patch reaches its views.
"""

from __future__ import annotations

from typing import Any

import pytest

from policyhub.applications import services
from policyhub.applications.models import Application
from policyhub.audit.services import verify
from tests.browser.conftest import login_as, screenshot
from tests.personas import Personas
from tests.web_pages.helpers import AFTER_NOTICE, DAY, fund, record_project

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    login_as(page, base, username)


def make_move(page: Any, name: str, state: str, *, amount: str | None = None,
              reason: str | None = None) -> None:
    """Fill and send the move's form on the detail page; wait for the reloaded page."""
    form = page.locator(f"form[data-transition={name}]")
    if amount is not None:
        form.locator("input[name=amount]").fill(amount)
    if reason is not None:
        form.locator("textarea[name=reason]").fill(reason)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"#app-state[data-state={state}]")


def test_an_application_walks_from_draft_to_paid(
        page: Any, live_server: Any, people: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())  # 拨付 asks for confirmation first
    record_project(people.org)
    fund(people)
    monkeypatch.setattr(services, "today", lambda: DAY)

    sign_in(page, base, "applicant")
    page.goto(f"{base}/applications/new/")
    page.select_option("select[name=award]", "P7.project|proj-1")
    page.click("text=创建申报草稿")
    page.wait_for_selector("#app-state[data-state=draft]")
    assert "2,000,000.00" in page.inner_text("#entitled")  # the engine's ceiling
    detail = page.url
    make_move(page, "submit", "submitted")

    sign_in(page, base, "park_officer")
    page.goto(detail)
    make_move(page, "accept", "accepted")

    sign_in(page, base, "reviewer")
    page.goto(detail)
    make_move(page, "review", "reviewed", amount="1800000.00", reason="按实际投入择优核定")
    assert "1,800,000.00" in page.inner_text("#approved")

    sign_in(page, base, "bureau_officer")
    page.goto(detail)
    make_move(page, "final_review", "notice")
    page.goto(f"{base}/applications/notice/")
    assert people.org.name in page.inner_text("table.notice")
    page.goto(detail)
    page.locator("form[data-transition=approve] button").click()
    refusal = page.locator("#transition-result .box-reason")
    refusal.wait_for()
    assert "期满后方可批准" in refusal.inner_text()  # still in the notice period

    monkeypatch.setattr(services, "today", lambda: AFTER_NOTICE)
    page.goto(detail)
    make_move(page, "approve", "approved")

    sign_in(page, base, "finance")
    page.goto(detail)
    make_move(page, "pay", "paid")
    assert "已拨付" in page.inner_text("#app-state")
    history = page.inner_text("table.history")
    for who in ("applicant", "park_officer", "reviewer", "bureau_officer", "finance"):
        assert who in history
    screenshot(page, "application_paid")

    page.goto(f"{base}/ledger/")
    assert page.locator("table.ledger-years td[data-paid='1800000.00']").count() >= 1
    assert "1,800,000.00" in page.inner_text("table.ledger-years")
    screenshot(page, "ledger_after_payment")

    app = Application.objects.get()
    assert app.state == "paid" and str(app.approved_amount) == "1800000.00"
    assert verify().ok
