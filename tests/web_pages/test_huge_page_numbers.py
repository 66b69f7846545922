"""Every paginated page with a page number past any database integer (issue 16: the old
`?page=9223372036854775807` crash): the last page, never a 500; a garbled number: the first."""

from __future__ import annotations

import pytest

from policyhub.plan.models import Target
from tests.centres.helpers import adaptation
from tests.personas import Personas
from tests.web_pages.conftest import Login
from tests.web_pages.helpers import in_notice

HUGE = ("9223372036854775807", "9223372036854775808", str(10**30))
# (who, url, the context's page)
PAGES = [
    ("bureau_officer", "/registry/", "page"),
    ("auditor", "/applications/", "page"),
    ("bureau_officer", "/applications/proposals/", "page"),
    ("auditor", "/audit/", "page"),
    ("bureau_officer", "/todo/?q=长沙", "found"),
    ("finance", "/centres/adaptation/adaptations/", "page"),
    ("applicant", "/centres/adaptation/catalogue/", "page"),
]


@pytest.mark.parametrize(("who", "url", "key"), PAGES, ids=[p[1] for p in PAGES])
@pytest.mark.parametrize("number", HUGE)
def test_a_huge_page_number_gives_the_last_page(login: Login, people: Personas, who: str,
                                                url: str, key: str, number: str) -> None:
    in_notice(people)
    adaptation("星盾防火墙")
    joiner = "&" if "?" in url else "?"
    response = login(who).get(f"{url}{joiner}page={number}")
    assert response.status_code == 200, url
    page = response.context[key]
    assert page.number == page.paginator.num_pages
    garbled = login(who).get(f"{url}{joiner}page=-{number}x")
    assert garbled.status_code == 200 and garbled.context[key].number == 1


@pytest.mark.parametrize("number", HUGE)
def test_a_targets_source_list_gives_its_last_page(login: Login, people: Personas,
                                                   number: str) -> None:
    target = Target.objects.get(indicator="registry.enterprises")
    response = login("auditor").get(f"/plan/targets/{target.code}/?page={number}")
    assert response.status_code == 200
    sources = response.context["sources"]
    assert sources.number == sources.paginator.num_pages
