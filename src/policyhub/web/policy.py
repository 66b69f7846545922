"""The policy text and the rules' parameters, shaped for the 政策原文 pages.

Every clause gets an element whose id is its clause id, so `/policy/#政策/二/(四)` and
`/policy/#政策/二/(四)#1` land on the words an explanation cites.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from policyhub import policytext
from policyhub.engine import meta, params
from policyhub.web.display import money

DOCUMENTS = ("计划", "政策")  # the two documents; the notice only transmits them
# Heading level of each kind of clause (h2 … h5); kinds not listed are not blocks.
DEPTH = {"document": 2, "preamble": 3, "section": 3, "subsection": 4, "task": 5, "target": 5}
SENTENCE = "sentence"


@dataclass(frozen=True)
class Piece:
    id: str  # "" when the text belongs to the block's own clause
    text: str


@dataclass(frozen=True)
class Block:
    id: str
    depth: int
    heading: str
    pieces: tuple[Piece, ...]


def _body(c: policytext.Clause) -> str:
    """The clause's words without its heading, which the page shows as a title."""
    text = c.text
    if c.heading and text.startswith(c.heading):
        text = text[len(c.heading) :].lstrip("。.， ")
    return text.strip()


def _pieces(c: policytext.Clause) -> tuple[Piece, ...]:
    sentences = [k for k in policytext.children(c.id) if k.kind == SENTENCE]
    # A clause with sentences holds exactly their words: show them, each with its own id.
    if sentences and sentences[0].text in c.text:
        return tuple(Piece(s.id, s.text.strip()) for s in sentences)
    body = _body(c)
    return (Piece("", body),) if body else ()


def blocks(document: str) -> list[Block]:
    return [
        Block(c.id, DEPTH[c.kind], c.heading, _pieces(c))
        for c in policytext.clauses().values()
        if c.document == document and c.kind in DEPTH
    ]


def documents() -> list[tuple[policytext.Document, list[Block]]]:
    docs = policytext.documents()
    return [(docs[key], blocks(key)) for key in DOCUMENTS]


@dataclass(frozen=True)
class ParameterView:
    name: str
    description: str
    reference: str
    unit: str
    periods: list[tuple[dt.date, str]]


def show_value(value: Any, unit: str) -> str:
    """A parameter value as a reader of the text would write it."""
    if value is None:
        return "原文未规定"
    if isinstance(value, dict):
        return "；".join(f"{k}：{show_value(v, unit)}" for k, v in value.items())
    if isinstance(value, Decimal):
        if unit == "rate":
            return f"{(value * 100).normalize():f}%"
        if unit == "yuan":
            return f"{money(value)} 元"
        suffix = {"years": " 年", "m2": " 平方米"}.get(unit, "")
        return f"{value.normalize():f}{suffix}"
    return str(value)


def _prefix(rule_id: str) -> str:
    """P7.project -> 'p7_': the parameters of a rule live in parameters/p7_*.yaml."""
    return rule_id.split(".", 1)[0].lower() + "_"


def rule_parameters(rule: meta.Rule) -> list[ParameterView]:
    """The parameters of the rule's clause, those citing the rule's own words first."""
    found = [p for name, p in params.parameters().items() if name.startswith(_prefix(rule.id))]
    found.sort(key=lambda p: (p.reference != rule.reference, p.name))
    return [
        ParameterView(
            p.name,
            p.description,
            p.reference,
            p.unit,
            [(start, show_value(v, p.unit)) for start, v in p.periods()],
        )
        for p in found
    ]


def general_parameters() -> list[ParameterView]:
    """Parameters of the whole policy (validity window …), from parameters/policy.yaml."""
    return [
        ParameterView(
            p.name,
            p.description,
            p.reference,
            p.unit,
            [(start, show_value(v, p.unit)) for start, v in p.periods()],
        )
        for name, p in params.parameters().items()
        if name.startswith("policy.")
    ]
