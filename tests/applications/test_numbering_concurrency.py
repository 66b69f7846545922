"""文号 under real concurrency (PostgreSQL): letters approved at the same instant get distinct
numbers 1…n of their year, and reviews opening notices on the same day share one batch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from policyhub.applications import numbering
from policyhub.applications.models import Application, LetterNumber, NoticeBatch
from tests.personas import personas, unit
from tests.threads import POSTGRES_ONLY, together

pytestmark = [POSTGRES_ONLY, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
THREADS = 12
DAY = dt.date(2022, 3, 1)


def test_concurrent_approvals_get_distinct_numbers_of_their_year() -> None:
    p = personas()
    apps = [Application.objects.create(
        organisation=p.org, rule="P7.project", clause="二(七)", reference="政策/二/(七)",
        matter=f"m-{i}", state="approved", approved_amount=Decimal("1.00"),
        department=unit("miit"), created_by=p.admin) for i in range(THREADS)]
    results = together([lambda i=i: numbering.letter_number(apps[i], DAY).number  # type: ignore[misc]
                       for i in range(THREADS)], atomic=True, catch=BaseException)
    assert sorted(results) == list(range(1, THREADS + 1)), results  # type: ignore[type-var]
    assert LetterNumber.objects.filter(year=2022).count() == THREADS


def test_concurrent_reviews_of_one_day_share_one_batch() -> None:
    results = together([lambda: numbering.notice_batch(DAY, DAY.replace(day=8)).pk] * THREADS,
                       atomic=True, catch=BaseException)
    assert len(set(results)) == 1, results
    assert NoticeBatch.objects.get().number == 1
