/* SPDX-License-Identifier: MIT */
/*
 * The OCI seccomp agent message as the daemon reads it: whole messages from
 * peers that keep the connection open (crun) or close it (runc, our
 * launcher), in any number of pieces, with descriptors mapped by name and
 * everything else closed; malformed messages refused with a reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "launch/agent.h"

struct conn {
        int ours;   /* the reader's end, non-blocking */
        int theirs; /* the sender's end */
};

static void conn_open(struct conn *c)
{
        int sv[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
        c->ours = sv[0];
        c->theirs = sv[1];
}

static void conn_close(struct conn *c)
{
        if (c->ours >= 0)
                close(c->ours);
        if (c->theirs >= 0)
                close(c->theirs);
}

/* A pipe whose write end we send: once every copy of it is closed, reading
 * the read end gives end of file, which proves the reader closed its copy. */
struct probe {
        int read_end, write_end;
};

static void probe_open(struct probe *p)
{
        int fds[2];
        assert_int_equal(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
        p->read_end = fds[0];
        p->write_end = fds[1];
}

static bool probe_closed_everywhere(struct probe *p)
{
        char c;
        if (p->write_end >= 0) {
                close(p->write_end);
                p->write_end = -1;
        }
        return read(p->read_end, &c, 1) == 0;
}

static void probe_close(struct probe *p)
{
        if (p->write_end >= 0)
                close(p->write_end);
        close(p->read_end);
}

/* Reads what is there; the sender's end stays open, as crun's does. */
static int read_now(struct agent_reader *reader, struct conn *c, char *why, size_t len)
{
        why[0] = '\0';
        return agent_reader_read(reader, c->ours, why, len);
}

static const char crun_message[] =
    "{\n    \"ociVersion\": \"0.2.0\",\n    \"fds\": [\n        \"seccompFd\"\n    ],\n"
    "    \"pid\": 4242,\n    \"metadata\": \"policy=web\",\n    \"state\": {\n"
    "        \"ociVersion\": \"0.2.0\",\n        \"id\": \"web-1\",\n"
    "        \"status\": \"creating\",\n        \"pid\": 4242,\n"
    "        \"bundle\": \"/var/lib/b\"\n    }\n}";

/* Sends text with one probe descriptor over a fresh connection and reads
 * it as one complete message into msg; the caller closes c and p. */
static void receive_whole(const char *text, struct conn *c, struct probe *p,
                          struct agent_message *msg)
{
        struct agent_reader reader;
        char why[256];

        conn_open(c);
        probe_open(p);
        agent_reader_init(&reader);
        assert_int_equal(agent_send(c->theirs, text, &p->write_end, 1), 0);
        assert_int_equal(read_now(&reader, c, why, sizeof(why)), 1);
        assert_int_equal(agent_reader_finish(&reader, msg, why, sizeof(why)), 0);
        agent_reader_clear(&reader);
}

static void complete_object_ends_the_message_without_end_of_file(void **state)
{
        struct agent_message msg;
        struct conn c;
        struct probe p;

        receive_whole(crun_message, &c, &p, &msg);
        assert_int_equal(msg.pid, 4242);
        assert_string_equal(msg.oci_version, "0.2.0");
        assert_string_equal(msg.metadata, "policy=web");
        assert_string_equal(msg.id, "web-1");
        assert_string_equal(msg.status, "creating");
        assert_true(msg.seccomp_fd >= 0);
        /* Received descriptors must not leak into programs we might run. */
        assert_true(fcntl(msg.seccomp_fd, F_GETFD) & FD_CLOEXEC);
        assert_false(probe_closed_everywhere(&p));
        agent_message_clear(&msg);
        assert_true(probe_closed_everywhere(&p));
        probe_close(&p);
        conn_close(&c);
}

static void message_in_many_pieces_is_reassembled(void **state)
{
        static const char text[] = "{\"ociVersion\":\"1.0.2\",\"fds\":[\"seccompFd\"],"
                                   "\"pid\":7,\"metadata\":\"x}{\\\"]\",\"state\":{\"id\":\"c\"}}";
        struct agent_reader reader;
        struct agent_message msg;
        struct conn c;
        struct probe p;
        char why[256];

        conn_open(&c);
        probe_open(&p);
        agent_reader_init(&reader);
        /* The descriptor comes with the first byte, as sendmsg attaches it. */
        assert_int_equal(agent_send(c.theirs, "{", &p.write_end, 1), 0);
        assert_int_equal(read_now(&reader, &c, why, sizeof(why)), 0);
        for (size_t i = 1; i + 1 < strlen(text); i++) {
                assert_int_equal(write(c.theirs, text + i, 1), 1);
                assert_int_equal(read_now(&reader, &c, why, sizeof(why)), 0);
        }
        assert_int_equal(write(c.theirs, "}", 1), 1);
        assert_int_equal(read_now(&reader, &c, why, sizeof(why)), 1);
        assert_int_equal(agent_reader_finish(&reader, &msg, why, sizeof(why)), 0);
        agent_reader_clear(&reader);
        /* Braces and quotes inside a string did not end the message. */
        assert_string_equal(msg.metadata, "x}{\"]");
        assert_int_equal(msg.pid, 7);
        agent_message_clear(&msg);
        assert_true(probe_closed_everywhere(&p));
        probe_close(&p);
        conn_close(&c);
}

static void runc_message_with_pid_only_in_state_is_accepted(void **state)
{
        static const char text[] =
            "{\"ociVersion\":\"1.0.2-dev\",\"fds\":[\"seccompFd\"],\"metadata\":\"\","
            "\"state\":{\"ociVersion\":\"1.0.2-dev\",\"id\":\"r1\",\"status\":\"creating\","
            "\"pid\":99,\"bundle\":\"/b\",\"annotations\":{\"a\":\"{\"}}}";
        struct agent_reader reader;
        struct agent_message msg;
        struct conn c;
        struct probe p;
        char why[256];

        conn_open(&c);
        probe_open(&p);
        agent_reader_init(&reader);
        assert_int_equal(agent_send(c.theirs, text, &p.write_end, 1), 0);
        close(c.theirs);
        c.theirs = -1;
        assert_int_equal(read_now(&reader, &c, why, sizeof(why)), 1);
        assert_int_equal(agent_reader_finish(&reader, &msg, why, sizeof(why)), 0);
        agent_reader_clear(&reader);
        assert_int_equal(msg.pid, 99);
        assert_string_equal(msg.id, "r1");
        assert_string_equal(msg.bundle, "/b");
        agent_message_clear(&msg);
        probe_close(&p);
        conn_close(&c);
}

static void descriptors_are_mapped_by_name_and_the_rest_closed(void **state)
{
        static const char text[] =
            "{\"fds\":[\"pidFd\",\"seccompFd\",\"extra\"],\"pid\":5,\"state\":{}}";
        struct agent_reader reader;
        struct agent_message msg;
        struct conn c;
        struct probe p[3];
        int fds[3];
        char why[256];

        conn_open(&c);
        for (int i = 0; i < 3; i++) {
                probe_open(&p[i]);
                fds[i] = p[i].write_end;
        }
        agent_reader_init(&reader);
        assert_int_equal(agent_send(c.theirs, text, fds, 3), 0);
        assert_int_equal(read_now(&reader, &c, why, sizeof(why)), 1);
        assert_int_equal(agent_reader_finish(&reader, &msg, why, sizeof(why)), 0);
        agent_reader_clear(&reader);
        assert_true(probe_closed_everywhere(&p[0]));
        assert_false(probe_closed_everywhere(&p[1]));
        assert_true(probe_closed_everywhere(&p[2]));
        agent_message_clear(&msg);
        assert_true(probe_closed_everywhere(&p[1]));
        for (int i = 0; i < 3; i++)
                probe_close(&p[i]);
        conn_close(&c);
}

/* Sends text (with one probe descriptor when fd >= 0), and expects the
 * reader to refuse it with error and a reason containing reason; every
 * descriptor it received must be closed. */
static void expect_refused(const char *text, bool with_fd, bool close_after, int error,
                           const char *reason)
{
        struct agent_reader reader;
        struct agent_message msg;
        struct conn c;
        struct probe p;
        char why[256] = "";
        int r;

        conn_open(&c);
        probe_open(&p);
        agent_reader_init(&reader);
        if (text[0] || with_fd)
                assert_int_equal(agent_send(c.theirs, text[0] ? text : " ",
                                            with_fd ? &p.write_end : NULL, with_fd ? 1 : 0),
                                 0);
        if (close_after) {
                close(c.theirs);
                c.theirs = -1;
        }
        r = read_now(&reader, &c, why, sizeof(why));
        if (r == 1)
                r = agent_reader_finish(&reader, &msg, why, sizeof(why));
        agent_reader_clear(&reader);
        assert_int_equal(r, error);
        if (!strstr(why, reason))
                fail_msg("reason \"%s\" does not mention \"%s\"", why, reason);
        assert_true(probe_closed_everywhere(&p));
        probe_close(&p);
        conn_close(&c);
}

static void garbage_is_refused(void **state)
{
        expect_refused("GET / HTTP/1.0\r\n\r\n", true, false, -EBADMSG, "not a JSON object");
}

static void message_without_descriptors_is_refused(void **state)
{
        expect_refused("{\"fds\":[\"seccompFd\"],\"pid\":5}", false, false, -EBADMSG,
                       "names 1 descriptor but 0 arrived");
}

static void message_without_a_seccomp_fd_name_is_refused(void **state)
{
        expect_refused("{\"fds\":[\"listener\"],\"pid\":5}", true, false, -EBADMSG,
                       "no descriptor named \"seccompFd\"");
}

static void message_without_fds_array_is_refused(void **state)
{
        expect_refused("{\"pid\":5}", true, false, -EBADMSG, "no \"fds\" array");
}

static void message_without_pid_is_refused(void **state)
{
        expect_refused("{\"fds\":[\"seccompFd\"],\"pid\":-3}", true, false, -EBADMSG,
                       "no valid \"pid\"");
}

static void fractional_pid_is_refused(void **state)
{
        expect_refused("{\"fds\":[\"seccompFd\"],\"pid\":1.5}", true, false, -EBADMSG,
                       "no valid \"pid\"");
}

/* The log line of a refusal must say whose calls will now fail. */
static void refusal_names_the_container(void **state)
{
        expect_refused("{\"fds\":[\"listener\"],\"pid\":5,\"state\":{\"id\":\"web-7\"}}", true,
                       false, -EBADMSG, "container web-7: no descriptor named \"seccompFd\"");
}

/* crun's message for `exec` into a running container: pid 0. */
static void exec_message_with_pid_zero_is_accepted(void **state)
{
        static const char text[] = "{\"ociVersion\":\"0.2.0\",\"fds\":[\"seccompFd\"],\"pid\":0,"
                                   "\"metadata\":\"\",\"state\":{\"id\":\"web-1\",\"pid\":0,"
                                   "\"status\":\"running\"}}";
        struct agent_message msg;
        struct conn c;
        struct probe p;

        receive_whole(text, &c, &p, &msg);
        assert_int_equal(msg.pid, 0);
        assert_string_equal(msg.id, "web-1");
        assert_string_equal(msg.status, "running");
        assert_true(msg.seccomp_fd >= 0);
        agent_message_clear(&msg);
        probe_close(&p);
        conn_close(&c);
}

static void balanced_but_invalid_json_is_refused(void **state)
{
        expect_refused("{\"fds\":[\"seccompFd\"],,}", true, false, -EBADMSG, "not a JSON object");
}

static void connection_closed_mid_message_is_refused(void **state)
{
        expect_refused("{\"fds\":[\"seccompFd\"],", true, true, -EBADMSG,
                       "closed in the middle of the message");
}

static void connection_closed_before_anything_is_refused(void **state)
{
        expect_refused("", false, true, -EBADMSG, "closed before a message arrived");
}

struct big_sender {
        int sock;
        size_t size;
};

static void *send_big(void *arg)
{
        struct big_sender *s = arg;
        char chunk[65536];
        memset(chunk, ' ', sizeof(chunk));
        chunk[0] = '{';
        /* Stops when the reader closes its end. */
        for (size_t sent = 0; sent < s->size;) {
                ssize_t n = send(s->sock, chunk, sizeof(chunk), MSG_NOSIGNAL);
                if (n <= 0)
                        break;
                chunk[0] = ' ';
                sent += (size_t)n;
        }
        return NULL;
}

static void message_over_the_limit_is_refused(void **state)
{
        struct agent_reader reader;
        struct big_sender sender;
        struct conn c;
        pthread_t thread;
        char why[256];
        int r;

        conn_open(&c);
        sender.sock = c.theirs;
        sender.size = 2u << 20;
        assert_int_equal(pthread_create(&thread, NULL, send_big, &sender), 0);
        /* The socket is non-blocking: wait for data with poll, not sleeps. */
        agent_reader_init(&reader);
        do {
                struct pollfd pfd = {.fd = c.ours, .events = POLLIN};
                assert_int_equal(poll(&pfd, 1, 10000), 1);
                r = read_now(&reader, &c, why, sizeof(why));
        } while (r == 0);
        assert_int_equal(r, -EMSGSIZE);
        assert_non_null(strstr(why, "larger than"));
        assert_true(reader.len <= AGENT_MAX_MESSAGE);
        agent_reader_clear(&reader);
        close(c.ours);
        c.ours = -1;
        assert_int_equal(pthread_join(thread, NULL), 0);
        conn_close(&c);
}

static void too_many_descriptors_are_refused_and_closed(void **state)
{
        struct agent_reader reader;
        struct conn c;
        struct probe p;
        int fds[AGENT_MAX_FDS];
        char why[256];
        union {
                char buf[CMSG_SPACE(sizeof(int) * (AGENT_MAX_FDS + 1))];
                struct cmsghdr align;
        } control;

        conn_open(&c);
        probe_open(&p);
        for (int i = 0; i < AGENT_MAX_FDS; i++)
                fds[i] = p.write_end;
        /* agent_send refuses more than AGENT_MAX_FDS, so build it by hand. */
        struct iovec iov = {(void *)"{}", 2};
        struct msghdr m = {.msg_iov = &iov,
                           .msg_iovlen = 1,
                           .msg_control = control.buf,
                           .msg_controllen = sizeof(control.buf)};
        struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int) * (AGENT_MAX_FDS + 1));
        memcpy(CMSG_DATA(cm), fds, sizeof(fds));
        memcpy(CMSG_DATA(cm) + sizeof(fds), &p.write_end, sizeof(int));
        assert_int_equal(sendmsg(c.theirs, &m, 0), 2);
        agent_reader_init(&reader);
        assert_int_equal(read_now(&reader, &c, why, sizeof(why)), -EMSGSIZE);
        assert_non_null(strstr(why, "more descriptors"));
        agent_reader_clear(&reader);
        assert_true(probe_closed_everywhere(&p));
        probe_close(&p);
        conn_close(&c);
}

static void agent_receive_reads_a_launcher_message(void **state)
{
        struct agent_message msg;
        struct probe p;
        char why[256];
        int sv[2];

        probe_open(&p);
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        char *text = agent_format_message(1234, "scmp-super-launcher=1", NULL, NULL);
        assert_non_null(text);
        assert_int_equal(agent_send(sv[1], text, &p.write_end, 1), 0);
        free(text);
        assert_int_equal(agent_receive(sv[0], &msg, why, sizeof(why)), 0);
        assert_int_equal(msg.pid, 1234);
        assert_string_equal(msg.metadata, "scmp-super-launcher=1");
        agent_message_clear(&msg);
        assert_true(probe_closed_everywhere(&p));
        probe_close(&p);
        close(sv[0]);
        close(sv[1]);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(complete_object_ends_the_message_without_end_of_file),
            cmocka_unit_test(message_in_many_pieces_is_reassembled),
            cmocka_unit_test(runc_message_with_pid_only_in_state_is_accepted),
            cmocka_unit_test(descriptors_are_mapped_by_name_and_the_rest_closed),
            cmocka_unit_test(garbage_is_refused),
            cmocka_unit_test(message_without_descriptors_is_refused),
            cmocka_unit_test(message_without_a_seccomp_fd_name_is_refused),
            cmocka_unit_test(message_without_fds_array_is_refused),
            cmocka_unit_test(message_without_pid_is_refused),
            cmocka_unit_test(fractional_pid_is_refused),
            cmocka_unit_test(refusal_names_the_container),
            cmocka_unit_test(exec_message_with_pid_zero_is_accepted),
            cmocka_unit_test(balanced_but_invalid_json_is_refused),
            cmocka_unit_test(connection_closed_mid_message_is_refused),
            cmocka_unit_test(connection_closed_before_anything_is_refused),
            cmocka_unit_test(message_over_the_limit_is_refused),
            cmocka_unit_test(too_many_descriptors_are_refused_and_closed),
            cmocka_unit_test(agent_receive_reads_a_launcher_message),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
