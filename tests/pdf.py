"""Reading back the PDFs the platform writes (WeasyPrint): their compressed streams."""

from __future__ import annotations

import re
import zlib

# From the end of line after `stream` to the next `endstream`: the end of line before
# `endstream` stays with the data, and inflating stops where the deflate data ends. (Matching
# that end of line as `\r?\n` instead cut the last byte of a stream that ends in 0x0D, one
# stream in 256: a test then failed or passed with the day's dates and amounts.)
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)


def inflated_streams(pdf: bytes) -> list[bytes]:
    """Every Flate-compressed stream of `pdf`, inflated, in file order (others left out)."""
    out = []
    for match in _STREAM.finditer(pdf):
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(match.group(1))
        except zlib.error:  # not a Flate stream (an image, an uncompressed font)
            continue
        if inflater.eof:
            out.append(data)
    return out


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated after it (font names and text live in
    them)."""
    return pdf + b"".join(inflated_streams(pdf))
