/* SPDX-License-Identifier: MIT */
/*
 * The profile loader and compiler on arbitrary bytes. The input is handed
 * over without a terminating NUL, exactly as long as it is, so the sanitizers
 * catch any read past the end. Whatever the input, loading must either
 * succeed or fail with a non-empty message; a loaded profile must compile or
 * fail cleanly, and its rule index must answer a few calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "input.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decide_some_calls(const struct policy *p)
{
        static const int nrs[] = {__NR_openat, __NR_connect, __NR_execve, __NR_rename, -1, 0, 4096};
        struct policy_call call;
        struct policy_decision d;

        for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
                memset(&call, 0, sizeof(call));
                call.nr = nrs[i];
                call.have_paths = true;
                call.n_paths = 1;
                call.paths[0] = "/etc/shadow";
                call.have_exe = true;
                call.exe = "/usr/bin/true";
                call.have_ids = true;
                policy_decide(p, &call, &d);
                FUZZ_CHECK(d.verdict <= VERDICT_PROMPT);
                /* An open whose flags were read, and one whose were not. */
                call.have_open = true;
                call.open_flags = O_RDONLY | O_TRUNC;
                policy_decide(p, &call, &d);
                FUZZ_CHECK(d.verdict <= VERDICT_PROMPT);
                if (d.rule && d.rule->open_access &&
                    (d.verdict == VERDICT_ALLOW || d.verdict == VERDICT_LOG))
                        FUZZ_CHECK((d.rule->open_access & POLICY_OPEN_TRUNC) != 0);
                call.have_open = false;
                policy_decide(p, &call, &d);
                if (d.rule && d.rule->open_access)
                        FUZZ_CHECK(d.verdict != VERDICT_ALLOW && d.verdict != VERDICT_LOG);
                (void)policy_needs(p, call.nr);
                uint32_t ret_data;
                (void)policy_kernel_decide(p, call.nr, call.args, &ret_data);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const struct policy_env env = {
            .caps_bounding = UINT64_MAX,
            .kernel_major = 6,
            .kernel_minor = 1,
            .go_arch = "amd64",
            /* With wildcard characters, which the expansion must escape. */
            .home = "/home/f*z[1]",
            .cwd = "/",
        };
        struct policy *p = NULL;
        struct policy_error err;
        scmp_filter_ctx ctx = NULL;

        /* A private copy of exactly size bytes: the fuzzer's own buffer may
         * have slack after it that would hide an over-read. */
        char *text = malloc(size ? size : 1);
        if (!text)
                return 0;
        memcpy(text, data, size);

        int r = policy_load_buffer(text, size, "fuzz.json", &env, &p, &err);
        if (r < 0) {
                FUZZ_CHECK(p == NULL);
                FUZZ_CHECK(err.message[0] != '\0');
                FUZZ_CHECK(memchr(err.message, '\0', sizeof(err.message)) != NULL);
                free(text);
                return 0;
        }
        FUZZ_CHECK(p != NULL);
        decide_some_calls(p);

        struct policy_compile_opts opts = {.notify_execve = true, .binary_tree = -1};
        r = policy_compile(p, &opts, &ctx, &err);
        if (r == 0) {
                struct policy_bpf bpf = {0};
                if (policy_export_bpf(ctx, &bpf, &err) == 0)
                        FUZZ_CHECK(bpf.len > 0);
                policy_bpf_free(&bpf);
                seccomp_release(ctx);
        } else {
                FUZZ_CHECK(err.message[0] != '\0');
        }
        policy_free(p);
        free(text);
        return 0;
}
