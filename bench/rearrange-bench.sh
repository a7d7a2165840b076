#!/bin/bash
# Benchmark: `vmcored rearrange` vs `makedumpfile -R` vs a plain `cat` of the same
# flattened stream into a file, whole processes (JVM start included), one run.
# Usage: bench/rearrange-bench.sh [STREAM] [ROUNDS]
#   STREAM defaults to $VMCORED_FIXTURES/bench/big.flat (fixtures/make-bench-stream.sh makes it).
#   SHORT=1: a smoke test (streams/kdump-none-d31.flat, 3 rounds), under a minute.
# Beside wall time, each tool's user+system CPU seconds (/usr/bin/time), which swing less.
# Every output of every round is compared after its run (outside the timed window): cat's with
# the stream, makedumpfile -R's and vmcored's with the oracle (makedumpfile -R of the stream);
# any difference ends the script with exit 1 and a line naming the file.
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
if [ -n "${SHORT:-}" ]; then
    stream=${1:-$fixtures/streams/kdump-none-d31.flat}; rounds=${2:-3}
else
    stream=${1:-$fixtures/bench/big.flat}; rounds=${2:-11}
fi
work=${BENCH_WORK:-$here/bench/work}
[ -f "$stream" ] || { echo "no stream at $stream: run fixtures/make-bench-stream.sh" >&2; exit 1; }
command -v makedumpfile >/dev/null || { echo "makedumpfile missing: apt-get install makedumpfile" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 1; }
mkdir -p "$work"
trap 'rm -f "$work"/out.* "$work"/rearrange.oracle "$work"/cpu' EXIT
"$here/vmcored" rearrange -f "$work/out.warm" < "$stream"   # build + CDS archive + warm-up
oracle=${stream%.flat}.dump   # the fixture's makedumpfile -R output, else made here (untimed)
[ -f "$oracle" ] || { oracle=$work/rearrange.oracle; makedumpfile -R "$oracle" < "$stream" > /dev/null; }
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

timed() { /usr/bin/time -o "$work/cpu" -f '%U %S' "$@"; }   # the tool's user and system seconds into $work/cpu
run_tool() {   # tool -> "milliseconds cpu_seconds" of one whole-process run
    rm -f "$work"/out.*; sync; quiesce
    cat "$stream" > /dev/null   # back into the page cache if the VM's DAMON paged it out meanwhile
    local s e
    s=$(date +%s%N)
    case $1 in
        cat|settle) timed cat "$stream" > "$work/out.cat" ;;
        makedumpfile-R) timed makedumpfile -R "$work/out.mdf" < "$stream" > /dev/null ;;
        vmcored-rearrange) timed "$here/vmcored" rearrange "$work/out.vmc" < "$stream" ;;
    esac
    e=$(date +%s%N)
    echo $(((e - s) / 1000000)) "$(awk '{ printf "%.2f", $1 + $2 }' "$work/cpu")"
}
# check TOOL: exit 1 unless the output of TOOL's last run equals what it must
check() {
    local out want
    case $1 in
        cat) out=$work/out.cat want=$stream ;;
        makedumpfile-R) out=$work/out.mdf want=$oracle ;;
        vmcored-rearrange) out=$work/out.vmc want=$oracle ;;
    esac
    cmp -s "$out" "$want" || { echo "rearrange-bench: round $r: $1's output $out differs from $want" >&2; exit 1; }
}

: > "$work/times"
for r in $(seq "$rounds"); do
    # cat and vmcored alternate who goes first; makedumpfile -R runs first in each round and
    # is followed by one untimed copy: on this VM the run right after makedumpfile -R's 2 GB
    # of 4 KiB writes was deleted is 1.5-3x slower, whichever tool it is.
    order="cat vmcored-rearrange"; [ $((r % 2)) = 0 ] && order="vmcored-rearrange cat"
    line="round $r:"
    for t in makedumpfile-R settle $order; do
        read -r ms cpu < <(run_tool "$t")
        [ "$t" = settle ] && continue
        check "$t"   # outside the timed window
        echo "$t $ms $cpu" >> "$work/times"
        line="$line $t ${ms}ms (CPU ${cpu}s)"
    done
    echo "$line" >&2
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work/times" "$size" "$rounds" <<'PY'
import statistics, sys, datetime
times, cpu = {}, {}
for line in open(sys.argv[1]):
    tool, ms, c = line.split()
    times.setdefault(tool, []).append(int(ms) / 1000)
    cpu.setdefault(tool, []).append(float(c))
size, rounds = int(sys.argv[2]), int(sys.argv[3])
med = {k: statistics.median(v) for k, v in times.items()}
# per-round ratios: the tools of one round ran within seconds of each other
ratio = lambda a, b: [x / y for x, y in zip(times[a], times[b])]
def spread(xs, f="{:.2f}"):
    return f"{f.format(statistics.median(xs))} ({f.format(min(xs))}-{f.format(max(xs))})"
print("\n| tool | median s | min s | max s | GB/s (median) | CPU s, median (min-max) |")
print("|---|---|---|---|---|---|")
for k in ("cat", "makedumpfile-R", "vmcored-rearrange"):
    v = times[k]
    print(f"| {k} | {med[k]:.3f} | {min(v):.3f} | {max(v):.3f} | {size / med[k] / 1e9:.2f} | {spread(cpu[k])} |")
v = med["vmcored-rearrange"]
faster, vs_cat = ratio("makedumpfile-R", "vmcored-rearrange"), ratio("vmcored-rearrange", "cat")
print(f"\nvmcored vs makedumpfile -R: {med['makedumpfile-R'] / v:.2f}x faster, medians (target >= 4x); "
      f"per round {spread(faster)}")
print(f"vmcored time / cat time:    {v / med['cat']:.2f}, medians (target <= 1.10); per round {spread(vs_cat)}")
print("every output of every round byte-identical (cat: the stream; makedumpfile -R, vmcored: the oracle)")
print(f"\nrow for docs/performance.md:\n| {datetime.date.today()}, bench/rearrange-bench.sh, {rounds} rounds | {med['cat']:.3f} s | "
      f"{med['makedumpfile-R']:.3f} s | {v:.3f} s | {med['makedumpfile-R'] / v:.2f}x faster (rounds {min(faster):.2f}-{max(faster):.2f}) | "
      f"{v / med['cat']:.2f}x the time (rounds {min(vs_cat):.2f}-{max(vs_cat):.2f}) |")
PY
