"""One matter, one payment — checked over the ledger's payments (`manage.py ledger_check`).

The workflow holds it by construction (the constraint one_live_application_*, the lock
order, competition.less_paid); this finds what got past it (a race of an older version, raw
SQL, a restored backup). It reads what the ledger actually paid per award (`award-<id>`) and
groups the applications paid by applicant and matter:

- a matter paid under two clause groups breaks 就高不就低 (三(一));
- one (applicant, rule, matter) paid under several applications is allowed only as a top-up
  of an exact amount: the total paid may not exceed the largest amount the engine granted
  the claim in any of their decisions, and a ceiling (二(七)) or a 一事一议 item is paid once.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from policyhub.applications.models import Application, applicant_field
from policyhub.engine import meta
from policyhub.ledger.models import Account, MoneySum, Posting

AWARD_PREFIX = "award-"


def paid_per_application() -> dict[int, Decimal]:
    """What the ledger paid per application (its award key `award-<id>`), net of nothing:
    payments are never reversed, only outstanding commitments are released."""
    rows = (Posting.objects.filter(account__kind=Account.Kind.PAID,
                                   entry__commitment__award_key__startswith=AWARD_PREFIX)
            .values_list("entry__commitment__award_key").annotate(total=MoneySum("amount")))
    out: dict[int, Decimal] = {}
    for key, total in rows:
        suffix = key.removeprefix(AWARD_PREFIX)
        if suffix.isdigit() and total:
            out[int(suffix)] = total
    return out


def double_payments() -> list[str]:
    """Every matter paid more than once, one sentence each; empty when none is."""
    paid = paid_per_application()
    apps = Application.objects.filter(pk__in=paid).order_by("pk").select_related(
        "organisation", "person", "team")
    by_matter: dict[tuple[str, int, str], list[Application]] = defaultdict(list)
    for app in apps:
        by_matter[(applicant_field(app.applicant), app.applicant.pk, app.matter)].append(app)
    out: list[str] = []
    for group in by_matter.values():
        out += _across_clauses(group, paid) + _same_claim(group, paid)
    return out


def _who(app: Application) -> str:
    return f"{app.applicant_kind} {app.applicant.pk} ({app.applicant_name}), matter {app.matter}"


def _across_clauses(apps: list[Application], paid: dict[int, Decimal]) -> list[str]:
    counted = [a for a in apps if not a.discretionary]
    clauses = sorted({a.clause for a in counted})
    if len(clauses) < 2:
        return []
    listed = ", ".join(f"#{a.pk} {a.clause} {paid[a.pk]}" for a in counted)
    return [f"{_who(counted[0])} is paid under {len(clauses)} clauses ({listed}): "
            "就高不就低 pays one"]


def _same_claim(apps: list[Application], paid: dict[int, Decimal]) -> list[str]:
    by_rule: dict[str, list[Application]] = defaultdict(list)
    for a in apps:
        by_rule[a.rule].append(a)
    out = []
    for rule, claim in by_rule.items():
        if len(claim) < 2:
            continue
        total = sum((paid[a.pk] for a in claim), Decimal(0))
        listed = ", ".join(f"#{a.pk} {paid[a.pk]}" for a in claim)
        head = f"{_who(claim[0])}: rule {rule} ({meta.rule(rule).clause}) paid {len(claim)} times"
        if any(a.ceiling or a.discretionary for a in claim):
            out.append(f"{head} ({listed}); a ceiling or committee amount is paid once")
            continue
        granted = max((_engine_amount(a) for a in claim), default=Decimal(0))
        if total > granted:
            out.append(f"{head} ({listed}), {total} in all, more than the {granted} the engine "
                       "granted the claim")
    return out


def _engine_amount(app: Application) -> Decimal:
    """The amount the engine granted (rule, matter) in the decision snapshotted on `app`,
    before any deduction of earlier payments."""
    engine = app.decision.get("engine", {})
    for award in engine.get("awards", []):
        if (award["rule"], award["matter"]) == (app.rule, app.matter):
            return Decimal(award["amount"])
    return Decimal(0)
