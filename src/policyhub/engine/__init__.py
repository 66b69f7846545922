"""The policy engine: pure Python, no Django. See docs/contract-evaluate.md."""

from policyhub.engine.evaluate import CONTRACT, evaluate, loads
from policyhub.engine.request import InputError

__all__ = ["CONTRACT", "InputError", "evaluate", "loads"]
