"""政策原文: the two documents clause by clause, and each rule with its dated parameters."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from policyhub.engine import meta
from policyhub.web import policy


def policy_text(request: HttpRequest) -> HttpResponse:
    return render(request, "web/policy/text.html", {"documents": policy.documents()})


def rule_list(request: HttpRequest) -> HttpResponse:
    rules = sorted(meta.rules().values(), key=lambda r: (r.group, r.order))
    return render(
        request, "web/policy/rules.html", {"rules": rules, "general": policy.general_parameters()}
    )


def rule_detail(request: HttpRequest, rule_id: str) -> HttpResponse:
    try:
        rule = meta.rule(rule_id)
    except KeyError:
        raise Http404(rule_id) from None
    return render(
        request, "web/policy/rule.html", {"rule": rule, "parameters": policy.rule_parameters(rule)}
    )
