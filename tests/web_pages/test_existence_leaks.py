"""Pages never reveal what the user may not view (docs/security.md): the outsider persona
gets for an object that exists but is not theirs exactly the page it gets for an id that does
not exist (404, the same bytes), on every page that shows or acts on one object; the refusal
is audited. The service centres refuse by record type before the look-up (403 alike)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from policyhub.applications.models import Proposal
from policyhub.audit.models import AuditEntry
from tests.applications.helpers import draft, project
from tests.centres.helpers import adaptation
from tests.personas import Personas
from tests.web_pages.conftest import Login

MISSING = 999_999
Maker = Callable[[Personas], int]


def _org(p: Personas) -> int:
    return p.org.pk


def _app(p: Personas) -> int:
    return draft(p).pk


def _proposal(p: Personas) -> int:
    return Proposal.objects.create(organisation=p.org, rule="P7.project", clause="二(七)",
                                   matter="proj-1", amount="2000000.00", ceiling=True, run="t",
                                   events=project()).pk


CASES: list[tuple[str, str, str, dict[str, Any], Maker]] = [
    ("registry detail", "get", "/registry/{id}/", {}, _org),
    ("application detail", "get", "/applications/{id}/", {}, _app),
    ("transition", "post", "/applications/{id}/transition/",
     {"transition": "object", "reason": "异议"}, _app),
    ("committee decision", "post", "/applications/{id}/committee-decision/",
     {"meeting_ref": "会〔2021〕1号"}, _app),
    ("minutes", "get", "/applications/{id}/committee-decision/1/minutes", {}, _app),
    ("letter", "get", "/applications/{id}/letter.pdf", {}, _app),
    ("materials upload", "post", "/applications/{id}/materials/", {"kind": "x"}, _app),
    ("materials download", "get", "/applications/{id}/materials/1/", {}, _app),
    ("confirm proposal", "post", "/applications/proposals/{id}/confirm/", {}, _proposal),
]


def _call(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return client.get(url) if method == "get" else client.post(url, data)


@pytest.mark.parametrize(("name", "method", "url", "data", "make"), CASES,
                         ids=[c[0] for c in CASES])
def test_an_object_out_of_view_is_the_same_404_as_an_unknown_one(
        login: Login, people: Personas, name: str, method: str, url: str,
        data: dict[str, Any], make: Maker) -> None:
    pk = make(people)
    client = login("outsider")
    before = AuditEntry.objects.filter(allowed=False).count()
    hidden = _call(client, method, url.format(id=pk), data)
    missing = _call(client, method, url.format(id=MISSING), data)
    assert hidden.status_code == missing.status_code == 404, name
    assert _without_tokens(hidden.content) == _without_tokens(missing.content), name
    assert AuditEntry.objects.filter(allowed=False).count() == before + 1  # audited


def test_a_centre_record_refused_by_type_reads_the_same_whether_or_not_it_exists(
        login: Login, people: Personas) -> None:
    record = adaptation("星盾防火墙")
    client = login("outsider")
    url = "/centres/adaptation/adaptations/{}/"
    hidden = client.get(url.format(record.pk))
    missing = client.get(url.format(MISSING))
    assert hidden.status_code == missing.status_code == 403
    # The same page but the CSRF token and the language switch's link back to the URL asked.
    assert _without_tokens(hidden.content).replace(url.format(record.pk).encode(), b"#") == \
        _without_tokens(missing.content).replace(url.format(MISSING).encode(), b"#")


def _without_tokens(page: bytes) -> bytes:
    """The page without its CSRF token (64 random characters, different in every response)."""
    return re.sub(rb"[A-Za-z0-9]{64}", b"", page)
