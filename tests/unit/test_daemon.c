/* SPDX-License-Identifier: MIT */
/* unit/test_daemon.c: listenerMetadata, a launcher's metadata, systemd's socket. */
/*
 * The daemon's small decisions: what listenerMetadata asks for (and that
 * anything it does not understand is refused rather than ignored), the
 * metadata a launcher sends, and the socket systemd passes.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/daemon.h"
#include "daemon/metadata.h"
#include "launch/agent_client.h"

static void parse_ok(const char *text, const char *policy, bool launcher)
{
        struct daemon_metadata md;
        char why[256] = "";

        if (daemon_parse_metadata(text, &md, why, sizeof(why)) != 0)
                fail_msg("\"%s\" refused: %s", text ? text : "(null)", why);
        assert_string_equal(md.policy, policy);
        assert_int_equal(md.launcher, launcher);
}

static void parse_refused(const char *text, const char *reason)
{
        struct daemon_metadata md = {.policy = "untouched"};
        char why[256] = "";

        assert_int_equal(daemon_parse_metadata(text, &md, why, sizeof(why)), -EINVAL);
        if (!strstr(why, reason))
                fail_msg("reason for \"%s\" is \"%s\", wanted \"%s\"", text, why, reason);
        assert_string_equal(md.policy, "untouched");
}

static void no_metadata_asks_for_the_default(void **state)
{
        parse_ok(NULL, "", false);
        parse_ok("", "", false);
        parse_ok("  ;  ; ", "", false);
}

static void policy_and_launcher_are_read(void **state)
{
        parse_ok("policy=web", "web", false);
        parse_ok(" policy=web.v2 ; scmp-super-launcher=1 ", "web.v2", true);
        parse_ok("scmp-super-launcher=1;policy=db_1-x", "db_1-x", true);
        parse_ok("scmp-super-launcher=0", "", false);
}

static void names_that_are_paths_are_refused(void **state)
{
        parse_refused("policy=../etc/passwd", "is not a profile name");
        parse_refused("policy=..", "is not a profile name");
        parse_refused("policy=a/b", "is not a profile name");
        parse_refused("policy=.hidden", "is not a profile name");
        parse_refused("policy=", "is not a profile name");
}

static void what_is_not_understood_is_refused(void **state)
{
        parse_refused("polcy=web", "key \"polcy\" is unknown");
        parse_refused("web", "item \"web\" is not key=value");
        parse_refused("policy=a;policy=b", "names \"policy\" twice");
        parse_refused("scmp-super-launcher=yes", "must be 0 or 1");
        parse_refused("scmp-super-launcher=1;scmp-super-launcher=1", "twice");
}

static void trace_name_is_read(void **state)
{
        struct daemon_metadata md;
        char why[256] = "";

        assert_int_equal(
            daemon_parse_metadata("policy=base; trace=web-1.rec", &md, why, sizeof(why)), 0);
        assert_string_equal(md.policy, "base");
        assert_string_equal(md.trace, "web-1.rec");
        assert_int_equal(daemon_parse_metadata("policy=base", &md, why, sizeof(why)), 0);
        assert_string_equal(md.trace, "");
}

/* NAME becomes a file name in --trace-dir: nothing that could be a path,
 * hidden, empty or overlong. */
static void trace_names_that_are_paths_are_refused(void **state)
{
        char text[128];

        parse_refused("trace=../x", "is not a trace name");
        parse_refused("trace=a/b", "is not a trace name");
        parse_refused("trace=.done", "is not a trace name");
        parse_refused("trace=", "is not a trace name");
        parse_refused("trace=a b", "is not a trace name");
        parse_refused("trace=a;trace=b", "names \"trace\" twice");
        snprintf(text, sizeof(text), "trace=%0*d", PROFILE_NAME_MAX + 1, 0);
        parse_refused(text, "is not a trace name");
        snprintf(text, sizeof(text), "trace=%0*d", PROFILE_NAME_MAX, 0);
        struct daemon_metadata md;
        char why[256] = "";
        assert_int_equal(daemon_parse_metadata(text, &md, why, sizeof(why)), 0);
        assert_int_equal(strlen(md.trace), PROFILE_NAME_MAX);
}

static void control_characters_do_not_reach_the_reason(void **state)
{
        struct daemon_metadata md;
        char why[256];

        assert_int_equal(daemon_parse_metadata("evil\n\x1b[2J=1", &md, why, sizeof(why)), -EINVAL);
        assert_null(strchr(why, '\n'));
        assert_null(strchr(why, '\x1b'));
}

static void overlong_metadata_is_refused(void **state)
{
        char *text = malloc(DAEMON_MAX_METADATA + 2);
        assert_non_null(text);
        memset(text, 'a', DAEMON_MAX_METADATA + 1);
        text[DAEMON_MAX_METADATA + 1] = '\0';
        parse_refused(text, "longer than");
        free(text);
}

static void launcher_metadata_marks_the_launcher_first(void **state)
{
        char *text = agent_client_metadata(NULL);
        assert_string_equal(text, "scmp-super-launcher=1");
        free(text);
        text = agent_client_metadata("policy=web");
        assert_string_equal(text, "scmp-super-launcher=1;policy=web");
        parse_ok(text, "web", true);
        free(text);
}

/* Puts a listening (or not) unix socket on fd, as systemd would. */
static void put_socket(int fd, bool listening)
{
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        assert_true(s >= 0);
        /* An abstract name: nothing to clean up in the filesystem. */
        snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1, "test_daemon.%d.%d", getpid(), fd);
        assert_int_equal(bind(s, (struct sockaddr *)&addr, sizeof(addr)), 0);
        if (listening)
                assert_int_equal(listen(s, 1), 0);
        if (s != fd) {
                assert_int_equal(dup2(s, fd), fd);
                close(s);
        }
}

static void set_listen_env(const char *n)
{
        char pid[32];
        snprintf(pid, sizeof(pid), "%d", getpid());
        setenv("LISTEN_PID", pid, 1);
        setenv("LISTEN_FDS", n, 1);
}

static void the_inherited_socket_is_taken(void **state)
{
        int agent = 99;
        char why[256];

        put_socket(3, true);
        set_listen_env("1");
        assert_int_equal(daemon_inherited_socket(&agent, why, sizeof(why)), 0);
        assert_int_equal(agent, 3);
        /* Ours now: close-on-exec, non-blocking, and the variables are gone. */
        assert_true(fcntl(3, F_GETFD) & FD_CLOEXEC);
        assert_true(fcntl(3, F_GETFL) & O_NONBLOCK);
        assert_null(getenv("LISTEN_FDS"));
        assert_null(getenv("LISTEN_PID"));
        close(3);
}

static void without_sockets_there_is_none(void **state)
{
        int agent = 99;
        char why[256];

        unsetenv("LISTEN_PID");
        unsetenv("LISTEN_FDS");
        assert_int_equal(daemon_inherited_socket(&agent, why, sizeof(why)), 0);
        assert_int_equal(agent, -1);
}

static void sockets_for_another_process_are_ignored(void **state)
{
        int agent = 99;
        char why[256];

        setenv("LISTEN_PID", "1", 1);
        setenv("LISTEN_FDS", "1", 1);
        assert_int_equal(daemon_inherited_socket(&agent, why, sizeof(why)), 0);
        assert_int_equal(agent, -1);
        assert_null(getenv("LISTEN_FDS"));
}

static void two_sockets_are_refused(void **state)
{
        int agent = 99;
        char why[256];

        put_socket(3, true);
        put_socket(4, true);
        set_listen_env("2");
        assert_int_equal(daemon_inherited_socket(&agent, why, sizeof(why)), -EINVAL);
        assert_non_null(strstr(why, "LISTEN_FDS=2"));
        assert_int_equal(agent, 99);
        close(3);
        close(4);
}

static void a_socket_that_does_not_listen_is_refused(void **state)
{
        int agent = 99;
        char why[256];

        put_socket(3, false);
        set_listen_env("1");
        assert_int_equal(daemon_inherited_socket(&agent, why, sizeof(why)), -EINVAL);
        assert_non_null(strstr(why, "fd 3 is not a listening unix stream socket"));
        assert_int_equal(agent, 99);
        close(3);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(no_metadata_asks_for_the_default),
            cmocka_unit_test(policy_and_launcher_are_read),
            cmocka_unit_test(names_that_are_paths_are_refused),
            cmocka_unit_test(what_is_not_understood_is_refused),
            cmocka_unit_test(control_characters_do_not_reach_the_reason),
            cmocka_unit_test(overlong_metadata_is_refused),
            cmocka_unit_test(trace_name_is_read),
            cmocka_unit_test(trace_names_that_are_paths_are_refused),
            cmocka_unit_test(launcher_metadata_marks_the_launcher_first),
            cmocka_unit_test(the_inherited_socket_is_taken),
            cmocka_unit_test(without_sockets_there_is_none),
            cmocka_unit_test(sockets_for_another_process_are_ignored),
            cmocka_unit_test(two_sockets_are_refused),
            cmocka_unit_test(a_socket_that_does_not_listen_is_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
