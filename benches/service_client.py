#!/usr/bin/env python3
"""The HTTP clients of benches/service.sh (Python 3.11, standard library only).

Every subcommand talks to one `itsa serve` in sandbox mode on a loopback address, keeps
its connections alive, and writes its results as JSON to --out (read back by `report`):

  seed      issue a token for each of --ninos taxpayers and seed their 2025-26 income
  latency   trigger --count calculations from --clients clients, each polling retrieve
            every --poll-ms until the first 200: trigger -> retrievable latency
  triggers  trigger one calculation for each of --count taxpayers from --clients clients:
            triggers answered 202 per second; with --drain, then wait until every one
            is retrievable (calculations computed per second, end to end)
  drain     wait until every calculation a `triggers` run accepted is retrievable
  report    print the summary table from the results directory

Clients are spread over up to four processes (threads within each), so that the
client's interpreter lock does not limit the load. Every loop is bounded in count and
time; a call that does not finish in time is counted as a timeout, never waited on
forever.
"""

import argparse
import http.client
import json
import math
import multiprocessing
import os
import sys
import threading
import time

ACCEPT = "application/vnd.hmrc.8.0+json"
YEAR = "2025-26"
SCOPES = ["read:self-assessment", "write:self-assessment"]
# HTTP timeout for any one request, seconds.
REQUEST_TIMEOUT = 30.0


def nino(i):
    """The i-th benchmark NINO: AA000000A, AA000001A, ..."""
    return f"AA{i:06d}A"


class Client:
    """One keep-alive connection to the server."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.conn = None

    def request(self, method, path, body=None, token=None):
        headers = {"Accept": ACCEPT}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                return response.status, payload
            except (ConnectionError, http.client.HTTPException):
                # The server closed a kept-alive connection: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    rank = max(0, math.ceil(p / 100 * len(sorted_values)) - 1)
    return sorted_values[rank]


def stats_ms(values):
    values = sorted(values)
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
        "max": values[-1] if values else None,
        "mean": sum(values) / len(values) if values else None,
    }


# ---------------------------------------------------------------------------
# Running clients: `clients` clients over up to four processes, each client a thread
# with its own connection working through its share of the items.


def _process_main(host, port, job, shares, options, queue):
    results = [None] * len(shares)

    def run(k):
        results[k] = job(Client(host, port), shares[k], options)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(shares))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(results)


def run_clients(host, port, job, items, clients, options):
    """Split `items` round-robin over `clients` clients; return every client's result."""
    clients = max(1, min(clients, len(items)))
    shares = [items[k::clients] for k in range(clients)]
    processes = min(4, clients)
    groups = [shares[p::processes] for p in range(processes)]
    if processes == 1:
        queue = _ListQueue()
        _process_main(host, port, job, groups[0], options, queue)
        return queue.items[0]
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    procs = [
        context.Process(target=_process_main, args=(host, port, job, group, options, queue)) for group in groups
    ]
    for p in procs:
        p.start()
    out = []
    for _ in procs:
        out.extend(queue.get(timeout=options["deadline"] - time.time() + 60))
    for p in procs:
        p.join(timeout=10)
    return out


class _ListQueue:
    def __init__(self):
        self.items = []

    def put(self, item):
        self.items.append(item)


# ---------------------------------------------------------------------------
# Jobs. Each takes a connection, its share of the work and the options, and returns a
# plain, picklable result.


def seed_job(client, share, options):
    tokens, failures = {}, 0
    for i in share:
        if time.time() > options["deadline"]:
            failures += 1
            continue
        n = nino(i)
        status, body = client.request(
            "POST", "/test-support/tokens", {"role": "individual", "nino": n, "scopes": SCOPES}
        )
        if status != 201:
            failures += 1
            continue
        tokens[n] = json.loads(body)["access_token"]
        case = {"id": f"bench-{i}", "tax_year": YEAR, "regime": "rUK", "employment_income": 20000 + 37 * i}
        status, _ = client.request("PUT", f"/test-support/individuals/{n}/{YEAR}/income", case)
        if status != 204:
            failures += 1
    return {"tokens": tokens, "failures": failures}


def trigger_path(n):
    return f"/individuals/calculations/{n}/self-assessment/{YEAR}/trigger/in-year"


def retrieve_path(n, calculation_id):
    return f"/individuals/calculations/{n}/self-assessment/{YEAR}/{calculation_id}"


def latency_job(client, share, options):
    """Trigger, then poll retrieve every poll_ms until 200; one calculation at a time."""
    tokens, poll = options["tokens"], options["poll_ms"] / 1000
    out = {"latency_ms": [], "trigger_ms": [], "polls": 0, "failures": 0, "timeouts": 0, "sample": None}
    for n in share:
        if time.time() > options["deadline"]:
            out["timeouts"] += 1
            continue
        token = tokens[n]
        started = time.perf_counter()
        status, body = client.request("POST", trigger_path(n), token=token)
        accepted = time.perf_counter()
        if status != 202:
            out["failures"] += 1
            continue
        calculation_id = json.loads(body)["calculationId"]
        path = retrieve_path(n, calculation_id)
        give_up = accepted + options["per_calculation_timeout"]
        while True:
            status, body = client.request("GET", path, token=token)
            out["polls"] += 1
            if status == 200:
                done = time.perf_counter()
                out["latency_ms"].append((done - started) * 1000)
                out["trigger_ms"].append((accepted - started) * 1000)
                if out["sample"] is None:
                    out["sample"] = {"nino": n, "token": token, "path": path, "bytes": len(body)}
                break
            if status != 404 or time.perf_counter() > give_up:
                out["failures" if status != 404 else "timeouts"] += 1
                break
            time.sleep(poll)
    return out


def triggers_job(client, share, options):
    """Trigger one calculation for each taxpayer in the share, back to back."""
    tokens = options["tokens"]
    out = {"ids": [], "trigger_ms": [], "failures": 0, "statuses": {}, "first": None, "last": None}
    for n in share:
        if time.time() > options["deadline"]:
            out["failures"] += 1
            continue
        started = time.perf_counter()
        status, body = client.request("POST", trigger_path(n), token=tokens[n])
        ended = time.perf_counter()
        out["first"] = started if out["first"] is None else out["first"]
        out["last"] = ended
        if status == 202:
            out["ids"].append((n, json.loads(body)["calculationId"]))
            out["trigger_ms"].append((ended - started) * 1000)
        else:
            out["failures"] += 1
            out["statuses"][status] = out["statuses"].get(status, 0) + 1
    return out


def drain_job(client, share, options):
    """Wait until each calculation in the share is retrievable; the time the last was."""
    tokens = options["tokens"]
    out = {"last": None, "timeouts": 0}
    for n, calculation_id in share:
        path = retrieve_path(n, calculation_id)
        while True:
            status, _ = client.request("GET", path, token=tokens[n])
            if status == 200:
                out["last"] = time.perf_counter()
                break
            if status != 404 or time.time() > options["deadline"]:
                out["timeouts"] += 1
                break
            time.sleep(options["poll_ms"] / 1000)
    return out


# ---------------------------------------------------------------------------
# Subcommands.


def load_tokens(results):
    with open(os.path.join(results, "tokens.json")) as f:
        return json.load(f)


def write(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=1)


def cmd_seed(args):
    options = {"deadline": time.time() + args.timeout}
    started = time.perf_counter()
    parts = run_clients(args.host, args.port, seed_job, list(range(args.ninos)), args.clients, options)
    elapsed = time.perf_counter() - started
    tokens = {}
    for p in parts:
        tokens.update(p["tokens"])
    failures = sum(p["failures"] for p in parts)
    write(os.path.join(args.results, "tokens.json"), tokens)
    print(f"seeded {len(tokens)} taxpayers in {elapsed:.1f} s ({failures} failures)", file=sys.stderr)
    if failures:
        sys.exit("seeding failed")


def cmd_latency(args):
    tokens = load_tokens(args.results)
    ninos = [nino(i) for i in range(args.first, args.first + args.count)]
    options = {
        "tokens": tokens,
        "poll_ms": args.poll_ms,
        "per_calculation_timeout": 10.0,
        "deadline": time.time() + args.timeout,
    }
    started = time.perf_counter()
    parts = run_clients(args.host, args.port, latency_job, ninos, args.clients, options)
    elapsed = time.perf_counter() - started
    latency = [x for p in parts for x in p["latency_ms"]]
    trigger = [x for p in parts for x in p["trigger_ms"]]
    result = {
        "clients": args.clients,
        "poll_ms": args.poll_ms,
        "latency_ms": stats_ms(latency),
        "trigger_ms": stats_ms(trigger),
        "polls_per_calculation": sum(p["polls"] for p in parts) / max(1, len(latency)),
        "failures": sum(p["failures"] for p in parts),
        "timeouts": sum(p["timeouts"] for p in parts),
        "elapsed_s": elapsed,
        "sample": next((p["sample"] for p in parts if p["sample"]), None),
    }
    write(args.out, result)
    s = result["latency_ms"]
    print(
        f"latency, {args.clients} client(s): {s['n']} calculations, p50 {s['p50']:.2f} ms, "
        f"p99 {s['p99']:.2f} ms, max {s['max']:.2f} ms",
        file=sys.stderr,
    )


def cmd_triggers(args):
    tokens = load_tokens(args.results)
    ninos = [nino(i) for i in range(args.first, args.first + args.count)]
    options = {"tokens": tokens, "poll_ms": 5, "deadline": time.time() + args.timeout}
    parts = run_clients(args.host, args.port, triggers_job, ninos, args.clients, options)
    firsts = [p["first"] for p in parts if p["first"] is not None]
    lasts = [p["last"] for p in parts if p["last"] is not None]
    accepted = [x for p in parts for x in p["ids"]]
    window = max(lasts) - min(firsts) if firsts else float("nan")
    statuses = {}
    for p in parts:
        for k, v in p["statuses"].items():
            statuses[str(k)] = statuses.get(str(k), 0) + v
    result = {
        "clients": args.clients,
        "workers": args.workers,
        "accepted": len(accepted),
        "failures": sum(p["failures"] for p in parts),
        "other_statuses": statuses,
        "elapsed_s": window,
        "per_second": len(accepted) / window if window else None,
        "trigger_ms": stats_ms([x for p in parts for x in p["trigger_ms"]]),
    }
    if args.drain:
        result.update(drain(args, tokens, accepted, min(firsts)))
    result["ids"] = accepted
    write(args.out, result)
    print(
        f"triggers, {args.workers} worker(s): {result['accepted']} accepted in {window:.2f} s "
        f"= {result['per_second']:.0f}/s ({result['failures']} refused or failed {statuses})",
        file=sys.stderr,
    )


def drain(args, tokens, ids, since):
    """Wait until every calculation in `ids` is retrievable; computed/s since `since`."""
    options = {"tokens": tokens, "poll_ms": 5, "deadline": time.time() + args.timeout}
    drained = run_clients(args.host, args.port, drain_job, ids, 4, options)
    last = max((d["last"] for d in drained if d["last"] is not None), default=None)
    computed_s = last - since if last is not None else None
    return {
        "drain_timeouts": sum(d["timeouts"] for d in drained),
        "computed_s": computed_s,
        "computed_per_second": len(ids) / computed_s if computed_s else None,
    }


def cmd_drain(args):
    """Wait until the calculations a `triggers` run accepted are all retrievable."""
    with open(args.ids_from) as f:
        ids = [tuple(x) for x in json.load(f)["ids"]]
    result = drain(args, load_tokens(args.results), ids, time.perf_counter())
    result["calculations"] = len(ids)
    if args.out:
        write(args.out, result)
    print(f"{len(ids)} calculations retrievable after {result['computed_s']:.2f} s", file=sys.stderr)
    if result["drain_timeouts"]:
        sys.exit(f"{result['drain_timeouts']} calculations were not computed in time")


def _load(results, name):
    path = os.path.join(results, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def _wrk(results, name):
    """Requests per second and the p50 and p99 latencies (ms) from `wrk --latency` output."""
    path = os.path.join(results, name)
    if not os.path.exists(path):
        return None
    out = {"rps": None, "p50": None, "p99": None, "errors": 0}
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    with open(path) as f:
        for line in f:
            words = line.split()
            if line.startswith("Requests/sec:"):
                out["rps"] = float(words[1])
            elif len(words) == 2 and words[0] in ("50%", "99%"):
                number = words[1].rstrip("umsn")
                unit = words[1][len(number):]
                out["p" + words[0][:-1]] = float(number) * units.get(unit, float("nan"))
            elif line.strip().startswith("Non-2xx") or line.strip().startswith("Socket errors"):
                out["errors"] += sum(int(w.rstrip(",")) for w in words if w.rstrip(",").isdigit())
    return out


def _f(x, digits=1):
    return "-" if x is None else f"{x:,.{digits}f}"


def cmd_report(args):
    r = args.results
    meta = _load(r, "meta.json") or {}
    print()
    print(f"itsa service benchmarks: backend {meta.get('backend', '?')}, {os.cpu_count()} cores")
    print()
    print("Trigger -> retrievable (ms; retrieve polled every "
          f"{meta.get('poll_ms', '?')} ms; target p99 <= 20 ms; HMRC advises waiting 5 s)")
    print(f"  {'clients':>7} {'calcs':>6} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8} {'trigger p50':>12} {'fail':>5}")
    for name in ("latency-1.json", "latency-4.json"):
        d = _load(r, name)
        if not d:
            continue
        s, t = d["latency_ms"], d["trigger_ms"]
        fails = d["failures"] + d["timeouts"]
        print(
            f"  {d['clients']:>7} {s['n']:>6} {_f(s['p50'], 2):>8} {_f(s['p90'], 2):>8} {_f(s['p99'], 2):>8}"
            f" {_f(s['max'], 2):>8} {_f(t['p50'], 2):>12} {fails:>5}"
        )
    print()
    empty = {"rps": None, "p50": None, "p99": None, "errors": 0}
    retrieve = _wrk(r, "wrk-retrieve.txt") or empty
    static = _wrk(r, "wrk-static.txt") or empty
    print(f"Retrieve throughput ({meta.get('wrk', '')}; body {meta.get('body_bytes', '?')} bytes; target ratio >= 0.5)")
    print(f"  {'endpoint':<38} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
    for label, w in (("GET retrieve (one calculation)", retrieve), ("GET /test-support/static (same size)", static)):
        print(f"  {label:<38} {_f(w['rps'], 0):>8} {_f(w['p50'], 2):>7} {_f(w['p99'], 2):>7} {w['errors']:>6}")
    ratio = retrieve["rps"] / static["rps"] if retrieve["rps"] and static["rps"] else None
    print(f"  {'ratio retrieve / static':<38} {_f(ratio, 2):>8}")
    print()
    print("Durable triggers (each NINO once; 202 answers per second)")
    print(f"  {'workers':>7} {'clients':>7} {'accepted':>8} {'seconds':>8} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8}"
          f" {'computed/s':>10}")
    for name in ("triggers-w0.json", "triggers-w1.json"):
        d = _load(r, name)
        if not d:
            continue
        t = d["trigger_ms"]
        print(
            f"  {d['workers']:>7} {d['clients']:>7} {d['accepted']:>8} {_f(d['elapsed_s'], 2):>8}"
            f" {_f(d['per_second'], 0):>8} {_f(t['p50'], 2):>8} {_f(t['p99'], 2):>8}"
            f" {_f(d.get('computed_per_second'), 0):>10}"
        )
    d = _load(r, "backlog.json")
    if d:
        print(f"  the no-worker run's {d['calculations']} queued calculations, computed by one worker after a restart:"
              f" {_f(d['computed_per_second'], 0)}/s")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--results", required=True, help="directory for tokens and results")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a phase may take at most")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("seed")
    p.add_argument("--ninos", type=int, required=True)
    p.add_argument("--clients", type=int, default=8)
    p = sub.add_parser("latency")
    p.add_argument("--first", type=int, default=0)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--clients", type=int, default=1)
    p.add_argument("--poll-ms", type=float, default=1.0)
    p.add_argument("--out", required=True)
    p = sub.add_parser("triggers")
    p.add_argument("--first", type=int, default=0)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--workers", type=int, required=True, help="the server's worker count, for the report")
    p.add_argument("--drain", action="store_true")
    p.add_argument("--out", required=True)
    p = sub.add_parser("drain")
    p.add_argument("--ids-from", required=True, help="the output of a triggers run")
    p.add_argument("--out")
    sub.add_parser("report")
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("only loopback addresses may be targeted")
    if args.command != "report" and not args.port:
        sys.exit("--port is required")
    {
        "seed": cmd_seed,
        "latency": cmd_latency,
        "triggers": cmd_triggers,
        "drain": cmd_drain,
        "report": cmd_report,
    }[args.command](args)


if __name__ == "__main__":
    main()
