"""`policyhub manage remind`: units with due/overdue reports, printed and mailed."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command

from policyhub.plan.models import Report, Target

pytestmark = pytest.mark.django_db


def remind(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_it_lists_units_with_overdue_reports(science_officer: User) -> None:
    text = remind("--as-of", "2019-10-16")
    assert "市科技局：截至2019-10-16，行动计划目标数据逾期未报" in text
    assert "市级及以上科技企业孵化器、众创空间等创新创业平台（2019年第3季度，逾期未报" in text
    assert "国家级产业公共服务平台" in text  # 市工业和信息化局's
    # Computed targets are never asked for: the park's are all centre records.
    assert "长沙高新区管委会" not in text and "产业规模" not in text
    assert mail.outbox == []


def test_a_unit_that_reported_everything_is_not_listed(science_officer: User) -> None:
    unit = science_officer.roles.get().unit
    assert unit is not None
    for target in Target.objects.filter(lead_unit=unit, indicator=""):
        Report.objects.create(target=target, unit=unit, value=1, as_of=dt.date(2019, 9, 30),
                              reporter=science_officer, evidence="plan/evidence/x.pdf")
    assert "市科技局" not in remind("--as-of", "2019-10-16")


def test_it_says_nothing_is_due_before_the_first_quarter_ends() -> None:
    summary = "0 个单位有待报送或逾期未报事项（截至 2019-09-30）"
    assert remind("--as-of", "2019-09-30").strip() == summary


def test_mail_goes_to_the_units_staff(science_officer: User) -> None:
    text = remind("--as-of", "2019-10-16", "--mail")
    assert "已发送至 science@example.cn" in text
    assert "没有登记邮箱的工作人员" in text  # units without staff are named, not skipped
    sent = [m for m in mail.outbox if m.to == ["science@example.cn"]]
    assert len(sent) == 1
    assert sent[0].subject == "【行动计划监测】市科技局数据报送提醒"
    assert "逾期未报" in sent[0].body
    assert len(mail.outbox) == 1


def test_a_bad_date_is_an_error() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        remind("--as-of", "yesterday")
