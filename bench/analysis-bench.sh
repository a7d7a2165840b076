#!/bin/bash
# Benchmark (not a test): crash analysis inside the running server, issue 6 point 5.
# One `vmcored serve` receives STREAM over TCP (nc) RUNS times with analysis on, then a
# second server RUNS times with analysis.enabled=false. Prints per upload: ingest time
# (nc start to the server's reply, i.e. stored and synced), the analysis time the server
# logged (kernel log extraction + dmesg.txt + crash summary, on its own thread after the
# upload ended), and `makedumpfile --dump-dmesg` of the stored dump as a whole process,
# whose output must equal dmesg.txt byte for byte.
# Last, bench/DmesgWarm.java times extraction + crash summary of the matching .dump in a warm
# JVM (what the analysis thread costs without the file write), next to makedumpfile.
# Usage: bench/analysis-bench.sh [STREAM] [RUNS]
#   STREAM defaults to $VMCORED_FIXTURES/streams/elf-d0.flat (553 MB, ELF -d 0), RUNS to 3.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
stream=${1:-$fixtures/streams/elf-d0.flat}
runs=${2:-3}
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

start_server() {   # $1 = analysis.enabled
    rm -rf "$work/spool"
    "$here/vmcored" serve --ingest-port $tcp_port --http-port $http_port --ssh-port -1 --spool "$work/spool" \
        --state "$work/state" --set spool.min-free=1G --set analysis.enabled="$1" > "$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null && return; sleep 0.1; done
    echo "vmcored did not start: $(tail -3 "$work/server.log")" >&2; exit 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }
analyses() { grep -c ' analysis host=' "$work/server.log" || true; }

cat "$stream" > /dev/null                      # page cache: time the server, not the fixture disk
size=$(stat -c %s "$stream")
echo "stream: $stream ($((size / 1048576)) MiB), $runs uploads per mode, $(nproc) cores"
for mode in true false; do
    start_server "$mode"
    for i in $(seq "$runs"); do
        t0=$(now); nc -N 127.0.0.1 $tcp_port < "$stream" > /dev/null; t1=$(now)
        ingest=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        if [ "$mode" = true ]; then
            for _ in $(seq 600); do [ "$(analyses)" -ge "$i" ] && break; sleep 0.1; done
            line=$(grep ' analysis host=' "$work/server.log" | sed -n "${i}p")
            ms=$(echo "$line" | grep -o ' millis=[0-9]*' | cut -d= -f2)
            id=$(echo "$line" | grep -o ' id=[^ ]*' | cut -d= -f2)
            dir="$work/spool/${id%%@*}/${id#*@}"
            m0=$(now); makedumpfile --dump-dmesg "$dir/vmcore" "$work/mdf.txt" > /dev/null 2>&1; m1=$(now)
            same=$(cmp -s "$work/mdf.txt" "$dir/dmesg.txt" && echo yes || echo NO)
            awk -v i="$i" -v g="$ingest" -v ms="$ms" -v a="$m0" -v b="$m1" -v same="$same" 'BEGIN {
                printf "analysis on  upload %d: ingest %s s | analysis %.3f s | makedumpfile --dump-dmesg %.3f s | dmesg.txt identical: %s\n",
                    i, g, ms / 1000, b - a, same }'
            rm -f "$work/mdf.txt"
        else
            echo "analysis off upload $i: ingest $ingest s"
        fi
        find "$work/spool" -name vmcore -delete     # keep the disk use to one dump
    done
    stop_server
done
# the same work in a warm JVM without the server around it (no dmesg.txt write, no fsync)
dump=$(find "$(dirname "$stream")" -maxdepth 1 -name "$(basename "$stream" .flat).dump" | head -n 1)
if [ -n "$dump" ]; then
    echo "$dump: $(java -cp "$here/server/target/vmcored.jar" "$here/bench/DmesgWarm.java" "$dump" 20)"
    m0=$(now); makedumpfile --dump-dmesg "$dump" "$work/mdf.txt" > /dev/null 2>&1; m1=$(now)
    awk -v a="$m0" -v b="$m1" 'BEGIN { printf "%s: makedumpfile --dump-dmesg (whole process) %.1f ms\n", "'"$dump"'", (b - a) * 1000 }'
fi
