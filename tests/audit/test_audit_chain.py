"""The audit trail is append-only and its hash chain detects tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from policyhub.audit.models import AppendOnlyError, AuditEntry
from policyhub.audit.services import record, verify
from tests.personas import user
from tests.tamper import raw as _raw

pytestmark = pytest.mark.django_db


def test_it_chains_each_entry_to_the_previous_one() -> None:
    alice = user("alice")
    first = record(alice, "test.first", note="a")
    second = record(None, "test.second")
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert second.actor_label == "system" and first.actor_label == "alice"
    assert verify().ok and verify().checked == 2


def test_it_refuses_updates_and_deletes_through_the_orm() -> None:
    entry = record(None, "test.x")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="y")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_verify_finds_an_entry_edited_in_the_database() -> None:
    for i in range(3):
        record(None, "test.amount", amount=str(100 + i))
    _raw("UPDATE audit_auditentry SET payload = %s WHERE seq = 2", '{"amount": "999"}')
    result = verify()
    assert not result.ok and result.first_bad_seq == 2 and result.checked == 1


def test_verify_finds_a_deleted_entry_in_the_middle_and_at_the_end() -> None:
    for _ in range(4):
        record(None, "test.x")
    _raw("DELETE FROM audit_auditentry WHERE seq = 4")
    assert verify().first_bad_seq == 4
    _raw("DELETE FROM audit_auditentry WHERE seq = 2")
    assert verify().first_bad_seq == 3


def test_the_command_reports_intact_and_broken_chains(capsys: pytest.CaptureFixture[str]) -> None:
    record(None, "test.x")
    call_command("audit", "verify")
    assert "1 entries verified" in capsys.readouterr().out
    _raw("UPDATE audit_auditentry SET action = 'forged' WHERE seq = 1")
    with pytest.raises(CommandError, match="broken at entry 1"):
        call_command("audit", "verify")
