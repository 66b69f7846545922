"""Check a registry event with the engine's own request parser.

The registry must never hold an event the engine would refuse, so the check *is* the engine's:
the event is wrapped in a one-event `policyhub.evaluate/1` request and parsed. The parsed
values also give the canonical payload (money as plain decimal strings, never floats).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from policyhub.engine.request import (
    EVENT_FIELDS,
    OPTIONAL_FIELDS,
    Event,
    Fee,
    InputError,
    parse_request,
)

if TYPE_CHECKING:
    from policyhub.registry.models import RegistryEvent

# Any valid applicant will do: only the event is being checked.
_PROBE_APPLICANT = {"kind": "person", "registered_in_changsha": True,
                    "taxed_in_changsha": True, "cybersecurity_business": True}
_PREFIX = "events[0]."
# Keys that live in their own columns, not in the payload.
_COLUMNS = ("type", "matter")
MAX_MONEY_PLACES = 2  # yuan to the fen


def payload_fields(event_type: str) -> tuple[str, ...]:
    """The payload keys of a type: the engine's fields but the date (a column of its own),
    then its optional ones (`standard_led.revision`, contract Revision 2)."""
    from policyhub.registry.models import DATE_FIELD

    fields = [f for f in EVENT_FIELDS[event_type] if f != DATE_FIELD[event_type]]
    if event_type == "platform_service_fees":
        fields.append("fees")
    fields += OPTIONAL_FIELDS.get(event_type, {})
    return tuple(fields)


def _plain(value: Any) -> Any:
    """A parsed engine value back in the JSON form the engine reads; Decimal → plain string."""
    if isinstance(value, Decimal):
        if value.as_tuple().exponent < -MAX_MONEY_PLACES:  # type: ignore[operator]
            raise ValueError(f"{value} has more than {MAX_MONEY_PLACES} decimal places")
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Fee):
        return {"date": value.date.isoformat(), "amount": _plain(value.amount)}
    return value


def _field_of(path: str) -> str:
    """`events[0].fees[1].amount` → `fees[1].amount`; the date field → `date`."""
    return path[len(_PREFIX):] if path.startswith(_PREFIX) else path


def parse_event(event_type: str, day: dt.date | None, payload: Mapping[str, Any],
                matter: str = "") -> dict[str, Any]:
    """The canonical payload of an event, or ValueError-like ValidationError whose dict maps
    each bad field (`level`, `fees[0].amount`, `date`, `payload`) to its reasons."""
    from policyhub.registry.models import DATE_FIELD, REGISTRY_EVENT_TYPES

    if event_type not in REGISTRY_EVENT_TYPES:
        raise ValidationError({"type": f"unknown event type {event_type!r}; one of "
                                       f"{', '.join(REGISTRY_EVENT_TYPES)}"})
    if not isinstance(payload, Mapping):
        raise ValidationError({"payload": "must be an object"})
    allowed = payload_fields(event_type)
    unknown = sorted(k for k in payload if k not in allowed)
    if unknown:  # the engine ignores extras; the registry refuses them, as they are typos
        raise ValidationError({"payload": f"unknown field(s) {', '.join(unknown)} for "
                                          f"{event_type}; allowed: {', '.join(allowed)}"})
    date_field = DATE_FIELD[event_type]
    raw = {**payload, "type": event_type,
           date_field: day.isoformat() if day is not None else None}
    if matter:
        raw["matter"] = matter
    try:
        request = parse_request({"applicant": _PROBE_APPLICANT, "events": [raw]})
    except InputError as exc:
        errors: dict[str, list[str]] = {}
        for p in exc.problems:
            field = _field_of(p["path"])
            errors.setdefault("date" if field == date_field else field, []).append(p["message"])
        raise ValidationError(errors) from exc
    given = {k for k, v in payload.items() if v is not None}
    return _canonical(request.events[0], allowed, given)


def _canonical(event: Event, allowed: tuple[str, ...], given: set[str]) -> dict[str, Any]:
    """The parsed payload; an optional field is stored only when it was given (an absent one
    keeps its meaning through the engine's default, so old payloads stay as they are)."""
    optional = OPTIONAL_FIELDS.get(event.type, {})
    out: dict[str, Any] = {}
    for name in allowed:
        if name in optional and name not in given:
            continue
        try:
            out[name] = _plain(event.fields[name])
        except ValueError as exc:
            raise ValidationError({name: str(exc)}) from exc
    return out


def check_event(event: RegistryEvent) -> None:
    """Model.clean(): refuse what the engine would refuse; store the canonical payload."""
    event.payload = parse_event(event.type, event.date, event.payload, event.matter)
