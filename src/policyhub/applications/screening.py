"""免申即享: screen every registry applicant and propose what nobody applied for.

A screening run evaluates each organisation, talent (Person) and team on the registry's facts
(policyhub.engine, one decision per applicant, the same path a reviewer's decision takes) and
creates one Proposal per granted award that has neither an application nor an earlier
proposal for the same (applicant, rule, matter). Re-running is therefore idempotent.

A talent or team is proposed to its organisation's applicant users (registry.permissions'
owner); one with no organisation is listed for the city-wide staff only, since nobody can
confirm on its behalf (confirmation is the applicant's own act).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from policyhub import locks
from policyhub.applications.entitlement import applicant_request
from policyhub.applications.models import Applicant, Application, Proposal, of_applicant
from policyhub.audit.services import record
from policyhub.engine import InputError, evaluate
from policyhub.registry.facts import applicant_id
from policyhub.registry.models import Organisation, Person, Team


@dataclass(frozen=True)
class Summary:
    run: str
    organisations: int
    created: int
    already_known: int
    problems: tuple[str, ...]
    people: int = 0
    teams: int = 0
    waited: float = 0.0  # seconds spent waiting for another run to finish
    skipped: bool = False  # another run was in progress and wait=False

    def line(self) -> str:
        if self.skipped:
            return f"run {self.run}: skipped, another screening run is in progress"
        waited = (f" (waited {self.waited:.1f} s for another screening run to finish)"
                  if self.waited else "")
        return (f"run {self.run}: {self.organisations} organisations, {self.people} people and "
                f"{self.teams} teams screened, {self.created} proposals created, "
                f"{self.already_known} already applied for or proposed, "
                f"{len(self.problems)} applicants with bad facts{waited}")


def screen(as_of: dt.date, *, run: str | None = None, wait: bool = True) -> Summary:
    """Screen every organisation, person and team as of `as_of`; returns what was created.

    Runs are serialised (policyhub.locks: an advisory lock on PostgreSQL, a file lock beside
    an SQLite database): a second run started during one waits for it (then finds what it
    proposed already known) or, with wait=False, is skipped. The summary audit entry is
    written on every exit: done, skipped, or stopped by an error (then with the error)."""
    run = run or f"{as_of.isoformat()}-{uuid.uuid4().hex[:8]}"
    with locks.exclusive("screening", wait=wait) as held:
        if not held.acquired:
            record(None, "applications.screening", None, run=run, as_of=as_of, skipped=True,
                   reason="another screening run is in progress")
            return Summary(run, 0, 0, 0, (), skipped=True)
        return _screen_all(as_of, run, held.waited if held.contended else 0.0)


def _screen_all(as_of: dt.date, run: str, waited: float) -> Summary:
    created = known = 0
    counts = {Organisation: 0, Person: 0, Team: 0}
    problems: list[str] = []
    stopped_by = ""
    try:
        for applicant in _applicants():
            counts[type(applicant)] += 1
            try:
                new, old = _screen_one(applicant, as_of, run)
            except InputError as exc:  # one applicant's bad facts must not stop the run
                label = (applicant.credit_code if isinstance(applicant, Organisation)
                         else applicant_id(applicant))
                problems.append(f"{label}: {exc}")
                continue
            created, known = created + new, known + old
    except BaseException as exc:
        stopped_by = f"{type(exc).__name__}: {exc}"[:500]
        raise
    finally:
        extra: dict[str, Any] = {"stopped_by": stopped_by} if stopped_by else {}
        record(None, "applications.screening", None, run=run, as_of=as_of,
               organisations=counts[Organisation], people=counts[Person],
               teams=counts[Team], created=created, already_known=known,
               problems=problems, waited_seconds=round(waited, 1), **extra)
    return Summary(run, counts[Organisation], created, known, tuple(problems),
                   people=counts[Person], teams=counts[Team], waited=waited)


def _applicants() -> Iterator[Applicant]:
    yield from Organisation.objects.order_by("pk").iterator()
    # Only people and teams with facts of their own can be granted anything.
    yield from Person.objects.filter(events__isnull=False).distinct().order_by("pk").iterator()
    yield from Team.objects.filter(events__isnull=False).distinct().order_by("pk").iterator()


def _screen_one(applicant: Applicant, as_of: dt.date, run: str) -> tuple[int, int]:
    request = applicant_request(applicant, [], as_of)
    decision = evaluate(request)
    created = known = 0
    for award in decision["awards"]:
        if award["status"] != "granted":
            continue
        try:
            with transaction.atomic():
                if _known(applicant, award["rule"], award["matter"]):
                    known += 1
                    continue
                _propose(applicant, award, request, decision, run)
        except IntegrityError:  # proposed (or applied for) by someone else meanwhile
            known += 1
            continue
        created += 1
    return created, known


def _known(applicant: Applicant, rule: str, matter: str) -> bool:
    who = of_applicant(applicant)
    return (Application.objects.filter(**who, rule=rule, matter=matter).exists()
            or Proposal.objects.filter(**who, rule=rule, matter=matter).exists())


def _propose(applicant: Applicant, award: dict[str, Any], request: dict[str, Any],
             decision: dict[str, Any], run: str) -> Proposal:
    # Only the events the award rests on travel with the proposal (the rest are the
    # registry's and are read again at each decision).
    proposal = Proposal.objects.create(
        **of_applicant(applicant), rule=award["rule"], clause=award["clause"],
        matter=award["matter"],
        amount=Decimal(award["amount"]), ceiling=award["ceiling"],
        explanation=award["explanation"], decision=decision, run=run,
        events=[])
    record(None, "applications.propose", proposal, rule=proposal.rule, matter=proposal.matter,
           amount=proposal.amount, run=run, event_indexes=award.get("events", []),
           request_events=len(request["events"]))
    return proposal
