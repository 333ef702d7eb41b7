/* SPDX-License-Identifier: MIT */
/*
 * What an early launcher reads from scmp-super before loading its filter
 * (launch/launcher.h, struct launcher_go): a header, then the filter's
 * instructions, the agent message and the path to execute. The input is
 * the header followed by the payload. Besides "no crash, no read or write
 * outside it":
 *   - a payload size is only ever given for a header within every bound,
 *     and never overflows;
 *   - a payload is applied only at exactly that size, and then the
 *     filter, the message and the path are what the header says: their
 *     lengths hold, both strings end at their NUL, and nothing points
 *     outside the payload.
 */
#include <errno.h>
#include <limits.h>
#include <linux/filter.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "launch/launcher.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct launcher_go h;
        struct launch_spec spec = {.exec_path = NULL};

        if (size < sizeof(h))
                return 0;
        memcpy(&h, data, sizeof(h));
        size_t need = launcher_go_payload_size(&h), have = size - sizeof(h);
        if (need == 0) {
                FUZZ_CHECK(h.magic != LAUNCHER_GO_MAGIC || h.n_insns == 0 ||
                           h.n_insns > LAUNCHER_GO_MAX_INSNS ||
                           h.message_len > LAUNCHER_GO_MAX_MESSAGE || h.path_len == 0 ||
                           h.path_len >= PATH_MAX || h.send_after_load > 1);
                return 0;
        }
        FUZZ_CHECK(need == (size_t)h.n_insns * sizeof(struct sock_filter) + h.message_len + 1 +
                               h.path_len + 1);
        char *payload = malloc(have ? have : 1);
        if (!payload)
                return 0;
        if (have)
                memcpy(payload, data + sizeof(h), have);
        int r = launcher_go_apply(&h, payload, have, &spec);
        FUZZ_CHECK(r == 0 || r == -EPROTO);
        if (have != need)
                FUZZ_CHECK(r == -EPROTO);
        if (r == 0) {
                FUZZ_CHECK(spec.bpf.insns == payload && spec.bpf.len == h.n_insns);
                FUZZ_CHECK(spec.filter_flags == h.filter_flags);
                FUZZ_CHECK(spec.send_after_load == (h.send_after_load == 1));
                FUZZ_CHECK(spec.exec_path && strlen(spec.exec_path) == h.path_len);
                FUZZ_CHECK(spec.exec_path + h.path_len + 1 == payload + have);
                if (h.message_len)
                        FUZZ_CHECK(spec.message && strlen(spec.message) == h.message_len);
                else
                        FUZZ_CHECK(spec.message == NULL);
        }
        free(payload);
        return 0;
}
