"""`manage.py application_transition ID NAME --user U`: one workflow move from the shell."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub.applications import services
from policyhub.applications.errors import Refused
from policyhub.applications.models import Application


class Command(BaseCommand):
    help = "Make one workflow move (docs/workflow.md) on an application, as a named user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, help="application id")
        parser.add_argument("name", help="transition name, e.g. accept, review, approve")
        parser.add_argument("--user", required=True, help="username of the acting user")
        parser.add_argument("--reason", default=None)
        parser.add_argument("--amount", default=None, help="amount in yuan, e.g. 150000.00")

    def handle(self, *args: Any, **options: Any) -> str:
        app = Application.objects.filter(pk=options["id"]).first()
        if app is None:
            raise CommandError(f"no application {options['id']}")
        actor = get_user_model().objects.filter(username=options["user"]).first()
        if actor is None:
            raise CommandError(f"no user {options['user']!r}")
        try:
            moved = services.transition(app, options["name"], actor, reason=options["reason"],
                                        amount=_amount(options["amount"]))
        except Refused as exc:
            raise CommandError(f"refused: {exc.reason}") from exc
        return f"application {moved.pk}: {moved.state} ({moved.state_label})"


def _amount(raw: str | None) -> Decimal | None:
    if raw is None:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise CommandError(f"amount {raw!r} is not a decimal number") from None
