#!/usr/bin/env bash
# The soak benchmark: a freshly started release `itsa serve` (one in-process worker) given
# 20,000 computed calculations, then five minutes of mixed traffic from 16 clients at 300
# requests per second: retrieves of those 20,000 calculations in turn (eight in ten
# requests), lists and triggers (one in ten each). Reports p50/p99 per kind of request,
# the errors (there should be none), and the server's resident memory after the first
# minute and at the end (it should not grow: every cache and queue is bounded).
#
#   bash benches/soak.sh                      # SQLite (the default)
#   bash benches/soak.sh --postgres           # DATABASE_URL, or the local server's test database
#
# Options: --calculations N (default 20000); --duration S (default 300); --rate R
# (default 300); --clients C (default 16); --no-build. Needs python3 and curl (psql for
# PostgreSQL). The server, its data and the database are removed on exit.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
cd "$(dirname "$0")/.."

backend=sqlite
calculations=20000
duration=300
rate=300
clients=16
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sqlite) backend=sqlite ;;
    --postgres) backend=postgres ;;
    --calculations) calculations="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --clients) clients="$2"; shift ;;
    --no-build) build=0 ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

binary=target/release/itsa
[ "$build" = 1 ] && cargo build --release --locked -p itsa-cli >&2
[ -x "$binary" ] || { echo "no $binary: build it or drop --no-build" >&2; exit 1; }

work=$(mktemp -d)
results="$work/results"
mkdir -p "$results" "$work/data"
client=(python3 benches/service_client.py --results "$results" --timeout 900)
database_args=()
database=""
if [ "$backend" = postgres ]; then
  DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
  database="itsa_soak_$$"
  psql "$DATABASE_URL" -qc "CREATE DATABASE $database" >/dev/null
  database_args=(--database-url "${DATABASE_URL%/*}/$database")
fi
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  if [ -n "$database" ]; then
    psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$binary" serve --bind "127.0.0.1:$port" --data-dir "$work/data" "${database_args[@]}" --workers 1 \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/api/definition" && break; sleep 0.1; done

spare=$((8 * clients))
echo "backend $backend; seeding $((calculations + spare)) taxpayers" >&2
"${client[@]}" --port "$port" seed --ninos "$((calculations + spare))"
echo "computing $calculations calculations" >&2
"${client[@]}" --port "$port" triggers --first 0 --count "$calculations" --clients 32 --workers 1 --drain \
  --out "$results/computed.json"
echo "soak: $duration s at $rate requests/s from $clients clients" >&2
"${client[@]}" --port "$port" soak --ids-from "$results/computed.json" --trigger-first "$calculations" \
  --clients "$clients" --rate "$rate" --duration "$duration" --pid "$server" --out "$results/soak.json"

python3 - "$results/soak.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
mib = lambda kib: "-" if kib is None else f"{kib / 1024:,.1f}"
print()
print(f"Soak: {d['calculations']:,} distinct calculations read, {d['clients']} clients at {d['rate']:.0f} requests/s"
      f" for {d['duration_s']:.0f} s: {d['requests']:,} requests, {d['error_count']} errors")
print(f"  {'request':<10} {'n':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
for kind, s in list(d["latency_ms"].items()) + [("all", d["all_ms"])]:
    print(f"  {kind:<10} {s['n']:>8,} {s['p50'] or 0:>8.2f} {s['p99'] or 0:>8.2f} {s['max'] or 0:>8.2f}")
first, end = d["rss_after_first_minute_kib"], d["rss_at_end_kib"]
print(f"  server RSS: {mib(first)} MiB after the first minute, {mib(end)} MiB at the end"
      f" (growth {mib(end - first) if first is not None and end is not None else '-'} MiB; target within 50 MiB)")
print("  RSS every minute (MiB): " + ", ".join(mib(kib) for t, kib in d["rss_kib"] if int(t) % 60 < 5))
for e in d["errors"]:
    print("  error:", e)
PY
