/* SPDX-License-Identifier: MIT */
/* cli/cmd_profile.c: the profile merge, diff and recording commands. */
/*
 * scmp-super profile merge|diff|recording: combine recordings of several
 * runs into one profile, show what a recording added or removed, for
 * review, and make the profile a runtime records a container with.
 */
#include "cli/commands.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <seccomp.h>

#include "base/env.h"
#include "profile/profile_merge.h"
#include "profile/profile_text.h"

/* The loader's limit too. */
#define PROFILE_MAX_BYTES (16u << 20)

static void profile_usage(FILE *out)
{
        fputs("Usage: scmp-super profile merge [-o OUT] A.json B.json [C.json...]\n"
              "       scmp-super profile diff OLD.json NEW.json\n"
              "       scmp-super profile recording --listener PATH [--metadata TEXT] [-o OUT]\n"
              "                                    BASE.json\n"
              "\n"
              "Options:\n"
              "  -o, --output OUT     write the profile to OUT instead of stdout (merge,\n"
              "                       recording)\n"
              "      --listener PATH  (recording) the daemon's socket on the node\n"
              "      --metadata TEXT  (recording) listenerMetadata: \"policy=base;trace=web\"\n"
              "  -h, --help           show this help\n"
              "\n"
              "merge  Combine profiles: A's document is kept as it is (its defaults,\n"
              "       architectures and supervisor rules win) and for each further file the\n"
              "       syscalls it decides that A does not are appended, one entry per action,\n"
              "       plus its conditional entries that A lacks. A syscall A already gives\n"
              "       another action keeps A's (with a warning). Writes to OUT or stdout.\n"
              "       Exit status 0, or 2 on error.\n"
              "diff   What NEW adds (+), removes (-) and changes (~) relative to OLD: one line\n"
              "       per syscall rule, groups expanded, sorted by name. Exit status 0 no\n"
              "       differences, 1 differences, 2 error (as diff(1)).\n"
              "recording  The profile to give a runtime to record a container through the\n"
              "       daemon (docs/TRACE.md): BASE's entries as they are, every syscall\n"
              "       BASE does not name sent to the daemon (SCMP_ACT_NOTIFY), and the\n"
              "       listener fields. The daemon records the container against BASE as\n"
              "       trace records a command. Exit status 0, or 2 on error.\n"
              "\n"
              "All read OCI / Docker / Podman profiles and OCI config.json files, and are\n"
              "deterministic: the same inputs give the same output.\n",
              out);
}

static int read_input(const char *path, struct profile_input *ret)
{
        struct stat st;
        int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
        char *text = NULL;
        size_t len = 0, cap = 0;
        int r = 0;

        if (fd < 0) {
                r = -errno;
                fprintf(stderr, "scmp-super profile: %s: %s\n", path, strerror(errno));
                return r;
        }
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
                fprintf(stderr, "scmp-super profile: %s: is a directory\n", path);
                close(fd);
                return -EISDIR;
        }
        for (;;) {
                if (len + 4096 > cap) {
                        if (cap >= PROFILE_MAX_BYTES) {
                                fprintf(stderr,
                                        "scmp-super profile: %s: larger than %u MiB, not a "
                                        "profile\n",
                                        path, PROFILE_MAX_BYTES >> 20);
                                r = -EFBIG;
                                break;
                        }
                        cap = cap ? cap * 2 : 65536;
                        char *grown = realloc(text, cap + 1);
                        if (!grown) {
                                r = -ENOMEM;
                                break;
                        }
                        text = grown;
                }
                ssize_t n = read(fd, text + len, cap - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        fprintf(stderr, "scmp-super profile: %s: %s\n", path, strerror(errno));
                        break;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        close(fd);
        if (r < 0) {
                free(text);
                return r;
        }
        if (!text && !(text = malloc(1)))
                return -ENOMEM;
        text[len] = '\0';
        ret->name = path;
        ret->text = text;
        ret->len = len;
        return 0;
}

static void print_warning(void *ctx, const char *message)
{
        fprintf(stderr, "scmp-super profile merge: warning: %s\n", message);
}

/* A merged profile is checked the way 'run' will use it. */
static int check_loads(const char *text, const char *name)
{
        struct policy_env env;
        struct policy_error err;
        struct policy *p = NULL;
        scmp_filter_ctx ctx = NULL;
        struct policy_compile_opts copts = {.notify_execve = true, .binary_tree = -1};

        env_detect(&env);
        int r = policy_load_buffer(text, strlen(text), name, &env, &p, &err);
        if (r == 0)
                r = policy_compile(p, &copts, &ctx, &err);
        if (ctx)
                seccomp_release(ctx);
        policy_free(p);
        if (r < 0)
                fprintf(stderr, "scmp-super profile merge: the merged profile does not load: %s\n",
                        err.message);
        return r;
}

static int write_output(const char *path, const char *text)
{
        FILE *f = stdout;
        if (path && strcmp(path, "-") != 0) {
                int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
                if (fd < 0 || !(f = fdopen(fd, "w"))) {
                        fprintf(stderr, "scmp-super profile: %s: %s\n", path, strerror(errno));
                        if (fd >= 0)
                                close(fd);
                        return -errno;
                }
        }
        fputs(text, f);
        bool bad = ferror(f);
        if (f == stdout)
                bad |= fflush(f) != 0;
        else
                bad |= fclose(f) != 0;
        if (bad) {
                fprintf(stderr, "scmp-super profile: writing %s failed\n", path ? path : "stdout");
                return -EIO;
        }
        return 0;
}

static int profile_merge_command(int argc, char **argv)
{
        static const struct option options[] = {
            {"output", required_argument, NULL, 'o'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        const char *output = NULL;
        struct profile_input *inputs = NULL;
        struct policy_error err;
        char *text = NULL;
        size_t n = 0;
        int opt, status = 2;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
                switch (opt) {
                case 'o':
                        output = optarg;
                        break;
                case 'h':
                        profile_usage(stdout);
                        return 0;
                default:
                        fputs("Try 'scmp-super profile --help'.\n", stderr);
                        return 2;
                }
        }
        if (argc - optind < 2) {
                fputs("scmp-super profile merge: needs at least two profiles (merge [-o OUT] "
                      "A.json B.json...)\n",
                      stderr);
                return 2;
        }
        inputs = calloc((size_t)(argc - optind), sizeof(*inputs));
        if (!inputs)
                return 2;
        for (int i = optind; i < argc; i++, n++)
                if (read_input(argv[i], &inputs[n]) < 0)
                        goto out;
        if (profile_merge(inputs, n, print_warning, NULL, &text, &err) < 0) {
                fprintf(stderr, "scmp-super profile merge: %s\n", err.message);
                goto out;
        }
        if (check_loads(text, output ? output : "<merged>") < 0)
                goto out;
        if (write_output(output, text) == 0)
                status = 0;
out:
        for (size_t i = 0; i < n; i++)
                free((char *)inputs[i].text);
        free(inputs);
        free(text);
        return status;
}

static int profile_diff_command(int argc, char **argv)
{
        struct profile_input a = {0}, b = {0};
        struct policy_error err;
        bool differs = false;
        int status = 2;

        if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                profile_usage(stdout);
                return 0;
        }
        if (argc != 3) {
                fputs("scmp-super profile diff: needs two profiles (diff OLD.json NEW.json)\n",
                      stderr);
                return 2;
        }
        if (read_input(argv[1], &a) < 0 || read_input(argv[2], &b) < 0)
                goto out;
        fflush(stdout);
        if (profile_diff(&a, &b, stdout, &differs, &err) < 0) {
                fprintf(stderr, "scmp-super profile diff: %s\n", err.message);
                goto out;
        }
        if (fflush(stdout) != 0) {
                fputs("scmp-super profile diff: writing to stdout failed\n", stderr);
                goto out;
        }
        status = differs ? 1 : 0;
out:
        free((char *)a.text);
        free((char *)b.text);
        return status;
}

/*
 * The syscalls base does not name, as the filter of `trace --policy BASE`
 * notifies them (policy/compile.c, notify_unlisted): a JSON array of
 * native names, or NULL when out of memory. Empty when base's default
 * already allows (or logs, or notifies) what it does not name.
 */
static cJSON *unlisted_names(const struct policy *base)
{
        cJSON *names = cJSON_CreateArray();
        if (!names || base->default_action == KACT_ALLOW || base->default_action == KACT_LOG ||
            base->default_action == KACT_NOTIFY)
                return names;
        for (int nr = 0; nr <= base->max_nr; nr++) {
                char *name = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
                if (!name)
                        continue;
                if (!policy_names_syscall(base, nr)) {
                        cJSON *item = cJSON_CreateString(name);
                        if (!item) {
                                free(name);
                                cJSON_Delete(names);
                                return NULL;
                        }
                        cJSON_AddItemToArray(names, item);
                }
                free(name);
        }
        return names;
}

static int profile_recording_command(int argc, char **argv)
{
        enum { OPT_LISTENER = 256, OPT_METADATA };
        static const struct option options[] = {
            {"listener", required_argument, NULL, OPT_LISTENER},
            {"metadata", required_argument, NULL, OPT_METADATA},
            {"output", required_argument, NULL, 'o'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        const char *output = NULL, *listener = NULL, *metadata = NULL;
        struct profile_input base_in = {0};
        struct policy_env env;
        struct policy_error err;
        struct policy *base = NULL;
        cJSON *root = NULL, *names = NULL;
        char *text = NULL;
        int opt, status = 2;
        bool oci;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
                switch (opt) {
                case OPT_LISTENER:
                        listener = optarg;
                        break;
                case OPT_METADATA:
                        metadata = optarg;
                        break;
                case 'o':
                        output = optarg;
                        break;
                case 'h':
                        profile_usage(stdout);
                        return 0;
                default:
                        fputs("Try 'scmp-super profile --help'.\n", stderr);
                        return 2;
                }
        }
        if (argc - optind != 1 || !listener || !*listener) {
                fputs("scmp-super profile recording: needs --listener PATH and one base profile "
                      "(recording --listener PATH [--metadata TEXT] BASE.json)\n",
                      stderr);
                return 2;
        }
        if (read_input(argv[optind], &base_in) < 0)
                goto out;
        env_detect(&env);
        if (policy_load_buffer(base_in.text, base_in.len, base_in.name, &env, &base, &err) < 0) {
                fprintf(stderr, "scmp-super profile recording: %s\n", err.message);
                goto out;
        }
        root = cJSON_ParseWithLength(base_in.text, base_in.len);
        cJSON *profile = root ? profile_seccomp_object(root, &oci) : NULL;
        names = unlisted_names(base);
        if (!profile || !names) {
                fputs("scmp-super profile recording: out of memory\n", stderr);
                goto out;
        }
        /* The runtime gets the kernel part only: the supervisor's rules
         * are the daemon's, which holds BASE itself. */
        cJSON_DeleteItemFromObjectCaseSensitive(profile, "supervisor");
        cJSON_DeleteItemFromObjectCaseSensitive(profile, "listenerPath");
        cJSON_DeleteItemFromObjectCaseSensitive(profile, "listenerMetadata");
        cJSON *syscalls = cJSON_GetObjectItemCaseSensitive(profile, "syscalls");
        if (!syscalls) {
                syscalls = cJSON_AddArrayToObject(profile, "syscalls");
        } else if (!cJSON_IsArray(syscalls)) {
                fprintf(stderr, "scmp-super profile recording: %s: \"syscalls\" is not a list\n",
                        base_in.name);
                goto out;
        }
        if (cJSON_GetArraySize(names) > 0) {
                cJSON *entry = cJSON_CreateObject();
                if (!entry || !syscalls) {
                        cJSON_Delete(entry);
                        fputs("scmp-super profile recording: out of memory\n", stderr);
                        goto out;
                }
                /* One entry, never the default action: runc refuses
                 * SCMP_ACT_NOTIFY as defaultAction. */
                cJSON_AddItemToObject(entry, "names", names);
                names = NULL;
                cJSON_AddStringToObject(entry, "action", "SCMP_ACT_NOTIFY");
                cJSON_AddItemToArray(syscalls, entry);
        } else {
                fprintf(stderr,
                        "scmp-super profile recording: warning: %s decides every syscall (its "
                        "defaultAction is not a refusal): nothing will be new\n",
                        base_in.name);
        }
        if (!cJSON_AddStringToObject(profile, "listenerPath", listener) ||
            (metadata && !cJSON_AddStringToObject(profile, "listenerMetadata", metadata))) {
                fputs("scmp-super profile recording: out of memory\n", stderr);
                goto out;
        }
        char *printed = cJSON_Print(profile);
        if (!printed || !(text = malloc(strlen(printed) + 2))) {
                free(printed);
                fputs("scmp-super profile recording: out of memory\n", stderr);
                goto out;
        }
        sprintf(text, "%s\n", printed);
        free(printed);
        if (write_output(output, text) == 0)
                status = 0;
out:
        policy_free(base);
        cJSON_Delete(root);
        cJSON_Delete(names);
        free(text);
        free((char *)base_in.text);
        return status;
}

int cmd_profile(int argc, char **argv)
{
        if (argc < 2) {
                profile_usage(stderr);
                return 2;
        }
        if (strcmp(argv[1], "merge") == 0)
                return profile_merge_command(argc - 1, argv + 1);
        if (strcmp(argv[1], "diff") == 0)
                return profile_diff_command(argc - 1, argv + 1);
        if (strcmp(argv[1], "recording") == 0)
                return profile_recording_command(argc - 1, argv + 1);
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
            strcmp(argv[1], "help") == 0) {
                profile_usage(stdout);
                return 0;
        }
        fprintf(stderr,
                "scmp-super profile: unknown subcommand \"%s\" (merge, diff or recording)\n",
                argv[1]);
        return 2;
}
