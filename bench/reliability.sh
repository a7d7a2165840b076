#!/bin/bash
# Reliability figures (docs/reliability.md), against the real server (`java -jar
# server/target/vmcored.jar serve`, forked here) and real clients: the POSIX-sh agent from agent/
# with busybox applets, makedumpfile, busybox nc and curl on its PATH; curl, busybox nc and
# ssh-style load from one Python process. Every stored dump is compared byte for byte with
# `makedumpfile -R` of its stream (the fixture's .dump); any loss ends the script with exit 1.
#
#   kill      16 agent uploads (8 tcp, 8 http), the server SIGKILLed 10 times in a row while
#             they run, each time once every upload still running has a resume point newer
#             than the last kill (so each is cut after progress), plus 0-2 s; restarted at once
#   term      SIGTERM during 16 agent uploads: with shutdown.drain=2s, the uploads started one
#             second apart and the signal sent when the first is about a second from its end
#             (some finish in the drain, the rest are cut and resume after a restart); and with
#             the default 60 s, where every upload finishes within the drain
#   load      2,000 idle connections and 100 slow senders (one byte every 2 s: an upload's
#             request line and stream, an HTTP PUT's head, an SSH client's identification)
#             on each of the three ports while one big upload (curl -T of streams/elf-d0.flat,
#             528 MiB) runs, then, still under the load, a 16 MiB upload with the real OpenSSH
#             client (RHEL's mkdir, dd, mv) and one with busybox nc (the agent's protocol);
#             rounds in pairs, unloaded first in odd pairs and loaded first in even ones; the server's heap
#             (/metrics) and open descriptors (/proc/PID/fd) sampled every 0.5 s through each
#             round, its CPU time (/proc/PID/stat utime+stime) over the big upload
#   diskfull  a 192 MiB tmpfs as the spool, 4 dumps stored first, then 16 uploads at once
#             (8 busybox nc, 8 curl) of a 58 MiB stream: once with spool.min-free=1 (the writes
#             hit ENOSPC) and once with spool.min-free=64M (the watermark); each must be stored
#             complete and identical, or refused or incomplete with a reason; the dumps stored
#             before must keep their bytes (sha256 before/after, and after a restart). Needs
#             root (mount): skipped with a message otherwise, a failure under VMCORED_REQUIRE_ALL=1
#
# Why the agents' links are slow: uncut, an upload of the 22 MB stream over loopback takes
# a fraction of a second, and a kill must land in the middle of 16 of them, 10 times. Each
# agent's nc/curl is wrapped by bench/slow-link.py, which feeds it at RATE bytes/s (a capture
# kernel on a slow link); the agent, makedumpfile, the protocol and the server are untouched.
#
# Usage: bench/reliability.sh [PART...]   (default: kill term load diskfull)
#   SHORT=1: the smoke version for bench/smoke.sh: 2 uploads and 1 kill, 3 uploads in the 2 s
#   drain SIGTERM run (the 60 s one left out), 200 idle + 10 slow connections per port (a byte a
#   second) with a 16 MiB stream (one unloaded and one loaded round), 4 uploads onto the full disk
#   with spool.min-free=1 only; same checks, about a minute.
#   Sizes: KILL_UPLOADS KILL_CYCLES KILL_RATE TERM_UPLOADS TERM_RATE TERM_DRAIN_RUN LOAD_IDLE
#   LOAD_SLOW LOAD_INTERVAL LOAD_PAIRS LOAD_WARMUPS LOAD_STREAM DISK_UPLOADS DISK_MODES (environment).
# Admission is off (admission.full-per-signature=0, admission.max-concurrent-full=0): every agent
# sends the same crash, and what is measured here is what happens to uploads the server admitted.
# Output: one line per part on stdout, `| figure | tried | survived | lost | details |`, and a
# log per part in $BENCH_WORK/reliability (kept on failure).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
streams=$fixtures/streams
work=${BENCH_WORK:-$here/bench/work}/reliability
parts=${*:-kill term load diskfull}
if [ -n "${SHORT:-}" ]; then
    : "${KILL_UPLOADS:=2}" "${KILL_CYCLES:=1}" "${KILL_RATE:=2000000}" "${TERM_UPLOADS:=3}" "${TERM_RATE:=3000000}"
    : "${TERM_DRAIN_RUN:=0}" "${LOAD_IDLE:=200}" "${LOAD_SLOW:=10}" "${LOAD_INTERVAL:=1}" "${LOAD_PAIRS:=1}"
    : "${LOAD_WARMUPS:=1}" "${LOAD_STREAM:=kdump-zlib-d31}" "${DISK_UPLOADS:=4}" "${DISK_MODES:=1}"
fi
: "${KILL_UPLOADS:=16}" "${KILL_CYCLES:=10}" "${KILL_RATE:=200000}" "${TERM_UPLOADS:=16}" "${TERM_RATE:=1000000}"
: "${TERM_DRAIN_RUN:=1}" "${LOAD_IDLE:=2000}" "${LOAD_SLOW:=100}" "${LOAD_INTERVAL:=2}" "${LOAD_PAIRS:=4}"
: "${LOAD_WARMUPS:=3}" "${LOAD_STREAM:=elf-d0}" "${DISK_UPLOADS:=16}" "${DISK_MODES:=1 64M}"
AGENT_STREAM=kdump-lzo-d31   # what the agent sends by default: makedumpfile -F -l -d 31 of the fixture vmcore
SIDE_STREAM=kdump-zlib-d31   # the OpenSSH and nc uploads beside the big one in part c
tcp_port=${REL_TCP_PORT:-26555} http_port=${REL_HTTP_PORT:-29080} ssh_port=${REL_SSH_PORT:-23222}
jar=$here/server/target/vmcored.jar
java=${JAVA:-java}

fail() { echo "reliability: FAILED: $*" >&2; exit 1; }
note() { echo "reliability: $*" >&2; }
for f in "$fixtures/vmcore.elf" "$streams/$AGENT_STREAM.dump" "$streams/$LOAD_STREAM.flat" "$streams/$LOAD_STREAM.dump" \
         "$streams/kdump-zlib-d31.flat" "$streams/kdump-none-d31.flat"; do
    [ -f "$f" ] || fail "no fixture $f: run fixtures/make-fixtures.sh"
done
for t in busybox makedumpfile curl python3 jq ss ssh ssh-keygen; do
    command -v "$t" >/dev/null || fail "needs $t"
done
"$here/vmcored" --version >/dev/null   # builds the jar if it is stale
for p in $tcp_port $http_port $ssh_port; do
    ss -ltnH "sport = :$p" | grep -q . && fail "port $p is taken (REL_TCP_PORT/REL_HTTP_PORT/REL_SSH_PORT)"
done
# 3 x (2,000 + 100) connections: the server and the load process each need more descriptors
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

rm -rf "$work"; mkdir -p "$work"
results=$work/results
: > "$results"
server_pid= agent_pids= load_pid= mounted=
cleanup() {
    set +e
    [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
    for p in $agent_pids; do pkill -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
    [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [ -n "$mounted" ] && umount "$mounted"
    [ "${keep:-0}" = 1 ] || [ -n "${KEEP:-}" ] || rm -rf "$work"   # KEEP=1 keeps the logs of a good run too
}
keep=1   # until the end: a failure leaves the logs
trap cleanup EXIT

# ---- the server ----------------------------------------------------------------------------
# start_server DIR [--set K=V ...]: vmcored serve on DIR/spool and DIR/state, logging to DIR/server.log
start_server() {
    local dir=$1; shift
    local log=$dir/server.log from
    mkdir -p "$dir"
    touch "$log"; from=$(( $(wc -l < "$log") + 1 ))
    "$java" -Xmx512m -jar "$jar" serve --ingest-port "$tcp_port" --http-port "$http_port" \
        --ssh-port "${SSH_PORT:--1}" --spool "${SPOOL:-$dir/spool}" --state "$dir/state" \
        --set spool.min-free="${MIN_FREE:-1M}" --set admission.full-per-signature=0 --set admission.max-concurrent-full=0 \
        "$@" >> "$log" 2>&1 &
    server_pid=$!
    for _ in $(seq 600); do
        tail -n +"$from" "$log" | grep -q "vmcored started" && return 0
        kill -0 "$server_pid" 2>/dev/null || { server_pid=; fail "the server exited at start: $(tail -n 5 "$log")"; }
        sleep 0.1
    done
    fail "the server did not start within 60 s: $(tail -n 5 "$log")"
}
# kill9: SIGKILL of the server JVM; its exit status must say so
kill9() {
    local rc=0
    kill -9 "$server_pid"
    wait "$server_pid" 2>/dev/null || rc=$?
    [ "$rc" = 137 ] || fail "server exit status after SIGKILL: $rc"
    server_pid=
}
# term: SIGTERM, waits for the exit; its status in term_rc
term() {
    term_rc=0
    kill -TERM "$server_pid"
    wait "$server_pid" || term_rc=$?
    server_pid=
}
metrics() { curl -sf "http://127.0.0.1:$http_port/metrics"; }
# the dump directories (spool/HOST/TIME) of host HOST
dump_dirs() { [ -d "$1/$2" ] || return 0; find "$1/$2" -mindepth 1 -maxdepth 1 -type d | sort; }
# dump_by_id SPOOL HOST ID: the dump directory the sender named ID (manifest clientId)
dump_by_id() {
    local d
    for d in $(dump_dirs "$1" "$2"); do
        [ "$(jq -r .clientId "$d/manifest.json" 2>/dev/null)" = "$3" ] && { echo "$d"; return 0; }
    done
    return 0
}

# ---- the agent -----------------------------------------------------------------------------
# as in a capture initramfs: only busybox applets, makedumpfile and curl on PATH; nc and curl
# behind the slow link (AGENT_RATE bytes/s, read from the agent's environment). The agent runs
# under /bin/sh (dash, as kdump-tools runs its hooks): busybox sh would run its built-in nc
# applet, not the nc on PATH.
agent_bin=$work/agent-bin
mkdir -p "$agent_bin"
bb=$(command -v busybox)
for a in $("$bb" --list); do ln -sf "$bb" "$agent_bin/$a"; done
ln -sf "$(command -v makedumpfile)" "$agent_bin/makedumpfile"
py=/usr/bin/python3; [ -x "$py" ] || py=$(command -v python3)   # not a pyenv shim: the agent runs with a bare PATH
rm -f "$agent_bin/nc" "$agent_bin/curl"   # the applet link: writing through it would overwrite busybox itself
cat > "$agent_bin/nc" <<EOF
#!$bb sh
case "\$1" in -h) exec "$bb" nc "\$@" ;; esac
exec "$py" "$here/bench/slow-link.py" "\$AGENT_RATE" "$bb" nc "\$@"
EOF
cat > "$agent_bin/curl" <<EOF
#!$bb sh
case " \$* " in *" -T "*) exec "$py" "$here/bench/slow-link.py" "\$AGENT_RATE" "$(command -v curl)" "\$@" ;; esac
exec "$(command -v curl)" "\$@"
EOF
chmod +x "$agent_bin/nc" "$agent_bin/curl"
: > "$work/agent.conf"

# start_agent DIR NAME TRANSPORT RATE: one agent in the background (pid in agent_pids), log and
# exit status in DIR/agents/NAME.{log,rc}; host NAME, dump id NAME-1
start_agent() {
    local dir=$1 name=$2 t=$3 rate=$4 port=$tcp_port
    [ "$t" = http ] && port=$http_port
    mkdir -p "$dir/agents"
    ( rc=0
      env -i PATH="$agent_bin" AGENT_RATE="$rate" /bin/sh "$here/agent/vmcored-agent" --config "$work/agent.conf" \
          --server 127.0.0.1 --port "$port" --transport "$t" --host "$name" --dump-id "$name-1" \
          --vmcore "$fixtures/vmcore.elf" --work-dir "$dir/agents/$name.work" --backoff 1 --max-backoff 2 \
          --retries 40 --stall-timeout 30 > "$dir/agents/$name.log" 2>&1 || rc=$?
      echo "$rc" > "$dir/agents/$name.rc" ) &
    agent_pids="$agent_pids $!"
}
# wait_agents DIR N TIMEOUT: every agent's exit status, or fail
wait_agents() {
    local dir=$1 n=$2 t=$3 _
    for _ in $(seq $((t * 10))); do
        [ "$(find "$dir/agents" -maxdepth 1 -name '*.rc' | wc -l)" -ge "$n" ] && { agent_pids=; return 0; }
        sleep 0.1
    done
    fail "agents still running after $t s (logs in $dir/agents)"
}
# check_agents DIR SPOOL NAMES...: each agent exited 0, its host has one dump, complete, whose
# vmcore equals makedumpfile -R of the stream; prints "identical resumed_from_offset started_over"
check_agents() {
    local dir=$1 spool=$2 name d rc same=0 resumed=0 over=0; shift 2
    for name in "$@"; do
        rc=$(cat "$dir/agents/$name.rc")
        [ "$rc" = 0 ] || fail "agent $name exited $rc: $(tail -n 3 "$dir/agents/$name.log")"
        d=$(dump_dirs "$spool" "$name")
        [ "$(echo "$d" | wc -l)" = 1 ] || fail "host $name has dumps: $d (one expected: a started-over dump id?)"
        [ "$(jq -r .state "$d/manifest.json")" = complete ] || fail "dump $d: $(jq -c '{state,problem}' "$d/manifest.json")"
        cmp -s "$d/vmcore" "$streams/$AGENT_STREAM.dump" || fail "$d/vmcore differs from makedumpfile -R of the stream"
        same=$((same + 1))
        resumed=$((resumed + $(grep -c "vmcore: resuming at byte" "$dir/agents/$name.log" || true)))
        over=$((over + $(grep -c "starting again as dump" "$dir/agents/$name.log" || true)))
    done
    echo "$same $resumed $over"
}
# resume_from SPOOL NAME: the vmcore's durable resume point in the manifest on disk (0: none yet)
resume_from() {
    local d; d=$(dump_dirs "$1" "$2")
    [ -n "$d" ] && [ -f "$d/manifest.json" ] || { echo 0; return; }
    jq -r '.files.vmcore.resumeFrom // 0' "$d/manifest.json" 2>/dev/null || echo 0
}
done_agent() { [ -f "$1/agents/$2.rc" ]; }
names() { local p=$1 n=$2 i; for i in $(seq "$n"); do echo "$p$i"; done; }
transport_of() { [ $(( $1 % 2 )) = 1 ] && echo tcp || echo http; }

# ---- a. kill -9 during uploads -------------------------------------------------------------
part_kill() {
    local dir=$work/kill spool=$work/kill/spool n=$KILL_UPLOADS i c name cut_total=0 cuts="" last
    declare -A base
    note "kill: $n agent uploads at $KILL_RATE B/s each, $KILL_CYCLES SIGKILLs"
    start_server "$dir"
    for i in $(seq "$n"); do start_agent "$dir" "k$i" "$(transport_of "$i")" "$KILL_RATE"; base[k$i]=0; done
    for c in $(seq "$KILL_CYCLES"); do
        # every upload still running has made a durable point since the last kill
        for _ in $(seq 1200); do
            last=0
            for name in $(names k "$n"); do
                done_agent "$dir" "$name" && continue
                [ "$(resume_from "$spool" "$name")" -gt "${base[$name]}" ] || { last=1; break; }
            done
            [ "$last" = 0 ] && break
            sleep 0.1
        done
        [ "$last" = 0 ] || fail "kill $c: an upload made no durable progress within 120 s (logs in $dir)"
        sleep "0.$(printf %03d $((RANDOM % 1000)))"; [ $((RANDOM % 2)) = 1 ] && sleep 1
        local running=0
        for name in $(names k "$n"); do done_agent "$dir" "$name" || running=$((running + 1)); done
        kill9
        for name in $(names k "$n"); do base[$name]=$(resume_from "$spool" "$name"); done
        cut_total=$((cut_total + running)); cuts="$cuts $running"
        note "kill $c: SIGKILL with $running uploads running"
        [ "$running" = 0 ] && fail "kill $c: no upload was running (KILL_RATE too high for $KILL_CYCLES kills)"
        start_server "$dir"
    done
    wait_agents "$dir" "$n" 600
    check_agents "$dir" "$spool" $(names k "$n") > "$dir/check"; read -r same resumed over < "$dir/check"
    local recovered; recovered=$(grep -o "[0-9]* were receiving and are now incomplete" "$dir/server.log" | awk '{ s += $1 } END { print s }')
    term
    echo "| a. SIGKILL of the server during $n agent uploads ($((n / 2)) tcp, $((n - n / 2)) http), $KILL_CYCLES times in a row | $n uploads, $cut_total cut by a kill (per kill:$cuts) | $same complete, byte-identical | $((n - same)) | $resumed resumes from a committed offset, $over started over under a new id, $recovered dumps recovered from 'receiving' at the restarts |" >> "$results"
}

# ---- b. SIGTERM during uploads -------------------------------------------------------------
# vmcore_size SPOOL NAME: bytes of the dump file stored so far (0 before it exists)
vmcore_size() {
    local d; d=$(dump_dirs "$1" "$2")
    [ -n "$d" ] && stat -c %s "$d/vmcore" 2>/dev/null || echo 0
}
part_term() {
    local n=$TERM_UPLOADS i name rc line size target
    size=$(stat -c %s "$streams/$AGENT_STREAM.dump")
    # b1: a 2 s drain; uploads a second apart; SIGTERM when the first is about a second from its end
    local dir=$work/term-cut spool=$work/term-cut/spool
    note "term: $n uploads, shutdown.drain=2s"
    start_server "$dir" --set shutdown.drain=2s
    for i in $(seq "$n"); do start_agent "$dir" "c$i" "$(transport_of "$i")" "$TERM_RATE"; sleep 1; done
    target=$((size - TERM_RATE))
    for _ in $(seq 1200); do
        [ "$(vmcore_size "$spool" c1)" -ge "$target" ] && break
        sleep 0.05
    done
    term
    [ "$term_rc" = 0 ] || fail "exit status of the SIGTERMed server (drain 2 s): $term_rc"
    line=$(grep -o "stopping: .*" "$dir/server.log" | tail -n 1)
    note "term: $line"
    start_server "$dir" --set shutdown.drain=2s
    wait_agents "$dir" "$n" 300
    check_agents "$dir" "$spool" $(names c "$n") > "$dir/check"; read -r same resumed over < "$dir/check"
    term
    echo "| b. SIGTERM during $n agent uploads, shutdown.drain=2s, restarted after the exit | $n uploads; server: \"${line% (incomplete, resumable)}\" | $same complete, byte-identical (exit status 0) | $((n - same)) | $resumed resumes after the restart, $over started over |" >> "$results"
    if echo "$line" | grep -q ", 0 cut now"; then note "term: no upload was cut (timing): the 2 s run did not show a cut"; fi
    [ "$TERM_DRAIN_RUN" = 1 ] || return 0

    # b2: the default drain (60 s): every upload in flight finishes, no restart needed
    dir=$work/term-drain spool=$work/term-drain/spool
    note "term: $n uploads, shutdown.drain=60s"
    start_server "$dir"
    for i in $(seq "$n"); do start_agent "$dir" "d$i" "$(transport_of "$i")" "$TERM_RATE"; done
    for _ in $(seq 1200); do   # every upload is sending its dump file
        local all=1
        for name in $(names d "$n"); do [ "$(vmcore_size "$spool" "$name")" -gt 0 ] || { all=0; break; }; done
        [ "$all" = 1 ] && break
        sleep 0.05
    done
    [ "$all" = 1 ] || fail "term: not every upload started within 60 s"
    term
    [ "$term_rc" = 0 ] || fail "exit status of the SIGTERMed server (drain 60 s): $term_rc"
    line=$(grep -o "stopping: .*" "$dir/server.log" | tail -n 1)
    note "term: $line"
    wait_agents "$dir" "$n" 300
    check_agents "$dir" "$spool" $(names d "$n") > "$dir/check"; read -r same resumed over < "$dir/check"
    echo "| b. SIGTERM during $n agent uploads, shutdown.drain=60s (default), no restart | $n uploads; server: \"${line% (incomplete, resumable)}\" | $same complete, byte-identical (exit status 0) | $((n - same)) | $resumed resumes |" >> "$results"
}

# ---- c. idle connections and slow senders during a big upload ------------------------------
heap_mib() { metrics | awk '/^jvm_memory_used_bytes\{area="heap"/ { s += $NF } END { printf "%d\n", s / 1048576 }'; }
fds() { ls "/proc/$server_pid/fd" | wc -l; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
# sampler FILE: "heap fds" every 0.5 s while FILE exists; prints the peaks
sampler() {
    local h=0 f=0 x y
    while [ -e "$1" ]; do
        x=$(heap_mib || echo 0); y=$(fds)
        [ "$x" -gt "$h" ] && h=$x; [ "$y" -gt "$f" ] && f=$y
        sleep 0.5
    done
    echo "$h $f"
}
part_load() {
    local dir=$work/load spool=$work/load/spool stream=$streams/$LOAD_STREAM.flat oracle=$streams/$LOAD_STREAM.dump
    local size r kind t0 t1 c0 c1 code peaks ready endl base_fds
    size=$(stat -c %s "$stream")
    note "load: $LOAD_IDLE idle + $LOAD_SLOW slow connections per port, $LOAD_PAIRS pairs of $LOAD_STREAM uploads"
    # a real OpenSSH client's key, as RHEL's kdump would use it (host "rhel")
    mkdir -p "$dir"
    ssh-keygen -q -t ed25519 -N '' -f "$dir/ssh_id"
    "$java" -jar "$jar" keys add rhel "$dir/ssh_id.pub" --state "$dir/state" > /dev/null
    SSH_PORT=$ssh_port start_server "$dir" --set limits.max-connections=$(( 4 * (LOAD_IDLE + LOAD_SLOW) + 100 ))
    echo "[127.0.0.1]:$ssh_port $(ssh-keygen -y -f "$dir/state/ssh_host_ecdsa_key")" > "$dir/known_hosts"
    # untimed warm-up: the JIT compiles the path the timed uploads take
    for r in $(seq "$LOAD_WARMUPS"); do
        upload_big "warm$r" > /dev/null; find "$spool/big" -name vmcore -exec truncate -s 0 {} +
    done
    sleep 2; base_fds=$(fds)
    : > "$dir/rounds"
    local order
    for r in $(seq "$LOAD_PAIRS"); do
        # ABBA: the second round of a pair profits from the first (JIT, page cache): each kind goes first in turn
        order="unloaded loaded"; [ $((r % 2)) = 0 ] && order="loaded unloaded"
        for kind in $order; do
            ready="-" endl="-"
            touch "$dir/sampling"; sampler "$dir/sampling" > "$dir/peaks" &
            local sp=$!
            if [ "$kind" = loaded ]; then
                "$py" "$here/bench/idle-load.py" "$LOAD_IDLE" "$LOAD_SLOW" "$LOAD_INTERVAL" "$streams/$AGENT_STREAM.flat" \
                    "tcp:$tcp_port" "http:$http_port" "ssh:$ssh_port" > "$dir/load.out" 2> "$dir/load.err" &
                load_pid=$!
                for _ in $(seq 1200); do grep -q '^ready' "$dir/load.out" && break; sleep 0.1; done
                grep -q '^ready' "$dir/load.out" || fail "load: connections not open within 120 s: $(tail -n 3 "$dir/load.err")"
                ready=$(awk '/^ready/ { print $2 }' "$dir/load.out")
                sleep "$((2 * ${LOAD_INTERVAL%.*} + 1))"   # the slow senders have started
            fi
            sync
            c0=$(cpu_ticks); t0=$(date +%s.%N)
            code=$(upload_big "r$r-$kind")
            t1=$(date +%s.%N); c1=$(cpu_ticks)
            [ "$code" = 201 ] || fail "load: the $kind upload r$r was answered $code ($(cat "$dir/answer"))"
            local d; d=$(dump_by_id "$spool" big "r$r-$kind")
            cmp -s "$d/vmcore" "$oracle" || fail "load: $d/vmcore ($kind, round $r) differs from makedumpfile -R"
            truncate -s 0 "$d/vmcore"
            # beside it, still under the load: a real OpenSSH upload and an agent-protocol one
            local s0 s1 s2; s0=$(date +%s.%N)
            side_ssh "$dir" "$spool" "$r$kind"
            s1=$(date +%s.%N)
            side_tcp "$spool" "r$r-$kind"
            s2=$(date +%s.%N)
            rm -f "$dir/sampling"; wait "$sp"; peaks=$(cat "$dir/peaks")
            local open_fds; open_fds=$(fds)
            if [ "$kind" = loaded ]; then
                kill -TERM "$load_pid"; wait "$load_pid" || true; load_pid=
                endl=$(awk '/^end/ { print $2 "/" $3 "/" $4 }' "$dir/load.out")
            fi
            echo "$kind $r $t0 $t1 $((c1 - c0)) $peaks $open_fds $ready $endl $(secs "$s0" "$s1") $(secs "$s1" "$s2")" >> "$dir/rounds"
            note "load: round $r $kind: $(awk -v s="$size" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f MB/s", s / (b - a) / 1e6 }'), cpu $((c1 - c0)) ticks, peaks heap/fds $peaks, fds at the end $open_fds, connections $ready, end open/closed/slow bytes $endl, ssh/tcp side uploads $(secs "$s0" "$s1")/$(secs "$s1" "$s2") s"
        done
    done
    sleep 3
    local after_fds; after_fds=$(fds)
    local heap_after; heap_after=$(heap_mib)
    term
    "$py" - "$dir/rounds" "$size" "$base_fds" "$after_fds" "$LOAD_IDLE" "$LOAD_SLOW" "$LOAD_STREAM" "$LOAD_PAIRS" "$LOAD_INTERVAL" >> "$results" <<'PY'
import statistics, sys
rounds, size, base, after, idle, slow, stream, pairs, interval = sys.argv[1:]
rows = [l.split() for l in open(rounds)]
rate = lambda r: int(size) / (float(r[3]) - float(r[2])) / 1e6
un = [rate(r) for r in rows if r[0] == "unloaded"]
lo = [rate(r) for r in rows if r[0] == "loaded"]
ratios = [l / u for u, l in zip(un, lo)]
cpu = lambda k: statistics.median(int(r[4]) / 100 for r in rows if r[0] == k)
peak = lambda k, i: max(int(r[i]) for r in rows if r[0] == k)
opened = max(int(r[8]) for r in rows if r[0] == "loaded")
ends = [r[9] for r in rows if r[0] == "loaded"]
side = lambda k, i: statistics.median(float(r[i]) for r in rows if r[0] == k)
print(f"| c. {idle} idle + {slow} slow (1 byte / {interval} s) connections on each of the 3 ports during a {int(size) / 1048576:.0f} MiB upload ({stream}, curl), {pairs} unloaded/loaded pairs (ABBA order) "
      f"| {len(rows)} uploads ({len(lo)} loaded), {opened} connections opened per loaded round "
      f"| {len(rows)} complete, byte-identical, and {len(rows)} OpenSSH + {len(rows)} busybox nc uploads of 16 MiB after each (half under the load), all identical; loaded/unloaded speed {statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f}): "
      f"{statistics.median(lo):.0f} MB/s ({min(lo):.0f}-{max(lo):.0f}) vs {statistics.median(un):.0f} MB/s ({min(un):.0f}-{max(un):.0f}) "
      f"| 0 | peak heap {peak('loaded', 5)} MiB loaded vs {peak('unloaded', 5)} MiB unloaded (-Xmx512m); peak open fds {peak('loaded', 6)} loaded vs {peak('unloaded', 6)} unloaded, "
      f"{base} before the rounds and {after} after them; server CPU during the upload {cpu('loaded'):.2f} s loaded vs {cpu('unloaded'):.2f} s unloaded (medians); "
      f"load connections still open/closed by the server/slow bytes sent at the end of each loaded round: {' '.join(ends)}; "
      f"the 16 MiB uploads after the big one, loaded vs unloaded (medians): OpenSSH mkdir+dd+mv {side('loaded', 10):.1f} s vs {side('unloaded', 10):.1f} s, nc {side('loaded', 11):.1f} s vs {side('unloaded', 11):.1f} s |")
PY
}
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# side_ssh DIR SPOOL N: RHEL's kdump over the real OpenSSH client (mkdir, dd into vmcore-incomplete,
# mv to vmcore.flat) as host rhel; the stored vmcore must equal makedumpfile -R of the stream
side_ssh() {
    local dir=$1 spool=$2 t i
    t=127.0.0.1-2026-12-07-00:00:$(printf %02d $(( $(ls "$spool/rhel" 2>/dev/null | wc -l) + 1 )))
    local o=(-F none -p "$ssh_port" -i "$dir/ssh_id" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes
             -o UserKnownHostsFile="$dir/known_hosts" -o LogLevel=ERROR -o ConnectTimeout=60)
    { ssh "${o[@]}" root@127.0.0.1 "mkdir -p /var/crash/$t" < /dev/null &&
      ssh "${o[@]}" root@127.0.0.1 "dd bs=512 of=/var/crash/$t/vmcore-incomplete" < "$streams/$SIDE_STREAM.flat" &&
      ssh "${o[@]}" root@127.0.0.1 "mv /var/crash/$t/vmcore-incomplete /var/crash/$t/vmcore.flat" < /dev/null
    } > "$dir/ssh.out" 2> "$dir/ssh.err" || fail "load: OpenSSH upload $3 failed: $(tail -n 3 "$dir/ssh.err")"
    for i in $(seq 100); do
        [ "$(jq -r .state "$spool/rhel/$t/manifest.json" 2>/dev/null)" = complete ] && break
        sleep 0.1
    done
    cmp -s "$spool/rhel/$t/vmcore" "$streams/$SIDE_STREAM.dump" \
        || fail "load: OpenSSH upload $3: $spool/rhel/$t: $(jq -c '{state,problem}' "$spool/rhel/$t/manifest.json" 2>&1)"
}
# side_tcp SPOOL ID: the agent's TCP protocol from busybox nc, host tcpside; checked as above
side_tcp() {
    local reply d
    reply=$({ echo "VMCORED/1 PUT host=tcpside dump=$2 offset=0 level=31 compress=zlib"; cat "$streams/$SIDE_STREAM.flat"; } |
        busybox nc 127.0.0.1 "$tcp_port" | head -n 1)
    case "$reply" in "DONE "*state=complete*) ;; *) fail "load: nc upload $2 answered: $reply" ;; esac
    d=$(dump_by_id "$1" tcpside "$2")
    cmp -s "$d/vmcore" "$streams/$SIDE_STREAM.dump" || fail "load: nc upload $2: $d/vmcore differs from makedumpfile -R"
}
# upload_big NAME: curl -T of the big stream as host "big", dump NAME; prints the HTTP status
upload_big() {
    curl -sS -H "Expect:" -T "$streams/$LOAD_STREAM.flat" -o "$work/load/answer" -w '%{http_code}' \
        "http://127.0.0.1:$http_port/api/v1/dumps/big?dump=$1&level=0&compress=none"
}

# ---- d. disk full during uploads -----------------------------------------------------------
part_diskfull() {
    if [ "$(id -u)" != 0 ]; then
        [ "${VMCORED_REQUIRE_ALL:-}" = 1 ] && fail "diskfull needs root to mount a tmpfs (VMCORED_REQUIRE_ALL=1)"
        note "diskfull: SKIPPED, needs root to mount a small tmpfs as the spool"
        echo "| d. disk full during uploads | skipped: not root | | | |" >> "$results"
        return 0
    fi
    local mode
    for mode in $DISK_MODES; do
        diskfull_run "$mode"
    done
}
diskfull_run() {
    local minfree=$1 dir=$work/diskfull-$1 n=$DISK_UPLOADS i name pids="" small=$streams/kdump-zlib-d31 big=$streams/kdump-none-d31
    mkdir -p "$dir/spool" "$dir/up"
    mount -t tmpfs -o size=192m,mode=0700 tmpfs "$dir/spool" || fail "mount of a tmpfs at $dir/spool"
    mounted=$dir/spool
    note "diskfull: spool.min-free=$minfree, $n uploads onto a 192 MiB tmpfs"
    MIN_FREE=$minfree start_server "$dir"
    # dumps stored before the disk fills: their bytes must not change
    for i in 1 2 3 4; do
        [ "$(curl -sS -H "Expect:" -T "$small.flat" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/api/v1/dumps/before?dump=b$i")" = 201 ] \
            || fail "diskfull: dump b$i before the disk filled was not stored"
    done
    sleep 2   # checksums and syncs of those four
    find "$dir/spool/before" -type f -name vmcore -exec sha256sum {} + | sort > "$dir/before.sha"
    # 16 uploads at once: odd ones busybox nc with the handshake, even ones curl
    for i in $(seq "$n"); do
        if [ $((i % 2)) = 1 ]; then
            ( rc=0; { echo "VMCORED/1 PUT host=full$i dump=f$i offset=0 level=31 compress=none"; cat "$big.flat"; } |
                busybox nc 127.0.0.1 "$tcp_port" > "$dir/up/$i.reply" 2> "$dir/up/$i.err" || rc=$?; echo "$rc" > "$dir/up/$i.rc" ) &
        else
            ( rc=0; curl -sS -H "Expect:" -T "$big.flat" -o "$dir/up/$i.reply" -w '%{http_code}' \
                "http://127.0.0.1:$http_port/api/v1/dumps/full$i?dump=f$i" > "$dir/up/$i.code" 2> "$dir/up/$i.err" || rc=$?; echo "$rc" > "$dir/up/$i.rc" ) &
        fi
        pids="$pids $!"
    done
    for p in $pids; do wait "$p"; done
    local stored=0 refused=0 incomplete=0 i reply d state
    sleep 2   # manifests of the cut uploads reach the disk
    for i in $(seq "$n"); do
        d=$(dump_dirs "$dir/spool" "full$i" | head -n 1)
        state=none; [ -n "$d" ] && state=$(jq -r .state "$d/manifest.json")
        if [ $((i % 2)) = 1 ]; then
            reply=$(head -n 1 "$dir/up/$i.reply")
            case "$reply" in
                "DONE "*state=complete*) cmp -s "$d/vmcore" "$big.dump" || fail "diskfull: full$i answered complete but differs"; stored=$((stored + 1)) ;;
                "REFUSED "*reason=*) refused=$((refused + 1)) ;;
                "FAIL "*reason=*|"DONE "*state=incomplete*)
                    [ "$state" = incomplete ] && [ "$(jq -r .problem "$d/manifest.json")" != null ] \
                        || fail "diskfull: full$i: '$reply' but its manifest says $state"
                    incomplete=$((incomplete + 1)) ;;
                *) fail "diskfull: upload full$i (nc) got no answer with a reason: '$reply' (nc exit $(cat "$dir/up/$i.rc"): $(cat "$dir/up/$i.err"))" ;;
            esac
        else
            local code; code=$(cat "$dir/up/$i.code")
            case "$code" in
                201) cmp -s "$d/vmcore" "$big.dump" || fail "diskfull: full$i answered 201 but differs"; stored=$((stored + 1)) ;;
                507|409|422|4??|5??)
                    jq -e '.error // .problem' "$dir/up/$i.reply" > /dev/null || fail "diskfull: full$i: $code without a reason: $(cat "$dir/up/$i.reply")"
                    if [ "$state" = none ]; then refused=$((refused + 1)); else
                        [ "$state" = incomplete ] || fail "diskfull: full$i: HTTP $code but its manifest says $state"
                        incomplete=$((incomplete + 1)); fi ;;
                *) fail "diskfull: upload full$i (curl) got no answer with a reason: HTTP '$code' $(cat "$dir/up/$i.reply" 2>/dev/null)" ;;
            esac
        fi
    done
    [ "$(curl -sf "http://127.0.0.1:$http_port/healthz")" = ok ] || fail "diskfull: the server stopped serving"
    find "$dir/spool/before" -type f -name vmcore -exec sha256sum {} + | sort | cmp -s - "$dir/before.sha" \
        || fail "diskfull: a dump stored before the disk filled changed"
    term
    MIN_FREE=$minfree start_server "$dir"   # and as a restarted server sees them
    local intact=0
    for d in $(dump_dirs "$dir/spool" before); do
        [ "$(jq -r .state "$d/manifest.json")" = complete ] && cmp -s "$d/vmcore" "$small.dump" && intact=$((intact + 1))
    done
    [ "$intact" = 4 ] || fail "diskfull: $intact of 4 earlier dumps intact after the restart"
    term
    umount "$dir/spool"; mounted=
    local how="the writes hit ENOSPC"; [ "$minfree" != 1 ] && how="the watermark refuses or stops them"
    echo "| d. 192 MiB spool full during $n uploads of 58 MiB ($((n - n / 2)) nc, $((n / 2)) curl), spool.min-free=$minfree ($how) | $n uploads | $stored stored complete and byte-identical, $refused refused with a reason, $incomplete incomplete with a reason (reply and manifest) | 0 | 4 dumps stored before: sha256 unchanged, complete and identical after a restart; server kept serving |" >> "$results"
}

for p in $parts; do
    case "$p" in
        kill) part_kill ;; term) part_term ;; load) part_load ;; diskfull) part_diskfull ;;
        *) fail "unknown part $p (kill, term, load, diskfull)" ;;
    esac
done
echo "| figure | tried | survived | lost | details |"
echo "|---|---|---|---|---|"
cat "$results"
keep=0
