"""`policyhub manage remind [--mail] [--as-of DATE]`: units whose plan reports are due or
overdue; with --mail, one message per unit to its staff through Django's mail backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub import clock
from policyhub.accounts.models import RoleAssignment
from policyhub.plan import schedule
from policyhub.units.models import Unit


def staff_emails(unit: Unit) -> list[str]:
    """Addresses of every user holding a role at the unit (sorted, each once)."""
    users = RoleAssignment.objects.filter(unit=unit).select_related("user")
    return sorted({a.user.email for a in users if a.user.email and a.user.is_active})


def message(entry: schedule.UnitDue, as_of: dt.date) -> str:
    lines = [f"{entry.unit.name}：截至{as_of:%Y-%m-%d}，行动计划目标数据逾期未报 "
             f"{entry.overdue} 项，待报送 {entry.due} 项。"]
    lines += [f"  - {o.target.label}（{o.period.label}，{o.state_label}，"
              f"截止 {o.period.due:%Y-%m-%d}）" for o in entry.items]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "List units whose action-plan reports are due or overdue; --mail sends reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="the day to judge on, YYYY-MM-DD (default today)")
        parser.add_argument("--mail", action="store_true",
                            help="mail each unit's staff through the configured mail backend")

    def handle(self, *args: Any, **options: Any) -> str:
        as_of = self._as_of(options.get("as_of"))
        found = schedule.by_unit(schedule.obligations(as_of))
        for entry in found:
            self.stdout.write(message(entry, as_of))
            if options["mail"]:
                self.stdout.write(self._mail(entry, as_of))
        return f"{len(found)} 个单位有待报送或逾期未报事项（截至 {as_of:%Y-%m-%d}）"

    def _as_of(self, raw: str | None) -> dt.date:
        if not raw:
            return clock.today()
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise CommandError(f"--as-of must be a date YYYY-MM-DD, got {raw!r}") from None

    def _mail(self, entry: schedule.UnitDue, as_of: dt.date) -> str:
        to = staff_emails(entry.unit)
        if not to:
            return f"  （{entry.unit.name}没有登记邮箱的工作人员，未发送）"
        send_mail(f"【行动计划监测】{entry.unit.name}数据报送提醒", message(entry, as_of),
                  settings.DEFAULT_FROM_EMAIL, to)
        return f"  已发送至 {', '.join(to)}"
