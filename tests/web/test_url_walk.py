"""Every URL of the URLconf, anonymous and as each persona, with a NUL character and with
huge integers in the path and the query: a 4xx (or a page), never a 5xx (issue 16, item 8).

Path parameters take 1 (records exist: an application in notice, a project) and
9223372036854775807 and 10**30 (past any database integer); the query carries the
parameter names the views read (page, as_of, year, q, …) at those values; POSTs carry a NUL
in a form and in a JSON body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.personas import Personas, personas
from tests.web_pages.helpers import in_notice, record_project

HUGE = "9223372036854775807"
HUGER = str(10**30)
PARAMS = ("page", "page_size", "as_of", "year", "q", "state", "status", "clause", "park",
          "kind", "pk", "id", "dimension", "cpu", "os", "category", "unit", "next")
PERSONAS = ("applicant", "park_officer", "reviewer", "bureau_officer", "finance", "auditor",
            "admin", "outsider")
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def urls(route: str, number: str) -> list[str]:
    """`route` with every parameter filled: integers with `number`, the rest with a word."""
    def fill(m: re.Match[str]) -> str:
        return number if m.group(1) in (None, "int") else "x"

    if "(?P<" in route or route.startswith("^"):  # re_path: the admin's and /static/
        route = GROUP.sub(lambda m: "auth" if m.group(1) == "app_label" else "x", route)
        route = route.replace("^", "").replace("$", "")
    return ["/" + CONVERTER.sub(fill, route)]


def every_url() -> list[tuple[str, str]]:
    """(url, the number in it) for every route and each of 1, HUGE and HUGER."""
    return sorted({(u, n) for r in routes() for n in ("1", HUGE, HUGER) for u in urls(r, n)})


def queries(number: str) -> dict[str, str]:
    """The query sent with a URL holding `number`: a day past the range with 1 (a real
    record), the huge number itself otherwise."""
    if number == "1":
        return {name: "9999-12-31" if name == "as_of" else HUGE for name in PARAMS}
    return {name: number for name in PARAMS}


def _assert_no_5xx(client: Client, user: User | None = None) -> None:
    failures = []
    nul = {name: "1\x00" for name in PARAMS}
    for url, number in every_url():
        responses = [("GET", client.get(url, queries(number)))]
        if number == "1":  # the NUL is refused before any view: once per route is enough
            responses += [
                ("GET", client.get(url, nul)),
                ("POST", client.post(url, "page=1%00",
                                     content_type="application/x-www-form-urlencoded")),
                ("POST", client.post(url, json.dumps({"transition": "\u0000", "page": HUGE}),
                                     content_type="application/json"))]
        failures += [(method, url, number, r.status_code) for method, r in responses
                     if r.status_code >= 500]
        if user is not None and number == "1":
            client.force_login(user)  # a POST to /accounts/logout/ may have signed it out
    assert failures == []


@pytest.fixture
def people(db: None) -> Personas:
    p = personas()
    record_project(p.org)
    in_notice(p)
    return p


def test_the_urlconf_is_walked() -> None:
    found = {url for url, _ in every_url()}
    assert len(found) > 200
    assert "/applications/9223372036854775807/" in found and "/dashboard/" in found


def test_no_url_gives_a_5xx_to_an_anonymous_caller(people: Personas) -> None:
    _assert_no_5xx(Client())


@pytest.mark.slow  # about 650 requests per persona
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_url_gives_a_5xx_to_a_signed_in_persona(people: Personas, persona: str) -> None:
    client, user = Client(), getattr(people, persona)
    client.force_login(user)
    _assert_no_5xx(client, user)
