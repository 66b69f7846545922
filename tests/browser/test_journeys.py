"""Journeys through the pages of `make run`'s demo, in Chromium, on the demo's day
(POLICYHUB_TODAY=2022-07-04): each role signs in with its demo login, finds its 待办 from the
navigation and does its work; screenshots at 1280 px and 390 px wide under
build/screenshots/journeys/. Every page is checked to be no wider than a 390 px viewport."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from policyhub.accounts.models import Role, RoleAssignment
from policyhub.applications.models import Application, Proposal
from policyhub.audit.services import verify
from policyhub.demo.accounts import PASSWORD
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
DEMO_DAY = dt.date(2022, 7, 4)
WIDTHS = (1280, 390)


@pytest.fixture
def demo(transactional_db: None, settings: Any, tmp_path: Path) -> None:
    settings.DEMO_TODAY = DEMO_DAY
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", "--organisations", "60", stdout=StringIO())


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def shoot(page: Any, name: str) -> None:
    """Full-page screenshots at both widths; at 390 px the page must not scroll sideways."""
    folder = SCREENSHOTS / "journeys"
    folder.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if width < 600:
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{name}: the page is {wide} px wide at {width} px"
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def nav_labels(page: Any) -> list[str]:
    return [a.strip() for a in page.locator("nav.site-nav a").all_inner_texts()]


def test_the_demo_day_lets_the_bureau_approve_an_ended_notice_and_finance_pay(
        page: Any, live_server: Any, demo: None) -> None:
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, base, "applicant")
    assert "演示日期 2022-07-04" in page.inner_text("header")
    labels = nav_labels(page)
    assert "待办" in labels and "政策试算" in labels
    for hidden in ("专项资金", "行动计划监测", "服务中心"):
        assert hidden not in labels
    page.click("nav.site-nav >> text=待办")
    page.wait_for_selector("section.queue")
    assert "免申即享建议，待确认" in page.inner_text("main")
    shoot(page, "applicant-todo")

    sign_in(page, base, "park_officer")
    page.click("nav.site-nav >> text=待办")
    assert "待受理" in page.inner_text("main")
    shoot(page, "park-officer-todo")

    sign_in(page, base, "bureau_officer")
    page.click("nav.site-nav >> text=待办")
    ended = page.locator("section.queue", has_text="公示期满，可批准")
    assert "截至2022-07-04" in ended.inner_text()
    shoot(page, "bureau-todo")
    page.fill("input[name=q]", Application.objects.filter(state="notice").first()
              .applicant_name[:4])
    page.click("section.search button[type=submit]")
    page.wait_for_selector("section.search table")
    shoot(page, "bureau-search")
    page.goto(f"{base}/todo/")
    ended = page.locator("section.queue", has_text="公示期满，可批准")
    ended.locator("a.button", has_text="办理").first.click()
    pk = int(page.url.rstrip("/").rsplit("/", 1)[1])
    page.locator("form[data-transition=approve] button").click()
    page.wait_for_selector("#app-state[data-state=approved]")
    assert Application.objects.get(pk=pk).state == "approved"
    shoot(page, "bureau-approved")

    page.click("nav.site-nav >> text=服务中心")
    main = page.inner_text("main")
    for centre in ("测试认证中心", "培训服务", "运营及应急响应中心", "终端更新与应用迁移",
                   "一会一赛", "联网演示环境"):
        assert centre in main
    shoot(page, "bureau-centres")

    sign_in(page, base, "finance_officer")
    page.click("nav.site-nav >> text=待办")
    queue = page.locator("section.queue", has_text="已批准，待拨付")
    assert queue.locator(f"a[href='/applications/{pk}/']").count() == 1
    shoot(page, "finance-todo")
    page.goto(f"{base}/applications/{pk}/")
    page.locator("form[data-transition=pay] button").dblclick()
    page.wait_for_selector("#app-state[data-state=paid]")
    assert Application.objects.get(pk=pk).state == "paid"
    assert verify().ok


def test_an_enterprise_tries_the_policies_in_a_form_and_applies_from_a_result_row(
        page: Any, live_server: Any, demo: None) -> None:
    base = live_server.url
    sign_in(page, base, "applicant")
    page.click("nav.site-nav >> text=政策试算")
    # Its registered facts are pre-filled: its name, its revenue years, its events on file.
    org_name = page.input_value("input[name=name]")
    assert org_name and "（已按登记信息预填）" in page.inner_text("main")
    assert page.locator(".event-row[data-type=annual_revenue]").count() >= 1
    assert "{" not in page.inner_text("main")  # no JSON to write
    # A hypothetical 二(六) standard, through its own form in Chinese.
    page.select_option("select[name=add]", "standard_led")
    page.click("button[value=add]")
    row = page.locator(".event-row[data-type=standard_led]").last
    assert "主导制定标准" in row.inner_text()
    assert "每项标准分别给予30万元、10万元、5万元一次性奖励" in row.inner_text()  # the clause
    row.locator("input[type=date]").fill("2021-03-01")
    row.locator("select").select_option("national")
    page.click("button[value=evaluate]")
    result = page.locator("#result")
    result.locator("table.awards").wait_for()
    text = result.inner_text()
    assert "标准制修订奖励" in text and "100,000.00" in text and "国家标准" in text
    assert "event-" not in text and "P6." not in text and "dedup_scope" not in text
    shoot(page, "applicant-trial")

    # An empty money field is named, in Chinese; nothing is decided.
    page.select_option("select[name=add]", "project_investment")
    page.click("button[value=add]")
    page.click("button[value=evaluate]")
    assert "项目投资）的日期：请填写" in page.inner_text("#result")

    # 申报此项 on a row from the registry's facts opens the application form preselected.
    page.goto(f"{base}/evaluate/")
    page.click("button[value=evaluate]")
    apply = page.locator("a.apply-this").first
    apply.wait_for()
    award = apply.get_attribute("href").split("award=")[1]
    apply.click()
    page.wait_for_url("**/applications/new/**")
    assert page.input_value("select[name=award]") == award
    shoot(page, "applicant-apply-from-trial")
    page.click("text=创建申报草稿")
    page.wait_for_selector("#app-state[data-state=draft]")
    app = Application.objects.get(state="draft", organisation__name=org_name)

    # 申报材料: what the clause asks for is listed; a PDF is attached and downloadable.
    section = page.locator("#materials")
    assert "○ 营业执照或登记证书复印件" in section.inner_text()
    page.set_input_files("#materials input[type=file]", files=[{
        "name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 test"}])
    page.click("#materials button[type=submit]")
    page.wait_for_selector("#materials table.materials a")
    assert "✔ 营业执照或登记证书复印件" in page.inner_text("#materials")
    assert app.materials.get().sha256 == hashlib.sha256(b"%PDF-1.7 test").hexdigest()
    with page.expect_download() as got:
        page.click("#materials table.materials a")
    assert got.value.suggested_filename == "营业执照.pdf"
    shoot(page, "applicant-materials")

    # Withdrawing asks first; dismissing the question changes nothing.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("form[data-transition=withdraw] button").click()
    page.wait_for_timeout(500)
    assert Application.objects.get(pk=app.pk).state == "draft"
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-transition=withdraw] button").click()
    page.wait_for_selector("#app-state[data-state=withdrawn]")


def test_the_bureau_screens_from_the_web_and_the_auditor_verifies_the_trail(
        page: Any, live_server: Any, demo: None) -> None:
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base, "bureau_officer")
    page.click("nav.site-nav >> text=待办")
    page.click("text=免申即享筛查")
    page.click("text=开始筛查")
    page.wait_for_selector("#progress[data-state=done]", timeout=120_000)  # background run
    first = page.inner_text("#progress")
    assert "新生成建议" in first
    shoot(page, "bureau-screening")
    proposals = Proposal.objects.count()
    page.goto(f"{base}/todo/screening/")
    page.click("text=开始筛查")
    page.wait_for_selector("#progress[data-state=done]", timeout=120_000)
    assert "新生成建议 0 条" in page.inner_text("#progress")
    assert Proposal.objects.count() == proposals  # a rerun never duplicates

    sign_in(page, base, "auditor")
    labels = nav_labels(page)
    assert "审计追踪" in labels and "新建申报" not in page.inner_text("body")
    page.click("nav.site-nav >> text=审计追踪")
    page.select_option("select[name=action]", "applications.screening.start")
    # The filter is a GET form: wait for its page (the action in the address) before counting,
    # or a slow server leaves the old page's rows under the locator.
    with page.expect_navigation(url=lambda url: "action=applications.screening.start" in url):
        page.click("form.filter-form button[type=submit]")
    page.wait_for_selector("table.audit tbody tr")
    assert page.locator("table.audit tbody tr").count() == 2
    page.click("text=校验审计链")
    page.wait_for_selector("#verification[data-ok='1']")
    shoot(page, "auditor-audit-trail")
    page.goto(f"{base}/applications/")
    page.locator("table.applications a").first.click()
    assert page.locator("form.transition-form").count() == 0  # read-only: no move buttons


PAGES_BY_ROLE = {
    "admin": ["/", "/todo/", "/dashboard/", "/plan/", "/ledger/", "/registry/", "/applications/",
              "/applications/proposals/", "/applications/notice/", "/centres/",
              "/centres/adaptation/demo-network/", "/centres/events/prizes/",
              "/policy/rules/", "/audit/", "/evaluate/"],
}


def test_every_main_page_fits_a_phone(page: Any, live_server: Any, demo: None) -> None:
    """At 390 px no page is wider than the screen; wide tables scroll inside their box."""
    base = live_server.url
    sign_in(page, base, "admin")
    page.set_viewport_size({"width": 390, "height": 800})
    too_wide = []
    for path in PAGES_BY_ROLE["admin"]:
        page.goto(base + path)
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > 390:
            too_wide.append((path, wide))
    assert too_wide == []
    page.goto(f"{base}/dashboard/")
    shoot(page, "leader-dashboard")


def test_park_and_department_work_their_queues(page: Any, live_server: Any, demo: None) -> None:
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base, "applicant")
    page.goto(f"{base}/evaluate/")
    page.click("button[value=evaluate]")
    page.locator("a.apply-this").first.click()
    page.click("text=创建申报草稿")
    page.wait_for_selector("#app-state[data-state=draft]")
    pk = int(page.url.rstrip("/").rsplit("/", 1)[1])
    page.set_input_files("#materials input[type=file]", files=[{
        "name": "申报书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 form"}])
    page.click("#materials button[type=submit]")
    page.locator("form[data-transition=submit] button").click()
    page.wait_for_selector("#app-state[data-state=submitted]")

    # The park committee finds it in 待办 and returns it with a reason.
    sign_in(page, base, "park_officer")
    page.click("nav.site-nav >> text=待办")
    queue = page.locator("section.queue", has_text="待受理")
    queue.locator(f"a[href='/applications/{pk}/']").click()
    form = page.locator("form[data-transition=return]")
    form.locator("textarea[name=reason]").fill("请补充加盖公章的申报书")
    form.locator("button").click()
    page.wait_for_selector("#app-state[data-state=returned]")
    shoot(page, "park-officer-returned")

    # The applicant sees it among its returned applications and submits it again.
    sign_in(page, base, "applicant")
    page.click("nav.site-nav >> text=待办")
    returned = page.locator("section.queue", has_text="退回补正")
    returned.locator(f"a[href='/applications/{pk}/']").click()
    assert "请补充加盖公章的申报书" in page.inner_text("table.history")
    page.locator("form[data-transition=submit] button").click()
    page.wait_for_selector("#app-state[data-state=submitted]")

    sign_in(page, base, "park_officer")
    page.goto(f"{base}/applications/{pk}/")
    page.locator("form[data-transition=accept] button").click()
    page.wait_for_selector("#app-state[data-state=accepted]")

    # The department that reviews the clause finds it in 待办, with the engine's decision
    # and the materials, and sets the amount within the ceiling.
    app = Application.objects.get(pk=pk)
    reviewer = RoleAssignment.objects.filter(role=Role.DEPARTMENT_REVIEWER,
                                             unit=app.department).first()
    assert reviewer is not None
    sign_in(page, base, reviewer.user.username)
    page.click("nav.site-nav >> text=待办")
    page.locator("section.queue", has_text="待审核").locator(
        f"a[href='/applications/{pk}/']").click()
    assert "政策引擎核定说明" in page.inner_text("main")
    assert "申报书.pdf" in page.inner_text("#materials")
    form = page.locator("form[data-transition=review]")
    if form.locator("input[name=amount]").count():
        form.locator("input[name=amount]").fill(str(app.entitled_amount))
    form.locator("textarea[name=reason]").fill("材料齐全，同意")
    form.locator("button").click()
    page.wait_for_selector("#app-state[data-state=reviewed]")
    shoot(page, "department-reviewed")
