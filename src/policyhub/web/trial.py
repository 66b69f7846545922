"""政策试算 as a form: per event type, the fields a person fills in (Chinese labels, select
lists, money in 元, dates), the clause each type rests on, and the `policyhub.evaluate/1`
request built from what was filled in. The engine stays the only judge of the request."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_noop

from policyhub import policytext
from policyhub.engine import meta
from policyhub.engine.request import DISCRETIONARY_RULES
from policyhub.registry.models import EVENT_TYPE_LABELS


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # "money", "date", "year", "bool", "choice"
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


def _names(table: str) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in meta.wording()["names"][table].items())


def _rule_choices() -> tuple[tuple[str, str], ...]:
    return tuple((r, meta.rule(r).label) for r in DISCRETIONARY_RULES)


CATEGORY = (("A", gettext_noop("A类")), ("B", gettext_noop("B类")), ("C", gettext_noop("C类")))
DATE = Field("date", "日期", "date")

# Per event type: its fields and the rules it may earn (for the clause quoted as help). The
# labels stay Chinese here (validation messages quote them): the form translates them, and
# LABELS marks them for the catalogue.
EVENT_TYPES: dict[str, tuple[tuple[Field, ...], tuple[str, ...]]] = {
    "annual_revenue": ((Field("year", "年度", "year"), Field("amount", "主营业务收入", "money")),
                       ("P4.milestone",)),
    "leading_firm_investment": ((DATE, Field("paid_in_capital", "实缴注册资本", "money"),
                                 Field("completed_investment", "已完成投资", "money"),
                                 Field("schedule_met", "按约定完成投资进度", "bool")),
                                ("P4.leading_firm",)),
    "talent_recognition": ((DATE, Field("level", "人才层次", "choice", _names("level")),
                            Field("housing_price_per_m2", "购房单价（每平方米）", "money")),
                           ("P5.talent_reward", "P5.housing")),
    "urgent_talent": ((DATE, Field("category", "紧缺急需人才类别", "choice", CATEGORY)),
                      ("P5.urgent_talent",)),
    "civil_military_researcher": ((DATE, Field("category", "人才类别", "choice", CATEGORY)),
                                  ("P5.civil_military",)),
    "civil_military_team_project": ((DATE,), ("P5.civil_military_team",)),
    "standard_led": ((DATE, Field("level", "标准级别", "choice", _names("standard_level"))),
                     ("P6.standard",)),
    "project_investment": ((DATE, Field("total_investment", "项目总投资", "money"),
                            Field("actual_investment", "实际投入", "money"),
                            Field("kind", "项目类型", "choice", _names("project_kind"))),
                           ("P7.project",)),
    "ipo_stage": ((DATE, Field("stage", "上市阶段", "choice", _names("stage"))), ("P8.ipo",)),
    "platform_construction": ((DATE, Field("construction_cost", "建设投入", "money"),
                               Field("major_public_platform", "认定为重大公共服务平台",
                                     "bool")),
                              ("P2.construction",)),
    "platform_service_fees": ((Field("operation_start", "投入运营日期", "date"),
                               Field("major_public_platform", "认定为重大公共服务平台", "bool"),
                               Field("fee_date", "服务费发生日期", "date"),
                               Field("fee_amount", "服务费金额", "money")),
                              ("P2.service_fees",)),
    "pk_demo_project": ((DATE, Field("rd_investment", "研发投入", "money"),
                         Field("selected", "入选年度示范项目", "bool")), ("P9.pk_demo",)),
    "competition_prize": ((DATE, Field("rank", "获奖等级", "choice", _names("rank")),
                           Field("settles_in_changsha", "获奖后来长落户", "bool")),
                          ("P10.prize", "P10.settlement")),
    "discretionary": ((DATE, Field("rule", "事项类别", "choice", _rule_choices())),
                      DISCRETIONARY_RULES),
}


LABELS = (
    gettext_noop("日期"),
    gettext_noop("年度"),
    gettext_noop("主营业务收入"),
    gettext_noop("实缴注册资本"),
    gettext_noop("已完成投资"),
    gettext_noop("按约定完成投资进度"),
    gettext_noop("人才层次"),
    gettext_noop("购房单价（每平方米）"),
    gettext_noop("紧缺急需人才类别"),
    gettext_noop("人才类别"),
    gettext_noop("标准级别"),
    gettext_noop("项目总投资"),
    gettext_noop("实际投入"),
    gettext_noop("项目类型"),
    gettext_noop("上市阶段"),
    gettext_noop("建设投入"),
    gettext_noop("认定为重大公共服务平台"),
    gettext_noop("投入运营日期"),
    gettext_noop("服务费发生日期"),
    gettext_noop("服务费金额"),
    gettext_noop("研发投入"),
    gettext_noop("入选年度示范项目"),
    gettext_noop("获奖等级"),
    gettext_noop("获奖后来长落户"),
    gettext_noop("事项类别"),
)


def type_label(kind: str) -> str:
    return "年度主营业务收入" if kind == "annual_revenue" else EVENT_TYPE_LABELS[kind]


def clause_help(kind: str) -> str:
    """The policy's own words each rule of this event type rests on, with the citation."""
    parts = []
    seen: set[str] = set()
    for rid in EVENT_TYPES[kind][1]:
        ref = meta.rule(rid).reference
        if ref in seen:
            continue
        seen.add(ref)
        parts.append(f"{policytext.cite(ref)}：{policytext.clause(ref).text}")
    return "\n".join(parts)


class Problem(ValueError):
    """A field filled in wrongly: `field` names it in Chinese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}：{message}")
        self.field = field


def _money(raw: str, label: str) -> str:
    text = raw.replace(",", "").replace("，", "").replace("元", "").strip()
    if not text:
        raise Problem(label, "请填写金额（元）")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Problem(label, f"“{raw}”不是金额，请填写数字（元），如 1,200,000") from None
    if value < 0 or not value.is_finite():
        raise Problem(label, "金额不能为负数")
    return format(value, "f")


def event_from(kind: str, values: dict[str, str], number: int) -> dict[str, Any]:
    """One request event from a filled-in form; Problem naming the field when one is wrong.
    `number` counts the events from 1 for the messages."""
    if kind not in EVENT_TYPES:
        raise Problem(f"第{number}项事实", "请选择事实类型")
    event: dict[str, Any] = {"type": kind}
    fee: dict[str, str] = {}
    for f in EVENT_TYPES[kind][0]:
        raw = (values.get(f.name) or "").strip()
        label = f"第{number}项事实（{type_label(kind)}）的{f.label}"
        if f.kind == "bool":
            value: Any = raw in ("on", "true", "1", "yes")
        elif not raw:
            raise Problem(label, "请填写" if f.kind != "choice" else "请选择")
        elif f.kind == "money":
            value = _money(raw, label)
        elif f.kind == "year":
            if not raw.isdigit() or not 1990 <= int(raw) <= 2100:
                raise Problem(label, f"“{raw}”不是年度，请填写四位数年份")
            value = int(raw)
        elif f.kind == "choice":
            if raw not in {k for k, _ in f.choices}:
                raise Problem(label, "请从列表中选择")
            value = int(raw) if f.name == "rank" else raw
        else:
            value = raw
        if f.name.startswith("fee_"):
            fee[f.name[4:]] = value
        else:
            event[f.name] = value
    if fee:
        event["fees"] = [fee]
    return event
