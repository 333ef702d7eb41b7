/* SPDX-License-Identifier: MIT */
/* t_keyring.c: a test that reads the session keyring's id (keyctl). */
/*
 * A C test of the kind a credential helper has: it asks the kernel for the
 * id of the process's session keyring, through keyctl(2), a call that a
 * profile recorded before this test existed does not name.
 */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEYCTL_GET_KEYRING_ID    0
#define KEY_SPEC_SESSION_KEYRING (-3)

int main(void)
{
        long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1);
        if (id < 0) {
                perror("t_keyring: keyctl");
                return 1;
        }
        puts("t_keyring: ok");
        return 0;
}
