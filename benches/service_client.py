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
  history   give one taxpayer --earlier calculations, then time triggers and lists for it
            and for taxpayers with none, alternately: does the cost grow with history?
  soak      mixed traffic (retrieves of many distinct calculations, lists, triggers) from
            --clients clients at --rate requests per second for --duration seconds,
            sampling the server's resident memory (--pid) as it goes
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
import statistics
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


def list_path(n):
    return f"/individuals/calculations/{n}/self-assessment/{YEAR}"


def compute_one(client, n, token, give_up_s=10.0):
    """Trigger a calculation and wait until it is retrievable; its id, and the trigger's
    time in ms (None if it failed)."""
    started = time.perf_counter()
    status, body = client.request("POST", trigger_path(n), token=token)
    trigger_ms = (time.perf_counter() - started) * 1000
    if status != 202:
        return None, None
    calculation_id = json.loads(body)["calculationId"]
    give_up = time.perf_counter() + give_up_s
    while time.perf_counter() < give_up:
        status, _ = client.request("GET", retrieve_path(n, calculation_id), token=token)
        if status == 200:
            return calculation_id, trigger_ms
        if status != 404:
            return None, None
        time.sleep(0.001)
    return None, None


def timed_list(client, n, token):
    started = time.perf_counter()
    status, body = client.request("GET", list_path(n), token=token)
    return (time.perf_counter() - started) * 1000 if status == 200 else None, len(body)


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


def cmd_history(args):
    """One taxpayer with --earlier calculations against taxpayers with none, alternately."""
    tokens = load_tokens(args.results)
    client = Client(args.host, args.port)
    deadline = time.time() + args.timeout
    old = nino(args.taxpayer)
    page = nino(args.page_taxpayer)
    started = time.perf_counter()
    for who, earlier in ((old, args.earlier), (page, args.page)):
        for k in range(earlier):
            if time.time() > deadline:
                sys.exit("the history run ran out of time while building the history")
            calculation_id, _ = compute_one(client, who, tokens[who])
            if calculation_id is None:
                sys.exit(f"calculation {k} of the long-lived taxpayer {who} failed")
    built_s = time.perf_counter() - started
    kinds = ("fresh", "page", "old")
    timings = {kind: {"trigger_ms": [], "list_ms": []} for kind in kinds}
    list_bytes = {kind: 0 for kind in kinds}
    failures = 0
    for r in range(args.rounds):
        if time.time() > deadline:
            failures += 1
            break
        fresh = nino(args.fresh_first + r)
        for kind, n in (("fresh", fresh), ("page", page), ("old", old)):
            calculation_id, trigger_ms = compute_one(client, n, tokens[n])
            listed_ms, size = timed_list(client, n, tokens[n])
            if calculation_id is None or listed_ms is None:
                failures += 1
                continue
            timings[kind]["trigger_ms"].append(trigger_ms)
            timings[kind]["list_ms"].append(listed_ms)
            list_bytes[kind] = size
    result = {
        "earlier": args.earlier,
        "page_earlier": args.page,
        "rounds": args.rounds,
        "built_s": built_s,
        "failures": failures,
        "list_bytes": list_bytes,
        "old": {k: stats_ms(v) for k, v in timings["old"].items()},
        "fresh": {k: stats_ms(v) for k, v in timings["fresh"].items()},
        "page": {k: stats_ms(v) for k, v in timings["page"].items()},
    }
    for what in ("trigger_ms", "list_ms"):
        o, f, p = result["old"][what]["p50"], result["fresh"][what]["p50"], result["page"][what]["p50"]
        result[f"{what[:-3]}_ratio_p50"] = o / f if o and f else None
        result[f"{what[:-3]}_page_ratio_p50"] = o / p if o and p else None
    write(args.out, result)
    print(
        f"history: {args.earlier} earlier calculations built in {built_s:.1f} s; p50 ratio with/without: "
        f"trigger {_f(result['trigger_ratio_p50'], 2)}, list {_f(result['list_ratio_p50'], 2)}; "
        f"against a full page ({args.page} earlier): list {_f(result['list_page_ratio_p50'], 2)}",
        file=sys.stderr,
    )
    if failures:
        sys.exit(f"{failures} timed requests failed")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def soak_job(client, share, options):
    """Paced requests: retrieves of the share's calculations in turn, with a list and a
    trigger (on the client's own taxpayers, one at a time) every tenth request each."""
    tokens, ids = options["tokens"], share["ids"]
    interval = options["interval_s"]
    out = {"retrieve": [], "list": [], "trigger": [], "errors": [], "requests": 0}
    next_at = time.perf_counter()
    end = time.time() + options["duration_s"]
    k = 0
    triggered = []
    while time.time() < end:
        now = time.perf_counter()
        if now < next_at:
            time.sleep(next_at - now)
        next_at += interval
        n, calculation_id = ids[k % len(ids)]
        kind = "retrieve"
        if k % 10 == 3:
            kind = "list"
        elif k % 10 == 7 and share["trigger_ninos"]:
            kind = "trigger"
        k += 1
        started = time.perf_counter()
        try:
            if kind == "retrieve":
                status, _ = client.request("GET", retrieve_path(n, calculation_id), token=tokens[n])
                ok = status == 200
            elif kind == "list":
                status, _ = client.request("GET", list_path(n), token=tokens[n])
                ok = status == 200
            else:
                t = share["trigger_ninos"][len(triggered) % len(share["trigger_ninos"])]
                status, body = client.request("POST", trigger_path(t), token=tokens[t])
                ok = status == 202
                triggered.append(t)
        except Exception as e:  # noqa: BLE001 (every failure is counted, never fatal)
            status, ok = repr(e), False
        out[kind].append((time.perf_counter() - started) * 1000)
        out["requests"] += 1
        if not ok:
            out["errors"].append(f"{kind} {status}")
    return out


def cmd_soak(args):
    tokens = load_tokens(args.results)
    with open(args.ids_from) as f:
        ids = [tuple(x) for x in json.load(f)["ids"]]
    clients = args.clients
    # The triggers' taxpayers: a few of each client's own, used in turn, so that no two
    # triggers of one taxpayer's year are ever in flight together.
    spare = [nino(i) for i in range(args.trigger_first, args.trigger_first + 8 * clients)]
    shares = [{"ids": ids[c::clients], "trigger_ninos": spare[c::clients]} for c in range(clients)]
    options = {
        "tokens": tokens,
        "interval_s": clients / args.rate,
        "duration_s": args.duration,
        "deadline": time.time() + args.duration + 120,
    }
    samples = []
    stop = threading.Event()

    def sample():
        started = time.time()
        while not stop.is_set():
            samples.append((time.time() - started, rss_kib(args.pid)))
            stop.wait(args.sample_every)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    parts = run_clients_shares(args.host, args.port, soak_job, shares, options)
    elapsed = time.perf_counter() - started
    stop.set()
    sampler.join()
    after_minute = next((kib for t, kib in samples if t >= 60), None)
    result = {
        "clients": clients,
        "rate": args.rate,
        "duration_s": elapsed,
        "calculations": len(ids),
        "requests": sum(p["requests"] for p in parts),
        "errors": [e for p in parts for e in p["errors"]][:20],
        "error_count": sum(len(p["errors"]) for p in parts),
        "latency_ms": {k: stats_ms([x for p in parts for x in p[k]]) for k in ("retrieve", "list", "trigger")},
        "all_ms": stats_ms([x for p in parts for k in ("retrieve", "list", "trigger") for x in p[k]]),
        "rss_kib": samples,
        "rss_after_first_minute_kib": after_minute,
        "rss_at_end_kib": samples[-1][1] if samples else None,
    }
    write(args.out, result)
    a = result["all_ms"]
    print(
        f"soak: {result['requests']} requests in {elapsed:.0f} s ({result['requests'] / elapsed:.0f}/s), "
        f"{result['error_count']} errors, p50 {_f(a['p50'], 2)} ms, p99 {_f(a['p99'], 2)} ms; RSS "
        f"{_f((after_minute or 0) / 1024)} MiB after a minute, {_f((result['rss_at_end_kib'] or 0) / 1024)} MiB at the end",
        file=sys.stderr,
    )


def run_clients_shares(host, port, job, shares, options):
    """Like run_clients, with each client's share given."""
    processes = min(4, len(shares))
    groups = [shares[p::processes] for p in range(processes)]
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
          f"{meta.get('poll_ms', '?')} ms; target p99 under 10 ms at 4 clients; HMRC advises waiting 5 s)")
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
    rounds = []
    for n in range(1, int(meta.get("rounds", 0)) + 1):
        retrieve, bare = _wrk(r, f"wrk-retrieve-{n}.txt"), _wrk(r, f"wrk-bare-{n}.txt")
        if retrieve and bare and retrieve["rps"] and bare["rps"]:
            rounds.append((retrieve, bare))
    print(f"Retrieve throughput ({meta.get('wrk', '')}, {len(rounds)} rounds taking turns;"
          f" body {meta.get('body_bytes', '?')} bytes; target median ratio >= 0.8)")
    print(f"  {'round':>5} {'itsa req/s':>10} {'p50 ms':>7} {'p99 ms':>7} {'bare req/s':>10} {'p50 ms':>7}"
          f" {'p99 ms':>7} {'ratio':>6} {'errors':>6}")
    for n, (retrieve, bare) in enumerate(rounds, 1):
        print(f"  {n:>5} {_f(retrieve['rps'], 0):>10} {_f(retrieve['p50'], 2):>7} {_f(retrieve['p99'], 2):>7}"
              f" {_f(bare['rps'], 0):>10} {_f(bare['p50'], 2):>7} {_f(bare['p99'], 2):>7}"
              f" {_f(retrieve['rps'] / bare['rps'], 2):>6} {retrieve['errors'] + bare['errors']:>6}")
    if rounds:
        ratios = [retrieve["rps"] / bare["rps"] for retrieve, bare in rounds]
        print(f"  median ratio itsa / bare {_f(statistics.median(ratios), 2)}"
              f" (lowest {_f(min(ratios), 2)}, highest {_f(max(ratios), 2)});"
              f" median req/s itsa {_f(statistics.median(x['rps'] for x, _ in rounds), 0)},"
              f" bare {_f(statistics.median(y['rps'] for _, y in rounds), 0)}")
    print()
    d = _load(r, "history.json")
    if d:
        print(f"History: a taxpayer with {d['earlier']} earlier calculations against ones with none"
              f" ({d['rounds']} rounds each; ms; target p50 ratio <= 2)")
        print(f"  {'':<34} {'p50':>7} {'p99':>7} {'list bytes':>11}")
        for kind, label in (("fresh", "none earlier"), ("page", f"{d['page_earlier']} earlier"),
                            ("old", f"{d['earlier']} earlier")):
            for what in ("trigger_ms", "list_ms"):
                st = d[kind][what]
                size = d["list_bytes"][kind] if what == "list_ms" else ""
                print(f"  {what[:-3] + ', ' + label:<34} {_f(st['p50'], 2):>7} {_f(st['p99'], 2):>7} {size:>11}")
        print(f"  ratio of p50s, {d['earlier']} earlier to none: trigger {_f(d['trigger_ratio_p50'], 2)},"
              f" list {_f(d['list_ratio_p50'], 2)}")
        print(f"  ratio of p50s, {d['earlier']} earlier to {d['page_earlier']} (both lists a full page):"
              f" trigger {_f(d['trigger_page_ratio_p50'], 2)}, list {_f(d['list_page_ratio_p50'], 2)}")
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
    p = sub.add_parser("history")
    p.add_argument("--taxpayer", type=int, required=True, help="the long-lived taxpayer's index")
    p.add_argument("--earlier", type=int, default=2000)
    p.add_argument("--fresh-first", type=int, required=True, help="the first fresh taxpayer's index")
    p.add_argument("--page-taxpayer", type=int, required=True,
                   help="the index of a taxpayer given --page earlier calculations")
    p.add_argument("--page", type=int, default=100, help="a list's limit: calculations for a full page")
    p.add_argument("--rounds", type=int, default=200)
    p.add_argument("--out", required=True)
    p = sub.add_parser("soak")
    p.add_argument("--ids-from", required=True, help="the output of a triggers run: the calculations read")
    p.add_argument("--trigger-first", type=int, required=True, help="the first of the triggers' taxpayers")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--rate", type=float, default=300)
    p.add_argument("--duration", type=float, default=300)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--sample-every", type=float, default=5)
    p.add_argument("--out", required=True)
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
        "history": cmd_history,
        "soak": cmd_soak,
        "report": cmd_report,
    }[args.command](args)


if __name__ == "__main__":
    main()
