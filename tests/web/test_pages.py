"""Every shared page renders for every persona, and the signed-out visitor is sent to log in
where a page needs a user."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.personas import Personas

PERSONAS = [
    "applicant",
    "park_officer",
    "reviewer",
    "bureau_officer",
    "finance",
    "auditor",
    "admin",
    "outsider",
]
PAGES = ["home", "web:policy", "web:rules", "web:evaluate"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES)
def test_it_renders_each_page_for_each_persona(login, persona: str, page: str) -> None:
    response = login(persona).get(reverse(page))
    assert response.status_code == 200
    assert "长沙市网络安全产业政策平台" in response.text
    assert "长政办发〔2019〕30号" in response.text  # the footer cites the notice


def test_it_shows_the_users_roles_on_the_home_page(login) -> None:
    text = login("reviewer").get("/").text
    assert "责任部门审核人" in text
    assert 'href="/evaluate/"' in text


def test_it_tells_a_user_without_roles_to_ask_for_one(login) -> None:
    assert "尚未分配角色" in login("outsider").get("/").text


def test_it_shows_the_anonymous_home_page_with_a_login_link(client: Client, db: None) -> None:
    text = client.get("/").text
    assert reverse("login") in text
    assert "我的角色" not in text


def test_it_requires_login_for_the_evaluate_page(client: Client, db: None) -> None:
    response = client.get(reverse("web:evaluate"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("page", ["home", "web:policy", "web:rules", "login"])
def test_it_serves_public_pages_without_login(client: Client, db: None, page: str) -> None:
    assert client.get(reverse(page)).status_code == 200


def test_it_logs_in_with_the_chinese_form(client: Client, people: Personas) -> None:
    page = client.get(reverse("login")).text
    assert "用户登录" in page and "密码" in page
    response = client.post(reverse("login"), {"username": "finance", "password": "pw-finance"})
    assert response.status_code == 302
    assert "市财政局经办人" in client.get("/").text


def test_it_refuses_a_wrong_password_in_chinese(client: Client, people: Personas) -> None:
    response = client.post(reverse("login"), {"username": "finance", "password": "nope"})
    assert response.status_code == 200
    assert "登录失败" in response.text


def test_it_logs_out_with_a_post(login) -> None:
    client = login("auditor")
    assert client.post(reverse("logout")).status_code == 200
    assert client.get(reverse("web:evaluate")).status_code == 302


def test_it_marks_pages_that_do_not_exist_yet_as_coming_soon(login) -> None:
    # 主体登记 / 申报审核 / 专项资金 appear as links once their apps name "<app>:index".
    text = login("applicant").get("/").text
    assert "建设中" in text or 'href="/registry/' in text


def test_it_serves_the_vendored_scripts(client: Client) -> None:
    for name in ("web/vendor/htmx.min.js", "web/vendor/echarts.min.js", "web/web.css"):
        response = client.get("/static/" + name)
        assert response.status_code == 200, name
