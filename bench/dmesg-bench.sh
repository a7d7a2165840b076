#!/bin/bash
# Benchmark (not a test): kernel log extraction, `vmcored inspect --dmesg` vs
# `makedumpfile --dump-dmesg`, on the same dump, whole processes (JVM start
# included), one run each after a warm-up that puts the dump in the page cache.
# Usage: bench/dmesg-bench.sh [DUMP]
#   DUMP defaults to the biggest dump in the fixture cache (makedumpfile cannot read
#   flattened streams, so .flat files are not candidates).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
dump=${1:-$(find "$fixtures" \( -name '*.dump' -o -name 'vmcore.elf' \) -type f -printf '%s %p\n' 2>/dev/null \
    | sort -n | tail -n 1 | cut -d' ' -f2-)}
[ -n "$dump" ] && [ -f "$dump" ] || { echo "no dump found in $fixtures: run fixtures/make-fixtures.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$here/vmcored" inspect --dmesg "$dump" > /dev/null   # build the jar if stale, warm the page cache
cat "$dump" > /dev/null

now() { date +%s.%N; }
t0=$(now); makedumpfile --dump-dmesg "$dump" "$work/mdf.txt" > /dev/null 2>&1; t1=$(now)
"$here/vmcored" inspect --dmesg "$dump" > "$work/vmc.txt"; t2=$(now)
"$here/vmcored" --version > /dev/null; t3=$(now)   # JVM start-up floor, for reading the ratio
if cmp -s "$work/mdf.txt" "$work/vmc.txt"; then identical=yes; else identical=NO; fi

size=$(stat -c %s "$dump")
echo "dump: $dump ($((size / 1048576)) MiB), $(wc -l < "$work/vmc.txt") log lines, $(nproc) cores"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v same="$identical" 'BEGIN {
    m = b - a; v = c - b; j = d - c
    printf "makedumpfile --dump-dmesg: %.3f s\n", m
    printf "vmcored inspect --dmesg:   %.3f s\n", v
    printf "ratio vmcored/makedumpfile: %.2f\n", v / m
    printf "vmcored --version (JVM start-up alone): %.3f s\n", j
    printf "output identical: %s\n", same
}'
