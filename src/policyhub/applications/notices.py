"""Documents of the workflow: the 公示名单 (public notice list) as PDF and Excel, and the
核定通知书 (approval letter) of one approved application as PDF.

Built with the shared helpers (web.pdf.render_pdf, web.excel.write_table); the amounts are
the applications' own Decimals, never recomputed here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from policyhub import policytext
from policyhub.applications.models import Application, LetterNumber, NoticeBatch, Proposal
from policyhub.engine import meta
from policyhub.web import display, labels
from policyhub.web.excel import Cell, write_table
from policyhub.web.pdf import render_pdf

NOTICE_TITLE = "长沙市网络安全产业专项资金拟支持项目公示"
NOTICE_PREFIX = "长工信公示"  # 文号 长工信公示〔2022〕3号
LETTER_PREFIX = "长工信核"  # 文号 长工信核〔2022〕12号
NOTICE_HEADERS = ("申报编号", "申报主体", "统一社会信用代码/证件号码", "支持事项", "政策条款",
                  "项目/事项", "拟支持金额（元）")
LETTER_STATES = ("approved", "paid")
AMOUNT_COLUMN = NOTICE_HEADERS.index("拟支持金额（元）")


def issuer() -> str:
    return str(settings.DOCUMENT_ISSUER)


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


def clause_name(app: Application | Proposal) -> str:
    """二(七)支持重大项目建设: the clause number and its heading as printed in the policy (a
    proposal's reference is its rule's)."""
    try:
        found = policytext.clause(app.reference if isinstance(app, Application)
                                  else meta.rule(app.rule).reference)
        while not found.heading and found.parent:  # a sentence: its subsection's heading
            found = policytext.clause(found.parent)
        heading = found.heading
    except KeyError:
        return app.clause
    return app.clause + re.sub(r"^[(（][一二三四五六七八九十]+[)）]", "", heading)


def zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def matter_label(app: Application | Proposal) -> str:
    """The matter as a person reads it (web.labels.record_matters): never an id such as
    platform-966388 or event-3."""
    return labels.record_matters([app])[0]


def notice_rows(apps: Sequence[Application]) -> list[list[Cell]]:
    """One row per application, in NOTICE_HEADERS' order: the PDF and the Excel file share
    them."""
    matters = labels.record_matters(apps)
    return [[a.pk, a.applicant_name, a.applicant_code, rule_label(a.rule), clause_name(a),
             matter, a.approved_amount] for a, matter in zip(apps, matters, strict=True)]


PROPOSAL_HEADERS = ("申报主体", "统一社会信用代码/证件号码", "支持事项", "政策条款", "项目/事项",
                    "核定金额/上限（元）", "金额性质", "状态", "核定说明")


def proposal_rows(proposals: Sequence[Proposal]) -> list[list[Cell]]:
    """One row per 免申即享 proposal, in PROPOSAL_HEADERS' order, in the notices' words."""
    matters = labels.record_matters(proposals)
    return [[p.applicant_name, p.applicant_code, rule_label(p.rule), clause_name(p),
             matter, p.amount, "上限" if p.ceiling else "核定金额",
             str(p.get_status_display()), labels.readable(p.explanation)]
            for p, matter in zip(proposals, matters, strict=True)]


def proposals_xlsx(proposals: Sequence[Proposal]) -> bytes:
    return write_table(PROPOSAL_HEADERS, proposal_rows(proposals), "免申即享建议")


def batch_number(batch: NoticeBatch) -> str:
    return f"{NOTICE_PREFIX}〔{batch.year}〕{batch.number}号"


def period(batch: NoticeBatch) -> str:
    return f"{zh_date(batch.starts_on)}至{zh_date(batch.ends_on)}"


def objection_channel() -> list[tuple[str, str]]:
    """受理单位, and the telephone, address and e-mail that are set (docs/api.md)."""
    found = [("受理单位", str(settings.OBJECTION_UNIT)),
             ("联系电话", str(settings.OBJECTION_PHONE)),
             ("通讯地址", str(settings.OBJECTION_ADDRESS)),
             ("电子邮箱", str(settings.OBJECTION_EMAIL))]
    return [(label, value) for label, value in found if value]


def current(batch: NoticeBatch, apps: Sequence[Application], today: dt.date) -> list[Application]:
    """The batch's applications still in notice on `today` (an objection, a withdrawal or
    the end of the period takes an item off the list)."""
    if today > batch.ends_on:
        return []
    return [a for a in apps if a.state == "notice" and a.notice_batch_id == batch.pk]


def notice_context(batch: NoticeBatch, apps: Sequence[Application]) -> dict[str, Any]:
    rows = notice_rows(apps)
    total = sum((a.approved_amount or Decimal(0) for a in apps), Decimal(0))
    return {
        "title": NOTICE_TITLE,
        "number": batch_number(batch),
        "intro": ("根据《长沙市加快网络安全产业发展若干政策》（长政办发〔2019〕30号），"
                  "经申报、园区受理、责任部门初审和市工业和信息化局复核，"
                  f"现将拟支持的{len(rows)}个项目予以公示，"
                  f"拟支持金额合计{display.money(total)}元。"),
        "headers": list(NOTICE_HEADERS),
        "rows": rows,
        "money_columns": [AMOUNT_COLUMN],
        "period": period(batch),
        "deadline": zh_date(batch.ends_on),
        "channel": objection_channel(),
        "objection_unit": str(settings.OBJECTION_UNIT),
        "issuer": issuer(),
        "date": zh_date(batch.starts_on),
    }


def notice_pdf(batch: NoticeBatch, apps: Sequence[Application], today: dt.date) -> bytes:
    """The 公示名单 of one batch: the items of `apps` still in notice on `today`."""
    return render_pdf("applications/pdf/notice.html",
                      notice_context(batch, current(batch, apps, today)))


def notice_xlsx(batch: NoticeBatch, apps: Sequence[Application], today: dt.date) -> bytes:
    rows = notice_rows(current(batch, apps, today))
    return write_table(NOTICE_HEADERS, rows, f"公示名单{batch.year}-{batch.number}")


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
    """The letter of an approved (or paid) application; ValueError when it is not approved.

    Its date and 文号 are the approval day's in Beijing time (numbering.letter_number)."""
    if app.state not in LETTER_STATES:
        raise ValueError(f"申报{app.pk}当前状态为“{app.state_label}”，尚未批准，不能出具核定通知书")
    if app.approved_amount is None:
        raise ValueError(f"application {app.pk} has not been approved")
    number = LetterNumber.objects.filter(application=app).first()
    if number is None:  # approved before letters were numbered: the approval's Beijing day
        approval = app.history.filter(name="approve").order_by("-at", "-id").first()
        if approval is None:
            raise ValueError(f"application {app.pk} has not been approved")
        from policyhub.applications.numbering import letter_number

        number = letter_number(app, timezone.localdate(approval.at))
    return Letter(
        number=f"{LETTER_PREFIX}〔{number.year}〕{number.number}号",
        organisation=app.applicant_name, credit_code=app.applicant_code,
        rule=rule_label(app.rule), citation=cite(app),
        matter=matter_label(app), amount=app.approved_amount,
        amount_text=display.money(app.approved_amount), approved_on=number.issued_on,
        explanation=app.explanation, id_label=ID_LABELS[app.applicant_kind],
        addressee=ADDRESSEES[app.applicant_kind],
        objected=app.history.filter(name="dismiss_objection").exists())


def letter_pdf(app: Application) -> bytes:
    found = letter(app)
    return render_pdf("applications/pdf/letter.html", {
        "letter": found, "issuer": issuer(), "date": zh_date(found.approved_on),
        "title": "专项资金核定通知书"})
