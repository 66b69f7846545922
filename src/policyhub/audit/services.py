"""Record and verify the audit trail."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from policyhub.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _digest(prev: str, fields: dict[str, Any]) -> str:
    body = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(f"{prev}|{body}".encode()).hexdigest()


def _fields(e: AuditEntry) -> dict[str, Any]:
    return {"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor_label, "action": e.action,
            "object_type": e.object_type, "object_id": e.object_id, "allowed": e.allowed,
            "reason": e.reason, "payload": e.payload}


def _describe(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def record(actor: AbstractBaseUser | AnonymousUser | None, action: str,
           obj: models.Model | None = None, *, allowed: bool | None = None, reason: str = "",
           **payload: Any) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so it commits with the change
    it records, or not at all."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        object_type, object_id = _describe(obj)
        authenticated = actor is not None and actor.is_authenticated
        entry = AuditEntry(
            seq=head.seq + 1, at=timezone.now(),
            actor_id=actor.pk if authenticated else None,  # type: ignore[union-attr]
            actor_label=actor.get_username() if authenticated else "system",  # type: ignore[union-attr]
            action=action, object_type=object_type, object_id=object_id, allowed=allowed,
            reason=reason, payload=json.loads(json.dumps(payload, default=str)),
            prev_hash=head.hash)
        entry.hash = _digest(head.hash, _fields(entry))
        entry.save()
        AuditHead.objects.filter(id=1).update(seq=entry.seq, hash=entry.hash)
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify() -> Verification:
    """Recompute the chain from the first entry; report the first entry that does not fit."""
    prev, expected_seq, checked = GENESIS, 1, 0
    for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if e.seq != expected_seq:
            return Verification(False, checked, e.seq, f"entry {expected_seq} is missing")
        if e.prev_hash != prev:
            return Verification(False, checked, e.seq, "does not point at the previous entry")
        if _digest(prev, _fields(e)) != e.hash:
            return Verification(False, checked, e.seq, "its content does not match its hash")
        prev, expected_seq, checked = e.hash, expected_seq + 1, checked + 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.seq, head.hash) != (checked, prev):
        return Verification(False, checked, checked + 1, "entries after this one were removed")
    return Verification(True, checked)
