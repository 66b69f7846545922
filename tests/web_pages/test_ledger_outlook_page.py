"""The fund page's outlook section (policyhub.outlook): the fan chart's data, the depletion
probability per year and the method, in Chinese, with no internal code on the page."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.outlook import demo
from tests.personas import Personas
from tests.web_pages.conftest import Login


def test_the_finance_officer_sees_the_projection_and_its_method(
        client: Client, db: None, settings: Any) -> None:
    demo.load()  # (on the real today: the demo's own records are dated up to it)
    settings.DEMO_TODAY = dt.date(2020, 3, 1)  # data up to 2019: 2020–2022 projected
    client.force_login(demo.user("finance_officer"))
    text = client.get(reverse("ledger:index")).text
    assert "资金测算：未来申领与资金耗尽概率" in text
    assert "年底前资金耗尽概率" in text and "测算方法与假设" in text
    assert "泊松分布" in text and "同一随机种子得到相同结果" in text
    chart = json.loads(re.search(r'id="outlook-chart-data"[^>]*>(.*?)</script>', text,
                                 re.S).group(1))  # type: ignore[union-attr]
    assert chart["years"] and len(chart["p5"]) == len(chart["years"])
    low, mid, high = (list(map(float, chart[k])) for k in ("p5", "mean", "p95"))
    assert all(a <= b <= c for a, b, c in zip(low, mid, high, strict=True))
    assert max(high) > 0
    assert all(0 <= p <= 100 for p in chart["depletion"])
    assert "二(四)支持骨干企业培育和引进" in text  # where the money goes
    for code in ("P4.milestone", "standard_led", "annual_revenue", "milestone_jump"):
        assert code not in text


def test_an_empty_registry_projects_nothing(login: Login, people: Personas,
                                            settings: Any) -> None:
    settings.DEMO_TODAY = dt.date(2020, 3, 1)
    text = login("bureau_officer").get(reverse("ledger:index")).text
    chart = json.loads(re.search(r'id="outlook-chart-data"[^>]*>(.*?)</script>', text,
                                 re.S).group(1))  # type: ignore[union-attr]
    assert set(map(float, chart["mean"] + chart["p95"])) == {0.0}
    assert set(chart["depletion"]) == {0}


def test_after_the_last_budget_year_it_says_there_is_nothing_left_to_project(
        login: Login, people: Personas, settings: Any) -> None:
    settings.DEMO_TODAY = dt.date(2023, 1, 2)
    text = login("finance").get(reverse("ledger:index")).text
    assert "专项资金的预算年度在 2022 年底前均已结束，无需测算。" in text
    assert 'id="outlook-chart-data"' not in text


def test_a_scenario_is_projected_beside_the_law(client: Client, db: None,
                                                settings: Any) -> None:
    demo.load()
    settings.DEMO_TODAY = dt.date(2020, 3, 1)
    client.force_login(demo.user("bureau_officer"))
    text = client.get(reverse("ledger:index"), {"scenario": "milestones_up"}).text
    assert "场景「上台阶奖励提高、技改项目封顶下调」与现行政策对比" in text
    assert '<option value="milestones_up" selected>' in text
    chart = json.loads(re.search(r'id="outlook-chart-data"[^>]*>(.*?)</script>', text,
                                 re.S).group(1))  # type: ignore[union-attr]
    assert len(chart["scenario_mean"]) == len(chart["mean"])
    unknown = client.get(reverse("ledger:index"), {"scenario": "nothing"}).text
    assert "所选政策调整场景不存在，以下为现行政策下的测算。" in unknown
    assert "ledger-outlook-scenario" not in unknown
