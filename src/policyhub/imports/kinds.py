"""The import kinds a job can run: kind → (who may start it, validate, write, template).

Each domain registers its own kinds in a module listed in KIND_MODULES (the registry's figures
and events, each service centre's record types; the registry's organisations, people and
teams plug in the same way). A kind's

- `validate(path, actor, progress)` reads and checks the WHOLE file with no transaction open
  and no lock held, and returns a `Plan`, or raises reader.ImportFailed listing every bad row
  (then nothing is written);
- `write(plan, actor, progress)` writes the plan in short batches (BATCH rows per
  transaction, each batch's audit entries with audit.bulk), reporting each batch to
  `progress.wrote`; when a batch fails after its retries it raises `PartlyWritten` saying
  which rows landed (none, when the first batch failed: then it raises ImportFailed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

Actor = AbstractBaseUser | AnonymousUser | None
Decision = tuple[bool, str]
BATCH = 500  # rows per write transaction: what keeps other users' actions quick
KIND_MODULES = ("policyhub.registry.import_kinds", "policyhub.centres.import_kinds")
T = TypeVar("T")


class Progress:
    """What a kind reports while it runs; the job saves it (imports.jobs), the CLI ignores it."""

    def read(self, rows: int) -> None:
        """The file is read: `rows` data rows."""

    def validated(self, rows: int) -> None:
        """`rows` rows are checked so far."""

    def wrote(self, rows: int, batches: int) -> None:
        """`rows` rows in `batches` batches are committed so far."""

    def track(self, rows: Sequence[T], desc: str = "") -> Iterator[T]:
        """`rows`, reporting `validated` every EVERY rows and at the end."""
        for i, row in enumerate(rows, start=1):
            yield row
            if i % EVERY == 0:
                self.validated(i)
        self.validated(len(rows))


EVERY = 1000


@dataclass
class Plan:
    """A validated file, ready to write: `rows` data rows; `data` is the kind's own."""

    rows: int
    data: Any = None
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # already on file, not recorded twice


class PartlyWritten(Exception):
    """A write batch failed after its retries, after earlier batches were committed: the rows
    up to `last_row` (spreadsheet numbering) are imported, the rest are not."""

    def __init__(self, written: Outcome, batches: int, last_row: int, reason: str) -> None:
        self.written, self.batches, self.last_row, self.reason = written, batches, last_row, reason
        super().__init__(f"{batches} batch(es), rows up to {last_row} written: {reason}")


@dataclass(frozen=True)
class ImportKind:
    key: str  # "registry.figures", "centres.training.courses"
    label: str  # Chinese, shown on pages
    can_start: Callable[[AbstractBaseUser | AnonymousUser], Decision]
    validate: Callable[[Path, Actor, Progress], Plan]
    write: Callable[[Plan, Actor, Progress], Outcome]
    page: str = ""  # URL name of the kind's import page (the job page links back to it)
    template: Callable[[], bytes] | None = None  # the blank .xlsx template, when there is one


_KINDS: dict[str, ImportKind] = {}


def register(*kinds: ImportKind) -> None:
    for kind in kinds:
        _KINDS[kind.key] = kind


def all_kinds() -> dict[str, ImportKind]:
    # Every module, not "until one kind is known": a module imported elsewhere first (the
    # registry's, by its views) must not hide the others' kinds. import_module is a dict
    # look-up once a module is loaded.
    for name in KIND_MODULES:
        import_module(name)  # each registers its kinds when first imported
    return dict(_KINDS)


def get(key: str) -> ImportKind | None:
    return all_kinds().get(key)


def batches(items: Sequence[T], size: int = BATCH) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
