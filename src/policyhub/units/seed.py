"""The units named in 长政办发〔2019〕30号 and Changsha's parks and districts.

Department names are the text's own (each task's 牵头单位/责任单位 and each policy clause's
责任单位); parks and districts are Changsha's administrative divisions in 2019.
"""

from __future__ import annotations

# (code, name, kind)
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("miit", "市工业和信息化局", "government"),
    ("finance", "市财政局", "government"),
    ("finance-office", "市政府金融办", "government"),
    ("science", "市科技局", "government"),
    ("hrss", "市人力资源社会保障局", "government"),
    ("talent-office", "市委人才办", "party"),
    ("ndrc", "市发展改革委", "government"),
    ("cac", "市委网信办", "party"),
    ("police", "市公安局", "government"),
    ("market", "市市场监管局", "government"),
    ("data", "市数据资源局", "government"),
    ("party-office", "市委办公厅", "party"),
    ("gov-office", "市政府办公厅", "government"),
    ("secrecy", "市委保密办", "party"),
)

# (code, name, district) — park committees (园区管委会) accept applications.
PARKS: tuple[tuple[str, str, str], ...] = (
    ("hitech", "长沙高新区管委会", "岳麓区"),
    ("ceda", "长沙经开区管委会", "长沙县"),
    ("wangcheng-eda", "望城经开区管委会", "望城区"),
    ("ningxiang-hitech", "宁乡高新区管委会", "宁乡市"),
    ("liuyang-eda", "浏阳经开区管委会", "浏阳市"),
    ("tianxin-eda", "天心经开区管委会", "天心区"),
    ("yuhua-eda", "雨花经开区管委会", "雨花区"),
    ("yuelu-hitech", "岳麓高新区管委会", "岳麓区"),
    ("mawangdui", "马栏山视频文创产业园管委会", "开福区"),
)

DISTRICTS: tuple[tuple[str, str], ...] = (
    ("furong", "芙蓉区"),
    ("tianxin", "天心区"),
    ("yuelu", "岳麓区"),
    ("kaifu", "开福区"),
    ("yuhua", "雨花区"),
    ("wangcheng", "望城区"),
    ("changsha-county", "长沙县"),
    ("liuyang", "浏阳市"),
    ("ningxiang", "宁乡市"),
)


def rows() -> list[dict[str, str]]:
    out = [{"code": c, "name": n, "kind": k, "region": ""} for c, n, k in DEPARTMENTS]
    out += [{"code": c, "name": n, "kind": "park", "region": d} for c, n, d in PARKS]
    out += [{"code": c, "name": f"{n}人民政府", "kind": "district", "region": n}
            for c, n in DISTRICTS]
    return out
