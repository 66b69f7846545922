"""REST endpoints of the registry, mounted under /api/v1/registry/ by policyhub.config.api.

Session authentication (django_auth): an anonymous caller gets 401. Lists are filtered to
what the user may see; a single record the user may not see is a 404 exactly like an unknown
id (the refusal audited, its existence not told: docs/security.md).
Money is a two-decimal string, as in the evaluate contract.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import django_auth

from policyhub import clock
from policyhub.engine import evaluate
from policyhub.registry.facts import request_for
from policyhub.registry.models import Organisation, RegistryEvent, YearlyFigure
from policyhub.registry.permissions import can_view, visible_organisations
from policyhub.web.edges import day_problem
from policyhub.web.refusals import hidden

router = Router(auth=django_auth, tags=["registry"])
HTTP_NOT_FOUND = 404  # also an organisation outside the user's view (docs/security.md)
HTTP_UNPROCESSABLE = 422


class RegistryOrganisation(Schema):
    id: int
    credit_code: str
    name: str
    kind: str
    district: str
    park: str | None
    registered_in_changsha: bool
    taxed_in_changsha: bool
    cybersecurity_business: bool
    high_tech: bool
    above_designated_size: bool
    in_scope: bool


class RegistryFigure(Schema):
    year: int
    main_business_revenue: str
    tax_paid: str | None
    rd_spend: str | None
    headcount: int | None


class RegistryEventOut(Schema):
    id: int
    type: str
    date: dt.date
    matter: str
    payload: dict[str, Any]
    source: str | None


class RegistryRefusal(Schema):
    detail: str


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _organisation(o: Organisation) -> dict[str, Any]:
    return {"id": o.pk, "credit_code": o.credit_code, "name": o.name, "kind": o.kind,
            "district": o.district, "park": o.park.name if o.park else None,
            "registered_in_changsha": o.registered_in_changsha,
            "taxed_in_changsha": o.taxed_in_changsha,
            "cybersecurity_business": o.cybersecurity_business, "high_tech": o.high_tech,
            "above_designated_size": o.above_designated_size, "in_scope": o.in_scope}


def _visible(request: HttpRequest, org_id: int, action: str) -> Organisation | Status[Any]:
    """The organisation; one the user may not view is a 404 exactly like an unknown id
    (web.refusals.hidden: the refusal is audited, its existence not told)."""
    org = get_object_or_404(Organisation.objects.select_related("park"), pk=org_id)
    allowed, reason = can_view(request.user, org)
    if not allowed:
        hidden(request.user, reason, action=action, obj=org)
    return org


@router.get("/organisations", response=list[RegistryOrganisation], summary="主体列表")
def list_organisations(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    qs = visible_organisations(request.user).select_related("park")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    return [_organisation(o) for o in qs]


@router.get("/organisations/{org_id}", summary="主体详情",
            response={200: RegistryOrganisation, HTTP_NOT_FOUND: RegistryRefusal})
def organisation_detail(request: HttpRequest, org_id: int) -> Any:
    found = _visible(request, org_id, "registry.organisation.view")
    return found if isinstance(found, Status) else _organisation(found)


@router.get("/organisations/{org_id}/figures", summary="年度数据",
            response={200: list[RegistryFigure], HTTP_NOT_FOUND: RegistryRefusal})
def organisation_figures(request: HttpRequest, org_id: int) -> Any:
    found = _visible(request, org_id, "registry.figure.view")
    if isinstance(found, Status):
        return found
    return [{"year": f.year, "main_business_revenue": _money(f.main_business_revenue),
             "tax_paid": _money(f.tax_paid), "rd_spend": _money(f.rd_spend),
             "headcount": f.headcount}
            for f in YearlyFigure.objects.filter(organisation=found).order_by("year")]


@router.get("/organisations/{org_id}/events", summary="政策事件",
            response={200: list[RegistryEventOut], HTTP_NOT_FOUND: RegistryRefusal})
def organisation_events(request: HttpRequest, org_id: int) -> Any:
    found = _visible(request, org_id, "registry.event.view")
    if isinstance(found, Status):
        return found
    events = RegistryEvent.objects.filter(organisation=found).select_related("source")
    return [{"id": e.pk, "type": e.type, "date": e.date, "matter": e.matter,
             "payload": e.payload, "source": e.source.name if e.source else None}
            for e in events.order_by("date", "id")]


@router.get("/organisations/{org_id}/entitlement",
            summary="按登记事实核定（policyhub.evaluate/1 决定）",
            response={200: dict[str, Any], HTTP_NOT_FOUND: RegistryRefusal,
                      HTTP_UNPROCESSABLE: RegistryRefusal})
def organisation_entitlement(request: HttpRequest, org_id: int,
                             as_of: dt.date | None = None) -> Any:
    """The engine's decision on the registry's facts as they stand, on `as_of` (default
    today)."""
    problem = day_problem(as_of, "核定日期") if as_of else None
    if problem:
        return Status(HTTP_UNPROCESSABLE, {"detail": problem})
    found = _visible(request, org_id, "registry.entitlement.view")
    if isinstance(found, Status):
        return found
    return evaluate(request_for(found, as_of=as_of or clock.today()))
