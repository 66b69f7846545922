"""Audit entries for bulk writers (imports): the head lock taken first, and many entries
appended under one hold of it, chained exactly as `services.record` chains them one by one."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from policyhub.audit.models import AuditEntry, AuditHead
from policyhub.audit.services import _describe, _digest, _fields, _key_in_force, key_id
from policyhub.fastinsert import insert_many


def hold_lock() -> None:
    """Take the chain's head lock for the rest of the caller's transaction (PostgreSQL; on
    SQLite the IMMEDIATE transaction already holds the database's write lock). A bulk writer
    that takes it first is serialised with every audited change, so it reads the rows it is
    about to replace after any concurrent writer has committed."""
    AuditHead.objects.select_for_update().get_or_create(id=1)


def record_many(actor: AbstractBaseUser | AnonymousUser | None,
                items: Sequence[tuple[str, models.Model | None, dict[str, Any]]],
                *, batch: int = 500) -> int:
    """Append one entry per (action, object, payload), exactly as `record` would one by one,
    under one hold of the head lock and inserted `batch` rows at a time; for imports, whose
    entries would otherwise take one lock-and-insert round trip each. Runs inside the
    caller's transaction like `record`. Returns the number of entries."""
    if not items:
        return 0
    authenticated = actor is not None and actor.is_authenticated
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        key = _key_in_force(head)  # the chain's key, as `record` hashes with it
        seq, prev, entries = head.seq, head.hash, []
        for action, obj, payload in items:
            object_type, object_id = _describe(obj)
            seq += 1
            entry = AuditEntry(
                seq=seq, at=timezone.now(),
                actor_id=actor.pk if authenticated else None,  # type: ignore[union-attr]
                actor_label=actor.get_username() if authenticated else "system",  # type: ignore[union-attr]
                action=action, object_type=object_type, object_id=object_id, allowed=None,
                reason="", payload=json.loads(json.dumps(payload, default=str)),
                prev_hash=prev)
            entry.hash = prev = _digest(key, prev, _fields(entry))
            entries.append(entry)
        insert_many(AuditEntry, entries)  # bulk_create's per-row SQL compiling costs more
        AuditHead.objects.filter(id=1).update(seq=seq, hash=prev, key_id=key_id(key))
    return len(entries)
