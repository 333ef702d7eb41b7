/* SPDX-License-Identifier: MIT */
/* profile/profile_text.c: editing a profile as text, in the file's own layout. */
#include "profile/profile_text.h"

#include <stdio.h>
#include <string.h>

void profile_text_indent_unit(const char *text, size_t len, char *unit, size_t size)
{
        size_t best = 0;
        for (size_t i = 0; i < len; i++) {
                if (i > 0 && text[i - 1] != '\n')
                        continue;
                if (text[i] == '\t') {
                        snprintf(unit, size, "\t");
                        return;
                }
                size_t n = 0;
                while (i + n < len && text[i + n] == ' ')
                        n++;
                if (n > 0 && i + n < len && text[i + n] != '\n' && (best == 0 || n < best))
                        best = n;
        }
        if (best == 0 || best >= size) {
                snprintf(unit, size, "\t");
                return;
        }
        memset(unit, ' ', best);
        unit[best] = '\0';
}

void profile_text_line_indent(const char *text, size_t offset, char *buf, size_t size)
{
        size_t start = offset, n = 0;
        while (start > 0 && text[start - 1] != '\n')
                start--;
        while (start + n < offset && (text[start + n] == ' ' || text[start + n] == '\t') &&
               n + 1 < size)
                n++;
        memcpy(buf, text + start, n);
        buf[n] = '\0';
}

cJSON *profile_seccomp_object(cJSON *root, bool *ret_oci)
{
        cJSON *linux_obj = cJSON_GetObjectItemCaseSensitive(root, "linux");
        *ret_oci = false;
        if (linux_obj && !cJSON_GetObjectItemCaseSensitive(root, "defaultAction")) {
                *ret_oci = true;
                return cJSON_GetObjectItemCaseSensitive(linux_obj, "seccomp");
        }
        return root;
}
