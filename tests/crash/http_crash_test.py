#!/usr/bin/env python3
"""Durability through the public interface: start `renkei serve`, let several client threads
create entities (POST /v2/entities) and PATCH them, SIGKILL the server at a random moment,
restart it on the same data directory, and check over HTTP that every write the server
acknowledged (201 for a create, 204 for a PATCH) is there. Repeated for a few rounds, with
two tenants so a crash never mixes their data."""
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

TENANTS = ("304018", "304069")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(server: str, data_dir: str, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([server, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir",
                             data_dir, "--log-level", "warn"], stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/version")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start")


def writer(port: int, tag: str, acked: list, stop: threading.Event) -> None:
    """Creates entities and bumps a counter on them; records only acknowledged writes."""
    n = 0
    conn = None
    while not stop.is_set():
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            tenant = TENANTS[n % 2]
            eid = f"{tag}-{n}"
            body = json.dumps({"id": eid, "type": "Sensor", "count": {"type": "Number", "value": 0}})
            conn.request("POST", "/v2/entities", body,
                         {"Content-Type": "application/json", "Fiware-Service": tenant})
            resp = conn.getresponse()
            resp.read()
            if resp.status == 201:
                acked.append(("create", tenant, eid, 0))
                patch = json.dumps({"count": {"type": "Number", "value": 1}})
                conn.request("PATCH", f"/v2/entities/{eid}/attrs", patch,
                             {"Content-Type": "application/json", "Fiware-Service": tenant})
                resp = conn.getresponse()
                resp.read()
                if resp.status == 204:
                    acked.append(("patch", tenant, eid, 1))
            n += 1
        except (OSError, http.client.HTTPException):
            return  # the server died: whatever was not acknowledged may be lost


def main() -> int:
    server = sys.argv[1]
    rounds = int(os.environ.get("CRASH_ROUNDS", "4"))
    with tempfile.TemporaryDirectory(prefix="renkei-http-crash-") as data_dir:
        port = free_port()
        acked: list = []
        for r in range(rounds):
            proc = start(server, data_dir, port)
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(port, f"r{r}t{t}", acked, stop))
                       for t in range(4)]
            for t in threads:
                t.start()
            time.sleep(random.uniform(0.5, 1.5))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            stop.set()
            for t in threads:
                t.join()
            print(f"round {r}: {len(acked)} acknowledged writes so far")
        proc = start(server, data_dir, port)
        try:
            expected = {}
            for kind, tenant, eid, value in acked:
                key = (tenant, eid)
                expected[key] = max(expected.get(key, -1), value)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            missing = []
            for (tenant, eid), value in expected.items():
                conn.request("GET", f"/v2/entities/{eid}?options=keyValues",
                             headers={"Fiware-Service": tenant})
                resp = conn.getresponse()
                body = resp.read()
                if resp.status != 200:
                    missing.append((tenant, eid, "absent"))
                    continue
                if json.loads(body)["count"] < value:
                    missing.append((tenant, eid, "PATCH lost"))
            # Tenants never see each other's entities.
            for tenant in TENANTS:
                other = TENANTS[1] if tenant == TENANTS[0] else TENANTS[0]
                conn.request("GET", "/v2/entities?limit=1000&options=count,keyValues",
                             headers={"Fiware-Service": tenant})
                resp = conn.getresponse()
                listed = json.loads(resp.read())
                leaked = [e["id"] for e in listed if (other, e["id"]) in expected]
                if leaked:
                    print(f"tenant {tenant} sees {len(leaked)} entities of {other}")
                    return 1
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
        if not expected:
            print("no write was acknowledged; the test did not exercise the server")
            return 1
        if missing:
            print(f"{len(missing)} acknowledged writes lost, e.g. {missing[:5]}")
            return 1
        print(f"all {len(acked)} acknowledged writes ({len(expected)} entities) survived "
              f"{rounds} SIGKILLs")
        return 0


if __name__ == "__main__":
    sys.exit(main())
