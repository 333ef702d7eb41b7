#!/bin/bash
# SPDX-License-Identifier: MIT
# io_uring under the built-in default profile: its queue opens files and
# connects where seccomp never looks, so the profile refuses io_uring_setup,
# io_uring_enter and io_uring_register in the kernel with ENOSYS, as a
# kernel without io_uring would, and libraries fall back to ordinary calls.
# The rest of @aio stays allowed, and --strict finds nothing to refuse.
. "$(dirname "$0")/lib.sh"

# Without a filter that refuses it, the kernel makes the ring: otherwise
# an ENOSYS below would prove nothing about the profile.
run_try "$(profile allow_all)" io-uring-setup 8
if [ "$OUT" != "io-uring-setup: OK" ]; then
        skip "this kernel does not make an io_uring for us ($OUT; kernel.io_uring_disabled?)"
fi
pass "io_uring works on this machine without the built-in profile"

# The built-in default profile (no --policy). A raw io_uring_setup, as
# liburing's io_uring_queue_init makes it; io_uring_enter on fd -1 would
# fail with EBADF and io_uring_register with EINVAL if they got through.
run_sup run -- "$TRY" io-uring-setup 8 -- syscall 426 -1 0 0 0 0 0 -- syscall 427 -1 0 0 0
expect "built-in default: io_uring_setup, io_uring_enter and io_uring_register fail with ENOSYS" 0 \
        "io-uring-setup: ENOSYS
syscall: ENOSYS
syscall: ENOSYS"
# io_setup(1, NULL) gets through to the kernel, which finds no place to
# write the context: EFAULT, not the profile's EPERM.
run_sup run -- "$TRY" syscall 206 1 0
expect "built-in default: the rest of @aio (io_setup) is still allowed" 0 "syscall: EFAULT"

# The same as a file, and as check prints it.
run_sup run --policy "$SOURCE_DIR/examples/default.json" -- "$TRY" io-uring-setup 8
expect "examples/default.json: io_uring_setup fails with ENOSYS" 0 "io-uring-setup: ENOSYS"
run_sup check --print-default
assert_contains "check --print-default: the io_uring entry" \
        '"names": ["io_uring_setup", "io_uring_enter", "io_uring_register"]' "$OUT"

# Nothing walks around the built-in profile's address rules: --strict
# accepts it, and the command runs.
run_sup check --quiet --strict
expect "check --strict: the built-in profile" 0 "policy OK"
assert_eq "check --strict: the built-in profile has no warning" "" "$ERR"
run_sup run --strict -- "$TRY" io-uring-setup 8
expect "run --strict: the built-in profile runs the command" 0 "io-uring-setup: ENOSYS"

finish
