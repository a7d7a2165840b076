#!/bin/bash
# Benchmark (not a test): one flattened stream sent with the OpenSSH client (its default
# cipher choice) into vmcored's SSH receiver as RHEL's kdump.sh sends it (dd into
# vmcore-incomplete, then mv to vmcore.flat), against the same stream into a private OpenSSH
# sshd (own config, loopback port) running `makedumpfile -R`; then PARALLEL concurrent uploads
# into vmcored with a 512 MiB heap.
#
# Each round times both tools, in alternating order (ABAB/BABA: round 1 vmcored first,
# round 2 sshd first ...), so a drift of this shared VM's speed falls on both. Two points are
# timed per upload:
#   answered  vmcored: the client's mv returned (vmcored answers once the stream is received
#             and rearranged into the page cache); sshd: makedumpfile -R exited (timestamp
#             taken by the remote shell).
#   on disk   vmcored: its manifest shows the file `synced` (forced to disk and checksummed
#             in the background, docs/server.md "Durability"); sshd: `sync FILE` (fsync) after
#             makedumpfile -R, the ssh command returned. Both sides to the same durability.
# vmcored's answered time includes a second ssh login (the mv), the sshd side has one.
# Beside wall time, CPU seconds (which swing less than wall time on this VM) up to "on disk":
# vmcored per thread group (/proc/PID/task/*/stat), the sshd side as the CPU its listener
# reaped from its children (per-connection sshd, shell, makedumpfile, sync), and the ssh
# client (/usr/bin/time). The last untimed step of every upload (after the on-disk point) is
# the comparison of the stored dump with the oracle (makedumpfile -R of the stream): any
# difference, and any upload that did not store a dump, ends the script with exit 1.
#
# Usage: bench/ssh-bench.sh [STREAM] [ROUNDS]
#   STREAM defaults to $VMCORED_FIXTURES/streams/elf-d0.flat (~530 MB; fixtures/make-fixtures.sh),
#   ROUNDS to 5. Medians of the rounds with their min-max; ratios are per round (paired).
#   CONCURRENT_STREAM (default streams/kdump-lzo-d31.flat) for the PARALLEL (64) uploads.
#   SHORT=1: a smoke test (streams/kdump-lzo-d31.flat, 2 rounds, 8 parallel uploads), under a minute.
#   VMCORED_JAR: the shaded jar (default: built into server/target-bench/vmcored.jar).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
if [ -n "${SHORT:-}" ]; then
    stream=${1:-$fixtures/streams/kdump-lzo-d31.flat}; rounds=${2:-2}; parallel=${PARALLEL:-8}
else
    stream=${1:-$fixtures/streams/elf-d0.flat}; rounds=${2:-5}; parallel=${PARALLEL:-64}
fi
small=${CONCURRENT_STREAM:-$fixtures/streams/kdump-lzo-d31.flat}
work=${BENCH_WORK:-$here/bench/work}/ssh
jar=${VMCORED_JAR:-$here/server/target-bench/vmcored.jar}
for f in "$stream" "$small"; do
    [ -f "$f" ] || { echo "no stream at $f: run fixtures/make-fixtures.sh" >&2; exit 1; }
done
command -v makedumpfile >/dev/null && [ -x /usr/sbin/sshd ] && [ -x /usr/bin/time ] ||
    { echo "needs makedumpfile, openssh-server and time" >&2; exit 1; }
if [ ! -f "$jar" ]; then
    (cd "$here" && mvn -B -q -o -DskipTests -Dvmcored.target=target-bench -pl protocol,server package) >&2
fi

rm -rf "$work"; mkdir -p "$work"/{client,sshd,mdf}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
fail() { echo "ssh-bench: $*" >&2; exit 1; }
# the oracle: makedumpfile -R of the stream (the fixture's .dump when it has one)
oracle_of() {
    local s=$1 o=${1%.flat}.dump
    if [ ! -f "$o" ]; then o="$work/$(basename "${s%.flat}").oracle"; makedumpfile -R "$o" < "$s" > /dev/null 2>&1; fi
    echo "$o"
}
# same DUMP ORACLE WHAT: exit 1 naming the dump unless it equals the oracle byte for byte
same() { [ -f "$1" ] || fail "$3: no dump stored at $1"; cmp -s "$1" "$2" || fail "$3: $1 differs from makedumpfile -R's output $2"; }

ssh-keygen -q -t rsa -b 3072 -N '' -f "$work/client/kdump_id_rsa"
key="$work/client/kdump_id_rsa"

# --- vmcored ---
vport=$(free_port)
java -jar "$jar" keys add bench "$key.pub" --state "$work/state" >/dev/null
java -Xmx512m -jar "$jar" serve --bind 127.0.0.1 --ssh-port "$vport" --ingest-port -1 --http-port -1 \
    --spool "$work/spool" --state "$work/state" --set spool.min-free=0 > "$work/vmcored.log" 2>&1 &
vpid=$!; pids+=("$vpid")
for _ in $(seq 100); do grep -q "ssh listening" "$work/vmcored.log" && break; sleep 0.1; done
echo "[127.0.0.1]:$vport $(ssh-keygen -y -f "$work/state/ssh_host_ecdsa_key")" > "$work/client/known_hosts"

# --- private OpenSSH sshd running makedumpfile -R ---
sport=$(free_port)
mkdir -p /run/sshd
ssh-keygen -q -t ecdsa -N '' -f "$work/sshd/host_key"
cp "$key.pub" "$work/sshd/authorized_keys"
cat > "$work/sshd/sshd_config" <<CFG
Port $sport
ListenAddress 127.0.0.1
HostKey $work/sshd/host_key
AuthorizedKeysFile $work/sshd/authorized_keys
PidFile $work/sshd/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
CFG
/usr/sbin/sshd -D -e -f "$work/sshd/sshd_config" 2> "$work/sshd/sshd.log" &
spid=$!; pids+=("$spid")
sleep 0.5
echo "[127.0.0.1]:$sport $(cut -d' ' -f1-2 "$work/sshd/host_key.pub")" >> "$work/client/known_hosts"

sshopts=(-F none -i "$key" -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes
         -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$work/client/known_hosts" -o LogLevel=ERROR)
user=$(id -un)
cipher_of() { ssh -v -p "$1" "${sshopts[@]}" "$user@127.0.0.1" exit 2>&1 | sed -n 's/.*kex: server->client cipher: \([^ ]*\).*/\1/p' | head -1; }

# CPU ticks (1/100 s): "group user system" per vmcored thread group (event loops, sshd-*, file, sync, C2 ...)
thread_ticks() {
    for t in /proc/"$vpid"/task/*; do
        printf '%s %s\n' "$(tr ' ' _ < "$t/comm" 2>/dev/null)" "$(cut -d')' -f2 "$t/stat" 2>/dev/null | awk '{ print $12, $13 }')"
    done | awk 'NF == 3 { n = $1; sub(/-[0-9]+$/, "", n); u[n] += $2; s[n] += $3 } END { for (k in u) print k, u[k], s[k] }' | sort
}
reaped_ticks() { cut -d')' -f2 "/proc/$spid/stat" | awk '{ print $14 + $15 }'; }   # cutime + cstime
# user+system seconds of the ssh clients of one upload, summed from /usr/bin/time's lines
client_cpu() { awk '{ s += $1 + $2 } END { printf "%.2f", s }' "$1"; }

oracle=$(oracle_of "$stream")
size=$(stat -c %s "$stream")
seq_no=0   # dump directories: one per upload, never reused

# vmcored_upload STREAM ORACLE NAME -> "answered_s ondisk_s server_cpu_s client_cpu_s" on stdout; the dump
# is then checked against the oracle (call it directly, not in $(...): a mismatch must end the script)
vmcored_upload() {
    local s=$1 oracle=$2 what=$3 d dir t0 t1 t2 stored
    seq_no=$((seq_no + 1))
    d="/var/crash/127.0.0.1-2026-01-01-00:$(printf %02d $((seq_no / 60))):$(printf %02d $((seq_no % 60)))"
    dir="$work/spool/bench/${d##*/}"
    : > "$work/client.time"
    thread_ticks > "$work/ticks0"
    t0=$(now)
    /usr/bin/time -a -o "$work/client.time" -f '%U %S' ssh -p "$vport" "${sshopts[@]}" "$user@127.0.0.1" \
        "mkdir -p $d && umask 0077 && dd bs=512 of='$d/vmcore-incomplete'" < "$s"
    /usr/bin/time -a -o "$work/client.time" -f '%U %S' ssh -p "$vport" "${sshopts[@]}" "$user@127.0.0.1" \
        "mv '$d/vmcore-incomplete' '$d/vmcore.flat'"
    t1=$(now)
    for _ in $(seq 6000); do grep -q '"synced"' "$dir/manifest.json" 2>/dev/null && break; sleep 0.01; done
    t2=$(now)
    grep -q '"synced"' "$dir/manifest.json" || fail "$what: $dir/vmcore not synced within 60 s"
    thread_ticks | join "$work/ticks0" - | awk '{ u = $4 - $2; s = $5 - $3; if (u + s > 0) print $1, u + s }' > "$work/ticks.$seq_no"
    # untimed: the crash analysis reads the dump after it is complete; let it finish first
    for _ in $(seq 500); do grep -q '"analysis"' "$dir/manifest.json" 2>/dev/null && break; sleep 0.01; done
    stored="$dir/vmcore"
    same "$stored" "$oracle" "$what (vmcored)"
    truncate -s 0 "$stored"   # frees the data, not the inode (see tcp-bench.sh on ext4's inode allocator)
    awk -v a="$t0" -v b="$t1" -v c="$t2" -v cpu="$(awk '{ s += $2 } END { print s / 100 }' "$work/ticks.$seq_no")" \
        -v cl="$(client_cpu "$work/client.time")" 'BEGIN { printf "%.3f %.3f %.2f %s\n", b - a, c - a, cpu, cl }'
}

# sshd_upload STREAM ORACLE NAME -> the same for sshd + makedumpfile -R
sshd_upload() {
    local s=$1 oracle=$2 what=$3 out=$work/mdf/vmcore t0 t1 t2 c0 c1
    rm -f "$out"
    : > "$work/client.time"
    c0=$(reaped_ticks)
    t0=$(now)
    t1=$(/usr/bin/time -a -o "$work/client.time" -f '%U %S' ssh -p "$sport" "${sshopts[@]}" "$user@127.0.0.1" \
        "makedumpfile -R $out > /dev/null 2>&1 && date +%s.%N && sync $out" < "$s")
    t2=$(now)
    # the listener reaps the connection's sshd (and so its children's CPU) just after the client returns
    for _ in $(seq 200); do [ -z "$(pgrep -P "$spid")" ] && break; sleep 0.01; done
    c1=$(reaped_ticks)
    same "$out" "$oracle" "$what (sshd + makedumpfile -R)"
    awk -v a="$t0" -v b="$t1" -v c="$t2" -v cpu="$(( c1 - c0 ))" -v cl="$(client_cpu "$work/client.time")" \
        'BEGIN { printf "%.3f %.3f %.2f %s\n", b - a, c - a, cpu / 100, cl }'
}

# untimed before every timed upload: earlier dirty data written out, the stream in the page cache
settle() { sync; cat "$1" > /dev/null; }

echo "stream: $stream ($((size / 1048576)) MiB), rounds: $rounds, $(nproc) cores, load at start: $(load)"
echo "ciphers picked by the OpenSSH client: vmcored $(cipher_of "$vport"), sshd $(cipher_of "$sport")"
# one untimed upload each: vmcored's JIT compiles its ingest path, as in a long-running daemon
settle "$stream"; vmcored_upload "$stream" "$oracle" "warm-up" > /dev/null
settle "$stream"; sshd_upload "$stream" "$oracle" "warm-up" > /dev/null

: > "$work/results"
for r in $(seq "$rounds"); do
    order="vmcored sshd"; [ $((r % 2)) = 0 ] && order="sshd vmcored"
    line="round $r ($order, load $(load)):"
    for tool in $order; do
        settle "$stream"
        "${tool}_upload" "$stream" "$oracle" "round $r" > "$work/one"
        read -r ans disk cpu cl < "$work/one"
        [ "$tool" = vmcored ] && line="$line vmcored CPU by thread group: $(sort -k2 -nr "$work/ticks.$seq_no" | head -n 6 | awk '{ printf "%s %.2f s ", $1, $2 / 100 }');"
        echo "$r $tool $ans $disk $cpu $cl" >> "$work/results"
        line="$line $tool answered ${ans} s, on disk ${disk} s, server CPU ${cpu} s, client CPU ${cl} s;"
    done
    echo "$line"
done
echo "load at end: $(load)"

python3 - "$work/results" "$size" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
size = int(sys.argv[2])
by = {}
for r, tool, ans, disk, cpu, cl in rows:
    by.setdefault(tool, {})[int(r)] = (float(ans), float(disk), float(cpu), float(cl))
rounds = sorted(by["vmcored"])
def spread(xs, f="{:.0f}"):
    return f"{f.format(statistics.median(xs))} ({f.format(min(xs))}-{f.format(max(xs))})"
print(f"\nmedian (min-max) of {len(rounds)} rounds; ratios per round, vmcored / sshd + makedumpfile -R")
print("| measure | vmcored | sshd + makedumpfile -R | ratio (vmcored / sshd) |")
print("|---|---|---|---|")
for i, name in ((0, "MB/s until answered"), (1, "MB/s until on disk")):
    v = [size / by["vmcored"][r][i] / 1e6 for r in rounds]
    s = [size / by["sshd"][r][i] / 1e6 for r in rounds]
    print(f"| {name} | {spread(v)} | {spread(s)} | {spread([a / b for a, b in zip(v, s)], '{:.2f}x')} |")
for i, name in ((2, "server CPU s until on disk"), (3, "ssh client CPU s")):
    v = [by["vmcored"][r][i] for r in rounds]
    s = [by["sshd"][r][i] for r in rounds]
    print(f"| {name} | {spread(v, '{:.2f}')} | {spread(s, '{:.2f}')} | {spread([a / b for a, b in zip(v, s) if b], '{:.2f}x')} |")
PY
echo "every stored dump (warm-up and $rounds rounds, both tools) byte-identical to makedumpfile -R"

# --- PARALLEL concurrent uploads into vmcored (-Xmx512m) ---
ssize=$(stat -c %s "$small")
small_oracle=$(oracle_of "$small")
settle "$small"
t0=$(now)
cpids=()
for i in $(seq "$parallel"); do
    d="/var/crash/10.0.$((i / 256)).$((i % 256))-2026-01-01-00:00:00"
    ( ssh -p "$vport" "${sshopts[@]}" "$user@127.0.0.1" "mkdir -p $d && umask 0077 && dd bs=512 of='$d/vmcore-incomplete'" < "$small" &&
      ssh -p "$vport" "${sshopts[@]}" "$user@127.0.0.1" "mv '$d/vmcore-incomplete' '$d/vmcore.flat'" ) &
    cpids+=($!)
done
failed=0
for p in "${cpids[@]}"; do wait "$p" || failed=$((failed + 1)); done
t1=$(now)
for _ in $(seq 6000); do
    [ "$(grep -l '"synced"' "$work"/spool/bench/10.0.*/manifest.json 2>/dev/null | wc -l)" -ge "$parallel" ] && break; sleep 0.02
done
t2=$(now)
kill -0 "$vpid" || fail "vmcored died (see $work/vmcored.log)"
heap=$(jcmd "$vpid" GC.heap_info 2>/dev/null | grep -m1 -o 'total [0-9]*K, used [0-9]*K' || true)
complete=$(grep -l '"state" : "complete"' "$work"/spool/bench/10.0.*/manifest.json 2>/dev/null | wc -l)
synced=$(grep -l '"synced"' "$work"/spool/bench/10.0.*/manifest.json 2>/dev/null | wc -l)
agg() { python3 -c "print(f'{$ssize * $parallel / 1e6 / ($2 - $1):.0f}')"; }
echo "$parallel concurrent uploads of $((ssize / 1048576)) MiB: $failed failed, $complete manifests complete, $synced synced;" \
     "$(agg "$t0" "$t1") MB/s aggregate until answered, $(agg "$t0" "$t2") MB/s until all synced; -Xmx512m, heap now: $heap; load $(load)"
[ "$failed" = 0 ] || fail "$failed of $parallel concurrent uploads failed (see $work/vmcored.log)"
for i in $(seq "$parallel"); do
    same "$work/spool/bench/10.0.$((i / 256)).$((i % 256))-2026-01-01-00:00:00/vmcore" "$small_oracle" "concurrent upload $i"
done
echo "all $parallel stored dumps byte-identical to makedumpfile -R"
oom=$(grep -c -i 'OutOfMemory' "$work/vmcored.log" || true)
echo "OutOfMemoryError lines in log: $oom"
[ "$oom" = 0 ] || fail "vmcored ran out of memory (see $work/vmcored.log)"
