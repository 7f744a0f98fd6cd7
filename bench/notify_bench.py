#!/usr/bin/env python3
"""notify_bench.py: the notification benchmark of issue 4 (bench/README.md "Notifications").

Two measurements on one machine, over 127.0.0.1, with the release build:

1. Delivery: for each count N of subscriptions (--subs), a fresh `renkei serve` and one
   bench/notify_receiver. N subscriptions all match every update of the `seq` attribute of 8
   Bench entities; a stream of PATCH updates (8 connections, each updating its own entity
   with increasing seq) makes N notifications per update, --notifications in all. The run
   lasts from the first update until the receiver has counted every expected notification;
   it reports notifications/s, the server's CPU time (utime+stime from /proc/PID/stat over
   the run, writes included) per notification, and checks the end-to-end count (nothing
   missing, nothing extra after a settle time) and order (no notification of a
   (subscription, entity) with a seq not above the previous one).
2. Write path: two servers preloaded alike (bench/load.py), one without subscriptions and
   one with --write-subs subscriptions that match no entity; wrk runs
   bench/lua/patch_two_attrs.lua against them alternately; req/s and server CPU per request
   (read after the server went idle, so matching work left behind counts).

With --auth the delivery runs happen in a tenant with authentication on (docs/security.md):
the tenant admin (a CLI key) writes the entities, a reader app's API key, granted read and
subscribe on Bench by the tenant's policy, makes the subscriptions, so every notification
is re-checked against its owner's rights at matching and before delivery (ADR 0015).

The HTTP ceiling (bench/ceiling_server under the same wrk) is measured in the same run.
Ports come from --ports (default 18600-18699). Prints a markdown report; --json writes the raw records.
"""
import argparse
import http.client
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
WRITERS = 8


def free_port(taken):
    for port in taken.ports:
        if port in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise RuntimeError(f"no free port in {taken.ports}")


class PortSet(set):
    """The ports handed out so far, and the range they come from ("first-last")."""

    def __init__(self, spec):
        super().__init__()
        first, last = (int(x) for x in spec.split("-"))
        self.ports = range(first, last + 1)


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def wait_idle(pid, limit=120.0):
    """Returns once the process used under 3 ticks in half a second (or after `limit`)."""
    started = time.time()
    previous = cpu_ticks(pid)
    while time.time() - started < limit:
        time.sleep(0.5)
        current = cpu_ticks(pid)
        if current - previous < 3:
            return
        previous = current


class Conn:
    """One keep-alive connection; request() returns (status, body)."""

    def __init__(self, port):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method, path, body=None, headers=None):
        h = {"Content-Type": "application/json"} if body is not None else {}
        h.update(headers or {})
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        self.c.request(method, path, body=data, headers=h)
        r = self.c.getresponse()
        return r.status, r.read()


def wait_ready(port, path, proc):
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"process on port {port} exited with {proc.returncode}")
        try:
            status, _ = Conn(port).request("GET", path)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


AUTH_TENANT = "bench"


def start_renkei(args, work, name, taken, extra_config=""):
    port = free_port(taken)
    data = os.path.join(work, "data-" + name)
    config = os.path.join(work, name + ".toml")
    if args.auth:
        extra_config += f"[auth.tenants.{AUTH_TENANT}]\nenabled = true\n"
    notify_config = "".join(f"{item.strip()}\n" for item in args.notify_config.split(",")
                            if item.strip())
    with open(config, "w") as f:
        f.write("[notify]\nmax_subscriptions_per_tenant = 100000\n"
                "max_outbox_per_tenant = 10000000\n" + notify_config + extra_config)
    log = open(os.path.join(work, name + ".log"), "w")
    proc = subprocess.Popen(
        [args.renkei, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data,
         "--config", config, "--log-level", "warn", "--threads", str(args.server_threads)],
        stdout=log, stderr=log)
    wait_ready(port, "/version", proc)
    return proc, port


def auth_headers(args, work, name, port):
    """--auth: (the tenant admin's headers, the reader app's headers); ({}, {}) without."""
    if not args.auth:
        return {}, {}
    # The CLI opens the store beside the running server (WAL), as an operator.
    made = subprocess.run([args.renkei, "apikey", "create", "--tenant", AUTH_TENANT, "--role",
                           "tenant-admin", "--data-dir", os.path.join(work, "data-" + name)],
                          capture_output=True, text=True, timeout=60, check=True)
    admin = {"Fiware-Service": AUTH_TENANT, "X-Api-Key": made.stdout.strip()}
    c = Conn(port)
    status, text = c.request("PUT", f"/admin/v1/tenants/{AUTH_TENANT}/policies", {"rules": [
        {"roles": ["reader"], "actions": ["read", "subscribe"], "types": ["Bench"]}]}, admin)
    assert status == 200, (status, text)
    status, text = c.request("POST", f"/admin/v1/tenants/{AUTH_TENANT}/apikeys",
                             {"roles": ["reader"], "app": "bench-app"}, admin)
    assert status == 201, (status, text)
    return admin, {"Fiware-Service": AUTH_TENANT, "X-Api-Key": json.loads(text)["key"]}


def parallel(count, work_fn, threads=8):
    """Runs work_fn(conn_index, i) for i in range(count) over `threads` threads."""
    errors = []

    def run(t):
        try:
            for i in range(t, count, threads):
                work_fn(t, i)
        except Exception as e:  # reported below
            errors.append(e)

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]


def custom_notification(url, i):
    """An httpCustom JSON payload with macros and expressions, in the shape the receiver reads
    (subscriptionId, id, seq.value)."""
    return {"httpCustom": {"url": url, "json": {
        "subscriptionId": f"bench-{i}", "id": "${id}", "seq": {"value": "${seq}"},
        "kind": "${type|lowercase}", "twice": "${seq * 2}",
        "band": "${seq > 100 ? 'high' : 'low'}", "text": "seq ${seq} of ${id}"}},
        "attrs": ["seq"]}


def create_subscriptions(port, count, subject, url, headers=None, custom=False):
    conns = [Conn(port) for _ in range(8)]

    def create(t, i):
        notification = (custom_notification(url, i) if custom
                        else {"http": {"url": url}, "attrs": ["seq"]})
        body = {"description": f"bench {i}", "subject": subject(i),
                "notification": notification}
        status, text = conns[t].request("POST", "/v2/subscriptions", body, headers)
        if status != 201:
            raise RuntimeError(f"subscription {i}: {status} {text[:200]!r}")

    parallel(count, create)


def receiver_stats(port):
    status, body = Conn(port).request("GET", "/stats")
    assert status == 200, status
    return json.loads(body)


def delivery_point(args, work, taken, subs):
    """One server, `subs` matching subscriptions, --repeat runs; a list of records."""
    rport = free_port(taken)
    receiver = subprocess.Popen([args.receiver, str(rport), "1"])
    server = None
    records = []
    try:
        wait_ready(rport, "/stats", receiver)
        server, port = start_renkei(args, work, f"delivery-{subs}", taken)
        admin, reader = auth_headers(args, work, f"delivery-{subs}", port)
        c = Conn(port)
        for w in range(WRITERS):
            status, text = c.request("POST", "/v2/entities", {
                "id": f"urn:ngsi-ld:Bench:{w}", "type": "Bench",
                "seq": {"type": "Number", "value": 0}}, admin)
            assert status == 201, (status, text)
        create_subscriptions(
            port, subs,
            lambda i: {"entities": [{"idPattern": ".*", "type": "Bench"}],
                       "condition": {"attrs": ["seq"]}},
            f"http://127.0.0.1:{rport}/notify", reader, custom=args.custom)
        updates = max(1, math.ceil(args.notifications / subs))
        seq = [0] * WRITERS
        for run in range(args.repeat):
            wait_idle(server.pid)
            Conn(rport).request("DELETE", "/stats")
            writer_conns = [Conn(port) for _ in range(WRITERS)]

            def update(t, i):
                seq[t] += 1
                status, text = writer_conns[t].request(
                    "PATCH", f"/v2/entities/urn:ngsi-ld:Bench:{t}/attrs",
                    {"seq": {"type": "Number", "value": seq[t]}}, admin)
                if status != 204:
                    raise RuntimeError(f"update: {status} {text[:200]!r}")

            expected = updates * subs
            before = cpu_ticks(server.pid)
            started = time.time()
            parallel(updates, update, threads=min(WRITERS, updates))
            written = time.time()
            deadline = started + args.timeout
            stats = receiver_stats(rport)
            while stats["received"] < expected and time.time() < deadline:
                time.sleep(0.02)
                stats = receiver_stats(rport)
            finished = time.time()
            after = cpu_ticks(server.pid)
            time.sleep(args.settle)  # anything sent twice would arrive now
            stats = receiver_stats(rport)
            seconds = finished - started
            record = {
                "kind": "delivery", "subscriptions": subs, "run": run + 1, "updates": updates,
                "expected": expected, "received": stats["received"],
                "out_of_order": stats["out_of_order"], "unparsed": stats["unparsed"],
                "seconds": round(seconds, 3), "write_seconds": round(written - started, 3),
                "per_second": round(stats["received"] / seconds) if seconds > 0 else None,
                "cpu_us_per_notification":
                    round((after - before) / CLK_TCK * 1e6 / max(1, stats["received"]), 1),
                "complete": stats["received"] == expected and stats["out_of_order"] == 0
                and stats["unparsed"] == 0,
            }
            print("BENCH_JSON " + json.dumps(record), file=sys.stderr, flush=True)
            records.append(record)
    finally:
        if server:
            stop(server)
        stop(receiver)
    return records


def wrk_run(args, port, script, extra):
    out = subprocess.run(
        ["wrk", "-t1", f"-c{args.connections}", f"-d{args.write_duration}s", "--timeout", "10s",
         "-s", script, f"http://127.0.0.1:{port}", "--"] + extra,
        capture_output=True, text=True, timeout=args.write_duration + 60)
    line = re.search(r"^BENCH_JSON (.*)$", out.stdout, re.M)
    if not line:
        raise RuntimeError("wrk: no BENCH_JSON line\n" + out.stdout + out.stderr)
    return json.loads(line.group(1))


def requests_of(result):
    return result.get("requests", 0)


def ceiling_point(args, taken):
    port = free_port(taken)
    proc = subprocess.Popen([args.ceiling, str(port), str(args.server_threads)])
    try:
        wait_ready(port, "/", proc)
        before = cpu_ticks(proc.pid)
        result = wrk_run(args, port, os.path.join(args.lua, "ceiling.lua"), [])
        after = cpu_ticks(proc.pid)
    finally:
        stop(proc)
    return {"kind": "ceiling", "wrk": result,
            "cpu_us_per_request": round((after - before) / CLK_TCK * 1e6
                                        / max(1, requests_of(result)), 1)}


def write_path_points(args, work, taken):
    servers = {}
    records = []
    try:
        for name, subs in (("none", 0), ("nomatch", args.write_subs)):
            proc, port = start_renkei(args, work, "write-" + name, taken)
            servers[name] = (proc, port, subs)
            load = subprocess.run([sys.executable, os.path.join(args.bench, "load.py"),
                                   "--port", str(port), "--count", str(args.entities)],
                                  capture_output=True, text=True, timeout=1800)
            if load.returncode != 0:
                raise RuntimeError("load.py failed:\n" + load.stdout + load.stderr)
            if subs:
                # Each watches one entity that does not exist, the way an application
                # subscribes to "its" entity: they never match the PATCHed Rooms/Sensors.
                create_subscriptions(
                    port, subs,
                    lambda i: {"entities": [{"id": f"urn:ngsi-ld:Nomatch:{i}", "type": "Room"}],
                               "condition": {"attrs": ["temperature"]}},
                    "http://127.0.0.1:9/never")
        script = os.path.join(args.lua, "patch_two_attrs.lua")
        for run in range(args.write_repeat):
            for name, (proc, port, subs) in servers.items():
                wait_idle(proc.pid)
                before = cpu_ticks(proc.pid)
                result = wrk_run(args, port, script, [f"n={args.entities}", f"run={run}"])
                wait_idle(proc.pid)  # matching left behind by the run is part of its cost
                after = cpu_ticks(proc.pid)
                requests = requests_of(result)
                record = {"kind": "write", "subscriptions": subs, "run": run + 1,
                          "wrk": result,
                          "cpu_us_per_request": round((after - before) / CLK_TCK * 1e6
                                                      / max(1, requests), 1)}
                print("BENCH_JSON " + json.dumps(record), file=sys.stderr, flush=True)
                records.append(record)
    finally:
        for proc, _, _ in servers.values():
            stop(proc)
    return records


def rate(wrk):
    return round(wrk["requests"] / (wrk["duration_us"] / 1e6))


def wrk_errors(wrk):
    return wrk["non_2xx"] + wrk["http_errors"] + sum(wrk["socket_errors"].values())


def median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else None


def report(args, records):
    lines = []
    ceiling = [r for r in records if r["kind"] == "ceiling"]
    if ceiling:
        c = ceiling[0]
        lines += ["HTTP ceiling (ceiling_server, same wrk): "
                  f"{rate(c['wrk']):,} req/s, "
                  f"server CPU {c['cpu_us_per_request']} µs/req", ""]
    deliveries = [r for r in records if r["kind"] == "delivery"]
    if deliveries:
        lines += ["| subscriptions | updates/run | notifications/run | runs: notifications/s "
                  "| median/s | server CPU/notification (median) | all delivered, in order |",
                  "|--:|--:|--:|--:|--:|--:|---|"]
        for subs in sorted({r["subscriptions"] for r in deliveries}):
            rs = [r for r in deliveries if r["subscriptions"] == subs]
            lines.append(
                f"| {subs:,} | {rs[0]['updates']:,} | {rs[0]['expected']:,} | "
                + " / ".join(f"{r['per_second']:,}" for r in rs)
                + f" | {median([r['per_second'] for r in rs]):,} | "
                f"{median([r['cpu_us_per_notification'] for r in rs])} µs | "
                + ("yes" if all(r["complete"] for r in rs) else
                   "**no**: " + ", ".join(f"{r['received']}/{r['expected']} "
                                         f"ooo {r['out_of_order']}" for r in rs)) + " |")
        lines.append("")
    writes = [r for r in records if r["kind"] == "write"]
    if writes:
        lines += ["| PATCH, subscriptions that match nothing | runs: req/s | median req/s "
                  "| server CPU/req (median) | errors |", "|--:|--:|--:|--:|--:|"]
        medians = {}
        for subs in sorted({r["subscriptions"] for r in writes}):
            rs = [r for r in writes if r["subscriptions"] == subs]
            rates = [rate(r["wrk"]) for r in rs]
            cpu = median([r["cpu_us_per_request"] for r in rs])
            medians[subs] = (median(rates), cpu)
            errors = sum(wrk_errors(r["wrk"]) for r in rs)
            lines.append(f"| {subs:,} | " + " / ".join(f"{x:,}" for x in rates)
                         + f" | {median(rates):,} | {cpu} µs | {errors} |")
        if len(medians) == 2:
            (r0, c0), (r1, c1) = medians[0], medians[args.write_subs]
            lines.append("")
            lines.append(f"With {args.write_subs:,} non-matching subscriptions: req/s "
                         f"{(r1 / r0 - 1) * 100:+.1f}%, CPU/req {(c1 / c0 - 1) * 100:+.1f}% "
                         "(goal: within 10%)")
    return "\n".join(lines)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--renkei", default=os.path.join(root, "build/release/src/app/renkei"))
    p.add_argument("--receiver", default=os.path.join(root, "build/release/bench/notify_receiver"))
    p.add_argument("--ceiling", default=os.path.join(root, "build/release/bench/ceiling_server"))
    p.add_argument("--subs", default="1,100,10000", help="subscription counts, comma-separated")
    p.add_argument("--notifications", type=int, default=50000, help="per delivery run")
    p.add_argument("--repeat", type=int, default=3, help="delivery runs per point")
    p.add_argument("--timeout", type=float, default=300, help="seconds a delivery run may take")
    p.add_argument("--settle", type=float, default=1.0)
    p.add_argument("--server-threads", type=int, default=2)
    p.add_argument("--write-subs", type=int, default=10000)
    p.add_argument("--entities", type=int, default=10000, help="preloaded for the write path")
    p.add_argument("--write-duration", type=int, default=8)
    p.add_argument("--write-repeat", type=int, default=3)
    p.add_argument("--connections", type=int, default=64, help="wrk connections")
    p.add_argument("--skip-delivery", action="store_true")
    p.add_argument("--custom", action="store_true",
                   help="delivery subscriptions use an httpCustom JSON payload with macros")
    p.add_argument("--skip-write", action="store_true")
    p.add_argument("--auth", action="store_true",
                   help="delivery in a tenant with authentication on (owner re-check)")
    p.add_argument("--json", help="also write the records here (JSON lines)")
    p.add_argument("--notify-config", default="",
                   help="more [notify] settings for renkei, e.g. pipeline_depth=1,senders=4")
    p.add_argument("--ports", default="18600-18699", help="port range to bind, first-last")
    args = p.parse_args()
    args.bench = os.path.join(root, "bench")
    args.lua = os.path.join(args.bench, "lua")

    work = tempfile.mkdtemp(prefix="renkei-notifybench.")
    taken = PortSet(args.ports)
    records = []
    try:
        records.append(ceiling_point(args, taken))
        if not args.skip_delivery:
            for subs in [int(x) for x in args.subs.split(",")]:
                records += delivery_point(args, work, taken, subs)
        if not args.skip_write:
            records += write_path_points(args, work, taken)
    finally:
        if args.json:
            with open(args.json, "w") as f:
                for r in records:
                    f.write(json.dumps(r) + "\n")
        for name in os.listdir(work):
            if name.startswith("data-"):
                shutil.rmtree(os.path.join(work, name), ignore_errors=True)
        print(f"[notify_bench] server logs kept in {work}", file=sys.stderr)
    print("```sh\nbench/notify_bench.py " + " ".join(sys.argv[1:]) + "\n```\n")
    print(f"loadavg at end: {open('/proc/loadavg').read().split()[:3]}\n")
    print(report(args, records))
    ok = all(r.get("complete", True) for r in records)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
