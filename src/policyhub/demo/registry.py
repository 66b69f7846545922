"""Demo registry: ~300 plausible Changsha cybersecurity organisations with five years of
figures, people, teams and events of every type the policies reward.

Deterministic for a seed (one random.Random drives everything), and fast: rows are written
with bulk_create, so model validation is skipped; the test suite checks every demo event
against the engine's parser instead. One audit entry records the load as a whole.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from policyhub.audit.services import record
from policyhub.engine.creditcode import check_character
from policyhub.registry.models import (
    Organisation,
    Person,
    RegistryEvent,
    Team,
    YearlyFigure,
    mask_id_number,
)
from policyhub.units.models import Unit

YEARS = range(2017, 2022)
FEN = Decimal("0.01")
# GB/T 2260 codes of Changsha's districts (the 6 characters after the registration authority).
REGION = {"芙蓉区": "430102", "天心区": "430103", "岳麓区": "430104", "开福区": "430105",
          "雨花区": "430111", "望城区": "430112", "长沙县": "430121", "浏阳市": "430181",
          "宁乡市": "430182"}
BRANDS = ("星盾", "湘安", "麓谷", "云御", "橘洲", "芯安", "湘江", "天穹", "岳信", "楚盾",
          "智网", "金盾", "蓝鲸", "安恒", "景安", "铁卫", "玄武", "青松", "鼎信", "长卫",
          "海纳", "卓御", "数安", "中昊", "启明", "网安", "恒信", "凌云", "锐安", "拓维",
          "麒麟", "天河", "创想", "华容", "潇湘", "岳峰", "书院", "北辰", "南岭", "洞庭")
TRADES = ("网络安全技术", "信息安全", "数据安全科技", "密码技术", "安全服务", "网络科技",
          "工控安全", "信息技术", "云安全", "可信计算")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯"
# The engine's source departments for each event type (units.seed codes).
SOURCE = {"standard_led": "market", "project_investment": "miit", "ipo_stage": "finance-office",
          "leading_firm_investment": "ndrc", "platform_construction": "miit",
          "platform_service_fees": "miit", "pk_demo_project": "miit",
          "competition_prize": "cac", "talent_recognition": "talent-office",
          "urgent_talent": "hrss", "civil_military_researcher": "science",
          "civil_military_team_project": "science", "discretionary": "miit"}


def org_code(rng: random.Random) -> str:
    """A GB 11714 organisation code: 8 digits and its check character (weights 3,7,9,10,…)."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum(int(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random, district: str, authority: str = "91") -> str:
    first17 = authority + REGION[district] + org_code(rng)
    return first17 + check_character(first17)


def _yuan(value: float) -> Decimal:
    # Demo figures are drawn as floats, then fixed to the fen once; nothing stores a float.
    return Decimal(str(round(value, 2))).quantize(FEN)


def _day(rng: random.Random, start: dt.date = dt.date(2019, 1, 1),
         end: dt.date = dt.date(2022, 6, 30)) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _money(value: float) -> str:
    return format(_yuan(value), "f")


@dataclass
class Loaded:
    organisations: int = 0
    figures: int = 0
    people: int = 0
    teams: int = 0
    events: dict[str, int] = field(default_factory=dict)


class _Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        # Matter ids must not come from primary keys: PostgreSQL does not roll sequences back,
        # so the same seed would give other ids (and other matters) on a second load.
        self.talents = 0
        self.units = {u.code: u for u in Unit.objects.all()}
        self.parks = [u for u in self.units.values() if u.kind == Unit.Kind.PARK]
        self.taken = set(Organisation.objects.values_list("credit_code", flat=True))
        self.names: set[str] = set()
        self.events: list[RegistryEvent] = []

    # --- organisations -------------------------------------------------------------------
    def _name(self, kind: str) -> str:
        rng = self.rng
        while True:
            brand = rng.choice(BRANDS) + rng.choice(("", "", rng.choice(BRANDS)))
            name = {
                "enterprise": f"长沙{brand}{rng.choice(TRADES)}"
                              f"{rng.choice(('有限公司', '有限公司', '股份有限公司'))}",
                "institute": f"长沙{brand}网络安全研究院",
                "platform_operator": f"长沙{brand}网络安全公共服务平台有限公司",
                "park": f"长沙{brand}网络安全产业园",
            }[kind]
            if name not in self.names:
                self.names.add(name)
                return name

    def organisation(self, kind: str) -> Organisation:
        rng = self.rng
        park = rng.choice(self.parks) if rng.random() < 0.75 else None
        district = park.region if park else rng.choice(sorted(REGION))
        code = credit_code(rng, district, "12" if kind == "institute" else "91")
        while code in self.taken:
            code = credit_code(rng, district)
        self.taken.add(code)
        return Organisation(
            credit_code=code, name=self._name(kind), kind=kind, district=district, park=park,
            registered_in_changsha=rng.random() < 0.96, taxed_in_changsha=rng.random() < 0.94,
            cybersecurity_business=rng.random() < 0.95, high_tech=rng.random() < 0.4)

    def figures(self, org: Organisation) -> list[YearlyFigure]:
        rng = self.rng
        revenue = rng.lognormvariate(15.9, 1.3)  # median ≈ 8 million yuan
        rocket = rng.random() < 0.12  # a few grow fast enough to cross several thresholds
        out = []
        for year in YEARS:
            out.append(YearlyFigure(
                organisation=org, year=year, main_business_revenue=_yuan(revenue),
                tax_paid=_yuan(revenue * rng.uniform(0.02, 0.08)),
                rd_spend=_yuan(revenue * rng.uniform(0.04, 0.2)),
                headcount=int(revenue / rng.uniform(3e5, 8e5)) + rng.randint(5, 30),
                source=self.units["miit"]))
            revenue *= rng.uniform(1.6, 2.6) if rocket else rng.uniform(0.85, 1.45)
        org.above_designated_size = revenue >= 20_000_000
        return out

    # --- events --------------------------------------------------------------------------
    def event(self, applicant: Organisation | Person | Team, event_type: str,
              day: dt.date, matter: str = "", **payload: Any) -> None:
        key = {Organisation: "organisation", Person: "person", Team: "team"}[type(applicant)]
        self.events.append(RegistryEvent(
            type=event_type, date=day, matter=matter, payload=payload,
            source=self.units[SOURCE[event_type]], **{key: applicant}))

    def organisation_events(self, org: Organisation) -> None:
        rng = self.rng
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            level = rng.choices(("international", "national", "local", "industry"),
                                (1, 4, 6, 1))[0]
            self.event(org, "standard_led", _day(rng), level=level)
        if rng.random() < 0.2:
            total = rng.uniform(2e7, 3e8)
            self.event(org, "project_investment", _day(rng), f"proj-{org.credit_code[-6:]}",
                       total_investment=_money(total),
                       actual_investment=_money(total * rng.uniform(0.3, 1.0)),
                       kind=rng.choice(("new_build", "tech_upgrade")))
        if rng.random() < 0.07:
            self.ipo(org)
        if rng.random() < 0.04:
            paid = rng.uniform(5e7, 2e9)
            self.event(org, "leading_firm_investment", _day(rng), f"lead-{org.credit_code[-6:]}",
                       paid_in_capital=_money(paid),
                       completed_investment=_money(paid * rng.uniform(0.5, 1.5)),
                       schedule_met=rng.random() < 0.8)
        if rng.random() < 0.08:
            self.event(org, "pk_demo_project", _day(rng), f"pk-{org.credit_code[-6:]}",
                       rd_investment=_money(rng.uniform(1e6, 3e7)),
                       selected=rng.random() < 0.7)
        if rng.random() < 0.03:
            self.event(org, "discretionary", _day(rng), rule="P7.major_project")

    def ipo(self, org: Organisation) -> None:
        day = _day(self.rng, dt.date(2018, 6, 1), dt.date(2021, 6, 30))
        for stage in ("tutoring_filed", "application_accepted", "listed"):
            self.event(org, "ipo_stage", day, f"ipo-{org.credit_code[-6:]}", stage=stage)
            if self.rng.random() < 0.4:
                return
            day += dt.timedelta(days=self.rng.randint(120, 400))

    def platform_events(self, org: Organisation) -> None:
        rng = self.rng
        major = rng.random() < 0.6
        self.event(org, "platform_construction", _day(rng), f"platform-{org.credit_code[-6:]}",
                   construction_cost=_money(rng.uniform(2e6, 3e7)), major_public_platform=major)
        start = _day(rng, dt.date(2018, 1, 1), dt.date(2021, 1, 1))
        fees = sorted((start + dt.timedelta(days=rng.randrange(1, 1400)))
                      for _ in range(rng.randint(2, 6)))
        self.event(org, "platform_service_fees", start, f"platform-{org.credit_code[-6:]}",
                   major_public_platform=major,
                   fees=[{"date": d.isoformat(), "amount": _money(rng.uniform(5e4, 1.5e6))}
                         for d in fees])

    def person_events(self, person: Person) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.1:
            self.talents += 1
            self.event(person, "talent_recognition", _day(rng), f"talent-{self.talents}",
                       level=rng.choice(("international_top", "national_leader",
                                         "provincial_municipal_leader")),
                       housing_price_per_m2=_money(rng.uniform(8000, 20000)))
        elif roll < 0.3:
            self.event(person, "urgent_talent", _day(rng), category=rng.choice("ABC"))
        elif roll < 0.38:
            self.event(person, "civil_military_researcher", _day(rng),
                       category=rng.choice("ABC"))
        elif roll < 0.42:
            self.event(person, "discretionary", _day(rng), rule="P5.major_contribution")
        elif roll < 0.5:
            self.event(person, "competition_prize", _day(rng), rank=rng.randint(1, 3),
                       settles_in_changsha=rng.random() < 0.3)

    def team_events(self, team: Team) -> None:
        rng = self.rng
        if rng.random() < 0.4:
            self.event(team, "competition_prize", _day(rng), rank=rng.randint(1, 3),
                       settles_in_changsha=team.settles_in_changsha)
        if rng.random() < 0.3:
            self.event(team, "civil_military_team_project", _day(rng))
        if rng.random() < 0.1:
            rule = rng.choice(("P5.leader_project", "P10.exceptional_settlement"))
            self.event(team, "discretionary", _day(rng), rule=rule)

    def person(self, orgs: list[Organisation]) -> Person:
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN)
                                              for _ in range(rng.randint(1, 2)))
        born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(365 * 35))
        id_number = (rng.choice(list(REGION.values())) + born.strftime("%Y%m%d")
                     + f"{rng.randrange(10000):04d}")
        return Person(name=name, id_number_masked=mask_id_number(id_number),
                      organisation=rng.choice(orgs) if rng.random() < 0.7 else None,
                      works_in_changsha=rng.random() < 0.9, based_in_changsha=rng.random() < 0.9)

    def team(self, i: int, people: list[Person]) -> Team:
        rng = self.rng
        focus = rng.choice(("攻防", "密码", "漏洞挖掘", "数据安全"))
        return Team(name=f"{rng.choice(BRANDS)}{focus}团队{i + 1}", leader=rng.choice(people),
                    settles_in_changsha=rng.random() < 0.5)


KIND_MIX = ("enterprise",) * 88 + ("institute",) * 5 + ("platform_operator",) * 5 + ("park",) * 2


def load_demo(seed: int = 2019, n: int = 300) -> Loaded:
    """Create n organisations with their figures, people, teams and events, in one transaction."""
    b = _Builder(seed)
    with transaction.atomic():
        orgs = [b.organisation(b.rng.choice(KIND_MIX)) for _ in range(n)]
        figures = [f for o in orgs for f in b.figures(o)]
        Organisation.objects.bulk_create(orgs)  # pks are set on SQLite and PostgreSQL
        YearlyFigure.objects.bulk_create(figures)
        people = Person.objects.bulk_create([b.person(orgs) for _ in range(max(1, n * 2 // 3))])
        teams = Team.objects.bulk_create([b.team(i, people) for i in range(max(1, n // 7))])
        Team.members.through.objects.bulk_create([
            Team.members.through(team_id=t.pk, person_id=p.pk)
            for t in teams for p in b.rng.sample(people, min(len(people), b.rng.randint(2, 5)))])
        _events(b, orgs, people, teams)
        RegistryEvent.objects.bulk_create(b.events)
        loaded = Loaded(len(orgs), len(figures), len(people), len(teams), _count(b.events))
        record(None, "registry.demo.load", None, seed=seed, n=n, organisations=len(orgs),
               figures=len(figures), people=len(people), teams=len(teams),
               events=loaded.events)
    return loaded


def _events(b: _Builder, orgs: list[Organisation], people: list[Person],
            teams: list[Team]) -> None:
    for org in orgs:
        if org.kind == Organisation.Kind.PLATFORM_OPERATOR:
            b.platform_events(org)
        elif org.kind == Organisation.Kind.PARK:
            b.event(org, "discretionary", _day(b.rng), rule="P3.cluster_park")
        else:
            b.organisation_events(org)
    for person in people:
        b.person_events(person)
    for team in teams:
        b.team_events(team)


def _count(events: list[RegistryEvent]) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in events:
        out[e.type] = out.get(e.type, 0) + 1
    return dict(sorted(out.items()))
