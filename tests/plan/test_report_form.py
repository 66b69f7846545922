"""The unit page's report form: bad values refused with field errors, nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from policyhub.accounts.models import Role
from policyhub.appendonly import AppendOnlyError
from policyhub.audit.models import AuditEntry
from policyhub.plan import services
from policyhub.plan.models import Report, Target
from policyhub.plan.progress import Status, progress_of
from policyhub.units.models import Unit
from tests.personas import user
from tests.plan.conftest import evidence

pytestmark = pytest.mark.django_db
URL = "/plan/units/science/"


@pytest.fixture
def signed_in(client: Client, science_officer: User) -> Client:
    client.force_login(science_officer)
    return client


def post(client: Client, code: str = "incubators", **fields: Any) -> Any:
    form = {"target": Target.objects.get(code=code).pk, "value": "4",
            "as_of": "2020-12-31", "evidence": evidence(), "note": "年度统计"}
    form.update(fields)
    return client.post(URL, {k: v for k, v in form.items() if v is not None})


def test_it_shows_the_units_tasks_targets_and_overdue_reports(signed_in: Client) -> None:
    page = signed_in.get(URL + "?as_of=2020-01-20").content.decode()
    assert "3. 加快创新创业" in page           # a task it leads
    assert "4. 完善标准体系" in page            # a task it is responsible for
    assert "市级及以上科技企业孵化器" in page   # a target it leads
    assert "逾期未报" in page


def test_a_good_report_is_saved_and_becomes_the_value(signed_in: Client,
                                                      science_officer: User) -> None:
    response = post(signed_in)
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.value, report.unit.code, report.reporter) == (Decimal(4), "science",
                                                                 science_officer)
    assert report.evidence.read() == b"%PDF-1.4 evidence"
    p = progress_of(report.target, dt.date(2021, 1, 1))
    assert (p.value, p.source_kind) == (Decimal(4), "report")
    assert AuditEntry.objects.filter(action="plan.report", allowed=True).count() == 1


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"value": "-1"}, "value", "报送值不能为负数。"),
    ({"value": "十"}, "value", "报送值必须是数字。"),
    ({"value": "NaN"}, "value", "报送值必须是数字。"),
    ({"value": None}, "value", "请填写报送值。"),
    ({"as_of": "2099-01-01"}, "as_of", "截至日期不能晚于今天。"),
    ({"as_of": "2019-07-29"}, "as_of", "截至日期不能早于行动计划开始日（2019-07-30）。"),
    ({"as_of": "31/12/2020"}, "as_of", "截至日期格式应为 YYYY-MM-DD。"),
    ({"evidence": None}, "evidence", "请上传佐证材料。"),
])
def test_it_refuses_bad_values_with_field_errors(signed_in: Client, fields: dict[str, Any],
                                                 field: str, message: str) -> None:
    response = post(signed_in, **fields)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_a_share_over_100_percent_is_refused(client: Client) -> None:
    # Every share target of the text is computed from records, so a hand-made reported one.
    officer = user("data_officer", Role.DEPARTMENT_REVIEWER, unit_code="data")
    client.force_login(officer)
    model = Target.objects.get(code="office-terminals-replaced")
    target = Target.objects.create(
        code="reported-share", clause=model.clause, quote=model.quote, label="报送占比",
        kind=Target.Kind.SHARE, value=80, unit="%", start=model.start,
        deadline=model.deadline, lead_unit=model.lead_unit, lead_basis=model.lead_basis,
        order=99)
    response = client.post("/plan/units/data/", {
        "target": target.pk, "value": "100.01", "as_of": "2020-12-31",
        "evidence": evidence()})
    assert response.status_code == 400
    assert response.context["form"].errors["value"] == ["占比不能超过100%。"]
    assert not Report.objects.exists()


def test_it_offers_only_targets_the_unit_reports(signed_in: Client) -> None:
    response = post(signed_in, code="listings")  # computed, and 市政府金融办's
    assert response.status_code == 400
    assert response.context["form"].errors["target"] == ["该目标不由本单位报送。"]


def test_staff_of_another_unit_are_refused_and_audited(client: Client) -> None:
    client.force_login(user("miit_officer", Role.BUREAU_OFFICER, unit_code="miit"))
    response = post(client)
    assert response.status_code == 403
    assert "只有市科技局的工作人员" in response.content.decode()
    assert not Report.objects.exists()
    assert AuditEntry.objects.filter(action="plan.report", allowed=False).exists()


def test_a_computed_target_refuses_reports(science_officer: User) -> None:
    target = Target.objects.get(code="rd-institutions")
    with pytest.raises(services.Refused, match="自动计算"):
        services.submit_report(science_officer, target, Unit.objects.get(code="science"),
                               value=Decimal(1), as_of=dt.date(2020, 1, 1),
                               evidence=evidence())


def test_reports_are_append_only_and_the_latest_wins(science_officer: User) -> None:
    target, unit = Target.objects.get(code="incubators"), Unit.objects.get(code="science")
    first = services.submit_report(science_officer, target, unit, value=Decimal(12),
                                   as_of=dt.date(2020, 6, 30), evidence=evidence())
    services.submit_report(science_officer, target, unit, value=Decimal(9),
                           as_of=dt.date(2020, 6, 30), evidence=evidence(), note="更正")
    p = progress_of(target, dt.date(2020, 7, 1))
    assert (p.value, p.note) == (Decimal(9), "更正")
    assert progress_of(target, dt.date(2020, 6, 29)).status == Status.NO_DATA
    first.value = Decimal(1)
    with pytest.raises(AppendOnlyError, match="append-only"):
        first.save()
    with pytest.raises(AppendOnlyError, match="append-only"):
        first.delete()


def test_outsiders_cannot_see_the_plan(client: Client) -> None:
    client.force_login(user("outsider"))
    assert client.get("/plan/").status_code == 403


def test_a_park_sees_the_tasks_of_all_park_committees(client: Client) -> None:
    client.force_login(user("park", Role.PARK_OFFICER, unit_code="ceda"))
    page = client.get("/plan/units/ceda/").content.decode()
    assert "1. 产业链上游" in page  # 责任单位: 各园区管委会
    assert "本单位没有需要报送的目标" in page
