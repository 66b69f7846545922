"""`manage.py ledger_report`: the fund's tables — by year, clause, department, district, and
every account's balance (the same figures as /api/v1/ledger/)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policyhub.ledger import reports

SECTIONS = ("year", "clause", "department", "district", "balances")
TITLES = {"year": "预算年度", "clause": "政策条款", "department": "责任部门",
          "district": "区县（市）", "balances": "科目余额"}


class Command(BaseCommand):
    help = "Print budget vs committed vs paid by year, clause, department, district; balances."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sections", nargs="*", metavar="SECTION",
                            help=f"which tables (default: all of {', '.join(SECTIONS)})")

    def handle(self, *args: Any, **options: Any) -> None:
        unknown = sorted(set(options["sections"]) - set(SECTIONS))
        if unknown:
            raise CommandError(f"unknown section(s) {', '.join(unknown)}; "
                               f"choose from {', '.join(SECTIONS)}")
        for section in options["sections"] or SECTIONS:
            self.stdout.write(f"\n## {TITLES[section]}\n")
            self.stdout.write(self._table(section) + "\n")

    def _table(self, section: str) -> str:
        if section == "balances":
            return reports.render_balances(reports.balances())
        if section == "year":
            return reports.render(reports.by_year(), TITLES[section])
        rows = reports.by_dimension(section)  # type: ignore[arg-type]
        return reports.render(rows, TITLES[section]) if rows else "（尚无核定）"
