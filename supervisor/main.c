/* SPDX-License-Identifier: MIT */
/* main.c: the command table: each command's name, summary and front end. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cmd_prompt.h"
#include "cmd_status.h"
#include "scmp_version.h"

struct command {
        const char *name;
        const char *args; /* as the usage shows them */
        const char *summary;
        /* argv[0] names the command ("scmp-super run"); returns the exit
         * status. NULL: help and version, answered here. */
        int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
    {"run", "[--policy FILE] -- CMD [ARGS...]", "run CMD under a profile", cmd_run},
    {"check", "[--policy FILE]", "validate and summarise a profile", cmd_check},
    {"trace", "[--policy BASE] [--output NEW] -- CMD [ARGS...]",
     "record what CMD needs beyond BASE", cmd_trace},
    {"profile", "merge|diff A.json B.json", "combine or compare profiles", cmd_profile},
    {"daemon", "--socket PATH [OPTIONS]", "serve runc, crun and run --connect", cmd_daemon},
    {"status", "[--control PATH]", "what a running daemon serves", cmd_status},
    {"prompt", "[--socket PATH] [--json]", "answer a running supervisor's prompts", cmd_prompt},
    {"groups", "[NAME]", "list syscall groups (@basic-io, ...)", cmd_groups},
    {"help", "", "show this help", NULL},
    {"version", "", "show the version", NULL},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))
/* Where the summaries start, counted from the name. */
#define SUMMARY_COLUMN 39

static void usage(FILE *out)
{
        fputs("Usage: scmp-super COMMAND [OPTIONS]\n"
              "\n"
              "A seccomp user-notification supervisor: the kernel decides what a profile\n"
              "decides, and calls the profile marks SCMP_ACT_NOTIFY come to scmp-super,\n"
              "which decides them per call on arguments, paths, addresses and the caller.\n"
              "\n"
              "Commands:\n",
              out);
        for (size_t i = 0; i < N_COMMANDS; i++) {
                const struct command *c = &commands[i];
                char left[128];
                snprintf(left, sizeof(left), "%s%s%s", c->name, *c->args ? " " : "", c->args);
                if (strlen(left) < SUMMARY_COLUMN)
                        fprintf(out, "  %-*s%s\n", SUMMARY_COLUMN, left, c->summary);
                else
                        fprintf(out, "  %s\n  %-*s%s\n", left, SUMMARY_COLUMN, "", c->summary);
        }
        fputs("\n"
              "Profiles are OCI / Docker / Podman seccomp JSON, loaded unchanged, plus an\n"
              "optional \"supervisor\" object of user-space rules. 'scmp-super COMMAND --help'\n"
              "describes each command.\n",
              out);
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                usage(stderr);
                return 2;
        }
        const char *cmd = argv[1];
        if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
                cmd = "help";
        else if (strcmp(cmd, "--version") == 0)
                cmd = "version";
        for (size_t i = 0; i < N_COMMANDS; i++) {
                const struct command *c = &commands[i];
                if (strcmp(cmd, c->name) != 0)
                        continue;
                if (c->run) {
                        /* getopt names argv[0] in its messages: "scmp-super run: ...". */
                        char name[64];
                        snprintf(name, sizeof(name), "scmp-super %s", c->name);
                        argv[1] = name;
                        return c->run(argc - 1, argv + 1);
                }
                if (strcmp(c->name, "help") == 0)
                        usage(stdout);
                else
                        printf("scmp-super %s\n", SCMP_SUPER_VERSION);
                return 0;
        }
        fprintf(stderr, "scmp-super: unknown command \"%s\" (try 'scmp-super help')\n", cmd);
        return 2;
}
