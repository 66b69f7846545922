"""The loader's public API."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from policyhub import policytext

PLAN = "《长沙市加快网络安全产业发展三年(2019—2021年)行动计划》"
POLICY = "《长沙市加快网络安全产业发展若干政策》"


def test_unknown_id_raises_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="政策/二/（四）") as info:
        policytext.clause("政策/二/（四）")
    assert "政策/二/(四)" in str(info.value)  # suggests the ASCII-bracket id
    with pytest.raises(KeyError, match="no/such/clause"):
        policytext.clause("no/such/clause")
    with pytest.raises(KeyError, match="政策/十一"):
        policytext.children("政策/十一")
    with pytest.raises(KeyError, match="计划/九"):
        policytext.cite("计划/九")


def test_clause_is_frozen_and_cached() -> None:
    c = policytext.clause("政策/二/(四)")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.text = "x"  # type: ignore[misc]
    assert policytext.clause("政策/二/(四)") is c
    mapping = policytext.clauses()
    mapping.clear()  # a copy: the cache is unaffected
    assert "政策/二/(四)" in policytext.clauses()


def test_clauses_are_in_document_order() -> None:
    ids = list(policytext.clauses())
    assert ids[:3] == ["通知", "通知/版记", "计划"]
    assert ids.index("计划/三/(三)") < ids.index("政策") < ids.index("政策/三/(三)")
    offsets = [c.offset for c in policytext.clauses().values() if c.document != "通知"]
    assert offsets == sorted(offsets)


def test_children() -> None:
    assert [c.id for c in policytext.children("政策")] == [
        "政策/序言",
        "政策/一",
        "政策/二",
        "政策/三",
    ]
    assert [c.id for c in policytext.children("政策/二/(五)")] == [
        "政策/二/(五)#1",
        "政策/二/(五)#2",
        "政策/二/(五)#3",
    ]
    assert policytext.children("政策/二/(五)#1") == []


def test_cite() -> None:
    assert policytext.cite("政策/二/(四)") == POLICY + "二(四)"
    assert policytext.cite("政策/二/(五)#1") == POLICY + "二(五)第1句"
    assert policytext.cite("政策/三/(一)#2") == POLICY + "三(一)第2句"
    assert policytext.cite("政策") == POLICY
    assert policytext.cite("政策/序言") == POLICY + "序言"
    assert policytext.cite("计划/二/(三)/3") == PLAN + "二(三)3"
    assert policytext.cite("计划/一#2") == PLAN + "一第2项"
    assert policytext.cite("通知").endswith("的通知》(长政办发〔2019〕30号)")


def test_documents() -> None:
    docs = policytext.documents()
    assert set(docs) == {"通知", "计划", "政策"}
    assert all(d.number == "长政办发〔2019〕30号" for d in docs.values())


def test_import_does_not_pull_in_django() -> None:
    src = str(Path(policytext.__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    code = (
        "import sys; from policyhub import policytext; policytext.clause('政策/一'); "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
