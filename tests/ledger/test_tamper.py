"""`ledger_check` finds the ledger changed with database write access (issue 16, item 6).

Every case left the sums that `checks.py` adds up sound — each passed `ledger_check` before the
cross-checks: it is the audit trail, the posting pattern of each entry kind, the dates and the
application's state that give the change away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from policyhub.applications.models import Application
from policyhub.audit.services import verify
from policyhub.ledger.checks import problems
from policyhub.ledger.models import Account, Commitment, JournalEntry, Posting
from tests.applications.helpers import AFTER_NOTICE, draft, fund, move, project, to_notice
from tests.audit.test_tamper_evidence import keyed_with_the_real_key, rechain
from tests.personas import Personas, personas
from tests.tamper import raw

pytestmark = pytest.mark.django_db


@dataclass
class Books:
    p: Personas
    paid: Application  # approved and paid
    approved: Application  # approved, not yet paid

    @property
    def payment(self) -> JournalEntry:
        return JournalEntry.objects.get(kind="payment", award_key=self.paid.award_key)

    def commitment_entry(self, app: Application) -> JournalEntry:
        return JournalEntry.objects.get(kind="commitment", award_key=app.award_key)


@pytest.fixture
def books() -> Books:
    p = personas()
    fund(p)
    apps = []
    for matter in ("proj-1", "proj-2"):
        app = to_notice(p, draft(p, matter=matter, events=project(matter)))
        apps.append(move(app, "approve", p.bureau_officer, on=AFTER_NOTICE))
    paid = move(apps[0], "pay", p.finance, on=AFTER_NOTICE)
    assert ledger_check() == "" and verify().ok
    return Books(p=p, paid=paid, approved=apps[1])


def ledger_check() -> str:
    """'' when the books are sound, else the problems reported."""
    try:
        call_command("ledger_check", stdout=StringIO())
    except CommandError as exc:
        return str(exc)
    return ""


def account(kind: str, year: int) -> int:
    return Account.objects.get(kind=kind, year=year).pk


def test_deleting_a_whole_payment_with_its_postings(books: Books) -> None:
    pay = books.payment
    raw("DELETE FROM ledger_posting WHERE entry_id = %s", pay.pk)
    raw("DELETE FROM ledger_journalentry WHERE id = %s", pay.pk)
    assert problems() == []  # the sums still add up
    found = ledger_check()
    assert f"records entry #{pay.pk}, which the journal no longer has" in found
    assert f"application {books.paid.pk} is paid" in found


def test_deleting_an_unpaid_commitment(books: Books) -> None:
    entry = books.commitment_entry(books.approved)
    raw("DELETE FROM ledger_posting WHERE entry_id = %s", entry.pk)
    raw("DELETE FROM ledger_journalentry WHERE id = %s", entry.pk)
    raw("DELETE FROM ledger_commitment WHERE award_key = %s", books.approved.award_key)
    assert problems() == []
    found = ledger_check()
    assert f"records commitment {books.approved.award_key}" in found
    assert f"application {books.approved.pk} is approved but the fund has no commitment" \
        in found


def test_re_pointing_a_payments_debit(books: Books) -> None:
    pay = books.payment
    raw("UPDATE ledger_posting SET account_id = %s WHERE entry_id = %s AND amount > 0",
        account("pool", pay.year), pay.pk)
    assert problems() == []
    assert f"payment entry #{pay.pk} ({books.paid.award_key}) does not post to its accounts" \
        in ledger_check()


def test_re_pointing_a_payments_debit_to_another_year(books: Books) -> None:
    pay = books.payment
    raw("UPDATE ledger_posting SET account_id = %s WHERE entry_id = %s AND amount > 0",
        account("paid", pay.year - 1), pay.pk)
    assert problems() == []
    assert "posts to an account of another year" in ledger_check()


def test_changing_timestamps(books: Books) -> None:
    pay = books.payment
    raw("UPDATE ledger_journalentry SET at = %s WHERE id = %s",
        pay.at - dt.timedelta(days=30), pay.pk)
    assert problems() == []
    found = ledger_check()
    assert f"payment entry #{pay.pk} ({books.paid.award_key}) is dated" in found
    assert "is dated before its commitment" in found


def test_a_forged_payment_under_a_new_key_within_a_commitment(books: Books) -> None:
    c = Commitment.objects.get(award_key=books.approved.award_key)
    forged = JournalEntry.objects.create(
        at=JournalEntry.objects.order_by("-id")[0].at, kind="payment", year=c.year,
        commitment=c, award_key=c.award_key, idempotency_key="forged-1", memo="拨付")
    half = (books.approved.approved_amount or Decimal(0)) / 2
    Posting.objects.create(entry=forged, account_id=account("paid", c.year), amount=half)
    Posting.objects.create(entry=forged, account_id=account("commitments", c.year),
                           amount=-half)
    assert problems() == []
    found = ledger_check()
    assert f"payment entry #{forged.pk} ({c.award_key}) has 0 audit rows instead of 1" in found
    assert f"application {books.approved.pk} is approved" in found


def test_changing_a_payments_kind_to_release(books: Books) -> None:
    pay = books.payment
    raw("UPDATE ledger_journalentry SET kind = 'release' WHERE id = %s", pay.pk)
    assert problems() == []
    found = ledger_check()
    assert f"release entry #{pay.pk} ({books.paid.award_key}) does not post" in found
    assert f"release entry #{pay.pk} ({books.paid.award_key}) was written as ledger.pay" \
        in found


def test_inflating_a_commitment(books: Books) -> None:
    entry = books.commitment_entry(books.approved)
    raw("UPDATE ledger_posting SET amount = amount * 2 WHERE entry_id = %s", entry.pk)
    assert problems() == []
    found = ledger_check()
    assert f"commitment entry #{entry.pk} ({books.approved.award_key}) amounts to" in found
    assert f"application {books.approved.pk} is approved" in found


def test_deleting_and_rehashing_the_payment_audit_rows_even_with_the_key(books: Books) -> None:
    raw("DELETE FROM audit_auditentry WHERE action = 'ledger.pay'")
    rechain(keyed_with_the_real_key)
    assert verify().ok  # an insider with the key (no anchor here) …
    # … still cannot make the ledger agree with the trail.
    assert f"payment entry #{books.payment.pk} ({books.paid.award_key}) has 0 audit rows" \
        in ledger_check()


def test_sound_books_with_a_release_and_a_refusal_pass(books: Books) -> None:
    move(books.approved, "refuse", books.p.bureau_officer, reason="材料不实", on=AFTER_NOTICE)
    assert ledger_check() == ""
