#!/usr/bin/env python3
"""End-to-end notification delivery (docs/subscriptions.md "Delivery guarantees").

Starts renkei and a small HTTP receiver that records every notification, then checks:
the payload and headers Orion sends; retries when the receiver answers 500 then 200 (with
the subscription's counters); order per subscription; a notification queued while the
receiver is down is delivered after renkei is killed with SIGKILL and started again, and
after a SIGTERM restart, exactly once; maxFailsLimit makes a subscription inactive; the
per-tenant subscription cap answers a clear error; oneshot, throttling, httpCustom templates
(also JEXL expressions and evalPriority) and attrsFormat keyValues through the real renderer; condition.attrs of entityUpdate
subscriptions (Orion case 4647); a subscription moved by a PATCH under another ServicePath.
Ports come from 18100-18199 (the range this workplace allows). Python standard library only.
"""
import argparse
import http.client
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
from renkei_testlib import QuietHandler, serve_in_background  # noqa: E402

# This test stops and restarts its receiver and renkei on the same ports, so no other test may
# pick from its range meanwhile: mqtt_delivery_test.py uses 18150-18199 (ctest runs both at once).
PORTS = range(18100, 18150)


def free_port(exclude=(), ports=PORTS):
    for port in ports:
        if port in exclude:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port in %d-%d" % (ports[0], ports[-1]))


def free_ports(count, ports=PORTS):
    """`count` distinct free ports of `ports` (a test's receivers, renkei, brokers)."""
    taken = []
    for _ in range(count):
        taken.append(free_port(exclude=taken, ports=ports))
    return taken


class Receiver:
    """Records notifications; answers the statuses queued in `script`, then 200."""

    def __init__(self, port):
        self.port = port
        self.lock = threading.Lock()
        self.received = []
        self.script = []
        self.server = None

    def start(self):
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode()
                with receiver.lock:
                    status = receiver.script.pop(0) if receiver.script else 200
                    receiver.received.append(
                        {"method": self.command, "path": self.path,
                         "headers": dict(self.headers), "body": body, "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_PUT = do_POST

        self.server = serve_in_background(self.port, Handler)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def bodies(self):
        with self.lock:
            return [json.loads(r["body"]) for r in self.received]

    def wait_for(self, count, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        with self.lock:
            raise AssertionError("expected %d notifications, got %d: %s"
                                 % (count, len(self.received), self.received))


def notify_config(work, settings, name="renkei.toml"):
    """Writes a config file in `work` whose [notify] table holds `settings`; returns its path."""
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("[notify]\n" + settings)
    return path


class Renkei:
    def __init__(self, binary, port, data_dir, config):
        self.binary, self.port, self.data_dir, self.config = binary, port, data_dir, config
        self.proc = None
        self.log_path = os.path.join(os.path.dirname(data_dir), "renkei-%d.log" % port)
        self.log = open(self.log_path, "ab")

    def print_log_tail(self):
        """The end of the server's log on stderr, for a failed run."""
        with open(self.log_path, "rb") as log:
            sys.stderr.write(log.read().decode(errors="replace")[-4000:])

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--listen", "127.0.0.1:%d" % self.port, "--data-dir",
             self.data_dir, "--config", self.config], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                status, _, _ = self.request("GET", "/version")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("renkei did not start")

    def stop(self, sig):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=20)

    def request(self, method, target, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        h = {"Fiware-Service": "304018", "Fiware-ServicePath": "/bosai"}
        h.update(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body)
            h["Content-Type"] = "application/json"
        conn.request(method, target, body=data, headers=h)
        r = conn.getresponse()
        text = r.read().decode()
        conn.close()
        return r.status, dict(r.getheaders()), text


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--ports", default="%d-%d" % (PORTS[0], PORTS[-1]),
                    help="FIRST-LAST: the loopback ports this run may use (default %(default)s)")
    args = ap.parse_args()
    first, _, last = args.ports.partition("-")
    ports = range(int(first), int(last) + 1)
    work = tempfile.mkdtemp(prefix="renkei-notify-")
    config = notify_config(work, "retry_initial_ms = 100\nretry_max_ms = 400\n"
                                 "http_timeout_ms = 2000\nmax_subscriptions_per_tenant = 3\n")
    receiver_port, renkei_port, dead_port = free_ports(3, ports=ports)
    receiver = Receiver(receiver_port)
    receiver.start()
    renkei = Renkei(args.server, renkei_port, os.path.join(work, "data"), config)
    renkei.start()
    try:
        run(renkei, receiver, receiver_port, dead_port)
    except Exception:
        renkei.print_log_tail()
        raise
    finally:
        if renkei.proc and renkei.proc.poll() is None:
            renkei.stop(signal.SIGTERM)
        try:
            receiver.stop()
        except Exception:
            pass
    shutil.rmtree(work, ignore_errors=True)
    print("notify delivery: all checks passed")


def run(renkei, receiver, receiver_port, dead_port):
    url = "http://127.0.0.1:%d/notify" % receiver_port
    status, headers, _ = renkei.request("POST", "/v2/subscriptions", {
        "description": "shelter occupancy",
        "subject": {"entities": [{"idPattern": "^Shelter", "type": "Shelter"}],
                    "condition": {"attrs": ["occupancy"]}},
        "notification": {"http": {"url": url}, "attrs": ["occupancy"]}})
    check(status == 201, "subscription create: %s" % status)
    sub_path = headers["Location"]
    sub_id = sub_path.rsplit("/", 1)[1]

    # 1. A creation notifies with Orion's payload and headers.
    status, _, _ = renkei.request("POST", "/v2/entities", {
        "id": "Shelter1", "type": "Shelter", "occupancy": {"value": 1, "type": "Number"},
        "name": {"value": "A", "type": "Text"}}, {"Fiware-Correlator": "corr-create"})
    check(status == 201, "entity create: %s" % status)
    first = receiver.wait_for(1)[0]
    body = json.loads(first["body"])
    check(body == {"subscriptionId": sub_id, "data": [
        {"id": "Shelter1", "type": "Shelter",
         "occupancy": {"type": "Number", "value": 1, "metadata": {}}}]}, "payload: %s" % body)
    h = {k.lower(): v for k, v in first["headers"].items()}
    check(first["path"] == "/notify", "path %s" % first["path"])
    check(h.get("fiware-service") == "304018", "Fiware-Service %s" % h)
    check(h.get("fiware-servicepath") == "/bosai", "Fiware-ServicePath %s" % h)
    check(h.get("ngsiv2-attrsformat") == "normalized", "Ngsiv2-AttrsFormat %s" % h)
    check(h.get("fiware-correlator") == "corr-create; cbnotif=1", "Fiware-Correlator %s" % h)
    check(h.get("content-type", "").startswith("application/json"), "Content-Type %s" % h)
    # RFC 9110 §7.2: the URL's port is part of Host (Orion's receivers see "127.0.0.1:NNNN").
    check(h.get("host") == "127.0.0.1:%d" % receiver_port, "Host %s" % h)

    # 2. Not in condition.attrs: no notification.
    renkei.request("PATCH", "/v2/entities/Shelter1/attrs", {"name": {"value": "B"}})

    # 3. 500, 500, then 200: three attempts of the same notification, counters follow.
    with receiver.lock:
        receiver.script = [500, 500]
    renkei.request("PATCH", "/v2/entities/Shelter1/attrs", {"occupancy": {"value": 2}})
    got = receiver.wait_for(4)
    check([r["status"] for r in got[1:]] == [500, 500, 200], "statuses %s" % got)
    check(len({r["body"] for r in got[1:]}) == 1, "the retries carry the same payload")
    check(json.loads(got[1]["body"])["data"][0]["occupancy"]["value"] == 2, "value 2")
    time.sleep(0.3)
    check(len(receiver.received) == 4, "the name change did not notify")
    status, _, text = renkei.request("GET", sub_path)
    sub = json.loads(text)["notification"]
    # Notifications count once, however many attempts they took (as Orion counts them): the
    # creation's and this one.
    check(sub["timesSent"] == 2 and sub["lastSuccessCode"] == 200, "counters %s" % sub)
    check(sub["lastFailureReason"] == "HTTP status 500", "lastFailureReason %s" % sub)
    check("failsCounter" not in sub, "failsCounter reset after success %s" % sub)
    # Orion renders these times in whole seconds (its case 1126).
    check(all(sub[k].endswith(".000Z") for k in ("lastNotification", "lastSuccess", "lastFailure")),
          "whole seconds %s" % sub)

    # 4. Order per subscription.
    for v in range(10, 15):
        renkei.request("PATCH", "/v2/entities/Shelter1/attrs", {"occupancy": {"value": v}})
    got = receiver.wait_for(9)
    values = [json.loads(r["body"])["data"][0]["occupancy"]["value"] for r in got[4:9]]
    check(values == [10, 11, 12, 13, 14], "order %s" % values)

    # 5. Receiver down, renkei killed (-9) and restarted: delivered once the receiver is back.
    receiver.stop()
    renkei.request("PATCH", "/v2/entities/Shelter1/attrs", {"occupancy": {"value": 99}})
    time.sleep(0.5)
    renkei.stop(signal.SIGKILL)
    renkei.start()
    time.sleep(0.3)
    receiver.start()
    got = receiver.wait_for(10, timeout=15)
    values = [json.loads(r["body"])["data"][0]["occupancy"]["value"] for r in got]
    check(values.count(99) == 1, "99 delivered exactly once after kill -9: %s" % values)

    # 6. The same through a graceful restart, with the change still in flight.
    receiver.stop()
    renkei.request("PATCH", "/v2/entities/Shelter1/attrs", {"occupancy": {"value": 100}})
    renkei.stop(signal.SIGTERM)
    check(renkei.proc.returncode == 0, "SIGTERM exit status %s" % renkei.proc.returncode)
    renkei.start()
    receiver.start()
    got = receiver.wait_for(11, timeout=15)
    values = [json.loads(r["body"])["data"][0]["occupancy"]["value"] for r in got]
    check(values.count(100) == 1, "100 delivered exactly once after SIGTERM: %s" % values)

    # 7. maxFailsLimit: a dead receiver makes the subscription inactive once more notifications
    #    than the limit failed (Orion: failsCounter greater than maxFailsLimit). Retries do not
    #    count; each new notification is tried at once and counts when it fails.
    status, headers, _ = renkei.request("POST", "/v2/subscriptions", {
        "subject": {"entities": [{"id": "Shelter1", "type": "Shelter"}]},
        "notification": {"http": {"url": "http://127.0.0.1:%d/dead" % dead_port},
                         "maxFailsLimit": 2}})
    check(status == 201, "second subscription: %s" % status)
    dead_path = headers["Location"]
    for value in (7, 8, 9):
        renkei.request("PATCH", "/v2/entities/Shelter1/attrs", {"occupancy": {"value": value}})
        time.sleep(0.2)
    deadline = time.time() + 10
    while time.time() < deadline:
        _, _, text = renkei.request("GET", dead_path)
        dead = json.loads(text)
        if dead["status"] == "inactive":
            break
        time.sleep(0.1)
    check(dead["status"] == "inactive", "maxFailsLimit: %s" % dead)
    check(dead["notification"]["failsCounter"] == 3, "failsCounter %s" % dead)
    check("lastFailure" in dead["notification"], "lastFailure %s" % dead)
    # A refused connection in libcurl's words, as Orion reports it (its case 3541).
    check(dead["notification"].get("lastFailureReason") == "Could not connect to server",
          "lastFailureReason of a refused connection %s" % dead)
    receiver.wait_for(14)  # the first subscription still delivers

    # 7a. A receiver that accepts the connection and never answers: "Timeout was reached", in
    #     libcurl's words as Orion reports it (its case 3842), after the subscription's timeout.
    own = {"Fiware-Service": "silent"}  # a tenant of its own: the default one is at its cap
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # never accepted: the kernel completes the handshake, nobody answers
    try:
        status, headers, _ = renkei.request("POST", "/v2/subscriptions", {
            "subject": {"entities": [{"id": "Kiosk8", "type": "Kiosk"}]},
            "notification": {"http": {"url": "http://127.0.0.1:%d/silent" % silent.getsockname()[1],
                                      "timeout": 300}}}, own)
        check(status == 201, "silent receiver subscription: %s" % status)
        silent_path = headers["Location"]
        renkei.request("POST", "/v2/entities", {"id": "Kiosk8", "type": "Kiosk",
                                                "stock": {"value": 1, "type": "Number"}}, own)
        deadline = time.time() + 10
        while time.time() < deadline:
            _, _, text = renkei.request("GET", silent_path, headers=own)
            quiet = json.loads(text)["notification"]
            if "lastFailureReason" in quiet:
                break
            time.sleep(0.1)
        check(quiet.get("lastFailureReason") == "Timeout was reached",
              "a receiver that never answers %s" % quiet)
    finally:
        silent.close()

    # 7b. A read right after writes shows what became of their notifications (Orion's case
    #     3541 reads failsCounter 2 right after two upserts): no polling here.
    status, headers, _ = renkei.request("POST", "/v2/subscriptions", {
        "subject": {"entities": [{"id": "Kiosk9", "type": "Kiosk"}]},
        "notification": {"http": {"url": "http://127.0.0.1:%d/dead" % dead_port}}})
    check(status == 201, "third subscription: %s" % status)
    settled_path = headers["Location"]
    # The same upsert twice: the second changes nothing but forcedUpdate makes it notify.
    for _ in range(2):
        renkei.request("POST", "/v2/entities?options=upsert,forcedUpdate", {
            "id": "Kiosk9", "type": "Kiosk", "stock": {"value": 1, "type": "Number"}})
    _, _, text = renkei.request("GET", settled_path)
    settled = json.loads(text)["notification"]
    check(settled.get("failsCounter") == 2 and settled.get("timesSent") == 2,
          "read after two writes to a dead receiver %s" % settled)

    # 8. The per-tenant cap (3 here): a fourth subscription of a tenant is refused, clearly.
    capped = {"Fiware-Service": "capped"}
    sub = {"subject": {"entities": [{"idPattern": ".*"}]},
           "notification": {"http": {"url": url}}}
    for _ in range(3):
        status, _, text = renkei.request("POST", "/v2/subscriptions", sub, capped)
        check(status == 201, "under the cap: %s %s" % (status, text))
    status, _, text = renkei.request("POST", "/v2/subscriptions", sub, capped)
    check(status == 400, "over the cap: %s" % status)
    check(json.loads(text) == {"error": "BadRequest", "description":
                               "the tenant already has the maximum number of subscriptions (3)"},
          "cap error %s" % text)

    # 9. oneshot, throttling and httpCustom, each on its own entity type in tenant "extra".
    extra = {"Fiware-Service": "extra", "Fiware-ServicePath": "/"}
    def subscribe(entity_type, notification, **top):
        body = {"subject": {"entities": [{"idPattern": ".*", "type": entity_type}]},
                "notification": notification}
        body.update(top)
        status, headers, text = renkei.request("POST", "/v2/subscriptions", body, extra)
        check(status == 201, "subscribe %s: %s %s" % (entity_type, status, text))
        return headers["Location"]
    def put(entity_type, value):
        status, _, text = renkei.request("POST", "/v2/entities?options=upsert", {
            "id": entity_type + "1", "type": entity_type,
            "v": {"value": value, "type": "Number"}}, extra)
        check(status in (201, 204), "upsert %s: %s %s" % (entity_type, status, text))
    def received_for(entity_type):
        with receiver.lock:
            return [r for r in receiver.received if entity_type + "1" in r["body"] or
                    entity_type + "1" in r["path"]]

    once = subscribe("Once", {"http": {"url": url}}, status="oneshot")
    subscribe("Slow", {"http": {"url": url}, "attrsFormat": "keyValues"}, throttling=60)
    subscribe("Custom", {"httpCustom": {
        "url": "http://127.0.0.1:%d/custom/${id}" % receiver_port, "method": "PUT",
        "qs": {"type": "${type}"}, "headers": {"X-V": "${v}"},
        "json": {"value": "${v}", "text": "v is ${v}"}}})
    for v in (1, 2):
        put("Once", v)
        put("Slow", v)
        put("Custom", v)
    deadline = time.time() + 10
    while time.time() < deadline and len(received_for("Custom")) < 2:
        time.sleep(0.05)
    time.sleep(0.5)  # anything else that was going to arrive has arrived
    once_got = received_for("Once")
    check(len(once_got) == 1, "oneshot notified once: %s" % once_got)
    _, _, text = renkei.request("GET", once, headers=extra)
    check(json.loads(text)["status"] == "inactive", "oneshot is inactive after firing: %s" % text)
    slow_got = received_for("Slow")
    check(len(slow_got) == 1, "throttling 60 s let one through: %s" % slow_got)
    check(json.loads(slow_got[0]["body"])["data"] == [{"id": "Slow1", "type": "Slow", "v": 1}],
          "keyValues %s" % slow_got[0]["body"])
    custom_got = received_for("Custom")
    check(len(custom_got) == 2, "custom %s" % custom_got)
    first = custom_got[0]
    check(first["method"] == "PUT" and first["path"] == "/custom/Custom1?type=Custom",
          "custom request line %s %s" % (first["method"], first["path"]))
    check(first["headers"].get("X-V") == "1", "custom header %s" % first["headers"])
    check(first["headers"].get("Ngsiv2-AttrsFormat") == "custom", "format %s" % first["headers"])
    check(json.loads(first["body"]) == {"value": 1, "text": "v is 1"}, "json %s" % first["body"])

    # 9b. JEXL in templates (Orion API manual "JEXL support in custom notifications"): `ngsi`
    # attributes evaluated by evalPriority, each result seen by the later ones; a failing
    # expression is null; quoted strings in a header value. Its own tenant: "extra" is at the
    # cap of 3 subscriptions.
    jexl_tenant = {"Fiware-Service": "jexl", "Fiware-ServicePath": "/"}
    status, _, text = renkei.request("POST", "/v2/subscriptions", {
        "subject": {"entities": [{"idPattern": ".*", "type": "Jexl"}]},
        "notification": {"httpCustom": {
            "url": "http://127.0.0.1:%d/jexl" % receiver_port,
            "headers": {"X-Level": "${level||'none'}"},
            "ngsi": {
                "double": {"value": "${v*2}", "type": "Number",
                           "metadata": {"evalPriority": {"value": 1, "type": "Number"}}},
                "label": {"value": "${(id|lowercase) + ':' + (double|toString)}",
                          "type": "Text"},
                "broken": {"value": "${v|nosuchtransform}", "type": "Text"}}},
            "attrs": ["double", "label", "broken"]}}, jexl_tenant)
    check(status == 201, "subscribe Jexl: %s %s" % (status, text))
    status, _, text = renkei.request("POST", "/v2/entities", {
        "id": "Jexl1", "type": "Jexl", "v": {"value": 2, "type": "Number"}}, jexl_tenant)
    check(status == 201, "create Jexl1: %s %s" % (status, text))
    deadline = time.time() + 10
    while time.time() < deadline and not received_for("Jexl"):
        time.sleep(0.05)
    jexl_got = received_for("Jexl")
    check(len(jexl_got) == 1, "jexl %s" % jexl_got)
    check(jexl_got[0]["headers"].get("X-Level") == "none", "jexl header %s" % jexl_got[0])
    check(json.loads(jexl_got[0]["body"])["data"] == [{
        "id": "Jexl1", "type": "Jexl",
        "double": {"type": "Number", "value": 4,
                   "metadata": {"evalPriority": {"type": "Number", "value": 1}}},
        "label": {"type": "Text", "value": "jexl1:4", "metadata": {}},
        "broken": {"type": "Text", "value": None, "metadata": {}}}],
        "jexl body %s" % jexl_got[0]["body"])

    # 10. The same value again is not a change and does not notify; with options=forcedUpdate
    # it counts as one (Orion API manual "Update operations"; case 3389), PATCH of the
    # attributes and PUT of one attribute alike.
    time.sleep(0.5)
    with receiver.lock:
        before = len(receiver.received)
    _, _, text = renkei.request("GET", "/v2/entities/Shelter1/attrs/occupancy/value")
    current = json.loads(text)
    renkei.request("PATCH", "/v2/entities/Shelter1/attrs", {"occupancy": {"value": current}})
    time.sleep(0.5)
    check(len(receiver.received) == before, "an unchanged value notified: %s"
          % receiver.received[before:])
    status, _, _ = renkei.request("PATCH", "/v2/entities/Shelter1/attrs?options=forcedUpdate",
                                  {"occupancy": {"value": current}})
    check(status == 204, "forced PATCH: %s" % status)
    status, _, _ = renkei.request("PUT", "/v2/entities/Shelter1/attrs/occupancy?options=forcedUpdate",
                                  {"value": current, "type": "Number"})
    check(status == 204, "forced PUT of the attribute: %s" % status)
    got = receiver.wait_for(before + 2)
    values = [json.loads(r["body"])["data"][0]["occupancy"]["value"] for r in got[before:]]
    check(values == [current, current], "forcedUpdate notified twice: %s" % values)

    # 11. condition.attrs of an entityUpdate subscription matches an attribute written with its
    # old value beside a changed one; of an entityChange subscription, only changed values
    # (Orion case 4647 ..._alttype-entityupdate).
    meter = {"Fiware-Service": "meters", "Fiware-ServicePath": "/"}
    def meter_sub(alteration_types):
        condition = {"attrs": ["TimeInstant"]}
        if alteration_types:
            condition["alterationTypes"] = alteration_types
        status, headers, text = renkei.request("POST", "/v2/subscriptions", {
            "subject": {"entities": [{"idPattern": ".*", "type": "WaterMeter"}],
                        "condition": condition},
            "notification": {"http": {"url": url}, "attrsFormat": "keyValues"}}, meter)
        check(status == 201, "meter subscription: %s %s" % (status, text))
        return headers["Location"].rsplit("/", 1)[1]
    def meter_values(sub):
        return [(b["data"][0]["TimeInstant"], b["data"][0]["water"])
                for b in receiver.bodies() if b.get("subscriptionId") == sub]
    status, _, _ = renkei.request("POST", "/v2/entities", {
        "id": "Meter1", "type": "WaterMeter",
        "TimeInstant": {"value": "2025-02-10T16:41:00.000Z", "type": "DateTime"},
        "water": {"value": 20, "type": "Number"}}, meter)
    check(status == 201, "meter create: %s" % status)
    on_update = meter_sub(["entityUpdate"])
    on_change = meter_sub(None)
    for instant in ("2025-02-10T16:41:00.000Z", "2025-02-10T16:51:00.000Z"):
        status, _, _ = renkei.request("PATCH", "/v2/entities/Meter1/attrs", {
            "TimeInstant": {"value": instant, "type": "DateTime"},
            "water": {"value": 23, "type": "Number"}}, meter)
        check(status == 204, "meter PATCH: %s" % status)
    deadline = time.time() + 10
    while time.time() < deadline and len(meter_values(on_update)) < 2:
        time.sleep(0.05)
    time.sleep(0.5)
    check(meter_values(on_update) == [("2025-02-10T16:41:00.000Z", 23),
                                      ("2025-02-10T16:51:00.000Z", 23)],
          "entityUpdate notified both PATCHes: %s" % meter_values(on_update))
    check(meter_values(on_change) == [("2025-02-10T16:51:00.000Z", 23)],
          "entityChange notified the changed TimeInstant only: %s" % meter_values(on_change))

    # 12. A PATCH of a subscription under another Fiware-ServicePath moves it there: it then
    # notifies entities of the new path, not of the old one (Orion case 1693).
    def in_path(path):
        return {"Fiware-Service": "moves", "Fiware-ServicePath": path}
    status, headers, text = renkei.request("POST", "/v2/subscriptions", {
        "subject": {"entities": [{"idPattern": ".*", "type": "Kiosk"}]},
        "notification": {"http": {"url": url}, "attrsFormat": "keyValues"}}, in_path("/s1"))
    check(status == 201, "moving subscription: %s %s" % (status, text))
    moved = headers["Location"]
    status, _, _ = renkei.request("PATCH", moved, {"description": "moved"}, in_path("/s2"))
    check(status == 204, "PATCH under /s2: %s" % status)
    for entity_id, path in (("KioskOld", "/s1"), ("KioskNew", "/s2")):
        status, _, _ = renkei.request("POST", "/v2/entities", {"id": entity_id, "type": "Kiosk"},
                                      in_path(path))
        check(status == 201, "kiosk create: %s" % status)
    moved_id = moved.rsplit("/", 1)[1]
    deadline = time.time() + 10
    def kiosks():
        return [b["data"][0]["id"] for b in receiver.bodies()
                if b.get("subscriptionId") == moved_id]
    while time.time() < deadline and not kiosks():
        time.sleep(0.05)
    time.sleep(0.5)
    check(kiosks() == ["KioskNew"], "the moved subscription notifies /s2 only: %s" % kiosks())


if __name__ == "__main__":
    main()
