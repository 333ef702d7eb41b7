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

        if (id && *id)
                snprintf(buf, size, "container %s (pid %d)", text_printable(id, safe, sizeof(safe)),
                         (int)pid);
        else
                snprintf(buf, size, "pid %d", (int)pid);
        return buf;
}
