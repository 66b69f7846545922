"""The contract and its examples are copies of ../shared/contracts; this fails when they drift.

The shared directory holds the contract every implementation answers to (the brief: "Fixed
contracts"). The repository keeps byte-for-byte copies, so a checkout without the shared
directory (CI, a fresh machine) still runs the examples; where the shared directory exists
(the development machine), any difference fails here until the copies are synced with
`cp ../shared/contracts/evaluate.md docs/contract-evaluate.md` and
`cp ../shared/contracts/examples/*.json tests/contract/examples/` (and stale examples removed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "contracts"
CONTRACT = ROOT / "docs" / "contract-evaluate.md"
EXAMPLES = Path(__file__).with_name("examples")

needs_shared = pytest.mark.skipif(
    not (SHARED / "evaluate.md").is_file(), reason=f"{SHARED} is not on this machine"
)


def _example_bytes(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.json"))}


@needs_shared
def test_the_contract_document_is_the_shared_one_byte_for_byte() -> None:
    assert CONTRACT.read_bytes() == (SHARED / "evaluate.md").read_bytes(), (
        f"docs/contract-evaluate.md differs from {SHARED / 'evaluate.md'}: copy it over"
    )


@needs_shared
def test_the_examples_are_the_shared_set_byte_for_byte() -> None:
    ours, shared = _example_bytes(EXAMPLES), _example_bytes(SHARED / "examples")
    assert sorted(ours) == sorted(shared), "the example set differs (missing or stale files)"
    assert [name for name in shared if ours[name] != shared[name]] == []


def test_the_repository_keeps_its_own_copies() -> None:
    """Without the shared directory the suite still has the contract and its examples."""
    assert CONTRACT.is_file()
    assert len(_example_bytes(EXAMPLES)) >= 17
    assert "Revision 2 (2026-12)" in CONTRACT.read_text(encoding="utf-8")
