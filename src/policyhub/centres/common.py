"""What the six service-centre apps share: one description of a record type drives its pages,
its import and export, its API and its audit trail.

An app describes each of its models once as a `RecordType` (model, form, columns, who may
view and create); `urlpatterns()` gives its list/detail/create/import/export pages,
`router_for()` its REST endpoints, `import_table()` and `export_table()` its spreadsheets.
The import works like the registry's (registry.io): every row is parsed and validated
(`Model.full_clean`) before anything is written, every bad row is reported with its row
number (the header is row 1) and column, and a file with any bad row imports nothing. A good
file is saved in one transaction, each record through the type's `save` service (audited).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Page
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from ninja import Router, Schema, Status
from ninja.security import django_auth

from policyhub.accounts.models import Role
from policyhub.accounts.roles import AnyUser, assignments
from policyhub.audit.bulk import hold_lock, record_many
from policyhub.audit.services import record
from policyhub.imports.kinds import BATCH, Outcome, PartlyWritten
from policyhub.plan.indicators import SourceRef
from policyhub.registry import cells
from policyhub.registry.models import Organisation
from policyhub.registry.reader import ImportFailed, RowError, oversized_upload, read_table
from policyhub.registry.services import Refused
from policyhub.units.models import Unit
from policyhub.web.excel import Cell, write_table
from policyhub.web.refusals import refused
from policyhub.web.tables import paginate

M = TypeVar("M", bound=models.Model)
Actor = AnyUser | None
Decision = tuple[bool, str]
Permission = Callable[[AnyUser], Decision]
OK: Decision = (True, "")
NOT_LOGGED_IN: Decision = (False, "请先登录 (not logged in)")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTTP_FORBIDDEN = 403
# Unit-scoped staff roles; the auditor reads everything, the administrator does everything.
STAFF_ROLES = frozenset({Role.PARK_OFFICER, Role.DEPARTMENT_REVIEWER, Role.BUREAU_OFFICER,
                         Role.FINANCE_OFFICER})


if TYPE_CHECKING:
    RecordForm = forms.ModelForm
else:

    class RecordForm(forms.ModelForm):
        """forms.ModelForm, subscriptable at run time (RecordForm[Model]) as in the stubs."""

        def __class_getitem__(cls, item):
            return cls


# --- permissions -----------------------------------------------------------------------------


def is_staff_of(user: AnyUser, units: Iterable[str] | None = None) -> bool:
    """An administrator, or a staff role held for one of `units` (any unit when None)."""
    wanted = None if units is None else set(units)
    for a in assignments(user):
        if a.role == Role.ADMINISTRATOR:
            return True
        if a.role in STAFF_ROLES and (wanted is None or (a.unit and a.unit.code in wanted)):
            return True
    return False


def staff_of(units: Sequence[str] | None, who: str) -> Permission:
    """A permission: staff of `units` (any unit when None) or an administrator; `who` names
    them in the refusal."""

    def check(user: AnyUser) -> Decision:
        if not user.is_authenticated:
            return NOT_LOGGED_IN
        if is_staff_of(user, units):
            return OK
        return False, f"仅{who}的工作人员或系统管理员可登记此类记录"

    return check


def readers(units: Sequence[str] | None, who: str) -> Permission:
    """A view permission: staff of `units` (any staff when None), the auditor, the admin."""
    staff = staff_of(units, who)

    def check(user: AnyUser) -> Decision:
        if not user.is_authenticated:
            return NOT_LOGGED_IN
        if staff(user)[0] or any(a.role == Role.AUDITOR for a in assignments(user)):
            return OK
        return False, f"仅{who}的工作人员、审计和系统管理员可查看此类记录"

    return check


# --- columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A foreign key in a spreadsheet: the related row found by one of `keys` (e.g. a unit by
    its code or its name)."""

    model: type[models.Model]
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    name: str  # the model field (or, when readonly, attribute) and the API key
    zh: str  # the spreadsheet header and page label
    kind: str = "text"  # text int decimal date datetime bool choice ref
    required: bool = False
    ref: Ref | None = None
    readonly: bool = False  # computed: exported and shown, never imported

    def raw(self, obj: models.Model) -> Any:
        value = getattr(obj, self.name)
        if self.ref is not None and value is not None:
            return getattr(value, self.ref.keys[0])
        return value

    def cell(self, obj: models.Model) -> Cell:
        """The value as written to a spreadsheet and shown on a page (choices by label)."""
        if self.kind == "choice":
            return str(getattr(obj, f"get_{self.name}_display")())
        value = self.raw(obj)
        if isinstance(value, float):
            return Decimal(str(round(value, 2)))
        if isinstance(value, dt.timedelta):
            return format_duration(value)
        return value  # type: ignore[no-any-return]

    def json(self, obj: models.Model) -> Any:
        value = self.raw(obj)
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, dt.timedelta):
            return value.total_seconds()
        return value


def format_duration(value: dt.timedelta | None) -> str:
    """'2天3小时5分' — how long a response or a closure took."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}天" if days else "", f"{hours}小时" if hours else "", f"{mins}分"]
    return "".join(parts)


@dataclass(frozen=True)
class Table:
    """A related table on a detail page, e.g. an incident's notifications."""

    caption: str
    headers: list[str]
    rows: list[list[Any]]
    add_url: str = ""


UNIT = Ref(Unit, ("code", "name"))
ORGANISATION = Ref(Organisation, ("credit_code", "name"))


def no_related(obj: Any) -> list[Table]:
    return []


# --- the record type -------------------------------------------------------------------------


def save_record(actor: Actor, obj: M) -> M:
    """Validate, save and audit one record (the default `RecordType.save`)."""
    if hasattr(obj, "recorded_by_id") and actor is not None and actor.is_authenticated:
        obj.recorded_by_id = actor.pk
    obj.full_clean()
    with transaction.atomic():
        obj.save()
        record(actor, f"{obj._meta.label_lower}.create", obj, **model_to_dict(obj))
    return obj


@dataclass(frozen=True)
class RecordType(Generic[M]):
    slug: str  # URL segment and API path: /centres/<app>/<slug>/
    model: type[M]
    form: type[forms.ModelForm[M]]
    columns: tuple[Column, ...]  # import/export order; also the detail page and the API
    listed: tuple[str, ...]  # column names shown on the list page
    can_view: Permission
    can_create: Permission
    search: tuple[str, ...] = ()  # fields ?q= looks in
    related: Callable[[M], list[Table]] = no_related
    save: Callable[[Actor, M], M] = save_record
    clause: str = ""  # the clause of 长政办发〔2019〕30号 the records serve

    @property
    def title(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def queryset(self, q: str = "") -> QuerySet[M]:
        qs = self.model._default_manager.all()
        if q and self.search:
            cond = Q()
            for name in self.search:
                cond |= Q(**{f"{name}__icontains": q})
            qs = qs.filter(cond)
        return qs

    def audit_name(self, action: str) -> str:
        return f"{self.model._meta.label_lower}.{action}"


# --- import ----------------------------------------------------------------------------------


Track = Callable[[Sequence[Any], str], Iterable[Any]]


def _no_progress(rows: Sequence[Any], desc: str) -> Iterable[Any]:
    return rows


def _header(header: list[Any], columns: Sequence[Column]) -> dict[int, Column]:
    keys = {k.casefold(): c for c in columns if not c.readonly for k in (c.name, c.zh)}
    found: dict[int, Column] = {}
    errors = []
    for i, raw in enumerate(header):
        if cells.is_blank(raw):
            continue
        col = keys.get(str(raw).strip().casefold())
        if col is None:
            errors.append(RowError(1, str(raw), "未知列 (unknown column)"))
        elif col in found.values():
            errors.append(RowError(1, str(raw), f"列重复：{col.zh}"))
        else:
            found[i] = col
    errors += [RowError(1, c.zh, "缺少必填列 (missing column)")
               for c in columns if c.required and c not in found.values()]
    if errors:
        raise ImportFailed(errors)
    return found


def parse_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        raw = str(value).strip().replace("/", "-").replace("T", " ")
        try:
            moment = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"“{value}”不是时间：应为 YYYY-MM-DD HH:MM") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class _Lookup:
    """Turns one cell into a field value; caches the foreign-key look-ups of one file."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.cache: dict[tuple[str, str], models.Model | None] = {}

    def parse(self, col: Column, value: Any) -> Any:
        if col.kind == "choice":
            return self._choice(col, value)
        if col.kind == "ref":
            return self._ref(col, cells.text(value))
        if col.kind == "datetime":
            return parse_datetime(value)
        if col.kind == "decimal":
            return cells.money(value)
        return cells.PARSERS[col.kind](value)

    def _choice(self, col: Column, value: Any) -> str:
        text = cells.text(value)
        choices = getattr(self.model._meta.get_field(col.name), "choices", None) or []
        for code, label in choices:
            if text.casefold() in (str(code).casefold(), str(label).casefold()):
                return str(code)
        labels = "、".join(str(label) for _, label in choices)
        raise ValueError(f"“{text}”不是可选值：{labels}")

    def _ref(self, col: Column, text: str) -> models.Model:
        assert col.ref is not None
        key = (col.name, text)
        if key not in self.cache:
            cond = Q()
            for k in col.ref.keys:
                cond |= Q(**{k: text})
            self.cache[key] = col.ref.model._default_manager.filter(cond).first()
        found = self.cache[key]
        if found is None:
            raise ValueError(f"找不到“{text}”（{col.ref.model._meta.verbose_name}）")
        return found


def _row_errors(number: int, exc: ValidationError, spec: RecordType[Any]) -> list[RowError]:
    names = {c.name: c.zh for c in spec.columns}
    out = []
    for name, reasons in exc.message_dict.items():
        column = "" if name == NON_FIELD_ERRORS else names.get(name, name)
        out += [RowError(number, column, r) for r in reasons]
    return out


def _parse_row(number: int, raw: list[Any], mapping: dict[int, Column], look: _Lookup,
               spec: RecordType[Any]) -> tuple[Any, list[RowError]]:
    values: dict[str, Any] = {}
    errors = []
    for i, col in mapping.items():
        value = raw[i] if i < len(raw) else None
        if cells.is_blank(value):
            if col.required:
                errors.append(RowError(number, col.zh, "必填 (required)"))
            continue
        try:
            values[col.name] = look.parse(col, value)
        except ValueError as exc:
            errors.append(RowError(number, col.zh, str(exc)))
    obj = spec.model(**values)
    if not errors:
        try:
            obj.full_clean()
        except ValidationError as exc:
            errors += _row_errors(number, exc, spec)
    return obj, errors


def import_table(spec: RecordType[M], content: bytes, filename: str, *, actor: Actor,
                 track: Track = _no_progress) -> int:
    """Import every row or none; returns the number of records created. ImportFailed lists
    every bad row (and the refusal is audited)."""
    planned = validate_table(spec, content, filename, actor=actor, track=track)
    return save_planned(spec, planned, filename, actor=actor)


def validate_table(spec: RecordType[M], content: bytes, filename: str, *, actor: Actor,
                   track: Track = _no_progress,
                   read: Callable[[int], None] | None = None) -> list[tuple[int, M]]:
    """Every row parsed and checked (`full_clean`, and the model's unique fields within the
    file), with no transaction open; ImportFailed lists every bad row (audited)."""
    allowed, reason = spec.can_create(actor) if actor is not None else OK
    if not allowed:
        record(actor, spec.audit_name("import"), None, allowed=False, reason=reason)
        raise Refused(reason)
    table = read_table(content, filename, width=len(spec.columns))
    if read is not None:
        read(len(table.rows))
    mapping, look = _header(table.header, spec.columns), _Lookup(spec.model)
    planned, errors = [], []
    for number, raw in track(table.rows, "校验 validating"):
        obj, problems = _parse_row(number, raw, mapping, look, spec)
        planned.append((number, obj))
        errors += problems
    if not errors:
        errors = _same_in_file(spec, planned)
    if errors:
        _refuse(actor, spec, filename, errors, table)
    return planned


def _same_in_file(spec: RecordType[M], planned: list[tuple[int, M]]) -> list[RowError]:
    """Two rows of one file that the model's unique fields or constraints say are one record:
    refused before anything is written (full_clean only compares each row with the database)."""
    meta = spec.model._meta
    groups: list[tuple[str, ...]] = [(f.name,) for f in meta.local_fields
                                     if f.unique and not f.primary_key]
    groups += [tuple(g) for g in meta.unique_together]
    groups += [tuple(c.fields) for c in meta.total_unique_constraints]
    names = {c.name: c.zh for c in spec.columns}
    errors = []
    for fields in groups:
        attnames = [meta.get_field(f).attname for f in fields]  # type: ignore[union-attr]
        seen: dict[tuple[Any, ...], int] = {}
        for number, obj in planned:
            key = tuple(getattr(obj, a) for a in attnames)
            if any(v is None for v in key):
                continue
            if key in seen:
                errors.append(RowError(number, names.get(fields[0], fields[0]),
                                       f"与第{seen[key]}行重复：同一记录只能有一行"))
            seen.setdefault(key, number)
    return errors


def save_planned(spec: RecordType[M], planned: list[tuple[int, M]], filename: str, *,
                 actor: Actor, report: Callable[[int, int], None] | None = None) -> int:
    """Save the validated rows BATCH per transaction (the audit lock is held one batch at a
    time); the first batch failing imports nothing (ImportFailed), a later one raises
    PartlyWritten naming the last row written. Returns the number of records."""
    for i, start in enumerate(range(0, len(planned), BATCH)):
        chunk = planned[start:start + BATCH]
        try:
            _save_batch(spec, chunk, actor)
        except ImportFailed as exc:
            if i == 0:
                raise
            last_row = planned[start - 1][0]
            record(actor, spec.audit_name("import"), None, file=filename, rows=start,
                   partial=True, last_row_written=last_row, reason=str(exc))
            raise PartlyWritten(Outcome(start, created=start), i, last_row,
                                exc.errors[0].reason if exc.errors else str(exc)) from exc
        if report is not None:
            report(start + len(chunk), i + 1)
    record(actor, spec.audit_name("import"), None, file=filename, rows=len(planned))
    return len(planned)


def _save_batch(spec: RecordType[M], chunk: Sequence[tuple[int, M]], actor: Actor) -> None:
    number = 0  # the row being saved, for the report when it fails
    try:
        with transaction.atomic():
            if spec.save is not save_record:  # the type's own service, one record at a time
                for number, obj in chunk:  # noqa: B007 (number: the report on failure)
                    spec.save(actor, obj)
                return
            hold_lock()
            objs = [obj for _, obj in chunk]
            recorder = actor.pk if actor is not None and actor.is_authenticated else None
            for obj in objs:
                if hasattr(obj, "recorded_by_id") and recorder is not None:
                    obj.recorded_by_id = recorder
            number = chunk[0][0]
            spec.model._default_manager.bulk_create(objs)
            record_many(actor, [(f"{obj._meta.label_lower}.create", obj, model_to_dict(obj))
                                for obj in objs])
    except ValidationError as exc:
        raise ImportFailed(_row_errors(number, exc, spec)) from exc
    except IntegrityError as exc:
        raise ImportFailed([RowError(number, "", f"与已有记录冲突：{exc}")]) from exc
    except Refused as exc:
        raise ImportFailed([RowError(number, "", exc.reason)]) from exc


def _refuse(actor: Actor, spec: RecordType[Any], filename: str,
            errors: list[RowError], table: Any = None) -> None:
    failed = ImportFailed(errors)
    record(actor, spec.audit_name("import"), None, allowed=False,
           reason=f"{failed.bad_rows} 行有误，未导入任何数据", file=filename,
           errors=[str(e) for e in failed.errors[:200]])
    if table is not None:  # the rejected rows as read, for the .xlsx with the reasons
        bad = {e.row for e in failed.errors}
        failed.header = table.header
        failed.rows = {n: raw for n, raw in table.rows if n in bad}
    raise failed


# --- export ----------------------------------------------------------------------------------


def export_table(spec: RecordType[M], objects: Iterable[M]) -> bytes:
    """The records as .xlsx in the import format (plus the computed columns)."""
    rows = [[c.cell(obj) for c in spec.columns] for obj in objects]
    return write_table([c.zh for c in spec.columns], rows, spec.title)


def xlsx_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- pages -----------------------------------------------------------------------------------


def _urls(request: HttpRequest, spec: RecordType[Any]) -> dict[str, str]:
    ns = request.resolver_match.namespace if request.resolver_match else ""
    return {a: reverse(f"{ns}:{spec.slug}-{a}") for a in ("list", "create", "import", "export")}


def _detail_url(request: HttpRequest, spec: RecordType[Any], pk: Any) -> str:
    ns = request.resolver_match.namespace if request.resolver_match else ""
    return reverse(f"{ns}:{spec.slug}-detail", args=[pk])


class ImportForm(forms.Form):
    file = forms.FileField(label="文件（.xlsx 或 .csv）")


def list_page(request: HttpRequest, spec: RecordType[Any]) -> HttpResponse:
    allowed, reason = spec.can_view(request.user)
    if not allowed:
        return refused(request, reason, action=spec.audit_name("view"))
    q = request.GET.get("q", "").strip()
    page: Page[Any] = paginate(request, spec.queryset(q))
    listed = [spec.column(n) for n in spec.listed]
    rows = [(_detail_url(request, spec, o.pk), [c.cell(o) for c in listed]) for o in page]
    return render(request, "centres/list.html", {
        "spec": spec, "page": page, "rows": rows, "headers": [c.zh for c in listed], "q": q,
        "urls": _urls(request, spec), "can_create": spec.can_create(request.user)[0]})


def detail_page(request: HttpRequest, spec: RecordType[Any], pk: int) -> HttpResponse:
    # The permission is the record type's, checked before the look-up: a refusal reads the
    # same whether or not the record exists (docs/security.md).
    allowed, reason = spec.can_view(request.user)
    if not allowed:
        return refused(request, reason, action=spec.audit_name("view"), record=pk)
    obj = get_object_or_404(spec.model, pk=pk)
    fields = [(c.zh, c.cell(obj)) for c in spec.columns]
    return render(request, "centres/detail.html", {
        "spec": spec, "obj": obj, "fields": fields, "tables": spec.related(obj),
        "urls": _urls(request, spec)})


def create_page(request: HttpRequest, spec: RecordType[Any]) -> HttpResponse:
    allowed, reason = spec.can_create(request.user)
    if not allowed:
        return refused(request, reason, action=spec.audit_name("create"))
    form = spec.form(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            obj = spec.save(request.user, form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        except Refused as exc:
            form.add_error(None, exc.reason)
        else:
            return HttpResponseRedirect(_detail_url(request, spec, obj.pk))
    return render(request, "centres/form.html",
                  {"spec": spec, "form": form, "urls": _urls(request, spec)})


def import_page(request: HttpRequest, spec: RecordType[Any]) -> HttpResponse:
    allowed, reason = spec.can_create(request.user)
    if not allowed:
        return refused(request, reason, action=spec.audit_name("import"))
    too_large = oversized_upload(request.META.get("CONTENT_LENGTH"))
    if request.method == "POST" and too_large is not None:  # refused before the body is read
        return render(request, "centres/import.html", {
            "spec": spec, "form": ImportForm(), "urls": _urls(request, spec),
            "errors": too_large.errors, "bad_rows": too_large.bad_rows}, status=413)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"spec": spec, "form": form, "urls": _urls(request, spec)}
    status = 200
    if request.method == "POST" and form.is_valid():
        # The job (imports.jobs) runs the import; this answer is at once its page.
        from policyhub.imports import jobs, kinds  # imports.kinds registers this module's types

        ns = request.resolver_match.namespace if request.resolver_match else ""
        kind = kinds.get(f"centres.{ns.removeprefix('centres_')}.{spec.slug}")
        assert kind is not None, ns
        try:
            job = jobs.start(kind, form.cleaned_data["file"], request.user)
        except ImportFailed as exc:  # too large once stored
            context.update(errors=exc.errors, bad_rows=exc.bad_rows)
            status = 413
        else:
            return HttpResponseRedirect(reverse("imports:job", args=[job.pk]))
    return render(request, "centres/import.html", context, status=status)


def export_page(request: HttpRequest, spec: RecordType[Any]) -> HttpResponse:
    allowed, reason = spec.can_view(request.user)
    if not allowed:
        return refused(request, reason, action=spec.audit_name("export"))
    objects = spec.queryset(request.GET.get("q", "").strip())
    record(request.user, spec.audit_name("export"), None, rows=objects.count())
    return xlsx_response(export_table(spec, objects), f"{spec.slug}.xlsx")


View = Callable[..., HttpResponse]


def _bind(view: View, spec: RecordType[Any], *methods: str) -> Callable[..., HttpResponse]:
    def bound(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return view(request, spec, **kwargs)

    bound.__name__ = f"{spec.slug}_{view.__name__}"
    guarded = require_http_methods(list(methods))(bound) if methods else bound
    return login_required(guarded)


def urlpatterns(*specs: RecordType[Any]) -> list[URLPattern]:
    """list, detail, create, import and export pages of each type (login required)."""
    out = []
    for spec in specs:
        s = spec.slug
        out += [
            path(f"{s}/", _bind(list_page, spec), name=f"{s}-list"),
            path(f"{s}/<int:pk>/", _bind(detail_page, spec), name=f"{s}-detail"),
            path(f"{s}/new/", _bind(create_page, spec, "GET", "POST"), name=f"{s}-create"),
            path(f"{s}/import/", _bind(import_page, spec, "GET", "POST"), name=f"{s}-import"),
            path(f"{s}/export.xlsx", _bind(export_page, spec), name=f"{s}-export"),
        ]
    return out


# --- API -------------------------------------------------------------------------------------


class CentreRefusal(Schema):
    detail: str


def as_json(spec: RecordType[Any], obj: models.Model) -> dict[str, Any]:
    return {"id": obj.pk, **{c.name: c.json(obj) for c in spec.columns}}


def router_for(app: str, *specs: RecordType[Any]) -> Router:
    """GET /<slug> (list, ?q=) and /<slug>/{pk} for each type; session auth, the type's view
    permission (403 with the reason, audited)."""
    router = Router(auth=django_auth, tags=[f"centres.{app}"])
    for spec in specs:
        _endpoints(router, app, spec)
    return router


def _endpoints(router: Router, app: str, spec: RecordType[Any]) -> None:
    responses = {HTTP_FORBIDDEN: CentreRefusal}

    def refuse(request: HttpRequest, reason: str, obj: Any = None) -> Status[Any]:
        record(request.user, spec.audit_name("view"), obj, allowed=False, reason=reason)
        return Status(HTTP_FORBIDDEN, {"detail": reason})

    @router.get(f"/{spec.slug}", response={200: list[dict[str, Any]], **responses},
                operation_id=f"centres_{app}_{spec.slug}_list", summary=f"{spec.title}列表")
    def list_records(request: HttpRequest, q: str = "") -> Any:
        allowed, reason = spec.can_view(request.user)
        if not allowed:
            return refuse(request, reason)
        return [as_json(spec, o) for o in spec.queryset(q)]

    @router.get(f"/{spec.slug}/{{pk}}", response={200: dict[str, Any], **responses},
                operation_id=f"centres_{app}_{spec.slug}_detail", summary=f"{spec.title}详情")
    def record_detail(request: HttpRequest, pk: int) -> Any:
        allowed, reason = spec.can_view(request.user)  # before the look-up, as the page
        if not allowed:
            return refuse(request, reason)
        return as_json(spec, get_object_or_404(spec.model, pk=pk))


# --- indicators ------------------------------------------------------------------------------


def source(obj: models.Model) -> SourceRef:
    """The record an indicator counted, for the monitor's drill-down."""
    return SourceRef(str(obj), model=obj._meta.label_lower, pk=obj.pk)


def share(part: int, whole: int) -> Decimal:
    """part/whole as a percentage to two decimals (0 when there is no whole)."""
    if whole <= 0:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of `day` in the site's time zone (for 'as of' on datetime fields)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))
