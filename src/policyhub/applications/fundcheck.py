"""The special fund against the applications (`manage.py ledger_check`, issue 16 item 6).

An application's money lives in the ledger under its award key (`award-<id>`): `approve`
commits the approved amount, `pay` pays all of it, a refusal, withdrawal or supersession
after approval releases it (services._effects). So each state says what its award's books
must show, and a ledger changed behind the services' back no longer fits the application:

    approved             committed and outstanding = the approved amount, nothing paid
    paid                 paid = the approved amount, nothing outstanding
    any other state      nothing outstanding, nothing paid
"""

from __future__ import annotations

import re
from decimal import Decimal

from policyhub.applications.models import Application
from policyhub.ledger.models import ZERO, Account, Commitment, MoneySum, Posting

AWARD_KEY = re.compile(r"award-(\d+)")


def problems() -> list[str]:
    sums: dict[tuple[str, str], Decimal] = {
        (key, kind): total for key, kind, total in
        Posting.objects.filter(entry__commitment__award_key__startswith="award-")
        .values_list("entry__commitment__award_key", "account__kind")
        .annotate(total=MoneySum("amount"))
        .values_list("entry__commitment__award_key", "account__kind", "total")}
    keys = set(Commitment.objects.filter(award_key__startswith="award-")
               .values_list("award_key", flat=True))
    ids = {int(m.group(1)) for k in keys if (m := AWARD_KEY.fullmatch(k))}
    apps = {a.award_key: a for a in Application.objects.filter(pk__in=ids)
            .only("id", "state", "approved_amount")}
    out = []
    for key in sorted(keys):
        app = apps.get(key)
        if app is None:
            out.append(f"commitment {key} belongs to no application")
            continue
        outstanding = sums.get((key, Account.Kind.COMMITMENTS), ZERO)
        paid = sums.get((key, Account.Kind.PAID), ZERO)
        expected = _expected(app)
        if (outstanding, paid) != expected:
            out.append(f"application {app.pk} is {app.state} with {app.approved_amount} "
                       f"approved, but its award has {outstanding} outstanding and {paid} "
                       f"paid (expected {expected[0]} and {expected[1]})")
    missing = Application.objects.filter(state__in=("approved", "paid")).exclude(
        pk__in=[int(k.removeprefix("award-")) for k in keys if AWARD_KEY.fullmatch(k)])
    out += [f"application {pk} is {state} but the fund has no commitment for it"
            for pk, state in missing.values_list("pk", "state")]
    return out


def _expected(app: Application) -> tuple[Decimal, Decimal]:
    """(outstanding, paid) the award of `app` must show in its state."""
    amount = app.approved_amount or ZERO
    if app.state == "approved":
        return amount, ZERO
    if app.state == "paid":
        return ZERO, amount
    return ZERO, ZERO
