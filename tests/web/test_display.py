"""Formatting helpers, navigation links and the reusable includes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from policyhub.accounts.models import Role
from policyhub.web import display, nav


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("49999999.99", "49,999,999.99"),
        (Decimal("0.005"), "0.01"),
        (600000, "600,000.00"),
        ("abc", "abc"),
        (None, ""),
    ],
)
def test_it_formats_money_exactly(value: object, shown: str) -> None:
    assert display.money(value) == shown


def test_it_clamps_progress_percentages() -> None:
    assert display.percent(Decimal(30), Decimal(120)) == 25
    assert display.percent(Decimal(500), Decimal(100)) == 100
    assert display.percent(Decimal(5), Decimal(0)) == 0


def test_it_gives_each_link_once_in_role_order() -> None:
    links = nav.links_for([Role.APPLICANT, Role.PARK_OFFICER])
    names = [link.url_name for link in links]
    assert names[:2] == ["web:todo", "web:evaluate"]  # the applicant's first
    assert len(names) == len(set(names))
    assert "web:policy" in names


def test_it_gives_no_url_for_a_page_not_built_yet() -> None:
    assert nav.Link("x", "nowhere:index").url() is None  # type: ignore[arg-type]


def render(source: str, **context: object) -> str:
    return Template("{% load web %}" + source).render(Context(context))


def test_status_badge_picks_a_tone() -> None:
    assert 'badge-ok">核定' in render("{% status_badge 'granted' '核定' %}")
    assert "badge-muted" in render("{% status_badge 'brand_new_status' %}")


def test_progress_bar_shows_amounts_and_share() -> None:
    out = render("{% progress used total '已承诺' %}", used=Decimal("250"), total=Decimal("1000"))
    assert "width: 25%" in out and "250.00 / 1,000.00" in out


def test_table_include_paginates_and_keeps_filters(rf: RequestFactory) -> None:
    request = rf.get("/list/", {"status": "paid", "page": "2"})
    page = Paginator([[i, f"第{i}行"] for i in range(45)], 20).get_page(2)
    out = Template(
        '{% include "web/includes/table.html" with headers=headers rows=page %}'
        '{% include "web/includes/pagination.html" with page=page %}'
    ).render(RequestContext(request, {"headers": ["序号", "名称"], "page": page}))
    assert "第20行" in out
    assert "status=paid&amp;page=3" in out
    assert "第 2 / 3 页，共 45 条" in out


def test_reason_and_explanation_boxes_escape_their_text() -> None:
    out = Template(
        '{% include "web/includes/reason_box.html" with reason=r %}'
        '{% include "web/includes/explanation.html" with text=r clause="政策/二/(四)" %}'
    ).render(Context({"r": "<b>不予支持</b>"}))
    assert "<b>" not in out and "&lt;b&gt;不予支持" in out
    assert "《长沙市加快网络安全产业发展若干政策》二(四)" in out
