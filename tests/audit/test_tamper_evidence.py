"""Tampering with the audit trail by someone who can write the database (issue 16, item 6).

Each case is done with raw SQL after dropping the append-only triggers, as the owner of the
tables could. The keyed chain finds what needs the key; the anchor written outside the
database finds the rest (a cut tail, a moved or deleted head, a chain rewritten by someone
holding the key).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from policyhub.audit import anchors
from policyhub.audit.models import AuditEntry, AuditHead
from policyhub.audit.services import _digest, _fields, key_id, record, verify
from tests.tamper import drop_triggers, raw

pytestmark = pytest.mark.django_db

Digest = Callable[[str, dict[str, Any]], str]


def unkeyed(prev: str, fields: dict[str, Any]) -> str:
    """The chain's hash before it was keyed: anyone can recompute it."""
    body = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(f"{prev}|{body}".encode()).hexdigest()


def keyed_with_the_real_key(prev: str, fields: dict[str, Any]) -> str:
    """An insider who holds POLICYHUB_AUDIT_KEY."""
    from django.conf import settings

    return _digest(settings.AUDIT_KEY, prev, fields)


def rechain(digest: Digest) -> None:
    """Renumber the entries 1..n and recompute every hash and the head with `digest`."""
    prev = "0" * 64
    for seq, e in enumerate(AuditEntry.objects.order_by("seq"), 1):
        e.seq, e.prev_hash = seq, prev
        e.hash = digest(prev, _fields(e))
        raw("UPDATE audit_auditentry SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
            seq, prev, e.hash, e.pk)
        prev = e.hash
    raw("UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1",
        AuditEntry.objects.count(), prev)


def five(action: str = "test.x") -> list[AuditEntry]:
    return [record(None, action, n=i) for i in range(5)]


def anchored(tmp_path: Path) -> Path:
    path = tmp_path / "anchors.jsonl"
    call_command("audit", "anchor", "--anchor-file", str(path))
    return path


def broken(path: Path) -> str:
    with pytest.raises(CommandError) as err:
        call_command("audit", "verify", "--anchor-file", str(path))
    return str(err.value)


def test_an_intact_anchored_chain_verifies(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    five()
    path = anchored(tmp_path)
    record(None, "test.later")  # entries after the anchor are fine
    call_command("audit", "verify", "--anchor-file", str(path))
    out = capsys.readouterr().out
    assert "6 entries verified, 1 anchors matched" in out
    (line,) = path.read_text().splitlines()
    anchor = anchors.parse(line)
    assert anchor.seq == 5 and anchor.hash == AuditEntry.objects.get(seq=5).hash


def test_cutting_the_tail_is_found_by_the_anchor(tmp_path: Path) -> None:
    entries = five()
    path = anchored(tmp_path)
    raw("DELETE FROM audit_auditentry WHERE seq > 3")
    raw("UPDATE audit_audithead SET seq = 3, hash = %s WHERE id = 1", entries[2].hash)
    assert verify().ok  # the chain itself is consistent …
    assert "the anchor written at" in broken(path)  # … but shorter than anchored


def test_moving_the_head_back_is_found_by_the_anchor(tmp_path: Path) -> None:
    entries = five()
    path = anchored(tmp_path)
    raw("DELETE FROM audit_auditentry WHERE seq = 5")
    raw("UPDATE audit_audithead SET seq = 4, hash = %s WHERE id = 1", entries[3].hash)
    result = verify(anchors.read(path))
    assert not result.ok and result.first_bad_seq == 5 and "counted 5 entries" in result.problem


def test_deleting_the_head_row_is_found_even_without_an_anchor(tmp_path: Path) -> None:
    five()
    raw("DELETE FROM audit_audithead")
    result = verify()
    assert not result.ok and "head row is missing" in result.problem


def test_deleting_the_head_row_and_the_last_entry_is_found_by_the_anchor(
        tmp_path: Path) -> None:
    five()
    path = anchored(tmp_path)
    raw("DELETE FROM audit_auditentry WHERE seq = 5")
    raw("DELETE FROM audit_audithead")
    assert "broken at entry" in broken(path)


def test_editing_a_row_and_recomputing_the_unkeyed_chain_is_found() -> None:
    five()
    raw("UPDATE audit_auditentry SET payload = %s WHERE seq = 2", '{"n": 999}')
    rechain(unkeyed)
    result = verify()
    assert not result.ok and result.first_bad_seq == 1
    assert "none of the configured audit keys" in result.problem


def test_deleting_and_rehashing_all_payment_rows_is_found_without_the_key() -> None:
    for i in range(3):
        record(None, "ledger.pay", amount=str(100 + i))
        record(None, "test.other")
    raw("DELETE FROM audit_auditentry WHERE action = 'ledger.pay'")
    rechain(unkeyed)
    assert not AuditEntry.objects.filter(action="ledger.pay").exists()
    assert not verify().ok


def test_an_insider_with_the_key_who_rehashes_is_found_by_the_anchor(tmp_path: Path) -> None:
    for i in range(3):
        record(None, "ledger.pay", amount=str(100 + i))
        record(None, "test.other")
    path = anchored(tmp_path)
    raw("DELETE FROM audit_auditentry WHERE action = 'ledger.pay'")
    rechain(keyed_with_the_real_key)
    assert verify().ok  # whoever holds the key can make a consistent chain …
    assert not verify(anchors.read(path)).ok  # … but not the one the anchor saw
    assert "broken at entry" in broken(path)


def test_the_anchor_printed_for_a_notary_is_checked_with_anchor(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    five()
    call_command("audit", "anchor", "--print", "--anchor-file", str(tmp_path / "none.jsonl"))
    line = capsys.readouterr().out.strip()
    assert not (tmp_path / "none.jsonl").exists()  # printed, not written
    assert anchors.parse(line).seq == 5
    raw("DELETE FROM audit_auditentry WHERE seq = 5")
    raw("DELETE FROM audit_audithead")
    with pytest.raises(CommandError, match="broken at entry"):
        call_command("audit", "verify", "--anchor-file", str(tmp_path / "none.jsonl"),
                     "--anchor", line)


def test_a_broken_chain_is_never_anchored(tmp_path: Path) -> None:
    five()
    raw("UPDATE audit_auditentry SET action = 'forged' WHERE seq = 2")
    with pytest.raises(CommandError, match="broken at entry 2"):
        call_command("audit", "anchor", "--anchor-file", str(tmp_path / "a.jsonl"))
    assert not (tmp_path / "a.jsonl").exists()


def test_a_damaged_anchor_file_is_reported_with_its_line(tmp_path: Path) -> None:
    five()
    path = anchored(tmp_path)
    with path.open("a") as f:
        f.write("not json\n")
    with pytest.raises(CommandError, match="line 2"):
        call_command("audit", "verify", "--anchor-file", str(path))


def test_the_database_refuses_to_move_the_head_back() -> None:
    entries = five()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditHead.objects.filter(id=1).update(seq=4, hash=entries[3].hash)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditHead.objects.filter(id=1).delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_audithead SET seq = 6, hash = %s", ["f" * 64])
    assert AuditHead.objects.get(id=1).seq == 5


# --- the key and its rotation ----------------------------------------------------------------

OLD, NEW = "old-audit-key-" + "o" * 32, "new-audit-key-" + "n" * 32


def test_rotating_the_key_is_recorded_and_the_whole_chain_still_verifies(
        capsys: pytest.CaptureFixture[str]) -> None:
    with override_settings(AUDIT_KEY=OLD, AUDIT_PREVIOUS_KEYS=[]):
        five()
    with override_settings(AUDIT_KEY=NEW, AUDIT_PREVIOUS_KEYS=[OLD]):
        call_command("audit", "rotate-key")
        assert f"{key_id(OLD)} -> {key_id(NEW)}" in capsys.readouterr().out
        after = record(None, "test.after")
        assert verify().ok and verify().checked == 7
        assert AuditHead.objects.get().key_id == key_id(NEW)
        assert after.hash == _digest(NEW, after.prev_hash, _fields(after))
    with override_settings(AUDIT_KEY=NEW, AUDIT_PREVIOUS_KEYS=[]):
        assert not verify().ok  # the entries before the rotation need the old key


def test_a_new_key_without_rotation_stops_writes_rather_than_break_the_chain() -> None:
    with override_settings(AUDIT_KEY=OLD, AUDIT_PREVIOUS_KEYS=[]):
        five()
    with override_settings(AUDIT_KEY=NEW, AUDIT_PREVIOUS_KEYS=[]), \
            pytest.raises(ImproperlyConfigured, match="rotate-key"):
        record(None, "test.x")
    # Set as the new key with the old one kept, writes go on under the old key until rotated.
    with override_settings(AUDIT_KEY=NEW, AUDIT_PREVIOUS_KEYS=[OLD]):
        entry = record(None, "test.x")
        assert entry.hash == _digest(OLD, entry.prev_hash, _fields(entry))
        assert verify().ok


def test_a_rotation_forged_without_the_old_key_is_found() -> None:
    with override_settings(AUDIT_KEY=OLD, AUDIT_PREVIOUS_KEYS=[]):
        five()
    # The forger appends a rotation to a key of their own, with a made-up proof.
    head = AuditHead.objects.get()
    forged = AuditEntry(seq=6, at=AuditEntry.objects.get(seq=5).at, actor_label="system",
                        action="audit.key_rotated", prev_hash=head.hash,
                        payload={"old_key": key_id(OLD), "new_key": key_id(NEW),
                                 "proof": "0" * 64})
    forged.hash = _digest(NEW, head.hash, _fields(forged))
    forged.save()
    drop_triggers()
    AuditHead.objects.filter(id=1).update(seq=6, hash=forged.hash, key_id=key_id(NEW))
    with override_settings(AUDIT_KEY=NEW, AUDIT_PREVIOUS_KEYS=[OLD]):
        result = verify()
    assert not result.ok and result.first_bad_seq == 6 and "rotation" in result.problem


def test_rotation_is_refused_when_the_key_has_not_changed() -> None:
    five()
    with pytest.raises(CommandError, match="already the key in force"):
        call_command("audit", "rotate-key")
    assert not AuditEntry.objects.filter(action="audit.key_rotated").exists()


def test_docs_cli_md_names_every_audit_action_and_option() -> None:
    from django.core.management import load_command_class

    from tests.cli.test_cli_docs import DOC

    text = DOC.read_text(encoding="utf-8")
    parser = load_command_class("policyhub.audit", "audit").create_parser("manage.py", "audit")
    sub = next(a for a in parser._actions if a.dest == "action")
    for name, action_parser in sub.choices.items():  # type: ignore[union-attr]
        assert f"`policyhub audit {name}" in text
        for opt in action_parser._actions:
            long = [o for o in opt.option_strings if o.startswith("--") and o != "--help"]
            assert all(o in text for o in long), (name, long)


def test_the_policyhub_command_anchors_and_verifies(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connections

    from policyhub.cli import main

    # run_from_argv closes every connection when a command ends, which on PostgreSQL would
    # end this test's transaction: keep it open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    five()
    path = str(tmp_path / "anchors.jsonl")
    assert main(["audit", "anchor", "--anchor-file", path]) == 0
    assert main(["audit", "verify", "--anchor-file", path]) == 0
    assert "5 entries verified, 1 anchors matched" in capsys.readouterr().out
    raw("DELETE FROM audit_auditentry WHERE seq = 5")
    raw("DELETE FROM audit_audithead")
    with pytest.raises(SystemExit) as exit_:
        main(["audit", "verify", "--anchor-file", path])
    assert exit_.value.code == 1 and "broken at entry" in capsys.readouterr().err
