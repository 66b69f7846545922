"""tests/pdf.py: the compressed streams of a PDF, read back whatever their last byte."""

from __future__ import annotations

import zlib

from tests.pdf import inflated, inflated_streams


def _pdf(*payloads: bytes) -> bytes:
    objects = b"".join(b"%d 0 obj\n<< /Filter /FlateDecode >>\nstream\n%b\nendstream\nendobj\n"
                       % (i, zlib.compress(p)) for i, p in enumerate(payloads, 1))
    return b"%PDF-1.7\n" + objects + b"%%EOF\n"


def _ending_in_cr() -> bytes:
    """A payload whose compressed form ends in 0x0D (\\r), as one stream in 256 does."""
    n = 0
    while not zlib.compress(b"BT (%d) Tj ET" % n).endswith(b"\r"):
        n += 1
    return b"BT (%d) Tj ET" % n


def test_a_stream_ending_in_a_carriage_return_is_read_whole() -> None:
    payload = _ending_in_cr()
    assert inflated_streams(_pdf(b"first", payload, b"last")) == [b"first", payload, b"last"]


def test_streams_written_with_crlf_and_uncompressed_ones() -> None:
    pdf = (b"1 0 obj\nstream\r\n" + zlib.compress(b"crlf") + b"\r\nendstream\n"
           b"2 0 obj\nstream\nplain text, not deflated\nendstream\n")
    assert inflated_streams(pdf) == [b"crlf"]
    assert inflated(pdf).startswith(pdf) and inflated(pdf).endswith(b"crlf")
