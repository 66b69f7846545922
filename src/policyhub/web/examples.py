"""Sample `policyhub.evaluate/1` requests for the 试算 page.

The JSON files beside this module are the requests of tests/contract/examples (a test keeps
them equal), shipped inside the package because tests/ is not deployed.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Name of the file (without .json) -> the label shown in the picker, in display order.
EXAMPLES: dict[str, Promise] = {
    "milestone_cumulative": _("企业“上台阶”奖励（累计档）"),
    "different_matters_stack": _("不同事项叠加"),
    "dedup_same_matter": _("同一事项“就高不就低”"),
    "national_leader_talent": _("国家级产业领军人才"),
    "project_ceiling": _("重点项目补助上限"),
    "ipo_stages": _("企业上市分阶段补助"),
    "competition_first_prize_settles": _("大赛一等奖并来长落户"),
    "out_of_scope": _("不在适用范围内"),
    "leading_firm_one_cap": _("引进龙头企业：同一企业共用一个上限"),
    "talent_once_highest_level": _("人才按最高层次给予一次"),
    "settlement_once_best_rank": _("来长落户支持给予一次"),
    "applicant_kind": _("申请主体类型不符"),
    "standard_local_revision": _("修订地方标准不予奖励"),
    "revision2_combined": _("合同第2修订版综合示例"),
    "rank_out_of_range": _("错误示例：名次超出范围"),
}


def choices() -> list[tuple[str, Promise]]:
    """Picker choices; the labels stay lazy so they follow the active language."""
    return [(name, label) for name, label in EXAMPLES.items()]


@cache
def _text(name: str) -> str:
    return resources.files(__package__).joinpath("examples", f"{name}.json").read_text("utf-8")


def example_text(name: str) -> str:
    """The request as pretty JSON text; KeyError for a name that is not offered."""
    if name not in EXAMPLES:
        raise KeyError(name)
    return _text(name)


def example(name: str) -> Any:
    return json.loads(example_text(name))
