"""试算: an officer pastes or picks a `policyhub.evaluate/1` request and sees the decision.

The engine is called directly (no HTTP round trip to our own API). With HTMX the form
swaps only the result panel; without JavaScript the same POST renders the whole page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from policyhub import clock
from policyhub.engine import InputError, evaluate, loads
from policyhub.web import decision, examples

PAGE = "web/evaluate/page.html"
RESULT = "web/evaluate/result.html"
DEFAULT_EXAMPLE = "milestone_cumulative"


def _example_choices() -> list[tuple[str, object]]:
    return [("", "—"), *examples.choices()]


class EvaluateForm(forms.Form):
    example = forms.ChoiceField(label=_("合同示例"), required=False, choices=_example_choices)
    request = forms.CharField(
        label=_("核定请求（policyhub.evaluate/1，JSON）"),
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "false", "class": "code"}),
    )


def run(text: str) -> dict[str, Any]:
    """The template context for one request text: a decision or the problems per field."""
    try:
        raw = loads(text)
        events = raw.get("events") if isinstance(raw, dict) else None
        return {"decision": decision.view(evaluate(raw, today=clock.today()),
                                          events if isinstance(events, list) else None)}
    except InputError as exc:
        return {"problems": exc.problems}
    except (ValueError, RecursionError) as exc:  # not JSON at all
        return {"problems": [{"path": "", "message": str(exc)}]}


def _initial(request: HttpRequest) -> dict[str, str]:
    name = request.GET.get("example") or DEFAULT_EXAMPLE
    if name not in examples.EXAMPLES:
        name = DEFAULT_EXAMPLE
    return {"example": name, "request": examples.example_text(name)}


@login_required
def evaluate_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, PAGE, {"form": EvaluateForm(initial=_initial(request))})
    form = EvaluateForm(request.POST)
    context: dict[str, Any] = {"form": form, "submitted": True}
    if form.is_valid():
        context.update(run(form.cleaned_data["request"]))
    else:
        context["problems"] = [{"path": "", "message": e} for e in form.errors.get("request", [])]
    template = RESULT if request.headers.get("HX-Request") == "true" else PAGE
    return render(request, template, context)
