/* SPDX-License-Identifier: MIT */
/* profile/profile_edit.c: adding a person's lasting answer to a profile file. */
#include "profile/profile_edit.h"
#include "base/error.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/env.h"
#include "base/fdio.h"
#include "jsonpos.h"
#include "profile/profile_text.h"
#include "policy.h"

/* The loader refuses larger profiles; this only bounds what we read. */
#define PROFILE_EDIT_MAX_BYTES (64u << 20)
/* How often the edit is redone when the file keeps changing under us. */
#define PROFILE_EDIT_ATTEMPTS 3

/* A growing buffer; a failed allocation is remembered and reported once. */
struct text {
        char *buf;
        size_t len, cap;
        bool failed;
};

static void text_add(struct text *t, const char *s, size_t n)
{
        if (t->failed)
                return;
        if (t->len + n + 1 > t->cap) {
                size_t cap = t->cap ? t->cap : 256;
                while (cap < t->len + n + 1)
                        cap *= 2;
                char *buf = realloc(t->buf, cap);
                if (!buf) {
                        t->failed = true;
                        return;
                }
                t->buf = buf;
                t->cap = cap;
        }
        memcpy(t->buf + t->len, s, n);
        t->len += n;
        t->buf[t->len] = '\0';
}

static void text_puts(struct text *t, const char *s)
{
        text_add(t, s, strlen(s));
}

/* A JSON string literal, escaped as cJSON escapes it. */
static void text_json_string(struct text *t, const char *s)
{
        text_puts(t, "\"");
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                char esc[8];
                if (*p == '"' || *p == '\\') {
                        esc[0] = '\\';
                        esc[1] = (char)*p;
                        text_add(t, esc, 2);
                } else if (*p == '\n') {
                        text_puts(t, "\\n");
                } else if (*p == '\t') {
                        text_puts(t, "\\t");
                } else if (*p < 0x20) {
                        snprintf(esc, sizeof(esc), "\\u%04x", *p);
                        text_puts(t, esc);
                } else {
                        text_add(t, (const char *)p, 1);
                }
        }
        text_puts(t, "\"");
}

/* A value on one line: { "family": "inet", "port": 443 }, ["openat"]. */
static void text_inline(struct text *t, const cJSON *item)
{
        const cJSON *child;
        bool first = true;

        if (cJSON_IsObject(item)) {
                if (!item->child) {
                        text_puts(t, "{}");
                        return;
                }
                text_puts(t, "{ ");
                cJSON_ArrayForEach(child, item)
                {
                        if (!first)
                                text_puts(t, ", ");
                        first = false;
                        text_json_string(t, child->string);
                        text_puts(t, ": ");
                        text_inline(t, child);
                }
                text_puts(t, " }");
        } else if (cJSON_IsArray(item)) {
                text_puts(t, "[");
                cJSON_ArrayForEach(child, item)
                {
                        if (!first)
                                text_puts(t, ", ");
                        first = false;
                        text_inline(t, child);
                }
                text_puts(t, "]");
        } else if (cJSON_IsString(item)) {
                text_json_string(t, item->valuestring);
        } else {
                char *s = cJSON_PrintUnformatted(item);
                if (!s) {
                        t->failed = true;
                        return;
                }
                text_puts(t, s);
                cJSON_free(s);
        }
}

/* The rule object with one member per line, as profiles are written:
 * indent is the indentation of the line the object starts on. */
static void text_rule(struct text *t, const cJSON *rule, const char *indent, const char *unit)
{
        const cJSON *member;

        text_puts(t, "{\n");
        cJSON_ArrayForEach(member, rule)
        {
                text_puts(t, indent);
                text_puts(t, unit);
                text_json_string(t, member->string);
                text_puts(t, ": ");
                text_inline(t, member);
                text_puts(t, member->next ? ",\n" : "\n");
        }
        text_puts(t, indent);
        text_puts(t, "}");
}

static bool newline_between(const char *text, size_t from, size_t to)
{
        for (size_t i = from; i < to; i++)
                if (text[i] == '\n')
                        return true;
        return false;
}

static size_t skip_space(const char *text, size_t len, size_t i)
{
        while (i < len && strchr(" \t\r\n", text[i]) && text[i])
                i++;
        return i;
}

static void path_init(struct jsonpos_path *p, bool oci)
{
        memset(p, 0, sizeof(*p));
        if (oci) {
                p->seg[p->depth++].key = "linux";
                p->seg[p->depth++].key = "seccomp";
        }
        p->seg[p->depth++].key = "supervisor";
}

/*
 * Inserts the rule by editing the text. Returns 0 with *ret_text, 1 when the
 * layout is one this does not handle (the caller falls back), <0 on error.
 */
static int splice_rule(const char *text, size_t len, cJSON *root, const cJSON *rule,
                       char **ret_text)
{
        struct jsonpos_path path;
        struct text out = {0};
        char unit[16], base[256], indent[256 + 2 * 16];
        bool oci;
        cJSON *seccomp = profile_seccomp_object(root, &oci);
        cJSON *sup = seccomp ? cJSON_GetObjectItemCaseSensitive(seccomp, "supervisor") : NULL;
        if (!cJSON_IsObject(sup))
                return 1;
        cJSON *rules = cJSON_GetObjectItemCaseSensitive(sup, "rules");
        if (rules && !cJSON_IsArray(rules))
                return 1;

        profile_text_indent_unit(text, len, unit, sizeof(unit));
        path_init(&path, oci);
        if (rules) {
                path.seg[path.depth++].key = "rules";
                long open = jsonpos_locate(text, len, &path, 0);
                path.seg[path.depth].key = NULL;
                path.seg[path.depth++].index = 0;
                long first = jsonpos_locate(text, len, &path, 0);
                if (open < 0 || first < 0 || text[open] != '[')
                        return 1;
                if (text[first] == ']') {
                        /* An empty array: "[]" becomes the rule on its own lines. */
                        profile_text_line_indent(text, (size_t)open, base, sizeof(base));
                        snprintf(indent, sizeof(indent), "%s%s", base, unit);
                        text_add(&out, text, (size_t)open + 1);
                        text_puts(&out, "\n");
                        text_puts(&out, indent);
                        text_rule(&out, rule, indent, unit);
                        text_puts(&out, "\n");
                        text_puts(&out, base);
                        text_add(&out, text + first, len - (size_t)first);
                } else if (newline_between(text, (size_t)open, (size_t)first)) {
                        /* Before the first rule, in its indentation. */
                        profile_text_line_indent(text, (size_t)first, indent, sizeof(indent));
                        text_add(&out, text, (size_t)first);
                        text_rule(&out, rule, indent, unit);
                        text_puts(&out, ",\n");
                        text_puts(&out, indent);
                        text_add(&out, text + first, len - (size_t)first);
                } else {
                        text_add(&out, text, (size_t)first);
                        text_inline(&out, rule);
                        text_puts(&out, ", ");
                        text_add(&out, text + first, len - (size_t)first);
                }
        } else {
                /* No "rules" yet: it becomes the first member of "supervisor". */
                long open = jsonpos_locate(text, len, &path, 0);
                if (open < 0 || text[open] != '{')
                        return 1;
                size_t next = skip_space(text, len, (size_t)open + 1);
                if (next >= len)
                        return 1;
                profile_text_line_indent(text, (size_t)open, base, sizeof(base));
                snprintf(indent, sizeof(indent), "%s%s%s", base, unit, unit);
                text_add(&out, text, (size_t)open + 1);
                if (text[next] == '}' || newline_between(text, (size_t)open, next)) {
                        text_puts(&out, "\n");
                        text_puts(&out, base);
                        text_puts(&out, unit);
                        text_puts(&out, "\"rules\": [\n");
                        text_puts(&out, indent);
                        text_rule(&out, rule, indent, unit);
                        text_puts(&out, "\n");
                        text_puts(&out, base);
                        text_puts(&out, unit);
                        text_puts(&out, "]");
                        if (text[next] == '}') {
                                text_puts(&out, "\n");
                                text_puts(&out, base);
                                text_add(&out, text + next, len - next);
                        } else {
                                text_puts(&out, ",");
                                text_add(&out, text + open + 1, len - (size_t)open - 1);
                        }
                } else {
                        text_puts(&out, "\"rules\": [");
                        text_inline(&out, rule);
                        text_puts(&out, "], ");
                        text_add(&out, text + next, len - next);
                }
        }
        if (out.failed || !out.buf) {
                free(out.buf);
                return -ENOMEM;
        }
        *ret_text = out.buf;
        return 0;
}

/*
 * Checks that text parses to original plus rule at the front of
 * supervisor.rules and nothing else: the splice touched no other value.
 */
static bool splice_is_exact(const char *text, const cJSON *original, const cJSON *rule)
{
        bool oci, ok = false, had_rules;
        cJSON *root = cJSON_Parse(text);
        cJSON *orig_seccomp = profile_seccomp_object((cJSON *)original, &oci);
        cJSON *orig_sup = cJSON_GetObjectItemCaseSensitive(orig_seccomp, "supervisor");

        had_rules = cJSON_GetObjectItemCaseSensitive(orig_sup, "rules") != NULL;
        if (!root)
                return false;
        cJSON *seccomp = profile_seccomp_object(root, &oci);
        cJSON *sup = seccomp ? cJSON_GetObjectItemCaseSensitive(seccomp, "supervisor") : NULL;
        cJSON *rules = sup ? cJSON_GetObjectItemCaseSensitive(sup, "rules") : NULL;
        if (!cJSON_IsArray(rules) || !cJSON_Compare(cJSON_GetArrayItem(rules, 0), rule, true))
                goto out;
        cJSON_DeleteItemFromArray(rules, 0);
        if (!had_rules)
                cJSON_DeleteItemFromObjectCaseSensitive(sup, "rules");
        ok = cJSON_Compare(root, original, true);
out:
        cJSON_Delete(root);
        return ok;
}

/* Inserts the rule into a copy of the parsed document and prints it all. */
static int reprint(const cJSON *original, const cJSON *rule, char **ret_text)
{
        cJSON *root = cJSON_Duplicate(original, true);
        cJSON *copy = cJSON_Duplicate(rule, true);
        bool oci;
        char *printed = NULL;
        int r = -ENOMEM;

        if (!root || !copy)
                goto out;
        cJSON *seccomp = profile_seccomp_object(root, &oci);
        if (!cJSON_IsObject(seccomp)) {
                r = -EINVAL;
                goto out;
        }
        cJSON *sup = cJSON_GetObjectItemCaseSensitive(seccomp, "supervisor");
        if (!cJSON_IsObject(sup)) {
                cJSON_DeleteItemFromObjectCaseSensitive(seccomp, "supervisor");
                sup = cJSON_AddObjectToObject(seccomp, "supervisor");
                if (!sup)
                        goto out;
        }
        cJSON *rules = cJSON_GetObjectItemCaseSensitive(sup, "rules");
        if (!cJSON_IsArray(rules)) {
                cJSON_DeleteItemFromObjectCaseSensitive(sup, "rules");
                rules = cJSON_AddArrayToObject(sup, "rules");
                if (!rules)
                        goto out;
        }
        if (!cJSON_InsertItemInArray(rules, 0, copy))
                goto out;
        copy = NULL;
        printed = cJSON_Print(root);
        if (!printed)
                goto out;
        size_t n = strlen(printed);
        char *text = malloc(n + 2);
        if (!text)
                goto out;
        snprintf(text, n + 2, "%s\n", printed);
        *ret_text = text;
        r = 0;
out:
        if (printed)
                cJSON_free(printed);
        cJSON_Delete(copy);
        cJSON_Delete(root);
        return r;
}

static int check_loads(const char *text, size_t len, const char *what, char *reterr,
                       size_t reterr_size)
{
        struct policy_env env;
        struct policy_error perr;
        struct policy *p = NULL;

        env_detect(&env);
        int r = policy_load_buffer(text, len, "profile", &env, &p, &perr);
        policy_free(p);
        if (r < 0)
                return error_set(reterr, reterr_size, r == -ENOMEM ? r : -EINVAL, "%s: %s", what,
                                 perr.message);
        return 0;
}

int profile_insert_rule_text(const char *text, size_t len, const cJSON *rule, char **ret_text,
                             char *reterr, size_t reterr_size)
{
        char *out = NULL;
        int r;

        if (!cJSON_IsObject(rule))
                return error_set(reterr, reterr_size, -EINVAL, "the rule is not an object");
        r = check_loads(text, len, "the profile does not load as it is", reterr, reterr_size);
        if (r < 0)
                return r;
        cJSON *root = cJSON_ParseWithLength(text, len);
        if (!root)
                return error_set(reterr, reterr_size, -EINVAL, "the profile is not valid JSON");

        r = splice_rule(text, len, root, rule, &out);
        if (r == 0 && !splice_is_exact(out, root, rule)) {
                free(out);
                out = NULL;
                r = 1;
        }
        if (r == 1)
                r = reprint(root, rule, &out);
        cJSON_Delete(root);
        if (r < 0) {
                free(out);
                return error_set(reterr, reterr_size, r, "cannot insert the rule: %s",
                                 strerror(-r));
        }
        r = check_loads(out, strlen(out), "the profile would not load with the new rule", reterr,
                        reterr_size);
        if (r < 0) {
                free(out);
                return r;
        }
        *ret_text = out;
        return 0;
}

static int read_profile(int fd, struct stat *st, char **ret_text, size_t *ret_len)
{
        if (fstat(fd, st) < 0)
                return -errno;
        if (!S_ISREG(st->st_mode))
                return -EINVAL;
        if ((uint64_t)st->st_size > PROFILE_EDIT_MAX_BYTES)
                return -EFBIG;
        char *text = malloc((size_t)st->st_size + 1);
        size_t len = 0;
        if (!text)
                return -ENOMEM;
        while (len < (size_t)st->st_size) {
                ssize_t n = read(fd, text + len, (size_t)st->st_size - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int r = -errno;
                        free(text);
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        text[len] = '\0';
        *ret_text = text;
        *ret_len = len;
        return 0;
}

static bool same_file_state(const struct stat *a, const struct stat *b)
{
        return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
               a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Writes text to a temporary file next to real and renames it over real,
 * unless real has changed since it was read (then -EAGAIN). */
static int replace_file(const char *real, const char *text, const struct stat *was, char *reterr,
                        size_t reterr_size)
{
        char tmp[PATH_MAX];
        struct stat now;
        int fd, r;

        fd = file_replace_begin(real, tmp, sizeof(tmp));
        if (fd < 0)
                return error_set(reterr, reterr_size, fd,
                                 "cannot create a temporary file beside %s: %s", real,
                                 strerror(-fd));
        /* Keep the profile's owner, where we may; its permissions come
         * once it is in place (file_replace_commit()). */
        if (geteuid() == 0 && (was->st_uid != 0 || was->st_gid != 0))
                (void)!fchown(fd, was->st_uid, was->st_gid);
        r = fd_write_all(fd, text, strlen(text));
        if (r < 0) {
                file_replace_abort(fd, tmp);
                return error_set(reterr, reterr_size, r, "%s: write: %s", tmp, strerror(-r));
        }
        /* A person (or another scmp-super) may have saved the profile since
         * we read it; redo the edit on their version rather than lose it. */
        if (stat(real, &now) < 0 || !same_file_state(&now, was)) {
                file_replace_abort(fd, tmp);
                return -EAGAIN;
        }
        r = file_replace_commit(fd, tmp, real, was->st_mode);
        if (r < 0)
                return error_set(reterr, reterr_size, r, "cannot replace %s: %s", real,
                                 strerror(-r));
        return 0;
}

int profile_add_rule(const char *path, const cJSON *rule, char *reterr, size_t reterr_size)
{
        char real[PATH_MAX];
        int r = -EAGAIN;

        if (!realpath(path, real))
                return error_set(reterr, reterr_size, -errno, "%s: %s", path, strerror(errno));
        for (int attempt = 0; attempt < PROFILE_EDIT_ATTEMPTS && r == -EAGAIN; attempt++) {
                struct stat st;
                char *text = NULL, *out = NULL;
                size_t len = 0;
                int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (fd < 0)
                        return error_set(reterr, reterr_size, -errno, "%s: %s", real,
                                         strerror(errno));
                r = read_profile(fd, &st, &text, &len);
                close(fd);
                if (r < 0)
                        return error_set(reterr, reterr_size, r, "%s: cannot read: %s", real,
                                         strerror(-r));
                r = profile_insert_rule_text(text, len, rule, &out, reterr, reterr_size);
                free(text);
                if (r < 0) {
                        char why[512];
                        snprintf(why, sizeof(why), "%s", reterr);
                        return error_set(reterr, reterr_size, r, "%s: %s", real, why);
                }
                r = replace_file(real, out, &st, reterr, reterr_size);
                free(out);
        }
        if (r == -EAGAIN)
                return error_set(reterr, reterr_size, r,
                                 "%s keeps changing; the rule was not saved", real);
        return r;
}
