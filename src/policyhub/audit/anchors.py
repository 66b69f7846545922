"""Anchors: the audit chain's head written outside the database.

An anchor is one JSON line — the head's entry count (seq), its hash, the key id and the time —
appended to an append-only file (settings.AUDIT_ANCHOR_FILE, POLICYHUB_AUDIT_ANCHOR_FILE) or
printed for a notary or another system to keep. `verify` checks the chain against every
anchor: a chain with fewer entries than an anchor counted (the tail cut off, the head row moved
back or deleted), or another hash at an anchored entry (the chain rewritten, even by someone
holding the key), is broken. Anchors are only ever appended; the file is opened O_APPEND and
may be made append-only by the system too (`chattr +a`, docs/design.md).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from policyhub.audit.models import AuditHead


class AnchorError(Exception):
    """An anchor that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    key_id: str
    at: str  # ISO 8601, UTC

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def parse(text: str, where: str = "anchor") -> Anchor:
    try:
        data: Any = json.loads(text)
        anchor = Anchor(seq=int(data["seq"]), hash=str(data["hash"]),
                        key_id=str(data.get("key_id", "")), at=str(data["at"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorError(f"{where}: not an audit anchor ({exc})") from None
    if anchor.seq < 0 or len(anchor.hash) != 64:
        raise AnchorError(f"{where}: not an audit anchor (seq {anchor.seq}, hash {anchor.hash})")
    return anchor


def current() -> Anchor:
    """The chain's head now (callers verify the chain before anchoring it)."""
    head = AuditHead.objects.filter(id=1).first() or AuditHead(id=1)
    return Anchor(seq=head.seq, hash=head.hash, key_id=head.key_id,
                  at=timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"))


def append(anchor: Anchor, path: Path) -> None:
    """Append one line and flush it to disk; the file is never rewritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (anchor.line() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path: Path) -> list[Anchor]:
    """Every anchor of the file, oldest first ([] when there is no file yet)."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [parse(text, f"{path}, line {n}") for n, text in enumerate(lines, 1) if text.strip()]
