/* SPDX-License-Identifier: MIT */
/* The profile a trace writes: complete without a base, the base's own
 * document plus entries with one, argument-level entries with --args. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "trace/trace_profile.h"
#include "trace/trace_runtime.h"

#define MAX_NR 1023

static const struct policy_env test_env = {
    .caps_bounding = ~0ull, .kernel_major = 6, .kernel_minor = 1, .go_arch = "amd64"};

static struct policy *load_profile(const char *text)
{
        struct policy_error err;
        struct policy *p = NULL;
        if (policy_load_buffer(text, strlen(text), "profile.json", &test_env, &p, &err) < 0)
                fail_msg("profile did not load: %s\n%s", err.message, text);
        return p;
}

static void record(struct trace_recorder *rec, int nr, uint64_t arg0, uint64_t arg1)
{
        struct policy_call call;
        memset(&call, 0, sizeof(call));
        call.nr = nr;
        call.args[0] = arg0;
        call.args[1] = arg1;
        assert_int_equal(trace_record(rec, &call, NULL), 0);
}

static char *build_in_form(const struct trace_recorder *rec, const char *base, bool args,
                           bool implicit, enum trace_arch_form form)
{
        struct trace_profile_opts opts = {
            .args = args, .implicit = implicit, .command = "cmd x", .arch_form = form};
        struct policy_error err;
        char *text = NULL;
        int r = trace_profile_build(rec, base, base ? strlen(base) : 0, &opts, &text, &err);
        if (r < 0)
                fail_msg("build failed: %s", err.message);
        return text;
}

static char *build(const struct trace_recorder *rec, const char *base, bool args, bool implicit)
{
        return build_in_form(rec, base, args, implicit, TRACE_ARCH_FORM_ARCHITECTURES);
}

/* The names of syscalls[i] as one space-separated string. */
static void entry_names(const cJSON *root, int i, char *buf, size_t size)
{
        const cJSON *entry = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "syscalls"), i);
        const cJSON *name;
        buf[0] = '\0';
        assert_non_null(entry);
        cJSON_ArrayForEach(name, cJSON_GetObjectItem(entry, "names"))
        {
                if (buf[0])
                        strncat(buf, " ", size - strlen(buf) - 1);
                strncat(buf, name->valuestring, size - strlen(buf) - 1);
        }
}

/* The args of the entry at i as "index op value valueTwo". */
static void entry_condition(const cJSON *root, int i, char *buf, size_t size)
{
        const cJSON *entry = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "syscalls"), i);
        const cJSON *args = cJSON_GetObjectItem(entry, "args");
        assert_int_equal(cJSON_GetArraySize(args), 1);
        const cJSON *c = cJSON_GetArrayItem(args, 0);
        snprintf(buf, size, "%d %s %#llx %#llx", cJSON_GetObjectItem(c, "index")->valueint,
                 cJSON_GetObjectItem(c, "op")->valuestring,
                 (unsigned long long)cJSON_GetObjectItem(c, "value")->valuedouble,
                 (unsigned long long)cJSON_GetObjectItem(c, "valueTwo")->valuedouble);
}

/* The names, or the first condition, of entry i are expected. */
static void assert_entry_names(const cJSON *root, int i, const char *expected)
{
        char names[512];
        entry_names(root, i, names, sizeof(names));
        if (strcmp(names, expected) != 0)
                fail_msg("entry %d: names \"%s\", expected \"%s\"", i, names, expected);
}

static void assert_entry_condition(const cJSON *root, int i, const char *expected)
{
        char cond[256];
        entry_condition(root, i, cond, sizeof(cond));
        if (strcmp(cond, expected) != 0)
                fail_msg("entry %d: condition \"%s\", expected \"%s\"", i, cond, expected);
}

static void test_complete_profile_refuses_everything_else_with_enosys(void **state)
{
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        record(&rec, __NR_write, 0, 0);
        record(&rec, __NR_execve, 0, 0);
        record(&rec, __NR_brk, 0, 0);
        char *text = build(&rec, NULL, false, false);

        cJSON *root = cJSON_Parse(text);
        assert_non_null(root);
        assert_string_equal(cJSON_GetObjectItem(root, "defaultAction")->valuestring,
                            "SCMP_ACT_ERRNO");
        assert_int_equal(cJSON_GetObjectItem(root, "defaultErrnoRet")->valueint, ENOSYS);
        /* The runtime-spec's form by default, which containerd reads too. */
        assert_null(cJSON_GetObjectItem(root, "archMap"));
        char *arches = cJSON_PrintUnformatted(cJSON_GetObjectItem(root, "architectures"));
        assert_string_equal(arches, "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]");
        free(arches);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "syscalls")), 1);
        assert_entry_names(root, 0, "brk execve write");
        cJSON *entry = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "syscalls"), 0);
        assert_string_equal(cJSON_GetObjectItem(entry, "action")->valuestring, "SCMP_ACT_ALLOW");
        assert_string_equal(cJSON_GetObjectItem(entry, "comment")->valuestring,
                            "added by scmp-super trace for: cmd x");
        assert_non_null(strstr(text, "\n\t\"syscalls\": [\n\t\t{\n\t\t\t\"names\": [\n"));

        struct policy *p = load_profile(text);
        uint32_t data;
        uint64_t args[6] = {0};
        assert_int_equal(policy_kernel_decide(p, __NR_write, args, &data), KACT_ALLOW);
        assert_int_equal(policy_kernel_decide(p, __NR_openat, args, &data), KACT_ERRNO);
        assert_int_equal(data, ENOSYS);
        policy_free(p);
        cJSON_Delete(root);
        free(text);
        trace_recorder_free(&rec);
}

/* --arch-form archMap: Docker's and Podman's form, the same architectures
 * (x86-64 with x86 and x32 as its sub-architectures), and it loads. */
static void test_arch_map_form_names_the_same_architectures(void **state)
{
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        record(&rec, __NR_write, 0, 0);
        char *text = build_in_form(&rec, NULL, false, false, TRACE_ARCH_FORM_ARCH_MAP);
        cJSON *root = cJSON_Parse(text);
        assert_non_null(root);
        assert_null(cJSON_GetObjectItem(root, "architectures"));
        char *map = cJSON_PrintUnformatted(cJSON_GetObjectItem(root, "archMap"));
        assert_string_equal(map, "[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":["
                                 "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]}]");
        free(map);
        policy_free(load_profile(text));
        cJSON_Delete(root);
        free(text);
        trace_recorder_free(&rec);
        (void)state;
}

static void test_output_is_deterministic(void **state)
{
        struct trace_recorder a, b;
        assert_int_equal(trace_recorder_init(&a, NULL, MAX_NR, false), 0);
        assert_int_equal(trace_recorder_init(&b, NULL, MAX_NR, false), 0);
        int order[] = {__NR_read, __NR_socket, __NR_close, __NR_mmap};
        for (int i = 0; i < 4; i++) {
                record(&a, order[i], AF_UNIX, 0);
                record(&b, order[3 - i], AF_UNIX, 0);
                record(&b, order[3 - i], AF_UNIX, 0);
        }
        char *ta = build(&a, NULL, true, true), *tb = build(&b, NULL, true, true);
        assert_string_equal(ta, tb);
        free(ta);
        free(tb);
        trace_recorder_free(&a);
        trace_recorder_free(&b);
}

static const char *entry_comment(const cJSON *root, int i)
{
        const cJSON *entry = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "syscalls"), i);
        return cJSON_GetObjectItem(entry, "comment")->valuestring;
}

static void test_implicit_syscalls_get_their_own_entry(void **state)
{
        static const char base_text[] =
            "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
            "{\"names\": [\"futex\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
            "{\"names\": [\"rt_sigsuspend\"], \"action\": \"SCMP_ACT_ERRNO\"},"
            "{\"names\": [\"exit\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, "
            "\"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}";
        struct trace_recorder rec;
        struct policy *base = load_profile(base_text);
        assert_int_equal(trace_recorder_init(&rec, base, MAX_NR, false), 0);
        record(&rec, __NR_rt_sigreturn, 0, 0);
        char *text = build(&rec, base_text, false, true);
        cJSON *root = cJSON_Parse(text);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "syscalls")), 8);
        assert_entry_names(root, 3, "rt_sigreturn");
        /* futex, rt_sigsuspend (refused) and exit (on a condition) are the
         * base's decisions and stay so; rt_sigreturn was seen. The rest
         * lands, one entry per reason, each saying why. */
        assert_entry_names(root, 4, "clock_getres clock_gettime getcpu gettimeofday time");
        assert_non_null(strstr(entry_comment(root, 4), "vDSO"));
        assert_entry_names(root, 5, "pause restart_syscall rt_sigprocmask rt_sigtimedwait");
        assert_non_null(strstr(entry_comment(root, 5), "timing"));
        assert_entry_names(root, 6,
                           "clock_nanosleep futex_wait futex_waitv futex_wake nanosleep "
                           "sched_yield");
        assert_non_null(strstr(entry_comment(root, 6), "timing"));
        assert_entry_names(root, 7, "exit_group");
        assert_non_null(strstr(entry_comment(root, 7), "timing"));
        for (int i = 4; i < 8; i++)
                assert_non_null(strstr(entry_comment(root, i), "not seen"));
        /* The base's refusal still decides, and the profile loads (no
         * overlap the loader refuses). */
        struct policy *p = load_profile(text);
        uint32_t data;
        uint64_t args[6] = {0};
        assert_int_equal(policy_kernel_decide(p, __NR_rt_sigsuspend, args, &data), KACT_ERRNO);
        assert_int_equal(policy_kernel_decide(p, __NR_exit_group, args, &data), KACT_ALLOW);
        args[0] = 1;
        assert_int_equal(policy_kernel_decide(p, __NR_exit, args, &data), KACT_ERRNO);
        policy_free(p);
        cJSON_Delete(root);
        free(text);

        text = build(&rec, "{\"defaultAction\": \"SCMP_ACT_ERRNO\"}", false, false);
        root = cJSON_Parse(text);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "syscalls")), 1);
        cJSON_Delete(root);
        free(text);
        trace_recorder_free(&rec);
        policy_free(base);
}

/* build() with opts.runtimes: */
static char *build_for_runtimes(const struct trace_recorder *rec, const char *base, bool args,
                                unsigned runtimes)
{
        struct trace_profile_opts opts = {
            .args = args, .implicit = true, .command = "cmd x", .runtimes = runtimes};
        struct policy_error err;
        char *text = NULL;
        if (trace_profile_build(rec, base, base ? strlen(base) : 0, &opts, &text, &err) < 0)
                fail_msg("build failed: %s", err.message);
        return text;
}

/* The names of the entries whose comment starts with prefix, one each,
 * space-separated in order; fails on an entry with more than one name. */
static void runtime_names(const cJSON *root, const char *prefix, char *buf, size_t size)
{
        const cJSON *entry;
        buf[0] = '\0';
        cJSON_ArrayForEach(entry, cJSON_GetObjectItem(root, "syscalls"))
        {
                const cJSON *comment = cJSON_GetObjectItem(entry, "comment");
                const cJSON *names = cJSON_GetObjectItem(entry, "names");
                if (!cJSON_IsString(comment) ||
                    strncmp(comment->valuestring, prefix, strlen(prefix)) != 0)
                        continue;
                assert_int_equal(cJSON_GetArraySize(names), 1);
                if (buf[0])
                        strncat(buf, " ", size - strlen(buf) - 1);
                strncat(buf, cJSON_GetArrayItem(names, 0)->valuestring, size - strlen(buf) - 1);
        }
}

/* --runtime: one commented entry per call of the runtime's, except what
 * the base names, what the run recorded and what the implicit entries
 * already allow; a second runtime adds only what the first did not. */
static void test_runtime_calls_get_an_entry_each(void **state)
{
        static const char base_text[] = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                                        "{\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\"}]}";
        struct trace_recorder rec;
        struct policy *base = load_profile(base_text);
        char names[2048];
        assert_int_equal(trace_recorder_init(&rec, base, MAX_NR, false), 0);
        record(&rec, __NR_execve, 0, 0);
        record(&rec, __NR_close, 0, 0);

        char *text = build_for_runtimes(&rec, base_text, false, 1u << TRACE_RUNTIME_CRUN);
        cJSON *root = cJSON_Parse(text);
        assert_non_null(root);
        runtime_names(root, "crun 1.8.1 after loading the filter: ", names, sizeof(names));
        /* Not close or execve (recorded), kill (the base refuses it),
         * rt_sigprocmask (an implicit entry has it). */
        assert_string_equal(names, "munmap wait4 prctl setresgid setresuid capset rt_sigaction");
        runtime_names(root, "runc", names, sizeof(names));
        assert_string_equal(names, "");
        struct policy *p = load_profile(text);
        uint32_t data;
        uint64_t args[6] = {0};
        assert_int_equal(policy_kernel_decide(p, __NR_kill, args, &data), KACT_ERRNO);
        assert_int_equal(policy_kernel_decide(p, __NR_wait4, args, &data), KACT_ALLOW);
        assert_int_equal(policy_kernel_decide(p, __NR_setresuid, args, &data), KACT_ALLOW);
        policy_free(p);
        cJSON_Delete(root);
        free(text);

        /* Both: runc's entries first; crun adds only wait4, setresgid,
         * setresuid and rt_sigaction. The profile loads (no name twice). */
        text = build_for_runtimes(&rec, base_text, false,
                                  1u << TRACE_RUNTIME_RUNC | 1u << TRACE_RUNTIME_CRUN);
        root = cJSON_Parse(text);
        runtime_names(root, "crun", names, sizeof(names));
        assert_string_equal(names, "wait4 setresgid setresuid rt_sigaction");
        runtime_names(root, "runc 1.1.5 after loading the filter: ", names, sizeof(names));
        assert_non_null(strstr(names, "openat getpid fstatfs getdents64"));
        assert_null(strstr(names, "close"));
        p = load_profile(text);
        policy_free(p);
        cJSON_Delete(root);
        free(text);
        trace_recorder_free(&rec);
        policy_free(base);
}

/* With --args, a call recorded only with argument-level entries gets the
 * runtime's whole allow: the runtime's own values were never recorded. */
static void test_runtime_call_recorded_with_args_is_allowed_whole(void **state)
{
        struct trace_recorder rec;
        char names[2048];
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        record(&rec, __NR_execve, 0, 0);
        record(&rec, __NR_prctl, PR_SET_NAME, 0);
        char *text = build_for_runtimes(&rec, NULL, true, 1u << TRACE_RUNTIME_CRUN);
        cJSON *root = cJSON_Parse(text);
        runtime_names(root, "crun", names, sizeof(names));
        assert_non_null(strstr(names, "prctl"));
        struct policy *p = load_profile(text);
        uint32_t data;
        uint64_t args[6] = {PR_SET_KEEPCAPS};
        assert_int_equal(policy_kernel_decide(p, __NR_prctl, args, &data), KACT_ALLOW);
        policy_free(p);
        cJSON_Delete(root);
        free(text);
        trace_recorder_free(&rec);
}

/* Without a base every timing call lands; the shell's wait in
 * rt_sigsuspend among them, which a run where the child ended first does
 * not make. */
static void test_timing_calls_land_without_a_base(void **state)
{
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        record(&rec, __NR_wait4, 0, 0);
        char *text = build(&rec, NULL, false, true);
        struct policy *p = load_profile(text);
        uint32_t data;
        uint64_t args[6] = {0};
        int calls[] = {__NR_rt_sigsuspend,   __NR_rt_sigprocmask,  __NR_rt_sigreturn,
                       __NR_restart_syscall, __NR_pause,           __NR_futex,
                       __NR_nanosleep,       __NR_clock_nanosleep, __NR_exit,
                       __NR_exit_group,      __NR_sched_yield};
        for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
                if (policy_kernel_decide(p, calls[i], args, &data) != KACT_ALLOW)
                        fail_msg("syscall %d not allowed", calls[i]);
        /* Not timing: a program that waits for children does so every run. */
        assert_int_equal(policy_kernel_decide(p, __NR_waitid, args, &data), KACT_ERRNO);
        policy_free(p);
        free(text);
        trace_recorder_free(&rec);
}

/* A base written the way people write them: spaces, fields we do not
 * know, comments, entries in their own order. */
static const char styled_base[] =
    "{\n"
    "  \"comment\": \"the team's profile\",\n"
    "  \"x-owner\": {\"team\": \"infra\", \"tags\": [1, 2]},\n"
    "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
    "  \"syscalls\": [\n"
    "    { \"names\": [\"write\", \"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"io\" "
    "},\n"
    "    {\n"
    "      \"names\": [\"personality\"],\n"
    "      \"action\": \"SCMP_ACT_ALLOW\",\n"
    "      \"args\": [{\"index\": 0, \"value\": 18446744073709551615, \"op\": \"SCMP_CMP_EQ\"}]\n"
    "    }\n"
    "  ]\n"
    "}\n";

static void test_base_document_is_kept_byte_for_byte(void **state)
{
        struct trace_recorder rec;
        struct policy *base = load_profile(styled_base);
        assert_int_equal(trace_recorder_init(&rec, base, MAX_NR, false), 0);
        record(&rec, __NR_read, 0, 0);
        record(&rec, __NR_openat, 0, 0);
        record(&rec, __NR_close, 0, 0);
        char *text = build(&rec, styled_base, false, false);

        /* Everything up to the end of the last entry is the base's text. */
        const char *last_entry_end = strstr(styled_base, "    }\n  ]");
        size_t kept = (size_t)(last_entry_end - styled_base) + strlen("    }");
        assert_memory_equal(text, styled_base, kept);
        assert_string_equal(text + kept,
                            ",\n"
                            "    {\n"
                            "      \"names\": [\n"
                            "        \"close\",\n"
                            "        \"openat\"\n"
                            "      ],\n"
                            "      \"action\": \"SCMP_ACT_ALLOW\",\n"
                            "      \"comment\": \"added by scmp-super trace for: cmd x\"\n"
                            "    }\n"
                            "  ]\n"
                            "}\n");
        policy_free(load_profile(text));
        free(text);
        trace_recorder_free(&rec);
        policy_free(base);
}

static void test_nothing_new_gives_the_base_unchanged(void **state)
{
        struct trace_recorder rec;
        struct policy *base = load_profile(styled_base);
        assert_int_equal(trace_recorder_init(&rec, base, MAX_NR, false), 0);
        record(&rec, __NR_read, 0, 0);
        char *text = build(&rec, styled_base, false, false);
        assert_string_equal(text, styled_base);
        free(text);
        trace_recorder_free(&rec);
        policy_free(base);
}

static void test_base_with_empty_or_missing_syscalls(void **state)
{
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        record(&rec, __NR_getpid, 0, 0);

        static const char empty[] = "{\n\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
                                    "\t\"syscalls\": []\n}\n";
        char *text = build(&rec, empty, false, false);
        assert_string_equal(text, "{\n\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
                                  "\t\"syscalls\": [\n"
                                  "\t\t{\n"
                                  "\t\t\t\"names\": [\n"
                                  "\t\t\t\t\"getpid\"\n"
                                  "\t\t\t],\n"
                                  "\t\t\t\"action\": \"SCMP_ACT_ALLOW\",\n"
                                  "\t\t\t\"comment\": \"added by scmp-super trace for: cmd x\"\n"
                                  "\t\t}\n"
                                  "\t]\n}\n");
        free(text);

        /* No syscalls array, or one on a single line: printed again, every
         * value kept, a 64-bit mask exactly. */
        static const char *const reprinted[] = {
            "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"x\": 18446744073709551615}",
            "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"x\": 18446744073709551615, \"syscalls\": "
            "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
        };
        for (size_t i = 0; i < 2; i++) {
                text = build(&rec, reprinted[i], false, false);
                assert_non_null(strstr(text, "\"x\": 18446744073709551615"));
                cJSON *root = cJSON_Parse(text);
                assert_non_null(root);
                int n = cJSON_GetArraySize(cJSON_GetObjectItem(root, "syscalls"));
                assert_entry_names(root, n - 1, "getpid");
                cJSON_Delete(root);
                free(text);
        }
        trace_recorder_free(&rec);
}

static void test_oci_config_keeps_its_shape(void **state)
{
        static const char config[] =
            "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\"args\": [\"sh\"]},\n"
            "  \"linux\": {\n    \"seccomp\": {\n      \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
            "      \"syscalls\": [\n        {\"names\": [\"read\"], \"action\": "
            "\"SCMP_ACT_ALLOW\"}\n      ]\n    }\n  }\n}\n";
        struct trace_recorder rec;
        struct policy *base = load_profile(config);
        assert_int_equal(trace_recorder_init(&rec, base, MAX_NR, false), 0);
        record(&rec, __NR_write, 0, 0);
        char *text = build(&rec, config, false, false);
        cJSON *root = cJSON_Parse(text);
        assert_non_null(root);
        assert_string_equal(cJSON_GetObjectItem(root, "ociVersion")->valuestring, "1.0.2");
        cJSON *seccomp = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "linux"), "seccomp");
        assert_entry_names(seccomp, 1, "write");
        assert_non_null(strstr(text, "\n        {\n          \"names\": [\n"));
        policy_free(load_profile(text));
        cJSON_Delete(root);
        free(text);
        trace_recorder_free(&rec);
        policy_free(base);
}

static void test_args_make_argument_level_entries(void **state)
{
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        record(&rec, __NR_socket, AF_INET, SOCK_STREAM);
        record(&rec, __NR_socket, AF_UNIX, SOCK_DGRAM);
        record(&rec, __NR_socket, AF_INET, SOCK_DGRAM);
        record(&rec, __NR_ioctl, 1, 0xffffffff80045430ull);
        record(&rec, __NR_clone, 0x01200011, 0);        /* fork: CHILD_SETTID|CLEARTID|SIGCHLD */
        record(&rec, __NR_clone, 0x00004111, 0);        /* vfork-like: VM|VFORK|SIGCHLD */
        record(&rec, __NR_clone, 0x10000000 | 0x11, 0); /* CLONE_NEWUSER */
        record(&rec, __NR_prctl, PR_SET_NAME, 0);
        record(&rec, __NR_personality, 0xffffffff, 0);
        record(&rec, __NR_read, 0, 0);
        char *text = build(&rec, NULL, true, false);
        cJSON *root = cJSON_Parse(text);
        assert_non_null(root);

        assert_entry_names(root, 0, "read");
        /* Sorted by syscall name, then by value. */
        assert_entry_names(root, 1, "clone");
        assert_entry_condition(root, 1, "0 SCMP_CMP_MASKED_EQ 0x7e020000 0");
        assert_entry_names(root, 2, "clone");
        assert_entry_condition(root, 2, "0 SCMP_CMP_MASKED_EQ 0x7e020000 0x10000000");
        assert_entry_names(root, 3, "ioctl");
        assert_entry_condition(root, 3, "1 SCMP_CMP_MASKED_EQ 0xffffffff 0x80045430");
        assert_entry_condition(root, 4, "0 SCMP_CMP_EQ 0xffffffff 0");
        assert_entry_condition(root, 5, "0 SCMP_CMP_EQ 0xf 0");
        assert_entry_condition(root, 6, "0 SCMP_CMP_EQ 0x1 0");
        assert_entry_condition(root, 7, "0 SCMP_CMP_EQ 0x2 0");
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "syscalls")), 8);
        cJSON *entry = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "syscalls"), 6);
        assert_string_equal(cJSON_GetObjectItem(entry, "comment")->valuestring,
                            "added by scmp-super trace: socket family AF_UNIX");

        /* The profile means what it says: the values seen pass, others do not. */
        struct policy *p = load_profile(text);
        uint32_t data;
        uint64_t args[6] = {AF_INET, 0};
        assert_int_equal(policy_kernel_decide(p, __NR_socket, args, &data), KACT_ALLOW);
        args[0] = AF_NETLINK;
        assert_int_equal(policy_kernel_decide(p, __NR_socket, args, &data), KACT_ERRNO);
        args[0] = 0x01200011;
        assert_int_equal(policy_kernel_decide(p, __NR_clone, args, &data), KACT_ALLOW);
        args[0] = 0x20000000 | 0x11; /* CLONE_NEWNS was never seen */
        assert_int_equal(policy_kernel_decide(p, __NR_clone, args, &data), KACT_ERRNO);
        args[1] = 0x80045430; /* not sign-extended this time */
        assert_int_equal(policy_kernel_decide(p, __NR_ioctl, args, &data), KACT_ALLOW);
        args[1] = 0x5401;
        assert_int_equal(policy_kernel_decide(p, __NR_ioctl, args, &data), KACT_ERRNO);
        policy_free(p);
        cJSON_Delete(root);
        free(text);
        trace_recorder_free(&rec);
}

static void test_truncated_values_fall_back_to_allowing_the_syscall(void **state)
{
        struct trace_recorder rec;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        for (uint64_t v = 0; v <= TRACE_MAX_VALUES; v++)
                record(&rec, __NR_ioctl, 1, 0x5400 + v);
        record(&rec, __NR_socket, AF_UNIX, SOCK_STREAM);
        char *text = build(&rec, NULL, true, false);
        cJSON *root = cJSON_Parse(text);
        assert_entry_names(root, 0, "ioctl");
        assert_null(cJSON_GetObjectItem(
            cJSON_GetArrayItem(cJSON_GetObjectItem(root, "syscalls"), 0), "args"));
        assert_entry_names(root, 1, "socket");
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "syscalls")), 2);
        cJSON_Delete(root);
        free(text);
        trace_recorder_free(&rec);
}

static void test_append_reports_documents_that_are_not_profiles(void **state)
{
        struct policy_error err;
        char *text = (char *)1;
        cJSON *entries = cJSON_CreateArray();
        assert_int_equal(trace_profile_append("[1, 2]", 6, entries, &text, &err), -EINVAL);
        assert_int_equal(trace_profile_append("{\"syscalls\": 3}", 15, entries, &text, &err),
                         -EINVAL);
        assert_non_null(strstr(err.message, "not an array"));
        assert_int_equal(trace_profile_append("{nope", 5, entries, &text, &err), -EINVAL);
        assert_ptr_equal(text, (char *)1);
        cJSON_Delete(entries);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_complete_profile_refuses_everything_else_with_enosys),
            cmocka_unit_test(test_arch_map_form_names_the_same_architectures),
            cmocka_unit_test(test_output_is_deterministic),
            cmocka_unit_test(test_implicit_syscalls_get_their_own_entry),
            cmocka_unit_test(test_runtime_calls_get_an_entry_each),
            cmocka_unit_test(test_runtime_call_recorded_with_args_is_allowed_whole),
            cmocka_unit_test(test_timing_calls_land_without_a_base),
            cmocka_unit_test(test_base_document_is_kept_byte_for_byte),
            cmocka_unit_test(test_nothing_new_gives_the_base_unchanged),
            cmocka_unit_test(test_base_with_empty_or_missing_syscalls),
            cmocka_unit_test(test_oci_config_keeps_its_shape),
            cmocka_unit_test(test_args_make_argument_level_entries),
            cmocka_unit_test(test_truncated_values_fall_back_to_allowing_the_syscall),
            cmocka_unit_test(test_append_reports_documents_that_are_not_profiles),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
