"""Facts and applications for the page tests, made through the apps' own services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User

from policyhub.applications import services
from policyhub.applications.models import Application
from policyhub.ledger import services as ledger
from policyhub.registry import services as registry
from policyhub.registry.models import Organisation, RegistryEvent
from tests.personas import Personas

# A Monday: final review opens a notice ending Tuesday 2021-06-15 (端午 on the 14th).
DAY = dt.date(2021, 6, 7)
AFTER_NOTICE = dt.date(2021, 6, 16)
CEILING = Decimal("2000000.00")  # 10% of the project's 20,000,000 actual investment, 二(七)
MATTER = "proj-1"


def record_project(org: Organisation, matter: str = MATTER) -> RegistryEvent:
    """A new-build project (二(七)) in the registry, recorded by the system."""
    return registry.record_event(
        None, org, "project_investment", dt.date(2020, 5, 1),
        {"total_investment": "60000000", "actual_investment": "20000000", "kind": "new_build"},
        matter=matter)


def fund(p: Personas, year: int = 2021, amount: str = "20000000") -> None:
    ledger.contribute("zone", year, Decimal(amount), p.admin, reference="高新区配套")
    ledger.contribute("city", year, Decimal(amount), p.admin, reference="市本级安排")


def draft(p: Personas) -> Application:
    return services.apply(p.org, "P7.project", MATTER, p.applicant, on=DAY)


def move(app: Application, name: str, actor: User, day: dt.date = DAY, *,
         amount: Decimal | None = None, reason: str | None = None) -> Application:
    return services.transition(app, name, actor, on=day, amount=amount, reason=reason)


def in_notice(p: Personas, amount: Decimal = Decimal("1500000.00")) -> Application:
    app = move(draft(p), "submit", p.applicant)
    app = move(app, "accept", p.park_officer)
    app = move(app, "review", p.reviewer, amount=amount)
    return move(app, "final_review", p.bureau_officer)


def approved(p: Personas, amount: Decimal = Decimal("1500000.00")) -> Application:
    fund(p)
    return move(in_notice(p, amount), "approve", p.bureau_officer, AFTER_NOTICE)
