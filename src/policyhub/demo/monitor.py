"""The action-plan monitor's demo (docs/demo.md, "The action-plan monitor"): a believable
picture of 《三年行动计划》 (2019—2021) as of 2021-12-31, some targets met and some behind.

Called by `policyhub.demo.loader._load` inside its transaction, after the registry and the
applications demo. Every record goes through its app's own service, so the audit trail is the
real one:

- the service centres (`centres.*`), 2019—2021, each saved by its `RecordType.save` (validated,
  audited) as the unit the centre's permissions name: PK adaptations (飞腾 CPU × 麒麟 OS, most
  passing), the networked demo environment, evaluation orders, training sessions, incidents
  (GB/T 20986) with their notifications and drills with their participants, terminal
  replacement and application migration per unit, the summit and the 长城杯 competition —
  its prizes through `events.services.record_prize`, so each is a registry
  `competition_prize` event as well;
- the quarterly reports (`plan.services.submit_report`) of every reported target by a staff
  member of its lead unit, a few quarters left unreported so `policyhub manage remind` has
  overdue units to name.

The registry demo's organisations are dated into 2017—2019 (`backdate_registry`): the plan's
registry indicators count an organisation from the day it entered the registry, and a demo
loaded today would otherwise count none of them on 2021-12-31.

Deterministic for a seed (one random stream per part, so the centres do not change with the
registry's size). The sizes (`TUNING`) are chosen so that on 2021-12-31 the adaptations and
the evaluation services are met, software packages, trained deployers and migrated systems
are at risk, and terminals replaced and person-times trained are behind.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from policyhub.accounts.models import Role
from policyhub.demo.centres import (
    AS_OF,
    Loaded,
    Saver,
    _day,
    _moment,
    adaptations,
    competitions,
    demo_network,
    drills,
    incidents,
    migration,
    orders,
    staff_of,
    summits,
    training,
)
from policyhub.plan import schedule
from policyhub.plan.models import Target
from policyhub.plan.services import submit_report
from policyhub.registry.models import Organisation, Team
from policyhub.units.models import Unit

# --- quarterly reports of the reported targets ----------------------------------------------------

# The value each reported target reaches by 2021-12-31 (its lead unit's last report), and the
# quarters (by their end) its lead unit never reported.
REPORTED: dict[str, tuple[Decimal, tuple[dt.date, ...]]] = {
    "national-rd-institutions": (Decimal(4), ()),
    "provincial-rd-institutions": (Decimal(13), ()),
    "transferred-projects": (Decimal(17), ()),
    "national-service-platforms": (Decimal(3), (dt.date(2020, 6, 30),)),
    "new-provincial-incubators": (Decimal(3), (dt.date(2021, 9, 30), dt.date(2021, 12, 31))),
    "national-major-projects": (Decimal(1), ()),
    "local-major-projects": (Decimal(8), ()),
    "incubators": (Decimal(11), ()),
    "incubated-enterprises": (Decimal(86), (dt.date(2021, 12, 31),)),
}


def _evidence(target: Target, period: schedule.Period, value: Decimal) -> ContentFile[bytes]:
    text = (f"{target.lead_unit.name} {period.label}报送说明\n"
            f"指标：{target.label}\n截至 {period.end:%Y-%m-%d} 累计：{value}\n"
            "（演示数据，policyhub load_demo 生成）\n")
    return ContentFile(text.encode(), name=f"{period.end:%Y}Q{(period.end.month + 2) // 3}.txt")


def reports(rng: random.Random, loaded: Loaded, reporter: Callable[[Unit], User]) -> None:
    """Each quarter's report of every reported target, as of the quarter's end, by a staff
    member of the lead unit; a target's value grows towards its 2021 figure."""
    for target in schedule.reported_targets():
        final, skipped = REPORTED.get(target.code, (target.value * Decimal("0.9"), ()))
        actor = reporter(target.lead_unit)
        periods = schedule.periods(target.start, min(target.deadline, AS_OF))
        value = Decimal(0)
        for i, period in enumerate(periods, start=1):
            share = Decimal(i) / Decimal(len(periods))
            value = max(value, (final * share).to_integral_value())
            if period.end in skipped:
                loaded.unreported.append(f"{target.lead_unit.name}：{target.label}"
                                         f"（{period.label}）")
                continue
            submit_report(actor, target, target.lead_unit, value=value, as_of=period.end,
                          evidence=_evidence(target, period, value),
                          note="按季度累计数报送" if rng.random() < 0.8 else "含在建项目")
            loaded.counts["plan reports"] += 1


# --- the registry's dates -----------------------------------------------------------------------

def backdate_registry(rng: random.Random) -> None:
    """The registry demo's organisations entered the registry before or during the plan:
    most in 2017—2019, a few in 2020—2021 (created_at is the day of entry the plan counts
    from)."""
    for org in Organisation.objects.order_by("pk"):
        entered = (_day(rng, dt.date(2017, 1, 1), dt.date(2019, 7, 29)) if rng.random() < 0.85
                   else _day(rng, dt.date(2019, 7, 30), dt.date(2021, 11, 30)))
        Organisation.objects.filter(pk=org.pk).update(created_at=_moment(entered, 9))


# --- the whole monitor demo ---------------------------------------------------------------------

@dataclass(frozen=True)
class Tuning:
    adaptation_products: int = 470
    evaluation_orders: int = 184
    pending_orders: int = 12
    centre_sessions: int = 112
    other_sessions: int = 150
    incidents: int = 48
    competition_entries: int = 18


TUNING = Tuning()


def load(seed: int, password: str, tuning: Tuning = TUNING) -> Loaded:
    """Create the monitor demo (see the module's docstring); call inside a transaction."""

    def rng(part: str) -> random.Random:
        # One stream per part: the centres do not change with the registry's size.
        return random.Random(f"{seed}/{part}")

    started = time.perf_counter()
    loaded = Loaded()
    created: list[User] = []
    units = {u.code: u for u in Unit.objects.filter(
        code__in=("hitech", "miit", "cac", "data", "science"))}

    def reporter(unit: Unit) -> User:
        return staff_of(unit, password, created)

    backdate_registry(rng("registry"))
    enterprises = list(Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE)
                       .order_by("pk"))
    teams = list(Team.objects.order_by("pk"))
    save = Saver(loaded)
    centre = reporter(units["hitech"])
    adaptations(rng("adaptations"), save, centre, enterprises, tuning.adaptation_products)
    demo_network(save, centre)
    orders(rng("orders"), save, centre, enterprises, tuning.evaluation_orders,
           tuning.pending_orders)
    training(rng("training"), save, centre, reporter(units["miit"]), tuning.centre_sessions,
             tuning.other_sessions)
    responder = reporter(units["cac"])
    incidents(rng("incidents"), save, responder, tuning.incidents)
    drills(rng("drills"), save, responder)
    migration(rng("migration"), save, reporter(units["data"]))
    bureau = User.objects.filter(roles__role=Role.BUREAU_OFFICER).order_by("pk").first()
    events_actor = bureau or reporter(units["miit"])
    summits(save, events_actor)
    competitions(rng("competitions"), save, events_actor, enterprises, teams,
                 tuning.competition_entries)
    reports(rng("reports"), loaded, reporter)
    if created:
        loaded.counts["new staff logins"] = len(created)
    loaded.seconds = time.perf_counter() - started
    return loaded
