"""The 试算 page: a request in, the decision rendered in Chinese, problems per field path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from policyhub.engine import meta
from policyhub.web import examples

CONTRACT_EXAMPLES = Path(__file__).resolve().parents[1] / "contract" / "examples"
URL = "/evaluate/"


@pytest.fixture
def officer(login) -> Client:
    return login("bureau_officer")  # type: ignore[no-any-return]


def post(client: Client, text: str, *, htmx: bool = False) -> str:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(URL, {"request": text}, headers=headers)
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("name", list(examples.EXAMPLES))
def test_its_examples_are_the_contract_requests(name: str) -> None:
    contract = json.loads((CONTRACT_EXAMPLES / f"{name}.json").read_text("utf-8"))
    assert examples.example(name) == contract["request"]


def test_it_renders_a_decision_with_its_total_and_explanations(officer: Client) -> None:
    text = post(officer, examples.example_text("milestone_cumulative"))
    assert 'data-total="600000.00"' in text
    assert "600,000.00" in text
    assert "企业“上台阶”奖励" in text  # the rule's label
    assert "依据《长沙市加快网络安全产业发展若干政策》二(四)" in text  # the explanation
    assert "/policy/#%E6%94%BF%E7%AD%96/%E4%BA%8C/(%E5%9B%9B)%231" in text  # clause link


def test_it_answers_htmx_with_the_result_panel_only(officer: Client) -> None:
    text = post(officer, examples.example_text("milestone_cumulative"), htmx=True)
    assert 'data-total="600000.00"' in text
    assert "<html" not in text


def test_it_lists_ineligible_events_with_their_reasons(officer: Client) -> None:
    text = post(officer, examples.example_text("out_of_scope"), htmx=True)
    assert "不予支持的事项" in text
    assert "（不在适用范围内）" in text  # the reason's Chinese name, not its code
    assert "out_of_scope" not in text


def test_it_shows_excluded_awards_and_discretionary_items(officer: Client) -> None:
    text = post(officer, examples.example_text("dedup_same_matter"))
    assert "不重复扶持" in text


def test_it_reports_a_bad_field_by_its_path(officer: Client) -> None:
    text = post(officer, examples.example_text("rank_out_of_range"))
    assert "请求不符合核定合同" in text
    assert "events[0].rank" in text


def test_it_reports_text_that_is_not_json(officer: Client) -> None:
    text = post(officer, "{not json", htmx=True)
    assert "请求不符合核定合同" in text
    assert "（整个请求）" in text


def test_it_asks_for_a_request_when_the_box_is_empty(officer: Client) -> None:
    assert "请求不符合核定合同" in post(officer, "")


def test_it_loads_the_picked_example_into_the_form(officer: Client) -> None:
    text = officer.get(URL, {"example": "ipo_stages"}).text
    assert "tutoring_filed" in text


def test_it_ignores_an_unknown_example_name(officer: Client) -> None:
    assert officer.get(URL, {"example": "../../etc/passwd"}).status_code == 200


def test_it_needs_a_csrf_token(people, db: None) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.reviewer)
    assert client.post(reverse("web:evaluate"), {"request": "{}"}).status_code == 403


# --- Revision 2 of the contract: new reasons and matters, shown in Chinese only ----------------

REASON_CODES = tuple(meta.wording()["reason_names"])  # every code of the contract
INTERNAL = (*REASON_CODES, "leading-firm", "settlement ", "talent ", "dedup_scope", "P10.", "P5.")


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("applicant_kind", ["申请主体类型不符", "该项支持的对象为", "个人（人才）"]),
        ("talent_once_highest_level", ["已按最高层次给予", "不再给予", "高端人才认定"]),
        ("settlement_once_best_rank", ["落户支持已给予", "7,000,000", "替代"]),
        ("standard_local_revision", ["修订地方标准不予奖励", "制定地方标准"]),
        ("leading_firm_one_cap", ["引进龙头企业投资", "股权投资与资金补助结合", "50,000,000"]),
        ("revision2_combined", ["申请主体类型不符", "落户支持已给予", "修订地方标准不予奖励"]),
    ],
)
def test_it_shows_the_revision_2_readings_in_chinese_without_codes(
    officer: Client, name: str, shown: list[str]
) -> None:
    panel = post(officer, examples.example_text(name), htmx=True)
    for text in shown:
        assert text in panel, text
    visible = re.sub(r"<[^>]*>", " ", panel)  # links may carry rule ids; the reader never does
    assert [code for code in INTERNAL if code in visible] == []


def test_it_names_the_options_in_chinese(officer: Client) -> None:
    panel = post(officer, examples.example_text("milestone_cumulative"), htmx=True)
    assert "就高不就低的比较单位：以同一事项为单位" in panel
    assert "同一年度首次突破多档：各档均予奖励" in panel
    assert "milestone_jump=cumulative ·" not in panel and "· dedup_scope=" not in panel


def test_it_evaluates_a_standard_led_with_the_revision_field(officer: Client) -> None:
    request = examples.example("standard_local_revision")
    request["events"] = [{**request["events"][0], "revision": "yes"}]
    panel = post(officer, json.dumps(request, ensure_ascii=False), htmx=True)
    assert "请求不符合核定合同" in panel and "events[0].revision" in panel
    request["events"] = [{**request["events"][0], "revision": False}]
    panel = post(officer, json.dumps(request, ensure_ascii=False), htmx=True)
    assert 'data-total="50000.00"' in panel
