"""/api/v1/centres/<app>/: session auth, the view permission, list and detail."""

from __future__ import annotations

import pytest
from django.test import Client

from policyhub.audit.models import AuditEntry
from policyhub.centres.emergency.models import Incident
from tests.centres.helpers import adaptation, client_for, moment, staff
from tests.personas import personas

pytestmark = pytest.mark.django_db
BASE = "/api/v1/centres"


def test_anonymous_gets_401() -> None:
    assert Client().get(f"{BASE}/adaptation/adaptations").status_code == 401


def test_staff_list_and_read_records() -> None:
    a = adaptation("星盾防火墙")
    client = client_for(staff("finance"))
    rows = client.get(f"{BASE}/adaptation/adaptations", {"q": "星盾"}).json()
    assert [r["product"] for r in rows] == ["星盾防火墙"]
    one = client.get(f"{BASE}/adaptation/adaptations/{a.pk}").json()
    assert one["id"] == a.pk and one["tested_on"] == "2020-06-01" and one["result"] == "passed"


def test_an_applicant_is_refused_with_the_reason_and_audited() -> None:
    p = personas()
    response = client_for(p.applicant).get(f"{BASE}/training/sessions")
    assert response.status_code == 403 and response.json()["detail"]
    assert AuditEntry.objects.get(action="centres_training.trainingsession.view").allowed is False


def test_incidents_give_their_response_times_in_seconds() -> None:
    i = Incident.objects.create(number="E-1", title="t", category="attack", level="IV",
                                reported_at=moment("2021-01-01 10:00"),
                                responded_at=moment("2021-01-01 10:30"))
    row = client_for(staff("cac")).get(f"{BASE}/emergency/incidents/{i.pk}").json()
    assert row["time_to_respond"] == 1800 and row["time_to_close"] is None
    assert row["category"] == "attack" and row["level"] == "IV"
    assert client_for(staff("hitech")).get(f"{BASE}/emergency/incidents").status_code == 403


def test_missing_record_is_404() -> None:
    assert client_for(staff("miit")).get(f"{BASE}/testing/orders/999").status_code == 404
