#!/usr/bin/env python3
"""End-to-end MQTT notification (docs/subscriptions.md): an NGSIv2 `mqtt` subscription and an
`mqttCustom` one deliver to a real mosquitto broker started here on 127.0.0.1 (port from
18100-18199), read back with mosquitto_sub; the subscription's counters follow.
Python standard library, mosquitto and mosquitto_sub (Debian packages)."""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delivery_test import Renkei, check, free_ports, notify_config  # noqa: E402


def notification_when(renkei, path, ready, timeout=10.0):
    """The subscription's notification member once `ready` holds of it (or at the timeout)."""
    deadline = time.time() + timeout
    while True:
        _, _, text = renkei.request("GET", path)
        n = json.loads(text)["notification"]
        if ready(n) or time.time() > deadline:
            return n
        time.sleep(0.1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--mosquitto", default=shutil.which("mosquitto") or "/usr/sbin/mosquitto")
    ap.add_argument("--mosquitto-sub", default=shutil.which("mosquitto_sub") or "mosquitto_sub")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="renkei-mqtt-")
    ports = range(18150, 18200)  # apart from delivery_test.py's, which run at the same time
    broker_port, renkei_port = free_ports(2, ports=ports)
    conf = os.path.join(work, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n" % broker_port)
    broker = subprocess.Popen([args.mosquitto, "-c", conf], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    config = notify_config(work, "retry_initial_ms = 100\nretry_max_ms = 400\n")
    renkei = Renkei(args.server, renkei_port, os.path.join(work, "data"), config)
    sub = None
    try:
        time.sleep(0.5)
        out = os.path.join(work, "messages.txt")
        sub = subprocess.Popen([args.mosquitto_sub, "-h", "127.0.0.1", "-p", str(broker_port),
                                "-t", "city/#", "-v", "-q", "1"],
                               stdout=open(out, "w"), stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        renkei.start()
        url = "mqtt://127.0.0.1:%d" % broker_port
        for body in (
            {"subject": {"entities": [{"idPattern": ".*", "type": "Bus"}]},
             "notification": {"mqtt": {"url": url, "topic": "city/bus", "qos": 1},
                              "attrs": ["speed"]}},
            {"subject": {"entities": [{"idPattern": ".*", "type": "Bus"}]},
             "notification": {"mqttCustom": {"url": url, "topic": "city/${id}",
                                             "json": {"s": "${speed}"}}}}):
            status, headers, text = renkei.request("POST", "/v2/subscriptions", body)
            check(status == 201, "subscribe: %s %s" % (status, text))
        sub_path = headers["Location"]
        status, _, _ = renkei.request("POST", "/v2/entities", {
            "id": "Bus7", "type": "Bus", "speed": {"value": 42, "type": "Number"},
            "line": {"value": "3", "type": "Text"}})
        check(status == 201, "entity create: %s" % status)
        deadline = time.time() + 10
        lines = []
        while time.time() < deadline and len(lines) < 2:
            time.sleep(0.1)
            with open(out) as f:
                lines = [line.rstrip("\n") for line in f if line.strip()]
        check(len(lines) == 2, "two MQTT messages: %s" % lines)
        by_topic = dict(line.split(" ", 1) for line in lines)
        normal = json.loads(by_topic["city/bus"])
        check(normal["data"] == [{"id": "Bus7", "type": "Bus",
                                  "speed": {"type": "Number", "value": 42, "metadata": {}}}],
              "mqtt payload %s" % normal)
        check(json.loads(by_topic["city/Bus7"]) == {"s": 42}, "mqttCustom %s" % by_topic)
        n = notification_when(renkei, sub_path, lambda n: n.get("timesSent") == 1)
        check(n.get("timesSent") == 1 and "lastSuccess" in n, "counters %s" % n)

        # A broker nobody runs: the failure counts, and shows no lastFailureReason, as in
        # Orion (its MQTT notifier records none; case 3541 mqtt_*).
        dead_port = free_ports(1, ports=[p for p in ports if p not in (broker_port, renkei_port)])[0]
        status, headers, text = renkei.request("POST", "/v2/subscriptions", {
            "subject": {"entities": [{"id": "Bus8", "type": "Bus"}]},
            "notification": {"mqtt": {"url": "mqtt://127.0.0.1:%d" % dead_port,
                                      "topic": "city/dead"}}})
        check(status == 201, "subscribe to a dead broker: %s %s" % (status, text))
        dead_path = headers["Location"]
        renkei.request("POST", "/v2/entities", {"id": "Bus8", "type": "Bus",
                                                "speed": {"value": 1, "type": "Number"}})
        n = notification_when(renkei, dead_path, lambda n: n.get("failsCounter") == 1)
        check(n.get("failsCounter") == 1 and "lastFailure" in n and "lastFailureReason" not in n,
              "a dead MQTT broker's failure %s" % n)
    finally:
        if renkei.proc and renkei.proc.poll() is None:
            renkei.stop(signal.SIGTERM)
        if sub:
            sub.terminate()
        broker.terminate()
        broker.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)
    print("notify mqtt delivery: all checks passed")


if __name__ == "__main__":
    main()
