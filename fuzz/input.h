/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Taking typed values from a fuzzer's input, front to back. Running out of
 * input is not an error: every getter then returns zeros, so each target
 * sees a well-defined value for every field however short the input is.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An assertion that holds in every build type: release builds define
 * NDEBUG, and a fuzzer's checks are the point of running it. */
#define FUZZ_CHECK(cond)                                                                           \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

struct fuzz_input {
        const uint8_t *data;
        size_t left;
};

static inline void fuzz_take(struct fuzz_input *in, void *out, size_t n)
{
        size_t k = n < in->left ? n : in->left;
        memcpy(out, in->data, k);
        memset((uint8_t *)out + k, 0, n - k);
        in->data += k;
        in->left -= k;
}

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
        uint8_t v;
        fuzz_take(in, &v, sizeof(v));
        return v;
}

static inline uint16_t fuzz_u16(struct fuzz_input *in)
{
        uint16_t v;
        fuzz_take(in, &v, sizeof(v));
        return v;
}

static inline uint64_t fuzz_u64(struct fuzz_input *in)
{
        uint64_t v;
        fuzz_take(in, &v, sizeof(v));
        return v;
}

/*
 * Copies the next string (up to a NUL byte, the end of the input, or max-1
 * bytes) into buf, NUL-terminated, and consumes its terminator. Strings
 * therefore never contain a NUL, as nothing the supervisor decodes can.
 */
static inline size_t fuzz_string(struct fuzz_input *in, char *buf, size_t max)
{
        size_t n = 0;
        while (in->left && n + 1 < max && in->data[0] != '\0') {
                buf[n++] = (char)in->data[0];
                in->data++;
                in->left--;
        }
        if (in->left && in->data[0] == '\0') {
                in->data++;
                in->left--;
        }
        buf[n] = '\0';
        return n;
}
