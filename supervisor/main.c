/* SPDX-License-Identifier: MIT */
/* main.c: scmp-super, one binary, several personalities. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd_daemon.h"
#include "scmp_version.h"
#include "cli/cmd_groups.h"
#include "cmd_prompt.h"
#include "cmd_status.h"
#include "cli/cmd_trace.h"
#include "cli/commands.h"

static void usage(FILE *out)
{
        fputs("Usage: scmp-super COMMAND [OPTIONS]\n"
              "\n"
              "A seccomp user-notification supervisor: the kernel decides what a profile\n"
              "decides, and calls the profile marks SCMP_ACT_NOTIFY come to scmp-super,\n"
              "which decides them per call on arguments, paths, addresses and the caller.\n"
              "\n"
              "Commands:\n"
              "  run [--policy FILE] -- CMD [ARGS...]   run CMD under a profile\n"
              "  check [--policy FILE]                  validate and summarise a profile\n"
              "  trace [--policy BASE] [--output NEW] -- CMD [ARGS...]\n"
              "                                         record what CMD needs beyond BASE\n"
              "  profile merge|diff A.json B.json       combine or compare profiles\n"
              "  daemon --socket PATH [OPTIONS]         serve runc, crun and run --connect\n"
              "  status [--control PATH]                what a running daemon serves\n"
              "  prompt [--socket PATH] [--json]        answer a running supervisor's prompts\n"
              "  groups [NAME]                          list syscall groups (@basic-io, ...)\n"
              "  help                                   show this help\n"
              "  version                                show the version\n"
              "\n"
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
        /* getopt names argv[0] in its messages: "scmp-super run: ...". */
        char name[64];
        snprintf(name, sizeof(name), "scmp-super %s", cmd);
        argv[1] = name;
        if (strcmp(cmd, "run") == 0)
                return cmd_run(argc - 1, argv + 1);
        if (strcmp(cmd, "check") == 0)
                return cmd_check(argc - 1, argv + 1);
        if (strcmp(cmd, "groups") == 0)
                return cmd_groups(argc - 1, argv + 1);
        if (strcmp(cmd, "daemon") == 0)
                return cmd_daemon(argc - 1, argv + 1);
        if (strcmp(cmd, "status") == 0)
                return cmd_status(argc - 1, argv + 1);
        if (strcmp(cmd, "prompt") == 0)
                return cmd_prompt(argc - 1, argv + 1);
        if (strcmp(cmd, "trace") == 0)
                return cmd_trace(argc - 1, argv + 1);
        if (strcmp(cmd, "profile") == 0)
                return cmd_profile(argc - 1, argv + 1);
        if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
                usage(stdout);
                return 0;
        }
        if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
                printf("scmp-super %s\n", SCMP_SUPER_VERSION);
                return 0;
        }
        fprintf(stderr, "scmp-super: unknown command \"%s\" (try 'scmp-super help')\n", cmd);
        return 2;
}
