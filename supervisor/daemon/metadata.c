/* SPDX-License-Identifier: MIT */
/* daemon/metadata.c: reading listenerMetadata, refusing what is not understood. */
#include "daemon/metadata.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"

int daemon_parse_metadata(const char *text, struct daemon_metadata *ret, char *reterr,
                          size_t reterr_size)
{
        struct daemon_metadata md = {.launcher = false};
        bool have_policy = false, have_launcher = false, have_trace = false;
        char safe[160];

        if (text && strlen(text) > DAEMON_MAX_METADATA) {
                snprintf(reterr, reterr_size, "listenerMetadata longer than %d bytes",
                         DAEMON_MAX_METADATA);
                return -EINVAL;
        }
        for (const char *p = text; p && *p;) {
                const char *semi = strchr(p, ';');
                size_t len = semi ? (size_t)(semi - p) : strlen(p);
                char item[DAEMON_MAX_METADATA + 1];
                memcpy(item, p, len);
                item[len] = '\0';
                p = semi ? semi + 1 : NULL;

                /* Blanks around an item are not part of it. */
                char *start = item, *end = item + len;
                while (*start == ' ' || *start == '\t')
                        start++;
                while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
                        *--end = '\0';
                if (*start == '\0')
                        continue;
                char *eq = strchr(start, '=');
                if (!eq) {
                        snprintf(reterr, reterr_size,
                                 "listenerMetadata item \"%s\" is not key=value (say "
                                 "\"policy=NAME\")",
                                 text_printable(start, safe, sizeof(safe)));
                        return -EINVAL;
                }
                *eq = '\0';
                const char *key = start, *value = eq + 1;
                if (strcmp(key, "policy") == 0) {
                        if (have_policy) {
                                snprintf(reterr, reterr_size,
                                         "listenerMetadata names \"policy\" twice");
                                return -EINVAL;
                        }
                        if (!profile_name_valid(value)) {
                                snprintf(reterr, reterr_size,
                                         "listenerMetadata policy \"%s\" is not a profile name "
                                         "(letters, digits, '.', '_', '-'; not starting with '.')",
                                         text_printable(value, safe, sizeof(safe)));
                                return -EINVAL;
                        }
                        snprintf(md.policy, sizeof(md.policy), "%s", value);
                        have_policy = true;
                } else if (strcmp(key, DAEMON_LAUNCHER_KEY) == 0) {
                        if (have_launcher) {
                                snprintf(reterr, reterr_size, "listenerMetadata names \"%s\" twice",
                                         DAEMON_LAUNCHER_KEY);
                                return -EINVAL;
                        }
                        if (strcmp(value, "1") != 0 && strcmp(value, "0") != 0) {
                                snprintf(reterr, reterr_size, "listenerMetadata %s must be 0 or 1",
                                         DAEMON_LAUNCHER_KEY);
                                return -EINVAL;
                        }
                        md.launcher = value[0] == '1';
                        have_launcher = true;
                } else if (strcmp(key, "trace") == 0) {
                        if (have_trace) {
                                snprintf(reterr, reterr_size,
                                         "listenerMetadata names \"trace\" twice");
                                return -EINVAL;
                        }
                        /* It names files the daemon writes: the profile
                         * names' rule keeps it one file name in the
                         * trace directory, never a path. */
                        if (!profile_name_valid(value)) {
                                snprintf(reterr, reterr_size,
                                         "listenerMetadata trace \"%s\" is not a trace name "
                                         "(letters, digits, '.', '_', '-'; not starting with '.'; "
                                         "at most %d)",
                                         text_printable(value, safe, sizeof(safe)),
                                         PROFILE_NAME_MAX);
                                return -EINVAL;
                        }
                        snprintf(md.trace, sizeof(md.trace), "%s", value);
                        have_trace = true;
                } else {
                        snprintf(reterr, reterr_size,
                                 "listenerMetadata key \"%s\" is unknown (known: policy, trace, "
                                 "%s)",
                                 text_printable(key, safe, sizeof(safe)), DAEMON_LAUNCHER_KEY);
                        return -EINVAL;
                }
        }
        *ret = md;
        return 0;
}
