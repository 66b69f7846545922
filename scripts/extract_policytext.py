#!/usr/bin/env python3
"""Extract the verbatim clauses of 长政办发〔2019〕30号 from seed.txt into clauses.yaml.

The seed is the notice 《长沙市人民政府办公厅关于印发长沙市加快网络安全产业发展三年(2019—2021年)
行动计划和若干政策的通知》 as copied from a web page. It holds the notice itself, the action plan
(计划) and the support policies (政策). Every clause is written out with a stable id, its verbatim
text and its character offset in seed.txt; see docs/policytext.md for the id scheme.

The output is checked in; re-run after changing this script and commit the diff:

    python scripts/extract_policytext.py                  # src/policyhub/policytext/clauses.yaml
    python scripts/extract_policytext.py --out /tmp/x.yaml  # elsewhere (the test does this)

The script fails loudly (AssertionError / ExtractionError) when the text does not have the
structure it expects, rather than writing a partial file.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "src" / "policyhub" / "policytext"
DEFAULT_SEED = PACKAGE_DIR / "seed.txt"
DEFAULT_OUT = PACKAGE_DIR / "clauses.yaml"

NOTICE_NUMBER = "长政办发〔2019〕30号"
# The notice title is printed on three lines in the seed; they are joined for the title.
NOTICE_TITLE_LINES = (
    "长沙市人民政府办公厅",
    "关于印发长沙市加快网络安全产业发展三年",
    "(2019—2021年)行动计划和若干政策的通知",
)
NOTICE_START = "各区县(市)人民政府、市直机关各单位:"
NOTICE_DATE = "2019年7月30日"
PLAN_TITLE = "长沙市加快网络安全产业发展三年(2019—2021年)行动计划"
POLICY_TITLE = "长沙市加快网络安全产业发展若干政策"
COLOPHON_START = "抄送:"
COLOPHON_END = "印发"  # "长沙市人民政府办公厅 … 2019年7月31日印发"; everything after is web residue

# (一)… items under these parents are untitled: their first sentence is content, not a title.
UNTITLED_ITEM_PARENTS = frozenset({"政策/三"})

CN_NUM = "一二三四五六七八九十"
SECTION_RE = re.compile(rf"([{CN_NUM}]+)、(.+)")
SUBSECTION_RE = re.compile(rf"\(([{CN_NUM}]+)\)(.*)")
TASK_RE = re.compile(r"(\d+)\. (.*)")
BULLET_RE = re.compile(r"(—{2,})(.*)")
# A unit parenthetical: "(牵头单位:…,责任单位:…)" — the seed uses ASCII ( ) , : here.
UNITS_OPEN_RE = re.compile(r"[(（](?=(?:牵头单位|责任单位)[:：])")
UNIT_KEYS = {"牵头单位": "lead_units", "责任单位": "responsible_units"}
OPENERS = "(（“《〔"
CLOSERS = ")）”》〕"


class ExtractionError(RuntimeError):
    """The seed does not have the structure this script expects."""


@dataclass
class Node:
    id: str
    document: str
    kind: str
    parent: str | None
    heading: str
    text: str
    offset: int
    lead_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    body_pending: bool = False  # heading on its own line, body paragraph not seen yet

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document": self.document,
            "kind": self.kind,
            "parent": self.parent,
            "heading": self.heading,
            "offset": self.offset,
            "text": self.text,
            "lead_units": self.lead_units,
            "responsible_units": self.responsible_units,
        }


@dataclass(frozen=True)
class Line:
    number: int  # 0-based line number in the seed
    offset: int  # character offset of the first non-blank character
    text: str  # the line without surrounding whitespace


def content_lines(seed: str) -> list[Line]:
    """Non-blank lines (a line of only spaces / no-break spaces counts as blank), trimmed."""
    out: list[Line] = []
    pos = 0
    for number, raw in enumerate(seed.split("\n")):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(Line(number, pos + lead, stripped))
        pos += len(raw) + 1
    return out


def find_line(lines: list[Line], pred: Any, start: int = 0, what: str = "") -> int:
    for i in range(start, len(lines)):
        if pred(lines[i].text):
            return i
    raise ExtractionError(f"line not found: {what}")


def matching_close(s: str, i: int) -> int:
    """Index of the bracket closing the one at s[i] (nesting-aware)."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] in OPENERS:
            depth += 1
        elif s[j] in CLOSERS:
            depth -= 1
            if depth == 0:
                return j
    raise ExtractionError(f"unbalanced bracket in: {s[i : i + 40]}…")


def split_top(s: str, sep: str) -> list[str]:
    """Split on sep where it is not inside brackets or quotes."""
    parts: list[str] = []
    depth = 0
    start = 0
    for j, ch in enumerate(s):
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(s[start:j])
            start = j + 1
    parts.append(s[start:])
    return parts


def parse_units(inner: str) -> dict[str, list[str]]:
    """'牵头单位:市科技局,责任单位:各园区管委会、市科技局' -> {'lead_units': [...], ...}."""
    units: dict[str, list[str]] = {"lead_units": [], "responsible_units": []}
    for part in split_top(inner, ",") if "," in inner else split_top(inner, "，"):
        key, sep, value = part.partition(":")
        if not sep:
            key, sep, value = part.partition("：")
        if key.strip() not in UNIT_KEYS or not value.strip():
            raise ExtractionError(f"cannot parse unit list: {inner!r}")
        units[UNIT_KEYS[key.strip()]] = [u.strip() for u in split_top(value, "、") if u.strip()]
    return units


@dataclass(frozen=True)
class Sentence:
    start: int  # relative to the clause text
    end: int
    units: dict[str, list[str]] | None  # the unit parenthetical that follows it, if any


def split_sentences(
    text: str, body_start: int
) -> tuple[list[Sentence], list[dict[str, list[str]]]]:
    """Split text[body_start:] on 。 (outside brackets/quotes); unit parentheticals are not
    sentences: each sentence is governed by the next unit parenthetical after it."""
    pieces: list[tuple[int, int]] = []  # raw sentence spans
    groups: list[tuple[int, dict[str, list[str]]]] = []  # (position, units)
    depth = 0
    start = body_start
    j = body_start
    while j < len(text):
        ch = text[j]
        if depth == 0 and UNITS_OPEN_RE.match(text, j):
            if text[start:j].strip():
                raise ExtractionError(f"text before unit list without 。: {text[start:j]!r}")
            close = matching_close(text, j)
            groups.append((j, parse_units(text[j + 1 : close])))
            j = close + 1
            start = j
            continue
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth -= 1
        elif ch == "。" and depth == 0:
            pieces.append((start, j + 1))
            start = j + 1
        j += 1
    if text[start:].strip():
        raise ExtractionError(f"trailing text without 。: {text[start:]!r}")
    sentences: list[Sentence] = []
    for s, e in pieces:
        raw = text[s:e]
        s += len(raw) - len(raw.lstrip())
        e -= len(raw) - len(raw.rstrip())
        governing = next((units for pos, units in groups if pos >= e), None)
        sentences.append(Sentence(s, e, governing))
    return sentences, [units for _, units in groups]


def title_end(text: str) -> int:
    """Index just past the title sentence '(四)支持骨干企业培育和引进。'."""
    idx = text.find("。")
    if idx < 0:
        raise ExtractionError(f"no title sentence in {text[:40]!r}")
    return idx + 1


def parse_document(doc: str, root: Node, lines: list[Line], seed: str) -> list[Node]:
    """Parse the body lines of one document into a flat list of nodes (document order)."""
    nodes: list[Node] = []
    by_id: dict[str, Node] = {root.id: root}
    section: Node | None = None
    subsection: Node | None = None
    pending: Node | None = None

    def add(node: Node) -> None:
        if node.id in by_id:
            raise ExtractionError(f"duplicate id {node.id}")
        by_id[node.id] = node
        assert node.parent is not None
        by_id[node.parent].children.append(node)
        nodes.append(node)
        assert seed[node.offset : node.offset + len(node.text)] == node.text, node.id

    for line in lines:
        t = line.text
        if (m := SECTION_RE.fullmatch(t)) and "。" not in t:
            section = Node(f"{doc}/{m[1]}", doc, "section", root.id, t, t, line.offset)
            section.body_pending = True
            subsection = None
            pending = section
            add(section)
        elif m := SUBSECTION_RE.fullmatch(t):
            if section is None:
                raise ExtractionError(f"subsection outside a section: {t[:30]}")
            node_id = f"{section.id}/({m[1]})"
            if "。" not in t:  # heading on its own line; body (if any) follows
                subsection = Node(node_id, doc, "subsection", section.id, t, t, line.offset)
                subsection.body_pending = True
                pending = subsection
            else:
                marker = f"({m[1]})"
                titled = section.id not in UNTITLED_ITEM_PARENTS
                heading = t[: title_end(t) - 1] if titled else marker
                subsection = Node(node_id, doc, "subsection", section.id, heading, t, line.offset)
                pending = None
            add(subsection)
        elif m := TASK_RE.fullmatch(t):
            if subsection is None:
                raise ExtractionError(f"numbered item outside a subsection: {t[:30]}")
            heading = t[: title_end(t) - 1]
            task = Node(
                f"{subsection.id}/{m[1]}", doc, "task", subsection.id, heading, t, line.offset
            )
            pending = None
            add(task)
        elif m := BULLET_RE.fullmatch(t):
            if section is None or subsection is not None:
                raise ExtractionError(f"bullet outside a section body: {t[:30]}")
            number = sum(1 for c in section.children if c.kind == "target") + 1
            heading = t[len(m[1]) : title_end(t) - 1]
            add(Node(f"{section.id}#{number}", doc, "target", section.id, heading, t, line.offset))
            pending = None
        else:  # a body paragraph under a heading printed on its own line
            if pending is None or not pending.body_pending:
                raise ExtractionError(f"paragraph without a heading: {t[:30]}")
            pending.text = t
            pending.offset = line.offset
            pending.body_pending = False
            assert seed[pending.offset : pending.offset + len(t)] == t
    return nodes


def attach_units_and_sentences(nodes: list[Node]) -> list[Node]:
    """Fill unit lists from the parentheticals and add #n sentence nodes after each leaf clause."""
    out: list[Node] = []
    for node in nodes:
        out.append(node)
        is_leaf = not node.children
        if node.kind not in ("section", "subsection", "task") or not is_leaf:
            continue
        text = node.text
        if node.heading == node.text:  # a heading with nothing under it
            raise ExtractionError(f"empty leaf clause {node.id}")
        if node.kind == "task" or (node.heading != "" and text.startswith(node.heading + "。")):
            body_start = title_end(text)
        elif node.parent in UNTITLED_ITEM_PARENTS:
            body_start = len(node.heading)  # after the "(一)" marker
        else:
            body_start = 0  # body paragraph below a heading line
        sentences, groups = split_sentences(text, body_start)
        for groups_units in groups:
            for key in ("lead_units", "responsible_units"):
                target: list[str] = getattr(node, key)
                target.extend(u for u in groups_units[key] if u not in target)
        for n, s in enumerate(sentences, start=1):
            units = s.units or {"lead_units": [], "responsible_units": []}
            out.append(
                Node(
                    f"{node.id}#{n}",
                    node.document,
                    "sentence",
                    node.id,
                    "",
                    text[s.start : s.end],
                    node.offset + s.start,
                    list(units["lead_units"]),
                    list(units["responsible_units"]),
                )
            )
    return out


def extract(seed: str) -> dict[str, Any]:
    lines = content_lines(seed)

    # -- the notice ----------------------------------------------------------------------
    notice_title_block = "\n\n".join(NOTICE_TITLE_LINES)
    if notice_title_block not in seed:
        raise ExtractionError("notice title not found")
    i_start = find_line(lines, lambda t: t == NOTICE_START, what=NOTICE_START)
    i_date = find_line(lines, lambda t: t == NOTICE_DATE, i_start, NOTICE_DATE)
    notice_text = seed[lines[i_start].offset : lines[i_date].offset + len(NOTICE_DATE)]
    notice = Node("通知", "通知", "notice", None, "", notice_text, lines[i_start].offset)

    # -- document boundaries -------------------------------------------------------------
    i_plan = find_line(lines, lambda t: t.startswith(PLAN_TITLE), i_date, PLAN_TITLE)
    i_policy = find_line(lines, lambda t: t == POLICY_TITLE, i_plan, POLICY_TITLE)
    i_cc = find_line(lines, lambda t: t.startswith(COLOPHON_START), i_policy, COLOPHON_START)
    i_printed = find_line(lines, lambda t: t.endswith(COLOPHON_END), i_cc, COLOPHON_END)
    colophon_text = seed[lines[i_cc].offset : lines[i_printed].offset + len(lines[i_printed].text)]
    colophon = Node("通知/版记", "通知", "colophon", "通知", "", colophon_text, lines[i_cc].offset)

    # -- the action plan: title and preamble share one line in the seed --------------------
    plan_line = lines[i_plan]
    plan = Node("计划", "计划", "document", None, PLAN_TITLE, PLAN_TITLE, plan_line.offset)
    plan_preamble_text = plan_line.text[len(PLAN_TITLE) :]
    plan_preamble = Node(
        "计划/序言",
        "计划",
        "preamble",
        "计划",
        "",
        plan_preamble_text,
        plan_line.offset + len(PLAN_TITLE),
    )
    plan_nodes = parse_document("计划", plan, lines[i_plan + 1 : i_policy], seed)

    # -- the policies ------------------------------------------------------------------------
    policy_line = lines[i_policy]
    policy = Node("政策", "政策", "document", None, POLICY_TITLE, POLICY_TITLE, policy_line.offset)
    pre = lines[i_policy + 1]
    policy_preamble = Node("政策/序言", "政策", "preamble", "政策", "", pre.text, pre.offset)
    policy_nodes = parse_document("政策", policy, lines[i_policy + 2 : i_cc], seed)

    nodes = [notice, colophon, plan, plan_preamble]
    nodes += attach_units_and_sentences(plan_nodes)
    nodes += [policy, policy_preamble]
    nodes += attach_units_and_sentences(policy_nodes)
    check(nodes, seed)

    return {
        "source": {
            "file": "seed.txt",
            "sha256": hashlib.sha256(seed.encode("utf-8")).hexdigest(),
            "characters": len(seed),
            "offsets": "character (code point) offsets into seed.txt decoded as UTF-8",
        },
        "documents": {
            "通知": {
                "title": "".join(NOTICE_TITLE_LINES),
                "number": NOTICE_NUMBER,
                "issued": NOTICE_DATE,
                "printed": "2019年7月31日",
            },
            "计划": {"title": PLAN_TITLE, "number": NOTICE_NUMBER},
            "政策": {"title": POLICY_TITLE, "number": NOTICE_NUMBER},
        },
        "clauses": [n.as_dict() for n in nodes],
    }


def check(nodes: list[Node], seed: str) -> None:
    """Structural invariants of 长政办发〔2019〕30号; a failure means the seed or parser changed."""
    ids = [n.id for n in nodes]
    if len(ids) != len(set(ids)):
        raise ExtractionError("duplicate ids")
    by_id = {n.id: n for n in nodes}
    for n in nodes:
        if seed[n.offset : n.offset + len(n.text)] != n.text:
            raise ExtractionError(f"{n.id}: text is not at its offset")
        if n.parent is not None and n.parent not in by_id:
            raise ExtractionError(f"{n.id}: unknown parent {n.parent}")

    def kids(pid: str, kind: str) -> list[Node]:
        return [n for n in nodes if n.parent == pid and n.kind == kind]

    groups = kids("计划/二", "subsection")
    task_counts = [len(kids(g.id, "task")) for g in groups]
    if task_counts != [3, 4, 6, 3, 2]:
        raise ExtractionError(f"计划/二 task counts {task_counts}")
    for g in groups:
        for t in kids(g.id, "task"):
            if not t.lead_units:
                raise ExtractionError(f"{t.id}: no 牵头单位")
    if len(kids("计划/一", "target")) != 3:
        raise ExtractionError("计划/一 should have 3 target bullets")
    if [len(kids(f"{d}/三", "subsection")) for d in ("计划", "政策")] != [3, 3]:
        raise ExtractionError("计划/三 and 政策/三 should have (一)(二)(三)")
    policy_items = kids("政策/二", "subsection")
    if [c.id for c in policy_items] != [f"政策/二/({c})" for c in CN_NUM]:
        raise ExtractionError("政策/二 should have (一)…(十)")
    for c in policy_items:
        if not c.responsible_units:
            raise ExtractionError(f"{c.id}: no 责任单位")


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line strings (the notice, the colophon) as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(data: dict[str, Any]) -> str:
    header = (
        "# GENERATED by scripts/extract_policytext.py from seed.txt (长政办发〔2019〕30号).\n"
        "# Do not edit by hand: change the script and re-run it. Id scheme: docs/policytext.md.\n"
        "# text is verbatim (whitespace included); offset is its character offset in seed.txt.\n"
    )
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
        default_flow_style=None,
    )
    return header + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    seed = args.seed.read_text(encoding="utf-8")
    data = extract(seed)
    args.out.write_text(dump(data), encoding="utf-8", newline="\n")
    counts: dict[str, int] = {}
    for c in data["clauses"]:
        counts[c["document"]] = counts.get(c["document"], 0) + 1
    print(f"wrote {args.out}: {len(data['clauses'])} clauses {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
