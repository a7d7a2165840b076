#!/bin/bash
# Benchmark (not a test): one flattened stream sent with the OpenSSH client (its default
# cipher choice) into vmcored's SSH receiver, against the same stream into a private OpenSSH
# sshd (own config, loopback port) running `makedumpfile -R`; then 64 concurrent uploads into
# vmcored with a 512 MiB heap. Both stored dumps are compared with the makedumpfile -R oracle.
# Usage: bench/ssh-bench.sh [STREAM] [RUNS]
#   STREAM defaults to $VMCORED_FIXTURES/streams/elf-d0.flat (~550 MB; fixtures/make-fixtures.sh).
#   CONCURRENT_STREAM (default streams/kdump-lzo-d31.flat) is used for the 64 parallel uploads.
#   VMCORED_JAR: the shaded jar (default: built into server/target-bench/vmcored.jar).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
stream=${1:-$fixtures/streams/elf-d0.flat}
runs=${2:-3}
small=${CONCURRENT_STREAM:-$fixtures/streams/kdump-lzo-d31.flat}
parallel=${PARALLEL:-64}
work=${BENCH_WORK:-$here/bench/work}/ssh
jar=${VMCORED_JAR:-$here/server/target-bench/vmcored.jar}
[ -f "$stream" ] || { echo "no stream at $stream: run fixtures/make-fixtures.sh" >&2; exit 1; }
[ -f "$small" ] || { echo "no stream at $small: run fixtures/make-fixtures.sh" >&2; exit 1; }
if [ ! -f "$jar" ]; then
    (cd "$here" && mvn -B -q -o -DskipTests -Dvmcored.target=target-bench -pl protocol,server package) >&2
fi

rm -rf "$work"; mkdir -p "$work"/{client,sshd,mdf}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
mbps() { python3 -c "print(f'{$1/1e6/($3-$2):.0f}')"; }

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
echo "[127.0.0.1]:$sport $(cat "$work/sshd/host_key.pub" | cut -d' ' -f1-2)" >> "$work/client/known_hosts"

sshopts=(-F none -i "$key" -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes
         -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$work/client/known_hosts" -o LogLevel=ERROR)
user=$(id -un)
cipher_of() { ssh -v -p "$1" "${sshopts[@]}" "$user@127.0.0.1" exit 2>&1 | sed -n 's/.*kex: server->client cipher: \([^ ]*\).*/\1/p' | head -1; }

cat "$stream" > /dev/null  # page cache
size=$(stat -c %s "$stream")
oracle="$work/oracle.dump"
makedumpfile -R "$oracle" < "$stream" > /dev/null 2>&1
echo "stream: $stream ($((size / 1048576)) MiB), runs: $runs, $(nproc) cores"
echo "ciphers picked by the OpenSSH client: vmcored $(cipher_of "$vport"), sshd $(cipher_of "$sport")"

best_v=0; best_s=0; best_sd=0
for run in $(seq "$runs"); do
    d="/var/crash/127.0.0.1-2026-01-01-00:00:0$run"
    t0=$(now)
    ssh -p "$vport" "${sshopts[@]}" "$user@127.0.0.1" "mkdir -p $d && umask 0077 && dd bs=512 of='$d/vmcore-incomplete'" < "$stream"
    ssh -p "$vport" "${sshopts[@]}" "$user@127.0.0.1" "mv '$d/vmcore-incomplete' '$d/vmcore.flat'"
    t1=$(now)
    rm -f "$work/mdf/vmcore"
    ssh -p "$sport" "${sshopts[@]}" "$user@127.0.0.1" "makedumpfile -R $work/mdf/vmcore" < "$stream" > /dev/null
    t2=$(now)
    # vmcored fsyncs a dump before it reports success; makedumpfile -R does not: the same durability costs this
    rm -f "$work/mdf/vmcore"; sync
    t3=$(now)
    ssh -p "$sport" "${sshopts[@]}" "$user@127.0.0.1" "makedumpfile -R $work/mdf/vmcore && sync $work/mdf/vmcore" < "$stream" > /dev/null
    t4=$(now)
    v=$(mbps "$size" "$t0" "$t1"); s=$(mbps "$size" "$t1" "$t2"); sd=$(mbps "$size" "$t3" "$t4")
    echo "run $run: vmcored $v MB/s, sshd+makedumpfile -R $s MB/s, sshd+makedumpfile -R+sync $sd MB/s"
    [ "$v" -gt "$best_v" ] && best_v=$v; [ "$s" -gt "$best_s" ] && best_s=$s; [ "$sd" -gt "$best_sd" ] && best_sd=$sd
    sync
    stored="$work/spool/bench/127.0.0.1-2026-01-01-00:00:0$run/vmcore"
    cmp -s "$oracle" "$stored" || { echo "vmcored dump differs from makedumpfile -R" >&2; exit 1; }
    cmp -s "$oracle" "$work/mdf/vmcore" || { echo "sshd dump differs from makedumpfile -R" >&2; exit 1; }
    rm -f "$stored"
done
echo "best: vmcored $best_v MB/s, sshd+makedumpfile -R $best_s MB/s (ratio $(python3 -c "print(f'{$best_v/$best_s:.2f}')")x), with sync $best_sd MB/s (ratio $(python3 -c "print(f'{$best_v/$best_sd:.2f}')")x); all byte-identical to makedumpfile -R"

# --- 64 concurrent uploads into vmcored (-Xmx512m) ---
ssize=$(stat -c %s "$small")
cat "$small" > /dev/null
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
complete=$(grep -l '"state" : "complete"' "$work"/spool/bench/10.0.*/manifest.json 2>/dev/null | wc -l)
kill -0 "$vpid" || { echo "vmcored died (see $work/vmcored.log)" >&2; exit 1; }
heap=$(jcmd "$vpid" GC.heap_info 2>/dev/null | grep -m1 -o 'total [0-9]*K, used [0-9]*K' || true)
echo "$parallel concurrent uploads of $((ssize / 1048576)) MiB: $failed failed, $complete manifests complete, $(mbps $((ssize * parallel)) "$t0" "$t1") MB/s aggregate, -Xmx512m, heap now: $heap"
bad=0
for f in "$work"/spool/bench/10.0.*/vmcore; do cmp -s "$f" "${small%.flat}.dump" || bad=$((bad + 1)); done
echo "stored dumps differing from the oracle: $bad"
grep -c -i 'OutOfMemory' "$work/vmcored.log" | sed 's/^/OutOfMemoryError lines in log: /'
