/* SPDX-License-Identifier: MIT */
/* The control socket, driven by real clients (client/scmp_client.h) over a
 * real socket, with the prompt broker on a fake supervisor backend. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "prompt/control.h"
#include "base/env.h"
#include "prompt/prompt.h"
#include "scmp_client.h"

/* Rounds of the loop a test waits for something before failing. */
#define PUMP_ROUNDS 2000

struct fixture {
        struct supervisor sup;
        struct policy *policy;
        struct target target;
        struct prompt_broker *broker;
        struct control_server *server;
        uv_timer_t keepalive;
        char dir[64], path[128];
        enum policy_verdict verdicts[16];
        size_t n_answers;
        uint64_t next_notif_id;
};

static struct fixture *current;

/* As supervisor_complete() and supervisor_discard() do: the broker read
 * the caller's details into the call. */
static void free_call(struct pending_call *pc)
{
        target_details_clear(&pc->details);
        free(pc);
}

static int fake_complete(struct pending_call *pc, enum policy_verdict verdict, int error)
{
        current->verdicts[current->n_answers++] = verdict;
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

static void on_keepalive(uv_timer_t *t)
{
}

static int setup(void **state)
{
        static const char profile[] =
            "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"supervisor\":{\"defaultAction\":\"prompt\"}}";
        struct fixture *f = calloc(1, sizeof(*f));
        struct policy_env env;
        struct policy_error perr;
        struct supervisor_options opts = {0};
        char err[256];

        env_detect(&env);
        assert_int_equal(policy_load_buffer(profile, strlen(profile), "t", &env, &f->policy, &perr),
                         0);
        assert_int_equal(supervisor_init(&f->sup, f->policy, &opts), 0);
        f->target.sup = &f->sup;
        f->target.listener = -1;
        struct prompt_broker_options bopts = {.timeout_ms = 60000, .backend = &fake_backend};
        assert_int_equal(prompt_broker_new(&f->sup, &bopts, &f->broker), 0);
        snprintf(f->dir, sizeof(f->dir), "/tmp/test_control.XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        snprintf(f->path, sizeof(f->path), "%s/ctl.sock", f->dir);
        if (control_server_start(f->broker, &f->sup.loop, f->path, &f->server, err, sizeof(err)) <
            0)
                fail_msg("%s", err);
        /* The server's handles do not keep the loop alive (the targets do in
         * a real run); this timer stands in for them. */
        uv_timer_init(&f->sup.loop, &f->keepalive);
        uv_timer_start(&f->keepalive, on_keepalive, 3600 * 1000, 0);
        current = f;
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        char cmd[128];
        control_server_stop(f->server);
        prompt_broker_close(f->broker);
        uv_close((uv_handle_t *)&f->keepalive, NULL);
        supervisor_close(&f->sup);
        policy_free(f->policy);
        snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
        assert_int_equal(system(cmd), 0);
        free(f);
        return 0;
}

/* Runs the loop once without blocking, and waits a little for client's
 * socket (or the server's) to have something. */
static void pump(struct fixture *f, struct scmp_client *c)
{
        uv_run(&f->sup.loop, UV_RUN_NOWAIT);
        if (c) {
                struct pollfd pfd = {.fd = scmp_client_fd(c), .events = POLLIN};
                poll(&pfd, 1, 1);
        }
}

static cJSON *next_message(struct fixture *f, struct scmp_client *c)
{
        cJSON *msg = NULL;
        for (int i = 0; i < PUMP_ROUNDS; i++) {
                pump(f, c);
                int r = scmp_client_read(c);
                if (r < 0)
                        fail_msg("the server closed the connection (%d)", r);
                r = scmp_client_next_message(c, &msg);
                assert_true(r >= 0);
                if (r == 1)
                        return msg;
        }
        fail_msg("no message from the server");
        return NULL;
}

static const char *type_of(const cJSON *msg)
{
        return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "type"));
}

static double number_of(const cJSON *msg, const char *key)
{
        return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(msg, key));
}

static void expect(struct fixture *f, struct scmp_client *c, const char *type, cJSON **ret)
{
        cJSON *msg = next_message(f, c);
        if (strcmp(type_of(msg), type) != 0) {
                char *text = cJSON_PrintUnformatted(msg);
                fail_msg("expected a %s message, got %s", type, text);
        }
        if (ret)
                *ret = msg;
        else
                cJSON_Delete(msg);
}

static struct scmp_client *connect_client(struct fixture *f)
{
        struct scmp_client *c = NULL;
        assert_int_equal(scmp_client_connect(f->path, &c), 0);
        expect(f, c, "hello", NULL);
        return c;
}

/* Makes a call wait for a prompt about path. */
static uint64_t ask(struct fixture *f, const char *path)
{
        struct pending_call *pc = calloc(1, sizeof(*pc));
        pc->target = &f->target;
        pc->id = ++f->next_notif_id;
        pc->call.nr = __NR_openat;
        pc->call.pid = getpid();
        pc->call.have_paths = true;
        pc->call.n_paths = 1;
        pc->call.paths[0] = path;
        pc->call.have_addr = true;
        pc->call.have_exe = true;
        pc->call.exe = "/bin/t";
        pc->decision.verdict = VERDICT_PROMPT;
        pc->decision.errno_value = EPERM;
        assert_int_equal(f->sup.decider.prompt(f->sup.decider.ctx, pc), 0);
        struct prompt *p = prompt_broker_first(f->broker);
        while (prompt_next(p))
                p = prompt_next(p);
        return prompt_id(p);
}

static void socket_file_is_private(void **state)
{
        struct fixture *f = *state;
        struct stat st;
        assert_int_equal(lstat(f->path, &st), 0);
        assert_true(S_ISSOCK(st.st_mode));
        assert_int_equal(st.st_mode & 0777, 0600);
}

static void client_gets_hello_then_every_waiting_request(void **state)
{
        struct fixture *f = *state;
        struct scmp_client *c = NULL;
        cJSON *msg;
        uint64_t a = ask(f, "/a"), b = ask(f, "/b");

        assert_int_equal(scmp_client_connect(f->path, &c), 0);
        expect(f, c, "hello", &msg);
        assert_int_equal(number_of(msg, "v"), 1);
        assert_int_equal(number_of(msg, "pending"), 2);
        assert_int_equal(number_of(msg, "pid"), getpid());
        cJSON_Delete(msg);
        expect(f, c, "request", &msg);
        assert_int_equal(number_of(msg, "id"), a);
        assert_int_equal(number_of(msg, "queued"), 1);
        cJSON_Delete(msg);
        expect(f, c, "request", &msg);
        assert_int_equal(number_of(msg, "id"), b);
        assert_int_equal(number_of(msg, "queued"), 0);
        cJSON_Delete(msg);
        /* A new prompt reaches connected clients too. */
        uint64_t n = ask(f, "/c");
        expect(f, c, "request", &msg);
        assert_int_equal(number_of(msg, "id"), n);
        assert_int_equal(number_of(msg, "queued"), 2);
        cJSON_Delete(msg);
        scmp_client_close(c);
}

static void first_answer_wins_and_everyone_hears(void **state)
{
        struct fixture *f = *state;
        struct scmp_client *a = connect_client(f), *b = connect_client(f);
        cJSON *msg;
        uint64_t id = ask(f, "/x");

        expect(f, a, "request", NULL);
        expect(f, b, "request", NULL);
        assert_int_equal(scmp_client_reply(a, id, "deny", "once", "EACCES", NULL), 0);
        expect(f, a, "resolved", &msg);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "by")),
                            "client");
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "errno")),
                            "EACCES");
        cJSON_Delete(msg);
        expect(f, b, "resolved", NULL);
        assert_int_equal(f->n_answers, 1);
        assert_int_equal(f->verdicts[0], VERDICT_DENY);

        assert_int_equal(scmp_client_reply(b, id, "allow", "once", NULL, NULL), 0);
        expect(f, b, "error", &msg);
        assert_int_equal(number_of(msg, "id"), id);
        cJSON_Delete(msg);
        assert_int_equal(f->n_answers, 1);
        scmp_client_close(a);
        scmp_client_close(b);
}

static void garbage_gets_an_error_and_the_connection_stays(void **state)
{
        struct fixture *f = *state;
        struct scmp_client *c = connect_client(f);
        cJSON *msg;
        uint64_t id = ask(f, "/g");
        expect(f, c, "request", NULL);

        static const char *const bad[] = {
            "garbage",
            "[1,2,3]",
            "{\"type\":\"reply\"}",
            "{\"type\":\"reply\",\"id\":\"one\",\"decision\":\"allow\"}",
            "{\"type\":\"reply\",\"id\":1.5,\"decision\":\"allow\"}",
            "{\"type\":\"sing\"}",
            "{\"v\":2,\"type\":\"reply\",\"id\":1,\"decision\":\"allow\"}",
            "{\"type\":\"reply\",\"id\":1,\"decision\":7}",
            "\xff\xfe{\"type\"",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(scmp_client_send_line(c, bad[i], strlen(bad[i])), 0);
                expect(f, c, "error", NULL);
        }
        char reply[128];
        snprintf(reply, sizeof(reply), "{\"type\":\"reply\",\"id\":%llu,\"decision\":\"maybe\"}",
                 (unsigned long long)id);
        assert_int_equal(scmp_client_send_line(c, reply, strlen(reply)), 0);
        expect(f, c, "error", &msg);
        assert_non_null(strstr(
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "message")), "decision"));
        cJSON_Delete(msg);
        assert_int_equal(prompt_broker_count(f->broker), 1);

        assert_int_equal(scmp_client_reply(c, id, "allow", "once", NULL, NULL), 0);
        expect(f, c, "resolved", NULL);
        assert_int_equal(f->verdicts[0], VERDICT_ALLOW);
        scmp_client_close(c);
}

static void overlong_line_disconnects_only_that_client(void **state)
{
        struct fixture *f = *state;
        struct scmp_client *c = connect_client(f);
        size_t sent = 0, total = 10u << 20;
        char chunk[4096];
        cJSON *msg = NULL;
        bool got_error = false, closed = false, hung_up = false;

        memset(chunk, 'x', sizeof(chunk));
        /* Send 10 MB without a newline, reading as we go, until the server
         * gives up on us. */
        for (int i = 0; i < PUMP_ROUNDS * 10 && !closed; i++) {
                if (sent < total && !hung_up) {
                        ssize_t n = send(scmp_client_fd(c), chunk, sizeof(chunk),
                                         MSG_NOSIGNAL | MSG_DONTWAIT);
                        if (n > 0)
                                sent += (size_t)n;
                        else if (n < 0 && errno != EAGAIN)
                                hung_up = true;
                }
                pump(f, NULL);
                int r = scmp_client_read(c);
                while (r == 0 && scmp_client_next_message(c, &msg) == 1) {
                        if (strcmp(type_of(msg), "error") == 0)
                                got_error = true;
                        cJSON_Delete(msg);
                }
                if (r == -EPIPE || r == -ECONNRESET)
                        closed = true;
        }
        assert_true(got_error);
        assert_true(closed);
        assert_true(sent < total); /* never took in the whole line */
        scmp_client_close(c);

        /* The server still serves others. */
        struct scmp_client *d = connect_client(f);
        uint64_t id = ask(f, "/after");
        expect(f, d, "request", NULL);
        assert_int_equal(scmp_client_reply(d, id, "allow", "once", NULL, NULL), 0);
        expect(f, d, "resolved", NULL);
        scmp_client_close(d);
}

static void disconnecting_client_leaves_the_prompt_waiting(void **state)
{
        struct fixture *f = *state;
        struct scmp_client *a = connect_client(f);
        uint64_t id = ask(f, "/d");
        expect(f, a, "request", NULL);
        scmp_client_close(a);
        for (int i = 0; i < 10; i++)
                pump(f, NULL);
        assert_int_equal(prompt_broker_count(f->broker), 1);
        struct scmp_client *b = NULL;
        cJSON *msg;
        assert_int_equal(scmp_client_connect(f->path, &b), 0);
        expect(f, b, "hello", NULL);
        expect(f, b, "request", &msg);
        assert_int_equal(number_of(msg, "id"), id);
        cJSON_Delete(msg);
        scmp_client_close(b);
}

static void other_uid_is_refused(void **state)
{
        struct fixture *f = *state;
        /* Open the way so only the credentials check stands in it. */
        assert_int_equal(chmod(f->dir, 0755), 0);
        assert_int_equal(chmod(f->path, 0666), 0);
        pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0) {
                struct scmp_client *c = NULL;
                cJSON *msg = NULL;
                if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
                        _exit(2);
                if (scmp_client_connect(f->path, &c) < 0)
                        _exit(3);
                if (scmp_client_wait_message(c, 10000, &msg) != 1)
                        _exit(4);
                const char *m =
                    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "message"));
                if (strcmp(type_of(msg), "error") != 0 || !m || !strstr(m, "permission denied"))
                        _exit(5);
                /* And then nothing but the end of the connection. */
                cJSON_Delete(msg);
                msg = NULL;
                _exit(scmp_client_wait_message(c, 10000, &msg) == -EPIPE ? 0 : 6);
        }
        int status = 0;
        pid_t done = 0;
        for (int i = 0; i < PUMP_ROUNDS * 10 && done == 0; i++) {
                pump(f, NULL);
                struct pollfd none;
                poll(&none, 0, 1);
                done = waitpid(child, &status, WNOHANG);
        }
        assert_int_equal(done, child);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

static void stale_socket_is_replaced_and_a_file_is_not(void **state)
{
        struct fixture *f = *state;
        char path[160], err[256];
        struct control_server *s = NULL;
        struct sockaddr_un sa = {.sun_family = AF_UNIX};

        /* A socket nobody listens on, as a crashed supervisor leaves it. */
        snprintf(path, sizeof(path), "%s/stale.sock", f->dir);
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        strcpy(sa.sun_path, path);
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        close(fd);
        assert_int_equal(control_server_start(f->broker, &f->sup.loop, path, &s, err, sizeof(err)),
                         0);
        /* The live one is not taken over. */
        struct control_server *again = NULL;
        assert_int_equal(
            control_server_start(f->broker, &f->sup.loop, path, &again, err, sizeof(err)),
            -EADDRINUSE);
        control_server_stop(s);
        assert_int_equal(access(path, F_OK), -1);

        snprintf(path, sizeof(path), "%s/file", f->dir);
        FILE *file = fopen(path, "we");
        fclose(file);
        assert_int_equal(control_server_start(f->broker, &f->sup.loop, path, &s, err, sizeof(err)),
                         -EEXIST);
        assert_non_null(strstr(err, "not a socket"));
}

int main(void)
{
        /* The server writes to clients that may have gone; the supervisor
         * blocks SIGPIPE for the same reason. */
        signal(SIGPIPE, SIG_IGN);
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(socket_file_is_private, setup, teardown),
            cmocka_unit_test_setup_teardown(client_gets_hello_then_every_waiting_request, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(first_answer_wins_and_everyone_hears, setup, teardown),
            cmocka_unit_test_setup_teardown(garbage_gets_an_error_and_the_connection_stays, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(overlong_line_disconnects_only_that_client, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(disconnecting_client_leaves_the_prompt_waiting, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(other_uid_is_refused, setup, teardown),
            cmocka_unit_test_setup_teardown(stale_socket_is_replaced_and_a_file_is_not, setup,
                                            teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
