/* SPDX-License-Identifier: MIT */
/* The terminal prompt both front ends share: target strings made harmless,
 * the keys and their steps, the lines shown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prompt_ui.h"

static const char *sanitized(const char *in)
{
        static char buf[256];
        prompt_ui_sanitize(in, buf, sizeof(buf));
        return buf;
}

static void control_characters_are_shown_not_sent(void **state)
{
        assert_string_equal(sanitized("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_string_equal(sanitized("bell\a tab\t nl\n del\x7f"),
                            "bell\\x07 tab\\x09 nl\\x0a del\\x7f");
        assert_string_equal(sanitized("back\\slash"), "back\\\\slash");
}

static void printable_utf8_is_kept(void **state)
{
        assert_string_equal(sanitized("/home/zoë/日本"), "/home/zoë/日本");
}

static void c1_controls_and_bidi_overrides_are_escaped(void **state)
{
        /* U+009B is CSI on terminals that take 8-bit controls. */
        assert_string_equal(sanitized("x\xc2\x9b"
                                      "31m"),
                            "x\\u{009b}31m");
        /* U+202E RIGHT-TO-LEFT OVERRIDE would reverse what follows. */
        assert_string_equal(sanitized("evil\xe2\x80\xaetxt.exe"), "evil\\u{202e}txt.exe");
        assert_string_equal(sanitized("\xe2\x81\xa6iso"), "\\u{2066}iso");
}

static void invalid_utf8_is_escaped_byte_by_byte(void **state)
{
        assert_string_equal(sanitized("a\xff\xfe"), "a\\xff\\xfe");
        /* Overlong '/' and a lone continuation byte. */
        assert_string_equal(sanitized("\xc0\xaf\x80"), "\\xc0\\xaf\\x80");
        /* A surrogate encoded in UTF-8 is not valid either. */
        assert_string_equal(sanitized("\xed\xa0\x80"), "\\xed\\xa0\\x80");
        /* A sequence cut short by the end of the string. */
        assert_string_equal(sanitized("\xe6\x97"), "\\xe6\\x97");
}

static void long_text_is_cut_at_a_character_with_an_ellipsis(void **state)
{
        char buf[12];
        size_t n = prompt_ui_sanitize("abcdefghijklmnop", buf, sizeof(buf));
        assert_string_equal(buf, "abcdefgh...");
        assert_int_equal(n, strlen(buf));
        n = prompt_ui_sanitize("ab\x1b\x1b\x1b", buf, sizeof(buf));
        assert_string_equal(buf, "ab\\x1b...");
        /* Never half of a multi-byte character. */
        n = prompt_ui_sanitize("abcdefg日本", buf, sizeof(buf));
        assert_string_equal(buf, "abcdefg...");
        assert_int_equal(prompt_ui_sanitize("x", buf, 0), 0);
}

static cJSON *request(bool forever)
{
        char text[1024];
        snprintf(text, sizeof(text),
                 "{\"v\":1,\"type\":\"request\",\"id\":7,"
                 "\"target\":{\"pid\":12,\"tgid\":10,\"exe\":\"/usr/bin/t\x1b[0m\","
                 "\"cmdline\":\"t go\",\"container\":null},"
                 "\"syscall\":\"openat\",\"decoded\":{\"paths\":[\"/a/b.txt\"],"
                 "\"flags\":\"O_RDONLY\"},\"rule\":{\"source\":\"supervisor.rules[0]\","
                 "\"comment\":\"ask\"},\"timeout\":{\"decision\":\"deny\",\"errno\":\"EACCES\"},"
                 "\"deadline\":100000,\"waiting\":3,\"queued\":0,\"forever\":%s,"
                 "\"scopes\":[{\"label\":\"exactly this\",\"pattern\":null,"
                 "\"rule\":{\"syscalls\":[\"openat\"],\"path\":[\"/a/b.txt\"],"
                 "\"open\":[\"O_RDONLY\"]}},"
                 "{\"label\":\"this directory\",\"pattern\":\"/a/*\"}]}",
                 forever ? "true" : "false");
        cJSON *r = cJSON_Parse(text);
        assert_non_null(r);
        return r;
}

static void single_keys_answer_once_or_for_the_session(void **state)
{
        cJSON *req = request(true);
        struct prompt_ui ui;
        struct prompt_ui_answer a;
        static const struct {
                int key;
                const char *decision, *scope;
        } cases[] = {
            {'a', "allow", "once"},   {'A', "allow", "session"}, {'d', "deny", "once"},
            {'D', "deny", "session"}, {'k', "kill", "once"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                prompt_ui_start(&ui, req);
                assert_int_equal(prompt_ui_key(&ui, cases[i].key, &a), 1);
                assert_int_equal(a.id, 7);
                assert_string_equal(a.decision, cases[i].decision);
                assert_string_equal(a.scope, cases[i].scope);
                assert_null(a.pattern);
        }
        prompt_ui_start(&ui, req);
        assert_int_equal(prompt_ui_key(&ui, 'x', &a), -1);
        assert_int_equal(prompt_ui_key(&ui, '\n', &a), -1);
        assert_int_equal(prompt_ui_key(&ui, 27, &a), -1);
        cJSON_Delete(req);
}

static void forever_asks_decision_then_scope(void **state)
{
        cJSON *req = request(true);
        struct prompt_ui ui;
        struct prompt_ui_answer a;
        char line[256];

        prompt_ui_start(&ui, req);
        assert_int_equal(prompt_ui_key(&ui, 'f', &a), 0);
        prompt_ui_choices(&ui, 0, 0, line, sizeof(line));
        assert_non_null(strstr(line, "save a rule for good"));
        assert_int_equal(prompt_ui_key(&ui, 'A', &a), -1);
        assert_int_equal(prompt_ui_key(&ui, 'd', &a), 0);
        prompt_ui_choices(&ui, 0, 0, line, sizeof(line));
        assert_non_null(strstr(line, "which scope? [1-2]"));
        assert_int_equal(prompt_ui_key(&ui, '3', &a), -1);
        /* Esc goes back to the start. */
        assert_int_equal(prompt_ui_key(&ui, 27, &a), 0);
        assert_int_equal(ui.step, PROMPT_UI_MAIN);
        assert_int_equal(prompt_ui_key(&ui, 'f', &a), 0);
        assert_int_equal(prompt_ui_key(&ui, 'k', &a), 0);
        assert_int_equal(prompt_ui_key(&ui, '2', &a), 1);
        assert_string_equal(a.decision, "kill");
        assert_string_equal(a.scope, "forever");
        assert_string_equal(a.pattern, "/a/*");
        cJSON_Delete(req);
}

/* A request as the broker makes it now: named scopes, each with its rule
 * and the executable it is tied to. */
static cJSON *request_with_named_scopes(void)
{
        cJSON *r = cJSON_Parse(
            "{\"v\":1,\"type\":\"request\",\"id\":9,"
            "\"target\":{\"pid\":12,\"tgid\":12,\"exe\":\"/usr/bin/python3.11\"},"
            "\"syscall\":\"connect\",\"decoded\":{\"address\":\"127.0.0.2:8080\"},"
            "\"timeout\":{\"decision\":\"deny\",\"errno\":\"ECONNREFUSED\"},"
            "\"deadline\":100000,\"waiting\":1,\"queued\":0,\"forever\":false,"
            "\"scopes\":[{\"name\":\"exact\",\"label\":\"exactly this\",\"pattern\":null,"
            "\"rule\":{\"syscalls\":[\"connect\"],\"address\":{\"family\":\"inet\","
            "\"cidr\":\"127.0.0.2\",\"port\":8080},\"exe\":\"/usr/bin/python3.11\"},"
            "\"exe\":\"/usr/bin/python3.11\"},"
            "{\"name\":\"port\",\"label\":\"port 8080 on any IPv4 address\",\"pattern\":null,"
            "\"rule\":{\"syscalls\":[\"connect\"],\"address\":{\"family\":\"inet\","
            "\"port\":8080},\"exe\":\"/usr/bin/python3.11\"},\"exe\":\"/usr/bin/python3.11\"},"
            "{\"name\":\"exact-any-program\",\"label\":\"exactly this, from any program\","
            "\"pattern\":null,\"rule\":{\"syscalls\":[\"connect\"]},\"exe\":null}]}");
        assert_non_null(r);
        return r;
}

/* "s": a session answer with a scope, each scope shown with the exact rule
 * it applies (action and errno included) and the executable it is tied
 * to, before the person picks it; the answer names the scope. */
static void session_scope_step_shows_each_rule_before_it_applies(void **state)
{
        cJSON *req = request_with_named_scopes();
        struct prompt_ui ui;
        struct prompt_ui_answer a;
        char line[256], *text = NULL;
        size_t len = 0;

        prompt_ui_start(&ui, req);
        prompt_ui_choices(&ui, 0, 0, line, sizeof(line));
        assert_non_null(strstr(line, "[s]ession scope"));
        /* No profile file: forever is not offered, a session scope is. */
        assert_int_equal(prompt_ui_key(&ui, 'f', &a), -1);
        assert_int_equal(prompt_ui_key(&ui, 's', &a), 0);
        prompt_ui_choices(&ui, 0, 0, line, sizeof(line));
        assert_non_null(strstr(line, "for the session: [a]llow [d]eny [k]ill"));
        assert_int_equal(prompt_ui_key(&ui, 'd', &a), 0);
        prompt_ui_choices(&ui, 0, 0, line, sizeof(line));
        assert_non_null(strstr(line, "deny for the session: which scope? [1-3]"));
        FILE *out = open_memstream(&text, &len);
        prompt_ui_render_step(out, &ui);
        fclose(out);
        assert_non_null(strstr(text, "  [1] exactly this, tied to executable /usr/bin/python3.11\n"
                                     "      {\"syscalls\":[\"connect\"],\"address\":{\"family\":"
                                     "\"inet\",\"cidr\":\"127.0.0.2\",\"port\":8080},\"exe\":"
                                     "\"/usr/bin/python3.11\",\"action\":\"deny\",\"errno\":"
                                     "\"ECONNREFUSED\"}\n"));
        assert_non_null(strstr(text, "  [2] port 8080 on any IPv4 address, tied to executable "
                                     "/usr/bin/python3.11\n"));
        assert_non_null(strstr(text,
                               "  [3] exactly this, from any program (not tied to an executable)\n"
                               "      {\"syscalls\":[\"connect\"],\"action\":\"deny\","
                               "\"errno\":\"ECONNREFUSED\"}\n"));
        free(text);
        assert_int_equal(prompt_ui_key(&ui, '2', &a), 1);
        assert_int_equal(a.id, 9);
        assert_string_equal(a.decision, "deny");
        assert_string_equal(a.scope, "session");
        assert_string_equal(a.choice, "port");
        assert_null(a.pattern);
        cJSON_Delete(req);
}

static void forever_is_not_offered_without_a_profile_file(void **state)
{
        cJSON *req = request(false);
        struct prompt_ui ui;
        struct prompt_ui_answer a;
        char line[256];

        prompt_ui_start(&ui, req);
        prompt_ui_choices(&ui, 0, 0, line, sizeof(line));
        assert_null(strstr(line, "[f]orever"));
        assert_int_equal(prompt_ui_key(&ui, 'f', &a), -1);
        cJSON_Delete(req);
}

static void choices_show_seconds_left_and_the_queue(void **state)
{
        cJSON *req = request(true);
        struct prompt_ui ui;
        char line[256];

        prompt_ui_start(&ui, req);
        prompt_ui_choices(&ui, 100000 - 12500, 0, line, sizeof(line));
        assert_non_null(strstr(line, "[f]orever (13s)> "));
        prompt_ui_choices(&ui, 100000 - 12500, 4, line, sizeof(line));
        assert_non_null(strstr(line, "(13s, 4 more)> "));
        prompt_ui_choices(&ui, 200000, 0, line, sizeof(line));
        assert_non_null(strstr(line, "(0s)> "));
        /* Cut to the room given, a terminal's width. */
        prompt_ui_choices(&ui, 0, 0, line, 20);
        assert_int_equal(strlen(line), 19);
        cJSON_Delete(req);
}

static void render_shows_the_call_with_target_strings_sanitized(void **state)
{
        cJSON *req = request(true);
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);

        prompt_ui_render(out, req, 2);
        fclose(out);
        assert_non_null(strstr(text, "request 7 needs a decision (2 more waiting)"));
        assert_non_null(strstr(text, "pid 12 (a thread of 10)  /usr/bin/t\\x1b[0m\n"));
        assert_null(strchr(text, '\x1b'));
        assert_non_null(strstr(text, "  path      /a/b.txt\n"));
        assert_non_null(strstr(text, "  flags     O_RDONLY\n"));
        assert_non_null(strstr(text, "  asked by  supervisor.rules[0] (ask)\n"));
        assert_non_null(strstr(text, "  lasting   {\"syscalls\":[\"openat\"],"
                                     "\"path\":[\"/a/b.txt\"],\"open\":[\"O_RDONLY\"]}\n"));
        assert_non_null(strstr(text, "  waiting   3 identical calls\n"));
        assert_non_null(strstr(text, "  timeout   deny with EACCES once"));
        free(text);
        cJSON_Delete(req);
}

/* The caller's ids as the request gives them, under the caller line; a
 * request without them (an older supervisor) shows no line. */
static void render_shows_the_callers_ids(void **state)
{
        cJSON *req = request(false);
        cJSON *target = cJSON_GetObjectItemCaseSensitive(req, "target");
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);

        prompt_ui_render(out, req, 0);
        fclose(out);
        assert_null(strstr(text, "  ids "));
        free(text);

        cJSON_AddNumberToObject(target, "uid", 65534);
        cJSON_AddNumberToObject(target, "euid", 0);
        cJSON_AddNumberToObject(target, "fsuid", 0);
        cJSON_AddNumberToObject(target, "gid", 100);
        out = open_memstream(&text, &len);
        prompt_ui_render(out, req, 0);
        fclose(out);
        assert_non_null(strstr(text,
                               "/usr/bin/t\\x1b[0m\n  ids       uid 65534 euid 0 fsuid 0 gid 100\n"
                               "  command   t go\n"));
        free(text);
        cJSON_Delete(req);
}

/* openat2's flags come from the open_how it points to: shown like an open's. */
static void render_shows_openat2s_flags_mode_and_resolve(void **state)
{
        cJSON *req = cJSON_Parse(
            "{\"v\":1,\"type\":\"request\",\"id\":8,\"target\":{\"pid\":12,\"tgid\":12,"
            "\"exe\":\"/usr/bin/t\",\"cmdline\":\"t\"},\"syscall\":\"openat2\","
            "\"decoded\":{\"paths\":[\"/a/b\"],\"flags\":\"O_WRONLY|O_CREAT\",\"mode\":\"0600\","
            "\"resolve\":\"RESOLVE_BENEATH\"},\"deadline\":0,\"waiting\":1,\"forever\":false,"
            "\"scopes\":[{\"label\":\"exactly this\",\"pattern\":null,\"refused\":\"no "
            "\\u001b\"}]}");
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);

        assert_non_null(req);
        prompt_ui_render(out, req, 0);
        fclose(out);
        assert_non_null(strstr(text, "  call      openat2\n"
                                     "  path      /a/b\n"
                                     "  flags     O_WRONLY|O_CREAT\n"
                                     "  mode      0600\n"
                                     "  resolve   RESOLVE_BENEATH\n"));
        /* Why no lasting rule can be made, made safe to print. */
        assert_non_null(strstr(text, "  lasting   none: no \\x1b\n"));
        free(text);
        cJSON_Delete(req);
}

static void resolutions_say_what_and_who(void **state)
{
        static const struct {
                const char *msg, *text;
        } cases[] = {
            {"{\"by\":\"tty\",\"decision\":\"allow\",\"scope\":\"once\"}", "allowed once, by tty"},
            {"{\"by\":\"client\",\"decision\":\"deny\",\"scope\":\"session\",\"errno\":\"EACCES\"}",
             "denied for the session with EACCES, by client"},
            {"{\"by\":\"timeout\",\"decision\":\"deny\",\"scope\":\"once\",\"errno\":\"EPERM\"}",
             "denied once with EPERM: nobody answered in time"},
            {"{\"by\":\"caller-died\"}", "gone: the caller died or was interrupted"},
            {"{\"by\":\"client\",\"decision\":\"kill\",\"scope\":\"forever\"}",
             "killed for good (saved in the profile), by client"},
        };
        char buf[256];
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                cJSON *msg = cJSON_Parse(cases[i].msg);
                prompt_ui_describe_resolution(msg, buf, sizeof(buf));
                assert_string_equal(buf, cases[i].text);
                cJSON_Delete(msg);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(control_characters_are_shown_not_sent),
            cmocka_unit_test(printable_utf8_is_kept),
            cmocka_unit_test(c1_controls_and_bidi_overrides_are_escaped),
            cmocka_unit_test(invalid_utf8_is_escaped_byte_by_byte),
            cmocka_unit_test(long_text_is_cut_at_a_character_with_an_ellipsis),
            cmocka_unit_test(single_keys_answer_once_or_for_the_session),
            cmocka_unit_test(forever_asks_decision_then_scope),
            cmocka_unit_test(forever_is_not_offered_without_a_profile_file),
            cmocka_unit_test(session_scope_step_shows_each_rule_before_it_applies),
            cmocka_unit_test(choices_show_seconds_left_and_the_queue),
            cmocka_unit_test(render_shows_the_call_with_target_strings_sanitized),
            cmocka_unit_test(render_shows_openat2s_flags_mode_and_resolve),
            cmocka_unit_test(render_shows_the_callers_ids),
            cmocka_unit_test(resolutions_say_what_and_who),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
