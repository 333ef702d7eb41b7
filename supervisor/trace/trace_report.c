/* SPDX-License-Identifier: MIT */
/* trace/trace_report.c: a trace's reports: summary table, JSON, GitHub annotations, JUnit. */
/*
 * Reports of a trace. The JSON report is built with cJSON, whose printing is
 * deterministic; the others are written directly. Every function here only
 * reads the recorder.
 */
#include "trace/trace_report.h"
#include "base/text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>

#include "syscall_args.h"

struct named_value {
        uint64_t value;
        const char *name;
};

#define NAMED(x)                                                                                   \
        {                                                                                          \
                (uint64_t)(x), #x                                                                  \
        }

/* The terminal and file ioctls nearly every program makes; others in hex. */
static const struct named_value ioctl_names[] = {
    NAMED(TCGETS),     NAMED(TCSETS),     NAMED(TCSETSW),   NAMED(TCSETSF),   NAMED(TIOCGWINSZ),
    NAMED(TIOCSWINSZ), NAMED(TIOCGPGRP),  NAMED(TIOCSPGRP), NAMED(TIOCSCTTY), NAMED(TIOCNOTTY),
    NAMED(TIOCGPTN),   NAMED(TIOCSPTLCK), NAMED(TIOCOUTQ),  NAMED(TIOCSTI),   NAMED(FIONREAD),
    NAMED(FIONBIO),    NAMED(FIOCLEX),    NAMED(FIONCLEX),  NAMED(FIOASYNC),  NAMED(TCFLSH),
    NAMED(TCXONC),     NAMED(TCSBRK),     NAMED(TIOCGSID),  NAMED(TIOCEXCL),
};

static const struct named_value prctl_names[] = {
    NAMED(PR_SET_PDEATHSIG),
    NAMED(PR_GET_PDEATHSIG),
    NAMED(PR_GET_DUMPABLE),
    NAMED(PR_SET_DUMPABLE),
    NAMED(PR_GET_KEEPCAPS),
    NAMED(PR_SET_KEEPCAPS),
    NAMED(PR_SET_NAME),
    NAMED(PR_GET_NAME),
    NAMED(PR_GET_SECCOMP),
    NAMED(PR_SET_SECCOMP),
    NAMED(PR_CAPBSET_READ),
    NAMED(PR_CAPBSET_DROP),
    NAMED(PR_GET_TIMERSLACK),
    NAMED(PR_SET_TIMERSLACK),
    NAMED(PR_SET_SECUREBITS),
    NAMED(PR_GET_SECUREBITS),
    NAMED(PR_SET_CHILD_SUBREAPER),
    NAMED(PR_GET_CHILD_SUBREAPER),
    NAMED(PR_SET_NO_NEW_PRIVS),
    NAMED(PR_GET_NO_NEW_PRIVS),
    NAMED(PR_SET_THP_DISABLE),
    NAMED(PR_GET_THP_DISABLE),
    NAMED(PR_SET_MM),
    NAMED(PR_CAP_AMBIENT),
    NAMED(PR_SET_PTRACER),
    NAMED(PR_SET_TIMING),
    NAMED(PR_MCE_KILL),
    NAMED(PR_GET_TID_ADDRESS),
    NAMED(PR_SET_FP_MODE),
    NAMED(PR_GET_SPECULATION_CTRL),
    NAMED(PR_SET_SPECULATION_CTRL),
};

#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup_name(const struct named_value *table, size_t n, uint64_t v)
{
        for (size_t i = 0; i < n; i++)
                if (table[i].value == v)
                        return table[i].name;
        return NULL;
}

static int put(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int put(char *buf, size_t size, const char *fmt, ...)
{
        va_list ap;
        if (size == 0)
                return -ENOSPC;
        va_start(ap, fmt);
        int n = vsnprintf(buf, size, fmt, ap);
        va_end(ap);
        return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

int trace_format_value(enum trace_arg_kind kind, uint64_t value, char *buf, size_t size)
{
        const char *name = NULL;
        switch (kind) {
        case TRACE_ARG_SOCKET_FAMILY:
                return syscall_format_socket_family(value, buf, size);
        case TRACE_ARG_SOCKET_TYPE:
                return syscall_format_socket_type(value, buf, size);
        case TRACE_ARG_CLONE_FLAGS:
                return syscall_format_clone_flags(value, buf, size);
        case TRACE_ARG_IOCTL_REQUEST:
                /* The kernel reads the request as an unsigned int. */
                name = lookup_name(ioctl_names, N_ELEMENTS(ioctl_names), value & 0xffffffffu);
                break;
        case TRACE_ARG_PRCTL_OPTION:
                name = lookup_name(prctl_names, N_ELEMENTS(prctl_names), value & 0xffffffffu);
                break;
        case TRACE_ARG_PERSONALITY:
                break;
        }
        if (name)
                return put(buf, size, "%s", name);
        return put(buf, size, "%#" PRIx64, value);
}

/* A copy of s with control characters and bytes that are not UTF-8
 * replaced by '?'. NULL in, NULL out (and NULL when out of memory). */
static char *clean_text(const char *s)
{
        if (!s)
                return NULL;
        size_t n = strlen(s);
        char *out = malloc(n + 1);
        if (!out)
                return NULL;
        const unsigned char *p = (const unsigned char *)s;
        size_t i = 0, o = 0;
        while (p[i] != '\0') {
                uint32_t cp;
                size_t len = text_utf8_decode(p + i, n - i, &cp);
                if (len == 0 || (len == 1 && (p[i] < 0x20 || p[i] == 0x7f))) {
                        out[o++] = '?';
                        i++;
                        continue;
                }
                memcpy(out + o, p + i, len);
                o += len;
                i += len;
        }
        out[o] = '\0';
        return out;
}

char *trace_clean_text(const char *s)
{
        return clean_text(s);
}

static bool needs_quoting(const char *s)
{
        if (!*s)
                return true;
        for (const char *p = s; *p; p++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                            "@%+=:,./-_",
                            *p))
                        return true;
        return false;
}

char *trace_command_string(char *const *argv)
{
        size_t size = 1;
        for (size_t i = 0; argv[i]; i++)
                size += 4 * strlen(argv[i]) + 3;
        char *out = malloc(size), *o = out;
        if (!out)
                return NULL;
        for (size_t i = 0; argv[i]; i++) {
                if (i)
                        *o++ = ' ';
                if (!needs_quoting(argv[i])) {
                        o = stpcpy(o, argv[i]);
                        continue;
                }
                /* Single quotes protect everything but a single quote. */
                *o++ = '\'';
                for (const char *p = argv[i]; *p; p++) {
                        if (*p == '\'')
                                o = stpcpy(o, "'\\''");
                        else
                                *o++ = *p;
                }
                *o++ = '\'';
        }
        *o = '\0';
        char *clean = clean_text(out);
        free(out);
        return clean;
}

/* JSON */

static cJSON *caller_json(const struct trace_caller *c)
{
        cJSON *obj = cJSON_CreateObject();
        if (!obj)
                return NULL;
        char *exe = c ? clean_text(c->exe) : NULL, *cmdline = c ? clean_text(c->cmdline) : NULL;
        bool ok =
            cJSON_AddNumberToObject(obj, "pid", c ? c->pid : 0) &&
            (exe ? cJSON_AddStringToObject(obj, "exe", exe) : cJSON_AddNullToObject(obj, "exe")) &&
            (cmdline ? cJSON_AddStringToObject(obj, "cmdline", cmdline)
                     : cJSON_AddNullToObject(obj, "cmdline"));
        free(exe);
        free(cmdline);
        if (!ok) {
                cJSON_Delete(obj);
                return NULL;
        }
        return obj;
}

static int compare_strings(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The set's strings, sorted (pointers into the set); NULL when the set is
 * empty or out of memory. */
const char **trace_strset_sorted(const struct trace_strset *set)
{
        const char **list = set->n ? malloc(set->n * sizeof(*list)) : NULL;
        size_t k = 0;
        if (!list)
                return NULL;
        for (size_t i = 0; i < set->cap; i++)
                if (set->slots[i] && k < set->n)
                        list[k++] = set->slots[i];
        qsort(list, k, sizeof(*list), compare_strings);
        return list;
}

int trace_strset_json(cJSON *obj, const char *key, const struct trace_strset *set)
{
        cJSON *group = cJSON_AddObjectToObject(obj, key), *values;
        const char **sorted = trace_strset_sorted(set);
        int r = -ENOMEM;
        if (!group || !sorted || !(values = cJSON_AddArrayToObject(group, "values")) ||
            !cJSON_AddBoolToObject(group, "truncated", set->truncated))
                goto out;
        for (size_t i = 0; i < set->n; i++) {
                char *clean = clean_text(sorted[i]);
                cJSON *str = clean ? cJSON_CreateString(clean) : NULL;
                free(clean);
                if (!str)
                        goto out;
                cJSON_AddItemToArray(values, str);
        }
        r = 0;
out:
        free(sorted);
        return r;
}

static cJSON *syscall_json(const struct trace_recorder *rec, int nr)
{
        const struct trace_syscall *s = &rec->calls[nr];
        const struct trace_arg_desc *descs;
        const char *name = trace_recorder_name(rec, nr);
        cJSON *obj = cJSON_CreateObject();
        char text[256];

        if (!obj)
                return NULL;
        if (!(name ? cJSON_AddStringToObject(obj, "name", name)
                   : cJSON_AddNullToObject(obj, "name")) ||
            !cJSON_AddNumberToObject(obj, "nr", nr) ||
            !cJSON_AddBoolToObject(obj, "new", !s->named) ||
            !cJSON_AddNumberToObject(obj, "count", (double)s->count))
                goto fail;
        cJSON *first = caller_json(s->first), *last = caller_json(s->last);
        if (first)
                cJSON_AddItemToObject(obj, "first", first);
        if (last)
                cJSON_AddItemToObject(obj, "last", last);
        if (!first || !last)
                goto fail;

        size_t n = trace_arg_descs(nr, &descs);
        if (n) {
                cJSON *args = cJSON_AddArrayToObject(obj, "args");
                if (!args)
                        goto fail;
                for (size_t i = 0; i < n && i < TRACE_MAX_ARGS; i++) {
                        const struct trace_values *v = &s->args[i];
                        cJSON *arg = cJSON_CreateObject(), *values;
                        if (!arg)
                                goto fail;
                        cJSON_AddItemToArray(args, arg);
                        if (!cJSON_AddNumberToObject(arg, "index", descs[i].index) ||
                            !cJSON_AddStringToObject(arg, "meaning", descs[i].key) ||
                            !(values = cJSON_AddArrayToObject(arg, "values")) ||
                            !cJSON_AddBoolToObject(arg, "truncated", v->truncated))
                                goto fail;
                        for (unsigned k = 0; k < v->n; k++) {
                                char hex[24];
                                cJSON *one = cJSON_CreateObject();
                                if (!one)
                                        goto fail;
                                cJSON_AddItemToArray(values, one);
                                snprintf(hex, sizeof(hex), "%#" PRIx64, v->values[k]);
                                trace_format_value(descs[i].kind, v->values[k], text, sizeof(text));
                                if (!cJSON_AddStringToObject(one, "value", hex) ||
                                    !cJSON_AddStringToObject(one, "text", text))
                                        goto fail;
                        }
                }
        }
        if (trace_report_syscall_details(rec, nr, obj) < 0)
                goto fail;
        if (rec->record_paths && s->paths.n && trace_strset_json(obj, "paths", &s->paths) < 0)
                goto fail;
        return obj;
fail:
        cJSON_Delete(obj);
        return NULL;
}

static int write_all(FILE *out, const char *text)
{
        if (fputs(text, out) == EOF || fputc('\n', out) == EOF)
                return -EIO;
        return 0;
}

int trace_report_json(const struct trace_recorder *rec, const struct trace_run *run, FILE *out)
{
        int *all = NULL, *fresh = NULL;
        size_t n_all = 0, n_fresh = 0;
        cJSON *root = cJSON_CreateObject(), *item;
        char *text = NULL;
        int r = -ENOMEM;

        if (!root || trace_recorder_sorted(rec, false, &all, &n_all) < 0 ||
            trace_recorder_sorted(rec, true, &fresh, &n_fresh) < 0)
                goto out;
        if (!cJSON_AddNumberToObject(root, "schemaVersion", 1) ||
            !(item = cJSON_AddArrayToObject(root, "command")))
                goto out;
        for (size_t i = 0; run->argv && run->argv[i]; i++) {
                char *clean = clean_text(run->argv[i]);
                cJSON *s = clean ? cJSON_CreateString(clean) : NULL;
                free(clean);
                if (!s)
                        goto out;
                cJSON_AddItemToArray(item, s);
        }
        if (!(run->base ? cJSON_AddStringToObject(root, "base", run->base)
                        : cJSON_AddNullToObject(root, "base")) ||
            !cJSON_AddNumberToObject(root, "exitStatus", run->exit_status) ||
            !cJSON_AddNumberToObject(root, "status", run->status) ||
            !cJSON_AddBoolToObject(root, "failOnUnknown", run->fail_on_unknown) ||
            !(item = cJSON_AddObjectToObject(root, "totals")) ||
            !cJSON_AddNumberToObject(item, "calls", (double)rec->total) ||
            !cJSON_AddNumberToObject(item, "newCalls", (double)rec->total_new) ||
            !cJSON_AddNumberToObject(item, "syscalls", (double)n_all) ||
            !cJSON_AddNumberToObject(item, "newSyscalls", (double)n_fresh) ||
            !(item = cJSON_AddArrayToObject(root, "newSyscalls")))
                goto out;
        for (size_t i = 0; i < n_fresh; i++) {
                const char *name = trace_recorder_name(rec, fresh[i]);
                cJSON *s = name ? cJSON_CreateString(name) : cJSON_CreateNull();
                if (!s)
                        goto out;
                cJSON_AddItemToArray(item, s);
        }
        if (trace_report_json_details(rec, run, root) < 0 ||
            !(item = cJSON_AddArrayToObject(root, "syscalls")))
                goto out;
        for (size_t i = 0; i < n_all; i++) {
                cJSON *s = syscall_json(rec, all[i]);
                if (!s)
                        goto out;
                cJSON_AddItemToArray(item, s);
        }
        if (trace_report_json_proposal(rec, run, root) < 0)
                goto out;
        text = cJSON_Print(root);
        if (!text)
                goto out;
        r = write_all(out, text);
out:
        free(text);
        cJSON_Delete(root);
        free(all);
        free(fresh);
        return r;
}

/* The human table */

static const struct trace_recorder *table_rec;

static int compare_by_count(const void *a, const void *b)
{
        int x = *(const int *)a, y = *(const int *)b;
        uint64_t cx = table_rec->calls[x].count, cy = table_rec->calls[y].count;
        if (cx != cy)
                return cx > cy ? -1 : 1;
        /* The name order trace_recorder_sorted() gave breaks ties. */
        return 0;
}

/* "family AF_UNIX AF_INET; type SOCK_STREAM" */
static void print_values(FILE *out, const struct trace_recorder *rec, int nr)
{
        const struct trace_arg_desc *descs;
        size_t n = trace_arg_descs(nr, &descs);
        char text[256];
        for (size_t i = 0; i < n && i < TRACE_MAX_ARGS; i++) {
                const struct trace_values *v = &rec->calls[nr].args[i];
                fprintf(out, "%s%s", i ? "; " : "", descs[i].key);
                for (unsigned k = 0; k < v->n; k++) {
                        trace_format_value(descs[i].kind, v->values[k], text, sizeof(text));
                        fprintf(out, " %s", text);
                }
                if (v->truncated)
                        fputs(" ...", out);
        }
}

void trace_report_table(const struct trace_recorder *rec, const struct trace_run *run, FILE *out)
{
        int *nrs = NULL;
        size_t n = 0, n_new = trace_recorder_count(rec, true);

        if (trace_recorder_sorted(rec, false, &nrs, &n) < 0) {
                fputs("scmp-super trace: out of memory for the summary\n", out);
                return;
        }
        /* Stable sort by count over the name order: insertion sort keeps
         * ties in name order, and n is a few hundred at most. */
        table_rec = rec;
        for (size_t i = 1; i < n; i++) {
                int key = nrs[i];
                size_t j = i;
                while (j > 0 && compare_by_count(&nrs[j - 1], &key) > 0) {
                        nrs[j] = nrs[j - 1];
                        j--;
                }
                nrs[j] = key;
        }
        table_rec = NULL;

        fprintf(out, "scmp-super trace: %" PRIu64 " call%s to %zu syscall%s; %zu not in %s%s\n",
                rec->total, rec->total == 1 ? "" : "s", n, n == 1 ? "" : "s", n_new,
                run->base ? "the base profile " : "a base profile",
                run->base ? run->base : " (none given)");
        if (n)
                fprintf(out, "  %-1s %10s  %-22s %s\n", "", "calls", "syscall",
                        "first caller / arguments seen");
        for (size_t i = 0; i < n; i++) {
                const struct trace_syscall *s = &rec->calls[nrs[i]];
                const char *name = trace_recorder_name(rec, nrs[i]);
                char number[24];
                const struct trace_arg_desc *descs;
                if (!name) {
                        snprintf(number, sizeof(number), "#%d", nrs[i]);
                        name = number;
                }
                fprintf(out, "  %-1s %10" PRIu64 "  %-22s ", s->named ? "" : "+", s->count, name);
                if (trace_arg_descs(nrs[i], &descs)) {
                        print_values(out, rec, nrs[i]);
                } else if (s->first) {
                        char *exe = clean_text(s->first->exe);
                        fprintf(out, "%d %s", s->first->pid, exe ? exe : "?");
                        free(exe);
                }
                fputc('\n', out);
        }
        if (n_new)
                fprintf(out, "  (+: not in the base profile; %zu syscall%s, %" PRIu64 " call%s)\n",
                        n_new, n_new == 1 ? "" : "s", rec->total_new,
                        rec->total_new == 1 ? "" : "s");
        free(nrs);
}

/* GitHub */

/* Workflow command data: '%', CR and LF are escaped; in properties also
 * ':' and ','. Everything else passes, so a cleaned command line cannot
 * end the annotation early or start a new command. */
static void github_escape(FILE *out, const char *s, bool property)
{
        for (const char *p = s; *p; p++) {
                switch (*p) {
                case '%':
                        fputs("%25", out);
                        break;
                case '\r':
                        fputs("%0D", out);
                        break;
                case '\n':
                        fputs("%0A", out);
                        break;
                case ':':
                        fputs(property ? "%3A" : ":", out);
                        break;
                case ',':
                        fputs(property ? "%2C" : ",", out);
                        break;
                default:
                        fputc(*p, out);
                }
        }
}

/* Markdown table cells: '|' would end the cell, and backticks or '<'
 * could start code or HTML. */
static void markdown_escape(FILE *out, const char *s)
{
        for (const char *p = s; *p; p++) {
                if (strchr("|`<>*_[]\\", *p))
                        fputc('\\', out);
                fputc(*p, out);
        }
}

static void describe_first(FILE *out, const struct trace_syscall *s, bool markdown)
{
        char *exe = s->first ? clean_text(s->first->exe) : NULL;
        char *cmdline = s->first ? clean_text(s->first->cmdline) : NULL;
        char pid[32];
        snprintf(pid, sizeof(pid), "%d", s->first ? s->first->pid : 0);
        if (markdown) {
                markdown_escape(out, cmdline ? cmdline : "?");
                fprintf(out, " (pid %s, ", pid);
                markdown_escape(out, exe ? exe : "?");
                fputc(')', out);
        } else {
                fprintf(out, "first called by pid %s ", pid);
                github_escape(out, exe ? exe : "?", false);
                fputs(" (", out);
                github_escape(out, cmdline ? cmdline : "?", false);
                fputc(')', out);
        }
        free(exe);
        free(cmdline);
}

int trace_report_github(const struct trace_recorder *rec, const struct trace_run *run, FILE *out,
                        FILE *summary)
{
        const char *level = run->fail_on_unknown ? "error" : "warning";
        char *command = run->argv ? trace_command_string(run->argv) : NULL;
        int *nrs = NULL;
        size_t n = 0;

        if (trace_recorder_sorted(rec, true, &nrs, &n) < 0) {
                free(command);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n && i < TRACE_GITHUB_ANNOTATIONS; i++) {
                const struct trace_syscall *s = &rec->calls[nrs[i]];
                const char *name = trace_recorder_name(rec, nrs[i]);
                char number[24];
                if (!name) {
                        snprintf(number, sizeof(number), "#%d", nrs[i]);
                        name = number;
                }
                fprintf(out, "::%s title=", level);
                github_escape(out, "scmp-super trace: syscall not in the profile", true);
                fprintf(out, "::%s: %" PRIu64 " call%s, ", name, s->count,
                        s->count == 1 ? "" : "s");
                describe_first(out, s, false);
                fputc('\n', out);
        }
        if (n > TRACE_GITHUB_ANNOTATIONS)
                fprintf(out, "::%s::%zu more syscall%s not in the profile%s\n", level,
                        n - TRACE_GITHUB_ANNOTATIONS, n - TRACE_GITHUB_ANNOTATIONS == 1 ? "" : "s",
                        summary ? " (all of them are in the job summary)" : "");
        if (n == 0)
                fputs("::notice::scmp-super trace: no syscalls outside the profile\n", out);

        if (summary) {
                fputs("### scmp-super trace: ", summary);
                markdown_escape(summary, command ? command : "?");
                size_t seen = trace_recorder_count(rec, false);
                fprintf(summary,
                        "\n\n%" PRIu64 " call%s to %zu syscall%s; **%zu not in %s**. The command "
                        "exited with status %d.\n\n",
                        rec->total, rec->total == 1 ? "" : "s", seen, seen == 1 ? "" : "s", n,
                        run->base ? "the base profile" : "a base profile (none given)",
                        run->exit_status);
                if (n) {
                        fputs("| syscall | calls | first caller |\n|---|---:|---|\n", summary);
                        for (size_t i = 0; i < n; i++) {
                                const struct trace_syscall *s = &rec->calls[nrs[i]];
                                const char *name = trace_recorder_name(rec, nrs[i]);
                                fprintf(summary, "| %s | %" PRIu64 " | ", name ? name : "?",
                                        s->count);
                                describe_first(summary, s, true);
                                fputs(" |\n", summary);
                        }
                        fputc('\n', summary);
                }
        }
        free(nrs);
        free(command);
        if (ferror(out) || (summary && ferror(summary)))
                return -EIO;
        return 0;
}

/* JUnit */

static void xml_escape(FILE *out, const char *s)
{
        char *clean = clean_text(s);
        for (const char *p = clean ? clean : "?"; *p; p++) {
                switch (*p) {
                case '&':
                        fputs("&amp;", out);
                        break;
                case '<':
                        fputs("&lt;", out);
                        break;
                case '>':
                        fputs("&gt;", out);
                        break;
                case '"':
                        fputs("&quot;", out);
                        break;
                case '\'':
                        fputs("&apos;", out);
                        break;
                default:
                        fputc(*p, out);
                }
        }
        free(clean);
}

static void junit_details(FILE *out, const struct trace_recorder *rec, int nr)
{
        const struct trace_syscall *s = &rec->calls[nr];
        const struct trace_arg_desc *descs;
        char text[64];
        snprintf(text, sizeof(text), "%" PRIu64 " call%s; first caller: pid %d ", s->count,
                 s->count == 1 ? "" : "s", s->first ? s->first->pid : 0);
        fputs(text, out);
        xml_escape(out, s->first && s->first->exe ? s->first->exe : "?");
        fputs(" (", out);
        xml_escape(out, s->first && s->first->cmdline ? s->first->cmdline : "?");
        fputs(")", out);
        if (trace_arg_descs(nr, &descs)) {
                char *buf = NULL;
                size_t len = 0;
                FILE *mem = open_memstream(&buf, &len);
                if (mem) {
                        print_values(mem, rec, nr);
                        fclose(mem);
                        fputs("; ", out);
                        xml_escape(out, buf ? buf : "");
                }
                free(buf);
        }
}

int trace_report_junit(const struct trace_recorder *rec, const struct trace_run *run, FILE *out)
{
        char *command = run->argv ? trace_command_string(run->argv) : NULL;
        int *nrs = NULL;
        size_t n = 0;

        if (trace_recorder_sorted(rec, true, &nrs, &n) < 0) {
                free(command);
                return -ENOMEM;
        }
        size_t failures = (run->fail_on_unknown ? n : 0) + (run->exit_status != 0);
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
        fprintf(out, "<testsuites name=\"scmp-super trace\" tests=\"%zu\" failures=\"%zu\">\n",
                n + 1, failures);
        fputs("  <testsuite name=\"", out);
        xml_escape(out, command ? command : "?");
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", n + 1,
                failures);

        fputs("    <testcase classname=\"scmp-super.trace\" name=\"command exit status\">\n", out);
        if (run->exit_status != 0)
                fprintf(out,
                        "      <failure type=\"exit-status\" message=\"the command exited with "
                        "status %d\"/>\n",
                        run->exit_status);
        fputs("    </testcase>\n", out);

        for (size_t i = 0; i < n; i++) {
                const char *name = trace_recorder_name(rec, nrs[i]);
                char number[24];
                if (!name) {
                        snprintf(number, sizeof(number), "#%d", nrs[i]);
                        name = number;
                }
                fputs("    <testcase classname=\"scmp-super.trace.syscall\" name=\"", out);
                xml_escape(out, name);
                fputs("\">\n", out);
                if (run->fail_on_unknown) {
                        fputs("      <failure type=\"new-syscall\" message=\"syscall ", out);
                        xml_escape(out, name);
                        fputs(" is not in the profile\">", out);
                        junit_details(out, rec, nrs[i]);
                        fputs("</failure>\n", out);
                } else {
                        fputs("      <system-out>not in the profile: ", out);
                        junit_details(out, rec, nrs[i]);
                        fputs("</system-out>\n", out);
                }
                fputs("    </testcase>\n", out);
        }
        fputs("  </testsuite>\n</testsuites>\n", out);
        free(nrs);
        free(command);
        return ferror(out) ? -EIO : 0;
}
