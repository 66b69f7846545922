"""待办 page (web.todo): the signed-in user's queues; for city-wide roles also the overview by
stage and the application search (name, credit code, clause, state, department, park)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from policyhub import clock
from policyhub.accounts.models import Role
from policyhub.accounts.roles import assignments
from policyhub.applications import workflow
from policyhub.engine import meta
from policyhub.units.models import Unit
from policyhub.web import labels, todo
from policyhub.web.refusals import refused

CITY_WIDE = {Role.BUREAU_OFFICER, Role.FINANCE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR}


def _clauses() -> list[tuple[str, Any]]:
    clauses = sorted({r.clause for r in meta.rules().values()})
    return [("", _("全部条款")), *((c, c) for c in clauses)]


def _states() -> list[tuple[str, Any]]:
    return [("", _("全部状态")), *workflow.choices()]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("名称或统一社会信用代码"), required=False, max_length=200,
                        error_messages={"max_length": _("名称或代码最多200个字符")})
    clause = forms.ChoiceField(label=_("条款"), required=False, choices=_clauses)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=_states)
    department = forms.ModelChoiceField(label=_("责任部门"), required=False,
                                        empty_label=_("全部部门"), queryset=Unit.objects.filter(
                                            kind__in=[Unit.Kind.PARTY, Unit.Kind.GOVERNMENT]))
    park = forms.ModelChoiceField(label=_("受理园区"), required=False, empty_label=_("全部园区"),
                                  queryset=Unit.objects.filter(kind=Unit.Kind.PARK))


@login_required
def todo_page(request: HttpRequest) -> HttpResponse:
    held = assignments(request.user)
    if not held:
        return refused(request, "您的账号尚未分配角色，没有待办事项。请联系系统管理员。")
    today = clock.today()
    context: dict[str, Any] = {"queues": todo.queues(request.user, today), "today": today,
                               "bureau": any(a.role == Role.BUREAU_OFFICER for a in held)}
    if {a.role for a in held} & CITY_WIDE:
        form = SearchForm(request.GET or None)
        context["form"] = form
        context["stages"] = todo.stage_counts(request.user)
        if request.GET and form.is_valid():
            found = todo.search(request.user, form.cleaned_data)
            context["found"] = Paginator(found, 50).get_page(request.GET.get("page"))
            labels.name_matters(context["found"].object_list)
    return render(request, "web/todo/page.html", context)
