"""The fund outlook section of the 专项资金 page: the projection (policyhub.outlook) as a fan
chart and a table, cached until the registry or the books change."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max

from policyhub import clock, policytext
from policyhub.ledger import reports
from policyhub.ledger.params import fund
from policyhub.outlook import history, model, prepare, report
from policyhub.registry.models import RegistryEvent, YearlyFigure
from policyhub.simulate.scenario import SCENARIO_DIR, Scenario, ScenarioError, parameters_for
from policyhub.simulate.scenario import load as load_scenario

PATHS = 10_000
SEED = 2019
CACHE_SECONDS = 600


def _key(as_of: dt.date, approved: int) -> str:
    figures = YearlyFigure.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    events = RegistryEvent.objects.aggregate(n=Count("id"), last=Max("id"))
    text = (f"{history.base_year(as_of)}:{approved}:{figures['n']}:"
            f"{figures['at']}:{events['n']}:{events['last']}:{PATHS}:{SEED}")
    return "ledger-outlook-" + hashlib.sha256(text.encode()).hexdigest()


def _label(clause: str) -> str:
    """二(四) -> "二(四)支持骨干企业培育和引进": short enough for a phone, and the policy
    text's own heading (the page's other tables give the full citation)."""
    head, paren, tail = clause.partition("(")
    if not paren:
        return clause
    try:
        found = policytext.clause(f"政策/{head}/{paren}{tail}")
    except KeyError:
        return clause
    return head + found.heading


def scenarios() -> dict[str, Scenario]:
    """The reform scenarios kept beside the law (simulate/scenarios/*.yaml) by file stem;
    a file that does not load is left out (`policyhub simulate` reports its error)."""
    out: dict[str, Scenario] = {}
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        try:
            out[path.stem] = load_scenario(path)
        except ScenarioError:
            continue
    return out


def context(as_of: dt.date | None = None, scenario: str = "") -> dict[str, Any]:
    """What the template needs: rows, clause table, chart series (yuan strings); with a
    scenario's file stem, the scenario's projection beside the law's."""
    as_of = as_of or clock.today()
    base = history.base_year(as_of)
    known = scenarios()
    choices = [(key, s.name) for key, s in known.items()]
    chosen = known.get(scenario)
    unknown = bool(scenario) and chosen is None
    if not any(y > base for y in fund().budget_years):
        return {"years": [], "base_year": base, "choices": choices}
    # The key is a few aggregates: a cached projection costs no read of the registry.
    key = _key(as_of, history.fen(reports.by_year()[-1].approved))
    if chosen is not None:
        key += "-" + hashlib.sha256(repr(chosen).encode()).hexdigest()
    found = cache.get(key)
    if found is not None:
        return {**found, "choices": choices, "unknown": unknown}
    h = history.load(as_of)
    outlook = model.simulate(prepare.prepare(h), PATHS, SEED)
    out = _section(outlook, h.base_year)
    if chosen is not None:
        h.options = chosen.options
        other = model.simulate(prepare.prepare(h, parameters_for(chosen)), PATHS, SEED)
        other_rows = report.rows(other)
        out["scenario"] = {"key": scenario, "name": chosen.name, "note": chosen.note,
                           "rows": list(zip(out["years"], other_rows, strict=True))}
        out["chart"]["scenario_mean"] = [str(r.cumulative_mean) for r in other_rows]
        out["chart"]["scenario_name"] = chosen.name
    cache.set(key, out, CACHE_SECONDS)
    return {**out, "choices": choices, "unknown": unknown}


def _section(outlook: model.Outlook, base_year: int) -> dict[str, Any]:
    rows = report.rows(outlook)
    remaining = report.yuan(outlook.remaining)
    return {
        "years": rows, "base_year": base_year, "paths": f"{PATHS:,}",
        "budget": report.yuan(outlook.budget), "approved": report.yuan(outlook.approved),
        "remaining": remaining,
        "clauses": [(_label(c), values)
                    for c, values in report.by_clause(outlook)],
        "chart": {
            "years": [str(r.year) for r in rows],
            "p5": [str(r.cumulative_p5) for r in rows],
            "mean": [str(r.cumulative_mean) for r in rows],
            "p25": [str(r.cumulative_p25) for r in rows],
            "p75": [str(r.cumulative_p75) for r in rows],
            "p95": [str(r.cumulative_p95) for r in rows],
            "remaining": [str(remaining)] * len(rows),
            "depletion": [round(r.depletion * 100, 1) for r in rows],
        },
    }
