"""Record and verify the audit trail.

The chain is keyed: each entry's hash is an HMAC-SHA256, under the audit key
(POLICYHUB_AUDIT_KEY), of the previous hash and the entry's content. Someone who can write
the database but does not hold the key cannot edit, delete or insert an entry and recompute
the chain to match. What the key cannot show — the tail cut off, or the whole chain rewritten
by someone who holds the key — the anchors show (audit.anchors: the head written outside the
database and checked by `verify`).

The key is rotated with `policyhub audit rotate-key` (docs/design.md, "Tamper evidence"):
the rotation is itself an entry, hashed under the new key and carrying a proof made with the
old one, so the chain says which key holds from where, and only a holder of the old key
could have rotated it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone

from policyhub.audit.models import AuditEntry, AuditHead

if TYPE_CHECKING:
    from policyhub.audit.anchors import Anchor

GENESIS = "0" * 64
ROTATED = "audit.key_rotated"
Actor = AbstractBaseUser | AnonymousUser | None


class RotationRefused(Exception):
    pass


def key_id(key: str) -> str:
    """A key's public name: recorded in the chain and the anchors, reveals nothing of it."""
    return hmac.new(key.encode(), b"policyhub audit key id", hashlib.sha256).hexdigest()[:16]


def known_keys() -> dict[str, str]:
    """Every configured key by its id: the current one, then the previous ones."""
    keys = [settings.AUDIT_KEY, *settings.AUDIT_PREVIOUS_KEYS]
    return {key_id(k): k for k in reversed(keys) if k}


def _digest(key: str, prev: str, fields: dict[str, Any]) -> str:
    body = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)
    return hmac.new(key.encode(), f"{prev}|{body}".encode(), hashlib.sha256).hexdigest()


def _proof(old_key: str, prev: str, new_key_id: str) -> str:
    return hmac.new(old_key.encode(), f"rotate|{prev}|{new_key_id}".encode(),
                    hashlib.sha256).hexdigest()


def _fields(e: AuditEntry) -> dict[str, Any]:
    return {"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor_label, "action": e.action,
            "object_type": e.object_type, "object_id": e.object_id, "allowed": e.allowed,
            "reason": e.reason, "payload": e.payload}


def _describe(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def _key_in_force(head: AuditHead) -> str:
    """The key the chain's next entry is hashed with: the one its last entry was hashed with
    (a new key takes over only through rotate_key)."""
    if not head.key_id:
        return str(settings.AUDIT_KEY)
    key = known_keys().get(head.key_id)
    if key is None:
        raise ImproperlyConfigured(
            f"the audit chain is keyed with key {head.key_id}, which is neither "
            "POLICYHUB_AUDIT_KEY nor in POLICYHUB_AUDIT_PREVIOUS_KEYS: restore that key "
            "(a new key takes over only through `policyhub audit rotate-key`)")
    return key


def record(actor: Actor, action: str, obj: models.Model | None = None, *,
           allowed: bool | None = None, reason: str = "", **payload: Any) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so it commits with the change
    it records, or not at all."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        return _append(head, _key_in_force(head), actor, action, obj, allowed=allowed,
                       reason=reason, payload=payload)


def _append(head: AuditHead, key: str, actor: Actor, action: str,
            obj: models.Model | None = None, *, allowed: bool | None = None, reason: str = "",
            payload: dict[str, Any]) -> AuditEntry:
    object_type, object_id = _describe(obj)
    authenticated = actor is not None and actor.is_authenticated
    entry = AuditEntry(
        seq=head.seq + 1, at=timezone.now(),
        actor_id=actor.pk if authenticated else None,  # type: ignore[union-attr]
        actor_label=actor.get_username() if authenticated else "system",  # type: ignore[union-attr]
        action=action, object_type=object_type, object_id=object_id, allowed=allowed,
        reason=reason, payload=json.loads(json.dumps(payload, default=str)),
        prev_hash=head.hash)
    entry.hash = _digest(key, head.hash, _fields(entry))
    entry.save()
    AuditHead.objects.filter(id=1).update(seq=entry.seq, hash=entry.hash, key_id=key_id(key))
    return entry


def rotate_key(actor: Actor = None) -> AuditEntry:
    """Hand the chain over to POLICYHUB_AUDIT_KEY from the key in force, which must be in
    POLICYHUB_AUDIT_PREVIOUS_KEYS; the rotation is the first entry under the new key."""
    new = str(settings.AUDIT_KEY)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        if head.seq == 0:
            raise RotationRefused("the audit trail is empty: its first entry will be hashed "
                                  "with POLICYHUB_AUDIT_KEY, there is nothing to rotate")
        try:
            old = _key_in_force(head)
        except ImproperlyConfigured as exc:
            raise RotationRefused(str(exc)) from exc
        if key_id(old) == key_id(new):
            raise RotationRefused(
                f"POLICYHUB_AUDIT_KEY (key {key_id(new)}) is already the key in force: set the "
                "new key there and the old one in POLICYHUB_AUDIT_PREVIOUS_KEYS first")
        return _append(head, new, actor, ROTATED, payload={
            "old_key": key_id(old), "new_key": key_id(new),
            "proof": _proof(old, head.hash, key_id(new))})


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""
    anchors: int = 0  # how many anchors were checked


def verify(anchors: Sequence[Anchor] = ()) -> Verification:
    """Recompute the chain from the first entry under the configured keys; report the first
    entry that does not fit, a head row that does not match the last entry, and any anchor
    the chain no longer matches (fewer entries, or another hash at an anchored entry)."""
    keys, pins = known_keys(), {a.seq: a for a in anchors}
    key: str | None = None
    prev, expected, checked, last_at = GENESIS, 1, 0, None

    def broken(seq: int, problem: str) -> Verification:
        return Verification(False, checked, seq, problem, len(anchors))

    for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if e.seq != expected:
            return broken(e.seq, f"entry {expected} is missing")
        if e.prev_hash != prev:
            return broken(e.seq, "does not point at the previous entry")
        if key is None:  # the first entry says which key the chain starts with
            key = next((k for k in keys.values() if _digest(k, prev, _fields(e)) == e.hash),
                       None)
            if key is None:
                return broken(e.seq, "its hash matches none of the configured audit keys "
                                     "(POLICYHUB_AUDIT_KEY, POLICYHUB_AUDIT_PREVIOUS_KEYS)")
        if e.action == ROTATED:
            key, problem = _rotated(e, key, prev, keys)
            if key is None:
                return broken(e.seq, problem)
        if _digest(key, prev, _fields(e)) != e.hash:
            return broken(e.seq, "its content does not match its hash")
        if last_at is not None and e.at < last_at:
            return broken(e.seq, "it is dated before the entry preceding it")
        pin = pins.get(e.seq)
        if pin is not None and pin.hash != e.hash:
            return broken(e.seq, f"its hash differs from the anchor written at {pin.at}")
        prev, expected, checked, last_at = e.hash, expected + 1, checked + 1, e.at
    return _tail(checked, prev, anchors)


def _rotated(e: AuditEntry, key: str, prev: str, keys: dict[str, str]
             ) -> tuple[str | None, str]:
    """The key after rotation entry `e`, or None and why the rotation does not hold."""
    payload = e.payload if isinstance(e.payload, dict) else {}
    if payload.get("old_key") != key_id(key) or not hmac.compare_digest(
            str(payload.get("proof", "")), _proof(key, prev, str(payload.get("new_key")))):
        return None, "a key rotation not made by the holder of the key in force"
    new = keys.get(str(payload.get("new_key")))
    if new is None:
        return None, (f"the chain was rotated to key {payload.get('new_key')}, which is not "
                      "configured")
    return new, ""


def _tail(checked: int, prev: str, anchors: Sequence[Anchor]) -> Verification:
    head = AuditHead.objects.filter(id=1).first()
    n = len(anchors)
    if head is None and checked:
        return Verification(False, checked, checked, "the chain's head row is missing", n)
    if head is not None and (head.seq, head.hash) != (checked, prev):
        problem = ("entries after this one were removed" if head.seq > checked
                   else "the chain's head row does not match its last entry")
        return Verification(False, checked, checked + 1, problem, n)
    beyond = [a for a in anchors if a.seq > checked]
    if beyond:
        last = max(beyond, key=lambda a: a.seq)
        return Verification(False, checked, checked + 1,
                            f"entries after this one were removed: the anchor written at "
                            f"{last.at} counted {last.seq} entries", n)
    return Verification(True, checked, anchors=n)
