"""The interface is Chinese by default and switches to English through set_language."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse


def test_it_speaks_chinese_by_default(client: Client, db: None) -> None:
    text = client.get(reverse("web:rules")).text
    assert "政策规则与参数" in text
    assert 'lang="zh-Hans"' in text


def test_it_switches_to_english_and_back(client: Client, db: None) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/policy/rules/"})
    assert response.status_code == 302
    text = client.get(reverse("web:rules")).text
    assert "Rules and parameters" in text
    assert ">Home<" in text
    assert 'lang="en"' in text

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "政策规则与参数" in client.get(reverse("web:rules")).text


def test_it_translates_role_badges(client: Client, login) -> None:
    client = login("finance")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Finance bureau officer" in client.get("/").text
