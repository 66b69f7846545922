"""政策原文: every clause is an anchor, every rule has a page with its dated parameters."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from policyhub import policytext
from policyhub.engine import meta
from policyhub.web.display import clause_url


@pytest.fixture
def policy_page(client: Client, db: None) -> str:
    return html.unescape(client.get(reverse("web:policy")).text)


def test_it_gives_every_clause_of_both_documents_an_anchor(policy_page: str) -> None:
    for c in policytext.clauses().values():
        if c.document in ("计划", "政策"):
            assert f'id="{c.id}"' in policy_page, c.id


def test_it_shows_the_words_of_a_clause(policy_page: str) -> None:
    assert policytext.clause("政策/二/(四)#1").text.strip() in policy_page
    assert "(四)支持骨干企业培育和引进" in policy_page


def test_it_links_a_clause_id_to_its_anchor() -> None:
    assert clause_url("政策/二/(四)") == "/policy/#%E6%94%BF%E7%AD%96/%E4%BA%8C/(%E5%9B%9B)"


@pytest.mark.parametrize("rule_id", sorted(meta.rules()))
def test_it_has_a_page_for_every_rule(client: Client, db: None, rule_id: str) -> None:
    response = client.get(reverse("web:rule", args=[rule_id]))
    assert response.status_code == 200
    assert meta.rule(rule_id).label in response.text


def test_it_shows_a_rules_parameters_with_dates_and_values(client: Client, db: None) -> None:
    text = client.get(reverse("web:rule", args=["P7.project"])).text
    assert "p7_projects.project_cap" in text
    assert "2019-08-01" in text
    assert "5,000,000.00 元" in text
    assert "10%" in text
    assert "《长沙市加快网络安全产业发展若干政策》二(七)第1句" in text


def test_it_answers_404_for_an_unknown_rule(client: Client, db: None) -> None:
    assert client.get(reverse("web:rule", args=["P99.nothing"])).status_code == 404


def test_it_lists_the_general_parameters(client: Client, db: None) -> None:
    assert "policy.validity_years" in client.get(reverse("web:rules")).text
