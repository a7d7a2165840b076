#!/bin/bash
# Benchmark (not a test): TCP ingest of real flattened streams over loopback, 1, 16 and
# 128 concurrent senders, into vmcored (one server, -Xmx512m) and into the same number of
# `socat TCP-LISTEN | makedumpfile -R` pipelines, in one run. Every sender is
# `socat -u -b 1048576 FILE:stream TCP:127.0.0.1:PORT` (socat's default 8 KiB block caps one
# sender at 300-480 MB/s here: that would measure socat, not the receivers; the pipelines'
# listening socat gets the same block). A round ends when every dump is stored
# (vmcored: all listed complete by its HTTP API; pipelines: all makedumpfile exited).
# Usage: bench/tcp-bench.sh [SINGLE_STREAM] [MULTI_STREAM] [COUNTS]
#   SINGLE_STREAM (1 sender): $VMCORED_FIXTURES/bench/big.flat (fixtures/make-bench-stream.sh)
#   MULTI_STREAM (16/128 senders): $VMCORED_FIXTURES/streams/kdump-none-d31.flat
#   COUNTS: "1 16 128". Needs about 128 x MULTI_STREAM of free disk under bench/work.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
single=${1:-$fixtures/bench/big.flat}
multi=${2:-$fixtures/streams/kdump-none-d31.flat}
counts=${3:-1 16 128}
work=${BENCH_WORK:-$here/bench/work}/tcp
SOCAT_BLOCK=${SOCAT_BLOCK:-1048576}
for f in "$single" "$multi"; do
    [ -f "$f" ] || { echo "no stream at $f: run fixtures/make-fixtures.sh and fixtures/make-bench-stream.sh" >&2; exit 1; }
done
command -v socat >/dev/null && command -v makedumpfile >/dev/null || { echo "needs socat and makedumpfile" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work"
"$here/vmcored" --version >/dev/null            # build the jar if stale
tcp_port=25555 http_port=28080 base_port=30000
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
now() { date +%s.%N; }

start_server() {
    rm -rf "$work/spool"
    VMCORED_JAVA_OPTS="-Xmx512m" "$here/vmcored" serve --ingest-port $tcp_port --http-port $http_port --ssh-port -1 \
        --spool "$work/spool" --state "$work/state" --set spool.min-free=1G > "$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null && return; sleep 0.1; done
    echo "vmcored did not start: $(tail -3 "$work/server.log")" >&2; exit 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }
complete_count() { curl -sf "http://127.0.0.1:$http_port/api/v1/dumps?state=complete" | grep -c '"id"' || true; }

# vmcored N STREAM -> seconds
run_vmcored() {
    n=$1 stream=$2
    trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null' EXIT
    start_server
    cat "$stream" > /dev/null
    t0=$(now)
    senders=
    for i in $(seq "$n"); do socat -u -b $SOCAT_BLOCK "FILE:$stream" "TCP:127.0.0.1:$tcp_port" & senders="$senders $!"; done
    for p in $senders; do wait "$p"; done
    while [ "$(complete_count)" -lt "$n" ]; do sleep 0.02; done
    t1=$(now)
    one=$(find "$work/spool" -name vmcore -print -quit)
    same=$(cmp -s "$one" "${stream%.flat}.dump" && echo yes || echo NO)
    stop_server
    rm -rf "$work/spool"
    echo "$t0 $t1 $same"
}

# pipelines N STREAM -> seconds
run_pipelines() {
    n=$1 stream=$2
    mkdir -p "$work/mdf"; rm -f "$work/mdf"/*
    cat "$stream" > /dev/null
    pids=
    for i in $(seq "$n"); do
        port=$((base_port + i))
        sh -c "socat -u -b $SOCAT_BLOCK TCP-LISTEN:$port,reuseaddr STDOUT | makedumpfile -R $work/mdf/out.$i >/dev/null 2>&1" &
        pids="$pids $!"
    done
    for i in $(seq "$n"); do   # wait until every listener is up
        port=$((base_port + i))
        while ! ss -ltn "sport = :$port" | grep -q LISTEN; do sleep 0.02; done
    done
    t0=$(now)
    for i in $(seq "$n"); do socat -u -b $SOCAT_BLOCK "FILE:$stream" "TCP:127.0.0.1:$((base_port + i))" & pids="$pids $!"; done
    for p in $pids; do wait "$p"; done
    t1=$(now)
    same=$(cmp -s "$work/mdf/out.1" "${stream%.flat}.dump" && echo yes || echo NO)
    rm -f "$work/mdf"/*
    echo "$t0 $t1 $same"
}

# the machine's ceiling: N x (socat TCP-LISTEN > file), no rearranging at all
run_socat_files() {
    n=$1 stream=$2
    mkdir -p "$work/raw"
    pids=
    for i in $(seq "$n"); do
        socat -u -b $SOCAT_BLOCK "TCP-LISTEN:$((base_port + 500 + i)),reuseaddr" "CREATE:$work/raw/out.$i" & pids="$pids $!"
    done
    for i in $(seq "$n"); do
        while ! ss -ltn "sport = :$((base_port + 500 + i))" | grep -q LISTEN; do sleep 0.02; done
    done
    t0=$(now)
    for i in $(seq "$n"); do socat -u -b $SOCAT_BLOCK "FILE:$stream" "TCP:127.0.0.1:$((base_port + 500 + i))" & pids="$pids $!"; done
    for p in $pids; do wait "$p"; done
    t1=$(now)
    rm -rf "$work/raw"
    echo "$t0 $t1"
}

echo "single stream: $single ($(($(stat -c %s "$single") / 1048576)) MiB); multi: $multi ($(($(stat -c %s "$multi") / 1048576)) MiB); $(nproc) cores"
printf '| senders | stream MiB each | socat > file MB/s (ceiling) | socat+makedumpfile -R MB/s | vmcored MB/s | vmcored / pipeline | identical |\n|---|---|---|---|---|---|---|\n'
for n in $counts; do
    stream=$multi; [ "$n" = 1 ] && stream=$single
    size=$(stat -c %s "$stream")
    read -r e f < <(run_socat_files "$n" "$stream")
    read -r a b s1 < <(run_pipelines "$n" "$stream")
    read -r c d s2 < <(run_vmcored "$n" "$stream")
    awk -v n="$n" -v size="$size" -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v e="$e" -v f="$f" -v s="$s1/$s2" 'BEGIN {
        r = n * size / (f - e) / 1e6; p = n * size / (b - a) / 1e6; v = n * size / (d - c) / 1e6
        printf "| %d | %d | %.0f | %.0f | %.0f | %.2fx | %s |\n", n, size / 1048576, r, p, v, v / p, s
    }'
done
