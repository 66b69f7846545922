"""contribute(): the 1:1 matching rule and the text's amounts (政策/二/(一)#1, #2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policyhub.audit.models import AuditEntry
from policyhub.ledger.errors import ContributionRefused, InvalidRequest
from policyhub.ledger.services import available, contribute
from tests.ledger.helpers import YEAR
from tests.personas import personas

pytestmark = pytest.mark.django_db

D = Decimal


def test_the_city_cannot_put_in_money_before_the_zone_has_matched_it() -> None:
    p = personas()
    with pytest.raises(ContributionRefused, match="1∶1"):
        contribute("city", YEAR, D("0.01"), p.finance, reference="市本级")
    refusal = AuditEntry.objects.get(action="ledger.contribute")
    assert refusal.allowed is False and "1∶1" in refusal.reason
    assert available(YEAR) == 0


def test_exact_matching_is_allowed_and_one_fen_more_is_refused() -> None:
    p = personas()
    contribute("zone", YEAR, D("1000.00"), p.finance, reference="高新区配套")
    contribute("city", YEAR, D("999.99"), p.finance, reference="市本级 1")
    contribute("city", YEAR, D("0.01"), p.finance, reference="市本级 2")  # exactly 1:1
    with pytest.raises(ContributionRefused) as refused:
        contribute("city", YEAR, D("0.01"), p.finance, reference="市本级 3")
    assert refused.value.figures["city_total"] == D("1000.00")
    assert available(YEAR) == D("2000.00")


def test_matching_is_cumulative_over_the_three_years() -> None:
    p = personas()
    contribute("zone", YEAR, D("500.00"), p.finance, reference="高新区 2020")
    contribute("city", YEAR + 2, D("500.00"), p.finance, reference="市本级 2022")
    assert available(YEAR) == available(YEAR + 2) == D("500.00")


def test_neither_source_nor_the_fund_exceeds_the_text() -> None:
    p = personas()
    contribute("zone", YEAR, D("100000000.00"), p.finance, reference="高新区全额")
    with pytest.raises(ContributionRefused, match="累计"):
        contribute("zone", YEAR + 1, D("0.01"), p.finance, reference="高新区超额")
    contribute("city", YEAR + 1, D("100000000.00"), p.finance, reference="市本级全额")
    with pytest.raises(ContributionRefused):  # ahead of the zone and beyond its 1亿元
        contribute("city", YEAR + 2, D("0.01"), p.finance, reference="市本级超额")
    assert sum(available(y) for y in range(YEAR, YEAR + 3)) == D("200000000.00")


@pytest.mark.parametrize(("source", "year", "amount", "reference"), [
    ("state", YEAR, D("1.00"), "x"),
    ("zone", YEAR - 1, D("1.00"), "x"),
    ("zone", YEAR + 3, D("1.00"), "x"),
    ("zone", YEAR, D("0.00"), "x"),
    ("zone", YEAR, D("-1.00"), "x"),
    ("zone", YEAR, D("0.001"), "x"),
    ("zone", YEAR, D("NaN"), "x"),
    ("zone", YEAR, D("1.00"), " "),
])
def test_a_malformed_contribution_is_refused(source: str, year: int, amount: Decimal,
                                             reference: str) -> None:
    p = personas()
    with pytest.raises(InvalidRequest):
        contribute(source, year, amount, p.finance, reference=reference)  # type: ignore[arg-type]
    assert available(YEAR) == 0
