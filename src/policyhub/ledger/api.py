"""REST endpoints of the special fund ledger, mounted under /api/v1/ledger/.

Read-only: the writes are services called by the application workflow. Amounts are strings of
yuan with two decimals, so no client reads them through a float. Readers are listed in
permissions.READERS; any other signed-in user gets 403 with the reason, and the refusal is
audited. An anonymous caller gets 401 from the API's session auth before any of this runs
(config/api.py), so it writes nothing; reads that are allowed are not audited.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Path, Router, Schema, Status

from policyhub.audit.services import record
from policyhub.ledger import reports
from policyhub.ledger.permissions import can_read_reports
from policyhub.ledger.services import figures

router = Router(tags=["ledger"])

HTTP_FORBIDDEN = 403
# A budget year: declared with its bounds in the schema (the fuzzer tries them); outside, 422
# naming `year` — never a number the database's year column cannot hold.
FIRST_YEAR, LAST_YEAR = 1990, 2100


class Refusal(Schema):
    detail: str


class ReportRowOut(Schema):
    key: str
    budget: str | None
    committed: str
    paid: str
    available: str | None
    approved: str


class BalanceOut(Schema):
    code: str
    name: str
    kind: str
    year: int
    balance: str


class YearOut(Schema):
    year: int
    budget: str
    committed: str
    paid: str
    available: str


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _row(r: reports.ReportRow) -> dict[str, Any]:
    return {"key": r.key, "budget": _money(r.budget), "committed": _money(r.committed),
            "paid": _money(r.paid), "available": _money(r.available),
            "approved": _money(r.approved)}


def _guarded(request: HttpRequest, what: str, build: Callable[[], Any]) -> Any:
    allowed, reason = can_read_reports(request.user)
    if not allowed:
        record(request.user, "ledger.read", allowed=False, reason=reason, report=what)
        return Status(HTTP_FORBIDDEN, {"detail": reason})
    return Status(200, build())


RESPONSES_ROWS: dict[int, Any] = {200: list[ReportRowOut], HTTP_FORBIDDEN: Refusal}


@router.get("/reports/year", response=RESPONSES_ROWS, operation_id="ledger_by_year",
            summary="Budget vs committed vs paid vs available, by budget year (with a total)")
def by_year(request: HttpRequest) -> Any:
    return _guarded(request, "year", lambda: [_row(r) for r in reports.by_year()])


@router.get("/reports/{dimension}", response=RESPONSES_ROWS, operation_id="ledger_by_dimension",
            summary="Committed vs paid by clause, department or district (with a total)")
def by_dimension(request: HttpRequest,
                 dimension: Literal["clause", "department", "district"]) -> Any:
    return _guarded(request, dimension,
                    lambda: [_row(r) for r in reports.by_dimension(dimension)])


@router.get("/balances", response={200: list[BalanceOut], HTTP_FORBIDDEN: Refusal},
            operation_id="ledger_balances", summary="Every account and its derived balance")
def balances(request: HttpRequest) -> Any:
    return _guarded(request, "balances", lambda: [
        {"code": b.code, "name": b.name, "kind": b.kind, "year": b.year,
         "balance": _money(b.balance)} for b in reports.balances()])


@router.get("/years/{year}", response={200: YearOut, HTTP_FORBIDDEN: Refusal},
            operation_id="ledger_year", summary="One budget year's figures, incl. available")
def year_figures(request: HttpRequest,
                 year: int = Path(..., ge=FIRST_YEAR, le=LAST_YEAR)  # type: ignore[type-arg]
                 ) -> Any:
    def build() -> dict[str, Any]:
        f = figures(year)
        return {"year": f.year, "budget": _money(f.budget), "committed": _money(f.committed),
                "paid": _money(f.paid), "available": _money(f.available)}

    return _guarded(request, f"year {year}", build)
