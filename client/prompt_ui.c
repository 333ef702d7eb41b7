/* SPDX-License-Identifier: MIT */
/* client/prompt_ui.c: the prompt as a person sees it, and the keys that answer it. */
#include "prompt_ui.h"

#include "base/text.h"

#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

/* Enough for a path of PATH_MAX bytes with every byte escaped. */
#define SANITIZED_MAX (4096 * 4 + 16)

size_t prompt_ui_terminal_width(int fd)
{
        struct winsize ws;
        if (ioctl(fd, TIOCGWINSZ, &ws) < 0 || ws.ws_col < 20)
                return 80;
        return ws.ws_col;
}

int64_t prompt_ui_now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Appends n bytes if they fit with room for "..." and the terminator. */
static bool emit(char *out, size_t size, size_t *used, const char *s, size_t n)
{
        if (*used + n + 4 > size)
                return false;
        memcpy(out + *used, s, n);
        *used += n;
        return true;
}

/* Code points that change how the terminal lays text out rather than
 * showing a character: C1 controls, bidirectional controls, separators. */
static bool is_layout_control(uint32_t cp)
{
        return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
               (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
               cp == 0x2029;
}

size_t prompt_ui_sanitize(const char *in, char *out, size_t size)
{
        const unsigned char *s = (const unsigned char *)(in ? in : "");
        size_t used = 0;
        char esc[16];

        if (size == 0)
                return 0;
        if (size < 4) {
                out[0] = '\0';
                return 0;
        }
        while (*s) {
                bool ok;
                uint32_t cp;
                size_t n;
                if (*s == '\\') {
                        ok = emit(out, size, &used, "\\\\", 2);
                        n = 1;
                } else if (*s >= 0x20 && *s < 0x7f) {
                        ok = emit(out, size, &used, (const char *)s, 1);
                        n = 1;
                } else if (*s < 0x80 || (n = text_utf8_decode(s, 4, &cp)) == 0) {
                        /* A control character, or a byte that does not start UTF-8. */
                        snprintf(esc, sizeof(esc), "\\x%02x", *s);
                        ok = emit(out, size, &used, esc, 4);
                        n = 1;
                } else if (is_layout_control(cp)) {
                        int w = snprintf(esc, sizeof(esc), "\\u{%04x}", (unsigned)cp);
                        ok = emit(out, size, &used, esc, (size_t)w);
                } else {
                        ok = emit(out, size, &used, (const char *)s, n);
                }
                if (!ok) {
                        memcpy(out + used, "...", 3);
                        used += 3;
                        break;
                }
                s += n;
        }
        out[used] = '\0';
        return used;
}

static const char *string_of(const cJSON *obj, const char *key)
{
        return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

static void put_safe(FILE *out, const char *s)
{
        static char buf[SANITIZED_MAX];
        prompt_ui_sanitize(s, buf, sizeof(buf));
        fputs(buf, out);
}

static void put_field(FILE *out, const char *label, const char *value)
{
        fprintf(out, "  %-9s ", label);
        put_safe(out, value);
        fputc('\n', out);
}

/* "  ids       uid 65534 euid 0 fsuid 0 gid 0": what the request gives
 * (the real ids, and the effective and filesystem ones that differ). */
static void put_ids(FILE *out, const cJSON *target)
{
        static const char *const names[] = {"uid", "euid", "fsuid", "gid", "egid", "fsgid"};
        bool any = false;

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(target, names[i]);
                if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > UINT32_MAX)
                        continue;
                if (!any)
                        fprintf(out, "  %-9s", "ids");
                any = true;
                fprintf(out, " %s %.0f", names[i], v->valuedouble);
        }
        if (any)
                fputc('\n', out);
}

void prompt_ui_render(FILE *out, const cJSON *req, size_t queued)
{
        const cJSON *target = cJSON_GetObjectItemCaseSensitive(req, "target");
        const cJSON *decoded = cJSON_GetObjectItemCaseSensitive(req, "decoded");
        const cJSON *rule = cJSON_GetObjectItemCaseSensitive(req, "rule");
        const cJSON *timeout = cJSON_GetObjectItemCaseSensitive(req, "timeout");
        const cJSON *item;
        double id = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(req, "id"));
        double waiting = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(req, "waiting"));
        const char *exe = string_of(target, "exe"), *s;

        fprintf(out, "--- scmp-super: request %.0f needs a decision", id);
        if (queued)
                fprintf(out, " (%zu more waiting)", queued);
        fputs(" ---\n", out);

        double pid = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(target, "pid"));
        double tgid = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(target, "tgid"));
        fprintf(out, "  %-9s pid %.0f", "caller", pid);
        if (tgid > 0 && tgid != pid)
                fprintf(out, " (a thread of %.0f)", tgid);
        fputs("  ", out);
        put_safe(out, exe ? exe : "(executable unknown)");
        fputc('\n', out);
        put_ids(out, target);
        if ((s = string_of(target, "cmdline")))
                put_field(out, "command", s);
        if ((s = string_of(target, "container")))
                put_field(out, "container", s);
        if ((s = string_of(req, "syscall")))
                put_field(out, "call", s);
        const cJSON *names = cJSON_GetObjectItemCaseSensitive(decoded, "names");
        int index = 0;
        cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(decoded, "paths"))
        {
                const char *p = cJSON_GetStringValue(item);
                const char *n = cJSON_GetStringValue(cJSON_GetArrayItem(names, index++));
                if (p)
                        put_field(out, "path", p);
                else
                        fprintf(out, "  %-9s (could not be named)\n", "path");
                /* What the program wrote, when it leads elsewhere. */
                if (n && (!p || strcmp(n, p) != 0))
                        put_field(out, "named", n);
        }
        if ((s = string_of(decoded, "address")))
                put_field(out, "address", s);
        static const char *const flag_keys[] = {"flags", "mode",        "resolve", "family",
                                                "type",  "clone_flags", NULL};
        for (size_t i = 0; flag_keys[i]; i++)
                if ((s = string_of(decoded, flag_keys[i])))
                        put_field(out, flag_keys[i], s);
        const cJSON *argv = cJSON_GetObjectItemCaseSensitive(decoded, "argv");
        if (cJSON_IsArray(argv)) {
                fprintf(out, "  %-9s", "argv");
                cJSON_ArrayForEach(item, argv)
                {
                        fputs(" \"", out);
                        put_safe(out, cJSON_GetStringValue(item));
                        fputc('"', out);
                }
                fputc('\n', out);
        }
        if (rule) {
                fprintf(out, "  %-9s ", "asked by");
                put_safe(out, string_of(rule, "source"));
                if ((s = string_of(rule, "comment"))) {
                        fputs(" (", out);
                        put_safe(out, s);
                        fputc(')', out);
                }
                fputc('\n', out);
        }
        /* What a session answer, or a forever one for exactly this, adds:
         * as wide as the call shown (an open's flags included), no wider. */
        const cJSON *exactly =
            cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(req, "scopes"), 0);
        const cJSON *lasting = cJSON_GetObjectItemCaseSensitive(exactly, "rule");
        if (cJSON_IsObject(lasting)) {
                char *text = cJSON_PrintUnformatted(lasting);
                if (text)
                        put_field(out, "lasting", text);
                cJSON_free(text);
        } else if ((s = string_of(exactly, "refused"))) {
                fprintf(out, "  %-9s none: ", "lasting");
                put_safe(out, s);
                fputc('\n', out);
        }
        if (waiting > 1)
                fprintf(out, "  %-9s %.0f identical calls\n", "waiting", waiting);
        if (timeout) {
                fprintf(out, "  %-9s ", "timeout");
                put_safe(out, string_of(timeout, "decision"));
                if ((s = string_of(timeout, "errno"))) {
                        fputs(" with ", out);
                        put_safe(out, s);
                }
                fputs(" once, if nobody answers in time\n", out);
        }
}

/* The rule a scope's answer applies: the request's rule with the action
 * and errno the answer gives, as one line of JSON (NULL: none). */
static char *rule_text(const struct prompt_ui *ui, const cJSON *scope)
{
        const cJSON *shown = cJSON_GetObjectItemCaseSensitive(scope, "rule");
        const char *e =
            string_of(cJSON_GetObjectItemCaseSensitive(ui->request, "timeout"), "errno");
        char *text = NULL;

        if (!cJSON_IsObject(shown))
                return NULL;
        cJSON *rule = cJSON_Duplicate(shown, true);
        if (rule && cJSON_AddStringToObject(rule, "action", ui->decision) &&
            (strcmp(ui->decision, "deny") != 0 ||
             cJSON_AddStringToObject(rule, "errno", e ? e : "EPERM")))
                text = cJSON_PrintUnformatted(rule);
        cJSON_Delete(rule);
        return text;
}

void prompt_ui_render_step(FILE *out, const struct prompt_ui *ui)
{
        const cJSON *scope;
        int i = 0;

        if (ui->step != PROMPT_UI_FOREVER_SCOPE)
                return;
        fputc('\n', out);
        cJSON_ArrayForEach(scope, cJSON_GetObjectItemCaseSensitive(ui->request, "scopes"))
        {
                const char *pattern = string_of(scope, "pattern"), *exe = string_of(scope, "exe");
                const char *refused = string_of(scope, "refused");
                if (++i > 9)
                        break;
                fprintf(out, "  [%d] ", i);
                put_safe(out, string_of(scope, "label"));
                if (pattern) {
                        fputs(": ", out);
                        put_safe(out, pattern);
                }
                if (exe) {
                        fputs(", tied to executable ", out);
                        put_safe(out, exe);
                } else if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(scope, "exe"))) {
                        fputs(" (not tied to an executable)", out);
                }
                fputc('\n', out);
                char *text = rule_text(ui, scope);
                if (text) {
                        fputs("      ", out);
                        put_safe(out, text);
                        fputc('\n', out);
                } else if (refused) {
                        fputs("      none: ", out);
                        put_safe(out, refused);
                        fputc('\n', out);
                }
                cJSON_free(text);
        }
}

void prompt_ui_start(struct prompt_ui *ui, const cJSON *request)
{
        memset(ui, 0, sizeof(*ui));
        ui->request = request;
        ui->step = PROMPT_UI_MAIN;
}

static bool can_save(const struct prompt_ui *ui)
{
        return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ui->request, "forever"));
}

static void answer(const struct prompt_ui *ui, const char *decision, const char *scope,
                   const cJSON *chosen, struct prompt_ui_answer *ret)
{
        ret->id =
            (uint64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(ui->request, "id"));
        ret->decision = decision;
        ret->scope = scope;
        ret->choice = string_of(chosen, "name");
        /* A supervisor that names no scopes takes the pattern. */
        ret->pattern = ret->choice ? NULL : string_of(chosen, "pattern");
}

static const char *decision_for_key(int key)
{
        switch (key) {
        case 'a':
                return "allow";
        case 'd':
                return "deny";
        case 'k':
                return "kill";
        default:
                return NULL;
        }
}

int prompt_ui_key(struct prompt_ui *ui, int key, struct prompt_ui_answer *ret)
{
        const cJSON *scopes = cJSON_GetObjectItemCaseSensitive(ui->request, "scopes");
        const char *decision;

        if (key == 27 || key == 127 || key == 8) {
                if (ui->step == PROMPT_UI_MAIN)
                        return -1;
                ui->step = PROMPT_UI_MAIN;
                return 0;
        }
        switch (ui->step) {
        case PROMPT_UI_MAIN:
                switch (key) {
                case 'a':
                case 'd':
                case 'k':
                        answer(ui, decision_for_key(key), "once", NULL, ret);
                        return 1;
                case 'A':
                        answer(ui, "allow", "session", NULL, ret);
                        return 1;
                case 'D':
                        answer(ui, "deny", "session", NULL, ret);
                        return 1;
                case 'f':
                        if (!can_save(ui))
                                return -1;
                        snprintf(ui->lasting, sizeof(ui->lasting), "forever");
                        ui->step = PROMPT_UI_FOREVER_DECISION;
                        return 0;
                case 's':
                        snprintf(ui->lasting, sizeof(ui->lasting), "session");
                        ui->step = PROMPT_UI_FOREVER_DECISION;
                        return 0;
                default:
                        return -1;
                }
        case PROMPT_UI_FOREVER_DECISION:
                decision = decision_for_key(key);
                if (!decision)
                        return -1;
                snprintf(ui->decision, sizeof(ui->decision), "%s", decision);
                if (cJSON_GetArraySize(scopes) <= 1) {
                        answer(ui, decision, ui->lasting, cJSON_GetArrayItem(scopes, 0), ret);
                        return 1;
                }
                ui->step = PROMPT_UI_FOREVER_SCOPE;
                return 0;
        case PROMPT_UI_FOREVER_SCOPE:
                if (key < '1' || key > '9' || key - '1' >= cJSON_GetArraySize(scopes))
                        return -1;
                const cJSON *scope = cJSON_GetArrayItem(scopes, key - '1');
                answer(ui, decision_for_key(ui->decision[0]), ui->lasting, scope, ret);
                return 1;
        }
        return -1;
}

void prompt_ui_choices(const struct prompt_ui *ui, int64_t now_unix_ms, size_t queued, char *buf,
                       size_t size)
{
        double deadline =
            cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(ui->request, "deadline"));
        int64_t left_ms = (int64_t)deadline - now_unix_ms;
        long left = left_ms > 0 ? (long)((left_ms + 999) / 1000) : 0;
        size_t used = 0;
        int n = 0;
        int n_scopes = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ui->request, "scopes"));

#define ADD(...)                                                                                   \
        do {                                                                                       \
                n = snprintf(buf + used, size > used ? size - used : 0, __VA_ARGS__);              \
                if (n > 0)                                                                         \
                        used += (size_t)n;                                                         \
                if (used >= size)                                                                  \
                        used = size ? size - 1 : 0;                                                \
        } while (0)

        if (size == 0)
                return;
        buf[0] = '\0';
        switch (ui->step) {
        case PROMPT_UI_MAIN:
                ADD("[a]llow [A]llow session [d]eny [D]eny session [k]ill [s]ession scope");
                if (can_save(ui))
                        ADD(" [f]orever");
                break;
        case PROMPT_UI_FOREVER_DECISION:
                if (strcmp(ui->lasting, "session") == 0)
                        ADD("for the session: [a]llow [d]eny [k]ill [Esc] back");
                else
                        ADD("save a rule for good: [a]llow [d]eny [k]ill [Esc] back");
                break;
        case PROMPT_UI_FOREVER_SCOPE:
                ADD("%s %s: which scope? [1-%d] [Esc] back", ui->decision,
                    strcmp(ui->lasting, "session") == 0 ? "for the session" : "for good",
                    n_scopes > 9 ? 9 : n_scopes);
                break;
        }
        if (queued)
                ADD(" (%lds, %zu more)> ", left, queued);
        else
                ADD(" (%lds)> ", left);
#undef ADD
}

void prompt_ui_describe_resolution(const cJSON *msg, char *buf, size_t size)
{
        const char *by = string_of(msg, "by"), *decision = string_of(msg, "decision");
        const char *scope = string_of(msg, "scope"), *e = string_of(msg, "errno");
        const char *verb = "answered";
        char safe_by[64];

        prompt_ui_sanitize(by ? by : "?", safe_by, sizeof(safe_by));
        if (by && strcmp(by, "caller-died") == 0) {
                snprintf(buf, size, "gone: the caller died or was interrupted");
                return;
        }
        if (decision && strcmp(decision, "allow") == 0)
                verb = "allowed";
        else if (decision && strcmp(decision, "deny") == 0)
                verb = "denied";
        else if (decision && strcmp(decision, "kill") == 0)
                verb = "killed";
        const char *how = !scope || strcmp(scope, "once") == 0 ? "once"
                          : strcmp(scope, "session") == 0      ? "for the session"
                                                               : "for good (saved in the profile)";
        char safe_e[32] = "";
        if (e)
                prompt_ui_sanitize(e, safe_e, sizeof(safe_e));
        if (by && strcmp(by, "timeout") == 0)
                snprintf(buf, size, "%s %s%s%s: nobody answered in time", verb, how,
                         e ? " with " : "", safe_e);
        else if (by && strcmp(by, "session") == 0)
                snprintf(buf, size, "%s%s%s by a rule just made for the session", verb,
                         e ? " with " : "", safe_e);
        else
                snprintf(buf, size, "%s %s%s%s, by %s", verb, how, e ? " with " : "", safe_e,
                         safe_by);
}
