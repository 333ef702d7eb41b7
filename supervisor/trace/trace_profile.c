/* SPDX-License-Identifier: MIT */
/* trace/trace_profile.c: writing the profile a trace learned, as an edit of its base. */
/*
 * Writing the profile a trace learned. The base profile is edited as the
 * JSON document it is, not rebuilt from our model of it: the model forgets
 * comments, unknown fields, entry order and how names were written, and a
 * reviewer comparing the two files should see only what was added.
 */
#include "trace/trace_profile.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "jsonpos.h"
#include "profile/profile_text.h"
#include "trace/trace_report.h"
#include "trace/trace_runtime.h"

/*
 * The calls a run can make without the program taking another path, and
 * why; one entry of the profile per reason, in this order. Names this
 * libseccomp cannot resolve on this architecture (sigreturn, sigsuspend
 * and the _time64 calls exist only on 32-bit ones) are left out. Each is
 * harmless to allow: it names no path and reaches nothing the process
 * could not reach already. See docs/TRACE.md for each choice.
 */
static const char *const implicit_reasons[] = {
    [TRACE_IMPLICIT_VDSO] = "added by scmp-super trace although not seen: answered by the vDSO "
                            "without a syscall except on clock sources it cannot read",
    [TRACE_IMPLICIT_SIGNAL] = "added by scmp-super trace although not seen: timing; made only when "
                              "a signal arrives, or has not arrived yet (signal returns, waits for "
                              "a signal, restarts after a stop)",
    [TRACE_IMPLICIT_CONTENTION] = "added by scmp-super trace although not seen: timing; made only "
                                  "when a lock or resource is busy (futex waits and wakes, "
                                  "yields, back-off sleeps)",
    [TRACE_IMPLICIT_EXIT] = "added by scmp-super trace although not seen: timing; how a run ends "
                            "(a thread ending before its process, a process ending by a signal "
                            "instead of by exiting)",
};

const struct trace_implicit_syscall trace_implicit_syscalls[] = {
    {"clock_getres", TRACE_IMPLICIT_VDSO},
    {"clock_gettime", TRACE_IMPLICIT_VDSO},
    {"getcpu", TRACE_IMPLICIT_VDSO},
    {"gettimeofday", TRACE_IMPLICIT_VDSO},
    {"time", TRACE_IMPLICIT_VDSO},
    {"pause", TRACE_IMPLICIT_SIGNAL},
    {"restart_syscall", TRACE_IMPLICIT_SIGNAL},
    {"rt_sigprocmask", TRACE_IMPLICIT_SIGNAL},
    {"rt_sigreturn", TRACE_IMPLICIT_SIGNAL},
    {"rt_sigsuspend", TRACE_IMPLICIT_SIGNAL},
    {"rt_sigtimedwait", TRACE_IMPLICIT_SIGNAL},
    {"rt_sigtimedwait_time64", TRACE_IMPLICIT_SIGNAL},
    {"sigprocmask", TRACE_IMPLICIT_SIGNAL},
    {"sigreturn", TRACE_IMPLICIT_SIGNAL},
    {"sigsuspend", TRACE_IMPLICIT_SIGNAL},
    {"clock_nanosleep", TRACE_IMPLICIT_CONTENTION},
    {"clock_nanosleep_time64", TRACE_IMPLICIT_CONTENTION},
    {"futex", TRACE_IMPLICIT_CONTENTION},
    {"futex_time64", TRACE_IMPLICIT_CONTENTION},
    {"futex_wait", TRACE_IMPLICIT_CONTENTION},
    {"futex_waitv", TRACE_IMPLICIT_CONTENTION},
    {"futex_wake", TRACE_IMPLICIT_CONTENTION},
    {"nanosleep", TRACE_IMPLICIT_CONTENTION},
    {"sched_yield", TRACE_IMPLICIT_CONTENTION},
    {"exit", TRACE_IMPLICIT_EXIT},
    {"exit_group", TRACE_IMPLICIT_EXIT},
    {NULL, 0},
};

__attribute__((format(printf, 2, 3))) static int fail(struct policy_error *err, const char *fmt,
                                                      ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
        return -EINVAL;
}

/*
 * cJSON keeps numbers as doubles, so printing the document again would round
 * a 64-bit mask above 2^53. Such numbers are put back as the literal text
 * the base had, found through their JSON path.
 */
static int keep_exact_numbers(cJSON *node, const char *text, size_t len, struct jsonpos_path *path)
{
        cJSON *child;
        size_t index = 0;

        if (path->depth >= JSONPOS_MAX_DEPTH)
                return 0;
        cJSON_ArrayForEach(child, node)
        {
                struct jsonpos_segment seg = {NULL, index++};
                if (cJSON_IsObject(node))
                        seg.key = child->string;
                path->seg[path->depth++] = seg;
                int r = 0;
                if (cJSON_IsNumber(child) && fabs(child->valuedouble) >= 9007199254740992.0) {
                        long off = jsonpos_locate(text, len, path, 0);
                        size_t end = off >= 0 ? (size_t)off : len;
                        while (end < len && strchr("-+0123456789.eE", text[end]))
                                end++;
                        if (off >= 0 && end > (size_t)off) {
                                char *literal = strndup(text + off, end - (size_t)off);
                                cJSON *raw = literal ? cJSON_CreateRaw(literal) : NULL;
                                free(literal);
                                /* Replacing by pointer keeps no member name. */
                                if (raw && child->string &&
                                    !(raw->string = strdup(child->string))) {
                                        cJSON_Delete(raw);
                                        raw = NULL;
                                }
                                if (!raw || !cJSON_ReplaceItemViaPointer(node, child, raw)) {
                                        cJSON_Delete(raw);
                                        r = -ENOMEM;
                                }
                                /* child is freed; the walk goes on from raw. */
                                child = raw;
                        }
                } else if (cJSON_IsObject(child) || cJSON_IsArray(child)) {
                        r = keep_exact_numbers(child, text, len, path);
                }
                path->depth--;
                if (r < 0)
                        return r;
        }
        return 0;
}

static cJSON *string_array(const char *const *names, size_t n)
{
        cJSON *array = cJSON_CreateArray();
        for (size_t i = 0; array && i < n; i++) {
                cJSON *s = cJSON_CreateString(names[i]);
                if (!s) {
                        cJSON_Delete(array);
                        return NULL;
                }
                cJSON_AddItemToArray(array, s);
        }
        return array;
}

/* {"names": [...], "action": "SCMP_ACT_ALLOW", "args": [cond], "comment": ...};
 * cond NULL for an entry without conditions. The key order is Docker's. */
static cJSON *allow_entry(const char *const *names, size_t n, cJSON *cond, const char *comment)
{
        cJSON *entry = cJSON_CreateObject(), *list = string_array(names, n);
        if (!entry || !list) {
                cJSON_Delete(entry);
                cJSON_Delete(list);
                cJSON_Delete(cond);
                return NULL;
        }
        cJSON_AddItemToObject(entry, "names", list);
        if (!cJSON_AddStringToObject(entry, "action", "SCMP_ACT_ALLOW"))
                goto fail;
        if (cond) {
                cJSON *args = cJSON_AddArrayToObject(entry, "args");
                if (!args)
                        goto fail;
                cJSON_AddItemToArray(args, cond);
                cond = NULL;
        }
        if (!cJSON_AddStringToObject(entry, "comment", comment))
                goto fail;
        return entry;
fail:
        cJSON_Delete(cond);
        cJSON_Delete(entry);
        return NULL;
}

/* One argument condition in the OCI form. */
static cJSON *condition(unsigned index, uint64_t value, uint64_t value_two, const char *op)
{
        cJSON *c = cJSON_CreateObject();
        if (!c || !cJSON_AddNumberToObject(c, "index", index) ||
            !cJSON_AddNumberToObject(c, "value", (double)value) ||
            !cJSON_AddNumberToObject(c, "valueTwo", (double)value_two) ||
            !cJSON_AddStringToObject(c, "op", op)) {
                cJSON_Delete(c);
                return NULL;
        }
        return c;
}

/*
 * Whether nr gets argument-level entries: only the syscalls whose
 * arguments the recorder keeps, and only when every distinct value of the
 * argument the entries pin (the first one recorded) was kept; a truncated
 * set would make a rule that refuses values the run used.
 */
static bool has_arg_rules(const struct trace_recorder *rec, int nr)
{
        const struct trace_arg_desc *descs;
        if (trace_arg_descs(nr, &descs) == 0)
                return false;
        return !rec->calls[nr].args[0].truncated && rec->calls[nr].args[0].n > 0;
}

/* Appends the argument-level entries of nr to syscalls. */
static int add_arg_entries(const struct trace_recorder *rec, int nr, cJSON *syscalls)
{
        const struct trace_values *v = &rec->calls[nr].args[0];
        const char *name = trace_recorder_name(rec, nr);
        const char *names[] = {name};
        uint64_t seen[TRACE_MAX_VALUES];
        unsigned n_seen = 0;
        char text[256], comment[384];

        for (unsigned k = 0; k < v->n; k++) {
                uint64_t value = v->values[k], value_two = 0;
                const char *op = "SCMP_CMP_EQ";
                enum trace_arg_kind kind = TRACE_ARG_SOCKET_FAMILY;
                unsigned index = 0;

                switch (nr) {
                case __NR_socket:
                        kind = TRACE_ARG_SOCKET_FAMILY;
                        break;
                case __NR_personality:
                        kind = TRACE_ARG_PERSONALITY;
                        break;
                case __NR_prctl:
                        kind = TRACE_ARG_PRCTL_OPTION;
                        break;
                case __NR_ioctl:
                        /* The kernel reads the request as an unsigned int, and
                         * programs pass it sign-extended or not; compare the
                         * low 32 bits only. */
                        kind = TRACE_ARG_IOCTL_REQUEST;
                        index = 1;
                        op = "SCMP_CMP_MASKED_EQ";
                        value_two = value & 0xffffffffu;
                        value = 0xffffffffu;
                        break;
                case __NR_clone:
                        /* Only the namespace flags are pinned, as Docker's
                         * profile does: the rest (CLONE_VM, the exit signal,
                         * the TID flags) varies between fork, vfork and
                         * threads and says nothing about privilege. */
                        kind = TRACE_ARG_CLONE_FLAGS;
                        op = "SCMP_CMP_MASKED_EQ";
                        value_two = value & TRACE_CLONE_NAMESPACE_FLAGS;
                        value = TRACE_CLONE_NAMESPACE_FLAGS;
                        break;
                default:
                        return 0;
                }
                /* clone values collapse to fewer combinations. */
                bool dup = false;
                uint64_t key = nr == __NR_clone ? value_two : v->values[k];
                for (unsigned i = 0; i < n_seen; i++)
                        dup = dup || seen[i] == key;
                if (dup)
                        continue;
                seen[n_seen++] = key;

                if (nr == __NR_clone && value_two == 0)
                        snprintf(text, sizeof(text), "no namespace flags");
                else
                        trace_format_value(kind, nr == __NR_clone ? value_two : v->values[k], text,
                                           sizeof(text));
                const struct trace_arg_desc *descs;
                trace_arg_descs(nr, &descs);
                snprintf(comment, sizeof(comment), "added by scmp-super trace: %s %s %s", name,
                         descs[0].key, text);
                cJSON *entry =
                    allow_entry(names, 1, condition(index, value, value_two, op), comment);
                if (!entry)
                        return -ENOMEM;
                cJSON_AddItemToArray(syscalls, entry);
        }
        return 0;
}

/* The architectures of a complete profile, x86-64 with the 32-bit and x32
 * calls it can make, in the form asked for (trace_arch_form). */
static bool add_architectures(cJSON *root, enum trace_arch_form form)
{
        static const char *const all[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
        if (form == TRACE_ARCH_FORM_ARCHITECTURES) {
                cJSON *list = string_array(all, 3);
                if (!list)
                        return false;
                cJSON_AddItemToObject(root, "architectures", list);
                return true;
        }
        cJSON *arch_map = cJSON_AddArrayToObject(root, "archMap");
        cJSON *arch = cJSON_CreateObject();
        cJSON *subs = string_array(all + 1, 2);
        if (!arch_map || !arch || !subs || !cJSON_AddStringToObject(arch, "architecture", all[0])) {
                cJSON_Delete(arch);
                cJSON_Delete(subs);
                return false;
        }
        cJSON_AddItemToObject(arch, "subArchitectures", subs);
        cJSON_AddItemToArray(arch_map, arch);
        return true;
}

static cJSON *complete_profile(const char *command, enum trace_arch_form form)
{
        cJSON *root = cJSON_CreateObject();
        char *comment = NULL;

        if (!root || asprintf(&comment, "recorded by scmp-super trace for: %s", command) < 0) {
                cJSON_Delete(root);
                return NULL;
        }
        bool ok = cJSON_AddStringToObject(root, "comment", comment) &&
                  cJSON_AddStringToObject(root, "defaultAction", "SCMP_ACT_ERRNO") &&
                  cJSON_AddNumberToObject(root, "defaultErrnoRet", TRACE_PROFILE_DEFAULT_ERRNO) &&
                  add_architectures(root, form) && cJSON_AddArrayToObject(root, "syscalls");
        free(comment);
        if (!ok) {
                cJSON_Delete(root);
                return NULL;
        }
        return root;
}

/* Printing, in the layout Docker's and Podman's profiles use: one member
 * or element per line, indent units of the file's own kind. */

static void print_string(FILE *out, const char *s)
{
        fputc('"', out);
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (*p == '"' || *p == '\\')
                        fprintf(out, "\\%c", *p);
                else if (*p == '\n')
                        fputs("\\n", out);
                else if (*p == '\t')
                        fputs("\\t", out);
                else if (*p < 0x20)
                        fprintf(out, "\\u%04x", *p);
                else
                        fputc(*p, out);
        }
        fputc('"', out);
}

struct layout {
        const char *base; /* indentation of the line the value starts on */
        const char *unit; /* one level: a tab or some spaces */
};

static void print_indent(FILE *out, const struct layout *l, unsigned depth)
{
        fputs(l->base, out);
        for (unsigned i = 0; i < depth; i++)
                fputs(l->unit, out);
}

static void print_value(FILE *out, const cJSON *item, const struct layout *l, unsigned depth)
{
        const cJSON *child;

        if ((cJSON_IsObject(item) || cJSON_IsArray(item)) && !item->child) {
                fputs(cJSON_IsObject(item) ? "{}" : "[]", out);
        } else if (cJSON_IsObject(item) || cJSON_IsArray(item)) {
                fputs(cJSON_IsObject(item) ? "{\n" : "[\n", out);
                cJSON_ArrayForEach(child, item)
                {
                        print_indent(out, l, depth + 1);
                        if (cJSON_IsObject(item)) {
                                print_string(out, child->string);
                                fputs(": ", out);
                        }
                        print_value(out, child, l, depth + 1);
                        fputs(child->next ? ",\n" : "\n", out);
                }
                print_indent(out, l, depth);
                fputc(cJSON_IsObject(item) ? '}' : ']', out);
        } else if (cJSON_IsString(item)) {
                print_string(out, item->valuestring);
        } else if (cJSON_IsRaw(item)) {
                fputs(item->valuestring, out);
        } else {
                char *s = cJSON_PrintUnformatted(item);
                fputs(s ? s : "null", out);
                cJSON_free(s);
        }
}

/* The whole document, tab-indented, ending in a newline. */
static int print_document(const cJSON *root, char **ret_text)
{
        static const struct layout layout = {"", "\t"};
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        if (!out)
                return -ENOMEM;
        print_value(out, root, &layout, 0);
        fputc('\n', out);
        bool bad = ferror(out);
        if (fclose(out) != 0 || bad) {
                free(buf);
                return -ENOMEM;
        }
        *ret_text = buf;
        return 0;
}

/* The offset of the bracket closing the array or object opening at open. */
static long matching_close(const char *text, size_t len, size_t open)
{
        unsigned depth = 0;
        for (size_t i = open; i < len; i++) {
                char c = text[i];
                if (c == '"') {
                        for (i++; i < len && text[i] != '"'; i++)
                                if (text[i] == '\\')
                                        i++;
                } else if (c == '[' || c == '{') {
                        depth++;
                } else if (c == ']' || c == '}') {
                        if (--depth == 0)
                                return (long)i;
                }
        }
        return -1;
}

/*
 * Appends entries to the syscalls array by editing the base's text, so
 * every byte of the base stays as it was. Returns 0 with *ret_text, 1 when
 * the layout is not one handled here (no "syscalls" array written over
 * several lines), or -ENOMEM.
 */
static int splice_entries(const char *text, size_t len, bool oci, const cJSON *entries,
                          char **ret_text)
{
        struct jsonpos_path path = {.depth = 0};
        char unit[16], indent[300], close_indent[256];

        if (oci) {
                path.seg[path.depth++].key = "linux";
                path.seg[path.depth++].key = "seccomp";
        }
        path.seg[path.depth++].key = "syscalls";
        long open = jsonpos_locate(text, len, &path, 0);
        if (open < 0 || text[open] != '[')
                return 1;
        long close = matching_close(text, len, (size_t)open);
        if (close < 0)
                return 1;
        size_t last = (size_t)close;
        while (last > (size_t)open + 1 && strchr(" \t\r\n", text[last - 1]))
                last--;
        bool empty = last == (size_t)open + 1;

        profile_text_indent_unit(text, len, unit, sizeof(unit));
        profile_text_line_indent(text, (size_t)open, close_indent, sizeof(close_indent));
        if (empty) {
                snprintf(indent, sizeof(indent), "%s%s", close_indent, unit);
        } else {
                path.seg[path.depth].key = NULL;
                path.seg[path.depth++].index = 0;
                long first = jsonpos_locate(text, len, &path, 0);
                if (first < 0 || !memchr(text + open, '\n', (size_t)(first - open)))
                        return 1;
                profile_text_line_indent(text, (size_t)first, indent, sizeof(indent));
        }

        char *buf = NULL;
        size_t n = 0;
        FILE *out = open_memstream(&buf, &n);
        if (!out)
                return -ENOMEM;
        struct layout layout = {indent, unit};
        const cJSON *entry;
        fwrite(text, 1, last, out);
        cJSON_ArrayForEach(entry, entries)
        {
                fputs(empty && entry == entries->child ? "\n" : ",\n", out);
                fputs(indent, out);
                print_value(out, entry, &layout, 0);
        }
        if (empty) {
                fputc('\n', out);
                fputs(close_indent, out);
                fwrite(text + close, 1, len - (size_t)close, out);
        } else {
                fwrite(text + last, 1, len - last, out);
        }
        if (len == 0 || text[len - 1] != '\n')
                fputc('\n', out);
        bool bad = ferror(out);
        if (fclose(out) != 0 || bad) {
                free(buf);
                return -ENOMEM;
        }
        *ret_text = buf;
        return 0;
}

static int compare_strings(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether the entries before the runtimes' allow nr whole: the run's
 * blanket entry, or an implicit one. */
static bool allowed_before_runtimes(const struct trace_recorder *rec,
                                    const struct trace_profile_opts *opts, int nr)
{
        if (rec->calls[nr].count)
                return !(opts->args && has_arg_rules(rec, nr));
        if (!opts->implicit)
                return false;
        for (size_t i = 0; trace_implicit_syscalls[i].name; i++)
                if (seccomp_syscall_resolve_name(trace_implicit_syscalls[i].name) == nr)
                        return true;
        return false;
}

/*
 * One entry a call for what each runtime in opts->runtimes makes after
 * loading the filter, commented with the runtime, its measured version and
 * why. Left out: what the base names (it keeps its decision, as for the
 * implicit calls), what an earlier entry already allows whole, and names
 * this architecture does not have. A call the run recorded only with
 * argument-level entries (--args) gets the runtime's whole allow: the
 * runtime's own arguments were never recorded.
 */
static int add_runtime_entries(const struct trace_recorder *rec,
                               const struct trace_profile_opts *opts, cJSON *entries)
{
        bool *added = calloc((size_t)rec->max_nr + 1, sizeof(*added));
        char *comment = NULL;
        int r = -ENOMEM;

        if (!added)
                return -ENOMEM;
        for (int rt = 0; rt < TRACE_RUNTIMES; rt++) {
                if (!(opts->runtimes & (1u << rt)))
                        continue;
                for (size_t i = 0; trace_runtime_calls[i].name; i++) {
                        const struct trace_runtime_call *c = &trace_runtime_calls[i];
                        int nr;
                        cJSON *entry;
                        if (!trace_runtime_call_of(c, (enum trace_runtime)rt))
                                continue;
                        nr = seccomp_syscall_resolve_name(c->name);
                        if (nr < 0 || nr > rec->max_nr || rec->calls[nr].named || added[nr] ||
                            allowed_before_runtimes(rec, opts, nr))
                                continue;
                        if (asprintf(&comment, "%s after loading the filter: %s",
                                     trace_runtime_measured((enum trace_runtime)rt), c->why) < 0) {
                                comment = NULL;
                                goto out;
                        }
                        entry = allow_entry(&c->name, 1, NULL, comment);
                        free(comment);
                        comment = NULL;
                        if (!entry)
                                goto out;
                        cJSON_AddItemToArray(entries, entry);
                        added[nr] = true;
                }
        }
        r = 0;
out:
        free(comment);
        free(added);
        return r;
}

/* The entries the run adds, in the order they are written. */
static int build_entries(const struct trace_recorder *rec, const struct trace_profile_opts *opts,
                         cJSON *entries)
{
        const char *command = opts->command ? opts->command : "?";
        const char **blanket = NULL, **implicit = NULL;
        size_t n_blanket = 0, n_implicit[TRACE_IMPLICIT_REASONS] = {0}, n = 0;
        size_t n_table = sizeof(trace_implicit_syscalls) / sizeof(trace_implicit_syscalls[0]);
        int *nrs = NULL;
        char *comment = NULL;
        cJSON *entry;
        int r = -ENOMEM;

        if (trace_recorder_sorted(rec, true, &nrs, &n) < 0)
                goto out;
        blanket = calloc(n ? n : 1, sizeof(*blanket));
        /* One run of n_table slots per reason. */
        implicit = calloc(n_table * TRACE_IMPLICIT_REASONS, sizeof(*implicit));
        if (!blanket || !implicit)
                goto out;
        for (size_t i = 0; i < n; i++) {
                const char *name = trace_recorder_name(rec, nrs[i]);
                /* A number libseccomp has no name for cannot be listed; the
                 * default action answers it (ENOSYS without a base). */
                if (!name || (opts->args && has_arg_rules(rec, nrs[i])))
                        continue;
                blanket[n_blanket++] = name;
        }
        if (opts->implicit) {
                /* Only what the base leaves undecided and the run did not
                 * show: a base that names one of these (to refuse it, or on
                 * conditions) keeps its decision. */
                for (size_t i = 0; trace_implicit_syscalls[i].name; i++) {
                        const struct trace_implicit_syscall *c = &trace_implicit_syscalls[i];
                        int nr = seccomp_syscall_resolve_name(c->name);
                        if (nr < 0 || nr > rec->max_nr || rec->calls[nr].named ||
                            rec->calls[nr].count)
                                continue;
                        implicit[c->reason * n_table + n_implicit[c->reason]++] = c->name;
                }
                for (int k = 0; k < TRACE_IMPLICIT_REASONS; k++)
                        qsort(implicit + k * n_table, n_implicit[k], sizeof(*implicit),
                              compare_strings);
        }

        if (n_blanket) {
                if (asprintf(&comment, "added by scmp-super trace for: %s", command) < 0) {
                        comment = NULL;
                        goto out;
                }
                if (!(entry = allow_entry(blanket, n_blanket, NULL, comment)))
                        goto out;
                cJSON_AddItemToArray(entries, entry);
        }
        for (int k = 0; k < TRACE_IMPLICIT_REASONS; k++) {
                if (!n_implicit[k])
                        continue;
                entry =
                    allow_entry(implicit + k * n_table, n_implicit[k], NULL, implicit_reasons[k]);
                if (!entry)
                        goto out;
                cJSON_AddItemToArray(entries, entry);
        }
        if (opts->args)
                for (size_t i = 0; i < n; i++)
                        if (trace_recorder_name(rec, nrs[i]) && has_arg_rules(rec, nrs[i]) &&
                            add_arg_entries(rec, nrs[i], entries) < 0)
                                goto out;
        if (opts->runtimes && add_runtime_entries(rec, opts, entries) < 0)
                goto out;
        r = 0;
out:
        free(comment);
        free(blanket);
        free(implicit);
        free(nrs);
        return r;
}

/* Appends copies of entries to the document's syscalls array, making the
 * array if the base has none. */
static int append_entries(cJSON *seccomp, const cJSON *entries)
{
        cJSON *syscalls = cJSON_GetObjectItemCaseSensitive(seccomp, "syscalls");
        const cJSON *entry;
        if (!cJSON_IsArray(syscalls)) {
                cJSON *array = cJSON_CreateArray();
                if (!array)
                        return -ENOMEM;
                if (syscalls)
                        cJSON_ReplaceItemInObjectCaseSensitive(seccomp, "syscalls", array);
                else
                        cJSON_AddItemToObject(seccomp, "syscalls", array);
                syscalls = array;
        }
        cJSON_ArrayForEach(entry, entries)
        {
                cJSON *copy = cJSON_Duplicate(entry, true);
                if (!copy)
                        return -ENOMEM;
                cJSON_AddItemToArray(syscalls, copy);
        }
        return 0;
}

int trace_profile_append(const char *text, size_t len, const cJSON *entries, char **ret_text,
                         struct policy_error *err)
{
        cJSON *root = NULL, *seccomp, *check = NULL;
        char *out = NULL;
        bool oci = false;
        int r = -ENOMEM;

        err->message[0] = '\0';
        root = cJSON_ParseWithLength(text, len);
        if (!root) {
                r = fail(err, "not valid JSON");
                goto out;
        }
        seccomp = profile_seccomp_object(root, &oci);
        if (!cJSON_IsObject(seccomp)) {
                r = fail(err, "no seccomp object (neither a profile nor an OCI config)");
                goto out;
        }
        const cJSON *syscalls = cJSON_GetObjectItemCaseSensitive(seccomp, "syscalls");
        if (syscalls && !cJSON_IsArray(syscalls) && !cJSON_IsNull(syscalls)) {
                r = fail(err, "\"syscalls\" is not an array");
                goto out;
        }
        if (append_entries(seccomp, entries) < 0)
                goto out;
        if (!entries->child) {
                /* Nothing to add: the text, byte for byte. */
                out = malloc(len + 2);
                if (!out)
                        goto out;
                memcpy(out, text, len);
                out[len] = '\0';
                if (len == 0 || text[len - 1] != '\n')
                        strcat(out, "\n");
                r = 0;
                goto done;
        }
        r = splice_entries(text, len, oci, entries, &out);
        if (r < 0)
                goto out;
        /* The edit must parse to the original plus the entries and nothing
         * else; otherwise the whole document is printed from its parsed
         * form, which keeps every value but not the layout. */
        if (r == 0 && (!(check = cJSON_Parse(out)) || !cJSON_Compare(check, root, true))) {
                free(out);
                out = NULL;
                r = 1;
        }
        if (r == 1) {
                /* Printing from doubles would round 64-bit masks. */
                cJSON *exact = cJSON_ParseWithLength(text, len);
                struct jsonpos_path path = {.depth = 0};
                r = -ENOMEM;
                if (exact && keep_exact_numbers(exact, text, len, &path) == 0 &&
                    append_entries(profile_seccomp_object(exact, &oci), entries) == 0)
                        r = print_document(exact, &out);
                cJSON_Delete(exact);
        }
done:
        if (r == 0) {
                *ret_text = out;
                out = NULL;
        }
out:
        if (r == -ENOMEM && !err->message[0])
                snprintf(err->message, sizeof(err->message), "out of memory");
        free(out);
        cJSON_Delete(check);
        cJSON_Delete(root);
        return r;
}

int trace_profile_build(const struct trace_recorder *rec, const char *base_text, size_t base_len,
                        const struct trace_profile_opts *opts, char **ret_text,
                        struct policy_error *err)
{
        cJSON *entries = cJSON_CreateArray(), *root = NULL;
        char *text = NULL;
        int r = -ENOMEM;

        err->message[0] = '\0';
        if (!entries || build_entries(rec, opts, entries) < 0)
                goto out;
        if (base_text) {
                r = trace_profile_append(base_text, base_len, entries, &text, err);
        } else {
                root = complete_profile(opts->command ? opts->command : "?", opts->arch_form);
                if (root && append_entries(root, entries) == 0)
                        r = print_document(root, &text);
        }
        if (r == 0) {
                *ret_text = text;
                text = NULL;
        }
out:
        if (r == -ENOMEM && !err->message[0])
                snprintf(err->message, sizeof(err->message), "out of memory writing the profile");
        free(text);
        cJSON_Delete(root);
        cJSON_Delete(entries);
        return r;
}
