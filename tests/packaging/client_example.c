/* SPDX-License-Identifier: MIT */
/* packaging/client_example.c: a program of someone else's, built against the installed client. */

/*
 * Compiled with nothing but what `pkg-config scmp-super-client` gives, by
 * tests/integration/test_client_library.sh (a `cmake --install` prefix) and
 * scripts/deb-test.sh (the installed Debian package). Given a control
 * socket, it connects, then asks for the status, and prints one line for
 * each: "connect: ok" or "connect: <strerror>", then "reply: <type>" (the
 * reply's "type", read with cJSON) or "request: <reason>". Exits 0 when the
 * request was answered, 1 when it was not, 2 on bad usage.
 */
#include <scmp_client.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
        if (argc != 2) {
                fprintf(stderr, "usage: client_example SOCKET\n");
                return 2;
        }
        struct scmp_client *client = NULL;
        int r = scmp_client_connect(argv[1], &client);
        if (r < 0) {
                printf("connect: %s\n", strerror(-r));
        } else {
                printf("connect: ok\n");
                scmp_client_close(client);
        }

        char *reply = NULL;
        char why[256] = "";
        r = scmp_client_request(argv[1], "{\"type\":\"status\"}", &reply, why, sizeof(why));
        if (r < 0) {
                printf("request: %s\n", why);
                return 1;
        }
        cJSON *message = cJSON_Parse(reply);
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(message, "type");
        printf("reply: %s\n", cJSON_IsString(type) ? type->valuestring : "(no type)");
        cJSON_Delete(message);
        free(reply);
        return 0;
}
