/* SPDX-License-Identifier: MIT */
/* client/cmd_status.c: `scmp-super status`, what a running daemon serves. */
/* It asks over the daemon's control socket with scmp_client_request(). */
#include "cmd_status.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/text.h"
#include "scmp_client.h"

static void status_usage(FILE *out)
{
        fputs("Usage: scmp-super status [--control PATH] [--json]\n"
              "\n"
              "Show what a running daemon serves: each target (pid, container id, profile,\n"
              "calls decided per action), the calls waiting for a prompt's answer (the paths\n"
              "and addresses they name, and the program), and the profiles its last reload\n"
              "could not load (why and when).\n"
              "\n"
              "Options:\n"
              "  -c, --control PATH  the daemon's control socket (default: $SCMP_SUPER_CONTROL)\n"
              "      --json          print the daemon's reply as it is (one JSON object)\n"
              "  -h, --help          show this help\n"
              "\n"
              "Exit status: 0 shown, 1 the daemon could not be asked, 2 bad usage.\n",
              out);
}

static double number(const cJSON *obj, const char *key)
{
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
        return cJSON_IsNumber(item) ? item->valuedouble : 0;
}

static const char *string(const cJSON *obj, const char *key, const char *fallback)
{
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
        return cJSON_IsString(item) ? item->valuestring : fallback;
}

/* The width a column needs for text, at least width; capped so that a
 * hostile name cannot ask for a screenful of padding. */
static int column_width(const char *text, int width)
{
        size_t n = strlen(text);
        if (n > 128)
                n = 128;
        return (int)n > width ? (int)n : width;
}

/* Text a target or a profile file chose, printed so that it can neither
 * forge a line nor move the terminal's cursor. */
static void put_printable(FILE *out, const char *s)
{
        char safe[1024];
        fputs(text_printable(s, safe, sizeof(safe)), out);
}

/* What a waiting prompt asks: the call, the paths and addresses it names,
 * and the program making it. */
static void print_waiting_call(FILE *out, const cJSON *target, const cJSON *call)
{
        const cJSON *item;
        const char *exe = string(call, "exe", NULL);

        fputs("  ", out);
        put_printable(out, string(target, "container", "-"));
        fprintf(out, " pid %.0f: ", number(call, "pid"));
        put_printable(out, string(call, "syscall", "?"));
        cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(call, "paths"))
        {
                fputc(' ', out);
                put_printable(out, cJSON_IsString(item) ? item->valuestring : "?");
        }
        cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(call, "addresses"))
        {
                fputs(" to ", out);
                put_printable(out, cJSON_IsString(item) ? item->valuestring : "(no address)");
        }
        if (exe) {
                fputs(" (", out);
                put_printable(out, exe);
                fputc(')', out);
        }
        fputc('\n', out);
}

/* The profiles the daemon's last reload could not load. */
static void print_reload_failures(const cJSON *reply, FILE *out)
{
        const cJSON *f;
        cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(reply, "reload_failures"))
        {
                const cJSON *kept = cJSON_GetObjectItemCaseSensitive(f, "kept");
                fputs("reload failed: profile ", out);
                put_printable(out, string(f, "name", "?"));
                fputs(" at ", out);
                put_printable(out, string(f, "when", "?"));
                fputs(": ", out);
                put_printable(out, string(f, "error", "?"));
                fputs(cJSON_IsTrue(kept) ? "; serving the version loaded before\n"
                                         : "; not available\n",
                      out);
        }
}

static void print_status(const cJSON *reply, FILE *out)
{
        const cJSON *targets = cJSON_GetObjectItemCaseSensitive(reply, "targets");
        const cJSON *profiles = cJSON_GetObjectItemCaseSensitive(reply, "profiles");
        const cJSON *t, *p;
        size_t n_pending = 0;

        /* Without "pid" when the daemon's pid would not name it here (we
         * are in another pid namespace). */
        if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(reply, "pid")))
                fprintf(out, "daemon pid %.0f, ", number(reply, "pid"));
        else
                fputs("daemon (its pid is not one of this pid namespace), ", out);
        fprintf(out, "up since %s; %.0f target%s served, %.0f refused\n",
                string(reply, "since", "?"), number(reply, "served"),
                number(reply, "served") == 1 ? "" : "s", number(reply, "refused"));
        fputs("profiles:", out);
        cJSON_ArrayForEach(p, profiles)
        {
                fprintf(out, " %s (%s)%s", string(p, "name", "?"), string(p, "source", "?"),
                        p->next ? "," : "");
        }
        fputc('\n', out);
        print_reload_failures(reply, out);
        /* Columns as wide as their longest value: a container id is 64
         * characters under Podman, containerd and Kubernetes, and a cut id
         * cannot be pasted into another tool. */
        int container_width = (int)strlen("CONTAINER"), policy_width = (int)strlen("POLICY");
        cJSON_ArrayForEach(t, targets)
        {
                container_width = column_width(string(t, "container", "-"), container_width);
                policy_width = column_width(string(t, "policy", "?"), policy_width);
        }
        fprintf(out, "%-8s %-*s %-*s %8s %8s %8s %8s %8s\n", "PID", container_width, "CONTAINER",
                policy_width, "POLICY", "ALLOW", "LOG", "DENY", "KILL", "PENDING");
        cJSON_ArrayForEach(t, targets)
        {
                const cJSON *decided = cJSON_GetObjectItemCaseSensitive(t, "decided");
                const cJSON *pending = cJSON_GetObjectItemCaseSensitive(t, "pending");
                int waiting = cJSON_GetArraySize(pending);
                char pid[24] = "-"; /* 0: a runtime's exec, which names no pid */
                n_pending += (size_t)waiting;
                if (number(t, "pid") > 0)
                        snprintf(pid, sizeof(pid), "%.0f", number(t, "pid"));
                fprintf(out, "%-8s %-*s %-*s %8.0f %8.0f %8.0f %8.0f %8d\n", pid, container_width,
                        string(t, "container", "-"), policy_width, string(t, "policy", "?"),
                        number(decided, "allow"), number(decided, "log"), number(decided, "deny"),
                        number(decided, "kill"), waiting);
        }
        if (cJSON_GetArraySize(targets) == 0)
                fputs("(no targets)\n", out);
        if (n_pending == 0)
                return;
        fputs("waiting for an answer:\n", out);
        cJSON_ArrayForEach(t, targets)
        {
                const cJSON *call;
                cJSON_ArrayForEach(call, cJSON_GetObjectItemCaseSensitive(t, "pending"))
                {
                        print_waiting_call(out, t, call);
                }
        }
}

int cmd_status(int argc, char **argv)
{
        enum { OPT_JSON = 256 };
        static const struct option options[] = {
            {"control", required_argument, NULL, 'c'},
            {"json", no_argument, NULL, OPT_JSON},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        const char *control = getenv("SCMP_SUPER_CONTROL");
        bool json = false;
        char why[512], *text = NULL;
        cJSON *reply = NULL;
        int opt, r, status = 1;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "c:h", options, NULL)) != -1) {
                switch (opt) {
                case 'c':
                        control = optarg;
                        break;
                case OPT_JSON:
                        json = true;
                        break;
                case 'h':
                        status_usage(stdout);
                        return 0;
                default:
                        fputs("Try 'scmp-super status --help'.\n", stderr);
                        return 2;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "scmp-super status: unexpected argument \"%s\"\n", argv[optind]);
                return 2;
        }
        if (!control || !*control) {
                fputs("scmp-super status: no control socket (--control PATH, or set "
                      "SCMP_SUPER_CONTROL)\n",
                      stderr);
                return 2;
        }
        r = scmp_client_request(control, "{\"type\":\"status\"}", &text, why, sizeof(why));
        if (r < 0) {
                fprintf(stderr, "scmp-super status: %s: %s\n", control, why);
                return 1;
        }
        reply = cJSON_Parse(text);
        const char *type = string(reply, "type", NULL);
        if (!reply || !type) {
                fprintf(stderr, "scmp-super status: %s: the reply is not a JSON object\n", control);
        } else if (strcmp(type, "status") != 0) {
                fprintf(stderr, "scmp-super status: %s: %s\n", control,
                        string(reply, "message", text));
        } else {
                if (json)
                        printf("%s\n", text);
                else
                        print_status(reply, stdout);
                status = 0;
        }
        cJSON_Delete(reply);
        free(text);
        return status;
}
