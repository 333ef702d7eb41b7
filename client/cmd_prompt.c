/* SPDX-License-Identifier: MIT */
/* client/cmd_prompt.c: scmp-super prompt, answering a supervisor's prompts from elsewhere. */
/*
 * scmp-super prompt: a client of the control socket. Interactively it shows
 * one request at a time on its own terminal and takes the same keys as the
 * supervisor's terminal prompt; with --json it is a line protocol for
 * scripts: the supervisor's messages on stdout, replies from stdin.
 */
#include "cmd_prompt.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include "prompt_ui.h"
#include "scmp_client.h"
#include "term_input.h"

#define CLEAR_LINE "\r\033[K"
/* Longest reply line read from stdin in --json mode. */
#define STDIN_LINE_MAX (64u << 10)

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
        interrupted = sig;
}

static void usage(FILE *out)
{
        fputs("Usage: scmp-super prompt [--socket PATH] [--json]\n"
              "\n"
              "Answer the prompts of a running 'scmp-super run' (its profile says to ask\n"
              "about some calls). Any number of clients may connect; the first answer wins.\n"
              "\n"
              "Options:\n"
              "  -s, --socket NAME  the supervisor's control socket, as 'run' printed it: a\n"
              "                     path, or @NAME (default: the only @scmp-super/UID/...\n"
              "                     socket listening, from /proc/net/unix)\n"
              "  -j, --json         for scripts: print each message from the supervisor as\n"
              "                     one JSON line, and send each JSON line read on stdin,\n"
              "                     e.g. {\"type\":\"reply\",\"id\":1,\"decision\":\"allow\",\n"
              "                     \"scope\":\"once\"} (docs/PROTOCOL.md)\n"
              "  -h, --help         show this help\n"
              "\n"
              "Keys: [a]llow once, [A]llow exactly this for the session, [d]eny once,\n"
              "[D]eny exactly this for the session, [k]ill the caller, [s]ession scope\n"
              "and [f]orever (save a rule in the profile): then allow, deny or kill, then\n"
              "a scope such as the file's directory, this port on any address or all\n"
              "network calls of this program, each shown with the rule it applies.\n"
              "\n"
              "Exit status: 0 when the supervisor ends (its command finished), 1 if it\n"
              "cannot be reached or refuses us, 2 for bad usage.\n",
              out);
}

static const char *type_of(const cJSON *msg)
{
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "type"));
        return t ? t : "";
}

static double id_of(const cJSON *msg)
{
        return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(msg, "id"));
}

static void say_error(const cJSON *msg)
{
        char safe[1024];
        prompt_ui_sanitize(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "message")),
                           safe, sizeof(safe));
        fprintf(stderr, "scmp-super prompt: the supervisor says: %s\n", safe);
}

/* --json: a pipe between the socket and stdio. */

static int forward_stdin_line(struct scmp_client *c, char *line, size_t len, unsigned long n)
{
        cJSON *msg = cJSON_ParseWithLength(line, len);
        int r = 0;

        if (!cJSON_IsObject(msg)) {
                fprintf(stderr, "scmp-super prompt: stdin line %lu: not a JSON object, not sent\n",
                        n);
                cJSON_Delete(msg);
                return 0;
        }
        if (!cJSON_GetObjectItemCaseSensitive(msg, "v"))
                cJSON_AddNumberToObject(msg, "v", SCMP_CLIENT_PROTOCOL_VERSION);
        r = scmp_client_send(c, msg);
        cJSON_Delete(msg);
        return r;
}

static int run_json(struct scmp_client *c)
{
        static char in[STDIN_LINE_MAX + 1];
        size_t in_len = 0;
        unsigned long lines = 0;
        bool stdin_open = true, greeted = false;

        for (;;) {
                struct pollfd fds[2] = {
                    {.fd = scmp_client_fd(c), .events = POLLIN},
                    {.fd = STDIN_FILENO, .events = POLLIN},
                };
                if (interrupted)
                        return 1;
                if (poll(fds, stdin_open ? 2 : 1, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("scmp-super prompt: poll");
                        return 1;
                }
                if (fds[0].revents) {
                        int r = scmp_client_read(c);
                        const char *line;
                        while ((line = scmp_client_next_line(c))) {
                                cJSON *msg = cJSON_Parse(line);
                                if (strcmp(type_of(msg), "hello") == 0)
                                        greeted = true;
                                else if (!greeted && strcmp(type_of(msg), "error") == 0)
                                        say_error(msg);
                                cJSON_Delete(msg);
                                puts(line);
                        }
                        fflush(stdout);
                        if (r == -EPIPE)
                                return greeted ? 0 : 1;
                        if (r < 0) {
                                fprintf(stderr, "scmp-super prompt: reading the socket: %s\n",
                                        strerror(-r));
                                return 1;
                        }
                }
                if (stdin_open && fds[1].revents) {
                        ssize_t n = read(STDIN_FILENO, in + in_len, STDIN_LINE_MAX - in_len);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n <= 0) {
                                /* No more replies; keep printing until the
                                 * supervisor ends. */
                                stdin_open = false;
                                continue;
                        }
                        in_len += (size_t)n;
                        char *start = in, *nl;
                        while ((nl = memchr(start, '\n', in_len - (size_t)(start - in)))) {
                                lines++;
                                if (nl > start &&
                                    forward_stdin_line(c, start, (size_t)(nl - start), lines) < 0) {
                                        fputs("scmp-super prompt: the supervisor went away\n",
                                              stderr);
                                        return 1;
                                }
                                start = nl + 1;
                        }
                        in_len -= (size_t)(start - in);
                        memmove(in, start, in_len);
                        if (in_len == STDIN_LINE_MAX) {
                                fprintf(stderr,
                                        "scmp-super prompt: stdin line longer than %u "
                                        "bytes, dropped\n",
                                        STDIN_LINE_MAX);
                                in_len = 0;
                        }
                }
        }
}

/* Interactive: one request at a time on this terminal. */

struct session {
        struct scmp_client *c;
        cJSON **queue; /* requests, oldest first */
        size_t n, cap;
        struct prompt_ui ui;
        double shown;  /* id on screen, 0 for none */
        bool answered; /* a reply was sent; keys wait for the outcome */
        /* Keys apart from escape sequences: an arrow key ("ESC [ A") or a
         * terminal's report holds letters that would be answers. */
        struct term_input keys;
};

static void show_choices(struct session *s)
{
        char line[2048];
        size_t width = prompt_ui_terminal_width(STDOUT_FILENO);
        if (!s->shown)
                return;
        if (width > sizeof(line))
                width = sizeof(line);
        if (s->answered)
                snprintf(line, width, "(sent, waiting for the supervisor)");
        else
                prompt_ui_choices(&s->ui, prompt_ui_now_ms(), s->n - 1, line, width);
        fputs(CLEAR_LINE, stdout);
        fputs(line, stdout);
        fflush(stdout);
}

static void show_next(struct session *s)
{
        if (s->n == 0) {
                s->shown = 0;
                fputs(CLEAR_LINE "waiting for prompts...", stdout);
                fflush(stdout);
                return;
        }
        s->shown = id_of(s->queue[0]);
        s->answered = false;
        prompt_ui_start(&s->ui, s->queue[0]);
        fputs(CLEAR_LINE, stdout);
        prompt_ui_render(stdout, s->queue[0], s->n - 1);
        /* Keys typed before the question was on screen are not answers. */
        tcflush(STDIN_FILENO, TCIFLUSH);
        show_choices(s);
}

static void drop_request(struct session *s, double id)
{
        for (size_t i = 0; i < s->n; i++)
                if (id_of(s->queue[i]) == id) {
                        cJSON_Delete(s->queue[i]);
                        memmove(s->queue + i, s->queue + i + 1, (s->n - i - 1) * sizeof(*s->queue));
                        s->n--;
                        return;
                }
}

/* Takes one message from the supervisor; the request itself is kept. */
static void handle_message(struct session *s, cJSON *msg)
{
        const char *type = type_of(msg);
        char text[512];

        if (strcmp(type, "hello") == 0) {
                const char *profile =
                    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "profile"));
                const cJSON *pid = cJSON_GetObjectItemCaseSensitive(msg, "pid");
                prompt_ui_sanitize(profile ? profile : "the built-in profile", text, sizeof(text));
                /* No pid when the supervisor's would not name it here
                 * (another pid namespace). */
                if (cJSON_IsNumber(pid))
                        printf(CLEAR_LINE "connected to scmp-super (pid %.0f, %s)\n",
                               pid->valuedouble, text);
                else
                        printf(CLEAR_LINE "connected to scmp-super (%s)\n", text);
                show_next(s);
        } else if (strcmp(type, "request") == 0) {
                if (s->n == s->cap) {
                        size_t cap = s->cap ? s->cap * 2 : 8;
                        cJSON **q = realloc(s->queue, cap * sizeof(*q));
                        if (!q)
                                goto out;
                        s->queue = q;
                        s->cap = cap;
                }
                s->queue[s->n++] = msg;
                if (!s->shown)
                        show_next(s);
                else
                        show_choices(s);
                return;
        } else if (strcmp(type, "resolved") == 0) {
                double id = id_of(msg);
                drop_request(s, id);
                if (id == s->shown) {
                        prompt_ui_describe_resolution(msg, text, sizeof(text));
                        printf(CLEAR_LINE "=> request %.0f: %s\n", id, text);
                        show_next(s);
                } else {
                        show_choices(s);
                }
        } else if (strcmp(type, "error") == 0) {
                fputs(CLEAR_LINE, stdout);
                fflush(stdout);
                say_error(msg);
                /* The request on screen is always queue[0]. */
                if (s->shown && s->n > 0 && id_of(msg) == s->shown) {
                        /* Our answer was refused: ask again. */
                        s->answered = false;
                        prompt_ui_start(&s->ui, s->queue[0]);
                }
                show_choices(s);
        }
out:
        cJSON_Delete(msg);
}

/* One key typed on its own: a step of the prompt, or its answer. */
static int handle_key(struct session *s, int key)
{
        struct prompt_ui_answer a;

        if (key < 0 || !s->shown || s->answered)
                return 0;
        int r = prompt_ui_key(&s->ui, key, &a);
        if (r == 0) {
                prompt_ui_render_step(stdout, &s->ui);
                show_choices(s);
        }
        if (r != 1)
                return 0;
        if ((a.choice ? scmp_client_reply_choice(s->c, a.id, a.decision, a.scope, NULL, a.choice)
                      : scmp_client_reply(s->c, a.id, a.decision, a.scope, NULL, a.pattern)) < 0)
                return -1;
        s->answered = true;
        show_choices(s);
        return 0;
}

static int handle_keys(struct session *s)
{
        unsigned char keys[64];
        ssize_t n = read(STDIN_FILENO, keys, sizeof(keys));

        if (n <= 0)
                return n < 0 && errno == EINTR ? 0 : -1;
        /* Every byte goes through the parser, answered or not, so that a
         * sequence is never cut in two by a prompt coming or going. */
        for (ssize_t i = 0; i < n; i++)
                if (handle_key(s, term_input_feed(&s->keys, keys[i])) < 0)
                        return -1;
        return 0;
}

static int run_interactive(struct scmp_client *c)
{
        struct session s = {.c = c};
        struct termios saved, raw;

        term_input_init(&s.keys);
        bool greeted = false;
        int status = 1;

        if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0) {
                fputs("scmp-super prompt: stdin is not a terminal (use --json in scripts)\n",
                      stderr);
                return 2;
        }
        raw = saved;
        raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);

        for (;;) {
                struct pollfd fds[2] = {
                    {.fd = scmp_client_fd(c), .events = POLLIN},
                    {.fd = STDIN_FILENO, .events = POLLIN},
                };
                if (interrupted) {
                        status = 130;
                        break;
                }
                /* Once a second while a countdown is on screen; sooner
                 * while a sequence the terminal began is open. */
                bool pending = term_input_pending(&s.keys);
                int r = poll(fds, 2, pending ? TERM_INPUT_TIMEOUT_MS : s.shown ? 1000 : -1);
                if (r < 0 && errno != EINTR) {
                        perror("scmp-super prompt: poll");
                        break;
                }
                if (r == 0 && pending && handle_key(&s, term_input_timeout(&s.keys)) < 0)
                        break;
                if (r <= 0) {
                        show_choices(&s);
                        continue;
                }
                if (fds[0].revents) {
                        cJSON *msg;
                        r = scmp_client_read(c);
                        int m;
                        while ((m = scmp_client_next_message(c, &msg)) != 0) {
                                if (m < 0)
                                        continue;
                                if (strcmp(type_of(msg), "hello") == 0)
                                        greeted = true;
                                handle_message(&s, msg);
                        }
                        if (r == -EPIPE) {
                                printf(CLEAR_LINE "%s\n", greeted ? "the supervisor has finished"
                                                                  : "the supervisor refused us");
                                status = greeted ? 0 : 1;
                                break;
                        }
                        if (r < 0) {
                                fprintf(stderr, CLEAR_LINE "scmp-super prompt: %s\n", strerror(-r));
                                break;
                        }
                }
                if (fds[1].revents && handle_keys(&s) < 0) {
                        fputs(CLEAR_LINE "scmp-super prompt: lost the terminal or the supervisor\n",
                              stderr);
                        break;
                }
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        fflush(stdout);
        for (size_t i = 0; i < s.n; i++)
                cJSON_Delete(s.queue[i]);
        free(s.queue);
        return status;
}

int cmd_prompt(int argc, char **argv)
{
        static const struct option options[] = {
            {"socket", required_argument, NULL, 's'},
            {"json", no_argument, NULL, 'j'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        char found[4096], err[4096];
        const char *path = NULL;
        bool json = false;
        struct scmp_client *c = NULL;
        int opt, r;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "s:jh", options, NULL)) != -1) {
                switch (opt) {
                case 's':
                        path = optarg;
                        break;
                case 'j':
                        json = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        fputs("Try 'scmp-super prompt --help'.\n", stderr);
                        return 2;
                }
        }
        if (optind != argc) {
                fprintf(stderr, "scmp-super prompt: unexpected argument \"%s\"\n", argv[optind]);
                return 2;
        }
        /* This process speaks for a person. A supervised command of the same
         * uid that could write its memory (ptrace, process_vm_writev, where
         * no Landlock domain stops it: supervisor/launch/seal.h) could answer for
         * them; non-dumpable, it cannot without CAP_SYS_PTRACE. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
                fprintf(stderr, "scmp-super prompt: prctl(PR_SET_DUMPABLE): %s\n", strerror(errno));
                return 1;
        }
        if (!path) {
                r = scmp_client_find_socket(found, sizeof(found), err, sizeof(err));
                if (r < 0) {
                        fprintf(stderr, "scmp-super prompt: %s%s\n", err,
                                r == -EEXIST ? " (choose one with --socket)" : "");
                        return 1;
                }
                path = found;
        }
        r = scmp_client_connect(path, &c);
        if (r < 0) {
                fprintf(stderr, "scmp-super prompt: %s: %s\n", path,
                        r == -EPERM ? "the process listening there is neither you nor root; "
                                      "not answering it"
                                    : strerror(-r));
                return 1;
        }
        /* A hung-up supervisor is an error return, not a SIGPIPE; ^C and
         * friends end the loop so the terminal is restored. */
        signal(SIGPIPE, SIG_IGN);
        struct sigaction sa = {.sa_handler = on_signal};
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
        r = json ? run_json(c) : run_interactive(c);
        scmp_client_close(c);
        return r;
}
