"""`manage.py load_demo`: every workflow state, sound books, an intact audit chain, and a
second run that refuses without touching anything."""

from __future__ import annotations

import hashlib
import itertools
import time
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from policyhub.accounts.models import Role, RoleAssignment
from policyhub.applications import fundcheck, workflow
from policyhub.applications.checks import double_payments
from policyhub.applications.models import (
    Appeal,
    Application,
    CommitteeDecision,
    Objection,
    Proposal,
    TransitionRecord,
)
from policyhub.audit.models import AuditEntry, AuditHead
from policyhub.audit.services import verify
from policyhub.demo import accounts
from policyhub.demo import loader as demo
from policyhub.ledger import crosscheck
from policyhub.ledger.checks import problems
from policyhub.ledger.models import Commitment, JournalEntry
from policyhub.ledger.params import fund
from policyhub.ledger.services import figures, outstanding
from policyhub.registry.models import Organisation
from policyhub.units.models import Unit
from tests.personas import organisation

pytestmark = pytest.mark.django_db

SMALL = "120"  # organisations, for the tests that only need a loaded database


# What the default load (seed 2019, 300 organisations) creates, per model, as counted on the
# demo before it moved out of web/ into its own app (issue 18): the move changed no data.
# Issue 14 added three applications of the `applicant` login's enterprise (returned, in
# notice, submitted: 3 applications, 10 moves, 10 audit entries) so that its 待办 holds work.
DEFAULT_LOAD = {
    "accounts.RoleAssignment": 23,
    "applications.Appeal": 1,
    "applications.Application": 45,
    "applications.CommitteeDecision": 1,
    "applications.LetterNumber": 16,
    "applications.NoticeBatch": 6,
    "applications.Objection": 2,
    "applications.Proposal": 456,
    "applications.TransitionRecord": 210,
    "audit.AuditEntry": 2337,
    "audit.AuditHead": 1,
    "auth.User": 23,
    "centres_adaptation.Adaptation": 658,
    "centres_adaptation.DemoNetwork": 5,
    "centres_emergency.Drill": 6,
    "centres_emergency.DrillParticipant": 36,
    "centres_emergency.Incident": 48,
    "centres_emergency.Notification": 98,
    "centres_events.CompetitionEdition": 2,
    "centres_events.Entry": 36,
    "centres_events.Prize": 12,
    "centres_events.SummitEdition": 3,
    "centres_migration.AppMigration": 90,
    "centres_migration.TerminalReplacement": 90,
    "centres_testing.EvaluationOrder": 184,
    "centres_training.TrainingSession": 265,
    "ledger.Account": 15,
    "ledger.Commitment": 16,
    "ledger.JournalEntry": 35,
    "ledger.Posting": 70,
    "materials.Material": 0,
    "plan.Report": 86,
    "plan.Target": 29,
    "plan.Task": 21,
    "registry.EvidenceFile": 0,
    "registry.Organisation": 300,
    "registry.Person": 201,
    "registry.RegistryEvent": 664,
    "registry.Team": 42,
    "registry.YearlyFigure": 1500,
    "units.Unit": 37,
    "web.ScreeningJob": 0,
}
# sha256 of the sorted (rule, matter, state) of every application, first 16 hex digits.
DEFAULT_APPLICATIONS = "9baa2335a9504781"


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    head = AuditHead.objects.filter(id=1).first()
    return {"head": (head.seq, head.hash) if head else None,
            "audit": AuditEntry.objects.count(), "apps": Application.objects.count(),
            "orgs": Organisation.objects.count(), "users": User.objects.count(),
            "entries": JournalEntry.objects.count(), "proposals": Proposal.objects.count(),
            # Not by pk: PostgreSQL sequences are not rolled back, so ids differ between loads.
            "states": sorted(Application.objects.values_list("rule", "matter", "state"))}


def row_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in DEFAULT_LOAD}


def test_it_loads_every_workflow_state_quickly_with_real_history() -> None:
    started = time.perf_counter()
    out = load()
    assert time.perf_counter() - started < 60
    assert Organisation.objects.count() == 300
    states = set(Application.objects.values_list("state", flat=True))
    # `proposed` is the state a 免申即享 proposal passes through inside confirm_proposal();
    # the screening run's Proposal rows stand for it.
    assert states == {s.code for s in workflow.STATES} - {"proposed"}
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)
    confirmed = Proposal.objects.get(status=Proposal.Status.CONFIRMED)
    assert confirmed.application is not None
    assert [r.name for r in confirmed.application.history.all()] == ["create", "confirm"]
    assert Objection.objects.exists() and Appeal.objects.exists()
    assert CommitteeDecision.objects.exists()
    superseded = Application.objects.get(state="superseded").history.last()
    assert superseded is not None and superseded.role == workflow.SYSTEM
    assert "就高不就低" in superseded.reason
    refused = TransitionRecord.objects.filter(name="refuse")
    assert refused.count() >= 3 and all("申报依据" in r.reason for r in refused)
    for app in Application.objects.all():
        rows = list(app.history.all())
        assert rows[0].name == "create" and rows[-1].target == app.state, app
        assert all(a.target == b.source for a, b in itertools.pairwise(rows)), app
    # every move is in the audit trail, as allowed, on its application
    moves = TransitionRecord.objects.exclude(name="create")
    audited = AuditEntry.objects.filter(
        action__in=[f"applications.{name}" for name in workflow.MOVE_NAMES], allowed=True,
        object_type="applications.application")
    assert audited.count() == moves.count()
    assert "Applications by state" in out and accounts.PASSWORD in out
    # the same rows as before the move (one default load serves both checks: it is slow)
    assert row_counts() == DEFAULT_LOAD
    rows = sorted(Application.objects.values_list("rule", "matter", "state"))
    assert hashlib.sha256(repr(rows).encode()).hexdigest()[:16] == DEFAULT_APPLICATIONS


def test_the_books_balance_and_the_audit_chain_verifies() -> None:
    load("--organisations", SMALL)
    assert problems() == []
    assert double_payments() == []  # one matter, one payment (issue 20)
    assert crosscheck.problems() == [] and fundcheck.problems() == []
    assert verify().ok
    p = fund()
    years = [figures(y) for y in p.budget_years]
    assert all(f.budget > 0 for f in years)
    assert sum(f.budget for f in years) < p.total
    assert sum(f.paid for f in years) > 0 and sum(f.committed for f in years) > 0
    for app in Application.objects.filter(state="approved"):
        commitment = Commitment.objects.get(award_key=app.award_key)
        assert outstanding(commitment) == app.approved_amount
    for app in Application.objects.filter(state="paid"):
        commitment = Commitment.objects.get(award_key=app.award_key)
        assert outstanding(commitment) == Decimal(0)
        assert commitment.entries.filter(kind=JournalEntry.Kind.PAYMENT).exists()
    released = JournalEntry.objects.filter(kind=JournalEntry.Kind.RELEASE)
    assert released.count() >= 2  # refused and withdrawn after approval


def test_there_is_a_login_for_every_role_with_the_documented_password() -> None:
    load("--organisations", SMALL)
    for role in Role:
        assert RoleAssignment.objects.filter(role=role).exists(), role
    for code in ("miit", "hrss", "finance-office", "cac"):
        assert RoleAssignment.objects.filter(role=Role.DEPARTMENT_REVIEWER,
                                             unit__code=code).exists()
    parks = set(Unit.objects.filter(kind=Unit.Kind.PARK).values_list("pk", flat=True))
    assert set(RoleAssignment.objects.filter(role=Role.PARK_OFFICER)
               .values_list("unit_id", flat=True)) == parks
    for login in accounts.staff_logins():
        user = authenticate(username=login.username, password=accounts.PASSWORD)
        assert user is not None and user.first_name == login.name
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_a_second_run_refuses_with_a_clear_message_and_changes_nothing() -> None:
    load("--organisations", SMALL)
    before = snapshot()
    with pytest.raises(CommandError, match=r"already loaded.*nothing was changed.*--reset"):
        load("--organisations", SMALL)
    assert snapshot() == before
    out = load("--if-empty")  # make run: skips quietly, status 0
    assert "skipped" in out and accounts.PASSWORD in out
    assert snapshot() == before


def test_reset_flushes_and_loads_the_same_demo_again() -> None:
    load("--organisations", SMALL)
    first = snapshot()
    load("--organisations", SMALL, "--reset")
    again = snapshot()
    assert again["states"] == first["states"] and again["audit"] == first["audit"]
    assert AuditEntry.objects.filter(action=demo.ACTION).count() == 1
    assert Unit.objects.filter(code="hitech").exists()
    assert verify().ok and problems() == []


def test_it_never_mixes_with_or_flushes_data_that_is_not_the_demo() -> None:
    organisation()
    with pytest.raises(CommandError, match="not the demo"):
        load("--organisations", SMALL)
    with pytest.raises(CommandError, match="refusing to flush"):
        load("--organisations", SMALL, "--reset")
    assert "skipped" in load("--if-empty")
    assert Organisation.objects.count() == 1 and not Application.objects.exists()
