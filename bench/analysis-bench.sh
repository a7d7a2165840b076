#!/bin/bash
# Benchmark (not a test): crash analysis inside the running server.
# One `vmcored serve` receives STREAM over TCP (nc) RUNS times with analysis on, then a
# second server RUNS times with analysis.enabled=false. Per upload: ingest time (nc start to
# the server's reply: received and rearranged into the page cache, docs/server.md
# "Durability"), the server's CPU from nc start until the dump is synced (and, with analysis
# on, analysed), the analysis time the server logged (kernel log extraction + dmesg.txt + crash
# summary, on its own thread after the upload ended) and the CPU of its analysis thread, and
# `makedumpfile --dump-dmesg` of the stored dump as a whole process. Medians with min-max.
# Checks, after each upload's clocks stopped: the stored dump equals the oracle (makedumpfile -R
# of the stream) and dmesg.txt equals makedumpfile --dump-dmesg of it, byte for byte; a
# difference ends the script with exit 1 and a line naming the dump.
# Last, bench/DmesgWarm.java times extraction + crash summary of the oracle in a warm JVM
# (what the analysis thread costs without the file write), next to makedumpfile.
# Usage: bench/analysis-bench.sh [STREAM] [RUNS]
#   STREAM defaults to $VMCORED_FIXTURES/streams/elf-d0.flat (553 MB, ELF -d 0), RUNS to 3.
#   SHORT=1: a smoke test (streams/elf-d31.flat, 1 upload per mode), under a minute.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
if [ -n "${SHORT:-}" ]; then
    stream=${1:-$fixtures/streams/elf-d31.flat}; runs=${2:-1}; warm_runs=5
else
    stream=${1:-$fixtures/streams/elf-d0.flat}; runs=${2:-3}; warm_runs=20
fi
[ -f "$stream" ] || { echo "no stream at $stream: run fixtures/make-fixtures.sh" >&2; exit 1; }
command -v nc >/dev/null && command -v makedumpfile >/dev/null || { echo "needs nc and makedumpfile" >&2; exit 1; }
mkdir -p "${BENCH_WORK:-$here/bench/work}"
work=$(mktemp -d "${BENCH_WORK:-$here/bench/work}/analysis.XXXXXX")
"$here/vmcored" --version >/dev/null            # build the jar if stale
tcp_port=25755 http_port=28180
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
now() { date +%s.%N; }
fail() { echo "analysis-bench: $*" >&2; exit 1; }

start_server() {   # $1 = analysis.enabled
    rm -rf "$work/spool"
    "$here/vmcored" serve --ingest-port $tcp_port --http-port $http_port --ssh-port -1 --spool "$work/spool" \
        --state "$work/state" --set spool.min-free=1G --set analysis.enabled="$1" > "$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null && return; sleep 0.1; done
    fail "vmcored did not start: $(tail -3 "$work/server.log")"
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }
analyses() { grep -c ' analysis host=' "$work/server.log" || true; }
# ticks (1/100 s) of the whole server, and of its analysis thread(s)
server_ticks() { cut -d')' -f2 "/proc/$server_pid/stat" | awk '{ print $12 + $13 }'; }
analysis_ticks() {
    local t s=0
    for t in /proc/"$server_pid"/task/*; do
        grep -q '^vmcored-analysi' "$t/comm" 2>/dev/null && s=$((s + $(cut -d')' -f2 "$t/stat" | awk '{ print $12 + $13 }')))
    done
    echo "$s"
}

oracle=${stream%.flat}.dump   # the fixture's makedumpfile -R output, else made here (untimed)
[ -f "$oracle" ] || { oracle=$work/oracle.dump; makedumpfile -R "$oracle" < "$stream" > /dev/null; }
cat "$stream" > /dev/null                      # page cache: time the server, not the fixture disk
size=$(stat -c %s "$stream")
echo "stream: $stream ($((size / 1048576)) MiB), $runs uploads per mode, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$work/results"
for mode in true false; do
    start_server "$mode"
    for i in $(seq "$runs"); do
        c0=$(server_ticks); a0=$(analysis_ticks)
        t0=$(now); nc -N 127.0.0.1 $tcp_port < "$stream" > /dev/null; t1=$(now)
        ingest=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        dir=$(dirname "$(find "$work/spool" -name vmcore | sed -n 1p)")
        [ "$dir" != . ] || fail "upload $i (analysis $mode): no dump stored under $work/spool"
        for _ in $(seq 600); do grep -q '"synced"' "$dir/manifest.json" 2>/dev/null && break; sleep 0.1; done
        if [ "$mode" = true ]; then
            for _ in $(seq 600); do [ "$(analyses)" -ge "$i" ] && break; sleep 0.1; done
            ms=$(grep ' analysis host=' "$work/server.log" | sed -n "${i}p" | grep -o ' millis=[0-9]*' | cut -d= -f2)
        fi
        c1=$(server_ticks); a1=$(analysis_ticks)
        cmp -s "$dir/vmcore" "$oracle" || fail "upload $i (analysis $mode): $dir/vmcore differs from makedumpfile -R's output $oracle"
        if [ "$mode" = true ]; then
            m0=$(now); makedumpfile --dump-dmesg "$dir/vmcore" "$work/mdf.txt" > /dev/null 2>&1; m1=$(now)
            cmp -s "$work/mdf.txt" "$dir/dmesg.txt" || fail "upload $i: $dir/dmesg.txt differs from makedumpfile --dump-dmesg of $dir/vmcore"
            awk -v i="$i" -v g="$ingest" -v ms="$ms" -v a="$m0" -v b="$m1" -v c="$((c1 - c0))" -v an="$((a1 - a0))" 'BEGIN {
                printf "analysis on  upload %d: ingest %s s | server CPU %.2f s | analysis %.3f s, its thread CPU %.2f s | makedumpfile --dump-dmesg %.3f s | dump and dmesg.txt identical\n",
                    i, g, c / 100, ms / 1000, an / 100, b - a }'
            echo "on $ingest $((c1 - c0)) $ms $((a1 - a0)) $(awk -v a="$m0" -v b="$m1" 'BEGIN { print b - a }')" >> "$work/results"
            rm -f "$work/mdf.txt"
        else
            echo "analysis off upload $i: ingest $ingest s | server CPU $(awk -v c="$((c1 - c0))" 'BEGIN { printf "%.2f", c / 100 }') s | dump identical"
            echo "off $ingest $((c1 - c0))" >> "$work/results"
        fi
        rm -f "$dir/vmcore"     # keep the disk use to one dump
    done
    stop_server
done
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def spread(xs, f="{:.3f}"):
    return f"{f.format(statistics.median(xs))} ({f.format(min(xs))}-{f.format(max(xs))})"
for mode in ("on", "off"):
    r = [x[1:] for x in rows if x[0] == mode]
    line = f"analysis {mode:3s} median (min-max) of {len(r)}: ingest {spread([float(x[0]) for x in r])} s, " \
           f"server CPU {spread([int(x[1]) / 100 for x in r], '{:.2f}')} s"
    if mode == "on":
        line += f", analysis {spread([int(x[2]) / 1000 for x in r])} s, its thread CPU " \
                f"{spread([int(x[3]) / 100 for x in r], '{:.2f}')} s, makedumpfile --dump-dmesg {spread([float(x[4]) for x in r])} s"
    print(line)
PY
# the same work in a warm JVM without the server around it (no dmesg.txt write, no fsync)
echo "$oracle: $(java -cp "$here/server/target/vmcored.jar" "$here/bench/DmesgWarm.java" "$oracle" "$warm_runs")"
: > "$work/mdf.times"
for _ in 1 2 3 4 5; do
    m0=$(now); makedumpfile --dump-dmesg "$oracle" "$work/mdf.txt" > /dev/null 2>&1; m1=$(now); rm -f "$work/mdf.txt"
    awk -v a="$m0" -v b="$m1" 'BEGIN { print (b - a) * 1000 }' >> "$work/mdf.times"
done
sort -n "$work/mdf.times" | awk -v d="$oracle" '{ t[NR] = $1 } END { printf "%s: makedumpfile --dump-dmesg (whole process), median of 5: %.1f ms (%.1f-%.1f)\n", d, t[3], t[1], t[5] }'
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
