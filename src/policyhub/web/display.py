"""Formatting shared by pages and PDFs: money, status tones, clause links."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import quote

from django.urls import reverse

from policyhub import policytext

# Status codes of every app mapped to one of four tones (CSS classes badge-<tone>). Codes
# not listed are shown neutral, so a new status never breaks a page.
TONES: dict[str, str] = {
    "granted": "ok",
    "approved": "ok",
    "paid": "ok",
    "accepted": "ok",
    "active": "ok",
    "excluded": "bad",
    "refused": "bad",
    "rejected": "bad",
    "ineligible": "bad",
    "withdrawn": "muted",
    "draft": "muted",
    "released": "muted",
    "submitted": "wait",
    "pending": "wait",
    "under_review": "wait",
    "committed": "wait",
    "discretionary": "wait",
}


def tone(status: str) -> str:
    return TONES.get(status, "muted")


def money(value: object) -> str:
    """'1234567.5' -> '1,234,567.50' (Decimal, never float; half-up to the fen like the
    engine); a value that is not a number is shown as it is."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def clause_url(clause_id: str) -> str:
    """The policy text page anchored at a clause: /policy/#政策/二/(四), percent-encoded.

    The '#' of a sentence id (政策/二/(四)#1) becomes %23: a fragment may not hold a second
    '#', and browsers decode the fragment before looking for the element with that id.
    """
    return reverse("web:policy") + "#" + quote(clause_id, safe="/()")


def cite(clause_id: str) -> str:
    """The Chinese citation of a clause id, or the id itself when it is not a clause."""
    try:
        return policytext.cite(clause_id)
    except KeyError:
        return clause_id


def percent(value: Decimal, maximum: Decimal) -> int:
    """Whole percent of value in maximum, clamped to 0..100 (0 when maximum is not > 0)."""
    if maximum <= 0:
        return 0
    share = int((value * 100 / maximum).to_integral_value())
    return max(0, min(100, share))
