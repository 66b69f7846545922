"""The service centres' demo records (docs/demo.md, "The action-plan monitor"), 2019—2021,
each saved by its `RecordType.save` (validated, audited) as the unit the centre's permissions
name: PK adaptations (飞腾 CPU × 麒麟 OS, most passing), the networked demo environment,
evaluation orders, training sessions, incidents (GB/T 20986) with their notifications and
drills with their participants, terminal replacement and application migration per unit, the
summit and the 长城杯 competition — its prizes through `events.services.record_prize`, so each
is a registry `competition_prize` event as well.

Called by `policyhub.demo.monitor.load`, which also holds the sizes (`Tuning`). One random
stream per part, so the centres do not change with the registry's size.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

from policyhub.accounts.models import Role, RoleAssignment
from policyhub.centres.adaptation import models as adaptation
from policyhub.centres.adaptation.records import ADAPTATIONS, DEMO_NETWORKS
from policyhub.centres.emergency import models as emergency
from policyhub.centres.emergency.records import DRILLS, INCIDENTS, NOTIFICATIONS, PARTICIPANTS
from policyhub.centres.events import models as events
from policyhub.centres.events.records import COMPETITIONS, ENTRIES, SUMMITS
from policyhub.centres.events.services import record_prize
from policyhub.centres.migration.models import AppMigration, TerminalReplacement
from policyhub.centres.migration.records import RECORD_TYPES as MIGRATION_TYPES
from policyhub.centres.testing import models as testing
from policyhub.centres.testing.records import ORDERS
from policyhub.centres.training.models import Topic, TrainingSession
from policyhub.centres.training.records import SESSIONS
from policyhub.registry.models import Organisation, Team
from policyhub.units.models import Unit

M = TypeVar("M", bound=models.Model)

START = dt.date(2019, 7, 30)  # the plan's start (通知)
AS_OF = dt.date(2021, 12, 31)  # the plan's deadline: the picture the demo is tuned for


@dataclass
class Loaded:
    """What the monitor demo created, for the loader's summary."""

    counts: Counter[str] = field(default_factory=Counter)
    unreported: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        parts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        return (f"Action-plan monitor ({self.seconds:.1f} s): {parts}; quarterly reports left "
                f"unreported: {len(self.unreported)}.")


# --- people --------------------------------------------------------------------------------------

STAFF_NAMES = ("沈冬梅", "邓立群", "袁志刚", "韩雪")


def staff_of(unit: Unit, password: str, created: list[User]) -> User:
    """A user working for `unit` (the first one found); created, as a department reviewer of
    the unit with the demo password, when the unit has none."""
    found = (RoleAssignment.objects.filter(unit=unit, user__is_active=True)
             .select_related("user").order_by("pk").first())
    if found is not None:
        return found.user
    username = f"department_reviewer_{unit.code}"
    user = User.objects.create(username=username, password=make_password(password),
                               first_name=STAFF_NAMES[len(created) % len(STAFF_NAMES)],
                               email=f"{username}@demo.policyhub.invalid")
    RoleAssignment.objects.create(user=user, role=Role.DEPARTMENT_REVIEWER, unit=unit)
    created.append(user)
    return user


# --- helpers -------------------------------------------------------------------------------------

def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _weighted_day(rng: random.Random) -> dt.date:
    """A day in the plan period, later days more likely (the centres grew)."""
    span = (AS_OF - dt.date(2019, 9, 1)).days
    return dt.date(2019, 9, 1) + dt.timedelta(days=int(span * rng.random() ** 0.7))


def _moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _brand(org: Organisation) -> str:
    return org.name.removeprefix("长沙").removeprefix("湖南")[:2]


class Saver:
    """Saves records through their record type's service as one actor, counting them."""

    def __init__(self, loaded: Loaded):
        self.loaded = loaded

    def __call__(self, save: Callable[[Any, M], M], actor: User, obj: M, what: str) -> M:
        saved = save(actor, obj)
        self.loaded.counts[what] += 1
        return saved


# --- 适配中心: PK adaptations and the demo network ----------------------------------------------

@dataclass(frozen=True)
class Platform:
    cpu: str
    os: str
    since: dt.date  # when the pair became available for adaptation
    server: bool = False


Cpu, OS = adaptation.Cpu, adaptation.KylinOS
PLATFORMS = (
    Platform(Cpu.FT1500A_4, OS.NEOKYLIN_V7_DESKTOP, dt.date(2019, 1, 1)),
    Platform(Cpu.FT2000A_2, OS.V4_DESKTOP, dt.date(2019, 1, 1)),
    Platform(Cpu.FT2000A_2, OS.NEOKYLIN_V7_DESKTOP, dt.date(2019, 1, 1)),
    Platform(Cpu.FT2000_4, OS.V4_DESKTOP, dt.date(2019, 10, 1)),
    Platform(Cpu.FT2000_4, OS.V10_DESKTOP, dt.date(2020, 8, 15)),
    Platform(Cpu.D2000, OS.V10_DESKTOP, dt.date(2021, 1, 1)),
    Platform(Cpu.FT1500A_16, OS.NEOKYLIN_V7_SERVER, dt.date(2019, 1, 1), server=True),
    Platform(Cpu.FT2000PLUS_64, OS.NEOKYLIN_V7_SERVER, dt.date(2019, 1, 1), server=True),
    Platform(Cpu.FT2000PLUS_64, OS.V10_SERVER, dt.date(2020, 8, 15), server=True),
    Platform(Cpu.S2500, OS.V10_SERVER, dt.date(2020, 10, 1), server=True),
)
OS_BUILDS = {OS.V10_DESKTOP: ("2101", "SP1", "2107"), OS.V10_SERVER: ("SP1", "SP2"),
             OS.V4_DESKTOP: ("4.0.2", "SP4"), OS.NEOKYLIN_V7_DESKTOP: ("7.0", "7.0 U6"),
             OS.NEOKYLIN_V7_SERVER: ("7.0", "7.0 U6")}

Cat = adaptation.Category
# Nationally known products (vendor, product, category, server-side?).
KNOWN_PRODUCTS = (
    ("武汉达梦数据库股份有限公司", "达梦数据库管理系统 DM8", Cat.BASE_SOFTWARE, True),
    ("北京人大金仓信息技术股份有限公司", "金仓数据库管理系统 KingbaseES", Cat.BASE_SOFTWARE, True),
    ("天津南大通用数据技术股份有限公司", "GBase 8s 数据库", Cat.BASE_SOFTWARE, True),
    ("天津神舟通用数据技术有限公司", "神通数据库", Cat.BASE_SOFTWARE, True),
    ("北京东方通科技股份有限公司", "TongWeb 应用服务器", Cat.BASE_SOFTWARE, True),
    ("北京宝兰德软件股份有限公司", "BES 应用服务器", Cat.BASE_SOFTWARE, True),
    ("山东中创软件商用中间件股份有限公司", "InforSuite 应用服务器", Cat.BASE_SOFTWARE, True),
    ("北京金山办公软件股份有限公司", "WPS Office", Cat.APPLICATION, False),
    ("永中软件股份有限公司", "永中Office", Cat.APPLICATION, False),
    ("北京数科网维技术有限责任公司", "数科OFD版式阅读器", Cat.APPLICATION, False),
    ("福昕鲲鹏（北京）信息科技有限公司", "福昕OFD版式办公套件", Cat.APPLICATION, False),
    ("奇安信科技集团股份有限公司", "奇安信可信浏览器", Cat.APPLICATION, False),
    ("奇安信科技集团股份有限公司", "天擎终端安全管理系统", Cat.SECURITY, False),
    ("北京天融信网络安全技术有限公司", "天融信终端威胁防御系统", Cat.SECURITY, False),
    ("深信服科技股份有限公司", "深信服统一端点安全管理系统", Cat.SECURITY, False),
    ("北京启明星辰信息安全技术有限公司", "天珣内网安全风险管理与审计系统", Cat.SECURITY, False),
    ("北京数字认证股份有限公司", "数字证书认证系统", Cat.SECURITY, True),
    ("格尔软件股份有限公司", "安全认证网关", Cat.SECURITY, True),
    ("中国长城科技集团股份有限公司", "长城擎天 DF723 台式计算机", Cat.COMPUTER, False),
    ("中国长城科技集团股份有限公司", "长城世恒 DF720 服务器", Cat.COMPUTER, True),
    ("中国长城科技集团股份有限公司", "长城 UF712 笔记本电脑", Cat.COMPUTER, False),
    ("天津飞腾信息技术有限公司", "飞腾主板参考设计 D2000-EVB", Cat.COMPUTER, False),
    ("湖南长城银河科技有限公司", "银河 YH-D2000 台式计算机", Cat.COMPUTER, False),
    ("珠海奔图电子有限公司", "奔图 P3301DN 激光打印机", Cat.PERIPHERAL, False),
    ("得力集团有限公司", "得力 M2000DNW 激光打印机", Cat.PERIPHERAL, False),
    ("紫光图文系统有限公司", "紫光 Q3690 扫描仪", Cat.PERIPHERAL, False),
    ("汉王科技股份有限公司", "汉王 E-Sign 签批板", Cat.PERIPHERAL, False),
    ("北京光电通科技有限公司", "光电通 OEP3300CDN 彩色打印机", Cat.PERIPHERAL, False),
)
# Products of the registry's enterprises: a name stem per category (server-side?).
STEMS: dict[str, tuple[tuple[str, bool], ...]] = {
    Cat.APPLICATION: (("电子公文系统", True), ("协同办公平台", True), ("档案管理系统", True),
                      ("财务管理软件", True), ("人事管理系统", True), ("视频会议客户端", False),
                      ("即时通讯软件", False), ("电子签章系统", True), ("邮件系统", True),
                      ("门户网站群系统", True), ("数据交换平台", True), ("政务服务平台", True),
                      ("党建管理平台", True), ("会议管理系统", True), ("流版签套件", False),
                      ("输入法", False), ("督查督办系统", True), ("移动办公客户端", False)),
    Cat.SECURITY: (("终端安全管理系统", False), ("防病毒软件", False), ("主机加固系统", False),
                   ("数据防泄漏系统", False), ("日志审计系统", True), ("运维安全审计系统", True),
                   ("下一代防火墙", True), ("入侵检测系统", True), ("SSL VPN 网关", True),
                   ("统一身份认证系统", True), ("漏洞扫描系统", True), ("态势感知平台", True),
                   ("数据库审计系统", True), ("电子文档安全管理系统", False),
                   ("网页防篡改系统", True), ("密码服务平台", True)),
    Cat.BASE_SOFTWARE: (("中间件", True), ("分布式数据库", True), ("消息队列", True),
                        ("大数据平台", True), ("云管理平台", True)),
}
VERSIONS = ("V1.0", "V2.0", "V2.1", "V3.0", "V3.2", "V5.0", "V6.1", "V8.0")
FAIL_RATE = 0.12  # share of adaptation tests that fail (some are retested in a later version)


def _platforms(rng: random.Random, day: dt.date, server: bool, n: int) -> list[Platform]:
    offered = [p for p in PLATFORMS if p.since <= day and p.server == server]
    return rng.sample(offered, min(n, len(offered)))


def adaptations(rng: random.Random, save: Saver, actor: User,
                vendors: Sequence[Organisation], products: int) -> None:
    """`products` products of the registry's enterprises plus the known ones, each tested on
    one to three platforms; about one test in eight fails, half of those pass in a later
    version."""
    specs: list[tuple[str, str, str, bool, Organisation | None]] = [
        (v, p, str(c), s, None) for v, p, c, s in KNOWN_PRODUCTS]
    seen = {(spec[0], spec[1]) for spec in specs}
    categories = [Cat.APPLICATION] * 5 + [Cat.SECURITY] * 4 + [Cat.BASE_SOFTWARE]
    while len(specs) < products:
        maker = rng.choice(vendors)
        kind = rng.choice(categories)
        stem, server_side = rng.choice(STEMS[kind])
        name = f"{_brand(maker)}{stem}"
        if (maker.name, name) in seen:
            continue
        seen.add((maker.name, name))
        specs.append((maker.name, name, str(kind), server_side, maker))
    number = 0
    for vendor, product, category, server, org in specs:
        first = _weighted_day(rng)
        version = rng.choice(VERSIONS)
        for platform in _platforms(rng, first, server, rng.choice((1, 1, 1, 2, 2))):
            day = max(first, platform.since) + dt.timedelta(days=rng.randint(0, 40))
            if day > AS_OF:
                continue
            failed = rng.random() < FAIL_RATE
            tries = [(version, failed, day)]
            retest = day + dt.timedelta(days=rng.randint(30, 120))
            if failed and rng.random() < 0.5 and retest <= AS_OF:
                tries.append((f"{version}.1", False, retest))
            for ver, fail, on in tries:
                number += 1
                result = adaptation.Result.FAILED if fail else adaptation.Result.PASSED
                obj = adaptation.Adaptation(
                    product=product, vendor=vendor, version=ver, category=category,
                    cpu=platform.cpu, os=platform.os,
                    os_build=rng.choice(OS_BUILDS[adaptation.KylinOS(platform.os)]),
                    result=result, tested_on=on, organisation=org,
                    certificate="" if fail else f"CSPK-{on.year}-{number:04d}")
                save(ADAPTATIONS.save, actor, obj, "adaptations")


DEMO_NETWORK = ((dt.date(2019, 12, 31), 24, "适配中心一期联网演示环境建成"),
                (dt.date(2020, 6, 30), 48, ""), (dt.date(2020, 12, 31), 76, "二期扩容"),
                (dt.date(2021, 6, 30), 98, ""),
                (dt.date(2021, 12, 31), 126, "含党政办公典型场景演示终端40台"))


def demo_network(save: Saver, actor: User) -> None:
    for day, machines, note in DEMO_NETWORK:
        save(DEMO_NETWORKS.save, actor,
             adaptation.DemoNetwork(recorded_on=day, machines=machines, note=note),
             "demo-network counts")


# --- 测试认证中心 ------------------------------------------------------------------------------

T = testing.ProductType
S = testing.Service
STANDARDS = {
    T.SECURITY: ("GB/T 18336-2015", "GB/T 20281-2020", "GB/T 20275-2013", "GB/T 28451-2012"),
    T.CRYPTO: ("GM/T 0028-2014", "GM/T 0054-2018", "GB/T 37092-2018"),
    T.ICS: ("GB/T 30976.1-2014", "GB/T 36323-2018", "GB/T 37933-2019"),
    T.SERVICE: ("GB/T 22239-2019", "GB/T 28448-2019", "GB/T 20984-2007"),
}
SERVICES = {T.SECURITY: (S.EVALUATION, S.CERTIFICATION), T.CRYPTO: (S.EVALUATION,),
            T.ICS: (S.EVALUATION, S.REVIEW), T.SERVICE: (S.RISK_ASSESSMENT, S.EVALUATION)}
SYSTEMS = ("电子政务外网", "政务云平台", "12345热线系统", "医保信息系统", "不动产登记系统",
           "智慧交通平台", "城市运行管理中心", "供水调度系统", "燃气SCADA系统")


def orders(rng: random.Random, save: Saver, actor: User,
           clients: Sequence[Organisation], n: int, pending: int) -> None:
    """`n` evaluation orders; the `pending` latest are still in progress on 2021-12-31."""
    days = sorted(_weighted_day(rng) for _ in range(n))
    for i, ordered in enumerate(days, start=1):
        kind = rng.choice([T.SECURITY] * 4 + [T.CRYPTO, T.ICS] + [T.SERVICE] * 3)
        org = rng.choice(clients)
        product = (rng.choice(SYSTEMS) if kind == T.SERVICE
                   else f"{_brand(org)}{rng.choice(STEMS[Cat.SECURITY])[0]}")
        done = i <= n - pending
        result = (testing.Result.PENDING if not done else
                  testing.Result.FAILED if rng.random() < 0.08 else testing.Result.PASSED)
        completed = min(ordered + dt.timedelta(days=rng.randint(12, 60)), AS_OF) if done else None
        obj = testing.EvaluationOrder(
            number=f"CSTC-{ordered.year}-{i:04d}", client=org.name, organisation=org,
            product=product, product_type=kind, service=rng.choice(SERVICES[kind]),
            standard=rng.choice(STANDARDS[kind]), ordered_on=ordered, completed_on=completed,
            result=result,
            certificate=f"CSTC-R-{completed:%Y%m}-{i:04d}" if completed else "")
        save(ORDERS.save, actor, obj, "evaluation orders")


# --- 培训 ---------------------------------------------------------------------------------------

PROVIDERS = (("湖南省网络安全培训基地", Topic.SECURITY_OPERATIONS),
             ("国防科技大学继续教育学院", Topic.ATTACK_DEFENCE),
             ("中南大学计算机学院", Topic.CRYPTO), ("湖南大学网络空间安全学院", Topic.COMPLIANCE),
             ("长沙市网络安全等级保护测评中心", Topic.COMPLIANCE),
             ("长沙市商用密码应用推进中心", Topic.CRYPTO))
# 国家网络安全宣传周 (September), the big awareness campaign of each year, person-times.
CAMPAIGNS = {2019: 68000, 2020: 86000, 2021: 98000}


def training(rng: random.Random, save: Saver, centre_actor: User, city_actor: User,
             centre_sessions: int, other_sessions: int) -> None:
    """The adaptation centre's sessions (PK deployment, with deployers certified), other
    providers' courses and the yearly awareness campaign."""
    for i in range(centre_sessions):
        start = _weighted_day(rng)
        people = rng.randint(18, 45)
        obj = TrainingSession(
            title=f"PK体系产品部署与适配培训（第{i + 1}期）", provider="长沙PK体系适配中心",
            topic=Topic.PK_DEPLOYMENT, at_adaptation_centre=True, start_on=start,
            end_on=min(start + dt.timedelta(days=rng.randint(1, 4)), AS_OF),
            person_times=people, deployers_certified=int(people * rng.uniform(0.16, 0.36)))
        save(SESSIONS.save, centre_actor, obj, "training sessions")
    for i in range(other_sessions):
        provider, topic = rng.choice(PROVIDERS)
        start = _weighted_day(rng)
        obj = TrainingSession(
            title=f"{topic.label}专题培训班（{start.year}-{i + 1:03d}）", provider=provider,
            topic=topic, start_on=start,
            end_on=min(start + dt.timedelta(days=rng.randint(0, 5)), AS_OF),
            person_times=rng.choice((rng.randint(40, 200), rng.randint(300, 2500))))
        save(SESSIONS.save, city_actor, obj, "training sessions")
    for year, people in CAMPAIGNS.items():
        start = dt.date(year, 9, 16)
        obj = TrainingSession(
            title=f"{year}年国家网络安全宣传周长沙市网络安全知识线上培训", provider="市委网信办",
            topic=Topic.AWARENESS, start_on=start, end_on=start + dt.timedelta(days=6),
            person_times=people)
        save(SESSIONS.save, city_actor, obj, "training sessions")


# --- 应急响应中心 --------------------------------------------------------------------------------

E = emergency.Category
INCIDENT_KINDS = ((E.MALWARE, "勒索病毒感染"), (E.MALWARE, "挖矿木马"),
                  (E.ATTACK, "网站页面篡改"), (E.ATTACK, "DDoS攻击"), (E.ATTACK, "暴力破解"),
                  (E.DATA, "数据泄露"), (E.VULNERABILITY, "高危漏洞未修复"),
                  (E.VULNERABILITY, "弱口令"), (E.EQUIPMENT, "核心交换机故障"),
                  (E.ANOMALY, "异常外联"), (E.CONTENT, "不良信息发布"),
                  (E.VIOLATION, "违规外联"))
AFFECTED = ("某区政务服务中心门户网站", "市直单位办公内网", "某医院HIS系统", "某中学校园网",
            "某园区企业生产网", "市政务云某租户", "某区不动产登记系统", "某供水企业SCADA系统")
NOTIFIED = ("police", "data", "miit", "secrecy")


def incidents(rng: random.Random, save: Saver, actor: User, n: int) -> None:
    units = {u.code: u for u in Unit.objects.filter(code__in=NOTIFIED)}
    levels = [emergency.Level.IV] * 14 + [emergency.Level.III] * 4 + [emergency.Level.II]
    for i in range(1, n + 1):
        category, kind = rng.choice(INCIDENT_KINDS)
        day = _weighted_day(rng)
        occurred = _moment(day, rng.randint(0, 22), rng.randint(0, 59))
        detected = occurred + dt.timedelta(minutes=rng.randint(5, 600))
        reported = detected + dt.timedelta(minutes=rng.randint(5, 120))
        responded = reported + dt.timedelta(minutes=rng.randint(10, 240))
        closed = responded + dt.timedelta(hours=rng.randint(2, 96))
        still_open = closed > _moment(AS_OF, 23, 59) or (i > n - 2)
        affected = rng.choice(AFFECTED)
        obj = emergency.Incident(
            number=f"CSIR-{day.year}-{i:03d}", title=f"{affected}{kind}事件",
            category=category, level=rng.choice(levels), affected=affected,
            occurred_at=occurred, detected_at=detected, reported_at=reported,
            responded_at=responded, closed_at=None if still_open else closed,
            summary="" if still_open else "已隔离受影响主机、清除恶意代码并恢复业务，"
                                          "已督促整改并复测。")
        incident = save(INCIDENTS.save, actor, obj, "incidents")
        for code in rng.sample(NOTIFIED, rng.randint(1, 3)):
            at = reported + dt.timedelta(minutes=rng.randint(10, 180))
            save(NOTIFICATIONS.save, actor, emergency.Notification(
                incident=incident, unit=units[code], notified_at=at,
                acknowledged_at=at + dt.timedelta(minutes=rng.randint(3, 90))),
                "incident notifications")


DRILL_PLAN = (
    (dt.date(2019, 11, 20), emergency.DrillKind.DRILL, "2019年长沙市网络安全应急演练"),
    (dt.date(2020, 6, 18), emergency.DrillKind.RANGE, "2020年长沙网络靶场攻防演习"),
    (dt.date(2020, 11, 12), emergency.DrillKind.DRILL, "2020年长沙市关键信息基础设施应急演练"),
    (dt.date(2021, 4, 22), emergency.DrillKind.ATTACK_DEFENCE, "2021年“湘剑”网络攻防实战演练"),
    (dt.date(2021, 9, 23), emergency.DrillKind.RANGE, "2021年长沙网络靶场工控安全演习"),
    (dt.date(2021, 12, 9), emergency.DrillKind.DRILL, "2021年长沙市政务云应急演练"),
)
DRILL_PARTIES = (("市委网信办", "指挥部", 8), ("市公安局网安支队", "裁判组", 12),
                 ("市数据资源局", "防守方", 20), ("长沙市政务云运营单位", "防守方", 25),
                 ("国防科技大学", "攻击方", 15), ("长沙PK体系适配中心", "技术支撑", 10),
                 ("市工业和信息化局", "观摩", 6), ("某区人民政府", "防守方", 18))


def drills(rng: random.Random, save: Saver, actor: User) -> None:
    cac = Unit.objects.get(code="cac")
    for held_on, kind, name in DRILL_PLAN:
        drill = save(DRILLS.save, actor, emergency.Drill(
            name=name, kind=kind, held_on=held_on, organiser=cac,
            scenario="勒索病毒处置、网站篡改恢复与跨部门联动通报"), "drills")
        for party, role, people in rng.sample(DRILL_PARTIES, rng.randint(4, 7)):
            save(PARTICIPANTS.save, actor, emergency.DrillParticipant(
                drill=drill, name=party, role=role, people=people + rng.randint(0, 10)),
                "drill participants")


# --- 终端更新与应用系统迁移 ---------------------------------------------------------------------

MIGRATION_DATES = (dt.date(2020, 6, 30), dt.date(2020, 12, 31), dt.date(2021, 6, 30),
                   dt.date(2021, 12, 31))
# The units far behind in 2021: the big counties (most terminals, furthest from the city) and a
# few departments with classified networks of their own. Two of them stopped reporting.
LAGGING = ("changsha-county", "liuyang", "ningxiang", "wangcheng", "police", "secrecy")
SILENT = ("ningxiang", "secrecy")  # their last report is of 2021-06-30


def migration(rng: random.Random, save: Saver, actor: User) -> None:
    """Each city department and district reports its counts half-yearly; most are nearly
    done by the end of 2021, the LAGGING ones replaced about a third of their terminals."""
    terminals_spec, apps_spec = MIGRATION_TYPES
    units = list(Unit.objects.filter(kind__in=(Unit.Kind.GOVERNMENT, Unit.Kind.PARTY,
                                               Unit.Kind.DISTRICT)).order_by("code"))
    for unit in units:
        big = unit.kind == Unit.Kind.DISTRICT
        late = unit.code in LAGGING
        terminals = (rng.randint(3600, 5200) if big and late else rng.randint(1500, 3000)
                     if big else rng.randint(150, 900))
        apps = rng.randint(12, 22) if big else rng.randint(3, 9)
        final_t = rng.uniform(0.25, 0.4) if late else rng.uniform(0.86, 1.0)
        final_a = rng.uniform(0.75, 0.9) if late else 1.0
        stop = 3 if unit.code in SILENT else 4
        for step, day in enumerate(MIGRATION_DATES[:stop], start=1):
            progress = step / len(MIGRATION_DATES)
            save(terminals_spec.save, actor, TerminalReplacement(
                unit=unit, as_of=day, terminals=terminals,
                replaced=int(terminals * final_t * progress)), "terminal reports")
            save(apps_spec.save, actor, AppMigration(
                unit=unit, as_of=day, apps=apps, migrated=int(apps * final_a * progress)),
                "migration reports")


# --- 一会一赛 -----------------------------------------------------------------------------------

SUMMIT_PLAN = ((1, dt.date(2019, 11, 8), "网络安全产业发展与PK体系", 1200),
               (2, dt.date(2020, 9, 26), "新基建·新安全", 1600),
               (3, dt.date(2021, 9, 24), "数字政府与关键信息基础设施安全", 2100))
COMPETITION_PLAN = ((1, 2019, dt.date(2019, 12, 14)), (2, 2021, dt.date(2021, 11, 27)))
TRACKS = ("网络安全创新产品", "PK体系应用", "工控安全", "数据安全")
RANKS = (events.Rank.FIRST, events.Rank.SECOND, events.Rank.SECOND, events.Rank.THIRD,
         events.Rank.THIRD, events.Rank.THIRD)


def summits(save: Saver, actor: User) -> None:
    miit = Unit.objects.get(code="miit")
    for number, held_on, theme, attendees in SUMMIT_PLAN:
        save(SUMMITS.save, actor, events.SummitEdition(
            number=number, title=f"{held_on.year}网络安全产业峰会（长沙）", held_on=held_on,
            theme=theme, attendees=attendees, organiser=miit), "summits")


def competitions(rng: random.Random, save: Saver, actor: User,
                 orgs: Sequence[Organisation], teams: Sequence[Team], entries: int) -> None:
    """Each edition's entries (enterprises, registry teams and a few teams from outside the
    registry) and six prizes, recorded with `record_prize` (a registry event each)."""
    science = Unit.objects.get(code="science")
    for number, year, final_on in COMPETITION_PLAN:
        edition = save(COMPETITIONS.save, actor, events.CompetitionEdition(
            number=number, year=year, final_on=final_on, organiser=science),
            "competition editions")
        contestants: list[Organisation | Team | None] = [
            *rng.sample(list(orgs), entries // 2), *rng.sample(list(teams), entries // 3)]
        contestants += [None] * (entries - len(contestants))
        rng.shuffle(contestants)
        saved = []
        for i, who in enumerate(contestants, start=1):
            org = who if isinstance(who, Organisation) else None
            team = who if isinstance(who, Team) else None
            name = who.name if who is not None else f"外地高校参赛队{i}"
            saved.append(save(ENTRIES.save, actor, events.Entry(
                edition=edition, code=f"CCB{year}-{i:03d}", name=name,
                track=rng.choice(TRACKS), organisation=org, team=team), "competition entries"))
        winners = [e for e in saved if e.winner is not None][:len(RANKS)]
        for entry, rank in zip(winners, RANKS, strict=True):
            save(record_prize, actor, events.Prize(
                entry=entry, rank=rank, settles_in_changsha=rng.random() < 0.3,
                awarded_on=final_on), "prizes")
