"""The demo site (`policyhub manage load_demo`, docs/demo.md): a populated PolicyHub.

What it loads, in ONE transaction (all of it or nothing):

- the registry demo (`policyhub.demo.registry.load_demo`): ~300 organisations across
  Changsha's districts and parks with five years of figures, people, teams and events;
- one login per role (password `PASSWORD`), with Chinese display names: applicants for a few
  organisations, a park officer per park, a department reviewer per reviewing department,
  the industry bureau, the finance bureau, an auditor and the administrator (a superuser);
- money in the special fund (二(一)) for the budget years 2020–2022, the zone's share first and
  the city's matching it 1:1, well below the text's 200 million;
- applications in every workflow state, each moved only through `applications.services`
  (`apply`, `transition`, `record_committee_decision`, `confirm_proposal`) by the persona
  whose role the workflow table names, so their history, the audit trail and the ledger's
  commitments, payments and releases are the real ones;
- a 免申即享 screening run over the registry, one proposal confirmed and one dismissed.
- the action-plan monitor (`policyhub.demo.monitor`, `policyhub.demo.centres`): service-centre
  records for 2019–2021 and the quarterly reports of the reported targets, tuned so that on
  2021-12-31 some targets are met, some at risk and some behind, and a few reports are overdue.

The demo's clock. The fund's budget years are 2020–2022 and the policy ran until 2022-07-31,
so the demo happens then: each application is decided on its round's day (`on=`), approved on
the first working day after its public notice ends (`notice.yaml`'s calendar) and paid a week
later; notices published on `TODAY` (2022-07-04) are still open on the demo's today.

Deterministic for a seed; awards are drawn from what the engine grants on the registry's own
facts (no made-up amounts), except a few scenarios that bring their facts with the
application (就高不就低, 一事一议, a competition prize), as an applicant would.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from policyhub.appendonly import flush_allowed
from policyhub.applications import workflow
from policyhub.applications.models import Application, Proposal
from policyhub.audit.models import AuditEntry
from policyhub.audit.services import record, verify
from policyhub.demo import monitor
from policyhub.demo import registry as registry_demo
from policyhub.demo.accounts import PASSWORD, Login, create_users
from policyhub.demo.applications import (
    ROUNDS,
    SCENARIOS,
    Pool,
    Runner,
    clerk_scenarios,
    proposals,
    special_scenarios,
)
from policyhub.demo.ledger import contribute
from policyhub.ledger import services as ledger
from policyhub.ledger.models import JournalEntry
from policyhub.ledger.params import fund
from policyhub.registry.models import Organisation
from policyhub.units import seed as unit_seed
from policyhub.units.models import Unit

# The audit entry that marks a database holding the demo. Its name predates the demo app
# (it lived in web/) and stays: databases loaded before the move are recognised by it.
ACTION = "web.demo.load"
SEED = 2019
ORGANISATIONS = 300
APPLICANT_ORGANISATIONS = 4


# --- the whole load ---------------------------------------------------------------------------

class AlreadyLoaded(Exception):
    """The database holds the demo, or other data load_demo will not mix with."""


@dataclass(frozen=True)
class Summary:
    seed: int
    seconds: float
    registry: registry_demo.Loaded
    logins: tuple[Login, ...]
    states: dict[str, int]
    proposals: dict[str, int]
    screening: str
    fund: tuple[ledger.YearFigures, ...]
    scenarios: dict[str, int]
    skipped: tuple[str, ...]
    audit_entries: int
    monitor: str = ""


def has_demo() -> bool:
    return AuditEntry.objects.filter(action=ACTION).exists()


def existing_data() -> dict[str, int]:
    """What the database holds that load_demo would collide with (empty: nothing)."""
    counts = {"organisations": Organisation.objects.count(),
              "applications": Application.objects.count(),
              "ledger entries": JournalEntry.objects.count(),
              "users": User.objects.count(),
              "audit entries": AuditEntry.objects.count()}
    return {k: v for k, v in counts.items() if v}


def refusal() -> str | None:
    """Why load_demo will not load into this database, or None when it is empty."""
    if has_demo():
        entry = AuditEntry.objects.filter(action=ACTION).order_by("seq").last()
        when = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M") if entry else "?"
        return (f"the demo is already loaded (at {when}); nothing was changed. "
                "Run `load_demo --reset` to flush the database and load it again.")
    data = existing_data()
    if data:
        held = ", ".join(f"{n} {what}" for what, n in data.items())
        return (f"the database already holds data that is not the demo ({held}); nothing was "
                "changed. load_demo only loads into an empty database.")
    return None


def reset_refusal() -> str | None:
    """--reset flushes only a database that holds the demo, or nothing at all."""
    if has_demo() or not existing_data():
        return None
    return (f"refusing to flush: the database holds data that load_demo did not load "
            f"({', '.join(f'{n} {w}' for w, n in existing_data().items())}). "
            "Flush it yourself (`manage.py flush`) if you really mean to delete it.")


def flush() -> None:
    """Empty every table (Django's flush: the audit trail and the ledger go too, so the
    fresh chain verifies), then put back the units the migrations seed. The append-only
    tables' triggers refuse a flush (policyhub.appendonly); this one is allowed because
    load_demo only resets a database holding nothing but the demo (_refusal)."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # PostgreSQL refuses TRUNCATE while deferred FK checks of this transaction are
        # pending ("pending trigger events"); run them now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with flush_allowed(connection):
        call_command("flush", interactive=False, verbosity=0, database=DEFAULT_DB_ALIAS)
    seed_units()


def seed_units() -> None:
    """The units' data migration (units/0002), idempotent."""
    for row in unit_seed.rows():
        Unit.objects.update_or_create(code=row["code"], defaults=row)


def load(seed: int = SEED, organisations: int = ORGANISATIONS, *, reset: bool = False
         ) -> Summary:
    """Load the demo, in one transaction; AlreadyLoaded when the database is not empty
    (or, with `reset`, holds data that is not the demo)."""
    started = time.perf_counter()
    with transaction.atomic():
        if reset:
            why = reset_refusal()
            if why:
                raise AlreadyLoaded(why)
            flush()
        why = refusal()
        if why:
            raise AlreadyLoaded(why)
        seed_units()
        summary = _load(seed, organisations, started)
    return summary


def _load(seed: int, n: int, started: float) -> Summary:
    rng = random.Random(seed)
    loaded = registry_demo.load_demo(seed=seed, n=n)
    orgs = list(Organisation.objects.filter(park__isnull=False).select_related("park")
                .order_by("pk"))
    used: set[tuple[int, str]] = set()
    pools = {year: Pool(rng, orgs, day, used) for year, day in ROUNDS.items()}
    applicant_orgs = _applicant_organisations(orgs, pools[2022])
    users = create_users(applicant_orgs)
    contribute(users.get("finance_officer"))

    run = Runner(rng, users)
    mine = {o.pk for o in applicant_orgs}
    for s in SCENARIOS:
        run.scenario(s, pools[s.day.year], mine)
    special_scenarios(run, pools[2022], applicant_orgs)
    clerk_scenarios(run, applicant_orgs[0])
    screened = proposals(run, applicant_orgs)
    plan_reports = monitor.load(seed, PASSWORD)

    states = dict(Counter(Application.objects.values_list("state", flat=True)))
    statuses = dict(Counter(Proposal.objects.values_list("status", flat=True)))
    record(None, ACTION, None, seed=seed, organisations=n, states=states, proposals=statuses,
           logins=[login.username for login in users.logins],
           skipped=run.outcome.skipped)
    return Summary(
        seed=seed, seconds=time.perf_counter() - started, registry=loaded,
        logins=tuple(users.logins),
        states={s.code: states.get(s.code, 0) for s in workflow.STATES},
        proposals=statuses, screening=screened.line(),
        fund=tuple(ledger.figures(y) for y in fund().budget_years),
        scenarios=dict(run.outcome.scenarios), skipped=tuple(run.outcome.skipped),
        audit_entries=AuditEntry.objects.count(), monitor=plan_reports.line())


def _applicant_organisations(orgs: Sequence[Organisation], pool: Pool) -> list[Organisation]:
    """The enterprises with the most granted awards get their own applicant logins; the
    first (`applicant`) is in 长沙高新区, whose officer is `park_officer` (as in the tests'
    personas)."""
    enterprises = [o for o in orgs if o.kind == Organisation.Kind.ENTERPRISE]
    ranked = sorted(enterprises, key=lambda o: (-pool.counts[o.pk], o.pk))
    first = next((o for o in ranked if o.park is not None and o.park.code == "hitech"), None)
    if first is not None:
        ranked.remove(first)
        ranked.insert(0, first)
    return ranked[:APPLICANT_ORGANISATIONS]


# --- reporting --------------------------------------------------------------------------------

def logins_text(logins: Sequence[Login]) -> str:
    width = max(len(login.username) for login in logins)
    lines = [f"Demo logins (password for all: {PASSWORD}):"]
    for login in logins:
        extra = "，超级用户 /admin/" if login.superuser else ""
        lines.append(f"  {login.username:<{width}}  {login.name}  {login.role_label}"
                     f"（{login.scope}{extra}）")
    return "\n".join(lines)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def summary_text(s: Summary) -> str:
    r = s.registry
    lines = [
        f"Demo loaded in {s.seconds:.1f} s (seed {s.seed}): {r.organisations} organisations, "
        f"{r.figures} yearly figures, {r.people} people, {r.teams} teams, "
        f"{sum(r.events.values())} registry events.",
        "",
        "Applications by state:",
    ]
    for st in workflow.STATES:
        lines.append(f"  {st.code:<11} {st.zh:<6} {s.states.get(st.code, 0):>4}")
    lines.append(f"  {'total':<11} {'':<6} {sum(s.states.values()):>4}")
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(s.proposals.items()))
    lines += ["", f"免申即享 proposals: {statuses} ({s.screening})", "",
              "Special fund 二(一) per budget year (yuan):",
              f"  {'year':<6}{'budget':>17}{'committed':>17}{'paid':>17}{'available':>17}"]
    for f in s.fund:
        lines.append(f"  {f.year:<6}{_yuan(f.budget):>17}{_yuan(f.committed):>17}"
                     f"{_yuan(f.paid):>17}{_yuan(f.available):>17}")
    if s.monitor:
        lines += ["", s.monitor]
    lines += ["", f"Audit trail: {s.audit_entries} entries, chain "
              f"{'verified' if verify().ok else 'BROKEN'}."]
    if s.skipped:
        lines += ["", "Scenarios skipped (the engine or the workflow refused them):"]
        lines += [f"  - {why}" for why in s.skipped]
    lines += ["", logins_text(s.logins)]
    return "\n".join(lines)
