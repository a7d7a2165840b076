#!/bin/bash
# Benchmark (not a test): the catalog at fleet size. A spool of DUMPS synthetic dumps from
# HOSTS hosts (default 100,000 from 1,000, as a fleet keeps a year of crashes) and a spool of
# 10 dumps, each served by its own `vmcored serve` (-Xmx512m, loopback, ports chosen by the
# server and read from its log, ssh off). Measured:
#   - restart: the catalog rebuild as logged ("catalog rebuilt from ...: N dumps ... in T"),
#     and process start to /healthz answering (the only figure when the line gives no time;
#     the 10-dump server's is then the JVM's own start). The servers start one after the other;
#   - heap used after start-up and a full GC (jcmd GC.run, GC.heap_info); the catalog's share
#     is the difference to the 10-dump server;
#   - p50/p99 of GET /api/v1/dumps?limit=50, of the same filtered by host=, and by
#     state=complete&signature=, and of a handshake HELLO (docs/protocol.md) for an existing
#     host and sender id on the ingest port: WARMUP untimed then REQUESTS timed requests of
#     each kind and server, sequential, one connection each, both servers alternating request
#     by request so that this shared machine's drift falls on both alike
#     (bench/CatalogProbe.java, plain sockets).
# Spools are made by bench/CatalogSpool.java (realistic manifests, dump files hard-linked to a
# few small blobs: 100,000 dumps take about 0.8 GB, directories and manifests) and kept under
# bench/work/catalog/ for the next run (reused while the generator is unchanged; CLEAN=1
# deletes them at exit). Deleting 100,000 directories costs later inode allocations on ext4
# without a journal (see bench/tcp-bench.sh), hence kept.
# Usage: bench/catalog-bench.sh            full: 100,000 dumps, 1,000 warm-up + 2,000 timed requests a kind
#        SHORT=1 bench/catalog-bench.sh    smoke: 2,000 dumps of 100 hosts, 100 + 300 requests
#   DUMPS, HOSTS, WARMUP, REQUESTS override either.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_WORK:-$here/bench/work}/catalog
if [ -n "${SHORT:-}" ]; then
    DUMPS=${DUMPS:-2000} HOSTS=${HOSTS:-100} WARMUP=${WARMUP:-100} REQUESTS=${REQUESTS:-300}
else
    DUMPS=${DUMPS:-100000} HOSTS=${HOSTS:-1000} WARMUP=${WARMUP:-1000} REQUESTS=${REQUESTS:-2000}
fi
command -v jcmd >/dev/null && command -v curl >/dev/null || { echo "needs jcmd (JDK) and curl" >&2; exit 1; }
mkdir -p "$work"
"$here/vmcored" --version >/dev/null            # build the jar if stale
servers=
cleanup() {
    local p
    for p in $servers; do kill "$p" 2>/dev/null; done
    [ -n "${CLEAN:-}" ] && rm -rf "$work"
    true
}
trap cleanup EXIT
now() { date +%s.%N; }

# spool DUMPS HOSTS -> path of a generated spool (reused when the generator has not changed)
spool() {
    local dir=$work/spool-$1-$2 stamp
    stamp=$(sha1sum "$here/bench/CatalogSpool.java" | cut -c1-40)
    if [ "$(cat "$dir.done" 2>/dev/null)" != "$stamp" ]; then
        rm -rf "$dir" "$dir".*
        java "$here/bench/CatalogSpool.java" "$dir" "$1" "$2" >&2
        echo "  spool of $1 dumps: $(du -sh "$dir" "$dir.blobs" | awk '{ print $1 }' | paste -sd+) on disk (dumps + blobs)" >&2
        echo "$stamp" > "$dir.done"
    fi
    echo "$dir"
}

# start SPOOL LABEL: a server on SPOOL; once /healthz answers, writes
# "pid http_port tcp_port dumps logged_rebuild_s start_to_healthz_s heap_used_MiB" to $work/LABEL
start() {
    local log=$work/server-$2.log t0 pid http tcp ready dumps rebuild _
    rm -rf "$work/state-$2"
    t0=$(now)
    VMCORED_JAVA_OPTS="-Xmx512m" "$here/vmcored" serve --bind 127.0.0.1 --ingest-port 0 --http-port 0 --ssh-port -1 \
        --spool "$1" --state "$work/state-$2" --set spool.min-free=1M > "$log" 2>&1 &
    pid=$!
    servers="$servers $pid"
    for _ in $(seq 2400); do   # up to 2 minutes
        http=$(sed -n 's/.*http listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)
        tcp=$(sed -n 's/.*tcp listening on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)
        if [ -n "$http" ] && [ -n "$tcp" ] && curl -sf --max-time 1 "http://127.0.0.1:$http/healthz" >/dev/null; then
            ready=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    [ -n "${ready:-}" ] || { echo "vmcored did not start on $1: $(tail -3 "$log")" >&2; exit 1; }
    dumps=$(grep -m1 'catalog rebuilt from' "$log" | sed -n 's/.*: \([0-9][0-9]*\) dumps.*/\1/p')
    # the rebuild time, if the catalog's line says it ("... in 1234 ms" / "... in 1.2 s")
    rebuild=$(grep -m1 'catalog rebuilt from' "$log" | sed -n 's/.* in \([0-9.][0-9.]*\) *\(ms\|s\)\b.*/\1 \2/p' |
        awk 'NF == 2 { printf "%.2f", $2 == "ms" ? $1 / 1000 : $1; found = 1 } END { if (!found) print "-" }')
    sleep 1   # start-up work queued behind the listeners settles before the heap is read
    jcmd "$pid" GC.run >/dev/null
    heap=$(jcmd "$pid" GC.heap_info | sed -n 's/.*used \([0-9][0-9]*\)K.*/\1/p' | head -n 1 | awk '{ printf "%.1f", $1 / 1024 }')
    echo "$pid $http $tcp ${dumps:-?} $rebuild $ready $heap" > "$work/$2"
}

big=$(spool "$DUMPS" "$HOSTS")
small=$(spool 10 10)
echo "catalog: $DUMPS dumps of $HOSTS hosts vs 10 dumps; $WARMUP + $REQUESTS requests a kind; $(nproc) cores${SHORT:+ (SHORT)}" >&2
# one server at a time while it starts (each start is timed alone), then both probed
# together, request by request, so the machine's drift falls on both alike
start "$small" small
start "$big" big
read -r s_pid s_http s_tcp s_dumps s_rebuild s_ready s_heap < "$work/small"
read -r b_pid b_http b_tcp b_dumps b_rebuild b_ready b_heap < "$work/big"
java "$here/bench/CatalogProbe.java" "$WARMUP" "$REQUESTS" "small:$s_http:$s_tcp:$small" "big:$b_http:$b_tcp:$big" > "$work/probe"
python3 - "$work" "$s_dumps" "$s_rebuild" "$s_ready" "$s_heap" "$b_dumps" "$b_rebuild" "$b_ready" "$b_heap" <<'PY'
import sys
work, s_dumps, s_rebuild, s_ready, s_heap, b_dumps, b_rebuild, b_ready, b_heap = sys.argv[1:]
def probe(label):
    return {w[1]: (float(w[2]), float(w[3])) for w in (l.split() for l in open(f"{work}/probe")) if w[0] == label}
small, big = probe("small"), probe("big")
def ok(cond):
    return "yes" if cond else "NO"
rows = []
if b_rebuild != "-":
    rows.append(("restart: catalog rebuild as logged (s)", s_rebuild, b_rebuild, "<= 10 s", ok(float(b_rebuild) <= 10)))
rows.append(("restart: process start to /healthz (s)", s_ready, b_ready,
             "<= 10 s" + ("" if b_rebuild != "-" else " (no time in the catalog's log line)"),
             ok(float(b_ready) <= 10) if b_rebuild == "-" else "-"))
catalog = float(b_heap) - float(s_heap)
rows.append(("heap used after full GC (MiB)", s_heap, b_heap, f"catalog share {catalog:.0f} MiB <= 200", ok(catalog <= 200)))
for kind, name in (("list", "GET ?limit=50"), ("host", "GET ?limit=50&host=H"),
                   ("state+signature", "GET ?limit=50&state=complete&signature=S")):
    rows.append((f"{name} p50 / p99 (ms)", "%.2f / %.2f" % small[kind], "%.2f / %.2f" % big[kind], "p99 <= 10 ms",
                 ok(big[kind][1] <= 10)))
limit = 1.2 * small["hello"][1]
rows.append(("HELLO p50 / p99 (ms)", "%.2f / %.2f" % small["hello"], "%.2f / %.2f" % big["hello"],
             f"p99 <= 1.2 x 10-dump p99 = {limit:.2f} ms", ok(big["hello"][1] <= limit)))
print(f"| measure | 10-dump server ({s_dumps} dumps) | fleet server ({b_dumps} dumps) | target | met |")
print("|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
PY
