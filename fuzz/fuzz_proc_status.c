/* SPDX-License-Identifier: MIT */
/*
 * /proc/PID/status as the control socket's peer check reads it
 * (supervisor/core/proc_tree.c): a process chooses one field of it, its name,
 * and the check decides from two others (PPid, NSpid) whether a client is
 * part of a supervised tree. Besides "no crash": a value found is a whole
 * line's rest, terminated, shorter than the buffer, with no newline; a pid
 * is what its digits say; a depth counts the words of the value.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "input.h"
#include "core/proc_tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const fields[] = {"PPid:", "NSpid:", "Name:", "", "P"};
        struct fuzz_input in = {data, size};
        char buf[300];

        uint8_t mode = fuzz_u8(&in);
        const char *field = fields[mode % 5];
        size_t buf_size = 1 + (size_t)fuzz_u8(&in) % sizeof(buf);
        const char *text = (const char *)in.data;
        size_t len = in.left;

        int r = proc_status_value(text, len, field, buf, buf_size);
        FUZZ_CHECK(r == 0 || r == -ENODATA || r == -EBADMSG);
        if (r != 0) {
                FUZZ_CHECK(buf[0] == '\0');
                return 0;
        }
        size_t n = strlen(buf);
        FUZZ_CHECK(n < buf_size);
        FUZZ_CHECK(memchr(buf, '\n', n) == NULL);
        /* The value is the end of a line that starts with the field. */
        FUZZ_CHECK(n == 0 || memmem(text, len, buf, n) != NULL);

        pid_t pid = -1;
        if (proc_status_pid(buf, &pid) == 0) {
                FUZZ_CHECK(pid >= 0);
                FUZZ_CHECK(n > 0 && strspn(buf, "0123456789") == n);
        }
        int depth = proc_status_ns_depth(buf);
        FUZZ_CHECK(depth == -EBADMSG || (depth >= 1 && (size_t)depth <= (n + 1) / 2));
        return 0;
}
