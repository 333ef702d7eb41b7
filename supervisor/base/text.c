/* SPDX-License-Identifier: MIT */
/* base/text.c: others' text made safe to print. */
#include "base/text.h"

#include <stdio.h>

const char *text_printable(const char *s, char *buf, size_t size)
{
        size_t j = 0;

        if (!s)
                return "-";
        if (size == 0)
                return "";
        for (size_t i = 0; s[i] && j + 1 < size; i++) {
                unsigned char c = (unsigned char)s[i];
                buf[j++] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
        }
        buf[j] = '\0';
        return buf;
}

const char *text_describe_target(const char *id, pid_t pid, char *buf, size_t size)
{
        char safe[160];

        /* pid 0: a runtime's exec, which names no pid (crun). */
        if (id && *id && pid > 0)
                snprintf(buf, size, "container %s (pid %d)", text_printable(id, safe, sizeof(safe)),
                         (int)pid);
        else if (id && *id)
                snprintf(buf, size, "container %s (an exec, no pid sent)",
                         text_printable(id, safe, sizeof(safe)));
        else if (pid > 0)
                snprintf(buf, size, "pid %d", (int)pid);
        else
                snprintf(buf, size, "a target with no id and no pid");
        return buf;
}

size_t text_utf8_decode(const unsigned char *s, size_t n, uint32_t *ret_cp)
{
        uint32_t cp;
        size_t len;

        if (n == 0)
                return 0;
        if (s[0] < 0x80) {
                *ret_cp = s[0];
                return 1;
        }
        if (s[0] >= 0xc2 && s[0] <= 0xdf) {
                len = 2;
                cp = s[0] & 0x1f;
        } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
                len = 3;
                cp = s[0] & 0x0f;
        } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
                len = 4;
                cp = s[0] & 0x07;
        } else {
                return 0;
        }
        if (len > n)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        *ret_cp = cp;
        return len;
}
