"""Human labels for what the engine names by code: matters ("event-7", "revenue-2020"),
options ("dedup_scope=matter") and rule ids inside texts ("由P4.milestone替代"). Pages show
these, never the codes (issue 14)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from policyhub.engine import meta
from policyhub.registry.models import EVENT_TYPE_LABELS

# The trial form's choices; the decision names them with the engine's own words (meta).
OPTION_READINGS = {
    ("dedup_scope", "matter"): "就高不就低按事项",
    ("dedup_scope", "applicant"): "就高不就低按申请主体",
    ("milestone_jump", "highest"): "跨档只奖最高一档",
    ("milestone_jump", "cumulative"): "跨档逐档奖励",
}
_EVENT = re.compile(r"^event-(\d+)$")
_REVENUE = re.compile(r"^revenue-(\d{4})$")
_OPTION_IN_TEXT = re.compile(r"选项 [a-z_]+=[a-z_]+[：，]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_RULE_IN_TEXT = re.compile(r"\bP\d{1,2}\.[a-z][a-z_]*")


def zh_date(raw: object) -> str:
    """An ISO day as people write it: 2020年10月30日; anything else as it is."""
    try:
        day = dt.date.fromisoformat(str(raw))
    except ValueError:
        return str(raw)
    return f"{day.year}年{day.month}月{day.day}日"


def event_label(event: dict[str, Any]) -> str:
    """An event of a request as a person names it: its kind, then its name or day."""
    kind = str(event.get("type", ""))
    if kind == "annual_revenue":
        return f"{event.get('year')}年度主营业务收入"
    label = EVENT_TYPE_LABELS.get(kind, "登记事实")
    day = event.get("date") or event.get("operation_start")
    detail = event.get("name") or event.get("project") or (zh_date(day) if day else "")
    return f"{label}（{detail}）" if detail else label


def matter_label(matter: str, events: Sequence[dict[str, Any]] | None = None,
                 rule: str | None = None) -> str:
    """The engine's matter as a person names it. `events`: the request's events, when known,
    for an event's own kind and day; without them an event is named by the rule it was
    granted under (`rule`), else numbered from 1."""
    if not matter:
        return ""
    if _CJK.search(matter):  # a matter the request named in words
        return matter
    found = _REVENUE.match(matter)
    if found:
        return f"{found.group(1)}年度主营业务收入"
    found = _EVENT.match(matter)
    if found:
        index = int(found.group(1))
        if events is not None and 0 <= index < len(events):
            return event_label(events[index])
        return f"{rule_label(rule)}事项" if rule else f"第{index + 1}项事实"
    for event in events or ():
        if event.get("matter") == matter:  # the registry's own matter id (proj-76025F) is a
            return event_label(event)       # record key: name it by its kind and day instead
    fixed = meta.wording().get("matter_names", {})
    if matter in fixed:  # the engine's own matters (leading-firm, talent, settlement)
        return str(fixed[matter])
    # A record key whose event is gone: the rule names it, never the key.
    return f"{rule_label(rule)}事项" if rule else "登记事实"


def option_reading(name: str, value: str) -> str:
    """An option as the engine's wording names it: "就高不就低的比较单位：以同一事项为单位"."""
    label, reading = meta.option_name(name, value)
    return f"{label}：{reading}"


def rule_label(rule_id: str) -> str:
    try:
        return meta.rule(rule_id).label
    except KeyError:
        return "其他规则"


def readable(text: str) -> str:
    """An engine text without option names and rule ids: "（选项 dedup_scope=matter，以同一
    事项为单位）" reads "（以同一事项为单位）", "由P4.milestone替代" names the rule."""
    text = _OPTION_IN_TEXT.sub("", text)
    return _RULE_IN_TEXT.sub(lambda m: f"“{rule_label(m.group(0))}”", text)


def application_matter(app: Any) -> str:
    """An application's (or a proposal's) matter as a person names it (record_matters)."""
    return record_matters([app])[0]


def _owner(record: Any) -> tuple[str, int]:
    """(kind, pk) of the applicant of an application, a proposal or a registry event."""
    kind = "organisation" if record.organisation_id else "person" if record.person_id else "team"
    return kind, int(record.organisation_id or record.person_id or record.team_id)


def _registry_matters(records: Sequence[Any]) -> dict[tuple[str, int, str], dict[str, Any]]:
    """The first registry event of each applicant's matter among `records`, in one query."""
    from policyhub.registry.models import RegistryEvent

    out: dict[tuple[str, int, str], dict[str, Any]] = {}
    keys = {r.matter for r in records
            if not (_EVENT.match(r.matter) or _REVENUE.match(r.matter) or _CJK.search(r.matter))}
    for e in RegistryEvent.objects.filter(matter__in=keys).order_by("date", "id"):
        out.setdefault((*_owner(e), e.matter), e.to_engine())
    return out


def _request_events(record: Any) -> list[dict[str, Any]]:
    """The events the engine numbered when it decided on `record` (applications.entitlement
    gives it the applicant's registry facts, then the record's own events)."""
    from policyhub import clock
    from policyhub.registry import facts

    day = getattr(record, "decided_as_of", None) or clock.today()
    try:
        request = facts.request_for(record.applicant, as_of=day)
    except (ValueError, AttributeError):
        return list(record.events or [])
    return [*request["events"], *(record.events or [])]


def record_matters(records: Iterable[Any]) -> list[str]:
    """The matters of applications or proposals as people name them, in `records`' order:
    words stay words, `revenue-2020` is 2020年度主营业务收入, a registry key (proj-76025F) or
    an `event-N` is its event's kind and day ("项目投资（2020年10月30日）"); what cannot be
    read is named by its rule — never a code, never "第N项事实". One registry query for the
    keys; the numbered events are read once per applicant."""
    records = list(records)  # a page's queryset: its cached rows, the same objects
    registry = _registry_matters(records)
    numbered: dict[tuple[str, int], list[dict[str, Any]]] = {}
    out = []
    for record in records:
        matter, rule = str(record.matter), str(record.rule)
        own = [e for e in (record.events or []) if isinstance(e, dict)]
        found = next((e for e in own if e.get("matter") == matter), None) \
            or registry.get((*_owner(record), matter))
        if found is not None:
            out.append(event_label(found))
        elif _EVENT.match(matter):
            events = numbered.setdefault(_owner(record), _request_events(record))
            out.append(matter_label(matter, events, rule))
        else:
            out.append(matter_label(matter, None, rule))
    return out


def name_matters(records: Iterable[Any]) -> None:
    """Give each application or proposal of a page its `matter_text` (record_matters), for the
    templates' `matter_of` filter."""
    records = list(records)
    for record, text in zip(records, record_matters(records), strict=True):
        record.matter_text = text
