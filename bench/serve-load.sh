#!/usr/bin/env bash
# Load figures of `inspecta serve` (docs/benchmarks.md, "Inference server"): fits a small PatchCore (built-in resnet18,
# 64 px synthetic tiles) and a variation model, starts the server as its own process on loopback, runs the bounded load
# loop of `bench serve-load` from a second process (1/2/8/32 clients, then a soak), and stops the server with SIGTERM.
# Usage: bench/serve-load.sh [work-dir] [requests-per-level] [soak-requests] [model: pc|var] [server options...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-/tmp/inspecta-serve-load}"; per="${2:-400}"; soak="${3:-10000}"; model="${4:-pc}"; shift $(( $# > 4 ? 4 : $# ))
mkdir -p "$work/models"
if [[ ! -f "$work/models/pc.inspecta" ]]; then
  "$root/inspecta" synth 2d --out "$work/data" --categories tiles --count 16 --test-count 2 --size 256 --quiet
  "$root/inspecta" fit --dataset "$work/data" --category tiles --method patchcore --image-size 224 --out "$work/models/pc.inspecta" --quiet
  "$root/inspecta" fit --dataset "$work/data" --category tiles --method variation --out "$work/models/var.inspecta" --quiet
fi
dotnet build "$root/bench/Inspecta.Benchmarks" -c Release -nologo -v quiet >/dev/null
rm -f "$work/serve.out"
"$root/inspecta" serve --models "$work/models" --port 0 "$@" > "$work/serve.out" 2> "$work/serve.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
# ./inspecta may rebuild the CLI first (minutes on a loaded machine).
for _ in $(seq 1 3000); do grep -q 'http://' "$work/serve.out" 2>/dev/null && break; sleep 0.2; done
url=$(grep -o 'http://[^ ]*' "$work/serve.out" 2>/dev/null | head -1 || true)
[[ -n "$url" ]] || { echo "error: the server did not start (see $work/serve.log)" >&2; exit 1; }
# ./inspecta execs dotnet, so $pid is the server process itself.
bench_dll="$root/bench/Inspecta.Benchmarks/bin/Release/net10.0/linux-x64/Inspecta.Benchmarks.dll"
[[ -f "$bench_dll" ]] || bench_dll="$root/bench/Inspecta.Benchmarks/bin/Release/net10.0/Inspecta.Benchmarks.dll"
dotnet "$bench_dll" serve-load "$url" "$model" "$work/data/tiles/test/crack/000.png" "$pid" "$per" "$soak"
kill -TERM $pid; wait $pid || true
trap - EXIT
grep -c ' 5[0-9][0-9] ' "$work/serve.log" | sed 's/^/server log lines with a 5xx status: /' || true
