#!/usr/bin/env python3
"""load.py: preloads the benchmark data set into a running renkei, then checks it.

Entities 0..N-1 go in as POST /v2/op/update (actionType append) batches of 1000 over several
keep-alive connections. Entity n is a Sensor when n % 10 == 9 and a Room otherwise (the wrk
scenarios in bench/lua/ rely on this), with temperature n % 50, humidity n % 100, a name and a
Point on a 1000 x 1000 grid of 0.001 degree from (135.0, 33.5).

Prints one line "BENCH_JSON {...}" (entities, requests, seconds, failures) and exits 1 when a
batch failed or a sanity check of the scenarios' queries (v2 and NGSI-LD) did not hold.
"""
import argparse
import http.client
import json
import sys
import threading
import time


def entity_type(n):
    return "Sensor" if n % 10 == 9 else "Room"


def entity_json(n):
    lon = 135.0 + (n % 1000) / 1000
    lat = 33.5 + (n // 1000 % 1000) / 1000
    return (
        f'{{"id":"urn:ngsi-ld:{entity_type(n)}:{n}","type":"{entity_type(n)}",'
        f'"temperature":{{"type":"Number","value":{n % 50}}},'
        f'"humidity":{{"type":"Number","value":{n % 100}}},'
        f'"name":{{"type":"Text","value":"room {n}"}},'
        f'"location":{{"type":"geo:json","value":{{"type":"Point",'
        f'"coordinates":[{lon:.3f},{lat:.3f}]}}}}}}'
    )


def batch_body(first, last):
    entities = ",".join(entity_json(n) for n in range(first, last))
    return f'{{"actionType":"append","entities":[{entities}]}}'.encode()


class Loader:
    def __init__(self, host, port, count, batch):
        self.host, self.port, self.count, self.batch = host, port, count, batch
        self.next_first = 0
        self.lock = threading.Lock()
        self.requests = 0
        self.failures = []  # (first entity, status, body excerpt)

    def take(self):
        with self.lock:
            first = self.next_first
            if first >= self.count:
                return None
            self.next_first = min(self.count, first + self.batch)
            return first, self.next_first

    def worker(self):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        headers = {"Content-Type": "application/json"}
        while (span := self.take()) is not None:
            body = batch_body(*span)
            try:
                conn.request("POST", "/v2/op/update", body, headers)
                reply = conn.getresponse()
                text = reply.read()
                status = reply.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                status, text = 0, str(error).encode()
            with self.lock:
                self.requests += 1
                if status != 204:
                    self.failures.append((span[0], status, text[:200].decode(errors="replace")))
        conn.close()


def get(host, port, path):
    conn = http.client.HTTPConnection(host, port, timeout=120)
    conn.request("GET", path)
    reply = conn.getresponse()
    body = reply.read()
    conn.close()
    return reply.status, reply.getheader("Fiware-Total-Count"), body


def check(host, port, count):
    """Checks that the scenarios' requests find what they expect; returns a list of problems."""
    problems = []
    n = count - 2  # a Room
    room = f"urn:ngsi-ld:Room:{n}"
    status, _, body = get(host, port, f"/v2/entities/{room}")
    if status != 200 or json.loads(body).get("id") != room:
        problems.append(f"GET by id: {status} {body[:200]!r}")
    # The NGSI-LD scenarios read the same entities: the default @context must give back the
    # short names, with the values as loaded.
    status, _, body = get(host, port, f"/ngsi-ld/v1/entities/{room}")
    entity = json.loads(body) if status == 200 else {}
    if (entity.get("id") != room or entity.get("type") != "Room"
            or entity.get("temperature", {}).get("value") != n % 50
            or entity.get("humidity", {}).get("value") != n % 100):
        problems.append(f"NGSI-LD GET by id: {status} {body[:200]!r}")
    middle_row = max(1, min(1000, count // 1000)) // 2  # the grid rows that hold entities
    for path in (
        "/v2/entities?type=Room&q=temperature==7;humidity%3E50&limit=20",
        "/ngsi-ld/v1/entities?type=Room&q=temperature==7;humidity%3E50&limit=20",
        "/v2/entities?georel=near;maxDistance:1000&geometry=point"
        f"&coords={33.5 + middle_row / 1000:.4f},135.5000&limit=20",
    ):
        status, _, body = get(host, port, path)
        if status != 200 or len(json.loads(body)) != 20:
            problems.append(f"{path}: {status}, {len(body)} bytes, want 20 entities")
    status, total, _ = get(host, port, "/v2/entities?limit=1&options=count")
    if status != 200 or total is None or int(total) < count:
        problems.append(f"count: {status} Fiware-Total-Count={total}, want >= {count}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()

    loader = Loader(args.host, args.port, args.count, args.batch)
    started = time.monotonic()
    workers = [threading.Thread(target=loader.worker) for _ in range(args.connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.monotonic() - started

    problems = [f"batch from {first}: status {status} {text}"
                for first, status, text in loader.failures[:5]]
    if not loader.failures:
        problems += check(args.host, args.port, args.count)
    for problem in problems:
        print(f"load.py: {problem}", file=sys.stderr)
    print("BENCH_JSON " + json.dumps({
        "entities": args.count, "requests": loader.requests, "seconds": round(seconds, 3),
        "failed_requests": len(loader.failures), "problems": problems}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
