/* policyhub.screen._accel, part two: the page bodies of the decisions Parquet file
 * (parquet_out.py writes the headers and metadata). The encodings are Parquet's: PLAIN,
 * and the RLE / bit-packed hybrid for definition levels and dictionary indices. */

#include "_accel.h"

static inline uint8_t *put_varint(uint8_t *out, uint64_t v) {
    while (v >= 0x80) {
        *out++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *out++ = (uint8_t)v;
    return out;
}

static uint8_t *bit_packed(const uint32_t *v, int64_t from, int64_t to, int bit_width,
                           uint8_t *out) {
    /* values [from, to) as one bit-packed run, in groups of 8 (the last padded with 0) */
    int64_t groups = (to - from + 7) / 8;
    out = put_varint(out, ((uint64_t)groups << 1) | 1);
    for (int64_t g = 0; g < groups; g++) {
        uint32_t x[8];
        for (int k = 0; k < 8; k++) {
            int64_t at = from + 8 * g + k;
            x[k] = at < to ? v[at] : 0;
        }
        if (bit_width <= 8) { /* the group's 8 values fit one 64-bit word */
            uint64_t word = 0;
            for (int k = 0; k < 8; k++)
                word |= (uint64_t)x[k] << (k * bit_width);
            memcpy(out, &word, (size_t)bit_width); /* (little-endian, as x86 and arm64) */
            out += bit_width;
        } else {
            uint64_t acc = 0;
            int bits = 0;
            for (int k = 0; k < 8; k++) {
                acc |= (uint64_t)x[k] << bits;
                bits += bit_width;
                while (bits >= 8) {
                    *out++ = (uint8_t)acc;
                    acc >>= 8;
                    bits -= 8;
                }
            }
        }
    }
    return out;
}

/* Parquet's RLE / bit-packed hybrid of n values of bit_width bits, read in groups of 8:
 * a group of 8 equal values starts an RLE run (as long as the value repeats), the other
 * groups are bit-packed together (the last group padded with zeros; readers stop at the
 * page's value count). As Arrow's encoder does, runs are looked for only at group starts. */
static uint8_t *rle_hybrid(const uint32_t *v, int64_t n, int bit_width, uint8_t *out) {
    int value_bytes = (bit_width + 7) / 8;
    int64_t g = 0, packed_from = 0;
    while (g + 8 <= n) {
        uint32_t first = v[g];
        int same = 1;
        for (int k = 1; k < 8; k++)
            same &= v[g + k] == first;
        if (!same) {
            g += 8;
            continue;
        }
        int64_t j = g + 8;
        while (j < n && v[j] == first)
            j++;
        if (g > packed_from)
            out = bit_packed(v, packed_from, g, bit_width, out);
        out = put_varint(out, (uint64_t)(j - g) << 1);
        for (int b = 0; b < value_bytes; b++)
            *out++ = (uint8_t)(first >> (8 * b));
        packed_from = g = j;
    }
    if (n > packed_from)
        out = bit_packed(v, packed_from, n, bit_width, out);
    return out;
}

/* levels(bitmap, offset, n, scratch, out) -> bytes: the definition levels (1 valid, 0
 * null) of n cells, bit width 1, after the 4-byte length a v1 data page puts first.
 * `scratch` holds n uint32.
 *
 * Straight from the validity bitmap when it starts on a byte: a group of 8 levels of bit
 * width 1, bit-packed, is the bitmap's byte itself, so bytes of all-null or all-valid cells
 * (two or more in a row) become RLE runs and the others are copied. No bitmap: one RLE
 * run. Otherwise each level is read into `scratch` and encoded as any values are. */
PyObject *parquet_levels(PyObject *self, PyObject *args) {
    addr_t bitmap_a, scratch_a, out_a;
    Py_ssize_t offset, n;
    if (!PyArg_ParseTuple(args, "KnnKK", &bitmap_a, &offset, &n, &scratch_a, &out_a))
        return NULL;
    const uint8_t *bitmap = (const uint8_t *)bitmap_a;
    uint32_t *scratch = (uint32_t *)scratch_a;
    uint8_t *out = (uint8_t *)out_a, *end = out + 4;
    Py_BEGIN_ALLOW_THREADS
    if (n == 0) {
        /* nothing */
    } else if (bitmap == NULL) {
        end = put_varint(end, (uint64_t)n << 1);
        *end++ = 1;
    } else if (offset % 8 == 0) {
        const uint8_t *b = bitmap + offset / 8;
        int64_t full = n / 8, k = 0, packed_from = 0;
        int tail = (int)(n % 8);
        while (k <= full) {
            int64_t m = k;
            if (k < full && (b[k] == 0 || b[k] == 0xFF))
                while (m < full && b[m] == b[k])
                    m++;
            int run = m - k >= 2;
            if (run || k == full) { /* flush the pending bytes as one bit-packed run */
                int64_t groups = k - packed_from + (k == full && tail ? 1 : 0);
                if (groups > 0) {
                    end = put_varint(end, ((uint64_t)groups << 1) | 1);
                    memcpy(end, b + packed_from, (size_t)(k - packed_from));
                    end += k - packed_from;
                    if (k == full && tail)
                        *end++ = b[full] & (uint8_t)((1u << tail) - 1);
                }
            }
            if (k == full)
                break;
            if (run) {
                end = put_varint(end, (uint64_t)((m - k) * 8) << 1);
                *end++ = b[k] ? 1 : 0;
                packed_from = k = m;
            } else {
                k = m > k ? m : k + 1;
            }
        }
    } else {
        for (Py_ssize_t i = 0; i < n; i++)
            scratch[i] = (uint32_t)is_valid(bitmap, offset + i);
        end = rle_hybrid(scratch, n, 1, out + 4);
    }
    uint32_t length = (uint32_t)(end - out - 4);
    memcpy(out, &length, 4);
    Py_END_ALLOW_THREADS
    return PyLong_FromSsize_t(end - out);
}

/* indices(values, width, bitmap, offset, n, bit_width, scratch, out) -> bytes: the
 * dictionary indices (width 1 or 4 bytes each) of the valid cells, as a data page's
 * RLE_DICTIONARY values (a byte of bit width, then the hybrid runs). */
PyObject *parquet_indices(PyObject *self, PyObject *args) {
    addr_t values_a, bitmap_a, scratch_a, out_a;
    Py_ssize_t width, offset, n, bit_width;
    if (!PyArg_ParseTuple(args, "KnKnnnKK", &values_a, &width, &bitmap_a, &offset, &n,
                          &bit_width, &scratch_a, &out_a))
        return NULL;
    if ((width != 1 && width != 4) || bit_width < 1 || bit_width > 32) {
        PyErr_SetString(PyExc_ValueError, "indices: unsupported widths");
        return NULL;
    }
    const uint8_t *bitmap = (const uint8_t *)bitmap_a;
    uint32_t *scratch = (uint32_t *)scratch_a;
    uint8_t *out = (uint8_t *)out_a, *end;
    Py_BEGIN_ALLOW_THREADS
    int64_t m = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!is_valid(bitmap, offset + i))
            continue;
        scratch[m++] = width == 1 ? (uint32_t)((const uint8_t *)values_a)[offset + i]
                                  : (uint32_t)((const int32_t *)values_a)[offset + i];
    }
    out[0] = (uint8_t)bit_width;
    end = rle_hybrid(scratch, m, (int)bit_width, out + 1);
    Py_END_ALLOW_THREADS
    return PyLong_FromSsize_t(end - out);
}

/* plain(values, width, stride, bitmap, offset, n, out) -> bytes: the valid cells' values
 * (`width` bytes taken every `stride` bytes: a decimal128's low word is 8 of 16) in PLAIN
 * encoding; width 0 packs booleans (`values` a bitmap) eight to a byte. */
PyObject *parquet_plain(PyObject *self, PyObject *args) {
    addr_t values_a, bitmap_a, out_a;
    Py_ssize_t width, stride, offset, n;
    if (!PyArg_ParseTuple(args, "KnnKnnK", &values_a, &width, &stride, &bitmap_a, &offset, &n,
                          &out_a))
        return NULL;
    const uint8_t *values = (const uint8_t *)values_a, *bitmap = (const uint8_t *)bitmap_a;
    uint8_t *out = (uint8_t *)out_a;
    Py_ssize_t size = 0;
    Py_BEGIN_ALLOW_THREADS
    if (width == 0) {
        int64_t m = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            if (!is_valid(bitmap, offset + i))
                continue;
            int64_t b = offset + i;
            if (m % 8 == 0)
                out[m / 8] = 0;
            out[m / 8] |= (uint8_t)(((values[b >> 3] >> (b & 7)) & 1) << (m % 8));
            m++;
        }
        size = (Py_ssize_t)((m + 7) / 8);
    } else {
        for (Py_ssize_t i = 0; i < n; i++) {
            if (!is_valid(bitmap, offset + i))
                continue;
            memcpy(out + size, values + (offset + i) * stride, (size_t)width);
            size += width;
        }
    }
    Py_END_ALLOW_THREADS
    return PyLong_FromSsize_t(size);
}

/* strings(offsets, data, first, n, out) -> bytes: n strings of an Arrow string array
 * (int32 offsets) from `first`, in PLAIN encoding (4-byte length, then the bytes). */
PyObject *parquet_strings(PyObject *self, PyObject *args) {
    addr_t offsets_a, data_a, out_a;
    Py_ssize_t first, n;
    if (!PyArg_ParseTuple(args, "KKnnK", &offsets_a, &data_a, &first, &n, &out_a))
        return NULL;
    const int32_t *offsets = (const int32_t *)offsets_a;
    const uint8_t *data = (const uint8_t *)data_a;
    uint8_t *out = (uint8_t *)out_a;
    Py_ssize_t size = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = first; i < first + n; i++) {
        uint32_t length = (uint32_t)(offsets[i + 1] - offsets[i]);
        memcpy(out + size, &length, 4);
        memcpy(out + size + 4, data + offsets[i], length);
        size += 4 + (Py_ssize_t)length;
    }
    Py_END_ALLOW_THREADS
    return PyLong_FromSsize_t(size);
}
