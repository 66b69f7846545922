"""The workflow table is consistent, and docs/workflow.md is generated from it."""

from __future__ import annotations

import itertools
from pathlib import Path

from policyhub.accounts.models import Role
from policyhub.applications import workflow

DOC = Path(__file__).resolve().parents[2] / "docs" / "workflow.md"


def test_docs_workflow_md_is_generated_from_the_table() -> None:
    # Regenerate: .venv/bin/python -m policyhub.applications.workflow --write docs/workflow.md
    assert DOC.read_text(encoding="utf-8") == workflow.render_markdown()


def test_every_role_in_the_table_is_a_real_role_or_a_pseudo_role() -> None:
    known = {r.value for r in Role} | {workflow.OBJECTOR, workflow.SYSTEM}
    assert {r for m in workflow.MOVES for r in m.roles} <= known
    assert set(workflow.HUMAN_ROLES) == {r.value for r in Role}


def test_every_move_joins_known_states_and_is_unique_per_source() -> None:
    codes = set(workflow.STATE_BY_CODE)
    pairs = [(m.name, m.source) for m in workflow.MOVES]
    assert len(pairs) == len(set(pairs))
    assert all(m.source in codes and m.target in codes for m in workflow.MOVES)


def test_terminal_states_have_no_way_out() -> None:
    for s in workflow.STATES:
        if s.terminal:
            assert workflow.moves_from(s.code) == []


def test_the_happy_path_is_in_the_table() -> None:
    path = ["draft", "submitted", "accepted", "reviewed", "notice", "approved", "paid"]
    names = ["submit", "accept", "review", "final_review", "approve", "pay"]
    for name, (a, b) in zip(names, itertools.pairwise(path), strict=True):
        m = workflow.move(name, a)
        assert m is not None and m.target == b


def test_refusal_objection_and_appeal_need_a_reason() -> None:
    for m in workflow.MOVES:
        if m.name in ("refuse", "return", "object", "dismiss_objection", "reopen", "appeal",
                      "supersede"):
            assert m.reason_required, m


def test_an_objection_is_raised_by_another_applicant_and_answered_by_the_bureau() -> None:
    obj = workflow.move("object", "notice")
    assert obj is not None and obj.roles == (workflow.OBJECTOR,)
    assert obj.target == "notice"  # recorded, it moves nothing
    for name, target in (("dismiss_objection", "notice"), ("reopen", "accepted")):
        m = workflow.move(name, "notice")
        assert m is not None and m.roles == (workflow.BUREAU_OFFICER,) and m.target == target
