/* SPDX-License-Identifier: MIT */
/* policy/glob.c: matching paths against the shell-style globs that rules write. */
/*
 * Glob matching by simulating the pattern as a nondeterministic automaton.
 *
 * Each state is a byte offset into the pattern where a token starts; offset
 * strlen(pattern) is the accepting state. The set of live states is a bitmap,
 * advanced once per path character, so the cost is bounded by
 * pattern length times path length no matter how many stars the pattern
 * holds. A recursive backtracking matcher would instead try every way of
 * splitting the path between the stars, which is exponential in their number.
 *
 * Tokens are decoded from the pattern text on the fly rather than compiled
 * up front, which keeps the matcher free of allocation: a rule must never
 * fail to match because memory was short.
 */

#include "glob.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum token_kind {
        TOKEN_END,      /* end of pattern: the accepting state */
        TOKEN_LITERAL,  /* one given character */
        TOKEN_ANY,      /* '?' */
        TOKEN_CLASS,    /* '[...]' */
        TOKEN_STAR,     /* '*' */
        TOKEN_STARSTAR, /* '**' not between two slashes */
        TOKEN_DIRS,     /* '**' followed by '/', after a '/': zero or more directories */
};

struct token {
        enum token_kind kind;
        size_t len; /* bytes of pattern text, including a TOKEN_DIRS' trailing '/' */
        unsigned char literal;
};

struct class_scan {
        size_t len; /* bytes including both brackets, 0 if unterminated */
        bool matched;
        bool reversed_range;
};

/*
 * Scans the class whose '[' is at p[i]; if c is not negative, also tells
 * whether the class accepts c. Returns the length in scan->len, or 0 when no
 * ']' closes it.
 */
static void class_scan(const char *p, size_t plen, size_t i, int c, struct class_scan *scan)
{
        size_t j = i + 1;
        bool negate = false, hit = false;

        scan->len = 0;
        scan->matched = false;
        scan->reversed_range = false;

        if (j < plen && (p[j] == '!' || p[j] == '^')) {
                negate = true;
                j++;
        }

        for (bool first = true;; first = false) {
                unsigned char lo, hi;

                if (j >= plen)
                        return;
                if (p[j] == ']' && !first)
                        break;
                if (p[j] == '\\') {
                        if (++j >= plen)
                                return;
                }
                lo = (unsigned char)p[j++];
                hi = lo;

                /* A '-' right before the closing ']' is a literal '-'. */
                if (j + 1 < plen && p[j] == '-' && p[j + 1] != ']') {
                        j++;
                        if (p[j] == '\\') {
                                if (++j >= plen)
                                        return;
                        }
                        hi = (unsigned char)p[j++];
                        if (hi < lo)
                                scan->reversed_range = true;
                }
                if (c >= lo && c <= hi)
                        hit = true;
        }

        scan->len = j + 1 - i;
        /* Only an explicit '/' in the pattern matches a path separator. */
        scan->matched = c >= 0 && c != '/' && hit != negate;
}

static void token_decode(const char *p, size_t plen, size_t i, struct token *t)
{
        struct class_scan scan;
        size_t k;

        t->len = 1;
        t->literal = 0;

        if (i >= plen) {
                t->kind = TOKEN_END;
                t->len = 0;
                return;
        }

        switch (p[i]) {
        case '\\':
                t->kind = TOKEN_LITERAL;
                if (i + 1 < plen) {
                        t->literal = (unsigned char)p[i + 1];
                        t->len = 2;
                } else {
                        t->literal = '\\';
                }
                return;
        case '?':
                t->kind = TOKEN_ANY;
                return;
        case '[':
                class_scan(p, plen, i, -1, &scan);
                if (scan.len > 0) {
                        t->kind = TOKEN_CLASS;
                        t->len = scan.len;
                } else {
                        t->kind = TOKEN_LITERAL;
                        t->literal = '[';
                }
                return;
        case '*':
                for (k = 1; i + k < plen && p[i + k] == '*'; k++)
                        ;
                if (k == 1) {
                        t->kind = TOKEN_STAR;
                } else if (i > 0 && p[i - 1] == '/' && i + k < plen && p[i + k] == '/') {
                        /*
                         * The '/' before a token is always a literal one:
                         * a class ends in ']' and stars are tokens of their
                         * own, so looking back one byte is safe.
                         */
                        t->kind = TOKEN_DIRS;
                        t->len = k + 1;
                } else {
                        t->kind = TOKEN_STARSTAR;
                        t->len = k;
                }
                return;
        default:
                t->kind = TOKEN_LITERAL;
                t->literal = (unsigned char)p[i];
                return;
        }
}

#define STATE_WORDS ((PATH_GLOB_MAX + 1 + 63) / 64)

struct state_set {
        uint64_t live[STATE_WORDS];
        /* States whose full closure was already added in this step. */
        uint64_t entered[STATE_WORDS];
};

/*
 * Words of the bitmaps in use for a pattern of plen bytes. Only these are
 * cleared and scanned, so short patterns, the usual case, stay cheap.
 */
static size_t state_words(size_t plen)
{
        return plen / 64 + 1;
}

static bool bit_test(const uint64_t *bits, size_t i)
{
        return (bits[i / 64] >> (i % 64)) & 1;
}

static void bit_set(uint64_t *bits, size_t i)
{
        bits[i / 64] |= (uint64_t)1 << (i % 64);
}

/*
 * Makes state s live, together with every state reachable from it without
 * consuming a character: the token after a star (stars may match nothing)
 * and, for a TOKEN_DIRS, both the token after it and its trailing '/'.
 */
static void state_enter(const char *p, size_t plen, struct state_set *set, size_t s)
{
        struct token t;

        for (;;) {
                if (bit_test(set->entered, s))
                        return;
                bit_set(set->entered, s);
                bit_set(set->live, s);

                token_decode(p, plen, s, &t);
                switch (t.kind) {
                case TOKEN_DIRS:
                        /* One or more directories: "**" then the '/'. */
                        bit_set(set->live, s + t.len - 1);
                        /* Zero directories: the stars and their '/' are skipped. */
                        s += t.len;
                        break;
                case TOKEN_STAR:
                case TOKEN_STARSTAR:
                        s += t.len;
                        break;
                default:
                        return;
                }
        }
}

/*
 * Advances every live state of cur over path character c into next. Stars
 * stay live by re-entering themselves. TOKEN_DIRS does so without its
 * zero-directory skip, which applies only before its first character, or
 * the pattern "/a/", "**", "/b" would match "/a/xb".
 */
static void states_step(const char *p, size_t plen, const struct state_set *cur,
                        struct state_set *next, unsigned char c)
{
        size_t words = state_words(plen);

        memset(next->live, 0, words * sizeof(next->live[0]));
        memset(next->entered, 0, words * sizeof(next->entered[0]));

        for (size_t w = 0; w < words; w++) {
                for (uint64_t bits = cur->live[w]; bits != 0; bits &= bits - 1) {
                        size_t s = w * 64 + (size_t)__builtin_ctzll(bits);
                        struct class_scan scan;
                        struct token t;

                        token_decode(p, plen, s, &t);
                        switch (t.kind) {
                        case TOKEN_END:
                                break;
                        case TOKEN_LITERAL:
                                if (c == t.literal)
                                        state_enter(p, plen, next, s + t.len);
                                break;
                        case TOKEN_ANY:
                                if (c != '/')
                                        state_enter(p, plen, next, s + t.len);
                                break;
                        case TOKEN_CLASS:
                                class_scan(p, plen, s, c, &scan);
                                if (scan.matched)
                                        state_enter(p, plen, next, s + t.len);
                                break;
                        case TOKEN_STAR:
                                if (c != '/')
                                        state_enter(p, plen, next, s);
                                break;
                        case TOKEN_STARSTAR:
                                state_enter(p, plen, next, s);
                                break;
                        case TOKEN_DIRS:
                                bit_set(next->live, s);
                                bit_set(next->live, s + t.len - 1);
                                break;
                        }
                }
        }
}

static bool states_empty(const struct state_set *set, size_t plen)
{
        for (size_t w = 0; w < state_words(plen); w++)
                if (set->live[w] != 0)
                        return false;
        return true;
}

bool path_glob_match(const char *pattern, const char *path)
{
        struct state_set sets[2], *cur = &sets[0], *next = &sets[1];
        size_t plen;

        if (!pattern || !path)
                return false;
        plen = strnlen(pattern, PATH_GLOB_MAX + 1);
        if (plen > PATH_GLOB_MAX)
                return false;

        /* Only the words the pattern uses, as states_step clears them: the
         * whole set is about a kilobyte, and this runs per rule per call. */
        memset(cur->live, 0, state_words(plen) * sizeof(cur->live[0]));
        memset(cur->entered, 0, state_words(plen) * sizeof(cur->entered[0]));
        state_enter(pattern, plen, cur, 0);

        for (const char *c = path; *c != '\0'; c++) {
                struct state_set *swap;

                states_step(pattern, plen, cur, next, (unsigned char)*c);
                if (states_empty(next, plen))
                        return false;
                swap = cur;
                cur = next;
                next = swap;
        }

        return bit_test(cur->live, plen);
}

int path_glob_validate_syntax(const char *pattern, const char **ret_reason)
{
        const char *reason = NULL;
        size_t plen;

        if (!pattern) {
                reason = "pattern is missing";
                goto fail;
        }
        plen = strnlen(pattern, PATH_GLOB_MAX + 1);
        if (plen > PATH_GLOB_MAX) {
                reason = "pattern is longer than 4096 bytes";
                goto fail;
        }

        for (size_t i = 0; i < plen;) {
                struct class_scan scan;
                struct token t;

                if (pattern[i] == '\\' && i + 1 == plen) {
                        reason = "trailing '\\' escapes nothing";
                        goto fail;
                }
                if (pattern[i] == '[') {
                        class_scan(pattern, plen, i, -1, &scan);
                        if (scan.len == 0) {
                                reason = "unterminated '[' character class";
                                goto fail;
                        }
                        if (scan.reversed_range) {
                                reason = "character class range is reversed";
                                goto fail;
                        }
                }
                token_decode(pattern, plen, i, &t);
                i += t.len;
        }
        return 0;

fail:
        if (ret_reason)
                *ret_reason = reason;
        return -EINVAL;
}

int path_glob_validate(const char *pattern, const char **ret_reason)
{
        if (pattern && pattern[0] != '/') {
                if (ret_reason)
                        *ret_reason = "pattern must be absolute (start with '/')";
                return -EINVAL;
        }
        return path_glob_validate_syntax(pattern, ret_reason);
}
