"""Template tags of the shared page furniture: `{% load web %}`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.http import HttpRequest

from policyhub.accounts.roles import assignments
from policyhub.web import display, nav

register = template.Library()


@register.filter
def money(value: object) -> str:
    return display.money(value)


@register.filter
def clause_url(clause_id: str) -> str:
    return display.clause_url(clause_id)


@register.filter
def cite(clause_id: str) -> str:
    return display.cite(clause_id)


@register.inclusion_tag("web/includes/nav.html", takes_context=True)
def web_nav(context: template.Context) -> dict[str, Any]:
    request: HttpRequest | None = context.get("request")
    path = request.path if request is not None else ""
    items = [
        (link.label, url, nav.is_active(url, path))
        for link in nav.NAVIGATION
        for url in [link.url()]
    ]
    return {"items": items}


@register.inclusion_tag("web/includes/role_badges.html", takes_context=True)
def role_badges(context: template.Context) -> dict[str, Any]:
    request: HttpRequest | None = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"roles": []}
    return {"roles": [a.get_role_display() for a in assignments(request.user)]}


@register.inclusion_tag("web/includes/status_badge.html")
def status_badge(status: str, label: object = None) -> dict[str, Any]:
    return {"tone": display.tone(status), "label": label if label is not None else status}


@register.inclusion_tag("web/includes/progress.html")
def progress(value: Decimal | int, maximum: Decimal | int, label: str = "") -> dict[str, Any]:
    """A bar filled to value/maximum, e.g. the share of a fund already committed."""
    return {
        "percent": display.percent(Decimal(value), Decimal(maximum)),
        "value": value,
        "maximum": maximum,
        "label": label,
    }
