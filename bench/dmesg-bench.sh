#!/bin/bash
# Benchmark (not a test): kernel log extraction, `vmcored inspect --dmesg` vs
# `makedumpfile --dump-dmesg`, on the same dump, whole processes (JVM start included),
# RUNS rounds after a warm-up that puts the dump in the page cache. Every round runs both
# tools, in alternating order, and `vmcored --version` (the JVM's start-up alone, for
# reading the ratio); medians with min-max, and each tool's user+system CPU (/usr/bin/time).
# Every round's two logs are compared after the round: a difference ends the script with
# exit 1 and a line naming the dump.
# Usage: bench/dmesg-bench.sh [DUMP] [RUNS]
#   DUMP defaults to the biggest dump in the fixture cache (makedumpfile cannot read
#   flattened streams, so .flat files are not candidates); RUNS to 5.
#   SHORT=1: a smoke test (3 rounds), a few seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
dump=${1:-$(find "$fixtures" \( -name '*.dump' -o -name 'vmcore.elf' \) -type f -printf '%s %p\n' 2>/dev/null \
    | sort -n | tail -n 1 | cut -d' ' -f2-)}
runs=${2:-5}; [ -n "${SHORT:-}" ] && runs=${2:-3}
[ -n "$dump" ] && [ -f "$dump" ] || { echo "no dump found in $fixtures: run fixtures/make-fixtures.sh" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$here/vmcored" inspect --dmesg "$dump" > /dev/null   # build the jar if stale, warm the page cache
cat "$dump" > /dev/null

now() { date +%s.%N; }
# run TOOL: one timed whole-process run, "TOOL seconds cpu_seconds" appended to $work/times
run() {
    local t0 t1
    t0=$(now)
    case $1 in
        makedumpfile) /usr/bin/time -o "$work/cpu" -f '%U %S' makedumpfile --dump-dmesg "$dump" "$work/mdf.txt" > /dev/null 2>&1 ;;
        vmcored) /usr/bin/time -o "$work/cpu" -f '%U %S' "$here/vmcored" inspect --dmesg "$dump" > "$work/vmc.txt" ;;
        jvm-start) /usr/bin/time -o "$work/cpu" -f '%U %S' "$here/vmcored" --version > /dev/null ;;
    esac
    t1=$(now)
    awk -v t="$1" -v a="$t0" -v b="$t1" '{ printf "%s %.4f %.2f\n", t, b - a, $1 + $2 }' "$work/cpu" >> "$work/times"
}

: > "$work/times"
for r in $(seq "$runs"); do
    order="makedumpfile vmcored"; [ $((r % 2)) = 0 ] && order="vmcored makedumpfile"
    rm -f "$work/mdf.txt" "$work/vmc.txt"
    for t in $order jvm-start; do run "$t"; done
    cmp -s "$work/mdf.txt" "$work/vmc.txt" ||
        { echo "dmesg-bench: round $r: vmcored inspect --dmesg of $dump differs from makedumpfile --dump-dmesg" >&2; exit 1; }
done

size=$(stat -c %s "$dump")
echo "dump: $dump ($((size / 1048576)) MiB), $(wc -l < "$work/vmc.txt") log lines, $(nproc) cores, $runs rounds, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/times" <<'PY'
import statistics, sys
t, c = {}, {}
for line in open(sys.argv[1]):
    tool, s, cpu = line.split()
    t.setdefault(tool, []).append(float(s))
    c.setdefault(tool, []).append(float(cpu))
def spread(xs):
    return f"{statistics.median(xs):.3f} s ({min(xs):.3f}-{max(xs):.3f})"
names = {"makedumpfile": "makedumpfile --dump-dmesg", "vmcored": "vmcored inspect --dmesg",
         "jvm-start": "vmcored --version (JVM start-up alone)"}
print("median (min-max) of the rounds: wall time | user+system CPU")
for k in ("makedumpfile", "vmcored", "jvm-start"):
    print(f"{names[k] + ':':40s} {spread(t[k])} | {spread(c[k])}")
r = [v / m for v, m in zip(t["vmcored"], t["makedumpfile"])]
print(f"ratio vmcored/makedumpfile, per round: {statistics.median(r):.1f} ({min(r):.1f}-{max(r):.1f})")
print("output identical in every round: yes")
PY
