# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by test_net_*.sh, after lib.sh. Moves the test into a network and
# mount namespace of its own (nothing it sends can leave the machine): lo
# up, 10.0.0.1 as a second, non-loopback address on lo, TCP Fast Open on
# for client and server without cookies. Then runs the net_attack helper
# under a profile as root, as nobody under a root supervisor, or with
# supervisor and command both nobody, like path_lib.sh, and runs the
# listeners ("sinks") whose arrivals the checks count.

NET_ATTACK=$BUILD_DIR/tests/net_attack
require_built "$NET_ATTACK"
require_cmd setpriv unshare ip
if [ "$(id -u)" != 0 ]; then
        skip "a network namespace of the test's own and switching to nobody need root; this runs as uid $(id -u)"
fi

in_own_net_namespace "$@"
# The address no rule allows: not loopback, yet reachable only inside this
# namespace.
FAR=10.0.0.1
ip addr add "$FAR/32" dev lo || skip "ip addr add $FAR/32 dev lo failed"
# 1 client, 2 server, 4 client without cookie, 0x200 server without cookie:
# data goes in the SYN.
if ! echo 519 >/proc/sys/net/ipv4/tcp_fastopen 2>/dev/null; then
        skip "net.ipv4.tcp_fastopen cannot be set in the namespace"
fi

NOBODY_UID=65534 NOBODY_GID=65534
# shellcheck disable=SC2034 # for the scripts that source this
NET_MODES="root nobody nobody-all"

# Copies nobody can reach and execute (the build directory need not be).
mkdir -m 755 "$TMP/bin"
install -m 755 "$SCMP_SUPER" "$TMP/bin/scmp-super"
install -m 755 "$NET_ATTACK" "$TMP/bin/net_attack"
# Logs the supervisor writes, whoever it runs as.
mkdir -m 1777 "$TMP/logs"

AS_NOBODY=(setpriv --reuid="$NOBODY_UID" --regid="$NOBODY_GID" --clear-groups
        --inh-caps=-all --bounding-set=-all)

# attack POLICY ARGS...: "net_attack ARGS" (or $NET_HELPER) under scmp-super, as $MODE says
# (see path_lib.sh), with --prompt none, the decision log in $LOG and the
# cwd ${RUN_CWD:-$TMP}. POLICY is a profile file, or "builtin" for the
# built-in profile. Sets OUT, ERR, STATUS and LOG.
# shellcheck disable=SC2034 # OUT, ERR and LOG are for the scripts that source this
attack()
{
        local policy=$1 sup cmd popt=()
        shift
        cmd=("$TMP/bin/${NET_HELPER:-net_attack}" "$@")
        sup=("$TMP/bin/scmp-super")
        [ "$policy" != builtin ] && popt=(--policy "$policy")
        case $MODE in
        root) ;;
        nobody) cmd=("${AS_NOBODY[@]}" "${cmd[@]}") ;;
        nobody-all) sup=("${AS_NOBODY[@]}" "${sup[@]}") ;;
        *)
                echo "net_lib.sh: unknown MODE \"$MODE\"" >&2
                return 1
                ;;
        esac
        LOG=$TMP/logs/decisions.$((++ATTACK_RUNS)).jsonl
        LAST_CMD="($MODE) ${sup[*]} run --prompt none --log $LOG ${popt[*]} -- ${cmd[*]}"
        (cd "${RUN_CWD:-$TMP}" && exec timeout -k 5 "$HANG_LIMIT" "${sup[@]}" run --prompt none \
                --log "$LOG" "${popt[@]}" -- "${cmd[@]}" >"$TMP/out" 2>"$TMP/err" </dev/null)
        STATUS=$?
        OUT=$(cat "$TMP/out")
        ERR=$(cat "$TMP/err")
        if [ "$STATUS" = 124 ]; then
                fail "$LAST_CMD finished within ${HANG_LIMIT}s" "it hung and was killed"
        fi
}
ATTACK_RUNS=0

# logged SYSCALL DECISION [TEXT]: the last attack's log has a line for
# SYSCALL with that decision (and TEXT somewhere in the line); prints
# "logged" or "not logged".
logged()
{
        python3 - "$LOG" "$1" "$2" "${3:-}" <<'PY'
import json, sys
path, syscall, decision, text = sys.argv[1:5]
try:
    lines = open(path).read().splitlines()
except OSError:
    lines = []
for line in lines:
    try:
        entry = json.loads(line)
    except ValueError:
        continue
    if entry.get("syscall") == syscall and entry.get("decision") == decision and text in line:
        print("logged")
        sys.exit(0)
print("not logged")
PY
}

# wait_for_line FILE LINE: until FILE has LINE (bounded: HANG_LIMIT
# seconds); 0 if it came.
wait_for_line()
{
        local i
        for ((i = 0; i < HANG_LIMIT * 100; i++)); do
                grep -qxF -- "$2" "$1" 2>/dev/null && return 0
                sleep 0.01
        done
        return 1
}

# start_sink NAME SPEC...: "net_attack sink SPEC..." in the background,
# outside any supervisor, printing into $TMP/sink-NAME; returns once it is
# ready.
start_sink()
{
        local name=$1
        shift
        "$NET_ATTACK" sink "$@" >"$TMP/sink-$name" 2>&1 </dev/null &
        if ! wait_for_line "$TMP/sink-$name" ready; then
                not_run "the sink $name ($*) never said ready: $(cat "$TMP/sink-$name")"
                finish
        fi
        echo 1 >"$TMP/sink-$name.seen"
}

# sink_arrivals NAME UDP_ADDR: what the sink NAME received since the last
# call, after a marker sent to its UDP_ADDR (outside any supervisor) has
# come out of it, so that nothing sent before is still on its way. Called
# in $(...), so what it has shown is kept in a file, not a variable.
sink_arrivals()
{
        local name=$1 file=$TMP/sink-$1 marker from
        marker=marker-$$-$RANDOM$RANDOM
        "$NET_ATTACK" sendto "$2" "$marker" >/dev/null
        if ! wait_for_line "$file" "$marker"; then
                echo "(the sink's marker $marker never came back)"
                return
        fi
        from=$(cat "$file.seen")
        sed -n "$((from + 1)),\$p" "$file" | grep -v '^marker-'
        wc -l <"$file" >"$file.seen"
}

# net_check NAME EXPECTED ATTACK-ARGS...: attack ATTACK-ARGS printed
# EXPECTED (or one of "A|B") and exited 0; NAME is prefixed with [$MODE].
net_check()
{
        local name="[$MODE] $1" expected=$2 rest e
        shift 2
        attack "$@"
        # Alternatives may span lines, so they are split by hand.
        rest=$expected
        while :; do
                e=${rest%%|*}
                if [ "$OUT" = "$e" ] && [ "$STATUS" = 0 ]; then
                        pass "$name"
                        return
                fi
                [ "$e" = "$rest" ] && break
                rest=${rest#*|}
        done
        fail "$name" "expected: $expected" "got:      $OUT" "$(last_run_details)"
}
