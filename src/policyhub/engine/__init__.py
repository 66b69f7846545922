"""The policy engine: pure Python, no Django. See docs/contract-evaluate.md.

`evaluate`, `loads`, `CONTRACT` and `InputError` are loaded on first use: the batch
screener imports only the engine modules it needs (the request vocabulary, the credit code
check), and importing the whole engine first cost it 10 ms of a cold start."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policyhub.engine.evaluate import CONTRACT, evaluate, loads
    from policyhub.engine.request import InputError

__all__ = ["CONTRACT", "InputError", "evaluate", "loads"]
_LAZY = {"CONTRACT": "policyhub.engine.evaluate", "evaluate": "policyhub.engine.evaluate",
         "loads": "policyhub.engine.evaluate", "InputError": "policyhub.engine.request"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
