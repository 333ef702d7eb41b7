/* SPDX-License-Identifier: MIT */
/* base/zeroed.c: large zeroed tables that cost no pages until used. */
#include "base/zeroed.h"

#include <errno.h>
#include <sys/mman.h>

void *zeroed_alloc(size_t size)
{
        if (size == 0) {
                errno = EINVAL;
                return NULL;
        }
        void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return p == MAP_FAILED ? NULL : p;
}

void zeroed_free(void *p, size_t size)
{
        if (p)
                munmap(p, size);
}
