/* SPDX-License-Identifier: MIT */
/* cli/cmd_groups.c: the groups command: the syscall groups a profile may name. */
#include "cli/commands.h"

#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"

#define PROGRAM "scmp-super groups"

/* Longer than any group name; a longer argument cannot name a group. */
#define GROUP_NAME_MAX 64

static void usage(FILE *f)
{
        fprintf(f, "Usage: scmp-super groups [--help] [NAME]\n"
                   "\n"
                   "Without NAME, list the system call groups a profile may use.\n"
                   "With NAME (\"@network-io\" or \"network-io\"), show the group's members\n"
                   "and every system call it expands to, marking those this\n"
                   "architecture does not have.\n");
}

/* The name of the architecture this program was built for, as people write it. */
static const char *native_arch_name(void)
{
        switch (seccomp_arch_native()) {
        case SCMP_ARCH_X86_64:
                return "x86_64";
        case SCMP_ARCH_X86:
                return "x86";
        case SCMP_ARCH_X32:
                return "x32";
        case SCMP_ARCH_AARCH64:
                return "aarch64";
        case SCMP_ARCH_ARM:
                return "arm";
        case SCMP_ARCH_PPC64LE:
                return "ppc64le";
        case SCMP_ARCH_PPC64:
                return "ppc64";
        case SCMP_ARCH_PPC:
                return "ppc";
        case SCMP_ARCH_S390X:
                return "s390x";
        case SCMP_ARCH_S390:
                return "s390";
        case SCMP_ARCH_RISCV64:
                return "riscv64";
        default:
                return "this architecture";
        }
}

static int list_groups(void)
{
        size_t width = 0;

        for (size_t i = 0; i < syscall_group_count(); i++) {
                size_t len = strlen(syscall_group_at(i)->name);

                if (len > width)
                        width = len;
        }
        for (size_t i = 0; i < syscall_group_count(); i++) {
                const struct syscall_group *g = syscall_group_at(i);

                printf("%-*s  %s\n", (int)width, g->name, g->description);
        }
        return 0;
}

struct name_list {
        const char **names;
        size_t n;
        size_t allocated;
};

static int collect_name(const char *syscall, void *userdata)
{
        struct name_list *list = userdata;

        if (list->n == list->allocated) {
                size_t allocated = list->allocated ? list->allocated * 2 : 64;
                const char **names = reallocarray(list->names, allocated, sizeof(*names));

                if (!names)
                        return -ENOMEM;
                list->names = names;
                list->allocated = allocated;
        }
        list->names[list->n++] = syscall;
        return 0;
}

static int compare_names(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Why SYSCALL cannot be filtered here, or NULL if it can. */
static const char *unavailable_reason(const char *syscall, char *buf, size_t size)
{
        int nr = seccomp_syscall_resolve_name(syscall);

        /*
         * libseccomp gives names that exist on other architectures only a
         * negative pseudo number, and names it does not know at all
         * __NR_SCMP_ERROR; the second happens for calls newer than it is.
         */
        if (nr == __NR_SCMP_ERROR)
                return "(unknown to this libseccomp)";
        if (nr < 0) {
                snprintf(buf, size, "(not on %s)", native_arch_name());
                return buf;
        }
        return NULL;
}

static int show_group(const struct syscall_group *g)
{
        struct name_list list = {};
        size_t n_members = 0, width = 0, n_unavailable = 0;
        char reason_buf[64];
        int r;

        for (const char *const *m = g->members; *m; m++) {
                size_t len = strlen(*m);

                n_members++;
                if (len > width)
                        width = len;
        }

        r = syscall_group_expand(g->name, collect_name, &list);
        if (r != 0) {
                fprintf(stderr, PROGRAM ": cannot expand %s: %s\n", g->name,
                        strerror(r < 0 ? -r : EINVAL));
                free(list.names);
                return 1;
        }
        qsort(list.names, list.n, sizeof(*list.names), compare_names);
        for (size_t i = 0; i < list.n; i++) {
                size_t len = strlen(list.names[i]);

                if (len > width)
                        width = len;
        }

        printf("%s\n    %s\n\n", g->name, g->description);

        printf("Members (%zu):\n", n_members);
        for (const char *const *m = g->members; *m; m++) {
                if ((*m)[0] == '@')
                        printf("    %-*s  (group)\n", (int)width, *m);
                else
                        printf("    %s\n", *m);
        }

        printf("\nExpands to %zu system call%s:\n", list.n, list.n == 1 ? "" : "s");
        for (size_t i = 0; i < list.n; i++) {
                const char *reason =
                    unavailable_reason(list.names[i], reason_buf, sizeof(reason_buf));

                if (reason) {
                        printf("    %-*s  %s\n", (int)width, list.names[i], reason);
                        n_unavailable++;
                } else {
                        printf("    %s\n", list.names[i]);
                }
        }
        if (n_unavailable > 0)
                printf("\n%zu of them cannot be filtered on %s and are skipped.\n", n_unavailable,
                       native_arch_name());

        free(list.names);
        return 0;
}

int cmd_groups(int argc, char **argv)
{
        const char *name = NULL;
        char full_name[GROUP_NAME_MAX];
        const struct syscall_group *g;
        bool options_done = false;
        int r;

        for (int i = 1; i < argc; i++) {
                const char *arg = argv[i];

                if (!options_done && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
                        usage(stdout);
                        return fflush(stdout) == 0 ? 0 : 1;
                }
                if (!options_done && strcmp(arg, "--") == 0) {
                        options_done = true;
                        continue;
                }
                if (!options_done && arg[0] == '-' && arg[1] != '\0') {
                        fprintf(stderr, PROGRAM ": unknown option '%s'\n", arg);
                        usage(stderr);
                        return 2;
                }
                if (name) {
                        fprintf(stderr, PROGRAM ": expected at most one NAME, got '%s' and '%s'\n",
                                name, arg);
                        usage(stderr);
                        return 2;
                }
                name = arg;
        }

        if (!name) {
                r = list_groups();
        } else {
                /* Accept "network-io" for "@network-io": the '@' is easy to forget in a shell. */
                int len =
                    snprintf(full_name, sizeof(full_name), "%s%s", name[0] == '@' ? "" : "@", name);

                g = len > 0 && (size_t)len < sizeof(full_name) ? syscall_group_find(full_name)
                                                               : NULL;
                if (!g) {
                        fprintf(stderr,
                                PROGRAM ": unknown group '%s'; run 'scmp-super groups' to list "
                                        "them\n",
                                name);
                        return 2;
                }
                r = show_group(g);
        }

        /* A full disk or a closed pipe must not look like success. */
        if (fflush(stdout) != 0 || ferror(stdout)) {
                if (r == 0)
                        fprintf(stderr, PROGRAM ": writing output: %s\n", strerror(errno));
                return 1;
        }
        return r;
}
