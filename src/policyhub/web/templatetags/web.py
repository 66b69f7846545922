"""Template tags of the shared page furniture: `{% load web %}`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.http import HttpRequest

from policyhub import clock
from policyhub.accounts.roles import assignments
from policyhub.web import access, display, nav

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
    user = request.user if request is not None else None
    links = nav.navigation(user) if user is not None else list(nav.NAVIGATION)
    items = [(link.label, url, nav.is_active(url, path)) for link in links
             for url in [link.url()] if url is not None]
    return {"items": items}


@register.simple_tag
def demo_day() -> str:
    """The fixed demo day (POLICYHUB_TODAY) as YYYY-MM-DD, or "" when the real day is used."""
    day = clock.fixed_day()
    return day.isoformat() if day is not None else ""


@register.simple_tag(takes_context=True)
def may_apply(context: template.Context) -> bool:
    """Whether the signed-in user may start an application (新建申报 shown only then)."""
    request: HttpRequest | None = context.get("request")
    return request is not None and access.may_apply(request.user)


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
