#!/usr/bin/env python3
"""Pipelined notification delivery (docs/adr/0011-pipelined-delivery.md), end to end.

A queue of notifications builds up while a subscription's receiver is down; when it comes
back, renkei sends the queue as HTTP/1.1 pipelined requests on one connection. The receiver
here is a raw socket server, so each test can decide what happens to a pipeline:
- all answered 204: every notification arrives once, in order, and some requests arrived
  before the previous one was answered (they were pipelined);
- the connection closes after 5 answers with more requests unanswered: the rest arrive on a
  new connection, in order, and nothing is lost;
- one notification of the batch answered 500: it is retried, and every notification after it
  is sent again after it (what the receiver answered for them the first time is not taken as
  delivered), so the last copy of each arrives in order;
- a receiver that answers each request after 400 ms holds one sender, while another
  subscription's receiver gets its whole queue meanwhile.
The subscriptions' counters (timesSent, failsCounter, lastSuccessCode) are read back.
Ports come from 19050-19099. Python standard library only.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import delivery_test
from delivery_test import check

PORTS = range(19050, 19100)
QUEUED = 20  # notifications queued while a receiver is down


def free_port(taken):
    port = delivery_test.free_port(exclude=taken, ports=PORTS)
    taken.add(port)
    return port


class RawReceiver:
    """An HTTP/1.1 receiver over plain sockets. `decide(seq, first_time)` returns the status
    to answer, or None to close the connection without answering. Records every request as
    (seq, status or None) in arrival order, and counts requests that had fully or partly
    arrived before the previous request of their connection was answered."""

    def __init__(self, port, decide=None, delay=0.0):
        self.port = port
        self.decide = decide or (lambda seq, first: 204)
        self.delay = delay
        self.lock = threading.Lock()
        self.log = []  # (seq, status or None, time)
        self.seen = set()
        self.pipelined = 0
        self.connections = 0
        self.sock = None

    def start(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self):
        self.sock.close()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
                while len(buffer) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                body, buffer = buffer[:length], buffer[length:]
                seq = json.loads(body)["data"][0]["seq"]["value"]
                with self.lock:
                    first = seq not in self.seen
                    self.seen.add(seq)
                    if buffer:
                        self.pipelined += 1
                status = self.decide(seq, first)
                if self.delay:
                    time.sleep(self.delay)
                with self.lock:
                    self.log.append((seq, status, time.time()))
                if status is None:
                    return  # closed without an answer, requests behind it unanswered
                reason = b"OK" if status < 300 else b"Error"
                conn.sendall(b"HTTP/1.1 %d %s\r\nContent-Length: 0\r\n\r\n" % (status, reason))

    def entries(self):
        with self.lock:
            return list(self.log)

    def wait_acknowledged(self, seqs, timeout=30.0):
        """Waits until every seq in `seqs` was answered 2xx at least once."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            acked = {seq for seq, status, _ in self.entries() if status and status < 300}
            if set(seqs) <= acked:
                return self.entries()
            time.sleep(0.05)
        raise AssertionError("not all acknowledged: %s" % self.entries())


class Renkei:
    def __init__(self, binary, port, work):
        self.port = port
        config = os.path.join(work, "renkei.toml")
        with open(config, "w") as f:
            # Two senders: the slow receiver can hold only one of them.
            f.write("[notify]\nretry_initial_ms = 200\nretry_max_ms = 400\n"
                    "http_timeout_ms = 3000\nsenders = 2\n")
        self.log = open(os.path.join(work, "renkei.log"), "ab")
        self.proc = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:%d" % port, "--data-dir",
             os.path.join(work, "data"), "--config", config],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if self.request("GET", "/version")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("renkei did not start")

    def request(self, method, target, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Fiware-Service": "pipeline"}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        conn.request(method, target, body=data, headers=headers)
        r = conn.getresponse()
        text = r.read().decode()
        location = r.getheader("Location")
        conn.close()
        return r.status, text, location

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def subscribe(renkei, entity, port):
    status, text, location = renkei.request("POST", "/v2/subscriptions", {
        "subject": {"entities": [{"id": entity, "type": "Counter"}],
                    "condition": {"attrs": ["seq"]}},
        "notification": {"http": {"url": "http://127.0.0.1:%d/notify" % port},
                         "attrs": ["seq"]}})
    check(status == 201, "subscription: %s %s" % (status, text))
    return location


def write_seqs(renkei, entity, seqs):
    for seq in seqs:
        status, text, _ = renkei.request("PATCH", "/v2/entities/%s/attrs" % entity,
                                         {"seq": {"type": "Number", "value": seq}})
        check(status == 204, "update %d: %s %s" % (seq, status, text))


def create_entity(renkei, entity):
    status, text, _ = renkei.request("POST", "/v2/entities", {
        "id": entity, "type": "Counter", "seq": {"type": "Number", "value": 0}})
    check(status == 201, "create %s: %s %s" % (entity, status, text))


def queue_while_down(renkei, taken, name, decide=None):
    """A subscription whose receiver is down while QUEUED updates are written; then the
    receiver starts. Returns (receiver, subscription location)."""
    entity = "urn:ngsi-ld:Counter:" + name
    create_entity(renkei, entity)
    port = free_port(taken)
    location = subscribe(renkei, entity, port)
    write_seqs(renkei, entity, range(1, QUEUED + 1))
    # The first attempt fails (connection refused) and waits for its retry: the rest queue.
    time.sleep(0.3)
    receiver = RawReceiver(port, decide)
    receiver.start()
    return receiver, location


def subscription(renkei, location):
    status, text, _ = renkei.request("GET", location)
    check(status == 200, "GET %s: %s %s" % (location, status, text))
    return json.loads(text)["notification"]


def last_copies_in_order(entries):
    """The seqs of the last copy of each notification, in arrival order."""
    last = {}
    for index, (seq, _, _) in enumerate(entries):
        last[seq] = index
    return [seq for seq, _ in sorted(last.items(), key=lambda item: item[1])]


def test_all_answered(renkei, taken):
    receiver, location = queue_while_down(renkei, taken, "plain")
    entries = receiver.wait_acknowledged(range(1, QUEUED + 1))
    time.sleep(0.5)  # anything sent twice would arrive now
    entries = receiver.entries()
    seqs = [seq for seq, _, _ in entries]
    check(seqs == list(range(1, QUEUED + 1)), "once and in order: %s" % seqs)
    check(receiver.pipelined > 0, "no request arrived before the previous answer")
    check(receiver.connections == 1, "one connection, got %d" % receiver.connections)
    n = subscription(renkei, location)
    check(n.get("failsCounter", 0) == 0 and n.get("lastSuccessCode") == 204, "counters: %s" % n)
    receiver.stop()
    print("ok: queued notifications pipelined on one connection, once, in order")


def test_close_mid_pipeline(renkei, taken):
    answered = {"count": 0}

    def decide(seq, first):
        # The first connection answers five requests, then closes with more in flight.
        answered["count"] += 1
        return None if answered["count"] == 6 else 204

    receiver, location = queue_while_down(renkei, taken, "closing", decide)
    receiver.wait_acknowledged(range(1, QUEUED + 1))
    time.sleep(0.5)
    entries = receiver.entries()
    acked = [seq for seq, status, _ in entries if status]
    check(acked == list(range(1, QUEUED + 1)),
          "acknowledged once each, in order, after the close: %s" % entries)
    check(receiver.connections >= 2, "a new connection after the close")
    check(entries[5] == (6, None, entries[5][2]), "the sixth was dropped: %s" % entries)
    n = subscription(renkei, location)
    check(n.get("lastSuccessCode") == 204 and n.get("failsCounter", 0) == 0,
          "counters after recovery: %s" % n)
    receiver.stop()
    print("ok: a connection closed mid-pipeline loses nothing and keeps the order")


def test_one_500_in_a_batch(renkei, taken):
    receiver, location = queue_while_down(
        renkei, taken, "failing", lambda seq, first: 500 if seq == 8 and first else 204)
    receiver.wait_acknowledged(range(1, QUEUED + 1))
    time.sleep(0.8)  # the resent tail
    entries = receiver.entries()
    seqs = [seq for seq, _, _ in entries]
    retried = max(i for i, (seq, _, _) in enumerate(entries) if seq == 8)
    check(entries[retried][1] == 204, "seq 8 acknowledged on retry: %s" % entries)
    check(seqs[retried:] == list(range(8, QUEUED + 1)),
          "after the retried 8, the rest again in order: %s" % seqs)
    check(last_copies_in_order(entries) == list(range(1, QUEUED + 1)),
          "last copies in order: %s" % seqs)
    check(seqs.count(7) == 1, "nothing before the failure twice: %s" % seqs)
    n = subscription(renkei, location)
    check(n.get("lastFailureReason") == "HTTP status 500" and n.get("lastSuccessCode") == 204,
          "counters: %s" % n)
    receiver.stop()
    print("ok: a 500 in a pipelined batch is retried and the rest resent after it")


def test_slow_receiver_does_not_starve(renkei, taken):
    slow_entity, fast_entity = "urn:ngsi-ld:Counter:slow", "urn:ngsi-ld:Counter:fast"
    create_entity(renkei, slow_entity)
    create_entity(renkei, fast_entity)
    slow_port, fast_port = free_port(taken), free_port(taken)
    slow = RawReceiver(slow_port, delay=0.4)
    fast = RawReceiver(fast_port)
    slow.start()
    fast.start()
    subscribe(renkei, slow_entity, slow_port)
    subscribe(renkei, fast_entity, fast_port)
    count = 10
    write_seqs(renkei, slow_entity, range(1, count + 1))
    started = time.time()
    write_seqs(renkei, fast_entity, range(1, count + 1))
    fast_entries = fast.wait_acknowledged(range(1, count + 1), timeout=20)
    slow_entries = slow.wait_acknowledged(range(1, count + 1), timeout=30)
    fast_done = max(t for _, _, t in fast_entries)
    slow_done = max(t for _, _, t in slow_entries)
    check(fast_done - started < 2.0, "fast receiver served in %.2f s" % (fast_done - started))
    check(slow_done - fast_done > 1.0,
          "the slow queue (%d x 0.4 s) still ran when the fast one was done" % count)
    check([s for s, _, _ in slow_entries] == list(range(1, count + 1)), "slow in order")
    check([s for s, _, _ in fast_entries] == list(range(1, count + 1)), "fast in order")
    slow.stop()
    fast.stop()
    print("ok: a slow receiver holds one sender; another subscription's queue flows")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="renkei-pipeline-")
    taken = set()
    renkei = Renkei(args.server, free_port(taken), work)
    try:
        test_all_answered(renkei, taken)
        test_close_mid_pipeline(renkei, taken)
        test_one_500_in_a_batch(renkei, taken)
        test_slow_receiver_does_not_starve(renkei, taken)
    finally:
        renkei.stop()
    shutil.rmtree(work, ignore_errors=True)
    print("pipeline_test: all passed")


if __name__ == "__main__":
    main()
