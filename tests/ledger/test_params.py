"""The fund's figures come from fund.yaml and cite sentences of 政策/二/(一)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policyhub import policytext
from policyhub.ledger.params import fund, parse


def test_the_figures_are_those_of_the_text() -> None:
    p = fund()
    assert list(p.budget_years) == [2020, 2021, 2022]
    assert p.total == Decimal("200000000.00") and p.city_share == Decimal("100000000.00")
    assert (p.city_ratio, p.zone_ratio) == (1, 1) and p.zone_share == p.city_share


def test_every_figure_cites_a_sentence_of_the_special_fund_clause() -> None:
    for figure in fund().figures:
        assert figure.reference.startswith("政策/二/(一)#")
        assert policytext.clause(figure.reference).kind == "sentence"


def test_an_unknown_clause_or_an_impossible_split_is_refused() -> None:
    good = "first_year: {reference: 政策/二/(一)#1, value: 2020}\n"
    rest = ("years: {reference: 政策/二/(一)#1, value: 3}\n"
            "total: {reference: 政策/二/(一)#1, value: '100'}\n"
            "city_share: {reference: 政策/二/(一)#2, value: '60'}\n"
            "matching_ratio: {reference: 政策/二/(一)#2, value: {city: 1, zone: 1}}\n")
    with pytest.raises(ValueError, match="city share plus matching exceeds"):
        parse(good + rest)
    with pytest.raises(ValueError, match="unknown clause"):
        parse(good.replace("#1", "#9") + rest)
