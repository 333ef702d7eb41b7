/* SPDX-License-Identifier: MIT */
#include "decision_log.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "errnos.h"
#include "netaddr.h"
#include "supervisor.h"
#include "syscall_args.h"

/* Writes s as a JSON string. Target-supplied bytes are escaped, never
 * trusted to be UTF-8 or printable. */
static void put_json_string(FILE *out, const char *s)
{
        fputc('"', out);
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (*p == '"' || *p == '\\')
                        fprintf(out, "\\%c", *p);
                else if (*p < 0x20 || *p >= 0x7f)
                        fprintf(out, "\\u%04x", *p);
                else
                        fputc(*p, out);
        }
        fputc('"', out);
}

void decision_log_write(FILE *out, const struct target *t, const struct policy_call *call,
                        const struct policy_decision *d)
{
        struct timespec ts;
        struct tm tm;
        char when[32], text[256];
        const char *name = supervisor_syscall_name(t->sup, call->nr);

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);

        fprintf(out, "{\"time\":\"%s.%06ldZ\",\"pid\":%d", when, ts.tv_nsec / 1000, call->pid);
        if (t->id) {
                fputs(",\"container\":", out);
                put_json_string(out, t->id);
        }
        fputs(",\"exe\":", out);
        if (call->have_exe && call->exe)
                put_json_string(out, call->exe);
        else
                fputs("null", out);
        fputs(",\"syscall\":", out);
        put_json_string(out, name);
        fprintf(out, ",\"nr\":%d,\"args\":[", call->nr);
        for (int i = 0; i < 6; i++)
                fprintf(out, "%s\"%#" PRIx64 "\"", i ? "," : "", call->args[i]);
        fputc(']', out);

        const struct syscall_desc *desc = syscall_desc_get(call->nr);
        if (call->have_paths && call->n_paths) {
                fputs(",\"paths\":[", out);
                for (unsigned i = 0; i < call->n_paths; i++) {
                        if (i)
                                fputc(',', out);
                        if (call->paths[i])
                                put_json_string(out, call->paths[i]);
                        else
                                fputs("null", out);
                }
                fputc(']', out);
        }
        if (call->have_addr && call->addr_len > 0 &&
            netaddr_format((const struct sockaddr *)&call->addr, call->addr_len, text,
                           sizeof(text)) == 0) {
                fputs(",\"address\":", out);
                put_json_string(out, text);
        }
        if (desc) {
                for (int i = 0; i < desc->nargs && i < 6; i++) {
                        int r = -1;
                        const char *key = NULL;
                        switch (desc->kinds[i]) {
                        case ARG_OPEN_FLAGS:
                                key = "flags";
                                r = syscall_format_open_flags(call->args[i], text, sizeof(text));
                                break;
                        case ARG_MODE:
                                key = "mode";
                                r = syscall_format_mode(call->args[i], text, sizeof(text));
                                break;
                        case ARG_SOCKET_FAMILY:
                                key = "family";
                                r = syscall_format_socket_family(call->args[i], text, sizeof(text));
                                break;
                        case ARG_SOCKET_TYPE:
                                key = "type";
                                r = syscall_format_socket_type(call->args[i], text, sizeof(text));
                                break;
                        case ARG_CLONE_FLAGS:
                                key = "clone_flags";
                                r = syscall_format_clone_flags(call->args[i], text, sizeof(text));
                                break;
                        default:
                                break;
                        }
                        if (key && r == 0) {
                                fprintf(out, ",\"%s\":", key);
                                put_json_string(out, text);
                        }
                }
        }

        fputs(",\"rule\":", out);
        if (d->rule) {
                snprintf(text, sizeof(text), "supervisor.rules[%zu]", d->rule->source_index);
                put_json_string(out, text);
                if (d->rule->comment) {
                        fputs(",\"comment\":", out);
                        put_json_string(out, d->rule->comment);
                }
        } else {
                put_json_string(out, "default");
        }
        fputs(",\"decision\":", out);
        put_json_string(out, policy_verdict_name(d->verdict));
        if (d->verdict == VERDICT_DENY) {
                const char *e = errno_to_name(d->errno_value);
                fputs(",\"errno\":", out);
                put_json_string(out, e ? e : "?");
        }
        fputs("}\n", out);
}
