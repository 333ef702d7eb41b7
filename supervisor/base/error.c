/* SPDX-License-Identifier: MIT */
/* base/error.c: a failure's reason, written into the caller's buffer. */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>

int error_set(char *reterr, size_t reterr_size, int r, const char *fmt, ...)
{
        va_list ap;

        if (!reterr || reterr_size == 0)
                return r;
        va_start(ap, fmt);
        vsnprintf(reterr, reterr_size, fmt, ap);
        va_end(ap);
        return r;
}
