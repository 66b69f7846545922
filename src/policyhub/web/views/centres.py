"""服务中心: the index of the six service centres of the action plan and their records, each
record type listed only to those who may read it (its own can_view), so that every centre —
testing, training, emergency response, migration, the summit and competition, and the
adaptation centre's 联网演示 environment — is reachable from the navigation."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from policyhub.centres.urls import APPS
from policyhub.web.refusals import refused

# The centres by their names in the action plan (计划/二), in the apps' order.
CENTRE_NAMES = {
    "adaptation": _("适配中心（含联网演示环境）"),
    "testing": _("测试认证中心"),
    "training": _("培训服务"),
    "emergency": _("运营及应急响应中心"),
    "migration": _("终端更新与应用迁移"),
    "events": _("一会一赛（峰会与竞赛）"),
}


@dataclass(frozen=True)
class RecordLink:
    title: str
    clause: str
    count: int
    list_url: str
    create_url: str | None


@dataclass(frozen=True)
class Centre:
    name: str
    records: list[RecordLink]


def centres_for(user: Any) -> list[Centre]:
    """The centres with at least one record type `user` may read, with those types."""
    out = []
    for app in APPS:
        links = []
        for spec in import_module(f"policyhub.centres.{app}.records").RECORD_TYPES:
            if not spec.can_view(user)[0]:
                continue
            ns = f"centres_{app}"
            links.append(RecordLink(
                title=spec.title, clause=spec.clause,
                count=spec.model._default_manager.count(),
                list_url=reverse(f"{ns}:{spec.slug}-list"),
                create_url=(reverse(f"{ns}:{spec.slug}-create")
                            if spec.can_create(user)[0] else None)))
        if links:
            out.append(Centre(str(CENTRE_NAMES.get(app, app)), links))
    return out


@login_required
def index(request: HttpRequest) -> HttpResponse:
    centres = centres_for(request.user)
    if not centres:
        return refused(request, "服务中心的记录仅向各责任单位工作人员、审计和系统管理员开放。",
                       action="centres.index")
    return render(request, "web/centres/index.html", {"centres": centres})
