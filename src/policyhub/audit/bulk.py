"""Audit entries for bulk writers (imports): the head lock taken first, and many entries
appended under one hold of it, chained exactly as `services.record` chains them one by one."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from policyhub.audit.models import AuditEntry, AuditHead
from policyhub.audit.services import _describe, _digest, _key_in_force, key_id
from policyhub.fastinsert import insert_rows

# The columns record_many writes, in the order of its rows (the id is the database's).
COLUMNS = ("seq", "at", "actor_id", "actor_label", "action", "object_type", "object_id",
           "allowed", "reason", "payload", "prev_hash", "hash")


class Ref(NamedTuple):
    """An audited object named without loading it: its model's label_lower and primary key,
    what `_describe` reads from an instance (a bulk writer that inserted rows by their values
    has no instances to give)."""

    object_type: str
    object_id: str


Item = tuple[str, models.Model | Ref | None, dict[str, Any]]


def hold_lock() -> None:
    """Take the chain's head lock for the rest of the caller's transaction (PostgreSQL; on
    SQLite the IMMEDIATE transaction already holds the database's write lock). A bulk writer
    that takes it first is serialised with every audited change, so it reads the rows it is
    about to replace after any concurrent writer has committed."""
    AuditHead.objects.select_for_update().get_or_create(id=1)


def record_many(actor: AbstractBaseUser | AnonymousUser | None, items: Sequence[Item],
                *, batch: int = 500) -> int:
    """Append one entry per (action, object, payload), exactly as `record` would one by one
    (the same fields, hashed the same way, so `verify` cannot tell them apart), under one
    hold of the head lock; for imports, whose entries would otherwise take one
    lock-and-insert round trip each. The entries of one call share one timestamp (taken
    under the lock, so the chain's times still never go backwards). Runs inside the
    caller's transaction like `record`. Returns the number of entries. `batch` is kept for
    callers; the rows go to the database in one stream (fastinsert)."""
    if not items:
        return 0
    authenticated = actor is not None and actor.is_authenticated
    actor_id = actor.pk if authenticated else None  # type: ignore[union-attr]
    label = actor.get_username() if authenticated else "system"  # type: ignore[union-attr]
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        key = _key_in_force(head)  # the chain's key, as `record` hashes with it
        seq, prev, rows = head.seq, head.hash, []
        at = timezone.now()
        at_text = at.isoformat()
        for action, obj, payload in items:
            object_type, object_id = obj if isinstance(obj, Ref) else _describe(obj)
            seq += 1
            # what the JSON column gives back (Decimal and dates as strings), as `record` does
            stored = json.loads(json.dumps(payload, default=str))
            # services._fields of the entry, built from its values (no model instance)
            digest = _digest(key, prev, {
                "seq": seq, "at": at_text, "actor": label, "action": action,
                "object_type": object_type, "object_id": object_id, "allowed": None,
                "reason": "", "payload": stored})
            rows.append((seq, at, actor_id, label, action, object_type, object_id, None, "",
                         stored, prev, digest))
            prev = digest
        insert_rows(AuditEntry, COLUMNS, rows)
        AuditHead.objects.filter(id=1).update(seq=seq, hash=prev, key_id=key_id(key))
    return len(rows)
