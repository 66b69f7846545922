"""Template tags of the shared page furniture: `{% load web %}`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.http import HttpRequest

from policyhub import clock
from policyhub.accounts.roles import assignments
from policyhub.web import access, display, labels, nav

register = template.Library()


@register.filter
def money(value: object) -> str:
    return display.money(value)


@register.filter
def matter_label(value: object) -> str:
    """An engine matter ("event-7", "revenue-2020") as a person names it (web.labels)."""
    return labels.matter_label(str(value or ""))


@register.filter
def application_matter(app: object) -> str:
    """An application's matter as a person names it, from its applicant's registry facts."""
    return labels.application_matter(app)


@register.filter
def matter_of(record: object) -> str:
    """An application's or a proposal's matter as a person names it: the label its view gave
    the whole page at once (labels.name_matters), else looked up for this one record."""
    given = getattr(record, "matter_text", None)
    return str(given) if given is not None else labels.application_matter(record)


@register.filter
def state_name(code: object) -> str:
    """An application's state in the page's language (applications.workflow.label)."""
    from policyhub.applications import workflow

    return workflow.label(str(code))


@register.filter
def person(user: Any) -> str:
    """A person by name (姓名), never by login name; the login only for an unnamed account."""
    if user is None:
        return "系统"
    name = str(user.get_full_name()).strip()
    return name or str(user.get_username())


@register.filter
def readable(value: object) -> str:
    """An engine or workflow text without option names and rule ids (web.labels)."""
    return labels.readable(str(value or ""))


# Moves that cannot be undone ask first (issue 14); the page colours them as dangerous.
CONFIRMATIONS = {
    "withdraw": "撤回后这项申报即告终止，不能恢复。确定撤回吗？",
    "refuse": "不予支持后这项申报即告终止，并通知申报主体。确定不予支持吗？",
    "pay": "拨付将记入专项资金台账，不能撤销。确定拨付吗？",
    "confirm": "确认后这项免申即享建议直接进入审核。确定确认吗？",
}


@register.filter
def confirm_text(move: object) -> str:
    """The question an irreversible move asks before it is sent, or "" for the others."""
    return CONFIRMATIONS.get(str(move), "")


@register.filter
def money_input(value: object) -> str:
    """A money field's value with thousands separators ("1200000" → "1,200,000"); what
    cannot be read as a number is given back as typed."""
    text = str(value or "")
    try:
        number = Decimal(text.replace(",", ""))
    except ArithmeticError:
        return text
    return f"{number:,f}" if text else ""


@register.filter
def lookup(mapping: object, key: object) -> object:
    """mapping[key], or "" when it is not there (a template cannot index a dict by a
    variable)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


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
    roles = []
    for a in assignments(request.user):
        role = str(a.get_role_display())
        # The unit or organisation the role is held for, by name ("园区管委会经办人 长沙高新区
        # 管委会"), unless the role's own name says it (市财政局经办人).
        where = a.unit or a.organisation
        name = where.name if where is not None else ""
        unit = name if name and name not in role else ""
        roles.append((role, unit))
    return {"roles": roles}


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
