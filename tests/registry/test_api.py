"""/api/v1/registry/: session auth, lists filtered by permission, refusals audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from policyhub.audit.models import AuditEntry
from tests.personas import Personas, personas
from tests.registry.helpers import event, figure, other_organisation

pytestmark = pytest.mark.django_db
BASE = "/api/v1/registry"


@pytest.fixture
def p() -> Personas:
    return personas()


def as_user(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=f"pw-{username}")
    return client


def get(client: Client, path: str) -> Any:
    return client.get(BASE + path)


def test_anonymous_gets_401(p: Personas) -> None:
    for path in ("/organisations", f"/organisations/{p.org.pk}",
                 f"/organisations/{p.org.pk}/entitlement"):
        assert get(Client(), path).status_code == 401


@pytest.mark.parametrize(("who", "sees_other"), [("applicant", False), ("park_officer", False),
                                                 ("auditor", True), ("reviewer", True),
                                                 ("outsider", None)])
def test_lists_are_filtered_by_permission(p: Personas, who: str,
                                          sees_other: bool | None) -> None:
    other = other_organisation()
    names = {o["name"] for o in get(as_user(who), "/organisations").json()}
    expected = set() if sees_other is None else \
        {p.org.name, other.name} if sees_other else {p.org.name}
    assert names == expected


def test_another_organisation_is_a_404_like_an_unknown_id_and_audited(p: Personas) -> None:
    other = other_organisation()
    client = as_user("applicant")
    response = get(client, f"/organisations/{other.pk}")
    missing = get(client, "/organisations/999999")
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()  # nothing tells that it exists
    entry = AuditEntry.objects.get(action="registry.organisation.view")
    assert entry.allowed is False and entry.actor_label == "applicant"
    assert get(client, f"/organisations/{other.pk}/figures").status_code == 404
    mine = get(client, f"/organisations/{p.org.pk}").json()
    assert mine["credit_code"] == p.org.credit_code and mine["in_scope"] is True
    assert get(client, "/organisations/999999").status_code == 404


def test_figures_events_and_entitlement(p: Personas) -> None:
    figure(p.org, 2019, "9000000")
    figure(p.org, 2020, "12000000.5")
    event(p.org, matter="std-1", level="international")
    client = as_user("park_officer")
    figures = get(client, f"/organisations/{p.org.pk}/figures").json()
    assert figures[1] == {"year": 2020, "main_business_revenue": "12000000.50",
                          "tax_paid": None, "rd_spend": None, "headcount": None}
    events = get(client, f"/organisations/{p.org.pk}/events").json()
    assert events[0]["type"] == "standard_led" and events[0]["payload"] == {
        "level": "international"}
    decision = get(client, f"/organisations/{p.org.pk}/entitlement?as_of=2021-06-30").json()
    assert decision["contract"] == "policyhub.evaluate/1"
    assert decision["as_of"] == "2021-06-30"
    assert decision["total"] == "400000.00"  # 100,000 milestone (2020) + 300,000 standard
    assert get(client, f"/organisations/{p.org.pk}/entitlement?as_of=nope").status_code == 422


def test_search(p: Personas) -> None:
    other_organisation()
    client = as_user("auditor")
    assert [o["name"] for o in get(client, "/organisations?q=星盾").json()] == [p.org.name]
    by_code = get(client, f"/organisations?q={p.org.credit_code.lower()}").json()
    assert [o["id"] for o in by_code] == [p.org.pk]
