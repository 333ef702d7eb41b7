/* SPDX-License-Identifier: MIT */
/*
 * What the test helpers (try, hostile) share. Each is a program of its own,
 * so everything here is static; HELPER_NAME, defined before the include,
 * names the program in its messages.
 */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef HELPER_NAME
#error "define HELPER_NAME before including helper.h"
#endif

/* Bad usage: the message on stderr, and exit status 1. */
__attribute__((noreturn, format(printf, 1, 2))) static void usage_error(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        fputs(HELPER_NAME ": ", stderr);
        vfprintf(stderr, fmt, ap);
        fputs("\n", stderr);
        va_end(ap);
        exit(1);
}

/* Writes one whole line with one write(2), so lines from threads, children
 * and an exec'd program never mix. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
        char line[512];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        if ((size_t)n > sizeof(line) - 2)
                n = sizeof(line) - 2;
        line[n++] = '\n';
        for (ssize_t off = 0; off < n;) {
                ssize_t w = write(STDOUT_FILENO, line + off, (size_t)(n - off));
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return;
                off += w;
        }
}

/* "ENOENT" for ENOENT; "E4242" for a number without a name. */
static const char *errno_name(int e)
{
        static __thread char unknown[32];
        const char *name = strerrorname_np(e);

        if (name)
                return name;
        snprintf(unknown, sizeof(unknown), "E%d", e);
        return unknown;
}
