/* SPDX-License-Identifier: MIT */
/* core/proc_tree.c: whether a process descends from another, walked with pidfds. */
#include "core/proc_tree.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* Attempts at one step while parents keep exiting under us. */
#define MAX_RETRIES 64

int proc_status_value(const char *text, size_t len, const char *field, char *buf, size_t size)
{
        size_t flen = strlen(field);

        if (size == 0)
                return -EINVAL;
        buf[0] = '\0';
        /* Line by line; the kernel escapes the one field a process chooses
         * (Name: its comm, where a newline shows as "\n"), so no line is
         * forged, but nothing here relies on that. */
        for (size_t start = 0; start < len;) {
                const char *line = text + start;
                const char *nl = memchr(line, '\n', len - start);
                size_t line_len = nl ? (size_t)(nl - line) : len - start;
                start += line_len + 1;
                if (line_len < flen || memcmp(line, field, flen) != 0)
                        continue;
                size_t skip = flen;
                while (skip < line_len && (line[skip] == ' ' || line[skip] == '\t'))
                        skip++;
                size_t value_len = line_len - skip;
                if (value_len >= size || memchr(line + skip, '\0', value_len))
                        return -EBADMSG;
                memcpy(buf, line + skip, value_len);
                buf[value_len] = '\0';
                return 0;
        }
        return -ENODATA;
}

int proc_status_pid(const char *value, pid_t *ret_pid)
{
        pid_t v = 0;
        if (!*value)
                return -EBADMSG;
        for (const char *p = value; *p; p++) {
                if (*p < '0' || *p > '9' || v > (INT32_MAX - 9) / 10)
                        return -EBADMSG;
                v = v * 10 + (*p - '0');
        }
        *ret_pid = v;
        return 0;
}

int proc_status_ns_depth(const char *value)
{
        /* One pid per namespace, from ours down to the process's own. */
        int depth = 0;
        for (const char *p = value; *p;) {
                p += strspn(p, " \t");
                if (!*p)
                        break;
                depth++;
                p += strcspn(p, " \t");
        }
        return depth > 0 ? depth : -EBADMSG;
}

/* The value of field in /proc/PID/status into buf. */
static int status_field(pid_t pid, const char *field, char *buf, size_t size)
{
        char path[64], text[8192];

        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        /* The file is built whole at the first read; about 1.5 KiB today. */
        ssize_t n = read(fd, text, sizeof(text));
        int e = errno;
        close(fd);
        if (n < 0)
                return -e;
        return proc_status_value(text, (size_t)n, field, buf, size);
}

static int read_ppid(pid_t pid, pid_t *ret_ppid)
{
        char value[32] = "";
        int r = status_field(pid, "PPid:", value, sizeof(value));
        return r < 0 ? r : proc_status_pid(value, ret_ppid);
}

/* A pidfd turns readable when its process exits (a zombie included). */
static bool alive(int pidfd)
{
        struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
        return poll(&pfd, 1, 0) == 0;
}

static int pidfd_open_process(pid_t pid)
{
        long fd = syscall(SYS_pidfd_open, pid, 0);
        return fd < 0 ? -errno : (int)fd;
}

/*
 * One step up from cur (alive, held by cur_fd): its parent's pid and a
 * pidfd that surely is that parent's. -ESRCH when cur itself is gone.
 */
static int step_up(pid_t cur, int cur_fd, pid_t *ret_parent, int *ret_parent_fd)
{
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
                pid_t parent, again;
                int r = read_ppid(cur, &parent);
                if (r < 0 || !alive(cur_fd))
                        return r == -ENOENT || r >= 0 ? -ESRCH : r;
                if (parent == 0) {
                        /* Init, or a parent outside our pid namespace. */
                        *ret_parent = 0;
                        *ret_parent_fd = -1;
                        return 0;
                }
                int fd = pidfd_open_process(parent);
                if (fd == -ESRCH)
                        continue; /* the parent exited; cur has a new one */
                if (fd < 0)
                        return fd;
                r = read_ppid(cur, &again);
                if (r == 0 && again == parent && alive(cur_fd)) {
                        *ret_parent = parent;
                        *ret_parent_fd = fd;
                        return 0;
                }
                close(fd);
                if (r < 0 && r != -ENOENT)
                        return r;
                if (!alive(cur_fd))
                        return -ESRCH;
        }
        return -EAGAIN;
}

int proc_tree_ancestors(pid_t pid, int pidfd, pid_t *ret_chain, size_t max, size_t *ret_n)
{
        size_t n = 0;

        if (pid <= 0 || max == 0)
                return -EINVAL;
        int cur_fd = pidfd >= 0 ? fcntl(pidfd, F_DUPFD_CLOEXEC, 3) : pidfd_open_process(pid);
        if (cur_fd < 0)
                return pidfd >= 0 ? -errno : cur_fd;
        pid_t cur = pid;
        int r = 0;
        ret_chain[n++] = pid;
        while (cur > 1) {
                pid_t parent;
                int parent_fd;
                if (n == max) {
                        r = -ELOOP;
                        break;
                }
                r = step_up(cur, cur_fd, &parent, &parent_fd);
                if (r < 0)
                        break;
                close(cur_fd);
                cur_fd = parent_fd;
                cur = parent;
                if (cur > 0)
                        ret_chain[n++] = cur;
        }
        if (cur_fd >= 0)
                close(cur_fd);
        if (r < 0)
                return r;
        *ret_n = n;
        return 0;
}

int proc_tree_descends(pid_t pid, int pidfd, pid_t ancestor)
{
        pid_t *chain;
        size_t n = 0;

        if (pid <= 0)
                return 0;
        if (pid == ancestor)
                return 1;
        chain = malloc(PROC_TREE_MAX_DEPTH * sizeof(*chain));
        if (!chain)
                return -ENOMEM;
        int r = proc_tree_ancestors(pid, pidfd, chain, PROC_TREE_MAX_DEPTH, &n);
        if (r == 0)
                for (size_t i = 0; i < n && r == 0; i++)
                        r = chain[i] == ancestor;
        free(chain);
        return r;
}

int proc_pid_ns_depth(pid_t pid)
{
        char value[256] = "";
        int r = status_field(pid, "NSpid:", value, sizeof(value));
        return r < 0 ? r : proc_status_ns_depth(value);
}

int proc_seccomp_mode(pid_t pid)
{
        char value[32] = "";
        pid_t mode = -1;
        int r = status_field(pid, "Seccomp:", value, sizeof(value));
        if (r == 0)
                r = proc_status_pid(value, &mode);
        return r < 0 ? r : (int)mode;
}
