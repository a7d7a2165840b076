#!/bin/bash
# Scale-out figures (docs/scale-out.md, "Figures on this machine"): three collectors
# (`java -jar server/target/vmcored.jar serve`, each a JVM of its own) sharing a PostgreSQL
# catalog (Debian's initdb/pg_ctl in the work directory, password authentication, as the
# postgres user when run as root) and an s3proxy bucket (filesystem backend), fed by the real
# agent (agent/vmcored-agent under busybox sh, only busybox applets, makedumpfile and curl on
# its PATH, sending makedumpfile -F -l -d 31 of the fixture vmcore). Every dump is checked
# byte for byte against makedumpfile -R of that stream ($VMCORED_FIXTURES/streams/
# kdump-lzo-d31.dump); any loss ends the script with exit 1.
#
#   ingest    AGENTS agents at once (tcp, busybox nc), all sending to collector a ("1"), or
#             spread a third to each of a, b, c by the agent's own rule (host names picked so
#             that cksum(host) mod 3 gives exactly a third per entry; "3"). Real agents, not
#             curl -T of the prepared stream: makedumpfile takes 0.2 s of CPU for this sparse
#             vmcore, so the agents do not dominate. Rounds alternate 1,3,1,3,... (ROUNDS of
#             each) after an untimed warm-up of each kind. Per round: wall time from the start
#             until the last agent is answered (answered = the dump is in the bucket:
#             store.ack-wait, so a collector logging "not yet in the object store" fails the
#             round), MB/s of stream sent, and CPU seconds (/proc/PID/stat utime+stime deltas)
#             of each collector JVM, s3proxy, postgres (postmaster and its backends) and the
#             agents (this script's reaped children), plus how busy the whole machine was
#             (/proc/stat: other work on it counts too). The three collectors run throughout
#             (two idle in a "1" round) on the same 2 cores as everything else: the ratio
#             says what a fleet gains from three collectors only where each has cores of its own.
#   durable   per dump of the ingest rounds: the manifest's `finished` to its `store.at` (GET
#             /api/v1/dumps/{id} on the collector holding it): analysis, then the upload to
#             the bucket; p50/p95/max for "1" and "3" rounds.
#   failover  for each lease time in LEASES (catalog.lease-time; default 30s, then 6s) fresh
#             collectors on a new database and bucket prefix; FO_AGENTS agents whose start
#             collector is a (plus one starting at b and one at c), over http with curl behind
#             bench/slow-link.py at FO_RATE bytes/s so that a SIGKILL of collector a lands
#             mid-upload; agent options as shipped (--failover-after 2, --backoff 1,
#             --max-backoff 60, --retries 8) but the 3-collector list. Agent output lines are
#             timestamped as they come. Per agent cut by the kill: kill -> its `failing over`
#             line (detect), -> its kernel log stored on a survivor (the wait for a's lease to
#             run out and be marked by a survivor), -> its dump answered complete there (the
#             upload again from byte 0 at FO_RATE); the dump must be downloadable from both
#             survivors, byte-identical.
#
# Usage: bench/scale-out.sh [PART...]   (default: ingest failover; durable comes with ingest)
#   SHORT=1: the smoke version for bench/smoke.sh: 6 agents, one round of each kind, one
#   failover run with a 6 s lease and 2 agents cut; same checks, about two and a half minutes.
#   Sizes (environment): AGENTS ROUNDS FO_AGENTS FO_RATE LEASES.
# Output: one table line per figure on stdout; logs in $BENCH_WORK/scale-out (kept on failure,
# or with KEEP=1).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
stream=$fixtures/streams/kdump-lzo-d31.flat
oracle=$fixtures/streams/kdump-lzo-d31.dump
work=${BENCH_WORK:-$here/bench/work}/scale-out
parts=${*:-ingest failover}
if [ -n "${SHORT:-}" ]; then
    : "${AGENTS:=6}" "${ROUNDS:=1}" "${WARMUP:=0}" "${FO_AGENTS:=2}" "${FO_RATE:=4000000}" "${LEASES:=6s}"
fi
: "${CLIENT:=curl}" "${AGENTS:=24}" "${ROUNDS:=5}" "${WARMUP:=1}" "${FO_AGENTS:=6}" "${FO_RATE:=2000000}" "${LEASES:=30s 6s}"
BUCKET=scale-bench
S3_ID=bench-identity S3_SECRET=bench-secret-$$
PG_USER=vmcored PG_PASSWORD=bench-password-$$
jar=$here/server/target/vmcored.jar
java=${JAVA:-java}
s3jar=${S3PROXY_JAR:-$HOME/.m2/repository/org/gaul/s3proxy/2.6.0/s3proxy-2.6.0-jar-with-dependencies.jar}

fail() { echo "scale-out: FAILED: $*" >&2; exit 1; }
note() { echo "scale-out: $*" >&2; }
for f in "$fixtures/vmcore.elf" "$stream" "$oracle" "$s3jar"; do
    [ -f "$f" ] || fail "missing $f (fixtures/make-fixtures.sh; s3proxy: mvn -pl server process-test-resources)"
done
for t in busybox makedumpfile curl python3 jq psql; do
    command -v "$t" >/dev/null || fail "needs $t"
done
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] || fail "needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin; Debian package postgresql)"
"$here/vmcored" --version >/dev/null   # builds the jar if it is stale
stream_bytes=$(stat -c %s "$stream")

rm -rf "$work"; mkdir -p "$work"
results=$work/results
: > "$results"
declare -A cpid tcpport httpport
s3pid= pgup= agent_pids=
runas() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    set +e
    for p in $agent_pids; do pkill -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
    for n in "${!cpid[@]}"; do kill -9 "${cpid[$n]}" 2>/dev/null; done
    [ -n "$s3pid" ] && kill "$s3pid" 2>/dev/null
    [ -n "$pgup" ] && runas "$pgbin/pg_ctl" -D "$work/pg/data" -m fast -w stop > /dev/null 2>&1
    wait 2>/dev/null
    [ "${keep:-0}" = 1 ] || [ -n "${KEEP:-}" ] || rm -rf "$work"
}
keep=1   # until the end: a failure leaves the logs
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---- PostgreSQL and s3proxy ----------------------------------------------------------------
pgport=$(free_port)
mkdir -p "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres: "$work/pg"
runas sh -c "umask 077 && printf '%s\n' '$PG_PASSWORD' > '$work/pg/pwfile'"
runas "$pgbin/initdb" -D "$work/pg/data" -U "$PG_USER" --pwfile="$work/pg/pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --no-sync --locale=C > "$work/pg/initdb.log" 2>&1 || fail "initdb: $(tail -n 3 "$work/pg/initdb.log")"
runas "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" \
    -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=100" -w start > /dev/null \
    || fail "pg_ctl start: $(tail -n 3 "$work/pg/server.log")"
pgup=1
pgpid=$(head -n 1 "$work/pg/data/postmaster.pid")
createdb() { runas psql -q -h "$work/pg" -p "$pgport" -U "$PG_USER" -d postgres -c "CREATE DATABASE $1" > /dev/null; }
sql() { runas psql -qtA -h "$work/pg" -p "$pgport" -U "$PG_USER" -d "$1" -c "$2"; }

s3port=$(free_port)
mkdir -p "$work/s3/buckets/$BUCKET"   # the filesystem backend: a bucket is a directory
cat > "$work/s3/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$s3port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ID
s3proxy.credential=$S3_SECRET
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3/buckets
EOF
"$java" -Xmx256m -jar "$s3jar" --properties "$work/s3/s3proxy.properties" > "$work/s3/s3proxy.log" 2>&1 &
s3pid=$!
for _ in $(seq 600); do
    curl -s -o /dev/null "http://127.0.0.1:$s3port/" && break
    kill -0 "$s3pid" 2>/dev/null || fail "s3proxy exited: $(tail -n 3 "$work/s3/s3proxy.log")"
    sleep 0.1
done
objects=$work/s3/buckets/$BUCKET

# ---- the collectors ------------------------------------------------------------------------
# start_collectors RUN DB LEASE: nodes a, b, c on database DB, bucket prefix RUN, in $work/RUN/NODE
start_collectors() {
    local run=$1 db=$2 lease=$3 n
    for n in a b c; do
        mkdir -p "$work/$run/$n"
        AWS_ACCESS_KEY_ID=$S3_ID AWS_SECRET_ACCESS_KEY=$S3_SECRET AWS_REGION=us-east-1 \
            "$java" -Xmx512m -jar "$jar" serve --bind 127.0.0.1 --ingest-port 0 --http-port 0 --ssh-port -1 \
            --spool "$work/$run/$n/spool" --state "$work/$run/$n/state" \
            --catalog "jdbc:postgresql://127.0.0.1:$pgport/$db" --node-name "$n" \
            --store "s3://$BUCKET/$run" --s3-endpoint "http://127.0.0.1:$s3port" \
            --set catalog.user="$PG_USER" --set catalog.password="$PG_PASSWORD" --set node.address=127.0.0.1 \
            --set catalog.lease-time="$lease" --set spool.min-free=1G \
            --set admission.full-per-signature=0 --set admission.max-concurrent-full=0 \
            > "$work/$run/$n/server.log" 2>&1 < /dev/null &
        cpid[$n]=$!
    done
    for n in a b c; do
        for _ in $(seq 900); do
            grep -q "vmcored started" "$work/$run/$n/server.log" && break
            kill -0 "${cpid[$n]}" 2>/dev/null || fail "collector $n exited at start: $(tail -n 5 "$work/$run/$n/server.log")"
            sleep 0.1
        done
        grep -q "vmcored started" "$work/$run/$n/server.log" || fail "collector $n did not start in 90 s"
        tcpport[$n]=$(sed -n 's/.* tcp listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/$run/$n/server.log" | tail -n 1)
        httpport[$n]=$(sed -n 's/.* http listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/$run/$n/server.log" | tail -n 1)
    done
}
# prime RUN: one dump per collector, each alone: a collector's first upload to s3proxy learns that
# it answers 501 to the SHA-256 checksum header; two uploads learning it at once race, and the
# loser's attempt fails, its sender answered before the dump is in the bucket (docs/scale-out.md)
prime() {
    local run=$1 n
    for n in a b c; do start_agent "$work/$run/prime" "prime-$n" "127.0.0.1:${tcpport[$n]}" tcp ""; done
    wait_agents "$work/$run/prime" 120 prime-a prime-b prime-c
    for n in a b c; do
        [ "$(cut -d' ' -f1 "$work/$run/prime/prime-$n.rc")" = 0 ] || fail "priming $n: $(tail -n 3 "$work/$run/prime/prime-$n.log")"
    done
}
# late RUN: answers given before the dump was in the bucket (store.ack-wait ran out or an upload failed)
late() { cat "$work/$1"/[abc]/server.log | grep -c "not yet in the object store" || true; }
stop_collectors() {
    local n
    for n in "${!cpid[@]}"; do kill -TERM "${cpid[$n]}" 2>/dev/null || true; done
    for n in "${!cpid[@]}"; do wait "${cpid[$n]}" 2>/dev/null || true; unset "cpid[$n]"; done
}

# ---- the agent -----------------------------------------------------------------------------
# as in a capture initramfs: busybox sh, busybox applets, makedumpfile, and curl (behind the
# slow link at $AGENT_RATE bytes/s when that is set; busybox sh runs its own nc applet, so the
# throttled failover agents use the http transport)
agent_bin=$work/agent-bin
mkdir -p "$agent_bin"
bb=$(command -v busybox)
for a in $("$bb" --list); do ln -sf "$bb" "$agent_bin/$a"; done
ln -sf "$(command -v makedumpfile)" "$agent_bin/makedumpfile"
py=/usr/bin/python3; [ -x "$py" ] || py=$(command -v python3)
rm -f "$agent_bin/curl"
cat > "$agent_bin/curl" <<EOF
#!$bb sh
case " \$* " in *" -T "*) [ -n "\${AGENT_RATE:-}" ] && exec "$py" "$here/bench/slow-link.py" "\$AGENT_RATE" "$(command -v curl)" "\$@" ;; esac
exec "$(command -v curl)" "\$@"
EOF
chmod +x "$agent_bin/curl"
: > "$work/agent.conf"

# entry HOST: the list entry (0-based, of 3) an agent starts at: cksum of the host id mod 3
entry() { echo $(( $(printf %s "$1" | cksum | cut -d' ' -f1) % 3 )); }
# hosts PREFIX N: N host names, a third starting at each entry (N a multiple of 3)
hosts() {
    local p=$1 n=$2 i=0 e c0=0 c1=0 c2=0 h
    while [ $((c0 + c1 + c2)) -lt "$n" ]; do
        i=$((i + 1)); h=$p$i; e=$(entry "$h")
        case $e in
            0) [ $c0 -lt $((n / 3)) ] && { echo "$h"; c0=$((c0 + 1)); } ;;
            1) [ $c1 -lt $((n / 3)) ] && { echo "$h"; c1=$((c1 + 1)); } ;;
            2) [ $c2 -lt $((n / 3)) ] && { echo "$h"; c2=$((c2 + 1)); } ;;
        esac
    done
    return 0
}
# hosts_at PREFIX N E: N host names starting at entry E
hosts_at() {
    local p=$1 n=$2 want=$3 i=0 c=0
    while [ $c -lt "$n" ]; do
        i=$((i + 1)); [ "$(entry "$p$i")" = "$want" ] && { echo "$p$i"; c=$((c + 1)); }
    done
    return 0
}
# start_agent DIR HOST SERVERS TRANSPORT RATE [OPTIONS...]: one agent in the background; its output
# lines, each prefixed with the time it came ($EPOCHREALTIME), in DIR/HOST.log; "RC END_TIME" in DIR/HOST.rc
start_agent() {
    local dir=$1 host=$2 servers=$3 t=$4 rate=$5; shift 5
    mkdir -p "$dir"
    ( set +e
      env -i PATH="$agent_bin" ${rate:+AGENT_RATE=$rate} "$bb" sh "$here/agent/vmcored-agent" --config "$work/agent.conf" \
          --server "$servers" --transport "$t" --host "$host" --dump-id "$host-boot" --vmcore "$fixtures/vmcore.elf" \
          --work-dir "$dir/$host.work" "$@" 2>&1 < /dev/null |
          while IFS= read -r l; do echo "$EPOCHREALTIME $l"; done > "$dir/$host.log"
      echo "${PIPESTATUS[0]} $EPOCHREALTIME" > "$dir/$host.rc" ) &
    agent_pids="$agent_pids $!"
}
# wait_agents DIR TIMEOUT HOSTS...: all ended (and reaped: their CPU time is then ours)
wait_agents() {
    local dir=$1 t=$2 h left; shift 2
    for _ in $(seq $((t * 10))); do
        left=0; for h in "$@"; do [ -f "$dir/$h.rc" ] || { left=1; break; }; done
        [ "$left" = 0 ] && break
        sleep 0.1
    done
    [ "$left" = 0 ] || fail "agents still running after $t s (logs in $dir)"
    wait $agent_pids 2>/dev/null || true
    agent_pids=
}
# completed DIR HOST: the id of the dump the agent was answered complete for (its last such line);
# the id ends with the name of the collector that holds it (-a, -b, -c)
completed() { sed -n 's/.* vmcore: complete on [^ ]* (id \([^,]*\),.*/\1/p' "$1/$2.log" | tail -n 1; }

# ---- CPU accounting ------------------------------------------------------------------------
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
pg_ticks() {   # the postmaster with its reaped children, and its live backends
    # cat: a process that ends between the glob and the read is skipped, not fatal
    cat /proc/[0-9]*/stat 2>/dev/null |
        awk -v pp="$pgpid" '$1 == pp { s += $14 + $15 + $16 + $17 } $2 == "(postgres)" && $4 == pp { s += $14 + $15 } END { print s + 0 }'
}
own_children() { awk '{ print $16 + $17 }' /proc/$$/stat; }
machine() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
cpu_snapshot() { echo "$(ticks "${cpid[a]}") $(ticks "${cpid[b]}") $(ticks "${cpid[c]}") $(ticks "$s3pid") $(pg_ticks) $(own_children) $(machine)"; }

# ---- ingest (and durable) ------------------------------------------------------------------
# ingest_round NAME KIND(1|3): AGENTS agents at once; appends one line to $work/ingest/rounds
ingest_round() {
    local name=$1 kind=$2 dir=$work/ingest/$1 servers h list t0 before after tmax=0 id node d rc t code
    if [ "$kind" = 1 ]; then servers=127.0.0.1:${tcpport[a]}
    else servers=127.0.0.1:${tcpport[a]},127.0.0.1:${tcpport[b]},127.0.0.1:${tcpport[c]}; fi
    list=$(hosts "$name-h" "$AGENTS")
    mkdir -p "$dir"
    sync; sleep 1
    before=$(cpu_snapshot); t0=$EPOCHREALTIME
    for h in $list; do
        if [ "$CLIENT" = agent ]; then
            start_agent "$dir" "$h" "$servers" tcp "" --retries 30 --stall-timeout 60
        else
            node=a; [ "$kind" = 3 ] && node=$(echo abc | cut -c $(( $(entry "$h") + 1 )))
            ( code=000; code=$(curl -sS -H "Expect:" -T "$stream" -o "$dir/$h.answer" -w '%{http_code}' \
                  "http://127.0.0.1:${httpport[$node]}/api/v1/dumps/$h?dump=$h-boot&level=31&compress=lzo" 2> "$dir/$h.err")
              echo "$? $EPOCHREALTIME $code" > "$dir/$h.rc" ) &
            agent_pids="$agent_pids $!"
        fi
    done
    wait_agents "$dir" 600 $list
    after=$(cpu_snapshot)
    local spread=""
    for h in $list; do
        read -r rc t code < "$dir/$h.rc"
        if [ "$CLIENT" = agent ]; then
            [ "$rc" = 0 ] || fail "ingest $name: agent $h exited $rc: $(tail -n 3 "$dir/$h.log")"
            id=$(completed "$dir" "$h")
            [ -n "$id" ] || fail "ingest $name: agent $h has no 'vmcore: complete on' line"
        else
            [ "$rc" = 0 ] && [ "$code" = 201 ] || fail "ingest $name: curl -T for $h: exit $rc, HTTP $code: $(cat "$dir/$h.err" "$dir/$h.answer" 2>/dev/null)"
            id=$(jq -r .id "$dir/$h.answer")
        fi
        tmax=$(awk -v a="$t" -v b="$tmax" 'BEGIN { print (a > b) ? a : b }')
        node=${id##*-}
        [ "$kind" = 3 ] || [ "$node" = a ] || fail "ingest $name: $h stored on $node, not a"
        spread="$spread$node"
        # the object in the bucket is the dump, byte for byte
        d=$(ls -d "$objects/ingest/$h"/*/ 2>/dev/null | head -n 1)
        [ -n "$d" ] && cmp -s "$d/vmcore" "$oracle" || fail "ingest $name: $h's vmcore in the bucket ($d) differs from makedumpfile -R or is missing"
        curl -sf "http://127.0.0.1:${httpport[$node]}/api/v1/dumps/$id" > "$dir/$h.manifest.json" || fail "ingest $name: GET dump $id on $node"
        jq -r --arg k "$kind" --arg t "$t" '[$k, .finished, .store.at, $t] | @tsv' "$dir/$h.manifest.json" >> "$work/ingest/durable"
    done
    [ "$(late ingest)" = "$late0" ] || fail "ingest $name: $(( $(late ingest) - late0 )) answers before the dump was in the bucket (store.ack-wait ran out)"
    echo "$kind $name $t0 $tmax $before $after a=$(tr -cd a <<< "$spread" | wc -c),b=$(tr -cd b <<< "$spread" | wc -c),c=$(tr -cd c <<< "$spread" | wc -c)" >> "$work/ingest/rounds"
    note "ingest $name ($kind collector(s)): $(awk -v a="$t0" -v b="$tmax" -v n="$AGENTS" -v s="$stream_bytes" 'BEGIN { printf "%.1f s, %.0f MB/s", b - a, n * s / (b - a) / 1e6 }')"
}
part_ingest() {
    createdb ingest
    start_collectors ingest ingest 30s
    prime ingest; late0=$(late ingest)
    : > "$work/ingest/rounds"; : > "$work/ingest/durable"
    local r
    if [ "$WARMUP" = 1 ]; then   # untimed: the JITs compile the paths the timed rounds take
        ingest_round warm1 1; ingest_round warm3 3
        : > "$work/ingest/rounds"; : > "$work/ingest/durable"
    fi
    for r in $(seq "$ROUNDS"); do ingest_round "r${r}x1" 1; ingest_round "r${r}x3" 3; done
    stop_collectors
    "$py" - "$work/ingest/rounds" "$work/ingest/durable" "$AGENTS" "$stream_bytes" "$ROUNDS" "$CLIENT" >> "$results" <<'PY'
import statistics as st, sys
from datetime import datetime
rounds, durable, agents, size, nrounds, client = sys.argv[1:]
agents, size = int(agents), int(size)
rows = [l.split() for l in open(rounds)]
# kind name t0 tmax | before: a b c s3 pg agents busy total | after: same | spread
def cpu(r, i): return (float(r[12 + i]) - float(r[4 + i])) / 100
def rnd(r):
    wall = float(r[3]) - float(r[2])
    busy = (float(r[18]) - float(r[10])) / max(1, float(r[19]) - float(r[11]))
    return dict(kind=r[0], wall=wall, mbs=agents * size / wall / 1e6, a=cpu(r, 0), b=cpu(r, 1), c=cpu(r, 2),
                s3=cpu(r, 3), pg=cpu(r, 4), ag=cpu(r, 5), busy=busy * 100, spread=r[20])
R = [rnd(r) for r in rows]
one = [r for r in R if r["kind"] == "1"]; three = [r for r in R if r["kind"] == "3"]
ratios = [t["mbs"] / o["mbs"] for o, t in zip(one, three)]
def med(xs): return st.median(xs)
def rng(xs, f="%.1f"): return (f % min(xs)) + "-" + (f % max(xs))
def mbs(rs): return "%.0f MB/s (%s), %.1f s (%s)" % (med([r["mbs"] for r in rs]), rng([r["mbs"] for r in rs], "%.0f"),
                                                    med([r["wall"] for r in rs]), rng([r["wall"] for r in rs]))
def cpus(rs):
    k = lambda key: med([r[key] for r in rs])
    return ("collectors a/b/c %.1f/%.1f/%.1f s, s3proxy %.1f s, postgres %.1f s, %s %.1f s; machine busy %.0f%% of 2 cores"
            % (k("a"), k("b"), k("c"), k("s3"), k("pg"), "agents" if client == "agent" else "curl", k("ag"), k("busy")))
how = "agents (tcp)" if client == "agent" else "curl -T uploads (http)"
print(f"| 1. aggregate ingest, {agents} {how} at once ({size / 1e6:.1f} MB stream each), {nrounds} rounds of each, alternating 1,3 "
      f"| 3 collectors / 1: {med(ratios):.2f}x ({rng(ratios, '%.2f')}) "
      f"| 1 collector: {mbs(one)}; 3 collectors: {mbs(three)} (spread {three[0]['spread']}) "
      f"| CPU per round (medians): 1 collector: {cpus(one)}; 3 collectors: {cpus(three)} |")
def ts(s): return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
D = {"1": [], "3": []}
answered_before = 0
for l in open(durable):
    k, fin, at, answered = l.rstrip("\n").split("\t")
    D[k].append(ts(at) - ts(fin))
    # answered = in the bucket: no answer before store.at (1 ms: the manifest's clock resolution)
    if float(answered) + 0.001 < ts(at):
        answered_before += 1
if answered_before:
    sys.exit(f"scale-out: FAILED: {answered_before} uploads answered before their dump was in the bucket")
def pct(xs, p): xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
def q(xs): return "p50 %.2f s, p95 %.2f s, max %.2f s (n=%d)" % (pct(xs, 50), pct(xs, 95), max(xs), len(xs))
print(f"| 2. complete -> in the bucket (manifest finished -> store.at), the ingest rounds' dumps | 1 collector: {q(D['1'])} "
      f"| 3 collectors: {q(D['3'])} | every object byte-identical to makedumpfile -R; no upload answered before its dump was in the bucket (answer time >= store.at) |")
PY
}

# ---- failover ------------------------------------------------------------------------------
part_failover() {
    local lease
    for lease in $LEASES; do failover_run "$lease"; done
}
failover_run() {
    local lease=$1 run=fo${1//[^0-9a-z]/} dir h list cut="" bystanders kill_t n survivors
    dir=$work/$run/agents
    createdb "$run"
    start_collectors "$run" "$run" "$lease"
    prime "$run"
    list=$(hosts_at "$run-a" "$FO_AGENTS" 0)
    bystanders="$(hosts_at "$run-b" 1 1) $(hosts_at "$run-c" 1 2)"
    local servers=127.0.0.1:${httpport[a]},127.0.0.1:${httpport[b]},127.0.0.1:${httpport[c]}
    note "failover, catalog.lease-time=$lease: $FO_AGENTS agents starting at a, 2 at b and c, $FO_RATE B/s each"
    for h in $list $bystanders; do start_agent "$dir" "$h" "$servers" http "$FO_RATE"; done
    # SIGKILL of a once every agent of a is sending its dump file there
    for _ in $(seq 1200); do
        n=0
        for h in $list; do
            [ -n "$(find "$work/$run/a/spool/$h" -name vmcore -size +1M 2>/dev/null)" ] && n=$((n + 1))
        done
        [ "$n" = "$FO_AGENTS" ] && break
        sleep 0.1
    done
    [ "$n" = "$FO_AGENTS" ] || fail "failover $lease: only $n of $FO_AGENTS agents reached a within 120 s (logs in $dir)"
    sleep 1
    kill_t=$EPOCHREALTIME
    kill -9 "${cpid[a]}"
    wait "${cpid[a]}" 2>/dev/null || true
    unset "cpid[a]"
    for h in $list; do grep -q " vmcore: complete on" "$dir/$h.log" || cut="$cut $h"; done
    [ -n "$cut" ] || fail "failover $lease: every agent of a had finished before the kill (FO_RATE too high)"
    note "failover $lease: a SIGKILLed with $(echo $cut | wc -w) uploads running"
    wait_agents "$dir" 600 $list $bystanders
    local id node other rows=$work/$run/rows
    : > "$rows"
    for h in $list $bystanders; do
        read -r rc t < "$dir/$h.rc"
        [ "$rc" = 0 ] || fail "failover $lease: agent $h exited $rc: $(tail -n 5 "$dir/$h.log")"
        id=$(completed "$dir" "$h"); node=${id##*-}
        case "$node" in b|c) ;; *) case " $cut " in *" $h "*) fail "failover $lease: $h answered by '$node' (dump $id)" ;; esac ;; esac
        [ "$node" = a ] && continue   # finished on a before the kill: from the bucket, below
        # downloadable from both survivors, byte-identical (the one holding it, the other through the catalog)
        for other in b c; do
            curl -sf -o "$work/$run/dl" "http://127.0.0.1:${httpport[$other]}/api/v1/dumps/$id/vmcore" \
                || fail "failover $lease: $h's dump $id (on $node) not downloadable from $other"
            cmp -s "$work/$run/dl" "$oracle" || fail "failover $lease: $h's dump $id downloaded from $other differs from makedumpfile -R"
        done
        case " $cut " in *" $h "*) ;; *) continue ;; esac
        # kill -> failing over -> kernel log stored on the survivor -> dump answered there
        awk -v k="$kill_t" -v h="$h" '
            / failing over from / && !fo { fo = $1 }
            fo && / vmcore-dmesg.txt: (complete|already complete) on / && !dm { dm = $1 }
            / vmcore: complete on / { done = $1 }
            END { printf "%s %.2f %.2f %.2f %.2f\n", h, fo - k, dm - fo, done - dm, done - k }' "$dir/$h.log" >> "$rows"
    done
    # every host, the ones a finished before its death included, has its dump in the bucket
    for h in $list $bystanders; do
        local d; d=$(ls -d "$objects/$run/$h"/*/ 2>/dev/null | tail -n 1)
        [ -n "$d" ] && cmp -s "$d/vmcore" "$oracle" || fail "failover $lease: $h's vmcore in the bucket ($d) differs or is missing"
    done
    # the survivors' marks of a's leases: when, from the kill
    cat "$work/$run"/[bc]/server.log | grep "upload lease ran out at" | cut -d' ' -f1 > "$work/$run/marks" || true
    stop_collectors
    "$py" - "$rows" "$lease" "$FO_AGENTS" "$FO_RATE" "$work/$run/marks" "$stream_bytes" "$kill_t" >> "$results" <<'PY'
import statistics as st, sys
from datetime import datetime
rows, lease, n, rate, marks, size, kill = sys.argv[1:]
M = [datetime.fromisoformat(l.strip().replace("Z", "+00:00")).timestamp() - float(kill) for l in open(marks) if l.strip()]
marked = f"{len(M)} of a's leases marked run out by a survivor, {min(M):.1f}-{max(M):.1f} s after the kill" if M else "no lease marked by a survivor"
R = [l.split() for l in open(rows)]
col = lambda i: [float(r[i]) for r in R]
def s(xs): return "%.1f s (%.1f-%.1f)" % (st.median(xs), min(xs), max(xs))
print(f"| 3. failover, collector a SIGKILLed mid-upload, catalog.lease-time={lease}, agents at {int(rate) / 1e6:.0f} MB/s "
      f"| {len(R)} of {n} agents of a cut; kill -> complete on a survivor: {s(col(4))} "
      f"| parts (median, range): kill -> 'failing over' {s(col(1))}; -> kernel log stored on the survivor (a's lease) {s(col(2))}; "
      f"-> dump answered complete (sent again from byte 0, {int(size) / int(rate):.0f} s at the link's rate) {s(col(3))} "
      f"| every host complete, byte-identical, downloadable from both survivors; {marked} |")
PY
}

for p in $parts; do
    case "$p" in
        ingest) part_ingest ;; failover) part_failover ;;
        *) fail "unknown part $p (ingest, failover)" ;;
    esac
done
echo "| figure | result | detail | notes |"
echo "|---|---|---|---|"
cat "$results"
keep=0
