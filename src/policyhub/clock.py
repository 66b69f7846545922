"""The application's "today": one function every workflow date, 公示 period, budget year,
dashboard default and letter asks, instead of `date.today()` or `timezone.now().date()`.

`POLICYHUB_TODAY=YYYY-MM-DD` (settings.DEMO_TODAY) fixes the day for a demo or a training
session: the demo's data lie in the fund's budget years 2020–2022, and on the real today
every approval would be refused as outside them. Unset (production), it is the real day in
Beijing time (settings.TIME_ZONE, Asia/Shanghai), not the server's local day. Timestamps of
the audit trail and the ledger stay real: they record when something was done.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def fixed_day() -> dt.date | None:
    """The day POLICYHUB_TODAY fixes, or None when the real day is used."""
    day = getattr(settings, "DEMO_TODAY", None)
    return day if isinstance(day, dt.date) else None


def today() -> dt.date:
    """The application's today: the fixed demo day, else the real day in Beijing time."""
    return fixed_day() or timezone.localdate()
