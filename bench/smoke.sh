#!/bin/sh
# The short version of every benchmark, for the test suite: each script in its SHORT mode
# (small streams, few rounds, a 2,000-dump catalog), which still checks every stored dump
# byte for byte and fails on any mismatch. Figures printed here are not measurements (the
# suite runs on a busy machine); the full runs are the scripts without SHORT.
# Usage: bench/smoke.sh [NAME...]   (default: all; NAME = catalog, rearrange, tcp, ssh, dmesg, analysis, mass-crash,
#        reliability, scale-out)
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
names=${*:-"rearrange dmesg tcp ssh analysis catalog mass-crash reliability scale-out"}
failed=""
for n in $names; do
    script=$here/bench/$n-bench.sh
    [ -x "$script" ] || script=$here/bench/$n.sh
    [ -x "$script" ] || { echo "bench smoke: no script $script" >&2; failed="$failed $n"; continue; }
    start=$(date +%s)
    log=$(mktemp)
    if SHORT=1 timeout 600 "$script" >"$log" 2>&1; then
        echo "bench smoke: $n ok ($(( $(date +%s) - start )) s)" >&2
    else
        rc=$?
        echo "bench smoke: $n FAILED (exit $rc after $(( $(date +%s) - start )) s); its last lines:" >&2
        tail -n 15 "$log" | sed 's/^/    /' >&2
        failed="$failed $n"
    fi
    rm -f "$log"
done
[ -z "$failed" ] || { echo "bench smoke: failed:$failed" >&2; exit 1; }
