"""`policyhub audit verify | anchor | rotate-key`: the audit trail's tamper evidence.

verify      recompute the keyed hash chain, check the head row and every anchor
anchor      verify, then append the head (count, hash, key id, time) to the anchor file,
            or print it (--print) for a notary
rotate-key  hand the chain over to POLICYHUB_AUDIT_KEY from the key in force (which must be
            in POLICYHUB_AUDIT_PREVIOUS_KEYS); the rotation is recorded in the chain
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from policyhub.appendonly import missing_triggers
from policyhub.audit import anchors
from policyhub.audit.services import RotationRefused, Verification, rotate_key, verify


class Command(BaseCommand):
    help = ("Audit trail tools: `verify` recomputes the keyed hash chain and checks it against "
            "the anchors; `anchor` writes the chain's head outside the database; `rotate-key` "
            "moves the chain to a new POLICYHUB_AUDIT_KEY.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        ver = sub.add_parser("verify", help="recompute the chain, check the head and anchors")
        ver.add_argument("--anchor-file", type=Path, default=None,
                         help="anchor file (default: POLICYHUB_AUDIT_ANCHOR_FILE)")
        ver.add_argument("--anchor", action="append", default=[], metavar="JSON",
                         help="also check this anchor line (e.g. a notary's copy); repeatable")
        anc = sub.add_parser("anchor", help="verify, then append the head to the anchor file")
        anc.add_argument("--anchor-file", type=Path, default=None,
                         help="anchor file (default: POLICYHUB_AUDIT_ANCHOR_FILE)")
        anc.add_argument("--print", action="store_true", dest="print_only",
                         help="print the anchor line instead of writing it")
        sub.add_parser("rotate-key", help="record the hand-over to POLICYHUB_AUDIT_KEY")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rotate-key":
            try:
                entry = rotate_key()
            except RotationRefused as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"audit key rotated at entry {entry.seq}: "
                              f"{entry.payload['old_key']} -> {entry.payload['new_key']}")
            return
        path: Path = options["anchor_file"] or Path(settings.AUDIT_ANCHOR_FILE)
        try:
            pins = anchors.read(path) + [anchors.parse(text, "--anchor")
                                         for text in options.get("anchor", [])]
        except anchors.AnchorError as exc:
            raise CommandError(str(exc)) from exc
        result = verify(pins)
        _raise_if_broken(result)
        if action == "anchor":
            anchor = anchors.current()
            if options["print_only"]:
                self.stdout.write(anchor.line())
                return
            anchors.append(anchor, path)
            self.stdout.write(f"anchored {anchor.seq} entries in {path}: {anchor.line()}")
            return
        missing = missing_triggers(connection)
        if missing:
            raise CommandError("append-only triggers missing (run `manage.py migrate`): "
                               + ", ".join(missing))
        note = (f", {result.anchors} anchors matched" if result.anchors
                else f"; no anchor yet in {path} (run `policyhub audit anchor`)")
        self.stdout.write(f"audit trail intact: {result.checked} entries verified{note}")


def _raise_if_broken(result: Verification) -> None:
    if not result.ok:
        raise CommandError(
            f"audit trail broken at entry {result.first_bad_seq}: {result.problem} "
            f"({result.checked} entries verified before it)")

