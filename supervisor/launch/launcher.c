/* SPDX-License-Identifier: MIT */
/* launch/launcher.c: the forked launcher: loads the filter, sends its listener, execs the command.
 */
/*
 * Why a second thread: the listener fd exists only once the filter is
 * loaded, and from then on every system call of the loading thread passes
 * the user's filter, which need not allow sendmsg. Filters belong to the
 * thread that loads them, so a helper thread started before the load stays
 * unfiltered and sends the fd; the filtered thread goes straight to execve,
 * which the filter hands to the supervisor. By the time the supervisor
 * answers it has the fd, and the exec (de_thread) ends the helper. The user's
 * profile therefore needs no entry for scmp-super itself.
 *
 * When the filter lets every sendmsg and write run (Docker's default does),
 * the thread is not needed: the filtered thread sends the fd itself, as the
 * least launcher would, and start-up saves the thread, its stack and the
 * cross-CPU TLB flushes a second thread brings to every copied page.
 */
#include "launch/launcher.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/fdio.h"
#include "launch/agent.h"
#include "core/notif.h"
#include "launch/seal.h"

static struct {
        const struct launch_spec *spec;
        const char *message;    /* the agent message, made before the helper starts */
        _Atomic int listener;   /* -1 until the filtered thread has loaded */
        _Atomic int exec_errno; /* set by the filtered thread if its exec failed */
        _Atomic bool reported;  /* set by the helper once it has said so */
} launch = {.listener = -1};

/* Where the launcher's own messages go: stderr as scmp-super had it, even
 * once the command's stderr is its pty. Close-on-exec, as a copy of the
 * person's terminal must not reach the command. The launcher says its own
 * failures, unlike the rest of launch/: it is the forked child before exec,
 * which has no caller to hand a reason back to but its exit status. */
static int report_fd = STDERR_FILENO;

__attribute__((noreturn)) static void die_setup(const char *what, int error)
{
        dprintf(report_fd, "scmp-super: launcher: %s: %s\n", what, strerror(error));
        /* exit_group from an unfiltered context; the filtered thread never
         * gets here. */
        syscall(SYS_exit_group, 125);
        __builtin_unreachable();
}

static void *send_listener(void *unused)
{
        const struct launch_spec *spec = launch.spec;
        const char *msg = launch.message;
        int fd;

        /* The load takes microseconds; the filtered thread cannot signal us
         * with a system call of its own, only through memory. */
        while ((fd = atomic_load(&launch.listener)) < 0)
                sched_yield();
        int r = agent_send(spec->sock, msg, &fd, 1);
        if (r < 0)
                die_setup("sending the listener to the supervisor", -r);
        /* Closing our end tells the supervisor the message is complete.
         * The message is not freed: the exec ends this process image, and
         * a first free() on this thread would set up a malloc arena of its
         * own (an mmap of 128 MiB and its page tables) for nothing. */
        close(spec->sock);
        /* Wait to be ended by the exec, or to say why it failed: the
         * filtered thread cannot, its profile may refuse write. The exec
         * follows within milliseconds, so the wait is short. */
        for (;;) {
                int e = atomic_load(&launch.exec_errno);
                if (e) {
                        dprintf(report_fd, "scmp-super: %s: cannot execute: %s\n", spec->exec_path,
                                strerror(e));
                        atomic_store(&launch.reported, true);
                        for (;;)
                                pause();
                }
                struct timespec tick = {.tv_nsec = 1000000L}; /* 1 ms */
                nanosleep(&tick, NULL);
        }
        return NULL;
}

/* Whether fd, one the command would inherit, refers to the terminal. */
static bool refers_to_terminal(int fd, dev_t terminal)
{
        struct stat st;
        int flags = fcntl(fd, F_GETFD);

        if (flags < 0 || (flags & FD_CLOEXEC) || fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode))
                return false;
        /* /dev/tty opened before our setsid() still reaches the terminal. */
        return st.st_rdev == terminal || st.st_rdev == makedev(5, 0);
}

/* Ends the monitor as the command ended: with its exit status, or killed
 * by the same signal (without a core dump of its own), so that run
 * reports what it would have if the command were its child. */
__attribute__((noreturn)) static void end_as(int status)
{
        struct rlimit no_core = {0, 0};
        sigset_t only;

        if (WIFEXITED(status))
                _exit(WEXITSTATUS(status));
        int sig = WTERMSIG(status);
        setrlimit(RLIMIT_CORE, &no_core);
        signal(sig, SIG_DFL);
        sigemptyset(&only);
        sigaddset(&only, sig);
        sigprocmask(SIG_UNBLOCK, &only, NULL);
        kill(getpid(), sig);
        _exit(128 + sig);
}

/*
 * The monitor: the pty's session leader, run's child, the command's
 * parent. It holds no descriptor (the supervisor must see the end of the
 * launcher's message when the launcher closes its socket, and the master
 * must end when the command's side does), and cannot be traced or read by
 * the command, which runs as the same user while the monitor runs without
 * its filter: it is not dumpable. It passes on the signals run passes on,
 * stops when the command stops (SIGSTOP: in its own process group, which
 * is orphaned, the kernel would discard SIGTSTP) so that run sees a
 * stopped child, continues the command when it is continued, and ends as
 * the command ended.
 */
__attribute__((noreturn)) static void run_monitor(pid_t command)
{
        sigset_t watched;
        int status;

        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        /* Told apart from run in ps and pgrep: signals for run go to run. */
        prctl(PR_SET_NAME, "scmp-super-mon", 0, 0, 0);
        /* Blocked since before the fork (launch_init()), so none was lost. */
        sigemptyset(&watched);
        sigaddset(&watched, SIGCHLD);
        sigaddset(&watched, SIGINT);
        sigaddset(&watched, SIGTERM);
        sigaddset(&watched, SIGHUP);
        sigprocmask(SIG_BLOCK, &watched, NULL);
        if (syscall(SYS_close_range, 0, ~0U, 0) < 0)
                for (int fd = 0; fd < 65536; fd++)
                        close(fd);
        for (;;) {
                int sig = sigwaitinfo(&watched, NULL);
                if (sig < 0)
                        continue;
                if (sig != SIGCHLD) {
                        kill(command, sig);
                        continue;
                }
                while (waitpid(command, &status, WNOHANG | WUNTRACED) == command) {
                        if (!WIFSTOPPED(status))
                                end_as(status);
                        kill(getpid(), SIGSTOP);
                        /* Continued: run has the terminal again. */
                        kill(-command, SIGCONT);
                }
        }
}

/*
 * The command's own terminal (pty_relay.h). A session of its own, whose
 * controlling terminal is the pty: TIOCSTI pushes keys only into the
 * caller's controlling terminal, and /dev/tty names the pty. The pty in
 * place of every inherited descriptor on the person's terminal, so that
 * nothing the command writes reaches it but through the relay; a
 * descriptor redirected elsewhere stays as it is, as with sudo's use_pty.
 *
 * Why a monitor between run and the command, as sudo has: a process group
 * none of whose processes has a parent in the same session outside the
 * group is orphaned, and the kernel discards the SIGTSTP of ^Z for it
 * (nobody would be left to continue it). The session's leader, alone in
 * its group, is such a group; a command run as the leader could not be
 * suspended. So this process stays the leader, as the monitor, and the
 * command is its child in a group of its own, the pty's foreground one.
 * Returns in the command's process, which goes on as the launcher.
 */
static void take_pty(const struct launch_spec *spec)
{
        int slave = spec->pty_slave;
        struct dirent *e;
        sigset_t ttou, mask;
        DIR *d;

        int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
        if (saved >= 0)
                report_fd = saved;
        /* Not a process group leader (a fork's child never is), so this
         * cannot fail with EPERM. */
        if (setsid() < 0)
                die_setup("starting a session for the command", errno);
        if (ioctl(slave, TIOCSCTTY, 0) < 0)
                die_setup("making the pseudo-terminal the command's terminal", errno);
        d = opendir("/proc/self/fd");
        if (!d)
                die_setup("/proc/self/fd", errno);
        while ((e = readdir(d))) {
                char *end;
                long fd = strtol(e->d_name, &end, 10);
                if (*end || end == e->d_name || fd == dirfd(d) || fd == slave)
                        continue;
                if (refers_to_terminal((int)fd, spec->terminal) && dup2(slave, (int)fd) < 0)
                        die_setup("giving the command its pseudo-terminal", errno);
        }
        closedir(d);

        pid_t monitor = getpid();
        pid_t command = fork();
        if (command < 0)
                die_setup("starting the command's process", errno);
        if (command > 0)
                run_monitor(command);
        /* The pty's foreground group; SIGTTOU blocked, as tcsetpgrp() from
         * a background group would raise it. */
        sigemptyset(&ttou);
        sigaddset(&ttou, SIGTTOU);
        sigprocmask(SIG_BLOCK, &ttou, &mask);
        if (setpgid(0, 0) < 0 || tcsetpgrp(slave, getpid()) < 0)
                die_setup("putting the command in the foreground of its terminal", errno);
        sigprocmask(SIG_SETMASK, &mask, NULL);
        /* Killed with the monitor, which only ends before the command
         * when it is killed itself (run kills it on a failed start). */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
                die_setup("tying the command to its monitor", errno);
        if (getppid() != monitor)
                die_setup("tying the command to its monitor", ESRCH);
        close(slave);
}

/* What needs no profile: the pty, no_new_privs, the seal. */
static void launcher_prepare(const struct launch_spec *spec)
{
        int r;

        if (spec->pty_slave >= 0)
                take_pty(spec);

        /* no_new_privs: required to load a filter without CAP_SYS_ADMIN, and
         * it means a setuid or file-capability program started under us
         * runs without the extra privileges. */
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                die_setup("prctl(PR_SET_NO_NEW_PRIVS)", errno);

        /* Before the filter, which need not allow the Landlock calls: from
         * here on this thread, and everything the command starts, cannot
         * signal or ptrace us (seal.h). The kernel said it can; if it now
         * refuses, the command must not run unsealed. */
        if (spec->seal) {
                r = seal_command();
                if (r < 0)
                        die_setup("entering the Landlock domain that seals the command off from "
                                  "scmp-super",
                                  -r);
        }
}

/* Loads the filter, hands over the listener, execs. */
__attribute__((noreturn)) static void launcher_load(const struct launch_spec *spec)
{
        struct sock_fprog prog = {.len = spec->bpf.len, .filter = spec->bpf.insns};
        pthread_t helper;
        unsigned flags;
        long fd;
        int r;

        launch.spec = spec;

        /* Made while this process has one thread, when run did not make
         * it before the fork: every page the allocations copy from run's
         * is then copied without a TLB flush on the other CPU, which a
         * second thread would need. */
        launch.message = spec->message ? spec->message
                                       : agent_format_message(getpid(), spec->metadata, NULL, NULL);
        if (!launch.message)
                die_setup("formatting the agent message", ENOMEM);
        if (!spec->send_after_load) {
                r = pthread_create(&helper, NULL, send_listener, NULL);
                if (r != 0)
                        die_setup("starting the helper thread", r);
        }

        if (sigprocmask(SIG_SETMASK, spec->sigmask, NULL) < 0)
                die_setup("restoring the signal mask", errno);

        /* TSYNC would filter the helper thread too; the command starts
         * single-threaded at exec anyway, so it changes nothing for it. */
        flags = (spec->filter_flags & ~(unsigned)SECCOMP_FILTER_FLAG_TSYNC) |
                SECCOMP_FILTER_FLAG_NEW_LISTENER;
        fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
        if (fd < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
                /* Linux < 5.19 does not know this flag; nothing depends on it. */
                flags &= ~(unsigned)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
                fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
        }
        if (fd < 0 && errno == EBUSY)
                die_setup("loading the seccomp filter (this process already runs under a "
                          "seccomp user-notification supervisor, and the kernel allows one "
                          "listener per process; run scmp-super outside it)",
                          EBUSY);
        if (fd < 0)
                die_setup("loading the seccomp filter", errno);

        if (spec->send_after_load) {
                /* The filter lets these through (launch_spec). */
                int listener = (int)fd;
                r = agent_send(spec->sock, launch.message, &listener, 1);
                if (r < 0) {
                        dprintf(report_fd,
                                "scmp-super: launcher: sending the listener to the supervisor: "
                                "%s\n",
                                strerror(-r));
                        syscall(SYS_exit_group, 125);
                        __builtin_trap();
                }
                syscall(SYS_execve, spec->exec_path, spec->argv, spec->envp);
                int e = errno ? errno : ENOEXEC;
                dprintf(report_fd, "scmp-super: %s: cannot execute: %s\n", spec->exec_path,
                        strerror(e));
                syscall(SYS_exit_group, e == ENOENT ? 127 : 126);
                __builtin_trap();
        }

        /* From here on, no library calls: only the store and the execve. */
        atomic_store(&launch.listener, (int)fd);
        syscall(SYS_execve, spec->exec_path, spec->argv, spec->envp);

        /* The exec failed after the supervisor allowed it (the file changed
         * since it was checked, a binfmt_misc handler refused it, ENOEXEC):
         * the helper says why, and we end with 127 or 126, as the shell
         * does. Waiting for the helper takes no system call, which the
         * profile may refuse; a second at most. A profile may refuse even
         * exit_group; then a trap ends the process, which needs none. */
        int e = errno ? errno : ENOEXEC;
        atomic_store(&launch.exec_errno, e);
        for (long spin = 0; spin < 2000L * 1000 * 1000 && !atomic_load(&launch.reported); spin++)
                __asm__ volatile("" ::: "memory");
        syscall(SYS_exit_group, e == ENOENT ? 127 : 126);
        __builtin_trap();
}

void launcher_child(const struct launch_spec *spec)
{
        launcher_prepare(spec);
        launcher_load(spec);
}

size_t launcher_go_payload_size(const struct launcher_go *h)
{
        if (h->magic != LAUNCHER_GO_MAGIC || h->n_insns == 0 ||
            h->n_insns > LAUNCHER_GO_MAX_INSNS || h->message_len > LAUNCHER_GO_MAX_MESSAGE ||
            h->path_len == 0 || h->path_len >= PATH_MAX || h->send_after_load > 1)
                return 0;
        /* Each bound is far below SIZE_MAX / 4: no sum overflows. */
        return (size_t)h->n_insns * sizeof(struct sock_filter) + h->message_len + 1 + h->path_len +
               1;
}

int launcher_go_apply(const struct launcher_go *h, char *payload, size_t size,
                      struct launch_spec *spec)
{
        size_t need = launcher_go_payload_size(h);

        if (need == 0 || size != need)
                return -EPROTO;
        size_t insns = (size_t)h->n_insns * sizeof(struct sock_filter);
        char *message = payload + insns, *path = message + h->message_len + 1;
        /* Each string its stated length, ended by the NUL after it. */
        if (memchr(message, '\0', h->message_len + 1) != message + h->message_len ||
            memchr(path, '\0', h->path_len + 1) != path + h->path_len)
                return -EPROTO;
        spec->bpf.insns = payload;
        spec->bpf.len = (unsigned short)h->n_insns;
        spec->filter_flags = h->filter_flags;
        spec->message = h->message_len ? message : NULL;
        spec->exec_path = path;
        spec->send_after_load = h->send_after_load;
        return 0;
}

void launcher_child_early(struct launch_spec *spec, int go_fd)
{
        struct launcher_go h;

        launcher_prepare(spec);
        /* End of file before a whole header: scmp-super did not get as far
         * as the profile (it said why) and nothing is to run. */
        if (fd_read_all(go_fd, &h, sizeof(h)) < 0)
                _exit(125);
        size_t size = launcher_go_payload_size(&h);
        char *payload = size ? malloc(size) : NULL;
        if (!payload || fd_read_all(go_fd, payload, size) < 0 ||
            launcher_go_apply(&h, payload, size, spec) < 0)
                die_setup("reading the filter from scmp-super", EPROTO);
        close(go_fd);
        launcher_load(spec);
}

/* Whether binfmt_misc has a handler registered: then the kernel may run
 * files that are neither ELF nor #! scripts. */
static bool binfmt_misc_handlers(void)
{
        DIR *d = opendir("/proc/sys/fs/binfmt_misc");
        struct dirent *e;
        bool found = false;

        if (!d)
                return false;
        while (!found && (e = readdir(d)))
                found = e->d_name[0] != '.' && strcmp(e->d_name, "register") != 0 &&
                        strcmp(e->d_name, "status") != 0;
        closedir(d);
        return found;
}

/*
 * -ENOEXEC for a file the kernel will refuse to execute: neither an ELF
 * binary nor a #! script, and no binfmt_misc handler that might take it.
 * Said before the launch, because after the filter is loaded a failed
 * exec can only end the launcher with status 126, in silence. (env(1)
 * would hand such a file to /bin/sh; we exec once, so we say so instead.)
 */
static int check_format(const char *path)
{
        unsigned char head[4];
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        ssize_t n;

        if (fd < 0)
                return 0; /* execute-only, say: let the exec decide */
        n = read(fd, head, sizeof(head));
        close(fd);
        if (n >= 2 && head[0] == '#' && head[1] == '!')
                return 0;
        if (n == 4 && memcmp(head, "\177ELF", 4) == 0)
                return 0;
        return binfmt_misc_handlers() ? 0 : -ENOEXEC;
}

/* The ELF header fields that say which kind of machine code a file is. */
static bool elf_kind(const char *path, unsigned char ident[EI_NIDENT], uint16_t *machine)
{
        Elf64_Ehdr h; /* e_ident and e_machine lie where they do in Elf32_Ehdr */
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return false;
        ssize_t n = read(fd, &h, sizeof(h));
        close(fd);
        if (n < (ssize_t)(offsetof(Elf64_Ehdr, e_machine) + sizeof(h.e_machine)) ||
            memcmp(h.e_ident, ELFMAG, SELFMAG) != 0)
                return false;
        memcpy(ident, h.e_ident, EI_NIDENT);
        *machine = h.e_machine;
        return true;
}

bool launcher_runs_as_itself(const char *path)
{
        unsigned char ours[EI_NIDENT], theirs[EI_NIDENT];
        uint16_t our_machine, their_machine;

        return elf_kind("/proc/self/exe", ours, &our_machine) &&
               elf_kind(path, theirs, &their_machine) && ours[EI_CLASS] == theirs[EI_CLASS] &&
               ours[EI_DATA] == theirs[EI_DATA] && our_machine == their_machine;
}

static int check_executable(const char *path)
{
        struct stat st;
        if (stat(path, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EACCES;
        if (access(path, X_OK) < 0)
                return -errno;
        return S_ISREG(st.st_mode) ? check_format(path) : 0;
}

int launcher_check_interpreter(const char *path, char *interp, size_t size)
{
        char head[256]; /* the kernel reads no more of a #! line */
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        ssize_t n;

        if (size == 0)
                return -EINVAL;
        interp[0] = '\0';
        if (fd < 0)
                return 0; /* execute-only, say: let the exec decide */
        n = read(fd, head, sizeof(head) - 1);
        close(fd);
        if (n < 2 || head[0] != '#' || head[1] != '!')
                return 0;
        head[n] = '\0';
        const char *p = head + 2;
        p += strspn(p, " \t");
        size_t len = strcspn(p, " \t\n");
        if (len == 0 || len >= size)
                return 0; /* the kernel's own error will do */
        memcpy(interp, p, len);
        interp[len] = '\0';
        if (access(interp, X_OK) < 0)
                return -errno;
        interp[0] = '\0';
        return 0;
}

int launcher_find_command(const char *name, char *buf, size_t size)
{
        if (name[0] == '\0')
                return -ENOENT;
        if (strchr(name, '/')) {
                if (strlen(name) >= size)
                        return -ENAMETOOLONG;
                strcpy(buf, name);
                return check_executable(buf);
        }
        const char *path = getenv("PATH");
        if (!path || !*path)
                path = "/usr/local/bin:/usr/bin:/bin";
        bool denied = false;
        for (const char *p = path; p;) {
                const char *colon = strchr(p, ':');
                size_t dirlen = colon ? (size_t)(colon - p) : strlen(p);
                int n = snprintf(buf, size, "%.*s%s%s", (int)dirlen, p, dirlen ? "/" : "", name);
                if (n > 0 && (size_t)n < size) {
                        int r = check_executable(buf);
                        if (r == 0 || r == -ENOEXEC)
                                return r;
                        if (r == -EACCES)
                                denied = true;
                }
                p = colon ? colon + 1 : NULL;
        }
        return denied ? -EACCES : -ENOENT;
}
