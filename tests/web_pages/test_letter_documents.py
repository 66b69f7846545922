"""The 核定通知书 in Beijing time: its date and 文号 year are the approval day's in
Asia/Shanghai, its number counts per calendar year and stays unique when two approvals race;
rendered to PNG and read back (one page, every character on the paper, Noto CJK embedded)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from policyhub.applications import notices, numbering
from policyhub.applications.models import Application, LetterNumber
from policyhub.web.pdf import cjk_font_installed
from tests.documents import fonts, needs_poppler, pages, pngs
from tests.personas import Personas, unit
from tests.web_pages.conftest import Login
from tests.web_pages.helpers import fund, in_notice, move

UTC = dt.UTC


def _approve_at(people: Personas, monkeypatch: pytest.MonkeyPatch,
                instant: dt.datetime) -> Application:
    """Approve the notice's application at the real instant `instant` (UTC), the decision
    day left to services.today() (Beijing)."""
    fund(people, year=timezone.localtime(instant).year)
    app = in_notice(people, Decimal("1500000.00"))
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return move(app, "approve", people.bureau_officer, day=None)  # type: ignore[arg-type]


def _bare(people: Personas, matter: str) -> Application:
    """An approved application written straight into the table (only its number matters)."""
    return Application.objects.create(
        organisation=people.org, rule="P7.project", clause="二(七)", reference="政策/二/(七)",
        matter=matter, state="approved", approved_amount=Decimal("1.00"),
        department=unit("miit"), created_by=people.admin)


def test_a_letter_approved_after_midnight_in_beijing_bears_the_beijing_date(
        people: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    # 2022-05-31 17:30 UTC is 2022-06-01 01:30 in Beijing.
    app = _approve_at(people, monkeypatch, dt.datetime(2022, 5, 31, 17, 30, tzinfo=UTC))
    found = notices.letter(app)
    assert found.approved_on == dt.date(2022, 6, 1)
    assert found.number == "长工信核〔2022〕1号"
    text = "".join(p.text for p in pages(notices.letter_pdf(app)))
    assert "2022年6月1日" in text and "2022年5月31日" not in text


def test_the_first_letter_of_new_year_in_beijing_is_number_one_of_the_new_year(
        people: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    LetterNumber.objects.create(application=_bare(people, "x-1"), year=2021, number=1,
                                issued_on=dt.date(2021, 12, 30))  # issued in 2021
    app = _approve_at(people, monkeypatch, dt.datetime(2021, 12, 31, 16, 30, tzinfo=UTC))
    assert notices.letter(app).number == "长工信核〔2022〕1号"


def test_a_number_taken_by_a_concurrent_approval_is_not_given_twice(
        people: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _bare(people, "x-1"), _bare(people, "x-2")
    LetterNumber.objects.create(application=first, year=2022, number=1,
                                issued_on=dt.date(2022, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        LetterNumber.objects.create(application=second, year=2022, number=1,
                                    issued_on=dt.date(2022, 3, 1))
    # The other approval read the same highest number before the first one committed.
    stale = iter([1])
    real = numbering._next
    monkeypatch.setattr(numbering, "_next",
                        lambda model, year: next(stale, None) or real(model, year))
    got = numbering.letter_number(second, dt.date(2022, 3, 1))
    assert (got.year, got.number) == (2022, 2)


@needs_poppler
@pytest.mark.skipif(not cjk_font_installed(), reason="run scripts/ensure-browsers")
def test_the_letter_renders_on_one_page_with_the_font_embedded(
        login: Login, people: Personas, today: object) -> None:
    from tests.web_pages.helpers import approved

    app = approved(people, Decimal("1234567.89"))
    pdf = login("applicant").get(reverse("applications:letter", args=[app.pk])).content
    found = pages(pdf)
    assert len(pngs(pdf, "letter")) == len(found) == 1
    page = found[0]
    assert page.outside_cells == [] and page.outside_page == []
    text = page.text.replace("\n", "")
    assert "长工信核〔2021〕1号" in text and "2021年6月16日" in text and "1,234,567.89" in text
    assert "项目投资（2020年5月1日）" in text and "proj-1" not in text
    assert "第 1 页 共 1 页" in text
    assert all(f.embedded for f in fonts(pdf)) and any("CJK" in f.name for f in fonts(pdf))
