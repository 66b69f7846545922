"""Bad input: every problem of a file, named by row and column, refused as a whole."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

KEEP = 200  # problems kept with their text; the rest are only counted
SHOWN = 20  # problems printed by the CLI


@dataclass(frozen=True, order=True)
class Problem:
    row: int  # 1-based data row of the file (CSV line row + 1); 0 = the whole file
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row else ""
        return f"{where}{self.column}: {self.message}"


@dataclass
class Problems:
    """Collects problems; keeps the first KEEP per (column, message) kind, counts them all."""

    items: list[Problem] = field(default_factory=list)
    count: int = 0

    def add(self, column: str, message: str, row: int = 0) -> None:
        self.count += 1
        if len(self.items) < KEEP:
            self.items.append(Problem(row, column, message))

    def rows(self, column: str, rows: npt.NDArray[np.int64],
             message: str | Callable[[int], str] | list[str]) -> None:
        """One problem per row of `rows` (0-based positions in the file): one message for
        all, one per row, or a function of the row's position in `rows`."""
        rows = np.asarray(rows)
        if len(rows) == 0:
            return
        room = max(KEEP - len(self.items), 0)
        for i, r in enumerate(rows[:room].tolist()):
            if isinstance(message, str):
                text = message
            elif isinstance(message, list):
                text = message[i]
            else:
                text = message(i)
            self.items.append(Problem(int(r) + 1, column, text))
        self.count += len(rows)

    def extend(self, other: Problems) -> None:
        room = max(KEEP - len(self.items), 0)
        self.items.extend(other.items[:room])
        self.count += other.count

    def __bool__(self) -> bool:
        return self.count > 0


class ScreenInputError(ValueError):
    """The registry export does not fit docs/screening.md; nothing was decided or written."""

    def __init__(self, problems: Problems):
        self.problems = problems
        self.applicant_ids: object = None  # the frame's applicant ids, when read
        super().__init__(f"{problems.count} problem(s) in the input; first: "
                         + "; ".join(str(p) for p in sorted(problems.items)[:3]))

    def lines(self, shown: int = SHOWN) -> list[str]:
        ordered = sorted(self.problems.items)
        out = [str(p) for p in ordered[:shown]]
        rest = self.problems.count - len(out)
        if rest > 0:
            out.append(f"… and {rest} more problem(s)")
        return out


def raise_if(problems: Problems) -> None:
    if problems:
        raise ScreenInputError(problems)


def quoted(values: Iterable[object]) -> list[str]:
    return [repr(v) for v in values]
