/* policyhub.screen._accel, part three: reading the sparse typed columns of a Parquet column
 * chunk (parquet_in.py says which columns qualify). A registry's event fields — a date, an
 * amount, a flag of one event type — are null on every row of the other types: in the
 * synthetic registry twenty-nine rows in thirty. Arrow (and so Polars) gives such a column a
 * value slot on every row; here only the given cells are kept, as their rows and their
 * values (int64: days, integers, 0/1, a decimal's unscaled integer), which is all the
 * encoder reads of them.
 *
 * Only the layout an uncompressed flat file of v1 data pages has is decoded — PLAIN values
 * or a PLAIN dictionary with RLE_DICTIONARY indices, RLE definition levels of width 1 or
 * none — and anything else (a codec, v2 pages, another encoding, a malformed page) returns
 * -1, so that Polars reads the row group as before: the reader never guesses. Every length
 * read from the file is checked against the chunk's bounds before it is used. */

#include "_accel.h"

enum { PAGE_DATA = 0, PAGE_DICTIONARY = 2 };
enum { ENC_PLAIN = 0, ENC_PLAIN_DICTIONARY = 2, ENC_RLE = 3, ENC_RLE_DICTIONARY = 8 };
enum { PHYS_BOOLEAN = 0, PHYS_INT32 = 1, PHYS_INT64 = 2, PHYS_BYTE_ARRAY = 6, PHYS_FLBA = 7 };

/* --- Thrift compact protocol: just what a PageHeader needs -------------------------------- */

typedef struct {
    const uint8_t *p, *end;
    int ok;
} cursor_t;

static uint64_t varint(cursor_t *c) {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (c->p >= c->end) {
            c->ok = 0;
            return 0;
        }
        uint8_t b = *c->p++;
        value |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return value;
    }
    c->ok = 0;
    return 0;
}

static int64_t zigzag(cursor_t *c) {
    uint64_t v = varint(c);
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static void skip_value(cursor_t *c, int type, int depth);

/* The next field of a struct: 1 with its id (a delta from `*last`, or given in full) and
 * type, 0 at the struct's end or when malformed (then c->ok is 0). */
static int next_field(cursor_t *c, int16_t *last, int16_t *id, int *type) {
    if (!c->ok)
        return 0;
    if (c->p >= c->end) {
        c->ok = 0;
        return 0;
    }
    uint8_t header = *c->p++;
    if (header == 0)
        return 0;
    *id = (header >> 4) ? (int16_t)(*last + (header >> 4)) : (int16_t)zigzag(c);
    *type = header & 0x0f;
    *last = *id;
    return c->ok;
}

static void skip_struct(cursor_t *c, int depth) {
    int16_t last = 0, id;
    int type;
    while (next_field(c, &last, &id, &type))
        skip_value(c, type, depth + 1);
}

static void skip_value(cursor_t *c, int type, int depth) {
    if (depth > 16) { /* (no PageHeader nests this deep) */
        c->ok = 0;
        return;
    }
    switch (type) {
    case 1: case 2: /* booleans inside a struct: in the type nibble */
        return;
    case 3:
        if (c->p >= c->end)
            c->ok = 0;
        else
            c->p++;
        return;
    case 4: case 5: case 6:
        varint(c);
        return;
    case 7:
        if (c->end - c->p < 8)
            c->ok = 0;
        else
            c->p += 8;
        return;
    case 8: {
        uint64_t length = varint(c);
        if (!c->ok || length > (uint64_t)(c->end - c->p))
            c->ok = 0;
        else
            c->p += length;
        return;
    }
    case 9: case 10: { /* list, set */
        if (c->p >= c->end) {
            c->ok = 0;
            return;
        }
        uint8_t header = *c->p++;
        uint64_t size = header >> 4;
        if (size == 15)
            size = varint(c);
        int element = header & 0x0f;
        for (uint64_t i = 0; i < size && c->ok; i++) {
            if (element == 1 || element == 2) { /* a boolean element is a byte */
                if (c->p >= c->end)
                    c->ok = 0;
                else
                    c->p++;
            } else {
                skip_value(c, element, depth + 1);
            }
        }
        return;
    }
    case 11: { /* map */
        uint64_t size = varint(c);
        if (size == 0 || !c->ok)
            return;
        if (c->p >= c->end) {
            c->ok = 0;
            return;
        }
        uint8_t types = *c->p++;
        for (uint64_t i = 0; i < size && c->ok; i++) {
            skip_value(c, types >> 4, depth + 1);
            skip_value(c, types & 0x0f, depth + 1);
        }
        return;
    }
    case 12:
        skip_struct(c, depth);
        return;
    default:
        c->ok = 0;
    }
}

typedef struct {
    int64_t type, compressed, uncompressed;
    int64_t values, encoding, level_encoding; /* of the data or dictionary page */
} page_t;

/* The fields (1..3) of a DataPageHeader (5) or DictionaryPageHeader (7). */
static void page_fields(cursor_t *c, page_t *page, int dictionary) {
    int16_t last = 0, id;
    int type;
    while (next_field(c, &last, &id, &type)) {
        if (type == 5 && id == 1)
            page->values = zigzag(c);
        else if (type == 5 && id == 2)
            page->encoding = zigzag(c);
        else if (type == 5 && id == 3 && !dictionary)
            page->level_encoding = zigzag(c);
        else
            skip_value(c, type, 1);
    }
}

static void page_header(cursor_t *c, page_t *page) {
    int16_t last = 0, id;
    int type;
    page->type = page->compressed = page->uncompressed = -1;
    page->values = page->encoding = page->level_encoding = -1;
    while (next_field(c, &last, &id, &type)) {
        if (type == 5 && id >= 1 && id <= 3) {
            int64_t v = zigzag(c);
            if (id == 1)
                page->type = v;
            else if (id == 2)
                page->uncompressed = v;
            else
                page->compressed = v;
        } else if (type == 12 && (id == 5 || id == 7)) {
            page_fields(c, page, id == 7);
        } else {
            skip_value(c, type, 0);
        }
    }
}

/* The chunk's next page: its header, and `body` set to its bytes, which `c` moves past. 0
 * when the header is malformed or the page compressed (not read here). */
static int next_page(cursor_t *c, page_t *page, cursor_t *body) {
    page_header(c, page);
    if (!c->ok || page->compressed < 0 || page->compressed != page->uncompressed ||
        page->compressed > c->end - c->p || page->values < 0)
        return 0;
    *body = (cursor_t){c->p, c->p + page->compressed, 1};
    c->p += page->compressed;
    return 1;
}

/* --- the RLE / bit-packed hybrid ------------------------------------------------------------ */

/* Value k of a bit-packed run (`size` bytes at data) of `width`-bit values. */
static inline uint64_t packed_value(const uint8_t *data, int64_t size, int64_t k, int width,
                                    uint64_t mask) {
    uint64_t bit = (uint64_t)k * width, word = 0;
    int64_t at = (int64_t)(bit >> 3);
    if (at + 8 <= size)
        memcpy(&word, data + at, 8);
    else
        for (int64_t b = 0; at + b < size; b++)
            word |= (uint64_t)data[at + b] << (8 * b);
    return (word >> (bit & 7)) & mask;
}

/* The value of an RLE run (`bytes` little-endian bytes), or -1 when they are not there. */
static inline int64_t run_value(cursor_t *c, int64_t bytes, uint64_t mask) {
    if (bytes > c->end - c->p)
        return -1;
    uint64_t v = 0;
    for (int64_t b = 0; b < bytes; b++)
        v |= (uint64_t)c->p[b] << (8 * b);
    c->p += bytes;
    return (int64_t)(v & mask);
}

/* The values of a bit-packed run header (after the header): the groups' bytes, checked,
 * and how many of the `left` values still wanted they hold; -1 when malformed. */
static inline int64_t packed_run(cursor_t *c, uint64_t header, int width, int64_t left,
                                 int64_t *size) {
    uint64_t groups = header >> 1;
    if (width > 0 && groups > (uint64_t)(c->end - c->p) / (uint64_t)width)
        return -1;
    *size = (int64_t)groups * width;
    return groups >= (uint64_t)(left + 7) / 8 ? left : (int64_t)groups * 8;
}

/* Decodes `n` values of `width` bits (at most 32) into out. Returns the values written, -1
 * when malformed. */
static int64_t hybrid(cursor_t *c, int width, int64_t n, uint32_t *out) {
    int64_t done = 0, bytes = (width + 7) / 8;
    uint64_t mask = ((uint64_t)1 << width) - 1;
    while (done < n) {
        uint64_t header = varint(c);
        if (!c->ok)
            return -1;
        if (header & 1) { /* bit-packed: (header >> 1) groups of 8 values, `width` bytes each */
            int64_t size, count = packed_run(c, header, width, n - done, &size);
            if (count < 0)
                return -1;
            for (int64_t k = 0; k < count; k++)
                out[done++] = (uint32_t)packed_value(c->p, size, k, width, mask);
            c->p += size;
        } else { /* a run of one value */
            uint64_t count = header >> 1;
            int64_t v = run_value(c, bytes, mask);
            if (v < 0)
                return -1;
            if (count > (uint64_t)(n - done))
                count = (uint64_t)(n - done);
            for (uint64_t k = 0; k < count; k++)
                out[done + k] = (uint32_t)v;
            done += (int64_t)count;
        }
    }
    return done;
}

/* The value of one PLAIN cell as int64 (INT32, INT64, or FLBA of `size` <= 8 bytes,
 * big-endian two's complement), or a boolean's bit. */
static inline int64_t plain_int(const uint8_t *p, int physical, int64_t size) {
    if (physical == PHYS_INT32) {
        int32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    if (physical == PHYS_INT64) {
        int64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    uint64_t v = (p[0] & 0x80) ? ~(uint64_t)0 : 0; /* sign */
    for (int64_t b = 0; b < size; b++)
        v = (v << 8) | p[b];
    return (int64_t)v;
}

/* A v1 data page's definition levels: their length in 4 bytes, then the levels, which
 * `levels` is set to; `body` moves past them. 0, or -1 when malformed. */
static int level_section(cursor_t *body, const page_t *page, cursor_t *levels) {
    uint32_t size_of_levels;
    if (page->level_encoding != ENC_RLE || body->end - body->p < 4)
        return -1;
    memcpy(&size_of_levels, body->p, 4);
    body->p += 4;
    if (size_of_levels > (uint64_t)(body->end - body->p))
        return -1;
    *levels = (cursor_t){body->p, body->p + size_of_levels, 1};
    body->p += size_of_levels;
    return 0;
}

/* A dictionary page of `entries` PLAIN byte arrays (a 4-byte length, then the bytes): entry
 * e's offset from `base` to at[e * stride] and its length to len[e * stride]. 0, or -1 when
 * malformed. */
static int byte_array_entries(cursor_t body, int64_t entries, const uint8_t *base,
                              int64_t *at, int64_t *len, int64_t stride) {
    const uint8_t *q = body.p;
    for (int64_t e = 0; e < entries; e++) {
        uint32_t size_of_entry;
        if (body.end - q < 4)
            return -1;
        memcpy(&size_of_entry, q, 4);
        q += 4;
        if (size_of_entry > (uint64_t)(body.end - q))
            return -1;
        at[e * stride] = q - base;
        len[e * stride] = size_of_entry;
        q += size_of_entry;
    }
    return 0;
}

/* Definition levels of width 1 (the RLE / bit-packed hybrid) of a page's `n` rows, the first
 * at `row`: the rows whose level is 1 (a value is given) go to `rows`, in order. The number
 * of rows given, or -1 when malformed. */
static int64_t given_rows(cursor_t *c, int64_t n, int64_t row, int64_t *rows) {
    int64_t done = 0, given = 0;
    while (done < n) {
        uint64_t header = varint(c);
        if (!c->ok)
            return -1;
        if (header & 1) { /* bit-packed: a group of eight levels is one byte */
            uint64_t groups = header >> 1;
            if (groups > (uint64_t)(c->end - c->p))
                return -1;
            int64_t count = groups >= (uint64_t)(n - done + 7) / 8 ? n - done
                                                                   : (int64_t)groups * 8;
            for (int64_t b = 0; b * 8 < count; b++) {
                uint32_t byte = c->p[b];
                if (count - b * 8 < 8)
                    byte &= (1u << (count - b * 8)) - 1;
                int64_t at = row + done + b * 8;
                while (byte) {
                    rows[given++] = at + __builtin_ctz(byte);
                    byte &= byte - 1;
                }
            }
            c->p += groups;
            done += count;
        } else { /* a run of one level */
            uint64_t count = header >> 1;
            if (c->p >= c->end || *c->p > 1)
                return -1;
            uint8_t v = *c->p++;
            if (count > (uint64_t)(n - done))
                count = (uint64_t)(n - done);
            if (v)
                for (uint64_t k = 0; k < count; k++)
                    rows[given++] = row + done + (int64_t)k;
            done += (int64_t)count;
        }
    }
    return given;
}

/* parquet_sparse(chunk, length, physical, size, max_def, rows, given_rows, values, scratch,
 *                spans, most) -> (given, entries); given -1 when this chunk is not read here
 *
 * One column chunk (`length` bytes from its first page) of a flat column: `physical` the
 * Parquet type (0 BOOLEAN, 1 INT32, 2 INT64, 6 BYTE_ARRAY, 7 FIXED_LEN_BYTE_ARRAY of `size`
 * bytes, at most 8), max_def 0 (required) or 1 (optional), `rows` cells in all. Writes the
 * rows of the given cells, in order, to `given_rows` (int64) and their values to `values`
 * (int64: an INT32 or INT64 as it is, a FIXED_LEN_BYTE_ARRAY as its big-endian two's
 * complement, a BOOLEAN as 0 or 1, a BYTE_ARRAY as its index in the chunk's dictionary);
 * each holds `rows` entries, and so does `scratch` (uint32: a page's dictionary indices).
 * A BYTE_ARRAY chunk must be dictionary-encoded, with at most `most` entries: each entry's
 * (offset from `chunk`, length) goes to `spans` (int64, 2 * most), and `entries` tells how
 * many there are. */
PyObject *parquet_sparse(PyObject *self, PyObject *args) {
    addr_t chunk_a, rows_a, values_a, scratch_a, spans_a;
    Py_ssize_t length, physical, size, max_def, rows, most;
    if (!PyArg_ParseTuple(args, "KnnnnnKKKKn", &chunk_a, &length, &physical, &size, &max_def,
                          &rows, &rows_a, &values_a, &scratch_a, &spans_a, &most))
        return NULL;
    if ((physical == PHYS_FLBA && (size < 1 || size > 8)) || max_def < 0 || max_def > 1 ||
        length < 0 || rows < 0 || most < 0 ||
        (physical != PHYS_BOOLEAN && physical != PHYS_INT32 && physical != PHYS_INT64 &&
         physical != PHYS_BYTE_ARRAY && physical != PHYS_FLBA)) {
        PyErr_SetString(PyExc_ValueError, "parquet_sparse: unsupported column");
        return NULL;
    }
    int64_t width = physical == PHYS_INT32 ? 4 : physical == PHYS_INT64 ? 8
                    : physical == PHYS_BYTE_ARRAY ? 4 : size; /* (a byte array: its length) */
    int64_t *spans = (int64_t *)spans_a;
    int64_t *given_at = (int64_t *)rows_a, *values = (int64_t *)values_a;
    uint32_t *scratch = (uint32_t *)scratch_a;
    int64_t total = 0, row = 0;
    int64_t entries = 0;
    Py_BEGIN_ALLOW_THREADS
    cursor_t c = {(const uint8_t *)chunk_a, (const uint8_t *)chunk_a + length, 1};
    int64_t *dictionary = NULL;
    while (row < rows && total >= 0) {
        page_t page;
        cursor_t body;
        if (!next_page(&c, &page, &body)) {
            total = -1;
            break;
        }
        if (page.type == PAGE_DICTIONARY) { /* PLAIN values, indexed by the data pages */
            if (dictionary != NULL || physical == PHYS_BOOLEAN ||
                (page.encoding != ENC_PLAIN && page.encoding != ENC_PLAIN_DICTIONARY) ||
                page.values > (body.end - body.p) / width) {
                total = -1;
                break;
            }
            entries = page.values;
            dictionary = (int64_t *)malloc((entries > 0 ? entries : 1) * sizeof(int64_t));
            if (dictionary == NULL) {
                total = -1;
                break;
            }
            if (physical == PHYS_BYTE_ARRAY) { /* each a 4-byte length, then its bytes */
                if (entries > most ||
                    byte_array_entries(body, entries, (const uint8_t *)chunk_a, spans,
                                       spans + 1, 2) < 0) {
                    total = -1;
                    break;
                }
                for (int64_t e = 0; e < entries; e++)
                    dictionary[e] = e;
                continue;
            }
            for (int64_t e = 0; e < entries; e++)
                dictionary[e] = plain_int(body.p + e * width, (int)physical, size);
            continue;
        }
        if (page.type != PAGE_DATA || page.values > rows - row) {
            total = -1; /* (index pages and v2 data pages are not read here) */
            break;
        }
        int64_t n = page.values, given = n;
        int64_t *at = given_at + total, *out = values + total;
        if (max_def == 1) { /* RLE definition levels, with their length in 4 bytes */
            cursor_t level_bytes;
            if (level_section(&body, &page, &level_bytes) < 0 ||
                (given = given_rows(&level_bytes, n, row, at)) < 0) {
                total = -1;
                break;
            }
        } else {
            for (int64_t k = 0; k < n; k++)
                at[k] = row + k;
        }
        if (page.encoding == ENC_PLAIN && physical != PHYS_BYTE_ARRAY) {
            if (physical == PHYS_BOOLEAN ? given > (body.end - body.p) * 8
                                         : given > (body.end - body.p) / width) {
                total = -1;
                break;
            }
            const uint8_t *plain = body.p;
            if (physical == PHYS_BOOLEAN)
                for (int64_t g = 0; g < given; g++)
                    out[g] = (plain[g >> 3] >> (g & 7)) & 1;
            else if (physical == PHYS_INT32)
                for (int64_t g = 0; g < given; g++)
                    out[g] = plain_int(plain + 4 * g, PHYS_INT32, 4);
            else if (physical == PHYS_INT64)
                memcpy(out, plain, (size_t)given * 8);
            else
                for (int64_t g = 0; g < given; g++)
                    out[g] = plain_int(plain + g * width, PHYS_FLBA, size);
        } else if ((page.encoding == ENC_RLE_DICTIONARY ||
                    page.encoding == ENC_PLAIN_DICTIONARY) && dictionary != NULL) {
            int bit_width = body.p < body.end ? *body.p++ : -1;
            if (given > 0 && (bit_width < 0 || bit_width > 32 ||
                              hybrid(&body, bit_width, given, scratch) != given)) {
                total = -1;
                break;
            }
            for (int64_t g = 0; g < given; g++) {
                if (scratch[g] >= (uint64_t)entries) {
                    given = -1;
                    break;
                }
                out[g] = dictionary[scratch[g]];
            }
            if (given < 0) {
                total = -1;
                break;
            }
        } else {
            total = -1;
            break;
        }
        total += given;
        row += n;
    }
    if (total >= 0 && row != rows)
        total = -1;
    free(dictionary);
    Py_END_ALLOW_THREADS
    return Py_BuildValue("(LL)", (long long)total, (long long)entries);
}

/* The runs parquet_runs is building, and the cell before the next (at -2: none yet). */
typedef struct {
    const uint8_t *base;
    int64_t *starts, *spans, runs;
    int64_t last_at, last_len, last_index;
} runs_t;

/* Whether `len` bytes at a and b are equal (inline: the cells are short, a call to memcmp
 * for each row cost more than the comparison). */
static inline int equal_bytes(const uint8_t *a, const uint8_t *b, int64_t len) {
    while (len >= 8) {
        if (load64(a) != load64(b))
            return 0;
        a += 8, b += 8, len -= 8;
    }
    while (len > 0) {
        if (*a++ != *b++)
            return 0;
        len--;
    }
    return 1;
}

/* The cell of `row`: a dictionary entry (index >= 0) or a PLAIN value, `len` bytes at `at`
 * from base (at -1: null); a run starts there unless it equals the cell before. */
static inline void next_cell(runs_t *r, int64_t row, int64_t index, int64_t at, int64_t len) {
    if (index >= 0 && index == r->last_index)
        return; /* (the same entry: the same bytes) */
    int same = r->last_at != -2 &&
               ((at < 0 && r->last_at < 0) ||
                (at >= 0 && r->last_at >= 0 && len == r->last_len &&
                 equal_bytes(r->base + at, r->base + r->last_at, len)));
    if (!same) {
        r->starts[r->runs] = row;
        r->spans[2 * r->runs] = at;
        r->spans[2 * r->runs + 1] = len;
        r->runs++;
    }
    r->last_at = at;
    r->last_len = len;
    r->last_index = index;
}

/* Whether definition levels of width 1 say that all `n` cells are given: one RLE run of 1s
 * (how writers put a page without nulls). */
static int all_given(cursor_t levels, int64_t n) {
    uint64_t header = varint(&levels);
    return levels.ok && !(header & 1) && (int64_t)(header >> 1) >= n && levels.p < levels.end &&
           *levels.p == 1;
}

/* A page of `n` given cells, dictionary-encoded (indices in the hybrid encoding, `width`
 * bits), the first at `row`, read straight into the runs without storing the indices.
 * 0, or -1 when malformed. */
static int dictionary_runs(runs_t *r, cursor_t *c, int width, int64_t n, int64_t row,
                           const int64_t *entry_at, const int64_t *entry_len,
                           int64_t entries) {
    int64_t done = 0, bytes = (width + 7) / 8;
    uint64_t mask = width == 0 ? 0 : ((uint64_t)1 << width) - 1;
    while (done < n) {
        uint64_t header = varint(c);
        if (!c->ok)
            return -1;
        if (header & 1) {
            int64_t size, count = packed_run(c, header, width, n - done, &size);
            if (count < 0)
                return -1;
            for (int64_t k = 0; k < count; k++) {
                int64_t index = (int64_t)packed_value(c->p, size, k, width, mask);
                if (index != r->last_index) {
                    if (index >= entries)
                        return -1;
                    next_cell(r, row + done + k, index, entry_at[index], entry_len[index]);
                }
            }
            c->p += size;
            done += count;
        } else {
            uint64_t count = header >> 1;
            int64_t index = run_value(c, bytes, mask);
            if (index < 0)
                return -1;
            if (count > (uint64_t)(n - done))
                count = (uint64_t)(n - done);
            if (count > 0) {
                if (index >= entries)
                    return -1;
                next_cell(r, row + done, index, entry_at[index], entry_len[index]);
            }
            done += (int64_t)count;
        }
    }
    return 0;
}

/* parquet_runs(chunk, length, max_def, rows, starts, spans, scratch, levels) -> runs, or -1
 * when this chunk is not read here
 *
 * A flat BYTE_ARRAY chunk (`length` bytes from its first page, `rows` cells, max_def 0 or
 * 1) as runs of equal cells, for the applicant columns, which repeat one value down each
 * applicant's rows: run r starts at row starts[r] and its cell is the spans[2r + 1] bytes at
 * spans[2r] from `chunk` (spans[2r] = -1: null). Cells are compared by their bytes, as
 * strings are (a dictionary index equal to the one before: equal without a look; a null
 * equals a null), so a run starts exactly where `changes` finds a cell differing from the
 * one before. Data pages may be dictionary-encoded or PLAIN (a writer falls back to PLAIN
 * when the dictionary grows too big). `starts` holds `rows` int64, `spans` 2 * rows int64,
 * `scratch` and `levels` `rows` uint32 each. */
PyObject *parquet_runs(PyObject *self, PyObject *args) {
    addr_t chunk_a, starts_a, spans_a, scratch_a, levels_a;
    Py_ssize_t length, max_def, rows;
    if (!PyArg_ParseTuple(args, "KnnnKKKK", &chunk_a, &length, &max_def, &rows, &starts_a,
                          &spans_a, &scratch_a, &levels_a))
        return NULL;
    if (max_def < 0 || max_def > 1 || length < 0 || rows < 0) {
        PyErr_SetString(PyExc_ValueError, "parquet_runs: unsupported column");
        return NULL;
    }
    const uint8_t *base = (const uint8_t *)chunk_a;
    int64_t *starts = (int64_t *)starts_a, *spans = (int64_t *)spans_a;
    uint32_t *scratch = (uint32_t *)scratch_a, *level = (uint32_t *)levels_a;
    int64_t runs = 0, row = 0;
    runs_t r = {base, starts, spans, 0, -2, 0, -1};
    Py_BEGIN_ALLOW_THREADS
    cursor_t c = {base, base + length, 1};
    int64_t *entry_at = NULL, *entry_len = NULL, entries = 0;
    while (row < rows && runs >= 0) {
        page_t page;
        cursor_t body;
        if (!next_page(&c, &page, &body)) {
            runs = -1;
            break;
        }
        if (page.type == PAGE_DICTIONARY) { /* PLAIN byte arrays: a 4-byte length, bytes */
            if (entry_at != NULL ||
                (page.encoding != ENC_PLAIN && page.encoding != ENC_PLAIN_DICTIONARY) ||
                page.values > (body.end - body.p) / 4) {
                runs = -1;
                break;
            }
            entries = page.values;
            entry_at = (int64_t *)malloc((entries > 0 ? entries : 1) * sizeof(int64_t));
            entry_len = (int64_t *)malloc((entries > 0 ? entries : 1) * sizeof(int64_t));
            if (entry_at == NULL || entry_len == NULL) {
                runs = -1;
                break;
            }
            if (byte_array_entries(body, entries, base, entry_at, entry_len, 1) < 0)
                runs = -1;
            continue;
        }
        if (page.type != PAGE_DATA || page.values > rows - row) {
            runs = -1;
            break;
        }
        int64_t n = page.values, given = n;
        int max_page_def = (int)max_def;
        if (max_def == 1) {
            cursor_t level_bytes;
            if (level_section(&body, &page, &level_bytes) < 0) {
                runs = -1;
                break;
            }
            if (all_given(level_bytes, n)) {
                max_page_def = 0; /* (every cell given: no levels to look at) */
            } else {
                if (hybrid(&level_bytes, 1, n, level) != n) {
                    runs = -1;
                    break;
                }
                given = 0;
                for (int64_t k = 0; k < n; k++)
                    given += level[k];
            }
        }
        int dictionary = page.encoding == ENC_RLE_DICTIONARY ||
                         page.encoding == ENC_PLAIN_DICTIONARY;
        if (dictionary && max_page_def == 0) { /* the usual page: indices straight to runs */
            int bit_width = body.p < body.end ? *body.p++ : -1;
            if (entry_at == NULL || (n > 0 && (bit_width < 0 || bit_width > 32 ||
                                               dictionary_runs(&r, &body, bit_width, n, row,
                                                               entry_at, entry_len,
                                                               entries) < 0))) {
                runs = -1;
                break;
            }
            row += n;
            continue;
        }
        if (dictionary) {
            int bit_width = body.p < body.end ? *body.p++ : -1;
            if (entry_at == NULL ||
                (given > 0 && (bit_width < 0 || bit_width > 32 ||
                               hybrid(&body, bit_width, given, scratch) != given))) {
                runs = -1;
                break;
            }
        } else if (page.encoding != ENC_PLAIN) {
            runs = -1;
            break;
        }
        const uint8_t *q = body.p; /* the next PLAIN value */
        int64_t g = 0;
        for (int64_t k = 0; k < n; k++) {
            int64_t at = -1, len = 0, index = -1;
            if (max_page_def == 0 || level[k]) {
                if (dictionary) {
                    index = scratch[g];
                    if (index >= entries) {
                        runs = -1;
                        break;
                    }
                    at = entry_at[index];
                    len = entry_len[index];
                } else {
                    uint32_t size_of_value;
                    if (body.end - q < 4) {
                        runs = -1;
                        break;
                    }
                    memcpy(&size_of_value, q, 4);
                    q += 4;
                    if (size_of_value > (uint64_t)(body.end - q)) {
                        runs = -1;
                        break;
                    }
                    at = q - base;
                    len = size_of_value;
                    q += size_of_value;
                }
                g++;
            }
            next_cell(&r, row + k, index, at, len);
        }
        if (runs < 0)
            break;
        row += n;
    }
    if (runs >= 0)
        runs = row == rows ? r.runs : -1;
    free(entry_at);
    free(entry_len);
    Py_END_ALLOW_THREADS
    return PyLong_FromLongLong(runs);
}

/* parquet_copy_spans(base, spans, count, offsets, out): the cells parquet_runs found, one
 * after the other: cell r (spans[2r + 1] bytes at spans[2r] from base; spans[2r] < 0: null,
 * no bytes) to out + offsets[r], the caller having summed the lengths into `offsets`. */
PyObject *parquet_copy_spans(PyObject *self, PyObject *args) {
    addr_t base_a, spans_a, offsets_a, out_a;
    Py_ssize_t count;
    if (!PyArg_ParseTuple(args, "KKnKK", &base_a, &spans_a, &count, &offsets_a, &out_a))
        return NULL;
    const uint8_t *base = (const uint8_t *)base_a;
    const int64_t *spans = (const int64_t *)spans_a, *offsets = (const int64_t *)offsets_a;
    uint8_t *out = (uint8_t *)out_a;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t r = 0; r < count; r++)
        if (spans[2 * r] >= 0)
            memcpy(out + offsets[r], base + spans[2 * r], (size_t)spans[2 * r + 1]);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}
