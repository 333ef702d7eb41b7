/* SPDX-License-Identifier: MIT */
/* launch/bpf_cache.c: compiled filters, cached on disk under the whole of their key. */
#include "launch/bpf_cache.h"
#include "scmp_version.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <link.h>
#include <limits.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fdio.h"

#define CACHE_MAGIC     "scmpbpf1"
#define CACHE_MAX_KEY   (PROFILE_KEY_MAX)
#define PROFILE_KEY_MAX (17u << 20)

/* What policy_compile makes of the same profile and options. Bump it when
 * that changes (an option means something else, a syscall is routed
 * differently), so filters compiled by an older build are never used. */
#define COMPILE_FORMAT 2

static uint64_t fnv1a(const void *data, size_t len, uint64_t h)
{
        const unsigned char *p = data;
        for (size_t i = 0; i < len; i++) {
                h ^= p[i];
                h *= 0x100000001b3ULL;
        }
        return h;
}

/* The GNU build id of the object info describes, in hex, into out (at
 * least 129 bytes); false when it has none. */
static bool object_build_id(const struct dl_phdr_info *info, char *out)
{
        for (int i = 0; i < info->dlpi_phnum; i++) {
                const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
                if (ph->p_type != PT_NOTE)
                        continue;
                const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
                const char *end = p + ph->p_memsz;
                while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
                        const ElfW(Nhdr) *nh = (const void *)p;
                        size_t name_len = (nh->n_namesz + 3) & ~(size_t)3;
                        size_t desc_len = (nh->n_descsz + 3) & ~(size_t)3;
                        const unsigned char *desc =
                            (const unsigned char *)p + sizeof(*nh) + name_len;
                        if ((size_t)(end - p) < sizeof(*nh) + name_len + desc_len)
                                break;
                        if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
                            memcmp(p + sizeof(*nh), "GNU", 4) == 0 && nh->n_descsz <= 64) {
                                for (size_t k = 0; k < nh->n_descsz; k++)
                                        snprintf(out + 2 * k, 3, "%02x", desc[k]);
                                return true;
                        }
                        p += sizeof(*nh) + name_len + desc_len;
                }
        }
        return false;
}

/* What stat() says of path, into out (at least 129 bytes). */
static void file_identity(const char *path, char *out, size_t size)
{
        struct stat st;

        if (stat(path, &st) == 0)
                snprintf(out, size, "stat %llu:%llu %lld %lld.%09ld", (unsigned long long)st.st_dev,
                         (unsigned long long)st.st_ino, (long long)st.st_size,
                         (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        else
                snprintf(out, size, "unknown");
}

struct identities {
        char binary[160], libseccomp[160];
        unsigned seen;
};

/* The first object is the executable; libseccomp is the one of its name
 * (none when it is linked in: the executable's id covers it then). */
static int note_identity(struct dl_phdr_info *info, size_t size, void *data)
{
        struct identities *id = data;
        (void)size;
        if (id->seen++ == 0) {
                if (!object_build_id(info, id->binary))
                        file_identity("/proc/self/exe", id->binary, sizeof(id->binary));
                return 0;
        }
        const char *name = info->dlpi_name ? info->dlpi_name : "";
        const char *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        if (strncmp(base, "libseccomp.so", 13) != 0)
                return 0;
        if (!object_build_id(info, id->libseccomp))
                file_identity(name, id->libseccomp, sizeof(id->libseccomp));
        return 1;
}

void bpf_cache_identity(char *out, size_t size)
{
        const struct scmp_version *v = seccomp_version();
        struct identities id = {.binary = "", .libseccomp = "linked in"};

        dl_iterate_phdr(note_identity, &id);
        snprintf(out, size, "binary %s\nlibseccomp %u.%u.%u api %u build %s\n", id.binary, v->major,
                 v->minor, v->micro, seccomp_api_get(), id.libseccomp);
}

/* Everything the compiled filter depends on, as one byte string. */
static char *make_key(const struct policy *p, const struct policy_compile_opts *opts,
                      size_t *ret_len)
{
        char identity[BPF_CACHE_IDENTITY_MAX];
        char *head = NULL;

        bpf_cache_identity(identity, sizeof(identity));
        int n = asprintf(&head,
                         "scmp-super %s compile %d\n%scaps %" PRIx64
                         "\nkernel %u.%u\narch %s\nexecve %d root %d unlisted %d execveat %d "
                         "tree %d refused %d\nlen %zu\n",
                         SCMP_SUPER_VERSION, COMPILE_FORMAT, identity, p->env.caps_bounding,
                         p->env.kernel_major, p->env.kernel_minor,
                         p->env.go_arch ? p->env.go_arch : "?", opts->notify_execve,
                         opts->notify_root_changes, opts->notify_unlisted, opts->notify_execveat,
                         opts->binary_tree, opts->notify_refused, p->text_len);
        if (n < 0)
                return NULL;
        char *key = malloc((size_t)n + p->text_len);
        if (key) {
                memcpy(key, head, (size_t)n);
                memcpy(key + n, p->text, p->text_len);
                *ret_len = (size_t)n + p->text_len;
        }
        free(head);
        return key;
}

/* The cache directory, created if needed, or -1 when there is none we can
 * trust. */
static int open_cache_dir(void)
{
        char path[PATH_MAX];
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        const char *off = getenv("SCMP_SUPER_CACHE");
        struct stat st;
        int n;

        if (off && strcmp(off, "0") == 0)
                return -1;
        if (xdg && xdg[0] == '/')
                n = snprintf(path, sizeof(path), "%s/scmp-super", xdg);
        else if (home && home[0] == '/')
                n = snprintf(path, sizeof(path), "%s/.cache/scmp-super", home);
        else
                return -1;
        if (n < 0 || (size_t)n >= sizeof(path))
                return -1;
        if (mkdir(path, 0700) < 0 && errno == ENOENT) {
                /* ~/.cache itself may be missing. */
                char *slash = strrchr(path, '/');
                *slash = '\0';
                (void)mkdir(path, 0700);
                *slash = '/';
                (void)mkdir(path, 0700);
        }
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -1;
        /* Someone else's directory, or one others can write to, could hand
         * us a filter of their choosing. */
        if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
                close(fd);
                return -1;
        }
        return fd;
}

static bool cache_lookup(int dir, const char *name, const char *key, size_t key_len,
                         struct policy_bpf *ret_bpf)
{
        char magic[8];
        uint32_t stored_len, insns;
        struct stat st;
        bool ok = false;
        char *stored = NULL;
        void *prog = NULL;

        int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return false;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
            (st.st_mode & 022))
                goto out;
        if (fd_read_all(fd, magic, sizeof(magic)) < 0 || memcmp(magic, CACHE_MAGIC, 8) != 0 ||
            fd_read_all(fd, &stored_len, sizeof(stored_len)) < 0 || stored_len != key_len)
                goto out;
        stored = malloc(key_len ? key_len : 1);
        if (!stored || fd_read_all(fd, stored, key_len) < 0 || memcmp(stored, key, key_len) != 0)
                goto out;
        if (fd_read_all(fd, &insns, sizeof(insns)) < 0 || insns == 0 || insns > BPF_MAXINSNS)
                goto out;
        prog = malloc(insns * sizeof(struct sock_filter));
        if (!prog || fd_read_all(fd, prog, insns * sizeof(struct sock_filter)) < 0)
                goto out;
        char extra;
        if (read(fd, &extra, 1) != 0)
                goto out; /* trailing bytes: not a file we wrote */
        ret_bpf->insns = prog;
        ret_bpf->len = (unsigned short)insns;
        prog = NULL;
        ok = true;
out:
        free(prog);
        free(stored);
        close(fd);
        return ok;
}

static void cache_store(int dir, const char *name, const char *key, size_t key_len,
                        const struct policy_bpf *bpf)
{
        char tmp[80];
        uint32_t len32 = (uint32_t)key_len, insns = bpf->len;

        snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
        int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return;
        bool ok =
            fd_write_all(fd, CACHE_MAGIC, 8) == 0 && fd_write_all(fd, &len32, sizeof(len32)) == 0 &&
            fd_write_all(fd, key, key_len) == 0 && fd_write_all(fd, &insns, sizeof(insns)) == 0 &&
            fd_write_all(fd, bpf->insns, insns * sizeof(struct sock_filter)) == 0;
        close(fd);
        /* rename() is atomic: a reader sees the old file or the whole new one. */
        if (!ok || renameat(dir, tmp, dir, name) < 0)
                unlinkat(dir, tmp, 0);
}

int bpf_cache_get(const char *kind, const void *key, size_t key_len,
                  int (*build)(void *build_ctx, struct policy_bpf *ret_bpf), void *build_ctx,
                  struct policy_bpf *ret_bpf, bool *ret_hit)
{
        int dir = key && key_len <= CACHE_MAX_KEY ? open_cache_dir() : -1;
        char name[48];
        int r;

        if (ret_hit)
                *ret_hit = false;
        if (dir >= 0) {
                snprintf(name, sizeof(name), "%s-%016" PRIx64, kind,
                         fnv1a(key, key_len, 0xcbf29ce484222325ULL));
                if (cache_lookup(dir, name, key, key_len, ret_bpf)) {
                        if (ret_hit)
                                *ret_hit = true;
                        close(dir);
                        return 0;
                }
        }
        r = build(build_ctx, ret_bpf);
        if (r == 0 && dir >= 0)
                cache_store(dir, name, key, key_len, ret_bpf);
        if (dir >= 0)
                close(dir);
        return r;
}

struct profile_build {
        const struct policy *policy;
        const struct policy_compile_opts *opts;
        struct policy_error *err;
};

static int build_profile(void *build_ctx, struct policy_bpf *ret_bpf)
{
        struct profile_build *b = build_ctx;
        scmp_filter_ctx ctx = NULL;

        int r = policy_compile(b->policy, b->opts, &ctx, b->err);
        if (r == 0)
                r = policy_export_bpf(ctx, ret_bpf, b->err);
        if (ctx)
                seccomp_release(ctx);
        return r;
}

int bpf_cache_build(const struct policy *policy, const struct policy_compile_opts *opts,
                    struct policy_bpf *ret_bpf, bool *ret_hit, struct policy_error *err)
{
        struct profile_build b = {.policy = policy, .opts = opts, .err = err};
        size_t key_len = 0;
        char *key = policy->text ? make_key(policy, opts, &key_len) : NULL;

        int r = bpf_cache_get("bpf", key, key_len, build_profile, &b, ret_bpf, ret_hit);
        free(key);
        return r;
}
