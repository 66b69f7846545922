"""The applications list at 100,000 applications: server time of the page and the API.

A child process (Django set up there, not in the harness, as in bench_ledger) builds a
throwaway SQLite database at build/bench/applications.sqlite3: migrations, the registry demo
(1,000 organisations), four logins, then 100,000 applications written with bulk_create (not
through the workflow: this measures reading, and the rows only need to look like real ones —
states, clauses, parks and departments spread as in a few years of operation, each row with
a real engine decision snapshot of ~2–3 KB as `transition()` stores it).

It then times 200 requests through Django's test Client: REQUESTS to the list page
(/applications/) and as many to the API (/api/v1/applications/), cycling over filter and page
combinations for four roles (city-wide bureau officer, park officer, department reviewer,
applicant). The time is the whole request inside the server (middleware, session, query,
template or JSON), with no network. BENCH_APPLICATIONS_N and BENCH_APPLICATIONS_REQUESTS (per
surface) tune it.

Found on the first run: the city-wide list and deep pages take over a second at 100,000 rows,
because `Application.Meta.ordering` ("-created_at", "-id") has no index, so SQLite sorts every
visible row (wide ones: the decision snapshot is in the row) for each page; the slowest
combination row names it.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from bench.core import BUILD, Row, run_django_child

NAME = "bench_applications"
N = int(os.environ.get("BENCH_APPLICATIONS_N", "100000"))
REQUESTS = int(os.environ.get("BENCH_APPLICATIONS_REQUESTS", "100"))  # per surface
ORGANISATIONS = 1000
DB = BUILD / "bench" / "applications.sqlite3"
SEED = 2019
# A plausible spread of states after a few years (most applications end paid or refused).
STATES = {"draft": 8, "submitted": 8, "accepted": 8, "reviewed": 6, "notice": 4,
          "approved": 6, "paid": 35, "returned": 5, "refused": 12, "withdrawn": 5,
          "superseded": 3}
RULES = ("P2.construction", "P2.service_fees", "P4.milestone", "P4.leading_firm",
         "P6.standard", "P7.project", "P8.ipo", "P9.pk_demo")
# (login, filters): the API takes the park's code, the page its primary key (`park_pk`).
COMBINATIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("bureau_officer", {}),
    ("bureau_officer", {"state": "submitted"}),
    ("bureau_officer", {"clause": "二(七)", "state": "paid", "page": 5}),
    ("bureau_officer", {"park": "hitech", "state": "accepted"}),
    ("bureau_officer", {"page": 400}),
    ("park_officer", {"state": "submitted"}),
    ("department_reviewer", {"state": "accepted", "page": 3}),
    ("applicant", {}),
)


def run() -> list[Row]:
    return _rows(run_django_child("bench.bench_applications", DB, NAME))


def _rows(r: dict[str, Any]) -> list[Row]:
    n, k = r["applications"], r["requests"]
    rows = [Row(NAME, f"build {n:,} applications (bulk_create, SQLite)", r["build_s"], "s"),
            Row(NAME, "database size", r["db_mb"], "MB")]
    for surface, label in (("page", "list page /applications/"),
                           ("api", "API /api/v1/applications/")):
        s = r[surface]
        rows += [
            Row(NAME, f"{label} p95 ({k} requests, {len(COMBINATIONS)} filter/page "
                      f"combinations, {n:,} rows)", s["p95_ms"], "ms"),
            Row(NAME, f"{label} p50", s["p50_ms"], "ms"),
            Row(NAME, f"{label} max", s["max_ms"], "ms"),
            Row(NAME, f"{label} slowest combination p95: {s['slowest']}", s["slowest_ms"],
                "ms"),
        ]
    rows.append(Row(NAME, "responses other than 200", r["errors"], "", 0.0))
    return rows


# --- the child --------------------------------------------------------------------------------

def _child() -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # ALLOWED_HOSTS gets `testserver` for the test Client
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    logins = _build()
    build_s = time.perf_counter() - started
    result: dict[str, Any] = {"applications": N, "requests": REQUESTS, "build_s": build_s,
                              "db_mb": DB.stat().st_size / 1e6, "errors": 0}
    for surface in ("page", "api"):
        times, errors = _measure(surface, logins)
        result[surface] = _stats(times)
        result["errors"] += errors
    return result


def _build() -> dict[str, Any]:
    """The registry demo, four logins and N applications; returns username → user."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from policyhub.accounts.models import Role, RoleAssignment
    from policyhub.applications.models import Application
    from policyhub.demo.registry import load_demo
    from policyhub.registry.models import Organisation
    from policyhub.units.models import Unit

    load_demo(seed=SEED, n=ORGANISATIONS)
    units = {u.code: u for u in Unit.objects.all()}
    orgs = list(Organisation.objects.filter(park__isnull=False).order_by("pk"))
    mine = next(o for o in orgs if o.park_id == units["hitech"].pk)
    logins = {}
    for username, role, unit, org in (
            ("bureau_officer", Role.BUREAU_OFFICER, units["miit"], None),
            ("park_officer", Role.PARK_OFFICER, units["hitech"], None),
            ("department_reviewer", Role.DEPARTMENT_REVIEWER, units["miit"], None),
            ("applicant", Role.APPLICANT, None, mine)):
        user = User.objects.create(username=username)
        RoleAssignment.objects.create(user=user, role=role, unit=unit, organisation=org)
        logins[username] = user
    creator = logins["bureau_officer"]
    with transaction.atomic():
        batch: list[Application] = []
        for app in _applications(orgs, units, creator.pk, mine.pk):
            batch.append(app)
            if len(batch) == 5000:
                Application.objects.bulk_create(batch)
                batch = []
        Application.objects.bulk_create(batch)
    return logins


def _applications(orgs: list[Any], units: dict[str, Any], creator: int, mine: int
                  ) -> Iterator[Any]:
    import datetime as dt

    from policyhub.applications.config import reviewer_unit
    from policyhub.applications.models import Application
    from policyhub.engine import meta

    rng = random.Random(SEED)
    specs = [(r, meta.rule(r)) for r in RULES]
    departments = {r: units[reviewer_unit(spec.reference)].pk for r, spec in specs}
    snapshots = _snapshots(orgs[:40])
    states = list(STATES)
    weights = list(STATES.values())
    notice_start = dt.date(2022, 6, 6)
    for i in range(N):
        org = orgs[i % 37] if i % 500 == 0 else rng.choice(orgs)
        org_id = mine if i % 2000 == 0 else org.pk  # the applicant has ~50 of its own
        rule, spec = rng.choice(specs)
        state = rng.choices(states, weights)[0]
        amount = Decimal(rng.choice((50_000, 100_000, 300_000, 500_000, 1_000_000, 2_000_000,
                                     5_000_000)))
        snap = rng.choice(snapshots)
        yield Application(
            organisation_id=org_id, rule=rule, clause=spec.clause, reference=spec.reference,
            matter=f"bench-{i}", state=state, events=[], requested_amount=amount,
            entitled_amount=amount, ceiling=rule == "P7.project",
            approved_amount=amount if state in ("reviewed", "notice", "approved", "paid")
            else None,
            explanation=snap["explanation"], decision=snap, decided_as_of=notice_start,
            park_id=org.park_id, department_id=departments[rule],
            notice_starts_on=notice_start if state == "notice" else None,
            notice_ends_on=notice_start + dt.timedelta(days=7) if state == "notice" else None,
            created_by_id=creator)


def _snapshots(orgs: list[Any]) -> list[dict[str, Any]]:
    """Real decision snapshots (what transition() stores) from the registry's facts."""
    import datetime as dt

    from policyhub.applications.entitlement import organisation_request
    from policyhub.engine import evaluate

    out = []
    for org in orgs:
        decision = evaluate(organisation_request(org, [], dt.date(2022, 6, 30)))
        award = next(iter(decision["awards"]), None)
        if award is None:
            continue
        out.append({"as_of": decision["as_of"], "status": award["status"],
                    "amount": award["amount"], "cap": None, "ceiling": award["ceiling"],
                    "explanation": award["explanation"], "engine": decision})
    if not out:
        raise RuntimeError("no organisation of the registry demo has a granted award")
    return out


def _measure(surface: str, logins: dict[str, Any]) -> tuple[dict[str, list[float]], int]:
    """REQUESTS timed requests cycling over COMBINATIONS (after one warm-up round)."""
    from django.test import Client

    from policyhub.units.models import Unit

    hitech = Unit.objects.get(code="hitech").pk
    clients = {}
    for username, user in logins.items():
        client = Client()
        client.force_login(user)
        clients[username] = client
    path = "/applications/" if surface == "page" else "/api/v1/applications/"
    times: dict[str, list[float]] = {}
    errors = 0
    for i in range(len(COMBINATIONS) + REQUESTS):
        username, filters = COMBINATIONS[i % len(COMBINATIONS)]
        params = dict(filters)
        if surface == "page" and "park" in params:
            params["park"] = hitech
        started = time.perf_counter()
        response = clients[username].get(path, params)
        elapsed = time.perf_counter() - started
        if i < len(COMBINATIONS):
            continue  # warm-up: templates, caches, the first connection
        if response.status_code != 200:
            errors += 1
        label = f"{username} {json.dumps(filters, ensure_ascii=False)}"
        times.setdefault(label, []).append(elapsed * 1000)
    return times, errors


def _stats(times: dict[str, list[float]]) -> dict[str, Any]:
    every = sorted(t for ts in times.values() for t in ts)
    slowest = max(times, key=lambda label: _p95(times[label]))
    return {"p50_ms": statistics.median(every), "p95_ms": _p95(every), "max_ms": every[-1],
            "slowest": slowest, "slowest_ms": _p95(times[slowest])}


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


if __name__ == "__main__":
    print(json.dumps(_child()))
