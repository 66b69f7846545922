"""The clause texts are verbatim slices of the published text, and nothing else."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from policyhub import policytext

SHARED_SEED = Path("/work/shared/seed/000_e420b96e2f18c5f3.txt")
PACKAGE_DIR = Path(policytext.__file__).resolve().parent
RESIDUE = ("扫描二维码", "本文链接", "本文关键词", "浏览量", "微信公众号", "0798ci", "CSCR")


def test_seed_is_byte_exact_copy_of_shared_seed() -> None:
    if not SHARED_SEED.exists():
        pytest.skip(f"{SHARED_SEED} not present (clean clone)")
    assert (PACKAGE_DIR / "seed.txt").read_bytes() == SHARED_SEED.read_bytes()


def test_yaml_records_the_seed_hash() -> None:
    raw = yaml.safe_load((PACKAGE_DIR / "clauses.yaml").read_text(encoding="utf-8"))
    seed_bytes = (PACKAGE_DIR / "seed.txt").read_bytes()
    assert raw["source"]["sha256"] == hashlib.sha256(seed_bytes).hexdigest()
    assert raw["source"]["characters"] == len(policytext.seed_text())


def test_every_text_is_verbatim_at_its_offset() -> None:
    seed = policytext.seed_text()
    for c in policytext.clauses().values():
        assert c.text, c.id
        assert c.text in seed, c.id
        assert seed[c.offset : c.end] == c.text, c.id


def test_every_heading_is_verbatim_or_empty() -> None:
    seed = policytext.seed_text()
    for c in policytext.clauses().values():
        assert c.heading == "" or c.heading in seed, c.id


def test_odd_whitespace_is_kept() -> None:
    assert "突破 300亿元" in policytext.clause("计划/一#1").text
    assert "1∶ 1比例" in policytext.clause("政策/二/(一)#2").text
    assert "5000 万元(含)" in policytext.clause("政策/二/(七)#1").text
    assert "选 择 重 点 行 业" in policytext.clause("计划/二/(二)/4#2").text
    assert "\xa0" in policytext.clause("通知/版记").text


def test_no_web_page_residue_in_any_clause() -> None:
    for c in policytext.clauses().values():
        for junk in RESIDUE:
            assert junk not in c.text, (c.id, junk)
            assert junk not in c.heading, (c.id, junk)


def test_clauses_lie_between_notice_and_printing_line() -> None:
    seed = policytext.seed_text()
    start = policytext.clause("通知").offset
    end = policytext.clause("通知/版记").end
    assert seed[end - 2 : end] == "印发"
    assert "扫描二维码" in seed[end:]  # the residue really is after it
    for c in policytext.clauses().values():
        assert start <= c.offset and c.end <= end, c.id


def test_every_printed_line_of_the_policy_is_covered() -> None:
    """No line between the salutation and the 印发 line is dropped by the extraction."""
    seed = policytext.seed_text()
    all_clauses = policytext.clauses().values()
    covered = bytearray(len(seed))
    for c in all_clauses:
        covered[c.offset : c.end] = b"\x01" * len(c.text)
    headings = {c.heading for c in all_clauses}
    start = policytext.clause("通知").offset
    end = policytext.clause("通知/版记").end
    pos = start
    for line in seed[start:end].split("\n"):
        stripped = line.strip()
        if stripped and stripped not in headings:
            missing = [ch for i, ch in enumerate(line) if not ch.isspace() and not covered[pos + i]]
            assert not missing, f"not covered by any clause: {line[:40]!r}"
        pos += len(line) + 1


def test_sentences_are_ordered_slices_of_their_clause() -> None:
    for c in policytext.clauses().values():
        sentences = [k for k in policytext.children(c.id) if k.kind == "sentence"]
        previous_end = c.offset
        for n, s in enumerate(sentences, start=1):
            assert s.id == f"{c.id}#{n}"
            assert s.number == n
            assert s.text.endswith("。"), s.id
            assert s.text == s.text.strip(), s.id
            assert previous_end <= s.offset and s.end <= c.end, s.id
            previous_end = s.end
