#!/usr/bin/env bash
# Cluster throughput (docs/benchmarks.md, "Cluster"): predictions/s through ONE front node with 1, 2 and 3 silos on this
# machine (each `inspecta serve --cluster` node is its own process on loopback; --replicas = silos, so every silo holds
# the model), plus the single server without a cluster as the baseline. Load: wrk with post.lua (the same PNG posted as
# the raw body), C connections for D seconds after a warm-up that activates every replica. Also prints each process's
# CPU time per request (front: HTTP + routing + Orleans messaging; others: prediction), the figures of the bottleneck
# analysis in docs/architecture.md.
# One core per silo, as on real machines: DOTNET_PROCESSOR_COUNT=1 bench/cluster/throughput.sh … --max-concurrency 1
# Usage: bench/cluster/throughput.sh <postgres connection> [work-dir] [model: pc|var] [seconds] [connections] [server options...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
conn="$1"; work="${2:-/tmp/inspecta-cluster-bench}"; model="${3:-pc}"; secs="${4:-20}"; conns="${5:-8}"; shift $(( $# > 5 ? 5 : $# ))
mkdir -p "$work/models"
if [[ ! -f "$work/all/pc.inspecta" ]]; then
  "$root/inspecta" synth 2d --out "$work/data" --categories tiles --count 16 --test-count 2 --size 256 --quiet
  mkdir -p "$work/all"
  "$root/inspecta" fit --dataset "$work/data" --category tiles --method patchcore --image-size 224 --out "$work/all/pc.inspecta" --quiet
  "$root/inspecta" fit --dataset "$work/data" --category tiles --method variation --out "$work/all/var.inspecta" --quiet
fi
rm -rf "$work/models"; mkdir -p "$work/models"; cp "$work/all/$model.inspecta" "$work/models/"
export IMAGE="$work/data/tiles/test/crack/000.png"
dll="$root/.build/cli/Inspecta.Cli.dll"
[[ -f "$dll" ]] || "$root/inspecta" --help >/dev/null
hz=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, clock ticks

pids=()
stop_all() { for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done; for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done; pids=(); }
trap stop_all EXIT

start_node() {   # start_node <log-name> [args...]: starts a node, sets node_url
  local name=$1; shift
  rm -f "$work/$name.out"
  dotnet "$dll" serve --models "$work/models" --port 0 "$@" > "$work/$name.out" 2> "$work/$name.log" &
  pids+=($!)
  for _ in $(seq 1 600); do grep -q 'http://' "$work/$name.out" 2>/dev/null && break; sleep 0.2; done
  node_url=$(grep -o 'http://[^ ]*' "$work/$name.out" | head -1)
  [[ -n "$node_url" ]] || { echo "error: node $name did not start (see $work/$name.log)" >&2; exit 1; }
}

measure() {   # measure <label> <front url> <silos>
  local label=$1 url=$2 n=$3
  local target="${url%/}/v1/models/$model/predict"
  wrk -t1 -c"$conns" -d5s --timeout 10s -s "$root/bench/cluster/post.lua" "$target" >/dev/null   # warm-up: every replica activated
  local before=() p
  for p in "${pids[@]}"; do before+=("$(cpu "$p")"); done
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local out; out=$(wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s -s "$root/bench/cluster/post.lua" "$target")
  local result; result=$(grep '^RESULT' <<<"$out")
  local requests; requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$result")
  local per="" i=0
  for p in "${pids[@]}"; do
    per+=" $(awk -v a="${before[$i]}" -v b="$(cpu "$p")" -v r="$requests" -v hz="$hz" 'BEGIN { printf "%.1f", (b - a) / hz * 1000 / r }')"
    i=$((i + 1))
  done
  echo "$label silos=$n load_before=$load $result cpu_ms_per_request(front first):$per"
}

# Baseline: the single server, no cluster.
start_node single "$@"
measure single "$node_url" 0
stop_all

for n in 1 2 3; do
  id="bench-$model-$n-$$"
  start_node "front$n" --cluster "$conn" --cluster-id "$id" --silo-port $((21000 + 10 * n)) --replicas "$n" "$@"
  front=$node_url
  for k in $(seq 2 "$n"); do start_node "node$n-$k" --cluster "$conn" --cluster-id "$id" --silo-port $((21000 + 10 * n + k)) --replicas "$n" "$@"; done
  for _ in $(seq 1 300); do
    [[ $(curl -s "${front%/}/v1/cluster" | grep -o '"active_silos":[0-9]*' | cut -d: -f2) == "$n" ]] && break; sleep 0.2
  done
  sleep 3   # the silos' grain manifests reach the front a moment after membership: then every silo can take a replica
  measure cluster "$front" "$n"
  curl -s "${front%/}/v1/cluster" > "$work/cluster$n.json"
  stop_all
done
