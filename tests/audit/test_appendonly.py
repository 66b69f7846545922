"""Append-only in the database (issue 16, item 7): triggers refuse UPDATE and DELETE on the
ledger, the audit trail, the workflow's history and committee decisions, whatever the path
(raw SQL, `_base_manager`, `_raw_delete`, an upsert); the ORM guard refuses first where it can."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from policyhub.appendonly import (
    AppendOnlyError,
    append_only_tables,
    expected_triggers,
    flush_allowed,
    missing_triggers,
)
from policyhub.applications.models import (
    Appeal,
    CommitteeDecision,
    Objection,
    TransitionRecord,
)
from policyhub.audit.models import AuditEntry
from policyhub.audit.services import record
from policyhub.ledger.models import Commitment, JournalEntry, Posting
from policyhub.ledger.services import pay
from tests.applications.helpers import draft
from tests.conftest import _execute_sql_flush
from tests.ledger.helpers import approve, fund_year
from tests.personas import Personas, personas

TABLES = ("ledger_posting", "ledger_journalentry", "ledger_commitment", "audit_auditentry",
          "applications_transitionrecord", "applications_committeedecision",
          "applications_objection", "applications_appeal", "plan_report")


def history(p: Personas) -> dict[str, int]:
    """One row in each append-only table but plan_report; its pk by table."""
    fund_year(p.admin, "1000.00")
    approve(p.admin, "award-t", "100.00")
    pay("award-t", Decimal("40.00"), p.finance, idempotency_key="k-1")
    app = draft(p)
    decision = CommitteeDecision.objects.create(
        application=app, meeting_ref="会议纪要 1", meeting_date=dt.date(2021, 6, 1),
        amount=Decimal("10.00"), members=["甲"], recorded_by=p.bureau_officer)
    objection = Objection.objects.create(application=app, raised_by=p.outsider, text="异议")
    appeal = Appeal.objects.create(application=app, raised_by=p.applicant, reason="申诉")
    return {
        "ledger_posting": Posting.objects.last().pk,  # type: ignore[union-attr]
        "ledger_journalentry": JournalEntry.objects.last().pk,  # type: ignore[union-attr]
        "ledger_commitment": Commitment.objects.get().pk,
        "audit_auditentry": record(None, "test.x").pk,
        "applications_transitionrecord": TransitionRecord.objects.get().pk,
        "applications_committeedecision": decision.pk,
        "applications_objection": objection.pk,
        "applications_appeal": appeal.pk,
    }


def refused(sql: str, *params: object) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
    except IntegrityError as exc:
        return "append-only" in str(exc)
    return False


@pytest.mark.django_db
def test_every_append_only_table_has_its_triggers() -> None:
    assert set(TABLES) <= set(append_only_tables())
    assert missing_triggers(connection) == []
    assert len(expected_triggers(connection)) >= 2 * (len(TABLES) + 1)  # + the audit head


@pytest.mark.django_db
@pytest.mark.parametrize("table", TABLES[:-1])
def test_the_database_refuses_update_and_delete(table: str) -> None:
    pk = history(personas())[table]
    assert refused(f'UPDATE "{table}" SET id = id WHERE id = %s', pk)
    assert refused(f'DELETE FROM "{table}" WHERE id = %s', pk)
    with connection.cursor() as cur:
        cur.execute(f'SELECT count(*) FROM "{table}" WHERE id = %s', [pk])
        assert cur.fetchone() == (1,)


@pytest.mark.django_db
def test_the_orm_refuses_every_way_round_it() -> None:
    p = personas()
    history(p)
    posting = Posting.objects.last()
    assert posting is not None
    forged = Posting(pk=posting.pk, entry=posting.entry, account=posting.account,
                     amount=Decimal("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()  # an INSERT that collides, never an UPDATE
    with pytest.raises(AppendOnlyError):
        Posting.objects.bulk_create([forged], update_conflicts=True, unique_fields=["id"],
                                    update_fields=["amount"])
    with pytest.raises(AppendOnlyError):
        Posting.objects.filter(pk=posting.pk)._raw_delete(connection.alias)
    with pytest.raises(AppendOnlyError):
        TransitionRecord.objects.update(reason="改")
    with pytest.raises(AppendOnlyError):
        CommitteeDecision.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        TransitionRecord.objects.get().save()
    # _base_manager is Django's own: the database refuses what it sends.
    for model in (Posting, JournalEntry, AuditEntry, TransitionRecord, CommitteeDecision):
        with pytest.raises(IntegrityError), transaction.atomic():
            model._base_manager.update(id=F("id"))
        with pytest.raises(IntegrityError), transaction.atomic():
            model._base_manager.all()._raw_delete(connection.alias)
    posting.refresh_from_db()
    assert posting.amount != Decimal("1.00")


# serialized_rollback: the teardown flush then skips post_migrate, which would re-create rows
# (content types) that the next serialized-rollback test expects to insert itself.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flushing_is_refused_outside_flush_allowed() -> None:
    p = personas()
    history(p)
    tables = append_only_tables()
    sql = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    with pytest.raises(IntegrityError):
        _execute_sql_flush(connection.ops, sql)
    assert Posting.objects.exists()
    with flush_allowed(connection):
        _execute_sql_flush(connection.ops, connection.ops.sql_flush(
            no_style(), connection.introspection.django_table_names(only_existing=True),
            allow_cascade=True))
    assert not Posting.objects.exists() and not AuditEntry.objects.exists()
    # … and the guard is back once it is over.
    record(None, "test.after")
    assert refused("DELETE FROM audit_auditentry")


@pytest.mark.django_db
def test_audit_verify_fails_when_a_trigger_is_missing() -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from tests.tamper import drop_triggers

    record(None, "test.x")
    call_command("audit", "verify", "--anchor-file", "/nonexistent/anchors.jsonl")
    drop_triggers()
    with pytest.raises(CommandError, match="append-only triggers missing"):
        call_command("audit", "verify", "--anchor-file", "/nonexistent/anchors.jsonl")


@pytest.mark.django_db
def test_manage_flush_is_refused_but_the_demo_reset_may_flush(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db.backends.base.operations import BaseDatabaseOperations

    from policyhub.demo import loader as demo

    # Without the suite's own allowance (tests/conftest.py), as on a real database.
    monkeypatch.setattr(BaseDatabaseOperations, "execute_sql_flush", _execute_sql_flush)
    record(None, "test.x")
    with pytest.raises(CommandError, match="couldn't be flushed"), transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.exists()
    demo.flush()  # load_demo --reset: only ever a database holding the demo alone
    assert not AuditEntry.objects.exists()
    record(None, "test.after")
    assert refused("DELETE FROM audit_auditentry")
