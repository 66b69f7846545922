"""Property: any sequence of commit / pay / release keeps every invariant of the ledger, and the
derived figures match a plain model of what should have happened."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyhub.ledger.checks import problems
from policyhub.ledger.errors import LedgerError
from policyhub.ledger.services import commit, figures, pay, release
from tests.ledger.helpers import YEAR, fund_year
from tests.personas import Personas, personas

pytestmark = pytest.mark.django_db

POOL = Decimal("100.00")
YEARS = (YEAR, YEAR + 1)
KEYS = ("A", "B", "C", "D")
cents = st.integers(min_value=1, max_value=6000).map(lambda c: Decimal(c) / 100)
operation = st.one_of(
    st.tuples(st.just("commit"), st.sampled_from(KEYS), st.sampled_from(YEARS), cents),
    st.tuples(st.just("pay"), st.sampled_from(KEYS), cents, st.integers(0, 5)),
    st.tuples(st.just("release"), st.sampled_from(KEYS)),
)


class Model:
    """What the books should say: per award (year, outstanding, paid)."""

    def __init__(self) -> None:
        self.awards: dict[str, list[Decimal | int]] = {}
        self.keys: dict[str, tuple[str, Decimal]] = {}

    def available(self, year: int) -> Decimal:
        used = sum((Decimal(a[1]) + Decimal(a[2]) for a in self.awards.values() if a[0] == year),
                   Decimal(0))
        return POOL - used

    def apply(self, op: tuple[object, ...], ok: bool) -> None:
        kind, key = op[0], str(op[1])
        if kind == "commit" and ok:
            self.awards[key] = [int(str(op[2])), Decimal(str(op[3])), Decimal(0)]
        elif kind == "pay" and ok and f"k{op[3]}" not in self.keys:
            amount = Decimal(str(op[2]))
            self.keys[f"k{op[3]}"] = (key, amount)
            self.awards[key][1] = Decimal(self.awards[key][1]) - amount
            self.awards[key][2] = Decimal(self.awards[key][2]) + amount
        elif kind == "release" and ok:
            self.awards[key][1] = Decimal(0)


def _apply(p: Personas, op: tuple[object, ...]) -> bool:
    try:
        if op[0] == "commit":
            commit(str(op[1]), int(str(op[2])), Decimal(str(op[3])), p.bureau_officer,
                   clause="政策/二/(四)", department=None, district="", payee="某公司")
        elif op[0] == "pay":
            pay(str(op[1]), Decimal(str(op[2])), p.finance, idempotency_key=f"k{op[3]}")
        else:
            release(str(op[1]), p.bureau_officer, reason="撤回")
    except LedgerError:
        return False
    return True


@pytest.fixture
def people() -> Iterator[Personas]:
    p = personas()
    for year in YEARS:
        fund_year(p.finance, str(POOL), year=year)
    yield p


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(operation, max_size=14))
def test_any_sequence_keeps_every_invariant(people: Personas,
                                           ops: list[tuple[object, ...]]) -> None:
    with transaction.atomic():  # each example starts from the same funded books
        model = Model()
        for op in ops:
            model.apply(op, _apply(people, op))
            assert problems() == [], op
            for year in YEARS:
                f = figures(year)
                assert f.available >= 0 and f.budget == POOL
                assert f.available == model.available(year), (op, model.awards)
        transaction.set_rollback(True)
