"""The decisions table written as Parquet by the encoder's compiled passes (accel.py).

Why not pyarrow's writer: the long table is one fixed schema (result.SCHEMA) written the
cheapest way — uncompressed, no statistics, text as Parquet dictionaries written from the
table's own dictionary indices, numbers PLAIN — and pyarrow spent about a sixth of a run's
CPU time on it (32 ms a batch of 65,536 applicants), most of it encoding definition levels
and dictionary indices value by value, in the thread that has to keep up with two deciding
threads. Here the page bodies are encoded in C (one pass per column, without the GIL) and
the metadata in Python: 8 ms a batch (docs/screening.md, "The compiled passes").

The file is the same Parquet that pyarrow writes for these options — format 2.6 metadata,
v1 data pages (one per column of a row group), one row group per batch, the same physical
and logical types (text BYTE_ARRAY + STRING, money INT64 + DECIMAL(18, 2), event_index
INT32, ceiling BOOLEAN; applicant_id and entry REQUIRED) — and the tests read it back with
pyarrow and Polars against pyarrow's own output. Without the compiled module the writer is
pyarrow's (io._ParquetWriter).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa

from policyhub.screen import accel

CREATED_BY = "policyhub screen (parquet_out)"

# Parquet's enums (parquet.thrift)
BOOLEAN, INT32, INT64, BYTE_ARRAY = 0, 1, 2, 6
PLAIN, RLE, RLE_DICTIONARY = 0, 3, 8
DATA_PAGE, DICTIONARY_PAGE = 0, 2
REQUIRED, OPTIONAL = 0, 1
UTF8, DECIMAL = 0, 5  # converted types

# Thrift compact protocol types
_TRUE, _FALSE, _I32, _I64, _BINARY, _LIST, _STRUCT = 1, 2, 5, 6, 8, 9, 12


class Thrift:
    """Just enough of Thrift's compact protocol to write Parquet metadata: a struct is a
    list of (field id, type, value) with values int, bytes, str, bool, a list (elem type,
    items) or a nested struct."""

    def __init__(self) -> None:
        self.out = bytearray()

    def varint(self, n: int) -> None:
        while n >= 0x80:
            self.out.append((n & 0x7F) | 0x80)
            n >>= 7
        self.out.append(n)

    def zigzag(self, n: int) -> None:
        self.varint((n << 1) ^ (n >> 63))

    def struct(self, fields: Sequence[tuple[int, int, Any]]) -> None:
        last = 0
        for field_id, kind, value in fields:
            if value is None:
                continue
            wire = (_TRUE if value else _FALSE) if kind == _TRUE else kind
            delta = field_id - last
            if 0 < delta <= 15:
                self.out.append((delta << 4) | wire)
            else:  # pragma: no cover - Parquet's structs number their fields densely
                self.out.append(wire)
                self.zigzag(field_id)
            last = field_id
            if kind != _TRUE:
                self.value(kind, value)
        self.out.append(0)  # stop

    def value(self, kind: int, value: Any) -> None:
        if kind in (_I32, _I64):
            self.zigzag(int(value))
        elif kind == _BINARY:
            data = value.encode() if isinstance(value, str) else bytes(value)
            self.varint(len(data))
            self.out += data
        elif kind == _LIST:
            elem, items = value
            if len(items) < 15:
                self.out.append((len(items) << 4) | elem)
            else:
                self.out.append(0xF0 | elem)
                self.varint(len(items))
            for item in items:
                self.value(elem, item)
        elif kind == _STRUCT:
            self.struct(value)
        else:  # pragma: no cover - not used by Parquet metadata here
            raise ValueError(f"thrift type {kind}")


def _encoded(fields: Sequence[tuple[int, int, Any]]) -> bytes:
    t = Thrift()
    t.struct(fields)
    return bytes(t.out)


Fields = list[tuple[int, int, Any]]


class _Column:
    """One column of the schema and how it is stored."""

    def __init__(self, field: pa.Field):
        t = field.type
        self.name: str = field.name
        self.required = not field.nullable
        self.dictionary = pa.types.is_dictionary(t)
        self.converted: int | None = None
        self.logical: Fields | None = None
        self.scale = self.precision = 0
        if self.dictionary:
            self.physical, self.converted, self.logical = BYTE_ARRAY, UTF8, [(1, _STRUCT, [])]
        elif pa.types.is_decimal(t):
            self.physical, self.converted = INT64, DECIMAL
            self.logical = [(5, _STRUCT, [(1, _I32, t.scale), (2, _I32, t.precision)])]
            self.scale, self.precision = t.scale, t.precision
        elif pa.types.is_int32(t):
            self.physical = INT32
        elif pa.types.is_boolean(t):
            self.physical = BOOLEAN
        else:  # pragma: no cover - result.SCHEMA has no other type
            raise TypeError(f"{field.name}: {t} is not written here")

    def schema_element(self) -> Fields:
        decimal = self.converted == DECIMAL
        return [(1, _I32, self.physical), (3, _I32, REQUIRED if self.required else OPTIONAL),
                (4, _BINARY, self.name), (6, _I32, self.converted),
                (7, _I32, self.scale if decimal else None),
                (8, _I32, self.precision if decimal else None),
                (10, _STRUCT, self.logical)]


class FastParquetWriter:
    """Writes ScreenResult tables (result.SCHEMA) as row groups of one Parquet file."""

    def __init__(self, path: Path, schema: pa.Schema):
        if not accel.ACTIVE:
            raise RuntimeError("the compiled passes are off: use pyarrow's writer")
        self.schema = schema
        self.columns = [_Column(f) for f in schema]
        self.fh: BinaryIO = path.open("wb")
        self.fh.write(b"PAR1")
        self.at = 4
        self.row_groups: list[Fields] = []
        self.rows = 0

    def write_table(self, table: pa.Table) -> None:
        if not table.schema.equals(self.schema):
            raise ValueError("table does not match the writer's schema")
        n = table.num_rows
        start = self.at
        chunks = [self._chunk(column, table.column(i), n)
                  for i, column in enumerate(self.columns)]
        self.row_groups.append([(1, _LIST, (_STRUCT, chunks)), (2, _I64, self.at - start),
                                (3, _I64, n)])
        self.rows += n

    def _chunk(self, column: _Column, data: pa.ChunkedArray, n: int) -> Fields:
        arr = data.combine_chunks() if data.num_chunks != 1 else data.chunk(0)
        start = self.at
        dictionary_offset = None
        validity = arr.buffers()[0] if arr.null_count else None
        bitmap = 0 if validity is None else validity.address
        offset = arr.offset
        encodings = [RLE]  # (the data page's level encoding, as pyarrow lists it)
        pieces: list[Any] = []
        if not column.required:
            pieces.append(accel.parquet_levels(bitmap, offset, n))
        if column.dictionary:
            values = arr.dictionary
            dictionary_offset = self.at
            self._dictionary_page(values)
            indices = arr.indices
            width = indices.type.bit_width // 8
            bit_width = max(1, int(len(values) - 1).bit_length())
            pieces.append(accel.parquet_indices(indices.buffers()[1].address, width, bitmap,
                                                indices.offset, n, bit_width))
            encodings += [PLAIN, RLE_DICTIONARY]
            encoding = RLE_DICTIONARY
        else:
            buffer = arr.buffers()[1]
            if column.physical == BOOLEAN:
                width, stride = 0, 0
            elif column.physical == INT64:  # a decimal128's low word: its unscaled value
                width, stride = 8, 16
            else:
                width, stride = 4, 4
            pieces.append(accel.parquet_plain(buffer.address, width, stride, bitmap, offset, n))
            encodings += [PLAIN]
            encoding = PLAIN
        body = sum(len(p) for p in pieces)
        data_offset = self.at
        self._page(_encoded([
            (1, _I32, DATA_PAGE), (2, _I32, body), (3, _I32, body),
            (5, _STRUCT, [(1, _I32, n), (2, _I32, encoding), (3, _I32, RLE), (4, _I32, RLE)]),
        ]), pieces)
        total = self.at - start
        meta = [(1, _I32, column.physical), (2, _LIST, (_I32, sorted(set(encodings)))),
                (3, _LIST, (_BINARY, [column.name])), (4, _I32, 0), (5, _I64, n),
                (6, _I64, total), (7, _I64, total), (9, _I64, data_offset),
                (11, _I64, dictionary_offset)]
        return [(2, _I64, start), (3, _STRUCT, meta)]

    def _dictionary_page(self, values: pa.Array) -> None:
        if not pa.types.is_string(values.type):
            values = values.cast(pa.string())
        body = accel.parquet_strings(values)
        self._page(_encoded([
            (1, _I32, DICTIONARY_PAGE), (2, _I32, len(body)), (3, _I32, len(body)),
            (7, _STRUCT, [(1, _I32, len(values)), (2, _I32, PLAIN)]),
        ]), [body])

    def _page(self, header: bytes, pieces: list[Any]) -> None:
        self.fh.write(header)
        self.at += len(header)
        for piece in pieces:
            self.fh.write(memoryview(piece))
            self.at += len(piece)

    def close(self) -> None:
        if self.fh.closed:
            return
        root = [(3, _I32, REQUIRED), (4, _BINARY, "schema"), (5, _I32, len(self.columns))]
        meta = _encoded([
            (1, _I32, 2),  # version (pyarrow writes 2 for format 2.x)
            (2, _LIST, (_STRUCT, [root, *[c.schema_element() for c in self.columns]])),
            (3, _I64, self.rows),
            (4, _LIST, (_STRUCT, self.row_groups)),
            (6, _BINARY, CREATED_BY),
        ])
        self.fh.write(meta)
        self.fh.write(struct.pack("<I", len(meta)))
        self.fh.write(b"PAR1")
        self.fh.close()
