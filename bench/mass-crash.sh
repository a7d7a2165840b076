#!/bin/bash
# The mass-crash drill (not a test): one collector with -Xmx512m; HOSTS crashed hosts (default
# 1,000) starting at random moments within RAMP seconds (default 300), each speaking the agent's
# TCP protocol (bench/MassCrash.java: the kernel log first, then the dump file's HELLO, then
# whatever the admission decision says: the prepared stream of a real crash, END, or wait and ask
# again), plus SSH uploads (default 50) with the real OpenSSH client in RHEL's command sequence
# (mkdir, dd of the kernel log, mv, dd of the stream into vmcore-incomplete, mv to vmcore.flat).
# Two rounds on fresh spools: one crash for everybody; then two different crashes mixed (the
# second crash's log is the first's with another faulting function: another signature).
# Policy as shipped (3 full dumps per signature per 24 h) but admission.max-concurrent-full=2 and
# admission.wait=5s, so that waiting is exercised. Checks (exit 1 otherwise): every host answered
# and none lost; full dumps kept = 3 per signature among the agents; every SSH upload stored; the
# full dumps byte-identical to makedumpfile -R; the spool never below its watermark.
# Reported: counts, p50/p99 time from a host's start to its kernel log stored and to its decision,
# peak heap, peak open descriptors, the spool's lowest free space, the server's CPU seconds.
# Usage: bench/mass-crash.sh   (SHORT=1: 40 hosts in 10 s and 3 SSH uploads; HOSTS, RAMP, SSH_UPLOADS)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
if [ -n "${SHORT:-}" ]; then hosts=${HOSTS:-40} ramp=${RAMP:-10} sshn=${SSH_UPLOADS:-3}
else hosts=${HOSTS:-1000} ramp=${RAMP:-300} sshn=${SSH_UPLOADS:-50}; fi
stream=$fixtures/streams/kdump-zlib-d31.flat
oracle=$fixtures/streams/kdump-zlib-d31.dump
dmesg_a=$fixtures/streams/kdump-zlib-d31.dmesg
jar=${VMCORED_JAR:-$here/server/target/vmcored.jar}
[ -f "$jar" ] || (cd "$here" && mvn -q -o -pl server -am package -DskipTests)
work=$(mktemp -d "${BENCH_WORK:-$here/bench/work}/mass-crash.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "mass-crash: FAILED: $*" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || true

sed 's/sysrq_handle_crash/bench_nic_poll/g' "$dmesg_a" > "$work/dmesg-b.txt"
ssh-keygen -q -t ed25519 -N '' -f "$work/kdump_id"
javac -d "$work/gen" "$here/bench/MassCrash.java"

metric() { curl -s "http://127.0.0.1:$http/metrics" | awk -v m="$1" 'index($0, m) == 1 { s += $NF } END { printf "%.0f\n", s }'; }

# round NAME DMESG2: a fresh collector, the crowd and the SSH uploads at once; prints one line
round() {
    local name=$1 second=${2:-} dir=$work/$1
    mkdir -p "$dir"
    java -jar "$jar" keys add rhel "$work/kdump_id.pub" --state "$dir/state" > /dev/null
    java -Xmx512m -jar "$jar" serve --bind 127.0.0.1 --ingest-port 0 --http-port 0 --ssh-port 0 \
        --spool "$dir/spool" --state "$dir/state" --set spool.min-free=1G --set limits.max-connections=4096 \
        --set admission.max-concurrent-full=2 --set admission.wait=5s > "$dir/vmcored.log" 2>&1 &
    local pid=$!; pids+=("$pid")
    for _ in $(seq 300); do grep -q "vmcored started" "$dir/vmcored.log" && break; sleep 0.1; done
    grep -q "vmcored started" "$dir/vmcored.log" || fail "$name: the server did not start: $(tail -3 "$dir/vmcored.log")"
    tcp=$(sed -n 's/.* tcp listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$dir/vmcored.log")
    http=$(sed -n 's/.* http listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$dir/vmcored.log")
    sshp=$(sed -n 's/.* ssh listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$dir/vmcored.log")
    echo "[127.0.0.1]:$sshp $(ssh-keygen -y -f "$dir/state/ssh_host_ecdsa_key")" > "$dir/known_hosts"
    # heap, descriptors and free space every second, while the round runs
    ( while kill -0 "$pid" 2>/dev/null; do
          echo "$(metric 'jvm_memory_used_bytes{area="heap"') $(ls /proc/"$pid"/fd 2>/dev/null | wc -l) $(metric vmcored_spool_free_bytes)"
          sleep 1
      done > "$dir/samples" ) &
    pids+=($!)
    local ssh_ok=0 i
    ( java -cp "$work/gen" MassCrash "$tcp" "$hosts" "$ramp" "$stream" "$dmesg_a" $second > "$dir/crowd.out" 2> "$dir/crowd.err"; echo $? > "$dir/crowd.rc" ) &
    local crowd=$!
    local sshopts=(-F none -p "$sshp" -i "$work/kdump_id" -o IdentitiesOnly=yes -o BatchMode=yes
        -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$dir/known_hosts" -o LogLevel=ERROR)
    for i in $(seq "$sshn"); do
        sleep "$(awk -v r="$ramp" -v n="$sshn" 'BEGIN { printf "%.2f", r / n }')"
        (
            d=/var/crash/127.0.0.1-2026-12-07-00:00:$i
            ssh "${sshopts[@]}" root@127.0.0.1 "mkdir -p $d" < /dev/null &&
            ssh "${sshopts[@]}" root@127.0.0.1 "dd of=$d/vmcore-dmesg-incomplete.txt" < "$dmesg_a" 2> /dev/null &&
            ssh "${sshopts[@]}" root@127.0.0.1 "mv $d/vmcore-dmesg-incomplete.txt $d/vmcore-dmesg.txt" < /dev/null &&
            ssh "${sshopts[@]}" root@127.0.0.1 "dd bs=512 of=$d/vmcore-incomplete" < "$stream" 2> /dev/null &&
            ssh "${sshopts[@]}" root@127.0.0.1 "mv $d/vmcore-incomplete $d/vmcore.flat" < /dev/null && echo ok
        ) >> "$dir/ssh.out" 2>> "$dir/ssh.err" &
    done
    wait "$crowd"
    wait $(jobs -p | grep -v "^$pid$" | grep -v "^${pids[-1]}$") 2>/dev/null || true
    ssh_ok=$(grep -c '^ok$' "$dir/ssh.out" || true)
    local admission cpu full_dumps
    admission=$(curl -s "http://127.0.0.1:$http/api/v1/admission" -o "$dir/admission.json"; tr -d ' \n' < "$dir/admission.json")
    cpu=$(awk '{ printf "%.1f", ($14 + $15) / 100 }' /proc/"$pid"/stat)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    local crowd_line; crowd_line=$(cat "$dir/crowd.out")
    [ "$(cat "$dir/crowd.rc")" = 0 ] || fail "$name: hosts lost: $crowd_line $(head -5 "$dir/crowd.err")"
    [ "$ssh_ok" = "$sshn" ] || fail "$name: $ssh_ok of $sshn SSH uploads stored: $(head -3 "$dir/ssh.err")"
    local signatures=1; [ -n "$second" ] && signatures=2
    local full; full=$(echo "$crowd_line" | sed -n 's/.* full=\([0-9]*\).*/\1/p')
    [ "$full" = $((3 * signatures)) ] || fail "$name: $full full dumps among the agents, expected $((3 * signatures)): $crowd_line"
    full_dumps=0
    for f in "$dir"/spool/crash*/*/vmcore; do
        [ -f "$f" ] || continue
        cmp -s "$f" "$oracle" || fail "$name: $f differs from makedumpfile -R's output"
        full_dumps=$((full_dumps + 1))
    done
    [ "$full_dumps" = "$full" ] || fail "$name: $full_dumps dump files stored, $full granted"
    local peak_heap peak_fd min_free
    peak_heap=$(awk 'BEGIN { m = 0 } $1 > m { m = $1 } END { printf "%.0f", m / 1048576 }' "$dir/samples")
    peak_fd=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$dir/samples")
    min_free=$(awk 'BEGIN { m = -1 } $3 > 0 && (m < 0 || $3 < m) { m = $3 } END { printf "%.1f", m / 1073741824 }' "$dir/samples")
    awk '$3 > 0 && $3 < 1073741824 { bad = 1 } END { exit bad }' "$dir/samples" || fail "$name: the spool fell below its watermark"
    echo "$name: $crowd_line ssh=$ssh_ok/$sshn peak_heap_mib=$peak_heap peak_fds=$peak_fd min_free_gib=$min_free server_cpu_s=$cpu"
    echo "$name: admission $admission"
}

round one-crash
round two-crashes "$work/dmesg-b.txt"
