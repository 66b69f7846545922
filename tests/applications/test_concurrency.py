"""Real concurrency on PostgreSQL (issue 20): rival approvals from parallel connections never
deadlock and approve exactly the rightful winner; the same claim created or a proposal
confirmed from several connections at once gives one application. Each thread has its own
database connection; the tests are skipped on SQLite, which serialises every writer."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from policyhub.applications import services
from policyhub.applications.errors import Refused
from policyhub.applications.models import Application, Proposal
from policyhub.ledger.models import JournalEntry
from tests.applications.helpers import AFTER_NOTICE, DAY, fund, pk_demo, project, to_notice
from tests.personas import Personas, personas
from tests.threads import POSTGRES_ONLY, together

pytestmark = [POSTGRES_ONLY, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROUNDS = 60  # 15 of each (winner's clause × which thread approves the winner)


def _deadlocks() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        row = cur.fetchone()
    return int(row[0]) if row else 0


def _pair(p: Personas, i: int) -> tuple[Application, Application, Application]:
    """二(七) project and 二(九) demonstration of matter proj-<i>, both in public notice;
    the rightful winner third. Even rounds: the project's 2,000,000 ceiling wins; odd
    rounds: the reviewer fixed it at 200,000, below the demonstration's 300,000."""
    matter = f"proj-{i}"
    seven = services.apply(p.org, "P7.project", matter, p.applicant,
                           events=project(matter), on=DAY)
    nine = services.apply(p.org, "P9.pk_demo", matter, p.applicant, events=pk_demo(matter),
                          on=DAY)
    seven = to_notice(p, seven, None if i % 2 == 0 else Decimal("200000.00"))
    nine = to_notice(p, nine)
    return seven, nine, seven if i % 2 == 0 else nine


def _approve(app: Application, actor: Any) -> Callable[[], Application]:
    return lambda: services.transition(app, "approve", actor, on=AFTER_NOTICE)


def test_rival_approvals_in_parallel_never_deadlock_and_approve_the_rightful_winner() -> None:
    p = personas()
    fund(p, amount="60000000")
    before = _deadlocks()
    failures: list[str] = []
    for i in range(ROUNDS):
        seven, nine, winner = _pair(p, i)
        first, second = (seven, nine) if (i // 2) % 2 == 0 else (nine, seven)
        results = together([_approve(first, p.bureau_officer),
                             _approve(second, p.bureau_officer)])
        for r in results:
            # The loser is refused (就高不就低) or finds itself superseded (不能执行).
            if isinstance(r, Refused) and (r.conflict or ("就高不就低" not in r.reason
                                                          and "不能执行" not in r.reason)):
                failures.append(f"round {i}: refused {r.reason}")
            elif isinstance(r, Exception) and not isinstance(r, Refused):
                failures.append(f"round {i}: {type(r).__name__}: {r}")
        states = dict(Application.objects.filter(matter=f"proj-{i}").values_list("pk", "state"))
        loser = nine if winner is seven else seven
        if states != {winner.pk: "approved", loser.pk: "superseded"}:
            failures.append(f"round {i}: {states}, winner #{winner.pk}")
    assert failures == []
    assert _deadlocks() == before  # not even one the retry would have cured


def _api_approve(app: Application, actor: Any) -> Callable[[], int]:
    def post() -> int:
        c = Client()
        c.force_login(actor)
        return int(c.post(f"/api/v1/applications/{app.pk}/transitions",
                          json.dumps({"transition": "approve"}),
                          content_type="application/json").status_code)
    return post


def test_rival_approvals_through_the_api_answer_200_or_422_never_500(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same race through HTTP (the API's own request handling, one connection per
    thread): the winner 200; the loser 422 (就高不就低) when it moves first, 403 when it
    finds itself superseded (no approve from that state: permissions.can_transition);
    never 409 or 500."""
    monkeypatch.setattr(services, "today", lambda: AFTER_NOTICE)
    p = personas()
    fund(p, amount="20000000")
    statuses: list[int] = []
    for i in range(20):
        seven, nine, winner = _pair(p, i)
        first, second = (seven, nine) if (i // 2) % 2 == 0 else (nine, seven)
        results = together([_api_approve(first, p.bureau_officer),
                             _api_approve(second, p.bureau_officer)])
        statuses += [r if isinstance(r, int) else 500 for r in results]
        winner.refresh_from_db()
        assert winner.state == "approved", (i, results)
    assert set(statuses) <= {200, 403, 422} and statuses.count(200) == 20


def test_the_same_claim_created_from_eight_connections_gives_one_application() -> None:
    p = personas()
    for i in range(12):
        matter = f"same-{i}"
        results = together([
            (lambda m=matter: services.apply(p.org, "P9.pk_demo", m, p.applicant,
                                             events=pk_demo(m), on=DAY))
            for _ in range(8)])
        made = [r for r in results if isinstance(r, Application)]
        assert len(made) == 1, results
        refusals = [r for r in results if isinstance(r, Refused)]
        assert len(refusals) == 7 and all(
            r.status == 422 and f"编号{made[0].pk}" in r.reason for r in refusals), results
    assert Application.objects.count() == 12


def test_one_proposal_confirmed_from_two_tabs_gives_one_application() -> None:
    p = personas()
    for i in range(12):
        matter = f"prop-{i}"
        proposal = Proposal.objects.create(
            organisation=p.org, rule="P9.pk_demo", clause="二(九)", matter=matter,
            amount="300000.00", run="t", events=pk_demo(matter))
        results = together([
            (lambda pk=proposal.pk: services.confirm(Proposal.objects.get(pk=pk), p.applicant,
                                                     on=DAY)) for _ in range(2)])
        assert all(isinstance(r, tuple) for r in results), results
        apps = {r[0].pk for r in results if isinstance(r, tuple)}
        created = [r[1] for r in results if isinstance(r, tuple)]
        assert len(apps) == 1 and sorted(created) == [False, True]
        proposal.refresh_from_db()
        assert proposal.application_id in apps
    assert Application.objects.count() == 12
    assert JournalEntry.objects.count() == 0
