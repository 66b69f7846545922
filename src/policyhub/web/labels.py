"""Human labels for what the engine names by code: matters ("event-7", "revenue-2020"),
options ("dedup_scope=matter") and rule ids inside texts ("由P4.milestone替代"). Pages show
these, never the codes (issue 14)."""

from __future__ import annotations

import re
from collections.abc import Sequence
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
_RULE_IN_TEXT = re.compile(r"\bP\d{1,2}\.[a-z][a-z_]*")


def event_label(event: dict[str, Any]) -> str:
    """An event of a request as a person names it: its kind, then its name or day."""
    kind = str(event.get("type", ""))
    if kind == "annual_revenue":
        return f"{event.get('year')}年度主营业务收入"
    label = EVENT_TYPE_LABELS.get(kind, "登记事实")
    detail = event.get("name") or event.get("project") or event.get("date") \
        or event.get("operation_start")
    return f"{label}（{detail}）" if detail else label


def matter_label(matter: str, events: Sequence[dict[str, Any]] | None = None) -> str:
    """The engine's matter as a person names it. `events`: the request's events, when known,
    for an event's own kind and day; without them an event is numbered from 1."""
    if not matter:
        return ""
    found = _REVENUE.match(matter)
    if found:
        return f"{found.group(1)}年度主营业务收入"
    found = _EVENT.match(matter)
    if found:
        index = int(found.group(1))
        if events is not None and 0 <= index < len(events):
            return event_label(events[index])
        return f"第{index + 1}项事实"
    for event in events or ():
        if event.get("matter") == matter:  # the registry's own matter id (proj-76025F) is a
            return event_label(event)       # record key: name it by its kind and day instead
    fixed = meta.wording().get("matter_names", {})
    if matter in fixed:  # the engine's own matters (leading-firm, talent, settlement)
        return str(fixed[matter])
    return matter


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
    """An application's matter named from its applicant's registry facts as they stand (the
    engine numbered them in that order when it decided); numbered when they cannot be read."""
    from policyhub import clock
    from policyhub.registry import facts

    try:  # the order applications.entitlement.applicant_request gives the engine
        request = facts.request_for(app.applicant, as_of=app.decided_as_of or clock.today())
    except (ValueError, AttributeError):
        return matter_label(app.matter)
    return matter_label(app.matter, [*request["events"], *(app.events or [])])
