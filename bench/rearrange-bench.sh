#!/bin/bash
# Benchmark: `vmcored rearrange` vs `makedumpfile -R` vs a plain `cat` of the same
# flattened stream into a file, whole processes (JVM start included), one run.
# Usage: bench/rearrange-bench.sh [STREAM] [RUNS]
#   STREAM defaults to $VMCORED_FIXTURES/bench/big.flat (fixtures/make-bench-stream.sh makes it).
# Output files go next to the stream's work dir and are deleted between runs; the
# stream is read once beforehand so every tool reads it from the page cache.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures=${VMCORED_FIXTURES:-$here/fixtures-cache}
stream=${1:-$fixtures/bench/big.flat}
runs=${2:-5}
work=${BENCH_WORK:-$here/bench/work}
[ -f "$stream" ] || { echo "no stream at $stream: run fixtures/make-bench-stream.sh" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install hyperfine" >&2; exit 1; }
mkdir -p "$work"
"$here/vmcored" rearrange -f "$work/warm.dump" < "$stream" && rm -f "$work/warm.dump"  # build + CDS archive

size=$(stat -c %s "$stream")
echo "stream: $stream ($((size / 1048576)) MiB), runs: $runs, $(nproc) cores"
hyperfine --runs "$runs" --warmup 1 --export-json "$work/rearrange.json" \
    --prepare "rm -f $work/out.cat $work/out.mdf $work/out.vmc; sync" \
    -n cat "cat $stream > $work/out.cat" \
    -n makedumpfile-R "makedumpfile -R $work/out.mdf < $stream" \
    -n vmcored-rearrange "$here/vmcored rearrange $work/out.vmc < $stream" >&2

makedumpfile -R "$work/check.mdf" < "$stream" >/dev/null
"$here/vmcored" rearrange "$work/check.vmc" < "$stream"
if cmp -s "$work/check.mdf" "$work/check.vmc"; then identical=yes; else identical=NO; fi
rm -f "$work"/out.* "$work"/check.*

python3 - "$work/rearrange.json" "$size" "$identical" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
size = int(sys.argv[2])
med = {k: v["median"] for k, v in res.items()}
print(f"\n| tool | median s | GB/s |")
print("|---|---|---|")
for k in ("cat", "makedumpfile-R", "vmcored-rearrange"):
    print(f"| {k} | {med[k]:.3f} | {size / med[k] / 1e9:.2f} |")
v = med["vmcored-rearrange"]
print(f"\nvmcored vs makedumpfile -R: {med['makedumpfile-R'] / v:.2f}x faster (target >= 4x)")
print(f"vmcored time / cat time:    {v / med['cat']:.2f} (target <= 1.10)")
print(f"output byte-identical to makedumpfile -R: {sys.argv[3]}")
import datetime
print(f"\nrow for docs/performance.md:\n| {datetime.date.today()} | {med['cat']:.3f} s | {med['makedumpfile-R']:.3f} s | "
      f"{v:.3f} s | {med['makedumpfile-R'] / v:.2f}x faster | {v / med['cat']:.2f}x the time |")
PY
