/* policyhub.screen._accel: single passes over Arrow columns for the screening encoder
 * (docs/screening.md, "The compiled passes").
 *
 * Why C: each of these replaces several NumPy or Polars passes (a gather, a cast, a
 * comparison, a gather of the cells that differ) with one loop over the 16-byte views, and
 * runs without the GIL. They decide nothing: the callers in policyhub/screen/accel.py
 * check every argument (types, lengths, that the buffers outlive the call), and each has a
 * NumPy/Polars equivalent that runs when this module is absent or disabled and that the
 * tests compare it with.
 *
 * Arguments are buffer addresses (unsigned long long) and counts, as the wrappers take them
 * from NumPy arrays and pyarrow buffers. A string view (Arrow columnar format) is 16 bytes:
 * length (4), then up to 12 bytes inline when length <= 12, else a 4-byte prefix, the index
 * of its data buffer (4) and the offset in it (4). Validity bitmaps are LSB-first; a null
 * bitmap address (0) means every cell is valid. */

#include "_accel.h"

/* codes(views, validity, offset, at, n, buffers, vocabulary, lengths, k, out) -> not found
 *
 * out[j] = the index in the vocabulary (k strings at `vocabulary`, of `lengths`) of the
 * cell at row at[j] (or j when at is 0), -1 where the cell is null, -2 where it is none of
 * them; returns how many are -2. Views already matched are remembered in a small table:
 * cells decoded from a Parquet dictionary share one view per distinct string, so almost
 * every cell is found by comparing its 16 bytes once (a view equal to another holds the
 * same string: same length and inline bytes, or the same bytes of the same buffer). */
static PyObject *codes(PyObject *self, PyObject *args) {
    addr_t views_a, valid_a, at_a, buffers_a, vocab_a, lengths_a, out_a;
    Py_ssize_t offset, n, k;
    if (!PyArg_ParseTuple(args, "KKnKnKKKnK", &views_a, &valid_a, &offset, &at_a, &n,
                          &buffers_a, &vocab_a, &lengths_a, &k, &out_a))
        return NULL;
    const uint8_t *views = (const uint8_t *)views_a, *valid = (const uint8_t *)valid_a;
    const int64_t *at = (const int64_t *)at_a;
    const uint8_t *const *buffers = (const uint8_t *const *)buffers_a;
    const uint8_t *const *vocab = (const uint8_t *const *)vocab_a;
    const uint32_t *lengths = (const uint32_t *)lengths_a;
    int64_t *out = (int64_t *)out_a;
    int64_t missing = 0;
    Py_BEGIN_ALLOW_THREADS
    enum { SLOTS = 256, EMPTY = -3 };
    uint64_t seen_lo[SLOTS], seen_hi[SLOTS];
    int64_t seen_code[SLOTS];
    for (int s = 0; s < SLOTS; s++)
        seen_code[s] = EMPTY;
    for (Py_ssize_t j = 0; j < n; j++) {
        int64_t i = (at ? at[j] : j) + offset;
        if (!is_valid(valid, i)) {
            out[j] = -1;
            continue;
        }
        const uint8_t *view = views + 16 * i;
        uint64_t lo = load64(view), hi = load64(view + 8);
        int slot = (int)(((lo * 0x9E3779B97F4A7C15ull) ^ (hi * 0xC2B2AE3D27D4EB4Full)) >> 56);
        int64_t code;
        if (seen_code[slot] != EMPTY && seen_lo[slot] == lo && seen_hi[slot] == hi) {
            code = seen_code[slot];
        } else {
            uint32_t length = (uint32_t)lo;
            const uint8_t *data = view_data(view, buffers, length);
            code = -2;
            for (Py_ssize_t c = 0; c < k; c++) {
                if (lengths[c] == length && memcmp(vocab[c], data, length) == 0) {
                    code = c;
                    break;
                }
            }
            seen_lo[slot] = lo;
            seen_hi[slot] = hi;
            seen_code[slot] = code;
        }
        missing += code == -2;
        out[j] = code;
    }
    Py_END_ALLOW_THREADS
    return PyLong_FromLongLong(missing);
}

/* changes(views, validity, offset, n, buffers, out): out[j] = 1 where the cell at row j
 * differs from the cell at row j - 1 (a null equals a null, a null differs from a string;
 * out[0] = 0). Equal views are equal strings; other pairs are compared by length and
 * bytes. */
static PyObject *changes(PyObject *self, PyObject *args) {
    addr_t views_a, valid_a, buffers_a, out_a;
    Py_ssize_t offset, n;
    if (!PyArg_ParseTuple(args, "KKnnKK", &views_a, &valid_a, &offset, &n, &buffers_a, &out_a))
        return NULL;
    const uint8_t *views = (const uint8_t *)views_a, *valid = (const uint8_t *)valid_a;
    const uint8_t *const *buffers = (const uint8_t *const *)buffers_a;
    uint8_t *out = (uint8_t *)out_a;
    if (n <= 0)
        Py_RETURN_NONE;
    Py_BEGIN_ALLOW_THREADS
    out[0] = 0;
    const uint8_t *before = views + 16 * offset;
    int before_valid = is_valid(valid, offset);
    for (Py_ssize_t j = 1; j < n; j++) {
        const uint8_t *view = views + 16 * (offset + j);
        int valid_here = is_valid(valid, offset + j);
        uint8_t differs;
        if (valid_here != before_valid) {
            differs = 1;
        } else if (!valid_here || (load64(view) == load64(before) &&
                                   load64(view + 8) == load64(before + 8))) {
            differs = 0;
        } else {
            uint32_t a, b;
            memcpy(&a, view, 4);
            memcpy(&b, before, 4);
            differs = a != b ||
                      memcmp(view_data(view, buffers, a), view_data(before, buffers, b), a) != 0;
        }
        out[j] = differs;
        before = view;
        before_valid = valid_here;
    }
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

/* credit_codes(views, validity, offset, at, n, buffers, values, weights, alphabet, radix,
 * size, out): for the cell at row at[j] (or j when at is 0), out[j] = 1 where it is a
 * unified social credit code (GB 32100-2015): `size` characters of the alphabet, the last
 * the check character of the others; 2 where the cell is null; 0 otherwise. `values` maps
 * each byte to its value in the alphabet (-1: not in it), `weights` holds the size - 1
 * weights and `alphabet` the `radix` characters by value, all from
 * policyhub.engine.creditcode: no figure of the standard is written here. */
static PyObject *credit_codes(PyObject *self, PyObject *args) {
    addr_t views_a, valid_a, at_a, buffers_a, values_a, weights_a, alphabet_a, out_a;
    Py_ssize_t offset, n, radix, size;
    if (!PyArg_ParseTuple(args, "KKnKnKKKKnnK", &views_a, &valid_a, &offset, &at_a, &n,
                          &buffers_a, &values_a, &weights_a, &alphabet_a, &radix, &size,
                          &out_a))
        return NULL;
    const int64_t *at = (const int64_t *)at_a;
    const uint8_t *views = (const uint8_t *)views_a, *valid = (const uint8_t *)valid_a;
    const uint8_t *const *buffers = (const uint8_t *const *)buffers_a;
    const int8_t *values = (const int8_t *)values_a;
    const int64_t *weights = (const int64_t *)weights_a;
    const uint8_t *alphabet = (const uint8_t *)alphabet_a;
    uint8_t *out = (uint8_t *)out_a;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t j = 0; j < n; j++) {
        int64_t i = offset + (at ? at[j] : j);
        out[j] = 0;
        if (!is_valid(valid, i)) {
            out[j] = 2;
            continue;
        }
        const uint8_t *view = views + 16 * i;
        uint32_t length;
        memcpy(&length, view, 4);
        if (length != (uint32_t)size)
            continue;
        const uint8_t *code = view_data(view, buffers, length);
        int64_t total = 0;
        int ok = 1;
        for (Py_ssize_t c = 0; c < size - 1; c++) {
            int8_t value = values[code[c]];
            if (value < 0) {
                ok = 0;
                break;
            }
            total += value * weights[c];
        }
        if (ok)
            out[j] = alphabet[(radix - total % radix) % radix] == code[size - 1];
    }
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

/* by_type(types, index, app, n, fees, k, rows, counts) -> 1, or 0 when the fast path does
 * not apply (nothing is then to be used from `rows` and `counts`).
 *
 * The usual export: every row an event (type codes 0..k-1, event_index given), in
 * (applicant, event_index) order, each applicant's indices 0, 1, 2, ... without gaps, a
 * repeated index only between two rows of type `fees` (one platform_service_fees event's
 * fees). Then `rows` gets the row numbers grouped by type (a stable counting sort) and
 * `counts` the rows of each type. Anything else — a row that only declares its applicant,
 * a bad or missing cell, rows out of order, a gap or a repeat — returns 0, and the NumPy
 * path sorts the rows and words the problems. */
static PyObject *by_type(PyObject *self, PyObject *args) {
    addr_t types_a, index_a, app_a, rows_a, counts_a;
    Py_ssize_t n, fees, k;
    if (!PyArg_ParseTuple(args, "KKKnnnKK", &types_a, &index_a, &app_a, &n, &fees, &k,
                          &rows_a, &counts_a))
        return NULL;
    const int64_t *types = (const int64_t *)types_a, *index = (const int64_t *)index_a;
    const int64_t *app = (const int64_t *)app_a;
    int64_t *rows = (int64_t *)rows_a, *counts = (int64_t *)counts_a;
    int ok = 1;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t c = 0; c < k; c++)
        counts[c] = 0;
    for (Py_ssize_t i = 0; i < n && ok; i++) {
        int64_t t = types[i], ev = index[i];
        if (t < 0 || t >= k || ev < 0) {
            ok = 0;
        } else if (i == 0 || app[i] != app[i - 1]) {
            ok = ev == 0;
        } else {
            int64_t step = ev - index[i - 1];
            ok = step == 1 || (step == 0 && t == fees && types[i - 1] == fees);
        }
        if (ok)
            counts[t]++;
    }
    if (ok) {
        /* the start of each type's rows, then each row in order to its place */
        int64_t start[256];
        int64_t at = 0;
        for (Py_ssize_t c = 0; c < k && c < 256; c++) {
            start[c] = at;
            at += counts[c];
        }
        for (Py_ssize_t i = 0; i < n; i++)
            rows[start[types[i]]++] = i;
    }
    Py_END_ALLOW_THREADS
    return PyLong_FromLong(ok);
}

/* revenue(at, n, app, index, years, year_bytes, year_valid, year_offset, words,
 *         amount_valid, amount_offset, low, high, limit, out_at, out_app, out_ev, out_year,
 *         out_fen) -> 1, or 0 when the fast path does not apply.
 *
 * The annual_revenue rows `at` (in applicant order) with an integer `year` column (4 or 8
 * bytes a value) and a decimal(p, 2) `amount` (16 bytes a value, low word first), both
 * indexed by row, their validity bitmaps starting at bit `*_offset`: when
 * every year is given and within [low, high], every amount given, non-negative and below
 * `limit` fen (its unscaled integer is the amount in fen), and no applicant reports one
 * year twice, the rows are written sorted by (applicant, year) — an applicant's rows moved
 * only among themselves, as the NumPy path's stable sort does — with their applicant,
 * event index, year and fen. Otherwise 0: the NumPy path reads them and words the
 * problems. */
static PyObject *revenue(PyObject *self, PyObject *args) {
    addr_t at_a, app_a, index_a, years_a, year_valid_a, words_a, amount_valid_a;
    addr_t out_at_a, out_app_a, out_ev_a, out_year_a, out_fen_a;
    Py_ssize_t n, year_bytes, year_offset, amount_offset;
    long long low, high, limit;
    if (!PyArg_ParseTuple(args, "KnKKKnKnKKnLLLKKKKK", &at_a, &n, &app_a, &index_a, &years_a,
                          &year_bytes, &year_valid_a, &year_offset, &words_a,
                          &amount_valid_a, &amount_offset, &low, &high, &limit, &out_at_a,
                          &out_app_a, &out_ev_a, &out_year_a, &out_fen_a))
        return NULL;
    if (year_bytes != 4 && year_bytes != 8) {
        PyErr_SetString(PyExc_ValueError, "revenue: year_bytes must be 4 or 8");
        return NULL;
    }
    const int64_t *at = (const int64_t *)at_a, *app = (const int64_t *)app_a;
    const int64_t *index = (const int64_t *)index_a;
    const uint8_t *year_valid = (const uint8_t *)year_valid_a;
    const uint8_t *amount_valid = (const uint8_t *)amount_valid_a;
    const int64_t *words = (const int64_t *)words_a;
    int64_t *out_at = (int64_t *)out_at_a, *out_app = (int64_t *)out_app_a;
    int64_t *out_ev = (int64_t *)out_ev_a, *out_year = (int64_t *)out_year_a;
    int64_t *out_fen = (int64_t *)out_fen_a;
    int ok = 1;
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t first = 0; /* where the current applicant's rows start in the output */
    for (Py_ssize_t j = 0; j < n && ok; j++) {
        int64_t i = at[j];
        int64_t y = year_bytes == 4 ? ((const int32_t *)years_a)[i] : ((const int64_t *)years_a)[i];
        int64_t lo = words[2 * i], hi = words[2 * i + 1];
        if (!is_valid(year_valid, i + year_offset) || !is_valid(amount_valid, i + amount_offset)
            || y < low || y > high || hi != 0 || lo < 0 || lo >= limit) {
            ok = 0;
            break;
        }
        if (j == 0 || app[i] != out_app[j - 1])
            first = j;
        /* insertion into the applicant's rows so far, by year (a few rows each) */
        Py_ssize_t place = j;
        while (place > first && out_year[place - 1] > y) {
            out_at[place] = out_at[place - 1];
            out_ev[place] = out_ev[place - 1];
            out_year[place] = out_year[place - 1];
            out_fen[place] = out_fen[place - 1];
            out_app[place] = out_app[place - 1];
            place--;
        }
        if (place > first && out_year[place - 1] == y) {
            ok = 0; /* a year twice: the NumPy path reports it */
            break;
        }
        out_at[place] = i;
        out_ev[place] = index[i];
        out_year[place] = y;
        out_fen[place] = lo;
        out_app[place] = app[i];
    }
    Py_END_ALLOW_THREADS
    return PyLong_FromLong(ok);
}

typedef struct {
    int64_t place, row;
} keyed_t;

static int by_place_then_row(const void *a, const void *b) {
    const keyed_t *x = (const keyed_t *)a, *y = (const keyed_t *)b;
    if (x->place != y->place)
        return x->place < y->place ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* order(app, place, n, apps, out) -> 0 when the rows are sorted by (app, place) already
 * (out untouched), 1 when out holds the stable permutation that sorts them, -1 when an
 * applicant number is outside [0, apps) or memory runs out (the NumPy path sorts).
 *
 * A counting sort by applicant (apps buckets, rows kept in order), then each applicant's
 * few rows by place: insertion, or for a bucket of more than 32 rows a sort by
 * (place, row), which is as stable. */
static PyObject *order(PyObject *self, PyObject *args) {
    addr_t app_a, place_a, out_a;
    Py_ssize_t n, apps;
    if (!PyArg_ParseTuple(args, "KKnnK", &app_a, &place_a, &n, &apps, &out_a))
        return NULL;
    const int64_t *app = (const int64_t *)app_a, *place = (const int64_t *)place_a;
    int64_t *out = (int64_t *)out_a;
    int status = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n && status >= 0; i++) {
        if (app[i] < 0 || app[i] >= apps)
            status = -1;
        else if (i && (app[i] < app[i - 1] || (app[i] == app[i - 1] && place[i] < place[i - 1])))
            status = 1;
    }
    int64_t *start = status == 1 ? (int64_t *)calloc((size_t)apps + 1, sizeof(int64_t)) : NULL;
    if (status == 1 && start == NULL)
        status = -1;
    keyed_t *keyed = status == 1 ? (keyed_t *)malloc((size_t)(n ? n : 1) * sizeof(keyed_t)) : NULL;
    if (status == 1 && keyed == NULL)
        status = -1;
    if (status == 1) {
        for (Py_ssize_t i = 0; i < n; i++)
            start[app[i] + 1]++;
        for (Py_ssize_t a = 0; a < apps; a++)
            start[a + 1] += start[a];
        /* each row and its place to its applicant's bucket (start[a] ends as its end) */
        for (Py_ssize_t i = 0; i < n; i++) {
            keyed_t *slot = &keyed[start[app[i]]++];
            slot->place = place[i];
            slot->row = i;
        }
        int64_t from = 0;
        for (Py_ssize_t a = 0; a < apps; a++) {
            int64_t to = start[a], size = to - from;
            if (size > 32) {
                qsort(keyed + from, (size_t)size, sizeof(keyed_t), by_place_then_row);
            } else {
                for (int64_t j = from + 1; j < to; j++) {
                    keyed_t here = keyed[j];
                    int64_t k = j;
                    while (k > from && keyed[k - 1].place > here.place) {
                        keyed[k] = keyed[k - 1];
                        k--;
                    }
                    keyed[k] = here;
                }
            }
            from = to;
        }
        for (Py_ssize_t i = 0; i < n; i++)
            out[i] = keyed[i].row;
    }
    free(keyed);
    free(start);
    Py_END_ALLOW_THREADS
    return PyLong_FromLong(status);
}

/* decimal_words(fen, valid, n, words): the 16-byte decimal128 values (low word, then the
 * sign-extended high word) of int64 fen, 0 where `valid` is 0. */
static PyObject *decimal_words(PyObject *self, PyObject *args) {
    addr_t fen_a, valid_a, words_a;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "KKnK", &fen_a, &valid_a, &n, &words_a))
        return NULL;
    const int64_t *fen = (const int64_t *)fen_a;
    const uint8_t *valid = (const uint8_t *)valid_a;
    int64_t *words = (int64_t *)words_a;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t value = valid[i] ? fen[i] : 0;
        words[2 * i] = value;
        words[2 * i + 1] = value >> 63;
    }
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static inline uint64_t hash_bytes(const uint8_t *data, uint32_t length) {
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (uint32_t i = 0; i < length; i++)
        h = (h ^ data[i]) * 0x100000001b3ull;
    return h ^ (h >> 29);
}

/* matter_keys(views, validity, offset, buffers, at, n, index, prefix, prefix_length, digits,
 *             shift, own, revenue_ns, given_ns, keys, first) -> distinct, or -1 (no memory)
 *
 * The matter key of each event row at[j]: without a matter (null or empty), own << shift |
 * its event_index; a matter spelled prefix + `digits` digits, the first not 0, revenue_ns
 * << shift | that year; any other, given_ns << shift | its number among the distinct
 * matters in order of first appearance. Every distinct matter (revenue-like ones too) is
 * numbered, and first[d] is the row where matter d first appears: the caller gathers the
 * ids from those rows. One pass, with a hash table of the distinct strings. */
static PyObject *matter_keys(PyObject *self, PyObject *args) {
    addr_t views_a, valid_a, buffers_a, at_a, index_a, prefix_a, keys_a, first_a;
    Py_ssize_t offset, n, prefix_length, digits, shift, own, revenue_ns, given_ns;
    if (!PyArg_ParseTuple(args, "KKnKKnKKnnnnnnKK", &views_a, &valid_a, &offset, &buffers_a,
                          &at_a, &n, &index_a, &prefix_a, &prefix_length, &digits, &shift,
                          &own, &revenue_ns, &given_ns, &keys_a, &first_a))
        return NULL;
    const uint8_t *views = (const uint8_t *)views_a, *valid = (const uint8_t *)valid_a;
    const uint8_t *const *buffers = (const uint8_t *const *)buffers_a;
    const int64_t *at = (const int64_t *)at_a, *index = (const int64_t *)index_a;
    const uint8_t *prefix = (const uint8_t *)prefix_a;
    int64_t *keys = (int64_t *)keys_a, *first = (int64_t *)first_a;
    int64_t distinct = 0;
    Py_BEGIN_ALLOW_THREADS
    /* open addressing, kept under half full: it starts small and doubles, since a batch
       holds few distinct matters however many events it has */
    size_t slots = 1024;
    int64_t *table = (int64_t *)malloc(slots * sizeof(int64_t)); /* matter number, -1 empty */
    if (table == NULL) {
        distinct = -1;
    } else {
        for (size_t s = 0; s < slots; s++)
            table[s] = -1;
        uint32_t revenue_length = (uint32_t)(prefix_length + digits);
        for (Py_ssize_t j = 0; j < n && distinct >= 0; j++) {
            int64_t i = at[j] + offset;
            const uint8_t *view = views + 16 * i;
            uint32_t length;
            memcpy(&length, view, 4);
            if (!is_valid(valid, i) || length == 0) {
                keys[j] = (own << shift) | index[at[j]];
                continue;
            }
            const uint8_t *data = view_data(view, buffers, length);
            if ((size_t)distinct * 2 >= slots) { /* double, and place the matters again */
                size_t bigger = slots * 2;
                int64_t *grown = (int64_t *)malloc(bigger * sizeof(int64_t));
                if (grown == NULL) {
                    distinct = -1;
                    break;
                }
                for (size_t s = 0; s < bigger; s++)
                    grown[s] = -1;
                for (int64_t d = 0; d < distinct; d++) {
                    const uint8_t *v = views + 16 * (first[d] + offset);
                    uint32_t l;
                    memcpy(&l, v, 4);
                    size_t s = hash_bytes(view_data(v, buffers, l), l) & (bigger - 1);
                    while (grown[s] >= 0)
                        s = (s + 1) & (bigger - 1);
                    grown[s] = d;
                }
                free(table);
                table = grown;
                slots = bigger;
            }
            size_t slot = hash_bytes(data, length) & (slots - 1);
            int64_t number;
            for (;;) {
                number = table[slot];
                if (number < 0) {
                    number = table[slot] = distinct;
                    first[distinct++] = at[j];
                    break;
                }
                const uint8_t *seen = views + 16 * (first[number] + offset);
                uint32_t seen_length;
                memcpy(&seen_length, seen, 4);
                if (seen_length == length &&
                    memcmp(view_data(seen, buffers, seen_length), data, length) == 0)
                    break;
                slot = (slot + 1) & (slots - 1);
            }
            int revenue = length == revenue_length && memcmp(data, prefix, prefix_length) == 0 &&
                          data[prefix_length] >= '1' && data[prefix_length] <= '9';
            int64_t year = 0;
            for (Py_ssize_t d = 0; revenue && d < digits; d++) {
                uint8_t c = data[prefix_length + d];
                revenue = c >= '0' && c <= '9';
                year = year * 10 + (c - '0');
            }
            keys[j] = revenue ? (revenue_ns << shift) | year : (given_ns << shift) | number;
        }
        free(table);
    }
    Py_END_ALLOW_THREADS
    return PyLong_FromLongLong(distinct);
}

static PyMethodDef methods[] = {
    {"codes", codes, METH_VARARGS, "Vocabulary index of string-view cells (-1 null, -2 none)."},
    {"changes", changes, METH_VARARGS, "Where a string-view cell differs from the one before."},
    {"credit_codes", credit_codes, METH_VARARGS, "Where a cell is a valid credit code."},
    {"by_type", by_type, METH_VARARGS, "Event rows grouped by type, when in order (1) or not (0)."},
    {"revenue", revenue, METH_VARARGS, "Revenue rows read and sorted, when all valid (1) or not (0)."},
    {"order", order, METH_VARARGS, "Stable sort by (applicant, place): 0 sorted, 1 done, -1 not."},
    {"decimal_words", decimal_words, METH_VARARGS, "decimal128 words of int64 fen."},
    {"matter_keys", matter_keys, METH_VARARGS, "Matter keys of event rows, distinct matters."},
    {"levels", parquet_levels, METH_VARARGS, "Parquet definition levels (v1 page, with length)."},
    {"indices", parquet_indices, METH_VARARGS, "Parquet RLE_DICTIONARY values of the valid cells."},
    {"plain", parquet_plain, METH_VARARGS, "Parquet PLAIN values of the valid cells."},
    {"strings", parquet_strings, METH_VARARGS, "Parquet PLAIN byte arrays of Arrow strings."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_accel",
    "Single passes over Arrow string views for the screening encoder (see accel.py).", -1,
    methods,
};

PyMODINIT_FUNC PyInit__accel(void) { return PyModule_Create(&module); }
