"""`{% load plan %}`: numbers as the plan prints them."""

from __future__ import annotations

from decimal import Decimal

from django import template

from policyhub.plan.models import plain

register = template.Library()


@register.filter(name="plain")
def plain_filter(value: Decimal | None) -> str:
    """150.0000 -> '150', 12.7500 -> '12.75', None -> '—'."""
    return "—" if value is None else plain(value)
