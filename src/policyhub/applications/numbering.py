"""文号: numbers of the documents the bureau issues, per calendar year in Beijing time.

A 公示 batch and a 核定通知书 each take the next number of their year. Two reviewers acting in
the same second must not get the same number: the tables' unique constraints (year, number)
refuse the second insert, and `next_number` takes the next free number again (a savepoint per
attempt, so the surrounding transition goes on). The year is the Beijing calendar year of the
decision day (`services.today()` is `timezone.localdate()` under TIME_ZONE = Asia/Shanghai): a
letter approved on 1 January 00:30 in Beijing is numbered in the new year although it is
still 31 December in UTC.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max

from policyhub.applications.models import Application, LetterNumber, NoticeBatch

ATTEMPTS = 20  # concurrent inserts of one year; each failed attempt sees the winner's row


class NumberingFailed(RuntimeError):
    """The unique constraint kept refusing: more concurrent writers than ATTEMPTS."""


def _next(model: type[NoticeBatch] | type[LetterNumber], year: int) -> int:
    top = model.objects.filter(year=year).aggregate(top=Max("number"))["top"]
    return int(top or 0) + 1


def notice_batch(starts_on: dt.date, ends_on: dt.date) -> NoticeBatch:
    """The batch of the notices opened on `starts_on` and ending `ends_on` (made with the
    next 文号 of the year when it is the first of them)."""
    for _ in range(ATTEMPTS):
        found = NoticeBatch.objects.filter(starts_on=starts_on, ends_on=ends_on).first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                return NoticeBatch.objects.create(
                    starts_on=starts_on, ends_on=ends_on, year=starts_on.year,
                    number=_next(NoticeBatch, starts_on.year))
        except IntegrityError:
            continue  # another reviewer made this batch, or took this number: look again
    raise NumberingFailed(f"公示批次 {starts_on}—{ends_on} 未能编号")


def letter_number(app: Application, day: dt.date) -> LetterNumber:
    """The 核定通知书 number of `app`, approved on `day` (Beijing): given once."""
    for _ in range(ATTEMPTS):
        found = LetterNumber.objects.filter(application=app).first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                return LetterNumber.objects.create(
                    application=app, year=day.year, number=_next(LetterNumber, day.year),
                    issued_on=day)
        except IntegrityError:
            continue
    raise NumberingFailed(f"申报{app.pk}的核定通知书未能编号")
