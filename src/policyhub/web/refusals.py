"""One way for every page to refuse: the reason shown with its status, and audited."""

from __future__ import annotations

from typing import Any, NoReturn

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from policyhub.audit.services import record


def refused(request: HttpRequest, reason: str, *, status: int = 403, action: str = "",
            obj: Any = None, template: str = "web/refused.html", **payload: Any) -> HttpResponse:
    """`action` writes the refusal to the audit trail (services that refuse audit their own)."""
    if action:
        record(request.user, action, obj, allowed=False, reason=reason, **payload)
    return render(request, template, {"reason": reason}, status=status)


def hidden(user: Any, reason: str, *, action: str, obj: Any = None, **payload: Any) -> NoReturn:
    """Refuse an object `user` may not view exactly as if it did not exist (docs/security.md:
    a 404, on pages and in the API alike, with the same body as for an unknown id), so a
    refusal never tells that the object exists; the refusal, with its reason, is audited."""
    record(user, action, obj, allowed=False, reason=reason, **payload)
    raise Http404(NOT_FOUND)


NOT_FOUND = "Not Found"  # the body's detail of every 404 (django-ninja's own for Http404)
