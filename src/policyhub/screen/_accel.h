/* Helpers of the compiled passes (_accel.c): see _accel.c for what the arguments are. */

#ifndef POLICYHUB_ACCEL_H
#define POLICYHUB_ACCEL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned long long addr_t;

static inline const uint8_t *view_data(const uint8_t *view, const uint8_t *const *buffers,
                                       uint32_t length) {
    if (length <= 12)
        return view + 4;
    uint32_t buffer, offset;
    memcpy(&buffer, view + 8, 4);
    memcpy(&offset, view + 12, 4);
    return buffers[buffer] + offset;
}

static inline int is_valid(const uint8_t *bitmap, int64_t i) {
    return bitmap == NULL || ((bitmap[i >> 3] >> (i & 7)) & 1);
}

static inline uint64_t load64(const uint8_t *p) {
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

#endif
