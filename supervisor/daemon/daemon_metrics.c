/* SPDX-License-Identifier: MIT */
/* daemon/daemon_metrics.c: --metrics-file, the daemon's counts written for node_exporter. */
/*
 * Every few seconds the loop writes what the daemon has counted as
 * OpenMetrics text into a temporary file beside the metrics file and
 * renames it over it, so that node_exporter's textfile collector reads
 * either the last file or this one, never a part of one. The counting
 * itself happens where calls are answered (core/summary.c), in fixed
 * arrays: per target by verdict, per profile by syscall and verdict, and
 * the answer times in a histogram; nothing here runs per call.
 *
 * Cardinality: a target's own series are listed only while it lives (at
 * most DAEMON_METRICS_MAX_TARGETS of them), so thousands of short
 * containers leave no trail; what they decided stays in the per-profile
 * counts, whose labels are a profile name, a syscall and a verdict.
 */
#include "daemon/daemon_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/fdio.h"
#include "daemon/openmetrics.h"

/* Counts per syscall and verdict for the targets of one profile name,
 * kept for the daemon's life: a reload makes a new version of a profile,
 * and its counters must go on from where they were. */
struct metrics_profile {
        struct metrics_profile *next;
        char *name;
        struct supervisor_counts counts;
};

struct daemon_metrics {
        char *path;
        struct metrics_profile *profiles; /* oldest first */
        struct metrics_profile **profiles_end;
        /* Writing failed at the last tick: said once, until it works. */
        bool failing;
};

/* The verdicts a decision is counted under, in the order listed. A prompt
 * is counted under the answer it got (supervisor_complete()). */
static const enum policy_verdict listed_verdicts[] = {VERDICT_ALLOW, VERDICT_LOG, VERDICT_DENY,
                                                      VERDICT_KILL};

static const char *verdict_name(enum policy_verdict v)
{
        switch (v) {
        case VERDICT_ALLOW:
                return "allow";
        case VERDICT_LOG:
                return "log";
        case VERDICT_DENY:
                return "deny";
        case VERDICT_KILL:
                return "kill";
        case VERDICT_PROMPT:
        default:
                return "prompt";
        }
}

#define N_VERDICTS (sizeof(listed_verdicts) / sizeof(listed_verdicts[0]))

_Static_assert(DAEMON_METRICS_MAX_TARGETS == 1000, "scmp_super_targets_unlisted's help says 1000");

static void write_gauge(struct daemon *d, FILE *out, const char *name, const char *unit,
                        const char *help, uint64_t value)
{
        openmetrics_write_family(out, d->opts.metrics_format, name, "gauge", unit, help);
        openmetrics_write_sample(out, name, "", NULL, 0, value);
}

static void write_counter(struct daemon *d, FILE *out, const char *name, const char *help,
                          uint64_t value)
{
        openmetrics_write_family(out, d->opts.metrics_format, name, "counter", NULL, help);
        openmetrics_write_sample(out, name, "_total", NULL, 0, value);
}

static void write_profile_decisions(struct daemon *d, FILE *out)
{
        openmetrics_write_family(out, d->opts.metrics_format, "scmp_super_decisions", "counter",
                                 NULL,
                                 "Notified calls the daemon decided, by profile, syscall and "
                                 "verdict, since it started (ended targets included).");
        for (const struct metrics_profile *p = d->metrics->profiles; p; p = p->next)
                for (int nr = 0; nr <= p->counts.max_nr; nr++)
                        for (size_t v = 0; v < N_VERDICTS; v++) {
                                uint64_t n = supervisor_counted(&p->counts, nr, listed_verdicts[v]);
                                if (n == 0)
                                        continue;
                                struct openmetrics_label labels[] = {
                                    {"policy", p->name},
                                    {"syscall", supervisor_syscall_name(&d->sup, nr)},
                                    {"verdict", verdict_name(listed_verdicts[v])},
                                };
                                openmetrics_write_sample(out, "scmp_super_decisions", "_total",
                                                         labels, 3, n);
                        }
}

/* The live targets' own decisions, the oldest DAEMON_METRICS_MAX_TARGETS;
 * returns how many live targets were left out. */
static size_t write_target_decisions(struct daemon *d, FILE *out)
{
        size_t n = supervisor_target_count(&d->sup), skip = 0, unlisted = 0;

        if (n > DAEMON_METRICS_MAX_TARGETS)
                skip = n - DAEMON_METRICS_MAX_TARGETS; /* the newest: listed newest first */
        openmetrics_write_family(out, d->opts.metrics_format, "scmp_super_target_decisions",
                                 "counter", NULL,
                                 "Notified calls decided for each live target, by verdict; a "
                                 "target's series end with it.");
        for (struct target *t = supervisor_first_target(&d->sup); t;
             t = supervisor_next_target(t)) {
                const struct daemon_target *rec = t->owner;
                char pid[24];

                if (skip > 0) {
                        skip--;
                        unlisted++;
                        continue;
                }
                if (!rec || t->closing)
                        continue;
                snprintf(pid, sizeof(pid), "%d", (int)t->pid);
                for (size_t v = 0; v < N_VERDICTS; v++) {
                        struct openmetrics_label labels[] = {
                            {"container", t->id ? t->id : ""},
                            {"pid", pid},
                            {"policy", rec->profile->name},
                            {"verdict", verdict_name(listed_verdicts[v])},
                        };
                        openmetrics_write_sample(out, "scmp_super_target_decisions", "_total",
                                                 labels, 4, target_decided(t, listed_verdicts[v]));
                }
        }
        return unlisted;
}

static void write_latency(struct daemon *d, FILE *out)
{
        uint64_t buckets[SUPERVISOR_LATENCY_BOUNDS + 1];

        for (size_t i = 0; i <= SUPERVISOR_LATENCY_BOUNDS; i++)
                buckets[i] = __atomic_load_n(&d->sup.latency.buckets[i], __ATOMIC_RELAXED);
        openmetrics_write_family(out, d->opts.metrics_format,
                                 "scmp_super_decision_duration_seconds", "histogram", "seconds",
                                 "Time from receiving a notification to answering it, for "
                                 "calls answered without asking a person.");
        openmetrics_write_histogram(out, "scmp_super_decision_duration_seconds", NULL, 0,
                                    supervisor_latency_bounds_ns, buckets,
                                    SUPERVISOR_LATENCY_BOUNDS,
                                    __atomic_load_n(&d->sup.latency.sum_ns, __ATOMIC_RELAXED));
}

void daemon_metrics_format(struct daemon *d, FILE *out)
{
        write_gauge(d, out, "scmp_super_start_time_seconds", "seconds",
                    "When the daemon started, in seconds since the epoch.", (uint64_t)d->started);
        write_gauge(d, out, "scmp_super_targets", NULL,
                    "Targets (containers, launchers) served now.",
                    supervisor_target_count(&d->sup));
        write_counter(d, out, "scmp_super_targets_served",
                      "Targets the daemon accepted and served, since it started.", d->served);
        write_counter(d, out, "scmp_super_connections_refused",
                      "Agent connections and messages refused; a refused target's notified "
                      "calls fail with ENOSYS.",
                      d->refused);
        write_gauge(d, out, "scmp_super_connections_pending", NULL,
                    "Agent connections still sending their message.", d->n_conns);
        write_gauge(d, out, "scmp_super_prompts_waiting", NULL,
                    "Notified calls waiting for a person's answer (daemon --control).",
                    d->broker ? prompt_broker_count(d->broker) : 0);
        write_profile_decisions(d, out);
        size_t unlisted = write_target_decisions(d, out);
        write_gauge(d, out, "scmp_super_targets_unlisted", NULL,
                    "Live targets left out of scmp_super_target_decisions (it lists at most "
                    "1000).",
                    unlisted);
        write_latency(d, out);
        openmetrics_write_end(out, d->opts.metrics_format);
}

/* Writes the file once: 0, or a negative errno and the reason. */
static int metrics_write(struct daemon *d, char *reterr, size_t reterr_size)
{
        const char *path = d->metrics->path;
        char tmp[PATH_MAX + 64], *text = NULL;
        size_t len = 0;
        int fd, r;

        FILE *out = open_memstream(&text, &len);
        if (!out)
                return error_set(reterr, reterr_size, -ENOMEM, "--metrics-file %s: out of memory",
                                 path);
        daemon_metrics_format(d, out);
        bool failed = ferror(out);
        if (fclose(out) != 0 || failed) {
                free(text);
                return error_set(reterr, reterr_size, -ENOMEM, "--metrics-file %s: out of memory",
                                 path);
        }
        fd = file_replace_begin(path, tmp, sizeof(tmp));
        if (fd < 0) {
                free(text);
                return error_set(reterr, reterr_size, fd,
                                 "--metrics-file %s: cannot create a file beside it: %s; its "
                                 "directory must exist and be writable by the daemon",
                                 path, strerror(-fd));
        }
        r = fd_write_all(fd, text, len);
        free(text);
        if (r < 0) {
                file_replace_abort(fd, tmp);
                return error_set(reterr, reterr_size, r, "--metrics-file %s: writing %s: %s", path,
                                 tmp, strerror(-r));
        }
        r = file_replace_publish(fd, tmp, path, 0644);
        if (r < 0)
                return error_set(reterr, reterr_size, r,
                                 "--metrics-file %s: renaming %s over it: %s; it must be a "
                                 "file (or not exist yet) in a directory the daemon can write",
                                 path, tmp, strerror(-r));
        return 0;
}

static void on_metrics_timer(uv_timer_t *timer)
{
        struct daemon *d = timer->data;
        char why[PATH_MAX * 2 + 256];

        if (metrics_write(d, why, sizeof(why)) < 0) {
                if (!d->metrics->failing)
                        daemon_log_line(&d->events,
                                        "%s; trying again every %u s, said again only once it "
                                        "works",
                                        why, d->opts.metrics_interval_s);
                d->metrics->failing = true;
                return;
        }
        if (d->metrics->failing)
                daemon_log_line(&d->events, "--metrics-file %s: written again", d->metrics->path);
        d->metrics->failing = false;
}

int daemon_metrics_start(struct daemon *d, char *reterr, size_t reterr_size)
{
        struct daemon_metrics *m = calloc(1, sizeof(*m));
        size_t len = strlen(d->opts.metrics_path);
        int r;

        if (!m)
                return error_set(reterr, reterr_size, -ENOMEM, "out of memory");
        m->profiles_end = &m->profiles;
        d->metrics = m;
        m->path = strdup(d->opts.metrics_path);
        if (!m->path)
                return error_set(reterr, reterr_size, -ENOMEM, "out of memory");
        if (!d->opts.metrics_interval_s)
                d->opts.metrics_interval_s = DAEMON_METRICS_INTERVAL_S;
        /* Before any target: a path that cannot be written stops the start. */
        r = metrics_write(d, reterr, reterr_size);
        if (r < 0)
                return r;
        if (len < 5 || strcmp(m->path + len - 5, ".prom") != 0)
                daemon_log_line(&d->events,
                                "warning: --metrics-file %s: node_exporter's textfile collector "
                                "reads only files whose names end in .prom",
                                m->path);
        uv_timer_init(&d->sup.loop, &d->metrics_timer);
        d->metrics_timer.data = d;
        d->metrics_timer_open = true;
        uint64_t every = (uint64_t)d->opts.metrics_interval_s * 1000;
        r = uv_timer_start(&d->metrics_timer, on_metrics_timer, every, every);
        if (r < 0)
                return error_set(reterr, reterr_size, r, "--metrics-file: starting its timer: %s",
                                 uv_strerror(r));
        return 0;
}

struct supervisor_counts *daemon_metrics_counts(struct daemon *d, const char *profile_name)
{
        struct daemon_metrics *m = d->metrics;
        struct metrics_profile *p;

        if (!m)
                return NULL;
        for (p = m->profiles; p; p = p->next)
                if (strcmp(p->name, profile_name) == 0)
                        return &p->counts;
        p = calloc(1, sizeof(*p));
        if (!p)
                return NULL;
        p->name = strdup(profile_name);
        if (!p->name || supervisor_counts_init(&p->counts, d->sup.counts_max_nr) < 0) {
                free(p->name);
                free(p);
                return NULL;
        }
        *m->profiles_end = p;
        m->profiles_end = &p->next;
        return &p->counts;
}

void daemon_metrics_close(struct daemon *d)
{
        if (d->metrics_timer_open) {
                d->metrics_timer_open = false;
                uv_close((uv_handle_t *)&d->metrics_timer, NULL);
        }
}

void daemon_metrics_free(struct daemon *d)
{
        struct daemon_metrics *m = d->metrics;

        if (!m)
                return;
        while (m->profiles) {
                struct metrics_profile *p = m->profiles;
                m->profiles = p->next;
                supervisor_counts_clear(&p->counts);
                free(p->name);
                free(p);
        }
        free(m->path);
        free(m);
        d->metrics = NULL;
}
