"""The registry's Django admin (issue 16, item 7): bulk deletes are audited one by one, and the
facts awards were decided on — events and yearly figures — are never deleted there nor edited
in an inline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from policyhub.audit.models import AuditEntry
from policyhub.registry import services
from policyhub.registry.models import Organisation, RegistryEvent, YearlyFigure
from tests.personas import organisation, personas

pytestmark = pytest.mark.django_db

DAY = dt.date(2021, 3, 1)


@pytest.fixture
def staff(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("staff", password="pw-staff"))
    return client


def test_a_bulk_delete_writes_one_audit_entry_per_organisation(staff: Client) -> None:
    orgs = [organisation(f"待删除企业{i}") for i in range(2)]
    response = staff.post("/admin/registry/organisation/", {
        "action": "delete_selected", "_selected_action": [o.pk for o in orgs], "post": "yes"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk__in=[o.pk for o in orgs]).exists()
    deleted = AuditEntry.objects.filter(action="registry.admin.delete")
    assert sorted(int(e.object_id) for e in deleted) == sorted(o.pk for o in orgs)
    assert all(e.actor_label == "staff" and e.payload["bulk"] for e in deleted)


def test_events_are_never_deleted_through_the_admin(staff: Client) -> None:
    p = personas()
    event = services.record_event(p.admin, p.org, "standard_led", DAY, {"level": "national"})
    url = "/admin/registry/registryevent/"
    assert "delete_selected" not in staff.get(url).content.decode()
    staff.post(url, {"action": "delete_selected", "_selected_action": [event.pk],
                     "post": "yes"})
    assert staff.post(f"{url}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert RegistryEvent.objects.filter(pk=event.pk).exists()


def test_yearly_figures_are_read_only_in_the_organisation_inline(staff: Client) -> None:
    p = personas()
    figure = services.record_figure(p.admin, p.org, 2020,
                                    main_business_revenue=Decimal("5000000"))
    url = f"/admin/registry/organisation/{p.org.pk}/change/"
    page = staff.get(url).content.decode()
    assert "2020" in page and 'name="figures-0-main_business_revenue"' not in page
    assert staff.post(f"/admin/registry/yearlyfigure/{figure.pk}/delete/",
                      {"post": "yes"}).status_code == 403
    assert YearlyFigure.objects.get(pk=figure.pk).main_business_revenue == Decimal("5000000")
