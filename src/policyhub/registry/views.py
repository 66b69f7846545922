"""主体登记 pages: the organisation list, one organisation's facts and the engine's decision on
them, the import page and the export download.

Thin callers: who sees what is registry.permissions, the import and export are registry.io,
the decision is registry.facts.request_for + engine.evaluate. A refusal shows its reason (403)
and is audited like the services' own refusals.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from policyhub import clock
from policyhub.audit.services import record
from policyhub.engine import InputError, evaluate
from policyhub.imports import jobs
from policyhub.imports import kinds as import_kinds
from policyhub.registry import (
    facts,
    imports_objects,
    io,
    permissions,
    reader,
    rejected,
    template_file,
)
from policyhub.registry.models import Organisation, RegistryEvent, YearlyFigure
from policyhub.units.models import Unit
from policyhub.web import decision
from policyhub.web.refusals import hidden
from policyhub.web.refusals import refused as web_refused
from policyhub.web.tables import paginate

EXPORT_FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
KINDS: dict[str, io.Kind] = {k: k for k in io.KINDS}
KIND_LABELS = {"figures": _("年度数据"), "events": _("政策事件")}
# The registry's own objects (registry.imports_objects): registry staff only.
OBJECT_LABELS = {k: _(spec.label) for k, spec in imports_objects.KINDS.items()}  # 主体, 人才, 团队
COLUMN_GROUPS: dict[Any, tuple[io.Column, ...]] = {  # the page's column list
    KIND_LABELS[k]: io.COLUMNS[k] for k in io.KINDS}
COLUMN_GROUPS |= {_(spec.label): spec.columns for spec in imports_objects.KINDS.values()}


def refused(request: HttpRequest, reason: str, action: str, obj: Any = None) -> HttpResponse:
    """403 with the reason shown, and the refusal written to the audit trail."""
    return web_refused(request, reason, action=action, obj=obj)


# --- list ------------------------------------------------------------------------------------


NAME_MAX = 200  # characters of a name (issue 14: names ≤ 200), as Organisation.name


class OrganisationFilter(forms.Form):
    q = forms.CharField(label=_("名称或统一社会信用代码"), required=False, max_length=NAME_MAX,
                        error_messages={"max_length": f"名称或代码最多{NAME_MAX}个字符"})
    district = forms.ChoiceField(label=_("所在区县（市）"), required=False)
    park = forms.ModelChoiceField(label=_("所在园区"), required=False, empty_label="—",
                                  queryset=Unit.objects.filter(kind=Unit.Kind.PARK))
    kind = forms.ChoiceField(label=_("主体类别"), required=False,
                             choices=[("", "—"), *Organisation.Kind.choices])

    def __init__(self, data: Any, visible: QuerySet[Organisation]) -> None:
        super().__init__(data)
        districts = visible.exclude(district="").values_list("district", flat=True)
        field = self.fields["district"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *((d, d) for d in sorted(set(districts)))]

    def apply(self, qs: QuerySet[Organisation]) -> QuerySet[Organisation]:
        if not self.is_valid():  # a name too long to exist finds nothing (its message says why)
            return qs.none() if "q" in self.errors else qs
        data = self.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(name__icontains=data["q"]) | Q(credit_code__icontains=data["q"]))
        if data["district"]:
            qs = qs.filter(district=data["district"])
        if data["park"]:
            qs = qs.filter(park=data["park"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        return qs


@login_required
def index(request: HttpRequest) -> HttpResponse:
    visible = permissions.visible_organisations(request.user)
    form = OrganisationFilter(request.GET or None, visible)
    page: Page[Organisation] = paginate(request, form.apply(visible.select_related("park")))
    return render(request, "registry/index.html", {"form": form, "page": page})


# --- detail ----------------------------------------------------------------------------------


def _as_of(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return clock.today()


def engine_decision(org: Organisation, as_of: dt.date) -> dict[str, Any]:
    """The result panel's context: the decision on the registry's facts, or its problems."""
    try:
        request = facts.request_for(org, as_of=as_of)
        return {"decision": decision.view(evaluate(request), request["events"])}
    except InputError as exc:
        return {"problems": exc.problems}


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation.objects.select_related("park"), pk=pk)
    allowed, reason = permissions.can_view(request.user, org)
    if not allowed:  # as if it did not exist: a refusal never tells that it does
        hidden(request.user, reason, action="registry.organisation.view", obj=org)
    as_of = _as_of(request)
    context = {
        "org": org,
        "as_of": as_of,
        "figures": YearlyFigure.objects.filter(organisation=org).order_by("year"),
        "events": RegistryEvent.objects.filter(organisation=org).order_by("date", "id"),
        "can_edit": permissions.can_edit(request.user, org)[0],
        **engine_decision(org, as_of),
    }
    return render(request, "registry/detail.html", context)


# --- import ----------------------------------------------------------------------------------


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("数据类型"),
                             choices=[*KIND_LABELS.items(), *OBJECT_LABELS.items()])
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))

    def only_facts(self) -> None:
        """Offer only figures and events (the user may not import organisations, people or
        teams: permissions.can_import_objects)."""
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(KIND_LABELS.items())


ERRORS_PER_PAGE = 50


def _errors(request: HttpRequest, failed: io.ImportFailed | list[io.RowError],
            token: str = "") -> dict[str, Any]:
    """The context of a refusal: one page of its errors (ERRORS_PER_PAGE), and the token of
    the kept copy (registry.rejected) that pages on and downloads the rejected rows."""
    errors = failed.errors if isinstance(failed, io.ImportFailed) else failed
    return {"errors": errors, "bad_rows": len({e.row for e in errors}),
            "error_page": paginate(request, errors, ERRORS_PER_PAGE), "error_token": token,
            "with_values": True}


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """The upload form; a good upload becomes an import job (imports.jobs) and the answer is
    at once a redirect to its page, which shows the progress and ends in the result."""
    too_large = reader.oversized_upload(request.META.get("CONTENT_LENGTH"))
    if request.method == "POST" and too_large is not None:  # refused before the body is read
        return render(request, "registry/import.html",
                      {"form": ImportForm(), "columns": COLUMN_GROUPS,
                       **_errors(request, too_large)}, status=413)
    form = ImportForm(request.POST or None, request.FILES or None)
    may_import_objects, reason = permissions.can_import_objects(request.user)
    if request.method == "POST" and request.POST.get("kind") in imports_objects.KINDS \
            and not may_import_objects:  # refused before the file is read
        return refused(request, reason, "registry.import")
    if not may_import_objects:
        form.only_facts()
    context: dict[str, Any] = {"form": form, "columns": COLUMN_GROUPS,
                               "object_kinds": OBJECT_LABELS if may_import_objects else {}}
    status = 200
    token = request.GET.get("errors", "")
    if request.method == "GET" and token:  # a kept refusal, paged on
        kept = rejected.load(request.user.pk, token)
        if kept is None:
            context["expired"] = True
            status = 404
        else:
            context.update(_errors(request, rejected.errors_of(kept), token))
            context["kept_file"] = kept["file"]
    if request.method == "POST" and form.is_valid():
        kind = import_kinds.get(f"registry.{form.cleaned_data['kind']}")
        assert kind is not None  # the form's choices are the registered kinds
        try:
            job = jobs.start(kind, form.cleaned_data["file"], request.user)
        except io.ImportFailed as exc:  # too large once stored
            context.update(_errors(request, exc))
            status = 413
        else:
            return redirect("imports:job", job.pk)
    return render(request, "registry/import.html", context, status=status)


@login_required
def import_errors(request: HttpRequest, token: str) -> HttpResponse:
    """The rejected rows of the user's own refused import, with the reasons (.xlsx)."""
    kept = rejected.load(request.user.pk, token)
    if kept is None:
        raise Http404(token)
    response = HttpResponse(rejected.workbook(kept), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="registry-import-errors.xlsx"'
    return response


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The blank .xlsx template of an import (registry.template_file); the same users as the
    import page."""
    chosen = KINDS.get(kind)
    if chosen is not None:
        body = template_file.template_bytes(chosen)
    elif kind in imports_objects.KINDS:
        body = imports_objects.template_bytes(kind)
    else:
        raise Http404(kind)
    response = HttpResponse(body,
                            content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="registry-{kind}-template.xlsx"'
    return response


# --- export ----------------------------------------------------------------------------------


@login_required
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The visible organisations' figures or events in the import format."""
    chosen = KINDS.get(kind)
    if (chosen is None and kind not in imports_objects.KINDS) or fmt not in EXPORT_FORMATS:
        raise Http404(f"{kind}.{fmt}")
    orgs = permissions.visible_organisations(request.user)
    filename = f"registry-{kind}.{fmt}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        if chosen is None:  # organisations, people, teams: everyone's for city-wide readers
            everything = permissions.reads_everything(request.user)
            count = imports_objects.export_file(path, kind, None if everything else orgs)
        else:
            count = io.export_file(path, chosen, orgs)
        body = path.read_bytes()
    record(request.user, "registry.export", None, kind=kind, format=fmt, rows=count)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
