"""Every URL of the URLconf, walked as every demo role (and signed out): no page answers 500,
no navigation link answers 403, and no internal code (rule id, engine matter id, option
name, English reason code) is in a page's visible text. Pages reached by links are walked
too (a few per URL pattern), so detail pages are checked with the demo's real records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.journeys.conftest import load_demo
from tests.journeys.walk import Walk, crawl, patterns

pytestmark = pytest.mark.django_db

# One login per role of docs/demo.md (two department reviewers: different clauses).
LOGINS = ("applicant", "park_officer", "department_reviewer", "department_reviewer_hrss",
          "bureau_officer", "finance_officer", "auditor", "admin", "")


def starts() -> list[str]:
    """The URLconf's patterns that take no parameter, as paths."""
    out = []
    for regex, _view in patterns():
        if "(?P" in regex or "(" in regex or regex.startswith(("admin/", "api/", "i18n/")):
            continue
        out.append("/" + regex.replace("\\", ""))
    return out


@pytest.fixture
def walks(settings: Any) -> dict[str, Walk]:
    settings.DEMO_TODAY = dt.date(2022, 7, 4)
    load_demo()
    out: dict[str, Walk] = {}
    for login in LOGINS:
        client = Client(raise_request_exception=True)  # a 500 fails with its traceback
        if login:
            client.force_login(User.objects.get(username=login))
        out[login] = crawl(client, starts())
    return out


def test_no_page_fails_no_link_refuses_and_no_internal_code_shows(
        walks: dict[str, Walk]) -> None:
    errors = [(who, v.url, v.status) for who, w in walks.items() for v in w.visits.values()
              if v.status >= 500]
    assert errors == []
    refused_nav = sorted({(who, url) for who, w in walks.items() for url in w.nav_links
                          if w.visits.get(url) and w.visits[url].status == 403})
    assert refused_nav == []
    # Nor any link or button on a page (e.g. 新建申报 for a role that may not apply).
    refused_links = sorted({(who, v.url, v.found_on) for who, w in walks.items()
                            for v in w.visits.values()
                            if v.status == 403 and v.found_on != "(URLconf)"})
    assert refused_links == []
    codes = sorted({(who, url, kind, code) for who, w in walks.items()
                    for url, kind, code in w.codes})
    assert codes == []
    seen = set().union(*(w.routes_seen for w in walks.values()))
    assert len(seen) > 40
