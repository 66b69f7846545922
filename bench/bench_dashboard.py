"""The leaders' dashboard (/dashboard/): server time with the demo data ×1, ×10 and ×100.

A child process (Django set up there, as in bench_applications) builds a throwaway SQLite
database at build/bench/dashboard.sqlite3 and grows it in steps. One "demo unit" is what the
demo holds (docs/demo.md): the registry demo of 300 organisations with five years of figures,
people, teams and events (demo.registry.load_demo), plus — bulk-created, since the centres
have no demo and the workflow would take hours at ×100 — 150 adaptation tests spread over
2019-07…2022-06, 60 applications in a plausible spread of states (a third paid) and, in the
fund's ledger, a commitment for each approved or paid one and a payment for each paid one.

After each step it times REQUESTS requests of the dashboard (after WARMUP untimed ones; fewer,
but at least MIN_REQUESTS, when they take more than BUDGET_S seconds together)
through Django's test Client as an auditor: the whole request inside the server (middleware,
session, the progress report of every target, the five chart/table series, the template),
no network. Nothing is cached between requests: every request computes the page, reading
the registry's figures from plan.rollup (rebuilt by the first request after the data
changed; that rebuild is timed on its own). BENCH_DASHBOARD_SCALES ("1,10,100") and
BENCH_DASHBOARD_REQUESTS tune it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import time
from decimal import Decimal
from typing import Any

from bench.core import BUILD, Row, run_django_child

NAME = "bench_dashboard"
SCALES = tuple(int(s) for s in os.environ.get("BENCH_DASHBOARD_SCALES", "1,10,100").split(","))
REQUESTS = int(os.environ.get("BENCH_DASHBOARD_REQUESTS", "50"))
BUDGET_S = float(os.environ.get("BENCH_DASHBOARD_BUDGET_S", "150"))  # per scale, at least
MIN_REQUESTS = 8  # … this many requests are timed even when they take longer
WARMUP = 2
SECTION_RUNS = 5
ORGANISATIONS = 300  # one demo unit: the registry demo's size (demo.loader.ORGANISATIONS)
ADAPTATIONS = 150
APPLICATIONS = 60
CONTRIBUTION = Decimal("10000000.00")  # per source, budget year and demo unit
DB = BUILD / "bench" / "dashboard.sqlite3"
SEED = 2019
P95_TARGET_MS = 200.0  # at ×100 (30,000 organisations): server time, issue 15
URLCONF = "tests.plan.test_dashboard_urls"  # /dashboard/ even before config/urls.py has it
STATES = {"submitted": 6, "accepted": 6, "reviewed": 4, "notice": 3, "approved": 5,
          "paid": 20, "returned": 4, "refused": 8, "withdrawn": 4}


def run() -> list[Row]:
    return rows(run_django_child("bench.bench_dashboard", DB, NAME))


def rows(results: list[dict[str, Any]]) -> list[Row]:
    out: list[Row] = []
    first = results[0]
    for r in results:
        k = r["scale"]
        what = f"×{k} ({r['organisations']:,} organisations, {r['figures']:,} figures)"
        target = P95_TARGET_MS if k == max(SCALES) else None
        out += [Row(NAME, f"build to {what}", r["build_s"], "s"),
                Row(NAME, f"dashboard p95 {what}, {r['requests']} requests, each computed",
                    r["p95_ms"], "ms",
                    target),
                Row(NAME, f"dashboard p50 ×{k}", r["p50_ms"], "ms"),
                Row(NAME, f"dashboard first request ×{k} (rollups rebuilt after loading)",
                    r["cold_ms"], "ms"),
                Row(NAME, f"queries per request ×{k}", r["queries"], "")]
        out += [Row(NAME, f"section {name} ×{k} ({queries} queries), median of {SECTION_RUNS}",
                    ms, "ms") for name, (ms, queries) in r["sections"].items()]
        if r is not first:
            out.append(Row(NAME, f"growth: p95 ×{k} / p95 ×{first['scale']} "
                                 f"(data ×{k // first['scale']})",
                           r["p95_ms"] / first["p95_ms"], "×"))
    out.append(Row(NAME, "responses other than 200", sum(r["errors"] for r in results), "",
                   0.0))
    return out


# --- the child --------------------------------------------------------------------------------


def _child() -> list[dict[str, Any]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    # Not setup_test_environment(): it makes every template render send a signal the test
    # Client stores a copy of the context for — test-only cost, ~30 template renders a page.
    call_command("migrate", verbosity=0)
    auditor = _auditor()
    results, loaded = [], 0
    for scale in sorted(SCALES):
        started = time.perf_counter()
        for unit in range(loaded, scale):
            _demo_unit(unit)
        loaded = scale
        build_s = time.perf_counter() - started
        with override_settings(ROOT_URLCONF=URLCONF, ALLOWED_HOSTS=["testserver"]):
            result = _measure(auditor)
        results.append({"scale": scale, "build_s": build_s, **_sizes(), **result,
                        "sections": _sections()})
    return results


def _auditor() -> Any:
    from django.contrib.auth.models import User

    from policyhub.accounts.models import Role, RoleAssignment

    user = User.objects.create(username="auditor")
    RoleAssignment.objects.create(user=user, role=Role.AUDITOR)
    return user


def _sizes() -> dict[str, int]:
    from policyhub.registry.models import Organisation, YearlyFigure

    return {"organisations": Organisation.objects.count(),
            "figures": YearlyFigure.objects.count()}


def _demo_unit(unit: int) -> None:
    """One more demo's worth of records (seed varies per unit, so rows differ)."""
    from django.db import transaction

    from policyhub.demo.registry import load_demo

    load_demo(seed=SEED + unit, n=ORGANISATIONS)
    rng = random.Random(SEED + unit)
    with transaction.atomic():
        _adaptations(rng, unit)
        _applications_and_fund(rng, unit)


def _adaptations(rng: random.Random, unit: int) -> None:
    from policyhub.centres.adaptation.models import Adaptation, Category, Cpu, KylinOS, Result

    start, days = dt.date(2019, 7, 1), (dt.date(2022, 6, 30) - dt.date(2019, 7, 1)).days
    batch = []
    for i in range(ADAPTATIONS):
        passed = rng.random() < 0.85
        batch.append(Adaptation(
            product=f"产品{unit}-{i}", vendor=f"长沙厂商{i % 40}", version=f"{1 + i % 5}.0",
            category=rng.choice(Category.values), cpu=rng.choice(Cpu.values),
            os=rng.choice(KylinOS.values),
            result=Result.PASSED if passed else Result.FAILED,
            certificate=f"PK-{unit}-{i:05d}" if passed else "",
            tested_on=start + dt.timedelta(days=rng.randrange(days + 1))))
    Adaptation.objects.bulk_create(batch)


def _applications_and_fund(rng: random.Random, unit: int) -> None:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from policyhub.applications.models import Application
    from policyhub.ledger.models import Account, Commitment, JournalEntry, Posting
    from policyhub.ledger.params import fund
    from policyhub.ledger.services import ensure_accounts
    from policyhub.registry.models import Organisation
    from policyhub.units.models import Unit

    ensure_accounts()
    accounts = {(a.year, a.kind): a for a in Account.objects.all()}
    years = list(fund().budget_years)
    creator = User.objects.get(username="auditor")
    miit = Unit.objects.get(code="miit")
    orgs = list(Organisation.objects.filter(kind="enterprise").order_by("-pk")[:ORGANISATIONS])
    states, weights = list(STATES), list(STATES.values())
    apps = [Application(
        organisation=org, rule="P7.project", clause="二(七)", reference="政策/二/(七)",
        matter=f"bench-{unit}-{i}", state=rng.choices(states, weights)[0], department=miit,
        park_id=org.park_id, created_by=creator,
        requested_amount=Decimal(rng.choice((100_000, 300_000, 500_000, 1_000_000))))
        for i, org in enumerate(rng.sample(orgs, min(APPLICATIONS, len(orgs))))]
    for a in apps:
        a.approved_amount = a.requested_amount if a.state in ("approved", "paid") else None
    apps = Application.objects.bulk_create(apps)
    for year in years:  # each source's share of one year's pool
        for source in (Account.Kind.CITY, Account.Kind.ZONE):
            _entry(JournalEntry.Kind.CONTRIBUTION, None, year, CONTRIBUTION, accounts,
                   (Account.Kind.POOL, source), Posting)
    now = timezone.now()
    for a in apps:
        org = a.organisation
        if a.approved_amount is None or org is None:
            continue
        year = rng.choice(years)
        c = Commitment.objects.bulk_create([Commitment(
            award_key=f"award-{a.pk}", year=year, clause="政策/二/(七)", department=miit,
            district=org.district, payee=org.name, at=now)])[0]
        _entry(JournalEntry.Kind.COMMITMENT, c, year, a.approved_amount, accounts,
               (Account.Kind.COMMITMENTS, Account.Kind.POOL), Posting)
        if a.state == "paid":
            _entry(JournalEntry.Kind.PAYMENT, c, year, a.approved_amount, accounts,
                   (Account.Kind.PAID, Account.Kind.COMMITMENTS), Posting)


def _entry(kind: str, commitment: Any, year: int, amount: Decimal,
           accounts: dict[tuple[int, str], Any], debit_credit: tuple[str, str],
           posting: Any) -> None:
    from django.utils import timezone

    from policyhub.ledger.models import JournalEntry

    entry = JournalEntry.objects.bulk_create([JournalEntry(
        at=timezone.now(), kind=kind, year=year,
        award_key=commitment.award_key if commitment is not None else "",
        commitment=commitment)])[0]
    debit, credit = debit_credit
    posting.objects.bulk_create([
        posting(entry=entry, account=accounts[year, debit], amount=amount),
        posting(entry=entry, account=accounts[year, credit], amount=-amount)])


def _measure(auditor: Any) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(auditor)
    times: list[float] = []
    errors = 0
    cold = time.perf_counter()
    client.get("/dashboard/")  # the registry changed: rebuilds plan.rollup first
    cold_ms = (time.perf_counter() - cold) * 1000
    for _ in range(WARMUP - 1):
        client.get("/dashboard/")
    began = time.perf_counter()
    while len(times) < REQUESTS and (len(times) < MIN_REQUESTS
                                     or time.perf_counter() - began < BUDGET_S):
        started = time.perf_counter()
        response = client.get("/dashboard/")
        times.append((time.perf_counter() - started) * 1000)
        errors += response.status_code != 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/dashboard/")
    return {"requests": len(times), "p95_ms": _p95(times), "p50_ms": statistics.median(times),
            "cold_ms": cold_ms,
            "queries": len(queries.captured_queries), "errors": errors}


def _sections() -> dict[str, tuple[float, int]]:
    """Each part of dashboard.build timed as the page runs it (inside its sharing() block;
    median ms, query count), and the rebuild of plan.rollup that the first read after a
    registry change pays (or the writer, for a save through Django in a transaction)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from policyhub.plan import dashboard, rollup
    from policyhub.plan import registry_indicators as ri
    from policyhub.plan.progress import progress_report

    as_of = timezone.localdate()
    ends = [dashboard.year_end(y)
            for y in range(dashboard.FIRST_YEAR, ri.closed_year(as_of) + 1)]
    dates = tuple(sorted({as_of, *ends}))
    parts: dict[str, Any] = {
        "progress_report (every target)": lambda: progress_report(as_of, with_sources=False),
        "revenue_series": lambda: dashboard.revenue_series(as_of),
        "adaptation_series": lambda: dashboard.adaptation_series(as_of),
        "fund_series": dashboard.fund_series,
        "area_sums": lambda: dashboard.area_sums(as_of),
    }
    times: dict[str, list[float]] = {name: [] for name in parts}
    counts: dict[str, int] = {}
    for _ in range(SECTION_RUNS):
        with ri.sharing(dates):
            for name, fn in parts.items():
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    fn()
                    times[name].append((time.perf_counter() - started) * 1000)
                counts[name] = len(queries.captured_queries)
    out = {name: (statistics.median(times[name]), counts[name]) for name in parts}
    rebuilds: list[float] = []
    n_queries = 0
    for _ in range(SECTION_RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            rollup.refresh()
            rebuilds.append((time.perf_counter() - started) * 1000)
        n_queries = len(captured.captured_queries)
    out["plan.rollup rebuild (once after a registry change)"] = (
        statistics.median(rebuilds), n_queries)
    return out


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


if __name__ == "__main__":
    print(json.dumps(_child()))
