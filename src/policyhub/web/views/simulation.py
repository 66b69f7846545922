"""政策模拟 for the industry bureau: what a change to the policy's parameters would cost, and
who would gain or lose, on the registry as it stands (docs/simulation.md).

A scenario comes from an uploaded YAML file, one of the example scenarios, or the form's
few common parameters; it is validated as `policyhub simulate` validates a file. The
registry is decided under the law and under the scenario inline (a demo-size registry takes
well under two seconds) and shown as totals, breakdowns, two ECharts charts and the list of
applicants who gain or lose; the same run downloads as .xlsx. Nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policyhub import clock
from policyhub.engine import meta
from policyhub.engine.params import law
from policyhub.engine.request import OPTIONS
from policyhub.simulate.run import DIMENSIONS, Report, Simulation, clause_name, yuan
from policyhub.simulate.scenario import SCENARIO_DIR, Scenario, ScenarioError, load, loads, parse
from policyhub.simulate.workbook import DIMENSION_NAMES, change_rows, option_text, workbook
from policyhub.web import access
from policyhub.web.refusals import refused

REFUSAL = "政策模拟由市工业和信息化局经办人使用。"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN = 50  # gainers and losers listed on the page (the workbook has more)
MAX_UPLOAD = 64 * 1024


@dataclass(frozen=True)
class Field:
    """A common parameter on the form: its input name, label and parameter path."""

    name: str
    label: str
    path: str

    def current(self) -> Decimal:
        name, _, rest = self.path.partition("[")
        node: Any = law()[name.split(".")[0] + "." + name.split(".")[1]].values[-1]
        if rest:
            index, _, key = rest.partition("].")
            node = node[int(index)][key]
        assert isinstance(node, Decimal)
        return node


def _fields() -> list[Field]:
    steps = law()["p4_enterprises.milestones"].values[-1]
    out = [Field(f"milestone_{i}",
                 f"二(四) 上台阶奖励：主营业务收入首次突破{yuan(int(s['threshold'] * 100)):,.0f}元",
                 f"p4_enterprises.milestones[{i}].amount") for i, s in enumerate(steps)]
    for name, path in (("project_cap", "p7_projects.project_cap"),
                       ("project_rate", "p7_projects.project_rate"),
                       ("construction_cap", "p2_platforms.construction_cap"),
                       ("leading_firm_cap", "p4_enterprises.leading_firm_cap")):
        p = law()[path]
        unit = "（比例，如 0.10）" if p.unit == "rate" else "（元）"
        out.append(Field(name, f"{p.reference.split('/')[1]}{p.reference.split('/')[2][:3]} "
                         f"{p.description}{unit}", path))
    return out


def _guard(request: HttpRequest) -> HttpResponse | None:
    if access.is_bureau_officer(request.user):
        return None
    return refused(request, REFUSAL, action="simulate.view")


def _examples() -> dict[str, Scenario]:
    return {path.stem: load(path) for path in sorted(SCENARIO_DIR.glob("*.yaml"))}


def _option_choices() -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [(key, meta.option_name(key, values[0])[0],
             [(v, meta.option_name(key, v)[1]) for v in values]) for key, values in OPTIONS.items()]


class FormError(ValueError):
    pass


def _from_form(post: Any, fields: list[Field]) -> Scenario:
    changes = []
    for f in fields:
        raw = (post.get(f.name) or "").replace(",", "").strip()
        if not raw:
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise FormError(f"{f.label}：请填写数值") from None
        if value != f.current():
            changes.append({"parameter": f.path, "value": raw})
    tree = {"name": (post.get("name") or "").strip() or "页面方案",
            "author": (post.get("author") or "").strip() or None,
            "date": clock.today(), "note": (post.get("note") or "").strip() or None,
            "options": {k: post.get(k) for k in OPTIONS if post.get(k)}, "changes": changes}
    try:
        return parse({k: v for k, v in tree.items() if v is not None})
    except ScenarioError as err:
        label = next((f.label for i, f in enumerate(fields)
                      if err.field.startswith(f"changes[{_index(changes, f.path)}]")), "")
        raise FormError(f"{label or err.field}：{_chinese(err)}") from None


def _index(changes: list[dict[str, str]], path: str) -> int:
    return next((i for i, c in enumerate(changes) if c["parameter"] == path), -1)


def _chinese(err: ScenarioError) -> str:
    """The Chinese half of a ScenarioError ("场景文件错误 field：说明 / scenario error …")."""
    text = str(err).split(" / ")[0]
    return text.split("：", 1)[1] if "：" in text else text


def _scenario(request: HttpRequest, fields: list[Field]) -> Scenario:
    source = request.POST.get("source", "form")
    if source == "upload":
        upload = request.FILES.get("scenario_file")
        if upload is None:
            raise FormError("请选择要上传的方案文件（YAML）")
        if upload.size is not None and upload.size > MAX_UPLOAD:
            raise FormError("方案文件过大（不超过 64 KB）")
        try:
            return loads(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise FormError("方案文件应为 UTF-8 编码的 YAML") from None
        except ScenarioError as err:
            raise FormError(f"方案文件 {err.field}：{_chinese(err)}") from None
    if source.startswith("example:"):
        found = _examples().get(source.removeprefix("example:"))
        if found is None:
            raise FormError("请选择示例方案")
        return found
    return _from_form(request.POST, fields)


@login_required
def simulation_page(request: HttpRequest) -> HttpResponse:
    if (no := _guard(request)) is not None:
        return no
    fields = _fields()
    context: dict[str, Any] = {
        "fields": [(f, request.POST.get(f.name) or format(f.current(), "f")) for f in fields],
        "options": _option_choices(), "examples": _examples(), "chosen_options": {
            k: request.POST.get(k) or v[0] for k, v in OPTIONS.items()},
        "as_of": request.POST.get("as_of") or clock.today().isoformat(),
        "source": request.POST.get("source", "form"), "post": request.POST}
    if request.method != "POST":
        return render(request, "web/simulation/index.html", context)
    try:
        as_of = dt.date.fromisoformat(request.POST.get("as_of") or "")
    except ValueError:
        context["error"] = "测算基准日：请填写日期（年-月-日）"
        return render(request, "web/simulation/index.html", context, status=400)
    try:
        scenario = _scenario(request, fields)
    except FormError as err:
        context["error"] = str(err)
        return render(request, "web/simulation/index.html", context, status=400)
    from policyhub.simulate.registry import registry_frame

    report = Simulation(scenario, as_of).run([registry_frame(as_of)])
    if request.POST.get("download"):
        response = HttpResponse(workbook(report), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="simulation-{as_of.isoformat()}.xlsx"')
        return response
    context.update(_result(report))
    return render(request, "web/simulation/index.html", context)


def _result(report: Report) -> dict[str, Any]:
    s = report.scenario
    tables = [(DIMENSION_NAMES[dim], [
        {"key": clause_name(key) if dim == "clause" else key, "base": yuan(c.base_fen),
         "base_count": c.base_count, "scenario": yuan(c.scen_fen), "scen_count": c.scen_count,
         "diff": yuan(c.diff_fen)} for key, c in report.rows(dim)])
        for dim in DIMENSIONS]
    changed = [{"name": c.name or c.applicant_id, "district": c.district, "park": c.park,
                "base": yuan(c.base_fen), "scenario": yuan(c.scen_fen), "diff": yuan(c.diff_fen),
                "base_texts": c.base, "scenario_texts": c.scenario}
               for c in report.changed[:SHOWN]]
    clauses = report.rows("clause")
    chart = {"clauses": [k for k, _ in clauses],
             "base": [str(yuan(c.base_fen)) for _, c in clauses],
             "scenario": [str(yuan(c.scen_fen)) for _, c in clauses],
             **_histogram(report)}
    return {"report": report, "scenario": s, "options_text": option_text(s.options),
            "changes": change_rows(s.changes), "tables": tables, "chart": chart,
            "changed": changed, "diff_yuan": yuan(report.diff_fen),
            "base_yuan": yuan(report.base_fen), "scen_yuan": yuan(report.scen_fen)}


def _histogram(report: Report, bins: int = 10) -> dict[str, list[Any]]:
    """The distribution of the changes (gains above 0, losses below), in 万元 bins."""
    diffs = report.all_diffs()
    if len(diffs) == 0:
        return {"bins": [], "counts": []}
    wan = diffs.astype(np.float64) / 1_000_000  # fen -> 万元, for the chart's axis only
    counts, edges = np.histogram(wan, bins=min(bins, max(1, len(np.unique(wan)))))
    labels = [f"{a:,.1f}～{b:,.1f}" for a, b in itertools.pairwise(edges)]
    return {"bins": labels, "counts": [int(c) for c in counts]}
