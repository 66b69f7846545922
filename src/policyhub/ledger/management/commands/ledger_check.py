"""`manage.py ledger_check`: verify the ledger's invariants; exit status 1 naming each broken one.

Every entry balances; no pool, commitment or paid balance is negative (per year and per award,
so payments never exceed commitments); the city never runs ahead of the zone's 1:1 matching or
beyond the text's amounts; every payment carries an idempotency key. And one matter, one
payment (applications.checks.double_payments): no applicant's matter is paid under two clause
groups, or under one rule more than the engine granted it. Then every entry, posting
and commitment is held to the audit row its service wrote and to the dates it was written in
(ledger.crosscheck), and every award to its application's state (applications.fundcheck).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from policyhub.applications import fundcheck
from policyhub.applications.checks import double_payments
from policyhub.ledger import crosscheck
from policyhub.ledger.checks import problems
from policyhub.ledger.models import JournalEntry


class Command(BaseCommand):
    help = ("Verify the special fund ledger's invariants and that no matter is paid twice "
            "(exit status 1 when one is broken).")

    def handle(self, *args: Any, **options: Any) -> None:
        found = [*problems(), *double_payments(), *crosscheck.problems(), *fundcheck.problems()]
        if found:
            raise CommandError("ledger invariants broken:\n" + "\n".join(f"- {p}" for p in found))
        self.stdout.write(f"ledger sound: {JournalEntry.objects.count()} entries checked")
