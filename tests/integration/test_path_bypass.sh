#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue 13, path rules that hold: a deny rule on secret/ must stop every
# name of a file in it that the kernel would follow (a symlink, a symlinked
# directory, ".." after a symlink, /proc/self/root, /proc/self/cwd,
# /proc/self/fd/N, a dirfd, a detached mount), for the open calls and for
# the calls that change the tree; and an allowed call must still do what
# the caller asked, with the caller's own rights (flags, O_CLOEXEC, umask,
# owner, the kernel's permission check). The secret file holds a marker
# that must never be printed; a refusal must be the rule's ENOTTY.
#
# Each check runs three times: as root; as nobody under a root supervisor
# (setpriv inside the command: the supervisor must not lend the caller its
# rights); and with supervisor and command both nobody (as
# test_unprivileged.sh runs). A check prints one line: ok or FAIL.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/path_lib.sh"

# A group nobody is not in, given to nobody for the one check that needs it.
EXTRA_GID=4242
P=$(profile path_bypass)
chmod 644 "$P"
MARKER="secret-marker-$$-$RANDOM$RANDOM"

# A fresh tree for each mode; secret/ and allowed/ are writable by nobody,
# so only the rules stand between nobody and the secret.
reset_tree()
{
        rm -rf "$TMP/secret" "$TMP/allowed" "$TMP/link"
        mkdir -m 777 "$TMP/secret" "$TMP/secret/sub" "$TMP/allowed" "$TMP/allowed/sub"
        printf '%s\n' "$MARKER" >"$TMP/secret/f"
        chmod 644 "$TMP/secret/f"
        for f in w victim victim2; do
                printf '%s-%s\n' "$MARKER" "$f" >"$TMP/secret/$f"
                chmod 666 "$TMP/secret/$f"
        done
        echo allowed-f >"$TMP/allowed/f"
        echo allowed-other >"$TMP/allowed/other"
        echo mine >"$TMP/allowed/mine"
        echo mine2 >"$TMP/allowed/mine2"
        chmod 666 "$TMP/allowed/f" "$TMP/allowed/other" "$TMP/allowed/mine" "$TMP/allowed/mine2"
        ln -s "$TMP/secret/f" "$TMP/allowed/tosecret"
        ln -s "$TMP/secret/w" "$TMP/allowed/towrite"
        ln -s "$TMP/secret" "$TMP/allowed/secretdir"
        ln -s "$TMP/secret/sub" "$TMP/allowed/jump"
        ln -s "$TMP/allowed/other" "$TMP/allowed/toother"
        ln -s other "$TMP/allowed/relother"
        ln -s "$TMP/secret/f" "$TMP/allowed/linkgone"
        ln -s "$TMP/allowed/sub" "$TMP/link"
        # Root's own: an allow rule covers them, the kernel's check does not.
        echo root-only >"$TMP/allowed/rootonly"
        echo root-write >"$TMP/allowed/rootw"
        chmod 600 "$TMP/allowed/rootonly" "$TMP/allowed/rootw"
        ln -s "$TMP/allowed/rootonly" "$TMP/allowed/torootonly"
        echo group-only >"$TMP/allowed/grouponly"
        chown "0:$EXTRA_GID" "$TMP/allowed/grouponly"
        chmod 640 "$TMP/allowed/grouponly"
        mkdir -m 755 "$TMP/allowed/rootdir"
        echo kept >"$TMP/allowed/rootdir/kept"
}

# check NAME EXPECTED ARGS...: passes if path_attack ARGS printed EXPECTED
# (or one of "A|B"), exited 0, and printed nothing of the secret.
check()
{
        local name="[$MODE] $1" expected=$2 alternatives e
        shift 2
        attack "$P" "$@"
        if [[ $OUT == *"$MARKER"* ]]; then
                fail "$name" "THE SECRET WAS READ" "expected: $expected" "$(last_run_details)"
                return
        fi
        IFS='|' read -ra alternatives <<<"$expected"
        for e in "${alternatives[@]}"; do
                if [ "$OUT" = "$e" ] && [ "$STATUS" = 0 ]; then
                        pass "$name"
                        return
                fi
        done
        fail "$name" "expected: $expected" "got:      $OUT" "$(last_run_details)"
}

# also NAME EXPECTED ACTUAL: a fact about the tree after the last check.
also()
{
        assert_eq "[$MODE] $1" "$2" "$3"
}

skip_check()
{
        echo "SKIPPED CHECK: [$MODE] $*"
}

# The secret written through a name, and left as it was.
intact()
{
        printf '%s-%s' "$MARKER" "$1"
}

run_set()
{
        local uid gid privileged=false
        reset_tree
        case $MODE in
        root)
                uid=0 gid=0 privileged=true
                ;;
        *)
                uid=$NOBODY_UID gid=$NOBODY_GID
                ;;
        esac

        # The secret by its own name: the rule works at all.
        check "open of the secret by its own name" "open: ENOTTY" open "$TMP/secret/f"

        # Names the kernel follows to the secret.
        check "open of a symlink in allowed/ to the secret" "open: ENOTTY" open "$TMP/allowed/tosecret"
        check "openat of a symlink in allowed/ to the secret" "openat: ENOTTY" \
                openat "$TMP/allowed" tosecret
        check "openat2 of a symlink in allowed/ to the secret" "openat2: ENOTTY" \
                openat2 - "$TMP/allowed/tosecret"
        check "open through a symlinked directory" "open: ENOTTY" open "$TMP/allowed/secretdir/f"
        check "openat on a dirfd opened through a symlinked directory" "openat: ENOTTY" \
                openat "$TMP/allowed/secretdir" f
        check "'..' after a symlink: link/../../secret/f (link -> allowed/sub)" "open: ENOTTY" \
                open "$TMP/link/../../secret/f"
        check "'..' after a symlink that reads as allowed/f: allowed/jump/../f" "open: ENOTTY" \
                open "$TMP/allowed/jump/../f"
        if [ -L /var/run ] && [ "$(cd -P /var/run/.. && pwd)" = / ]; then
                check "'..' after the real /var/run symlink: /var/run/..$TMP/secret/f" "open: ENOTTY" \
                        open "/var/run/..$TMP/secret/f"
        else
                skip_check "/var/run/.. is not / here (/var/run is not a symlink into /)"
        fi
        check "/proc/self/root$TMP/secret/f" "open: ENOTTY" open "/proc/self/root$TMP/secret/f"
        check "/proc/thread-self/root$TMP/secret/f" "open: ENOTTY" \
                open "/proc/thread-self/root$TMP/secret/f"
        check "/proc/PID/root$TMP/secret/f" "open: ENOTTY" open "/proc/@PID@/root$TMP/secret/f"
        check "/proc/self/cwd/secret/f, cwd $TMP" "open: ENOTTY" open /proc/self/cwd/secret/f
        check "openat2 of /proc/self/cwd/secret/f" "openat2: ENOTTY" \
                openat2 - /proc/self/cwd/secret/f
        check "/proc/self/fd/N/f, N a dirfd of secret/" "open: ENOTTY" \
                fdpath "$TMP/secret" /proc/self/fd/ /f
        check "/proc/thread-self/fd/N/f, N a dirfd of secret/" "open: ENOTTY" \
                fdpath "$TMP/secret" /proc/thread-self/fd/ /f
        check "openat on a dirfd of secret/" "openat: ENOTTY" openat "$TMP/secret" f
        check "openat2 on a dirfd of secret/" "openat2: ENOTTY" openat2 "$TMP/secret" f
        check "openat on a dirfd of allowed/ with ../secret/f" "openat: ENOTTY" \
                openat "$TMP/allowed" ../secret/f
        check "openat2 RESOLVE_BENEATH, ../secret/f from allowed/" "openat2: EXDEV|openat2: ENOTTY" \
                openat2 "$TMP/allowed" ../secret/f rdonly beneath
        check "openat2 RESOLVE_IN_ROOT of allowed/: /tosecret stays inside" \
                "openat2: ENOENT|openat2: ENOTTY" openat2 "$TMP/allowed" /tosecret rdonly in-root
        check "openat2 RESOLVE_NO_SYMLINKS on the symlink to the secret" \
                "openat2: ELOOP|openat2: ENOTTY" openat2 - "$TMP/allowed/tosecret" rdonly no-symlinks
        check "openat2 RESOLVE_NO_MAGICLINKS on /proc/self/root/..." "openat2: ELOOP|openat2: ENOTTY" \
                openat2 - "/proc/self/root$TMP/secret/f" rdonly no-magiclinks

        # A detached mount: no name inside the caller's root reaches it, so
        # it meets every deny rule and no allow rule.
        if [ "$MODE" = root ]; then
                detached_checks
        elif as_nobody_args && "${AS_NOBODY[@]}" unshare -Urm true 2>/dev/null; then
                UNSHARE=1 detached_checks
        else
                skip_check "detached mount: unprivileged user namespaces do not work here"
        fi

        # Writing and creating through those names.
        check "creat through a symlink to secret/w" "creat: ENOTTY" creat "$TMP/allowed/towrite"
        also "creat through a symlink left secret/w as it was" "$(intact w)" "$(cat "$TMP/secret/w")"
        check "open O_WRONLY|O_TRUNC through a symlink to secret/w" "open: ENOTTY" \
                open "$TMP/allowed/towrite" wronly,trunc
        also "O_TRUNC through a symlink left secret/w as it was" "$(intact w)" "$(cat "$TMP/secret/w")"
        check "openat2 O_CREAT|O_TRUNC through a symlinked directory" "openat2: ENOTTY" \
                openat2 - "$TMP/allowed/secretdir/w" wronly,creat,trunc
        also "openat2 through a symlinked directory left secret/w as it was" "$(intact w)" \
                "$(cat "$TMP/secret/w")"
        check "open O_CREAT through a symlinked directory" "open: ENOTTY" \
                open "$TMP/allowed/secretdir/new" wronly,creat
        also "no file was created in secret/" absent "$(exists "$TMP/secret/new")"
        check "mkdir through a symlinked directory" "mkdir: ENOTTY" mkdir "$TMP/allowed/secretdir/made"
        also "no directory was made in secret/" absent "$(exists "$TMP/secret/made")"
        check "unlink through a symlinked directory" "unlink: ENOTTY" \
                unlink "$TMP/allowed/secretdir/victim"
        also "secret/victim is still there" exists "$(exists "$TMP/secret/victim")"
        check "rename out of secret/ through a symlinked directory" "rename: ENOTTY" \
                rename "$TMP/allowed/secretdir/victim2" "$TMP/allowed/stolen"
        also "secret/victim2 stayed where it was" "exists absent" \
                "$(exists "$TMP/secret/victim2") $(exists "$TMP/allowed/stolen")"
        check "rename into secret/ through a symlinked directory" "rename: ENOTTY" \
                rename "$TMP/allowed/mine" "$TMP/allowed/secretdir/planted"
        also "nothing was planted in secret/" "exists absent" \
                "$(exists "$TMP/allowed/mine") $(exists "$TMP/secret/planted")"

        # Allowed calls still do what the caller asked.
        check "open of an allowed file" "read: allowed-f" open "$TMP/allowed/f"
        check "openat of an allowed file" "read: allowed-f" openat "$TMP/allowed" f
        check "openat2 of an allowed file" "read: allowed-f" openat2 - "$TMP/allowed/f"
        check "openat2 RESOLVE_BENEATH inside allowed/" "read: allowed-f" \
                openat2 "$TMP/allowed" sub/../f rdonly beneath
        check "a symlink in allowed/ to another allowed file" "read: allowed-other" \
                open "$TMP/allowed/toother"
        check "a relative symlink in allowed/" "read: allowed-other" open "$TMP/allowed/relother"
        check "'..' that stays in allowed/" "read: allowed-f" open "$TMP/allowed/sub/../f"
        check "/proc/self/fd/N/f, N a dirfd of allowed/" "read: allowed-f" \
                fdpath "$TMP/allowed" /proc/self/fd/ /f
        check "/proc/self/root$TMP/allowed/f" "read: allowed-f" open "/proc/self/root$TMP/allowed/f"
        check "O_NOFOLLOW on a symlink to an allowed file: ELOOP" "open: ELOOP" \
                open "$TMP/allowed/toother" rdonly,nofollow
        check "O_NOFOLLOW on a symlink to the secret" "open: ELOOP|open: ENOTTY" \
                open "$TMP/allowed/tosecret" rdonly,nofollow
        check "O_CREAT|O_EXCL on an existing allowed file: EEXIST" "open: EEXIST" \
                open "$TMP/allowed/f" wronly,creat,excl
        check "O_DIRECTORY on an allowed file: ENOTDIR" "open: ENOTDIR" \
                open "$TMP/allowed/f" rdonly,directory
        check "a missing allowed file: ENOENT" "open: ENOENT" open "$TMP/allowed/missing"
        echo long-content >"$TMP/allowed/trunc"
        chmod 666 "$TMP/allowed/trunc"
        check "O_TRUNC on an allowed file" "open: OK" open "$TMP/allowed/trunc" wronly,trunc
        also "O_TRUNC emptied it" 0 "$(stat -c %s "$TMP/allowed/trunc")"
        check "O_CLOEXEC asked: FD_CLOEXEC set (open)" "cloexec: set" \
                cloexec open "$TMP/allowed/f" rdonly,cloexec
        check "O_CLOEXEC not asked: FD_CLOEXEC unset (open)" "cloexec: unset" \
                cloexec open "$TMP/allowed/f" rdonly
        check "O_CLOEXEC asked: FD_CLOEXEC set (openat)" "cloexec: set" \
                cloexec openat "$TMP/allowed" f rdonly,cloexec
        check "O_CLOEXEC asked: FD_CLOEXEC set (openat2)" "cloexec: set" \
                cloexec openat2 - "$TMP/allowed/f" rdonly,cloexec
        check "O_CLOEXEC not asked: FD_CLOEXEC unset (openat2)" "cloexec: unset" \
                cloexec openat2 - "$TMP/allowed/f" rdonly
        check "creat's fd has no FD_CLOEXEC" "cloexec: unset" cloexec creat "$TMP/allowed/cloexec-creat"
        local verb
        for verb in open openat openat2 creat; do
                case $verb in
                open) check "umask 027, $verb O_CREAT 0666: 0640" "mode: 0640" \
                        umask 027 open "$TMP/allowed/made-$verb" wronly,creat ;;
                openat) check "umask 027, $verb O_CREAT 0666: 0640" "mode: 0640" \
                        umask 027 openat "$TMP/allowed" "made-$verb" wronly,creat ;;
                openat2) check "umask 027, $verb O_CREAT 0666: 0640" "mode: 0640" \
                        umask 027 openat2 - "$TMP/allowed/made-$verb" wronly,creat ;;
                creat) check "umask 027, $verb 0666: 0640" "mode: 0640" \
                        umask 027 creat "$TMP/allowed/made-$verb" ;;
                esac
                also "$verb O_CREAT: the file is the caller's, mode 640" "640 $uid $gid" \
                        "$(stat -c '%a %u %g' "$TMP/allowed/made-$verb" 2>&1)"
        done

        # The caller's rights, not the supervisor's: an allow rule covers
        # root's 0600 file; only the kernel's check may refuse it.
        if $privileged; then
                check "root's 0600 file, allowed, for root" "read: root-only" open "$TMP/allowed/rootonly"
                check "root's 0600 file through a symlink, for root" "read: root-only" \
                        open "$TMP/allowed/torootonly"
        else
                check "root's 0600 file, allowed: the kernel's EACCES (open)" "open: EACCES" \
                        open "$TMP/allowed/rootonly"
                check "root's 0600 file, allowed: the kernel's EACCES (openat)" "openat: EACCES" \
                        openat "$TMP/allowed" rootonly
                check "root's 0600 file, allowed: the kernel's EACCES (openat2)" "openat2: EACCES" \
                        openat2 - "$TMP/allowed/rootonly"
                check "root's 0600 file through a symlink: EACCES" "open: EACCES" \
                        open "$TMP/allowed/torootonly"
                check "root's 0600 file, O_RDWR: EACCES" "open: EACCES" open "$TMP/allowed/rootonly" rdwr
                check "creat of root's 0600 file: EACCES" "creat: EACCES" creat "$TMP/allowed/rootw"
                also "root's 0600 file kept its content" root-write "$(cat "$TMP/allowed/rootw")"
                check "a 0640 file of a group nobody is not in: EACCES" "open: EACCES" \
                        open "$TMP/allowed/grouponly"
                GROUPS_OF_NOBODY=$EXTRA_GID check "the same file with that group added: read" \
                        "read: group-only" open "$TMP/allowed/grouponly"
                check "O_CREAT in root's 0755 directory: EACCES" "open: EACCES" \
                        open "$TMP/allowed/rootdir/new" wronly,creat
                check "mkdir in root's 0755 directory: EACCES" "mkdir: EACCES" \
                        mkdir "$TMP/allowed/rootdir/d"
                check "unlink in root's 0755 directory: EACCES" "unlink: EACCES" \
                        unlink "$TMP/allowed/rootdir/kept"
                check "rename into root's 0755 directory: EACCES" "rename: EACCES" \
                        rename "$TMP/allowed/mine2" "$TMP/allowed/rootdir/mine2"
                also "root's directory is as it was" "exists absent absent absent" \
                        "$(exists "$TMP/allowed/rootdir/kept") $(exists "$TMP/allowed/rootdir/new") \
$(exists "$TMP/allowed/rootdir/d") $(exists "$TMP/allowed/rootdir/mine2")"
        fi

        # Changing the tree in allowed/: done as the caller.
        check "umask 027, mkdir 0777 in allowed/: 0750" "mode: 0750" umask 027 mkdir "$TMP/allowed/dir"
        also "the directory is the caller's" "750 $uid $gid" "$(stat -c '%a %u %g' "$TMP/allowed/dir" 2>&1)"
        check "rename within allowed/" "rename: OK" rename "$TMP/allowed/made-open" "$TMP/allowed/renamed"
        also "the file moved and is still the caller's" "absent $uid" \
                "$(exists "$TMP/allowed/made-open") $(stat -c %u "$TMP/allowed/renamed" 2>&1)"
        check "unlink in allowed/" "unlink: OK" unlink "$TMP/allowed/renamed"
        also "the file is gone" absent "$(exists "$TMP/allowed/renamed")"
        check "unlink of a symlink in allowed/ to the secret removes the link" "unlink: OK" \
                unlink "$TMP/allowed/linkgone"
        also "the link is gone, the secret stays" "absent exists" \
                "$(exists "$TMP/allowed/linkgone") $(exists "$TMP/secret/f")"
}

detached_checks()
{
        local where="as root"
        [ -n "${UNSHARE:-}" ] && where="in unshare -Urm"
        attack "$P" detached "$TMP" allowed/f
        case $OUT in
        "detached: open_tree: "*)
                skip_check "detached mount ($where): ${OUT#detached: }"
                return
                ;;
        esac
        check "secret/f under a detached mount of $TMP ($where)" "openat: ENOTTY" \
                detached "$TMP" secret/f
        check "f under a detached mount of secret/ ($where)" "openat: ENOTTY" \
                detached "$TMP/secret" f
        check "allowed/f under a detached mount: unresolvable, so denied ($where)" "openat: ENOTTY" \
                detached "$TMP" allowed/f
}

for MODE in $PATH_MODES; do
        run_set
done

finish
