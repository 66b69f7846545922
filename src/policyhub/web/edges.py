"""The edge: input no page or endpoint can use is refused with 400 before it reaches one.

A NUL character (U+0000) cannot be stored by PostgreSQL in a text column (DataError: a
500, and a refusal that should have been audited is lost), so it is refused wherever a
person can put one: the path, the query string, a form body and any other body but a
multipart one (evaluate reads its body as JSON whatever its declared type). Uploaded files
are not looked into (an .xlsx is binary); the form fields beside them go through Django's
form fields, which refuse NUL themselves.

`BadInput` is the 400 a view raises for a parameter it cannot use (a date out of range…);
`bad_request` (the URLconf's handler400) shows its message in Chinese, and a fixed Chinese
message for Django's own 400s, whose texts are English and internal.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

NUL = "\x00"
NUL_MESSAGE = "请求中含有空字符（NUL），无法处理；请删除后重试"
GENERIC_MESSAGE = "请求无法处理：请检查地址和填写的内容"
FORM_TYPE = "application/x-www-form-urlencoded"
JSON_MARKERS = (b"\\u0000", b"\x00")  # how a NUL can appear in a JSON body
FORM_MARKERS = (b"%00", b"\x00")
API_PREFIX = "/api/"


# The days a page or endpoint can be asked about: the plan starts in 2019; past 2100 is a
# typo (9999-12-31 overflowed the date arithmetic into a 500).
FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


class BadInput(BadRequest):
    """A request parameter that cannot be used; the message is shown to the person."""


def day_problem(day: dt.date, what: str) -> str | None:
    """Why `day` cannot be used (outside FIRST_DAY … LAST_DAY), or None."""
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return f"{what}须在 {FIRST_DAY} 至 {LAST_DAY} 之间；收到 {day}"


def day_param(raw: str, what: str) -> dt.date | None:
    """A YYYY-MM-DD parameter: None when blank, BadInput when not a date or out of range."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise BadInput(f"{what}应为 YYYY-MM-DD 格式的日期，如 2021-06-30；收到“{raw[:40]}”")
    problem = day_problem(day, what)
    if problem:
        raise BadInput(problem)
    return day


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in v for v in values)


def _nul_in_json(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_nul_in_json(k) or _nul_in_json(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_nul_in_json(v) for v in value)
    return False


def _body(request: HttpRequest) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        return b""  # the view refuses it itself (413), with its own message


def has_nul(request: HttpRequest) -> bool:
    """Whether the path, the query string or a form or JSON body holds a NUL."""
    if NUL in request.path or _has_nul(k for k in request.GET) or \
            _has_nul(v for _, values in request.GET.lists() for v in values):
        return True
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    kind = request.content_type or ""
    if kind == FORM_TYPE:
        body = _body(request).lower()
        if not any(m in body for m in FORM_MARKERS):
            return False  # the common case, without parsing the form here
        return _has_nul(request.POST) or \
            _has_nul(v for _, values in request.POST.lists() for v in values)
    if kind.startswith("multipart/"):
        return False  # uploads: see the module's docstring
    # Any other body may be read as JSON (evaluate reads it whatever its declared type).
    body = _body(request)
    if not any(m in body for m in JSON_MARKERS):
        return False  # the hot path (evaluate) pays two byte searches
    try:
        return _nul_in_json(json.loads(body))
    except (ValueError, RecursionError):
        return NUL.encode() in body  # not JSON: the view says so unless it holds a NUL


def refusal(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    """The 400: JSON `{"detail": …}` under /api/, a Chinese page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, "web/bad_request.html", {"reason": message}, status=status)


class RejectNulMiddleware:
    """400 for a request with a NUL anywhere a person typed something (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request):
            return refusal(request, NUL_MESSAGE)
        return self.get_response(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: our own refusals with their message, Django's with a fixed one."""
    message = str(exception) if isinstance(exception, BadInput) else GENERIC_MESSAGE
    return refusal(request, message)
