"""{% load materials %}{% materials_section app %}: the 申报材料 section of an application's
page — what its clause asks for, what is attached, and the upload form when allowed."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from policyhub.applications.models import Application
from policyhub.materials import services

register = template.Library()


@register.inclusion_tag("materials/section.html", takes_context=True)
def materials_section(context: template.Context, app: Application) -> dict[str, Any]:
    request = context.get("request")
    user = request.user if request is not None else None
    readable = user is not None and services.can_read(user, app)[0]
    attached = list(app.materials.all()) if readable else []
    have = {m.kind for m in attached}
    asked = services.required(app.clause)
    return {
        "app": app, "readable": readable, "csrf_token": context.get("csrf_token"),
        "asked": [(r, r.key in have) for r in asked],
        "attached": [(m, services.kind_name(app.clause, m.kind)) for m in attached],
        "can_upload": user is not None and services.can_upload(user, app)[0],
        "limit_mb": settings.MATERIAL_MAX_BYTES // (1024 * 1024),
    }
