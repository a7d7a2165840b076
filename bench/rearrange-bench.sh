#!/bin/bash
# Benchmark: `vmcored rearrange` vs `makedumpfile -R` vs a plain `cat` of the same
# flattened stream into a file, whole processes (JVM start included), one run.
# Usage: bench/rearrange-bench.sh [STREAM] [ROUNDS]
#   STREAM defaults to $VMCORED_FIXTURES/bench/big.flat (fixtures/make-bench-stream.sh makes it).
#
# The tools are interleaved: every round runs each tool once. Why: on this VM the host
# takes back memory the guest frees (free page reporting) and DAMON pages out what stays
# cold, so now and then a run's pages must first be faulted in again by the host and that
# run takes 2-3x as long. Runs of one tool in a block (hyperfine's way) let such a stretch
# fall on one tool; interleaving spreads it over all of them. Medians are compared.
# Each output is deleted and `sync`ed before each run, and the stream is read right before
# it, so every tool reads it from the page cache (this VM's DAMON pages out memory left
# cold for a few seconds, the stream's page cache included).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
stream=${1:-$fixtures/bench/big.flat}
rounds=${2:-11}
work=${BENCH_WORK:-$here/bench/work}
[ -f "$stream" ] || { echo "no stream at $stream: run fixtures/make-bench-stream.sh" >&2; exit 1; }
command -v makedumpfile >/dev/null || { echo "makedumpfile missing: apt-get install makedumpfile" >&2; exit 1; }
mkdir -p "$work"
trap 'rm -f "$work"/out.* "$work"/check.*' EXIT
"$here/vmcored" rearrange -f "$work/out.warm" < "$stream"   # build + CDS archive + warm-up
cat "$stream" > /dev/null

size=$(stat -c %s "$stream")
echo "stream: $stream ($((size / 1048576)) MiB), rounds: $rounds, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"

# After deleting the previous output: wait until the disk has been idle for 0.3 s (max 10 s).
# This VM's root file system is mounted with `discard`, so deleting a 2 GB file sends the
# host 2 GB of discards in the background, which would land on whichever run comes next.
quiesce() {
    local idle=0 i
    for i in $(seq 100); do
        if [ "$(awk '{ s += $12 } END { print s + 0 }' /proc/diskstats)" = 0 ]; then
            idle=$((idle + 1)); [ $idle -ge 3 ] && return
        else
            idle=0
        fi
        sleep 0.1
    done
}

run_tool() {   # tool -> milliseconds of one whole-process run
    rm -f "$work"/out.*; sync; quiesce
    cat "$stream" > /dev/null   # back into the page cache if the VM's DAMON paged it out meanwhile
    local s e
    s=$(date +%s%N)
    case $1 in
        cat|settle) cat "$stream" > "$work/out.cat" ;;
        makedumpfile-R) makedumpfile -R "$work/out.mdf" < "$stream" > /dev/null ;;
        vmcored-rearrange) "$here/vmcored" rearrange "$work/out.vmc" < "$stream" ;;
    esac
    e=$(date +%s%N)
    echo $(((e - s) / 1000000))
}

: > "$work/times"
for r in $(seq "$rounds"); do
    # cat and vmcored alternate who goes first; makedumpfile -R runs first in each round and
    # is followed by one untimed copy: on this VM the run right after makedumpfile -R's 2 GB
    # of 4 KiB writes was deleted is 1.5-3x slower, whichever tool it is.
    order="cat vmcored-rearrange"; [ $((r % 2)) = 0 ] && order="vmcored-rearrange cat"
    line="round $r:"
    for t in makedumpfile-R settle $order; do
        ms=$(run_tool "$t")
        [ "$t" = settle ] && continue
        echo "$t $ms" >> "$work/times"
        line="$line $t ${ms}ms"
    done
    echo "$line" >&2
done

makedumpfile -R "$work/check.mdf" < "$stream" >/dev/null
"$here/vmcored" rearrange "$work/check.vmc" < "$stream"
if cmp -s "$work/check.mdf" "$work/check.vmc"; then identical=yes; else identical=NO; fi

python3 - "$work/times" "$size" "$identical" <<'PY'
import statistics, sys, datetime
times = {}
for line in open(sys.argv[1]):
    tool, ms = line.split()
    times.setdefault(tool, []).append(int(ms) / 1000)
size = int(sys.argv[2])
med = {k: statistics.median(v) for k, v in times.items()}
print("\n| tool | median s | min s | max s | GB/s (median) |")
print("|---|---|---|---|---|")
for k in ("cat", "makedumpfile-R", "vmcored-rearrange"):
    v = times[k]
    print(f"| {k} | {med[k]:.3f} | {min(v):.3f} | {max(v):.3f} | {size / med[k] / 1e9:.2f} |")
v = med["vmcored-rearrange"]
print(f"\nvmcored vs makedumpfile -R: {med['makedumpfile-R'] / v:.2f}x faster (target >= 4x)")
print(f"vmcored time / cat time:    {v / med['cat']:.2f} (target <= 1.10; fastest runs: "
      f"{min(times['vmcored-rearrange']) / min(times['cat']):.2f})")
print(f"output byte-identical to makedumpfile -R: {sys.argv[3]}")
print(f"\nrow for docs/performance.md:\n| {datetime.date.today()}, {len(times['cat'])} rounds | {med['cat']:.3f} s | "
      f"{med['makedumpfile-R']:.3f} s | {v:.3f} s | {med['makedumpfile-R'] / v:.2f}x faster | {v / med['cat']:.2f}x the time |")
PY
