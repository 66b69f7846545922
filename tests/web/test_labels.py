"""Matters as a person names them: never the registry's record key."""

from __future__ import annotations

from policyhub.web.labels import matter_label

PROJECT = {"type": "project_investment", "date": "2020-10-30", "matter": "proj-76025F"}


def test_a_registry_matter_is_named_by_its_event_not_its_key() -> None:
    label = matter_label("proj-76025F", [PROJECT])
    assert "proj-" not in label
    assert label == "项目投资（2020年10月30日）"


def test_revenue_and_unlabelled_events_read_as_words() -> None:
    assert matter_label("revenue-2020") == "2020年度主营业务收入"
    assert matter_label("event-0") == "第1项事实"
    assert matter_label("event-0", [PROJECT]).startswith("项目投资")
