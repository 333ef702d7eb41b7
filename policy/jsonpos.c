/* SPDX-License-Identifier: MIT */
/* policy/jsonpos.c: finding a value's line and column in a profile, and why JSON failed. */
#include "jsonpos.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct scanner {
        const char *text;
        size_t len;
        size_t pos;
};

static void skip_space(struct scanner *s)
{
        while (s->pos < s->len && strchr(" \t\r\n", s->text[s->pos]) && s->text[s->pos])
                s->pos++;
}

static bool skip_string(struct scanner *s)
{
        if (s->pos >= s->len || s->text[s->pos] != '"')
                return false;
        for (s->pos++; s->pos < s->len; s->pos++) {
                if (s->text[s->pos] == '\\')
                        s->pos++;
                else if (s->text[s->pos] == '"') {
                        s->pos++;
                        return true;
                }
        }
        return false;
}

/* Compares the string literal at the scanner with key, decoding only the
 * simple escapes; keys with \u escapes simply do not match, which at worst
 * loses a position, never a diagnosis. */
static bool string_equals(const struct scanner *s, const char *key)
{
        size_t p = s->pos + 1, k = 0;
        while (p < s->len && s->text[p] != '"') {
                char c = s->text[p];
                if (c == '\\') {
                        if (++p >= s->len)
                                return false;
                        c = s->text[p];
                        if (c == 'n')
                                c = '\n';
                        else if (c == 't')
                                c = '\t';
                        else if (c == 'u')
                                return false;
                }
                if (key[k] != c)
                        return false;
                k++;
                p++;
        }
        return key[k] == '\0';
}

static bool skip_value(struct scanner *s, unsigned depth)
{
        if (depth > 2000)
                return false;
        skip_space(s);
        if (s->pos >= s->len)
                return false;
        char c = s->text[s->pos];
        if (c == '"')
                return skip_string(s);
        if (c == '{' || c == '[') {
                char close = c == '{' ? '}' : ']';
                s->pos++;
                skip_space(s);
                if (s->pos < s->len && s->text[s->pos] == close) {
                        s->pos++;
                        return true;
                }
                for (;;) {
                        if (c == '{') {
                                skip_space(s);
                                if (!skip_string(s))
                                        return false;
                                skip_space(s);
                                if (s->pos >= s->len || s->text[s->pos] != ':')
                                        return false;
                                s->pos++;
                        }
                        if (!skip_value(s, depth + 1))
                                return false;
                        skip_space(s);
                        if (s->pos >= s->len)
                                return false;
                        if (s->text[s->pos] == ',') {
                                s->pos++;
                                continue;
                        }
                        if (s->text[s->pos] == close) {
                                s->pos++;
                                return true;
                        }
                        return false;
                }
        }
        /* number, true, false, null */
        while (s->pos < s->len && !strchr(",}] \t\r\n", s->text[s->pos]))
                s->pos++;
        return true;
}

long jsonpos_locate(const char *text, size_t len, const struct jsonpos_path *path, int want_key)
{
        struct scanner s = {text, len, 0};
        size_t key_pos = 0;

        skip_space(&s);
        for (size_t d = 0; d < path->depth; d++) {
                const struct jsonpos_segment *seg = &path->seg[d];
                bool found = false;

                skip_space(&s);
                if (s.pos >= len)
                        return -1;
                if (seg->key) {
                        if (text[s.pos] != '{')
                                return -1;
                        s.pos++;
                        for (;;) {
                                skip_space(&s);
                                if (s.pos >= len || text[s.pos] != '"')
                                        return -1;
                                size_t here = s.pos;
                                bool match = string_equals(&s, seg->key);
                                if (!skip_string(&s))
                                        return -1;
                                skip_space(&s);
                                if (s.pos >= len || text[s.pos] != ':')
                                        return -1;
                                s.pos++;
                                if (match) {
                                        key_pos = here;
                                        found = true;
                                        break;
                                }
                                if (!skip_value(&s, 0))
                                        return -1;
                                skip_space(&s);
                                if (s.pos >= len || text[s.pos] != ',')
                                        return -1;
                                s.pos++;
                        }
                } else {
                        if (text[s.pos] != '[')
                                return -1;
                        s.pos++;
                        for (size_t i = 0;; i++) {
                                skip_space(&s);
                                if (i == seg->index) {
                                        key_pos = s.pos;
                                        found = true;
                                        break;
                                }
                                if (!skip_value(&s, 0))
                                        return -1;
                                skip_space(&s);
                                if (s.pos >= len || text[s.pos] != ',')
                                        return -1;
                                s.pos++;
                        }
                }
                if (!found)
                        return -1;
        }
        skip_space(&s);
        if (want_key && path->depth > 0)
                return (long)key_pos;
        return (long)s.pos;
}

void jsonpos_line_col(const char *text, size_t offset, unsigned *ret_line, unsigned *ret_col)
{
        unsigned line = 1, col = 1;
        for (size_t i = 0; i < offset && text[i]; i++) {
                if (text[i] == '\n') {
                        line++;
                        col = 1;
                } else {
                        col++;
                }
        }
        *ret_line = line;
        *ret_col = col;
}

void jsonpos_format(const struct jsonpos_path *path, char *buf, size_t size)
{
        size_t used = 0;
        if (size == 0)
                return;
        buf[0] = '\0';
        for (size_t d = 0; d < path->depth && used < size; d++) {
                int n;
                if (path->seg[d].key)
                        n = snprintf(buf + used, size - used, "%s%s", d ? "." : "",
                                     path->seg[d].key);
                else
                        n = snprintf(buf + used, size - used, "[%zu]", path->seg[d].index);
                if (n < 0)
                        return;
                used += (size_t)n;
        }
}

static int is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum jsonpos_fault jsonpos_diagnose(const char *text, size_t len, size_t offset, int max_depth,
                                    size_t *ret_offset)
{
        size_t i, at = offset < len ? offset : len;
        int depth = 0, in_string = 0;

        *ret_offset = offset;
        for (i = 0; i < len && is_space(text[i]); i++)
                ;
        if (i == len)
                return JSONPOS_FAULT_EMPTY;

        /* Brackets open where the parser stopped, strings skipped. */
        for (i = 0; i < at; i++) {
                char c = text[i];
                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = 0;
                } else if (c == '"') {
                        in_string = 1;
                } else if (c == '[' || c == '{') {
                        depth++;
                } else if (c == ']' || c == '}') {
                        depth--;
                }
        }
        if (depth >= max_depth)
                return JSONPOS_FAULT_TOO_DEEP;

        /* cJSON stops at the bracket that follows a dangling comma. */
        for (i = at; i < len && is_space(text[i]); i++)
                ;
        if (!in_string && i < len && (text[i] == ']' || text[i] == '}')) {
                size_t j = at;
                while (j > 0 && is_space(text[j - 1]))
                        j--;
                if (j > 0 && text[j - 1] == ',') {
                        *ret_offset = j - 1;
                        return JSONPOS_FAULT_TRAILING_COMMA;
                }
        }
        return JSONPOS_FAULT_OTHER;
}
