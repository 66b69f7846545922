"""免申即享: screen every registry organisation and propose what nobody applied for.

A screening run evaluates each organisation on the registry's facts (policyhub.engine, one
decision per organisation, the same path a reviewer's decision takes) and creates one
Proposal per granted award that has neither an application nor an earlier proposal for
the same (organisation, rule, matter). Re-running is therefore idempotent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from policyhub.applications.entitlement import organisation_request
from policyhub.applications.models import Application, Proposal
from policyhub.audit.services import record
from policyhub.engine import InputError, evaluate
from policyhub.registry.models import Organisation


@dataclass(frozen=True)
class Summary:
    run: str
    organisations: int
    created: int
    already_known: int
    problems: tuple[str, ...]

    def line(self) -> str:
        return (f"run {self.run}: {self.organisations} organisations screened, "
                f"{self.created} proposals created, {self.already_known} already applied for "
                f"or proposed, {len(self.problems)} organisations with bad facts")


def screen(as_of: dt.date, *, run: str | None = None) -> Summary:
    """Screen every organisation as of `as_of`; returns what was created."""
    run = run or f"{as_of.isoformat()}-{uuid.uuid4().hex[:8]}"
    created = known = count = 0
    problems: list[str] = []
    for org in Organisation.objects.order_by("pk").iterator():
        count += 1
        try:
            new, old = _screen_one(org, as_of, run)
        except InputError as exc:  # one organisation's bad facts must not stop the run
            problems.append(f"{org.credit_code}: {exc}")
            continue
        created, known = created + new, known + old
    summary = Summary(run, count, created, known, tuple(problems))
    record(None, "applications.screening", None, run=run, as_of=as_of,
           organisations=count, created=created, already_known=known, problems=problems)
    return summary


def _screen_one(org: Organisation, as_of: dt.date, run: str) -> tuple[int, int]:
    request = organisation_request(org, [], as_of)
    decision = evaluate(request)
    created = known = 0
    with transaction.atomic():
        for award in decision["awards"]:
            if award["status"] != "granted":
                continue
            if _known(org, award["rule"], award["matter"]):
                known += 1
                continue
            _propose(org, award, request, decision, run)
            created += 1
    return created, known


def _known(org: Organisation, rule: str, matter: str) -> bool:
    return (Application.objects.filter(organisation=org, rule=rule, matter=matter).exists()
            or Proposal.objects.filter(organisation=org, rule=rule, matter=matter).exists())


def _propose(org: Organisation, award: dict[str, Any], request: dict[str, Any],
             decision: dict[str, Any], run: str) -> Proposal:
    # Only the events the award rests on travel with the proposal (the rest are the
    # registry's and are read again at each decision).
    proposal = Proposal.objects.create(
        organisation=org, rule=award["rule"], clause=award["clause"], matter=award["matter"],
        amount=Decimal(award["amount"]), ceiling=award["ceiling"],
        explanation=award["explanation"], decision=decision, run=run,
        events=[])
    record(None, "applications.propose", proposal, rule=proposal.rule, matter=proposal.matter,
           amount=proposal.amount, run=run, event_indexes=award.get("events", []),
           request_events=len(request["events"]))
    return proposal
