"""`manage.py ledger_report` and `manage.py ledger_check`."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from policyhub.ledger.models import Posting
from policyhub.ledger.services import pay
from tests.ledger.helpers import approve, fund_year
from tests.personas import personas
from tests.tamper import raw as _raw

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def books() -> None:
    p = personas()
    fund_year(p.finance, "1000.00")
    approve(p.bureau_officer, "A-1", "300.00")
    pay("A-1", Decimal("100.00"), p.finance, idempotency_key="k")


@pytest.mark.usefixtures("books")
def test_the_report_prints_every_table() -> None:
    text = _run("ledger_report")
    for title in ("预算年度", "政策条款", "责任部门", "区县（市）", "科目余额"):
        assert f"## {title}" in text
    assert "1,000.00" in text and "pool-2020" in text and "市工业和信息化局" in text
    assert "科目余额" not in _run("ledger_report", "year")
    with pytest.raises(CommandError, match="unknown section"):
        _run("ledger_report", "weather")


@pytest.mark.usefixtures("books")
def test_the_check_passes_on_sound_books() -> None:
    assert "ledger sound: 4 entries checked" in _run("ledger_check")


@pytest.mark.usefixtures("books")
def test_the_check_finds_an_unbalanced_entry_and_an_overpaid_award() -> None:
    posting = Posting.objects.filter(account__kind="paid").get()
    # Edited behind the services' back: the payment is now twice the commitment.
    _raw("UPDATE ledger_posting SET amount = %s WHERE id = %s", "600.00", posting.pk)
    with pytest.raises(CommandError) as broken:
        _run("ledger_check")
    message = str(broken.value)
    assert f"entry #{posting.entry_id} does not balance" in message
    assert "award A-1" not in message  # its commitment account is untouched…
    _raw("UPDATE ledger_posting SET amount = %s WHERE entry_id = %s AND id <> %s",
         "-600.00", posting.entry_id, posting.pk)
    with pytest.raises(CommandError, match=r"award A-1: commitments balance -300(\.00)? is"):
        _run("ledger_check")  # …until the credit side follows


@pytest.mark.usefixtures("books")
def test_the_check_finds_the_city_ahead_of_the_zone() -> None:
    _raw("UPDATE ledger_posting SET amount = amount * 2 WHERE account_id IN "
         "(SELECT id FROM ledger_account WHERE kind = 'city_contribution')")
    with pytest.raises(CommandError, match="ahead of the zone"):
        _run("ledger_check")
