#!/bin/bash
# Benchmark (not a test): TCP ingest of real flattened streams over loopback, 1, 16 and
# 128 concurrent senders, into vmcored (one server, -Xmx512m) and into the same number of
# `socat TCP-LISTEN | makedumpfile -R` pipelines, in one run. A round ends when every dump
# is stored (vmcored: its /metrics count them complete; pipelines: all makedumpfile exited).
# Senders (SENDER): `sendfile` (default) is bench/send-streams.py, one process that opens all
#   N connections first and feeds them with sendfile(2) from the page cache; `socat` is N
#   `socat -u -b 1048576 FILE:stream TCP:...` processes. Why sendfile by default: the
#   senders share the 2 cores with the receivers, and 128 socat processes (a read and a
#   write copy per byte, forked inside the timed window) cost so much that "128 socat ->
#   socat > file" ran at a third of one socat's rate; and a real dump arrives from a NIC,
#   cold in memory, as sendfile's pages do, not freshly copied by a process on the next
#   core. Both senders are kept: SENDER=socat reproduces the earlier rows.
# vmcored is measured as the long-running daemon it is: each round's server first takes
# WARM_SINGLE (default 5) untimed uploads of SINGLE_STREAM (their files emptied at once),
# WARMUP (default 30) of MULTI_STREAM one after the other, then WARM_PARALLEL_ROUNDS (default
# 3) rounds of WARM_PARALLEL (default 128) at once, so its JIT has compiled the ingest path
# for every shape it is timed on (three rounds: see the JIT's long tail below). Why five:
# with -XX:+PrintCompilation, six uploads of the 2 GB stream in a row caused 1785, 290, 237,
# 130, 121 and 54 compilations and took 1.53, 1.40, 1.29, 1.25, 1.02 and 0.88 s (C2 at
# 12-16% of the CPU until then; on 2 cores its queue drains slowly); the small compressed
# streams never take the paths of its records. The `sync` before each timed run writes the warm-up
# dumps out, so no writeback of theirs runs during it. After the warm-ups the script waits
# until the server is idle (at most 2% of a core over a second, usually 1-2 s): the crash
# analysis, checksums and compilations the warm-ups queued finish before the timed run.
# The JIT is not done after one parallel round: five rounds of 128 uploads in a row, each
# after the server went idle, caused about 700, 380, 330, 210 and 210 compilations (a long
# tail of different methods) and took 1.49, 1.48, 1.35, 1.30 and 1.24 s. Completion is read from its /metrics (vmcored_uploads_finished_total
# {outcome="complete"}), what a dashboard watches. Every timed run is preceded by an
# untimed copy of the single stream into a file and its truncation: on this VM a run right
# after another tool's 2 GB file was deleted is 1.5-3x slower (the host takes freed memory
# back), whichever tool it is. Every sender count runs ROUNDS (default 3) rounds, interleaved
# (round 1 of 1, 16, 128, then round 2 ...), and medians are compared: one round of 128 moved
# between 80% and 97% of the single stream's rate within an hour, and the machine's own
# ceiling drifted from 2.5 to 1.3 GB/s within one run.
# No file is deleted until the script exits: files are truncated to nothing instead (their
# data and page cache go, their inodes stay) and every round writes into a directory of its
# own. On ext4 without a journal (this VM's disk) every inode allocation skips over each
# inode freed in the last 60-300 s (ialloc.c's "recently deleted" check), so deleting a
# round's spool (thousands of files) made the next rounds' file and directory creations
# cost 5-10% of all samples of a 128-upload round, more the more had been deleted; without
# deletions the file threads of 128 uploads spend what one upload's do. The previous run's
# clean-up (rm at exit) is such a deletion too: a run that starts within five minutes of
# it waits until they are five minutes old (tcp-cleaned-at beside the work directory).
# Usage: bench/tcp-bench.sh [SINGLE_STREAM] [MULTI_STREAM] [COUNTS]
#   SINGLE_STREAM (1 sender): $VMCORED_FIXTURES/bench/big.flat (fixtures/make-bench-stream.sh)
#   MULTI_STREAM (16/128 senders): $VMCORED_FIXTURES/streams/kdump-zlib-d31.flat (16 MiB: 128 of
#     them are about as many bytes as the single stream, so both rounds write the same amount
#     into the page cache; 128 x 57 MiB = 7.4 GB passes the kernel's dirty-page limits and
#     measures the disk instead)
#   COUNTS: "1 16 128". Needs about 128 x MULTI_STREAM of free disk under bench/work.
#   THREADS=1 also prints, for each timed window, vmcored's CPU ticks per server thread group
#     and the pipelines' CPU (socat + makedumpfile -R, reaped; with the sendfile sender only).
#   SHORT=1: a smoke test (streams/kdump-lzo-d31.flat alone, then 16 x kdump-zlib-d31, one
#     round, few warm-ups, no wait for an earlier run's deletions), under a minute.
# Every dump stored in a timed round (each vmcored upload, each pipeline's output) is compared
# with the oracle (makedumpfile -R of the stream) after the round's clock stopped; a difference,
# or a missing dump, ends the script with exit 1 and a line naming the dump.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
if [ -n "${SHORT:-}" ]; then
    single=${1:-$fixtures/streams/kdump-lzo-d31.flat}; counts=${3:-1 16}
    ROUNDS=${ROUNDS:-1} WARMUP=${WARMUP:-0} WARM_SINGLE=${WARM_SINGLE:-1}
    WARM_PARALLEL=${WARM_PARALLEL:-16} WARM_PARALLEL_ROUNDS=${WARM_PARALLEL_ROUNDS:-1}
else
    single=${1:-$fixtures/bench/big.flat}; counts=${3:-1 16 128}
fi
multi=${2:-$fixtures/streams/kdump-zlib-d31.flat}
work=${BENCH_WORK:-$here/bench/work}/tcp
SOCAT_BLOCK=${SOCAT_BLOCK:-1048576}
WARMUP=${WARMUP:-30}
ROUNDS=${ROUNDS:-${SINGLE_ROUNDS:-3}}   # SINGLE_ROUNDS: the older name
for f in "$single" "$multi"; do
    [ -f "$f" ] || { echo "no stream at $f: run fixtures/make-fixtures.sh and fixtures/make-bench-stream.sh" >&2; exit 1; }
done
command -v socat >/dev/null && command -v makedumpfile >/dev/null || { echo "needs socat and makedumpfile" >&2; exit 1; }
cleaned_at=$(dirname "$work")/tcp-cleaned-at
rm -rf "$work"; mkdir -p "$work"
if [ -f "$cleaned_at" ] && [ -z "${SHORT:-}" ]; then   # see the header
    wait_s=$(( $(cat "$cleaned_at") + 300 - $(date +%s) ))
    [ "$wait_s" -gt 0 ] && { echo "waiting ${wait_s} s: the previous run's files were deleted less than 5 minutes ago" >&2; sleep "$wait_s"; }
fi
"$here/vmcored" --version >/dev/null            # build the jar if stale
SENDER=${SENDER:-sendfile}
WARM_PARALLEL=${WARM_PARALLEL:-128}
WARM_PARALLEL_ROUNDS=${WARM_PARALLEL_ROUNDS:-3}
WARM_SINGLE=${WARM_SINGLE:-5}
tcp_port=25555 http_port=28080 base_port=30000
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; date +%s > "$cleaned_at"; }
trap cleanup EXIT
now() { date +%s.%N; }
# the oracle of a stream: makedumpfile -R of it (the fixture's .dump, else made once, untimed)
oracle_of() {
    local o=${1%.flat}.dump
    [ -f "$o" ] || { o=$work/$(basename "${1%.flat}").oracle; [ -f "$o" ] || makedumpfile -R "$o" < "$1" > /dev/null 2>&1; }
    echo "$o"
}
# check_dumps ORACLE N WHAT FILE...: exit 1 naming the first dump that differs, or if not N dumps
check_dumps() {
    local oracle=$1 n=$2 what=$3 f; shift 3
    [ $# = "$n" ] || { echo "tcp-bench: $what: $n uploads stored $# dumps" >&2; exit 1; }
    for f in "$@"; do
        cmp -s "$f" "$oracle" || { echo "tcp-bench: $what: $f differs from makedumpfile -R's output $oracle" >&2; exit 1; }
    done
}

# N senders of STREAM to PORT (or, with per-sender, sender i to PORT + i); returns when all have sent
send_all() {
    local n=$1 stream=$2 port=$3 per=${4:-} pids= i p
    if [ "$SENDER" = socat ]; then
        for i in $(seq "$n"); do
            p=$port; [ -n "$per" ] && p=$((port + i))
            socat -u -b $SOCAT_BLOCK "FILE:$stream" "TCP:127.0.0.1:$p" & pids="$pids $!"
        done
        for p in $pids; do wait "$p"; done
    else
        # SEND_TIME=FILE: the sender's own user and system seconds go there (to subtract them)
        ${SEND_TIME:+/usr/bin/time -o "$SEND_TIME" -f '%U %S'} \
            "$here/bench/send-streams.py" "$stream" 127.0.0.1 "$port" "$n" ${per:+--port-per-sender} > /dev/null
    fi
}

# frees the data of every file under the given paths but not their inodes (see the header)
drop_files() { find "$@" -type f -size +0 -exec truncate -s 0 {} + 2>/dev/null || true; }
drop_dumps() { drop_files "$spool"/*/*/vmcore; }   # the dump files only: the server may still save manifests
start_server() {
    spool=$work/spool.$BASHPID   # a directory per server (run_vmcored runs in a subshell of its own)
    VMCORED_JAVA_OPTS="-Xmx512m" "$here/vmcored" serve --ingest-port $tcp_port --http-port $http_port --ssh-port -1 \
        --spool "$spool" --state "$work/state" --set spool.min-free=1G > "$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null && return; sleep 0.1; done
    echo "vmcored did not start: $(tail -3 "$work/server.log")" >&2; exit 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; sleep 0.2; }
complete_count() {
    curl -sf "http://127.0.0.1:$http_port/metrics" |
        awk '/^vmcored_uploads_finished_total.*outcome="complete"/ { s += $2 } END { print int(s) }'
}
settle() { cat "$single" > "$work/settle"; truncate -s 0 "$work/settle"; sync; }
server_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }   # utime + stime, 1/100 s
reaped_ticks() { cut -d')' -f2 "/proc/$1/stat" | awk '{ print $14 + $15 }'; }   # cutime + cstime of process $1
# "thread-group user system" ticks of every server thread group (event loop, file, sync, C2 ...)
thread_ticks() {
    for t in /proc/"$server_pid"/task/*; do
        printf '%s %s\n' "$(tr ' ' _ < "$t/comm" 2>/dev/null)" "$(cut -d')' -f2 "$t/stat" 2>/dev/null | awk '{ print $12, $13 }')"
    done | awk 'NF == 3 { n = $1; sub(/-[0-9]+$/, "", n); u[n] += $2; s[n] += $3 } END { for (k in u) print k, u[k], s[k] }' | sort
}
# returns once the server used at most 2% of a core over a second (at most 60 s)
server_idle() {
    local last now _
    last=$(server_ticks)
    for _ in $(seq 60); do
        sleep 1
        now=$(server_ticks)
        [ $((now - last)) -le 2 ] && return
        last=$now
    done
    echo "  (server still busy after 60 s: timing anyway)" >&2
}
# samples the server's heap, direct buffers and ingest queue every 0.25 s; prints the peaks (MiB)
memory_peaks() {
    local heap=0 direct=0 queued=0
    while [ -e "$work/sampling" ]; do
        read -r h d q < <(curl -sf "http://127.0.0.1:$http_port/metrics" | awk '
            /^jvm_memory_used_bytes\{area="heap"/ { h += $NF }
            /^jvm_buffer_memory_used_bytes\{id="direct"\}/ { d = $2 }
            /^vmcored_ingest_buffered_bytes / { q = $2 }
            END { printf "%d %d %d\n", h / 1048576, d / 1048576, q / 1048576 }') || true
        [ "${h:-0}" -gt "$heap" ] && heap=$h; [ "${d:-0}" -gt "$direct" ] && direct=$d; [ "${q:-0}" -gt "$queued" ] && queued=$q
        sleep 0.25
    done
    echo "$heap/$direct/$queued"
}

warm_single() {
    local done0 i
    done0=$(complete_count)
    for i in $(seq "$WARM_SINGLE"); do
        send_all 1 "$single" "$tcp_port"
        while [ "$(complete_count)" -lt $((done0 + i)) ]; do sleep 0.02; done
        drop_dumps   # 2 GB each: not left to be written back during the timed runs
    done
}
warm_multi() {
    local done0 i
    for _ in $(seq "$WARMUP"); do send_all 1 "$multi" "$tcp_port"; done
    done0=$(complete_count)
    for i in $(seq "$WARM_PARALLEL_ROUNDS"); do
        send_all "$WARM_PARALLEL" "$multi" "$tcp_port"
        while [ "$(complete_count)" -lt $((done0 + i * WARM_PARALLEL)) ]; do sleep 0.02; done
        drop_dumps
    done
}

# vmcored N STREAM -> seconds
run_vmcored() {
    n=$1 stream=$2
    trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null' EXIT
    start_server
    # the shape about to be timed goes last: the JIT's latest profile is then its own
    if [ "$n" = 1 ]; then warm_multi; warm_single; else warm_single; warm_multi; fi
    warm=$((WARM_SINGLE + WARMUP + WARM_PARALLEL * WARM_PARALLEL_ROUNDS))
    while [ "$(complete_count)" -lt "$warm" ]; do sleep 0.02; done
    # empty the warm-up dumps: their fsync and checksum (2 GB of hashing for 128 of them)
    # would otherwise still be running on the server's sync thread during the timed run;
    # then wait for the server to go idle: the JIT compiler, the crash analysis of the
    # warm-up dumps and their syncs all finish before the timed run (see the header)
    drop_dumps; sleep 1
    server_idle
    settle
    cat "$stream" > /dev/null
    touch "$work/sampling"; memory_peaks > "$work/peaks" &
    sampler=$!
    [ -n "${THREADS:-}" ] && thread_ticks > "$work/ticks0"
    t0=$(now)
    send_all "$n" "$stream" "$tcp_port"
    while [ "$(complete_count)" -lt $((n + warm)) ]; do sleep 0.02; done
    t1=$(now)
    if [ -n "${THREADS:-}" ]; then   # THREADS=1: the timed window's CPU per server thread group, on stderr
        thread_ticks | join "$work/ticks0" - | awk -v n="$n" '{ u = $4 - $2; s = $5 - $3; t += u + s; if (u + s > 0) l = l sprintf(" %s %d+%d", $1, u, s) }
            END { print "  vmcored " n ": " t " user+system ticks:" l }' >&2
    fi
    rm -f "$work/sampling"; wait "$sampler"
    # the warm-ups' dumps were emptied before the clock started: the non-empty ones are this round's
    mapfile -t stored < <(find "$spool" -mindepth 3 -maxdepth 3 -name vmcore -size +0)
    check_dumps "$(oracle_of "$stream")" "$n" "vmcored, $n sender(s)" "${stored[@]}"
    stop_server
    drop_files "$spool"
    echo "$t0 $t1 yes $(cat "$work/peaks")"
}

# pipelines N STREAM -> seconds
run_pipelines() {
    n=$1 stream=$2
    local out=$work/mdf.$BASHPID
    mkdir -p "$out"
    cat "$stream" > /dev/null
    pids=
    for i in $(seq "$n"); do
        port=$((base_port + i))
        sh -c "socat -u -b $SOCAT_BLOCK TCP-LISTEN:$port,reuseaddr STDOUT | makedumpfile -R $out/out.$i >/dev/null 2>&1" &
        pids="$pids $!"
    done
    for i in $(seq "$n"); do   # wait until every listener is up
        port=$((base_port + i))
        while ! ss -ltn "sport = :$port" | grep -q LISTEN; do sleep 0.02; done
    done
    settle
    cat "$stream" > /dev/null
    local me=$BASHPID c0 c1; c0=$(reaped_ticks "$me")
    t0=$(now)
    # THREADS=1 only: /usr/bin/time around the sender is one more process in the timed window
    SEND_TIME=${THREADS:+$work/send.time} send_all "$n" "$stream" "$base_port" per-sender
    for p in $pids; do wait "$p"; done
    t1=$(now)
    if [ -n "${THREADS:-}" ]; then   # every pipeline's CPU, reaped by this subshell, less the sender's
        c1=$(reaped_ticks "$me")
        if [ "$SENDER" = socat ]; then
            echo "  pipelines $n: $((c1 - c0)) user+system ticks, senders included" >&2
        else
            awk -v t="$((c1 - c0))" -v n="$n" '{ s = int(($1 + $2) * 100 + 0.5) } END { print "  pipelines " n ": " t - s " user+system ticks (sender " s ")" }' "$work/send.time" >&2
        fi
    fi
    local i outs=()
    for i in $(seq "$n"); do outs+=("$out/out.$i"); done
    check_dumps "$(oracle_of "$stream")" "$n" "socat | makedumpfile -R, $n sender(s)" "${outs[@]}"
    drop_files "$out"
    echo "$t0 $t1 yes"
}

# the machine's ceiling: N x (socat TCP-LISTEN > file), no rearranging at all
run_socat_files() {
    n=$1 stream=$2
    local out=$work/raw.$BASHPID
    mkdir -p "$out"
    pids=
    for i in $(seq "$n"); do
        socat -u -b $SOCAT_BLOCK "TCP-LISTEN:$((base_port + 500 + i)),reuseaddr" "CREATE:$out/out.$i" & pids="$pids $!"
    done
    for i in $(seq "$n"); do
        while ! ss -ltn "sport = :$((base_port + 500 + i))" | grep -q LISTEN; do sleep 0.02; done
    done
    settle
    cat "$stream" > /dev/null
    t0=$(now)
    send_all "$n" "$stream" "$((base_port + 500))" per-sender
    for p in $pids; do wait "$p"; done
    t1=$(now)
    drop_files "$out"
    echo "$t0 $t1"
}

echo "single stream: $single ($(($(stat -c %s "$single") / 1048576)) MiB); multi: $multi ($(($(stat -c %s "$multi") / 1048576)) MiB); $(nproc) cores; $ROUNDS rounds; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# Rounds are interleaved (each round runs every sender count once), so that a drift of the
# host's speed over the minutes of a run falls on all counts alike, not on the last ones.
for r in $(seq "$ROUNDS"); do
    for n in $counts; do
        stream=$multi; [ "$n" = 1 ] && stream=$single
        size=$(stat -c %s "$stream")
        # each in a subshell of its own whose failure (a dump that differs) ends the script
        ( run_socat_files "$n" "$stream" ) > "$work/result"; read -r e f < "$work/result"
        ( run_pipelines "$n" "$stream" ) > "$work/result"; read -r a b s1 < "$work/result"
        ( run_vmcored "$n" "$stream" ) > "$work/result"; read -r c d s2 peaks < "$work/result"
        awk -v n="$n" -v size="$size" -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v e="$e" -v f="$f" -v s="$s1/$s2" -v m="$peaks" 'BEGIN {
            printf "%.0f %.0f %.0f %s %s\n", n * size / (f - e) / 1e6, n * size / (b - a) / 1e6, n * size / (d - c) / 1e6, s, m
        }' >> "$work/rates.$n"
        echo "  round $r, $n sender(s): ceiling/pipeline/vmcored MB/s, identical, peaks: $(tail -n 1 "$work/rates.$n")" >&2
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "MB/s: median of the rounds (min-max); vmcored / pipeline: median (min-max) of the per-round ratios"
printf '| senders | stream MiB each | socat > file MB/s (ceiling) | socat+makedumpfile -R MB/s | vmcored MB/s | vmcored / pipeline | vmcored vs one stream (medians) | dumps checked, all identical | vmcored peak heap/direct/queued MiB |\n|---|---|---|---|---|---|---|---|---|\n'
python3 - "$work" "$multi" "$single" $counts <<'PY'
import os, statistics, sys
work, multi, single, counts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
one = None
for n in counts:
    rows = [l.split() for l in open(f"{work}/rates.{n}")]
    cols = [[float(r[i]) for r in rows] for i in range(3)]
    med = [statistics.median(c) for c in cols]
    if n == "1":
        one = med[2]
    spread = [f"{m:.0f} ({min(c):.0f}-{max(c):.0f})" for m, c in zip(med, cols)]
    ratios = [v / p for p, v in zip(cols[1], cols[2])]
    ratio = f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"
    peak = max((r[4] for r in rows), key=lambda p: int(p.split("/")[0]))
    size = os.path.getsize(single if n == "1" else multi) // 1048576
    vs_one = f"{100 * med[2] / one:.0f}%" if one and n != "1" else "-"
    checked = 2 * int(n) * len(rows)   # every pipeline output and every vmcored dump of every round
    print(f"| {n} ({len(rows)} rounds) | {size} | {spread[0]} | {spread[1]} | {spread[2]} | {ratio} | {vs_one} | {checked} | {peak} |")
PY
