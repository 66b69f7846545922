"""Documents of the workflow: the 公示名单 (public notice list) as PDF and Excel, and the
核定通知书 (approval letter) of one approved application as PDF.

Built with the shared helpers (web.pdf.render_pdf, web.excel.write_table); the amounts are
the applications' own Decimals, never recomputed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from policyhub import policytext
from policyhub.applications.models import Application
from policyhub.engine import meta
from policyhub.web import display
from policyhub.web.excel import Cell, write_table
from policyhub.web.pdf import render_pdf

ISSUER = "长沙市工业和信息化局"
NOTICE_TITLE = "长沙市网络安全产业专项资金拟支持项目公示"
NOTICE_HEADERS = ("申报编号", "申报主体", "统一社会信用代码/证件号码", "支持事项", "政策条款",
                  "事项", "拟支持金额（元）", "公示截止")
LETTER_STATES = ("approved", "paid")
AMOUNT_COLUMN = NOTICE_HEADERS.index("拟支持金额（元）")


def rule_label(rule_id: str) -> str:
    try:
        return meta.rule(rule_id).label
    except KeyError:
        return rule_id


def cite(app: Application) -> str:
    try:
        return policytext.cite(app.reference)
    except KeyError:
        return app.clause


def notice_row(app: Application) -> list[Cell]:
    return [app.pk, app.applicant_name, app.applicant_code, rule_label(app.rule),
            app.clause, app.matter, app.approved_amount, app.notice_ends_on]


def notice_rows(apps: Iterable[Application]) -> list[list[Cell]]:
    return [notice_row(a) for a in apps]


def _period(apps: Sequence[Application]) -> str:
    starts = [a.notice_starts_on for a in apps if a.notice_starts_on]
    ends = [a.notice_ends_on for a in apps if a.notice_ends_on]
    if not starts or not ends:
        return ""
    return f"{_zh_date(min(starts))}至{_zh_date(max(ends))}"


def _zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_pdf(apps: Sequence[Application], today: dt.date) -> bytes:
    """The 公示名单 in the shared notice layout (web/pdf/notice.html)."""
    return render_pdf("web/pdf/notice.html", {
        "title": NOTICE_TITLE,
        "intro": ("根据《长沙市加快网络安全产业发展若干政策》（长政办发〔2019〕30号），"
                  "经申报、园区受理、责任部门初审和市工业和信息化局复核，"
                  "现将拟支持项目予以公示。"),
        "headers": list(NOTICE_HEADERS),
        "rows": notice_rows(apps),
        "money_columns": [AMOUNT_COLUMN],
        "period": _period(apps),
        "issuer": ISSUER,
        "date": _zh_date(today),
    })


def notice_xlsx(apps: Iterable[Application]) -> bytes:
    return write_table(NOTICE_HEADERS, notice_rows(apps), "公示名单")


@dataclass(frozen=True)
class Letter:
    """What a 核定通知书 says: to whom, under which clause, how much, when approved."""

    number: str
    organisation: str
    credit_code: str
    rule: str
    citation: str
    matter: str
    amount: Decimal
    amount_text: str
    approved_on: dt.date
    explanation: str
    id_label: str = "统一社会信用代码"  # a person's: 证件号码; a team has none
    addressee: str = "你单位"  # 你 (a talent), 你团队 (a team)
    # Objections were raised during the notice and the industry bureau found them unfounded
    # (dismiss_objection): the letter may not say 公示无异议.
    objected: bool = False


ID_LABELS = {"organisation": "统一社会信用代码", "person": "证件号码", "team": ""}
ADDRESSEES = {"organisation": "你单位", "person": "你", "team": "你团队"}


def letter(app: Application) -> Letter:
    """The letter of an approved (or paid) application; ValueError when it is not approved."""
    if app.state not in LETTER_STATES:
        raise ValueError(f"申报{app.pk}当前状态为“{app.state_label}”，尚未批准，不能出具核定通知书")
    approval = app.history.filter(name="approve").order_by("-at", "-id").first()
    if approval is None or app.approved_amount is None:
        raise ValueError(f"application {app.pk} has not been approved")
    approved_on = approval.at.date()
    return Letter(
        number=f"长工信核〔{approved_on.year}〕{app.pk}号", organisation=app.applicant_name,
        credit_code=app.applicant_code, rule=rule_label(app.rule),
        citation=cite(app), matter=app.matter, amount=app.approved_amount,
        amount_text=display.money(app.approved_amount), approved_on=approved_on,
        explanation=app.explanation, id_label=ID_LABELS[app.applicant_kind],
        addressee=ADDRESSEES[app.applicant_kind],
        objected=app.history.filter(name="dismiss_objection").exists())


def letter_pdf(app: Application) -> bytes:
    found = letter(app)
    return render_pdf("applications/pdf/letter.html", {
        "letter": found, "issuer": ISSUER, "date": _zh_date(found.approved_on),
        "title": "专项资金核定通知书"})
