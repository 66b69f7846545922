"""One way for every page to refuse: the reason shown with its status, and audited."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policyhub.audit.services import record


def refused(request: HttpRequest, reason: str, *, status: int = 403, action: str = "",
            obj: Any = None, template: str = "web/refused.html", **payload: Any) -> HttpResponse:
    """`action` writes the refusal to the audit trail (services that refuse audit their own)."""
    if action:
        record(request.user, action, obj, allowed=False, reason=reason, **payload)
    return render(request, template, {"reason": reason}, status=status)
