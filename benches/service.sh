#!/usr/bin/env bash
# The service benchmarks: a freshly started release `itsa serve` on a loopback port, a fresh
# data directory (and, on PostgreSQL, a fresh database), measured three ways:
#
#   1. trigger -> retrievable latency: trigger an in-year calculation, poll retrieve every
#      millisecond until the first 200 (one client, then four);
#   2. retrieve throughput with wrk, against a bare axum server (benches/bare_server.rs: no
#      middleware, no store) answering the same bytes, the two taking turns for several
#      rounds, and the median of the rounds' ratios;
#   3. durable triggers per second (each answered 202 after its calculation and job are
#      committed) from 32 clients, with the in-process worker running and with none.
#
#   bash benches/service.sh                          # SQLite (the default)
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bash benches/service.sh
#   bash benches/service.sh --postgres               # DATABASE_URL, or that URL if unset
#
# Options: --sqlite | --postgres; --ninos N (calculations per trigger run, default 2000;
# twice as many taxpayers are seeded); --duration S (each wrk run, default 6); --rounds R
# (turns each server takes at the retrieve throughput, default 7);
# --no-build (use target/release/itsa as it is).
# Needs python3 (3.11, standard library only), wrk, curl, and psql for PostgreSQL.
# Prints a summary table and exits 0; the server, the temporary directory and the
# database are removed on exit.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
cd "$(dirname "$0")/.."

backend=sqlite
[ -n "${DATABASE_URL:-}" ] && backend=postgres
ninos=2000
duration=6
rounds=7
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sqlite) backend=sqlite ;;
    --postgres) backend=postgres ;;
    --ninos) ninos="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --no-build) build=0 ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

sequential=$((ninos / 4))           # calculations timed with one client
concurrent=$((ninos / 2))           # calculations timed with four clients
history=2000                        # earlier calculations of the history run's taxpayer
history_rounds=$((ninos / 10))      # timed triggers and lists of each kind of taxpayer
[ "$sequential" -ge 1 ] || { echo "--ninos must be at least 4" >&2; exit 2; }
trigger_clients=32
poll_ms=1
wrk_threads=2
wrk_connections=32
phase_timeout=300                   # seconds any one client phase may take

for tool in python3 wrk curl; do
  command -v "$tool" >/dev/null || { echo "benches/service.sh needs $tool" >&2; exit 1; }
done
binary=target/release/itsa
if [ "$build" = 1 ]; then
  cargo build --release --locked -p itsa-cli >&2
fi
[ -x "$binary" ] || { echo "no $binary: build it or drop --no-build" >&2; exit 1; }
# The yardstick, built with the bench profile (release settings).
bare_server=$(cargo bench --locked -p itsa-server --bench bare_server --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "bare_server" and m.get("executable"):
        print(m["executable"])')
[ -x "$bare_server" ] || { echo "could not build benches/bare_server.rs" >&2; exit 1; }

work=$(mktemp -d)
results="$work/results"
mkdir -p "$results" "$work/data"
client=(python3 benches/service_client.py --results "$results" --timeout "$phase_timeout")

database_args=()
database=""
if [ "$backend" = postgres ]; then
  DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
  case "$DATABASE_URL" in
    postgres://*@127.0.0.1[:/]* | postgres://*@localhost[:/]* | postgresql://*@127.0.0.1[:/]* | postgresql://*@localhost[:/]*) ;;
    *) echo "DATABASE_URL must be a PostgreSQL server on a loopback address" >&2; exit 1 ;;
  esac
  database="itsa_bench_$$"
  psql "$DATABASE_URL" -qc "CREATE DATABASE $database" >/dev/null
  database_args=(--database-url "${DATABASE_URL%/*}/$database")
fi

server=""
bare=""
stop_server() {
  [ -n "$server" ] || return 0
  kill -TERM "$server" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}
cleanup() {
  stop_server
  [ -n "$bare" ] && kill "$bare" 2>/dev/null && wait "$bare" 2>/dev/null || true
  if [ -n "$database" ]; then
    psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

# start_server WORKERS: start `itsa serve` and wait (at most 10 s) until it answers.
start_server() {
  "$binary" serve --bind "127.0.0.1:$port" --data-dir "$work/data" "${database_args[@]}" --workers "$1" \
    >>"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do
    if curl -fs -o /dev/null "$base/api/definition"; then
      return 0
    fi
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  echo "itsa serve did not start; its log:" >&2
  tail -n 20 "$work/server.log" >&2
  exit 1
}

# Taxpayers [0, N) take the durable-trigger runs, [N, 2N) the latency runs and then the
# history run's fresh taxpayers, 2N the history run's long-lived one; every run starts with
# the queue empty and on taxpayers with no calculation in progress.
echo "backend $backend; $((2 * ninos + 1)) taxpayers; server on $base" >&2
start_server 0
echo "seeding $((2 * ninos)) taxpayers (a token and 2025-26 income each)" >&2
"${client[@]}" --port "$port" seed --ninos "$((2 * ninos + 1))"

echo "durable triggers: $ninos from $trigger_clients clients, no worker, then one" >&2
"${client[@]}" --port "$port" triggers --first "$ninos" --count "$ninos" --clients "$trigger_clients" \
  --workers 0 --out "$results/triggers-w0.json"
stop_server
start_server 1
"${client[@]}" --port "$port" drain --ids-from "$results/triggers-w0.json" \
  --out "$results/backlog.json"
"${client[@]}" --port "$port" triggers --first 0 --count "$ninos" --clients "$trigger_clients" \
  --workers 1 --drain --out "$results/triggers-w1.json"

echo "trigger -> retrievable latency" >&2
"${client[@]}" --port "$port" latency --first "$ninos" --count "$sequential" --clients 1 --poll-ms "$poll_ms" \
  --out "$results/latency-1.json"
"${client[@]}" --port "$port" latency --first "$((ninos + sequential))" --count "$concurrent" --clients 4 \
  --poll-ms "$poll_ms" --out "$results/latency-4.json"

echo "history: trigger and list for a taxpayer with $history earlier calculations and for ones with none" >&2
"${client[@]}" --port "$port" history --taxpayer "$((2 * ninos))" --earlier "$history" \
  --fresh-first "$((ninos + sequential + concurrent))" --page-taxpayer "$((2 * ninos - 1))" --rounds "$history_rounds" \
  --out "$results/history.json"

# One computed calculation, and its retrieve body.
read -r retrieve_path token < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sample"]
print(s["path"], s["token"])' "$results/latency-1.json")
accept="Accept: application/vnd.hmrc.8.0+json"
auth="Authorization: Bearer $token"
curl -fs -o "$work/retrieve.json" -H "$accept" -H "$auth" "$base$retrieve_path"
body_bytes=$(wc -c <"$work/retrieve.json")
bare_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bare_server" --port "$bare_port" --body "$work/retrieve.json" >>"$work/bare.log" 2>&1 &
bare=$!
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$bare_port/" && break; sleep 0.1; done
bare_bytes=$(curl -fs -o /dev/null -w '%{size_download}' "http://127.0.0.1:$bare_port/")
[ "$body_bytes" = "$bare_bytes" ] || { echo "the bare server answers $bare_bytes bytes, not $body_bytes" >&2; exit 1; }

# The machine's other work (and wrk itself, on the same cores) moves a single run by as
# much as a quarter either way: the two servers take turns, round after round, and the
# report gives each round's ratio and their median.
echo "retrieve throughput: wrk, $rounds rounds of ${duration} s per server, taking turns, after a 2 s warm-up each" >&2
wrk_args=(-t "$wrk_threads" -c "$wrk_connections" --latency --timeout 10s)
wrk "${wrk_args[@]}" -d 2s -H "$accept" -H "$auth" "$base$retrieve_path" >/dev/null
wrk "${wrk_args[@]}" -d 2s -H "$accept" "http://127.0.0.1:$bare_port/" >/dev/null
for round in $(seq "$rounds"); do
  wrk "${wrk_args[@]}" -d "${duration}s" -H "$accept" -H "$auth" "$base$retrieve_path" >"$results/wrk-retrieve-$round.txt"
  wrk "${wrk_args[@]}" -d "${duration}s" -H "$accept" "http://127.0.0.1:$bare_port/" >"$results/wrk-bare-$round.txt"
done
kill "$bare"; wait "$bare" 2>/dev/null || true; bare=""
stop_server

cat >"$results/meta.json" <<EOF
{"backend": "$backend", "poll_ms": $poll_ms, "body_bytes": $body_bytes,
 "wrk": "wrk -t$wrk_threads -c$wrk_connections -d${duration}s", "rounds": $rounds}
EOF
"${client[@]}" report
