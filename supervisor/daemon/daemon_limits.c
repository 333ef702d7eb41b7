/* SPDX-License-Identifier: MIT */
/* daemon/daemon_limits.c: the limits on agent clients and on refusal lines. */
#include "daemon/daemon_limits.h"

static bool same_peer(struct daemon_peer a, struct daemon_peer b)
{
        return a.uid == b.uid && a.pid == b.pid;
}

size_t daemon_peer_held(const struct daemon_peer *waiting, size_t n, struct daemon_peer peer)
{
        size_t count = 0;
        for (size_t i = 0; i < n; i++)
                count += same_peer(waiting[i], peer);
        return count;
}

enum daemon_admission daemon_admit(const struct daemon_peer *waiting, size_t n,
                                   struct daemon_peer peer, size_t max_total, size_t max_per_peer,
                                   size_t *ret_evict)
{
        size_t mine = daemon_peer_held(waiting, n, peer), most = 0, oldest_of_most = 0;

        if (mine >= max_per_peer)
                return DAEMON_REFUSE;
        if (n < max_total)
                return DAEMON_ADMIT;
        /* Full: the peer holding the most gives way, its oldest first. Going
         * oldest first, a peer's first connection is its oldest, and of two
         * peers holding as many, the one waiting longest gives way. At most
         * max_total squared steps, and only when full. */
        for (size_t i = 0; i < n; i++) {
                if (same_peer(waiting[i], peer) || daemon_peer_held(waiting, i, waiting[i]) > 0)
                        continue; /* the newcomer's own, or not this peer's oldest */
                size_t held = daemon_peer_held(waiting + i, n - i, waiting[i]);
                if (held > most) {
                        most = held;
                        oldest_of_most = i;
                }
        }
        /* Never for a peer holding no more than the newcomer's: a flood
         * spread over many peers then sheds each peer's excess in turn. */
        if (most <= mine)
                return DAEMON_REFUSE;
        *ret_evict = oldest_of_most;
        return DAEMON_EVICT;
}

uint64_t log_limit_take_suppressed(struct log_limit *l, uint64_t now_ms)
{
        uint64_t n = l->suppressed;

        if (n == 0 || now_ms - l->window_start_ms < 1000)
                return 0;
        l->suppressed = 0;
        return n;
}

bool log_limit_allow(struct log_limit *l, uint64_t now_ms, uint64_t *ret_suppressed)
{
        *ret_suppressed = log_limit_take_suppressed(l, now_ms);
        if (l->in_window == 0 || now_ms - l->window_start_ms >= 1000) {
                l->window_start_ms = now_ms;
                l->in_window = 0;
        }
        if (l->in_window < l->per_second) {
                l->in_window++;
                return true;
        }
        l->suppressed++;
        return false;
}
