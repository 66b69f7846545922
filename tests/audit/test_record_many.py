"""audit.bulk.record_many: many entries under one hold of the head lock, chained exactly
as `record` chains them one by one (imports write their audit entries with it)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from policyhub.audit.bulk import Ref, record_many
from policyhub.audit.models import AuditEntry, AuditHead
from policyhub.audit.services import record, verify
from policyhub.units.models import Unit
from tests.personas import ensure_units, user

pytestmark = pytest.mark.django_db


def test_entries_written_in_batches_continue_the_chain() -> None:
    ensure_units()
    unit = Unit.objects.first()
    alice = user("alice")
    record(None, "test.before")
    items = [("test.many", unit if i % 2 else None, {"i": i, "amount": "1.50"})
             for i in range(7)]
    assert record_many(alice, items, batch=3) == 7
    record(None, "test.after")
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, 10))
    many = entries[1:8]
    assert all(e.actor_label == "alice" and e.action == "test.many" for e in many)
    assert [e.payload["i"] for e in many] == list(range(7))
    assert many[1].object_id == str(unit.pk) and many[0].object_id == ""
    assert all(b.prev_hash == a.hash for a, b in pairwise(entries))
    head = AuditHead.objects.get(id=1)
    assert (head.seq, head.hash) == (9, entries[-1].hash)
    assert verify().ok and verify().checked == 9


def test_nothing_to_record_writes_nothing() -> None:
    assert record_many(None, []) == 0
    assert not AuditEntry.objects.exists()


def test_an_object_named_by_reference_is_recorded_as_its_instance_would_be() -> None:
    ensure_units()
    unit = Unit.objects.first()
    assert unit is not None
    record_many(None, [("test.ref", Ref(unit._meta.label_lower, str(unit.pk)), {"a": 1}),
                       ("test.instance", unit, {"a": 1})])
    by_ref, by_instance = AuditEntry.objects.order_by("seq")
    assert (by_ref.object_type, by_ref.object_id) == (by_instance.object_type,
                                                      by_instance.object_id)
    assert by_ref.object_type == "units.unit" and by_ref.object_id == str(unit.pk)
    assert by_ref.at <= by_instance.at and verify().ok


def test_payload_values_are_stored_as_record_stores_them() -> None:
    import datetime as dt
    from decimal import Decimal

    payload = {"amount": Decimal("1.50"), "day": dt.date(2020, 1, 2), "ids": (1, 2)}
    record_many(None, [("test.many", None, payload)])
    record(None, "test.one", **payload)
    many, one = AuditEntry.objects.order_by("seq")
    assert many.payload == one.payload == {"amount": "1.50", "day": "2020-01-02",
                                           "ids": [1, 2]}
    assert verify().ok
