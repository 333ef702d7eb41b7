/* SPDX-License-Identifier: MIT */
/*
 * try_preload.so: code that LD_PRELOAD puts into another program. Before
 * the program's main, its constructor makes the directory that
 * TRY_PRELOAD_MKDIR names and prints "preload mkdir: OK" or the errno's
 * name: the integration tests show that a rule on the program's exe meets
 * this code as the program's own (SECURITY.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

__attribute__((constructor)) static void try_preload(void)
{
        const char *path = getenv("TRY_PRELOAD_MKDIR");
        char line[128];

        if (!path)
                return;
        int error = mkdir(path, 0755) < 0 ? errno : 0;
        const char *name = error ? strerrorname_np(error) : "OK";
        int n = snprintf(line, sizeof(line), "preload mkdir: %s\n", name ? name : "?");
        if (n > 0 && (size_t)n < sizeof(line) && write(STDOUT_FILENO, line, (size_t)n) < 0)
                _exit(1);
}
