/* SPDX-License-Identifier: MIT */
/* policy/profile_load.c: reading a profile and saying where it is wrong. */
/*
 * The loader proper: the file, the JSON around the profile, the path of
 * the value being parsed and the messages that name it, and the readers of
 * field values that the OCI part and the supervisor extension share. The
 * parts of a profile are read by profile_oci.c and profile_supervisor.c;
 * profile_index.c indexes and reviews the result.
 *
 * Every rejection names the place: file:line:column, the JSON path, what is
 * wrong and, where it is obvious, the fix.
 */
#include "profile_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errnos.h"

/* Profiles are a few hundred KiB at the most; refuse what cannot be one. */
#define PROFILE_MAX_BYTES (16u << 20)

/* One pass over the text, outside strings: does any number literal carry a
 * fraction or an exponent? */
static bool scan_nonint_literals(const char *text, size_t len)
{
        bool in_string = false, in_number = false;
        for (size_t i = 0; i < len; i++) {
                char c = text[i];
                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = false;
                        continue;
                }
                if (c == '"') {
                        in_string = true;
                        in_number = false;
                } else if ((c >= '0' && c <= '9') || c == '-') {
                        in_number = true;
                } else if (in_number && (c == '.' || c == 'e' || c == 'E')) {
                        return true;
                } else {
                        in_number = false;
                }
        }
        return false;
}

/*
 * Finds the line and column of the value at the current path (or of its
 * key), and formats the path from the seccomp object down, which is what
 * the user knows the profile by. A member that is missing cannot be found;
 * then the place is that of the object it is missing from.
 */
static void locate_current(struct loader *l, int at_key, unsigned *ret_line, unsigned *ret_col,
                           char *where, size_t where_size)
{
        struct jsonpos_path shown = l->path;
        long off = -1;

        if (shown.depth > JSONPOS_MAX_DEPTH)
                shown.depth = JSONPOS_MAX_DEPTH;
        struct jsonpos_path probe = shown;
        for (;;) {
                off = jsonpos_locate(l->text, l->len, &probe, at_key);
                if (off >= 0 || probe.depth == 0)
                        break;
                probe.depth--;
                at_key = 0;
        }
        *ret_line = *ret_col = 1;
        if (off >= 0)
                jsonpos_line_col(l->text, (size_t)off, ret_line, ret_col);

        struct jsonpos_path rel = {.depth = 0};
        for (size_t d = l->path_base; d < shown.depth; d++)
                rel.seg[rel.depth++] = shown.seg[d];
        jsonpos_format(&rel, where, where_size);
}

/* Formats "file:line:col: path: message" for the value at the current path,
 * or at its key when at_key is set. */
void report_at(struct loader *l, int at_key, const char *fmt, ...)
{
        char where[256], what[700];
        unsigned line, col;
        va_list ap;

        locate_current(l, at_key, &line, &col, where, sizeof(where));
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);

        if (where[0])
                snprintf(l->err->message, sizeof(l->err->message), "%s:%u:%u: %s: %s", l->name,
                         line, col, where, what);
        else
                snprintf(l->err->message, sizeof(l->err->message), "%s:%u:%u: %s", l->name, line,
                         col, what);
}

int add_string(char ***list, size_t *n, const char *fmt, ...)
{
        char *s;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        char **grown = realloc(*list, (*n + 1) * sizeof(**list));
        if (!grown) {
                free(s);
                return -ENOMEM;
        }
        grown[(*n)++] = s;
        *list = grown;
        return 0;
}

int add_located(struct loader *l, char ***list, size_t *n, int at_key, const char *fmt, ...)
{
        char where[256], *what;
        unsigned line, col;
        va_list ap;
        int r;

        locate_current(l, at_key, &line, &col, where, sizeof(where));
        va_start(ap, fmt);
        r = vasprintf(&what, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        r = add_string(list, n, "%s:%u:%u: %s: %s", l->name, line, col, where, what);
        free(what);
        return r;
}

static size_t edit_distance(const char *a, const char *b);

int warn_unknown_keys(struct loader *l, const cJSON *obj, const char *const *known)
{
        const cJSON *item;
        cJSON_ArrayForEach(item, obj)
        {
                bool ok = false;
                for (size_t i = 0; known[i]; i++)
                        if (strcmp(item->string, known[i]) == 0)
                                ok = true;
                if (ok)
                        continue;
                if (under_key(l, item->string,
                              add_located(l, &l->policy->warnings, &l->policy->n_warnings, 1,
                                          "unknown field, ignored")) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int expect_object(struct loader *l, const cJSON *obj, const char *what, const char *const *known)
{
        if (!cJSON_IsObject(obj))
                return fail(l, "expected %s, found %s", what, json_type_name(obj));
        return warn_unknown_keys(l, obj, known);
}

int expect_object_strict(struct loader *l, const cJSON *obj, const char *what,
                         const char *const *known)
{
        const cJSON *item;

        if (!cJSON_IsObject(obj))
                return fail(l, "expected %s, found %s", what, json_type_name(obj));
        cJSON_ArrayForEach(item, obj)
        {
                const char *best = NULL;
                size_t best_distance = 3;
                bool ok = false;
                for (size_t i = 0; known[i] && !ok; i++)
                        ok = strcmp(known[i], item->string) == 0;
                for (size_t i = 0; known[i] && !ok; i++) {
                        size_t d = edit_distance(known[i], item->string);
                        if (d < best_distance) {
                                best_distance = d;
                                best = known[i];
                        }
                }
                if (ok)
                        continue;
                if (best)
                        return under_key(l, item->string,
                                         fail(l, "unknown field (did you mean \"%s\"?)", best));
                return under_key(l, item->string, fail(l, "unknown field"));
        }
        return 0;
}

const char *json_type_name(const cJSON *item)
{
        if (cJSON_IsString(item))
                return "a string";
        if (cJSON_IsNumber(item))
                return "a number";
        if (cJSON_IsBool(item))
                return "a boolean";
        if (cJSON_IsNull(item))
                return "null";
        if (cJSON_IsArray(item))
                return "an array";
        if (cJSON_IsObject(item))
                return "an object";
        return "something else";
}

/* Reads a non-negative integer exactly: cJSON keeps numbers as doubles,
 * which would round masks above 2^53, so the literal is parsed again from
 * the source text. */
int get_u64(struct loader *l, const cJSON *item, uint64_t max, uint64_t *ret)
{
        if (!cJSON_IsNumber(item))
                return fail(l, "expected a non-negative integer, found %s", json_type_name(item));
        uint64_t v;
        /* Below 2^53 a double holds every integer exactly, so only larger
         * values need the source text, unless the document writes some
         * number with a fraction or an exponent ("1e3" is no integer to
         * Go's JSON either); finding the text walks the document, which
         * adds up over a profile. */
        if (!l->has_nonint_literals && item->valuedouble >= 0 &&
            item->valuedouble < 9007199254740992.0 &&
            item->valuedouble == (double)(uint64_t)item->valuedouble) {
                v = (uint64_t)item->valuedouble;
                if (v > max)
                        return fail(l, "%" PRIu64 " is out of range (0 to %" PRIu64 ")", v, max);
                *ret = v;
                return 0;
        }
        long off = jsonpos_locate(l->text, l->len, &l->path, 0);
        if (off >= 0) {
                const char *p = l->text + off;
                char *end;
                if (*p == '-')
                        return fail(l, "must not be negative");
                errno = 0;
                v = strtoull(p, &end, 10);
                if (errno == ERANGE)
                        return fail(l, "%.*s is larger than 64 bits", (int)(end - p), p);
                if (*end == '.' || *end == 'e' || *end == 'E')
                        return fail(l, "expected an integer, found %g", item->valuedouble);
        } else {
                /* Converting a double at or above 2^64 to an integer is
                 * undefined behaviour: refuse it first. */
                if (item->valuedouble >= 18446744073709551616.0)
                        return fail(l, "%g is larger than 64 bits", item->valuedouble);
                if (item->valuedouble < 0 ||
                    item->valuedouble != (double)(uint64_t)item->valuedouble)
                        return fail(l, "expected a non-negative integer, found %g",
                                    item->valuedouble);
                v = (uint64_t)item->valuedouble;
        }
        if (v > max)
                return fail(l, "%" PRIu64 " is out of range (0 to %" PRIu64 ")", v, max);
        *ret = v;
        return 0;
}

static size_t edit_distance(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        if (la > 63 || lb > 63)
                return SIZE_MAX;
        size_t prev[64], cur[64];
        for (size_t j = 0; j <= lb; j++)
                prev[j] = j;
        for (size_t i = 1; i <= la; i++) {
                cur[0] = i;
                for (size_t j = 1; j <= lb; j++) {
                        size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
                        size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
                        cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
                }
                memcpy(prev, cur, sizeof(prev));
        }
        return prev[lb];
}

int parse_array(struct loader *l, const cJSON *array, const char *what, parse_element_fn each,
                void *ctx)
{
        const cJSON *item;
        size_t i = 0;
        if (!cJSON_IsArray(array))
                return fail(l, "expected an array of %s, found %s", what, json_type_name(array));
        cJSON_ArrayForEach(item, array)
        {
                int r = under_index(l, i, each(l, item, i, ctx));
                if (r < 0)
                        return r;
                i++;
        }
        return 0;
}

/* Looks name up in table; on failure writes a message listing the choices
 * and the nearest one. */
int lookup_name(struct loader *l, const cJSON *item, const struct name_value *table,
                const char *what, int *ret)
{
        if (!cJSON_IsString(item))
                return fail(l, "expected a string naming %s, found %s", what, json_type_name(item));
        const char *best = NULL;
        size_t best_d = SIZE_MAX;
        for (size_t i = 0; table[i].name; i++)
                if (strcmp(table[i].name, item->valuestring) == 0) {
                        *ret = table[i].value;
                        return 0;
                }
        /* Unknown: the nearest name, for the message (distances are dear,
         * and a profile names hundreds of known ones). */
        for (size_t i = 0; table[i].name; i++) {
                size_t d = edit_distance(table[i].name, item->valuestring);
                if (d < best_d) {
                        best_d = d;
                        best = table[i].name;
                }
        }
        char choices[512] = "";
        size_t used = 0;
        for (size_t i = 0; table[i].name && used < sizeof(choices); i++) {
                int n = snprintf(choices + used, sizeof(choices) - used, "%s%s", i ? ", " : "",
                                 table[i].name);
                if (n < 0)
                        break;
                used += (size_t)n;
        }
        if (best && best_d <= 4)
                return fail(l, "unknown %s \"%s\" (did you mean \"%s\"?)", what, item->valuestring,
                            best);
        return fail(l, "unknown %s \"%s\" (one of: %s)", what, item->valuestring, choices);
}

int parse_errno_value(struct loader *l, const cJSON *item, int *ret)
{
        if (cJSON_IsNumber(item)) {
                uint64_t v;
                int r = get_u64(l, item, 4095, &v);
                if (r < 0)
                        return r;
                *ret = (int)v;
                return 0;
        }
        if (!cJSON_IsString(item))
                return fail(l, "expected an errno name such as \"EPERM\" or a number, found %s",
                            json_type_name(item));
        int e = errno_from_name(item->valuestring);
        if (e < 0) {
                const char *hint = errno_suggest(item->valuestring);
                if (hint)
                        return fail(l, "unknown errno name \"%s\" (did you mean %s?)",
                                    item->valuestring, hint);
                return fail(l, "unknown errno name \"%s\" (use a name like EPERM or a number)",
                            item->valuestring);
        }
        *ret = e;
        return 0;
}

int parse_string_field(struct loader *l, const cJSON *obj, const char *key, char **ret)
{
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
        if (!item || cJSON_IsNull(item))
                return 0;
        if (!cJSON_IsString(item))
                return under_key(l, key,
                                 fail(l, "expected a string, found %s", json_type_name(item)));
        *ret = strdup(item->valuestring);
        return *ret ? 0 : -ENOMEM;
}

static int parse_profile(struct loader *l, const cJSON *root)
{
        static const char *const known[] = {"defaultAction", "defaultErrnoRet",  "defaultErrno",
                                            "architectures", "archMap",          "flags",
                                            "listenerPath",  "listenerMetadata", "syscalls",
                                            "supervisor",    "comment",          NULL};
        int r;

        if (!cJSON_IsObject(root))
                return fail(l, "expected a JSON object (a seccomp profile), found %s",
                            json_type_name(root));

        /* A whole OCI config.json: use its linux.seccomp. */
        const cJSON *linux_obj = cJSON_GetObjectItemCaseSensitive(root, "linux");
        if (linux_obj && !cJSON_GetObjectItemCaseSensitive(root, "defaultAction")) {
                const cJSON *seccomp = cJSON_GetObjectItemCaseSensitive(linux_obj, "seccomp");
                if (!cJSON_IsObject(seccomp))
                        return fail(l, "an OCI config without linux.seccomp (nothing to enforce)");
                path_push_key(l, "linux");
                path_push_key(l, "seccomp");
                l->path_base = 2;
                root = seccomp;
        }

        if ((r = warn_unknown_keys(l, root, known)) < 0)
                return r;

        if ((r = parse_oci(l, root)) < 0)
                return r;
        if ((r = refuse_overlapping_entries(l, root)) < 0)
                return r;

        const cJSON *sup = cJSON_GetObjectItemCaseSensitive(root, "supervisor");
        if (sup && !cJSON_IsNull(sup) &&
            (r = under_key(l, "supervisor", parse_supervisor(l, sup))) < 0)
                return r;
        if ((r = warn_dead_rules(l)) < 0)
                return r;
        if ((r = warn_walkarounds(l)) < 0)
                return r;
        if ((r = warn_high_bits(l)) < 0)
                return r;
        return policy_build_rule_index(l->policy);
}

/*
 * The offset of a "\u0000" escape, or -1. cJSON ends its C string at the
 * NUL, so "/etc/\u0000shadow" would load as the rule "/etc/", and a syscall
 * name would be cut short: refused instead. Escapes are consumed in pairs,
 * so an escaped backslash followed by "u0000" is not taken for one.
 */
static long find_escaped_nul(const char *text, size_t len)
{
        for (size_t i = 0; i + 1 < len; i++) {
                if (text[i] != '\\')
                        continue;
                if (text[i + 1] == 'u' && i + 5 < len && memcmp(text + i + 2, "0000", 4) == 0)
                        return (long)i;
                i++; /* skip the escaped character */
        }
        return -1;
}

int policy_load_buffer(const char *text, size_t len, const char *name, const struct policy_env *env,
                       struct policy **ret_policy, struct policy_error *err)
{
        struct loader l = {.name = name,
                           .text = text,
                           .len = len,
                           .env = env,
                           .err = err,
                           .has_nonint_literals = scan_nonint_literals(text, len)};
        const char *end = NULL;
        cJSON *root;
        int r;

        err->message[0] = '\0';
        if (memchr(text, '\0', len)) {
                snprintf(err->message, sizeof(err->message),
                         "%s: not a JSON profile (it contains NUL bytes)", name);
                return -EINVAL;
        }
        long nul_at = find_escaped_nul(text, len);
        if (nul_at >= 0) {
                unsigned line = 1, col = 1;
                jsonpos_line_col(text, (size_t)nul_at, &line, &col);
                snprintf(err->message, sizeof(err->message),
                         "%s:%u:%u: \\u0000 in a string: a NUL would silently cut the name, "
                         "path or pattern short there",
                         name, line, col);
                return -EINVAL;
        }
        root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
        if (root && end) {
                /* One JSON value, then only white space: "{...} and more"
                 * is a broken file, not a profile with a comment. */
                while (end < text + len && strchr(" \t\r\n", *end))
                        end++;
                if (end < text + len) {
                        unsigned line = 1, col = 1;
                        jsonpos_line_col(text, (size_t)(end - text), &line, &col);
                        snprintf(err->message, sizeof(err->message),
                                 "%s:%u:%u: text after the end of the profile (a profile is one "
                                 "JSON object)",
                                 name, line, col);
                        cJSON_Delete(root);
                        return -EINVAL;
                }
        }
        if (!root) {
                unsigned line = 1, col = 1;
                const char *at = end ? end : cJSON_GetErrorPtr();
                size_t off = at && at >= text && at <= text + len ? (size_t)(at - text) : 0;
                enum jsonpos_fault fault =
                    jsonpos_diagnose(text, len, off, CJSON_NESTING_LIMIT, &off);
                jsonpos_line_col(text, off, &line, &col);
                switch (fault) {
                case JSONPOS_FAULT_EMPTY:
                        snprintf(err->message, sizeof(err->message),
                                 "%s: the file is empty (a profile is one JSON object, such as "
                                 "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [...]})",
                                 name);
                        break;
                case JSONPOS_FAULT_TOO_DEEP:
                        snprintf(err->message, sizeof(err->message),
                                 "%s:%u:%u: nesting deeper than %d levels is refused", name, line,
                                 col, CJSON_NESTING_LIMIT);
                        break;
                case JSONPOS_FAULT_TRAILING_COMMA:
                        snprintf(err->message, sizeof(err->message),
                                 "%s:%u:%u: a comma with nothing after it (JSON allows no "
                                 "trailing comma: remove it)",
                                 name, line, col);
                        break;
                case JSONPOS_FAULT_OTHER:
                default:
                        snprintf(err->message, sizeof(err->message),
                                 "%s:%u:%u: not valid JSON here (check for a missing comma, quote "
                                 "or bracket)",
                                 name, line, col);
                        break;
                }
                return -EINVAL;
        }

        struct policy *p = calloc(1, sizeof(*p));
        if (!p) {
                cJSON_Delete(root);
                return -ENOMEM;
        }
        p->env = *env;
        p->default_verdict = VERDICT_DENY;
        p->default_errno = EPERM;
        p->prompt_timeout_ms = 30000;
        p->source = strdup(name);
        /* Kept as the key of the compiled-filter cache (supervisor/launch/bpf_cache.c). */
        p->text = malloc(len + 1);
        if (p->text) {
                memcpy(p->text, text, len);
                p->text[len] = '\0';
                p->text_len = len;
        }
        l.policy = p;

        r = p->source && p->text ? parse_profile(&l, root) : -ENOMEM;
        cJSON_Delete(root);
        if (r < 0) {
                if (r == -ENOMEM && !err->message[0])
                        snprintf(err->message, sizeof(err->message), "%s: out of memory", name);
                policy_free(p);
                return r;
        }
        *ret_policy = p;
        return 0;
}

int policy_load_file(const char *path, const struct policy_env *env, struct policy **ret_policy,
                     struct policy_error *err)
{
        struct stat st;
        char *text = NULL;
        size_t len = 0;
        int fd, r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                r = -errno;
                snprintf(err->message, sizeof(err->message), "%s: cannot open: %s", path,
                         strerror(-r));
                return r;
        }
        if (fstat(fd, &st) < 0) {
                r = -errno;
                snprintf(err->message, sizeof(err->message), "%s: %s", path, strerror(-r));
                goto out;
        }
        if (!S_ISREG(st.st_mode)) {
                r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
                snprintf(err->message, sizeof(err->message), "%s: not a regular file", path);
                goto out;
        }
        if ((uint64_t)st.st_size > PROFILE_MAX_BYTES) {
                r = -EFBIG;
                snprintf(err->message, sizeof(err->message),
                         "%s: %lld bytes is too large for a profile (the limit is %u MiB)", path,
                         (long long)st.st_size, PROFILE_MAX_BYTES >> 20);
                goto out;
        }
        text = malloc((size_t)st.st_size + 1);
        if (!text) {
                r = -ENOMEM;
                snprintf(err->message, sizeof(err->message), "%s: out of memory", path);
                goto out;
        }
        while (len < (size_t)st.st_size) {
                ssize_t n = read(fd, text + len, (size_t)st.st_size - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        snprintf(err->message, sizeof(err->message), "%s: read failed: %s", path,
                                 strerror(-r));
                        goto out;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        text[len] = '\0';
        r = policy_load_buffer(text, len, path, env, ret_policy, err);
out:
        free(text);
        close(fd);
        return r;
}

void policy_free(struct policy *p)
{
        if (!p)
                return;
        free(p->source);
        free(p->text);
        free(p->arches);
        free(p->listener_path);
        free(p->listener_metadata);
        for (size_t i = 0; i < p->n_entries; i++) {
                free(p->entries[i].nrs);
                free(p->entries[i].args);
        }
        free(p->entries);
        for (size_t i = 0; i < p->n_skipped; i++)
                free(p->skipped[i]);
        free(p->skipped);
        for (size_t i = 0; i < p->n_warnings; i++)
                free(p->warnings[i]);
        free(p->warnings);
        for (size_t i = 0; i < p->n_notes; i++)
                free(p->notes[i]);
        free(p->notes);
        for (size_t i = 0; i < p->n_walkarounds; i++)
                free(p->walkarounds[i]);
        free(p->walkarounds);
        for (size_t i = 0; i < p->n_arg_dodges; i++)
                free(p->arg_dodges[i]);
        free(p->arg_dodges);
        for (size_t i = 0; i < p->n_rules; i++)
                policy_rule_clear(&p->rules[i]);
        free(p->rules);
        free(p->rule_start);
        free(p->rule_index);
        free(p->needs);
        free(p);
}
