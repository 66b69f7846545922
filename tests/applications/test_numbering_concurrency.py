"""文号 under real concurrency (PostgreSQL): letters approved at the same instant get distinct
numbers 1…n of their year, and reviews opening notices on the same day share one batch."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import pytest
from django.conf import settings
from django.db import connection, transaction

from policyhub.applications import numbering
from policyhub.applications.models import Application, LetterNumber, NoticeBatch
from tests.personas import personas, unit

T = TypeVar("T")
pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: SQLite serialises every writer, so there is no concurrency to "
               "test (run `make pytest-pg` or set DATABASE_URL)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
THREADS = 12
DAY = dt.date(2022, 3, 1)


def _together(n: int, work: Callable[[int], T]) -> list[T | BaseException]:
    barrier = threading.Barrier(n)
    results: list[T | BaseException] = [RuntimeError("did not run")] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():  # as inside transition()
                results[i] = work(i)
        except BaseException as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_concurrent_approvals_get_distinct_numbers_of_their_year() -> None:
    p = personas()
    apps = [Application.objects.create(
        organisation=p.org, rule="P7.project", clause="二(七)", reference="政策/二/(七)",
        matter=f"m-{i}", state="approved", approved_amount=Decimal("1.00"),
        department=unit("miit"), created_by=p.admin) for i in range(THREADS)]
    results = _together(THREADS, lambda i: numbering.letter_number(apps[i], DAY).number)
    assert sorted(results) == list(range(1, THREADS + 1)), results  # type: ignore[type-var]
    assert LetterNumber.objects.filter(year=2022).count() == THREADS


def test_concurrent_reviews_of_one_day_share_one_batch() -> None:
    results = _together(THREADS, lambda i: numbering.notice_batch(DAY, DAY.replace(day=8)).pk)
    assert len(set(results)) == 1, results
    assert NoticeBatch.objects.get().number == 1
