/* SPDX-License-Identifier: MIT */
/*
 * The control protocol as a hostile client speaks it: the input is sent,
 * as it is, over a real unix socket to a real control server (supervisor/
 * control.c) whose prompt broker has up to three prompts waiting, with the
 * supervisor side faked (as tests/unit/test_control.c does). The input's
 * first byte says how many prompts wait and whether "forever" answers may
 * be saved into a profile file; the rest is what the client writes, in one
 * piece, then it closes its end. Besides "no crash", it checks that the
 * server answers with whole JSON objects, one per line, each with a "type",
 * and that it closes the connection once the client has: within a bounded
 * number of loop rounds, so a hang is found too.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "prompt/control.h"
#include "base/env.h"
#include "input.h"
#include "prompt/prompt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loop rounds without progress before the server counts as hung. */
#define MAX_IDLE_ROUNDS 1000
/* What the server may send back to one input: it is bounded by
 * CONTROL_OUTPUT_MAX, and an input cannot ask for more than that. */
#define MAX_REPLY (CONTROL_OUTPUT_MAX + 65536)

static const char profile_text[] =
    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"openat\"],"
    "\"action\":\"SCMP_ACT_NOTIFY\"}],\"supervisor\":{\"defaultAction\":\"allow\","
    "\"rules\":[{\"path\":\"/ask/**\",\"action\":\"prompt\",\"errno\":\"EACCES\"}]}}";

static struct policy *policy;
static char work_dir[64], sock_path[96], profile_path[96];

/* As supervisor_complete() and supervisor_discard() do: the broker read
 * the caller's details into the call. */
static void free_call(struct pending_call *pc)
{
        target_details_clear(&pc->details);
        free(pc);
}

static int fake_complete(struct pending_call *pc, enum policy_verdict verdict, int error)
{
        FUZZ_CHECK(verdict != VERDICT_PROMPT);
        free_call(pc);
        return 0;
}

static void fake_discard(struct pending_call *pc)
{
        free_call(pc);
}

static int fake_id_valid(struct pending_call *pc)
{
        return 0;
}

static int fake_decode(struct pending_call *pc, struct policy_call *call, unsigned needs,
                       struct target_scratch *scratch)
{
        return -EIO;
}

static const struct prompt_backend fake_backend = {
    .complete = fake_complete,
    .discard = fake_discard,
    .id_valid = fake_id_valid,
    .decode = fake_decode,
};

static void remove_work_dir(void)
{
        unlink(sock_path);
        unlink(profile_path);
        rmdir(work_dir);
}

static void setup_once(void)
{
        struct policy_env env;
        struct policy_error err;

        env_detect(&env);
        if (policy_load_buffer(profile_text, strlen(profile_text), "fuzz", &env, &policy, &err) < 0)
                abort();
        snprintf(work_dir, sizeof(work_dir), "/tmp/fuzz_control.XXXXXX");
        if (!mkdtemp(work_dir))
                abort();
        snprintf(sock_path, sizeof(sock_path), "%s/ctl.sock", work_dir);
        snprintf(profile_path, sizeof(profile_path), "%s/profile.json", work_dir);
        atexit(remove_work_dir);
}

/* openat("/ask/N") waiting in the kernel, as the supervisor hands it over. */
static struct pending_call *waiting_open(struct target *t, unsigned n)
{
        static char paths[4][16];
        struct pending_call *pc = calloc(1, sizeof(*pc));

        if (!pc)
                abort();
        snprintf(paths[n], sizeof(paths[n]), "/ask/%u", n);
        pc->target = t;
        pc->id = n + 1;
        pc->call.nr = __NR_openat;
        pc->call.arch = 0xc000003e; /* AUDIT_ARCH_X86_64 */
        pc->call.pid = getpid();
        pc->call.args[1] = 0x1000 + n;
        pc->call.have_paths = true;
        pc->call.n_paths = 1;
        pc->call.paths[0] = paths[n];
        pc->call.have_exe = true;
        pc->call.exe = "/usr/bin/fuzz-target";
        policy_decide(policy, &pc->call, &pc->decision);
        return pc;
}

static void write_profile(void)
{
        int fd = open(profile_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || write(fd, profile_text, strlen(profile_text)) < 0)
                abort();
        close(fd);
}

/* Every line the server sent is a JSON object with a string "type". */
static void check_replies(char *buf, size_t len)
{
        size_t start = 0;

        for (size_t i = 0; i < len; i++) {
                if (buf[i] != '\n')
                        continue;
                cJSON *msg = cJSON_ParseWithLength(buf + start, i - start);
                FUZZ_CHECK(cJSON_IsObject(msg));
                FUZZ_CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(msg, "type")));
                cJSON_Delete(msg);
                start = i + 1;
        }
        /* Nothing but whole lines. */
        FUZZ_CHECK(start == len);
}

static void on_keepalive(uv_timer_t *timer)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct fuzz_input in = {data, size};
        struct supervisor_options opts = {0};
        struct supervisor sup;
        struct target target = {0};
        struct prompt_broker *broker;
        struct control_server *server;
        uv_timer_t keepalive;
        char err[512];

        if (!policy)
                setup_once();
        uint8_t mode = fuzz_u8(&in);
        bool save = mode & 0x80;

        if (supervisor_init(&sup, policy, &opts) < 0)
                abort();
        target.sup = &sup;
        target.listener = -1;
        target.policy = policy;
        if (save)
                write_profile();
        struct prompt_broker_options bopts = {
            .timeout_ms = 60000,
            .profile_path = save ? profile_path : NULL,
            .backend = &fake_backend,
        };
        if (prompt_broker_new(&sup, &bopts, &broker) < 0)
                abort();
        if (control_server_start(broker, &sup.loop, sock_path, &server, err, sizeof(err)) < 0) {
                fprintf(stderr, "control_server_start: %s\n", err);
                abort();
        }
        uv_timer_init(&sup.loop, &keepalive);
        uv_timer_start(&keepalive, on_keepalive, UINT64_C(3600) * 1000, 0);
        for (unsigned n = 0; n < (mode & 3u); n++)
                FUZZ_CHECK(sup.decider.prompt(sup.decider.ctx, waiting_open(&target, n)) == 0);

        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
        FUZZ_CHECK(fd >= 0);
        FUZZ_CHECK(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);

        char *reply = malloc(MAX_REPLY);
        size_t reply_len = 0, sent = 0;
        bool closed = false, shut = false;
        FUZZ_CHECK(reply != NULL);
        for (int idle = 0; !closed && idle < MAX_IDLE_ROUNDS; idle++) {
                if (sent < in.left) {
                        ssize_t n = send(fd, in.data + sent, in.left - sent, MSG_NOSIGNAL);
                        if (n > 0) {
                                sent += (size_t)n;
                                idle = 0;
                        } else if (n < 0 && errno != EAGAIN) {
                                sent = in.left; /* the server hung up on us */
                        }
                }
                if (sent == in.left && !shut) {
                        shutdown(fd, SHUT_WR);
                        shut = true;
                }
                uv_run(&sup.loop, UV_RUN_NOWAIT);
                for (;;) {
                        ssize_t n = recv(fd, reply + reply_len, MAX_REPLY - reply_len, 0);
                        if (n > 0) {
                                reply_len += (size_t)n;
                                FUZZ_CHECK(reply_len < MAX_REPLY);
                                idle = 0;
                                continue;
                        }
                        if (n == 0 || (n < 0 && errno != EAGAIN))
                                closed = true;
                        break;
                }
        }
        /* The server closes a client that closed, or that sent too much. */
        FUZZ_CHECK(closed);
        close(fd);
        /* A connection the server drops while output is still queued can
         * end mid-line; every whole line must be a message. */
        size_t whole = reply_len;
        while (whole > 0 && reply[whole - 1] != '\n')
                whole--;
        check_replies(reply, whole);
        free(reply);

        control_server_stop(server);
        prompt_broker_close(broker);
        uv_close((uv_handle_t *)&keepalive, NULL);
        supervisor_close(&sup);
        return 0;
}
