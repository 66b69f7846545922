"""Shared set-up for the application tests: facts, fund money, applications in any state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from policyhub.applications import services
from policyhub.applications.models import Application
from policyhub.ledger import services as ledger
from policyhub.registry.models import Organisation, Person
from policyhub.units.models import Unit
from tests.personas import Personas

# A Monday: final review then opens a notice that ends Tuesday 2021-06-15 (端午 on the 14th).
DAY = dt.date(2021, 6, 7)
AFTER_NOTICE = dt.date(2021, 6, 16)
CEILING = Decimal("2000000.00")  # 10% of the project's 20,000,000 actual investment, 二(七)


def project(matter: str = "proj-1", actual: str = "20000000") -> list[dict[str, Any]]:
    return [{"type": "project_investment", "date": "2020-05-01", "total_investment": "60000000",
             "actual_investment": actual, "kind": "new_build", "matter": matter}]


def pk_demo(matter: str = "proj-1", rd: str = "1000000") -> list[dict[str, Any]]:
    return [{"type": "pk_demo_project", "date": "2020-06-01", "rd_investment": rd,
             "selected": True, "matter": matter}]


def leader_project(matter: str = "lead-1") -> list[dict[str, Any]]:
    return [{"type": "discretionary", "date": "2020-07-01", "rule": "P5.leader_project",
             "matter": matter}]


def talent_person(p: Personas, name: str = "张三") -> Person:
    """A talent employed by the personas' organisation (its applicant users act for it)."""
    return Person.objects.create(name=name, organisation=p.org, id_number_masked="4301****1234")


def leader_draft(p: Personas) -> Application:
    """A 一事一议 leader project (二(五)): R4 gives it to talents and teams, not firms."""
    return services.apply(talent_person(p), "P5.leader_project", "lead-1", p.applicant,
                          events=leader_project(), on=DAY)


def fund(p: Personas, year: int = 2021, amount: str = "20000000") -> None:
    """Money in the special fund, zone first (the city only matches it 1:1)."""
    ledger.contribute("zone", year, Decimal(amount), p.admin, reference="高新区配套")
    ledger.contribute("city", year, Decimal(amount), p.admin, reference="市本级安排")


def draft(p: Personas, rule: str = "P7.project", matter: str = "proj-1",
          events: list[dict[str, Any]] | None = None,
          org: Organisation | Person | None = None, actor: User | None = None) -> Application:
    return services.apply(org or p.org, rule, matter, actor or p.applicant,
                          events=project() if events is None else events, on=DAY)


def at_state(p: Personas, state: str, rule: str = "P7.project",
             events: list[dict[str, Any]] | None = None) -> Application:
    """An application put straight into `state` (for permission tests, not workflow ones)."""
    app = draft(p, rule=rule, events=events)
    app.state = state
    app.approved_amount = app.entitled_amount
    if state == "notice":
        app.notice_starts_on, app.notice_ends_on = DAY, dt.date(2021, 6, 15)
    app.save()
    return app


def move(app: Application, name: str, actor: User, **kw: Any) -> Application:
    kw.setdefault("on", DAY)
    return services.transition(app, name, actor, **kw)


def to_notice(p: Personas, app: Application, amount: Decimal | None = None) -> Application:
    app = move(app, "submit", p.applicant)
    app = move(app, "accept", p.park_officer)
    app = move(app, "review", p.reviewer, amount=amount)
    return move(app, "final_review", p.bureau_officer)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)
