"""Every record type's list, detail, create and export pages (centres.common)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from policyhub.audit.models import AuditEntry
from policyhub.centres.adaptation.models import Adaptation
from policyhub.centres.common import RecordType
from policyhub.centres.emergency.models import Incident
from policyhub.centres.registry import record_types
from tests.centres.helpers import adaptation, client_for, staff
from tests.personas import personas

pytestmark = pytest.mark.django_db


TYPES = [(key.split(".")[0], spec) for key, spec in record_types().items()]


@pytest.mark.parametrize(("app", "spec"), TYPES, ids=[f"{a}-{s.slug}" for a, s in TYPES])
def test_the_pages_of_every_type_answer(app: str, spec: RecordType[Any]) -> None:
    client = client_for(personas().admin)
    for action in ("list", "create", "import"):
        url = reverse(f"centres_{app}:{spec.slug}-{action}")
        assert client.get(url).status_code == 200, url
    export = client.get(reverse(f"centres_{app}:{spec.slug}-export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


def test_pages_need_a_login() -> None:
    response = Client().get(reverse("centres_adaptation:adaptations-list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_list_and_detail_show_the_record() -> None:
    a = adaptation("麒麟安全浏览器")
    client = client_for(staff("miit"))
    page = client.get(reverse("centres_adaptation:adaptations-list"), {"q": "浏览器"})
    assert "麒麟安全浏览器" in page.content.decode()
    detail = client.get(reverse("centres_adaptation:adaptations-detail", args=[a.pk]))
    assert "飞腾 FT-2000/4" in detail.content.decode()


def test_lead_unit_staff_create_a_record_and_it_is_audited() -> None:
    client = client_for(staff("hitech"))
    response = client.post(reverse("centres_adaptation:adaptations-create"), {
        "product": "湘安数据库", "vendor": "长沙湘安", "version": "5.0",
        "category": "base_software", "cpu": "S2500", "os": "kylin-v10-server",
        "result": "passed", "certificate": "PK-1", "tested_on": "2020-09-01"})
    assert response.status_code == 302
    created = Adaptation.objects.get(product="湘安数据库")
    assert AuditEntry.objects.filter(action="centres_adaptation.adaptation.create",
                                     object_id=str(created.pk)).exists()


def test_other_staff_are_refused_with_the_reason_and_audited() -> None:
    client = client_for(staff("finance"))
    response = client.get(reverse("centres_adaptation:adaptations-create"))
    assert response.status_code == 403
    assert "长沙高新区管委会或市工业和信息化局" in response.content.decode()
    entry = AuditEntry.objects.get(action="centres_adaptation.adaptation.create")
    assert entry.allowed is False


def test_an_incident_page_shows_the_timeline_and_the_time_to_respond() -> None:
    from tests.centres.helpers import moment
    from tests.personas import unit

    incident = Incident.objects.create(
        number="CS-2020-001", title="勒索病毒", category="malware", level="III",
        reported_at=moment("2020-06-01 09:00"), responded_at=moment("2020-06-01 09:40"),
        closed_at=moment("2020-06-02 11:00"))
    incident.notifications.create(unit=unit("police"), notified_at=moment("2020-06-01 09:15"))
    client = client_for(staff("cac"))
    html = client.get(reverse("centres_emergency:incidents-detail",
                              args=[incident.pk])).content.decode()
    assert "40分" in html and "1天2小时0分" in html and "通报市公安局" in html
