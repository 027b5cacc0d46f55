#!/usr/bin/env bash
# Peak memory of `psso-profile events reduce`, with and without --transitions, on
# generated event logs: N events (default 3 million; N="3000000 9000000" for
# several runs) over 100 000 devices, the nine kinds, times over a month, lines
# out of time order, an extra field on each line (the shape benches/events.rs
# times).
#
#   benches/events_memory.sh
#   N="1000000 3000000 9000000" benches/events_memory.sh
#   BIN=target/release/psso-profile benches/events_memory.sh   # no build
#
# Needs Python 3 and GNU time (/usr/bin/time -v). Prints, per run, the peak
# resident memory and the bytes per event above a run on a 100-line log (the
# binary and its buffers).
set -euo pipefail

N=${N:-3000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
WORK=$(mktemp -d "$BASE/psso-events-mem.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [ -z "${BIN:-}" ]; then
    echo "building psso-profile (release)..." >&2
    cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --bin psso-profile
    BIN="$ROOT/target/release/psso-profile"
fi

generate() {
    python3 - "$1" "$2" <<'PY'
import sys
count, path = int(sys.argv[1]), sys.argv[2]
kinds = [
    "Microsoft.PlatformSSO.DeviceRegistration.Started",
    "Microsoft.PlatformSSO.DeviceRegistration.Succeeded",
    "Microsoft.PlatformSSO.DeviceRegistration.Failed",
    "Microsoft.PlatformSSO.UserRegistration.Started",
    "Microsoft.PlatformSSO.UserRegistration.Succeeded",
    "Microsoft.PlatformSSO.UserRegistration.Failed",
    "Microsoft.PlatformSSO.Registration.Succeeded",
    "Microsoft.PlatformSSO.Registration.Failed",
    "Microsoft.PlatformSSO.Registration.Removed",
]
state = 0x9E3779B97F4A7C15
mask = (1 << 64) - 1
with open(path, "w") as out:
    lines = []
    for _ in range(count):
        state ^= state >> 12
        state ^= (state << 25) & mask
        state ^= state >> 27
        r = (state * 0x2545F4914F6CDD1D) & mask
        secs = (r >> 24) % 2_600_000
        day, rest = 1 + secs // 86_400, secs % 86_400
        suffix = (".123Z", "+00:00", "Z", "Z")[(r >> 50) % 4]
        lines.append(
            '{"device":"C02X%06d","event":"%s","time":"2026-10-%02dT%02d:%02d:%02d%s","agent":{"version":"5.2404.0","os":"15.1"}}\n'
            % (r % 100_000, kinds[(r >> 20) % 9], day, rest // 3600, rest // 60 % 60, rest % 60, suffix)
        )
        if len(lines) == 100_000:
            out.writelines(lines)
            lines.clear()
    out.writelines(lines)
PY
}

peak_kb() {
    /usr/bin/time -v "$@" 2> "$WORK/time.txt" > /dev/null || true
    awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt"
}

generate 100 "$WORK/small.jsonl"
base_state=$(peak_kb "$BIN" events reduce "$WORK/small.jsonl")
base_trans=$(peak_kb "$BIN" events reduce --transitions "$WORK/small.jsonl")
printf 'baseline (100 events): state %d KiB, --transitions %d KiB\n' "$base_state" "$base_trans"
printf '%12s  %-14s  %10s  %10s  %14s\n' events mode "peak MiB" "seconds" "bytes/event"
for n in $N; do
    echo "generating $n events..." >&2
    generate "$n" "$WORK/events.jsonl"
    for mode in state transitions; do
        args=(events reduce)
        base=$base_state
        if [ "$mode" = transitions ]; then
            args+=(--transitions)
            base=$base_trans
        fi
        start=$(date +%s.%N)
        kb=$(peak_kb "$BIN" "${args[@]}" "$WORK/events.jsonl")
        end=$(date +%s.%N)
        awk -v n="$n" -v m="$mode" -v kb="$kb" -v base="$base" -v s="$start" -v e="$end" 'BEGIN {
            printf "%12d  %-14s  %10.1f  %10.2f  %14.1f\n", n, m, kb / 1024, e - s, (kb - base) * 1024 / n
        }'
    done
    rm -f "$WORK/events.jsonl"
done
