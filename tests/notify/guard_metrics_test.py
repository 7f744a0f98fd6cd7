#!/usr/bin/env python3
"""Receiver guard at delivery, GET /metrics, and expiry notifications (issue 4).

Through HTTP against a real renkei and receiver:
- the own listener is refused on create (by address and by localhost);
- a subscription stored while loopback was allowed fails at delivery once renkei restarts
  with loopback denied: the resolved address is refused, lastFailureReason says why and the
  receiver gets nothing (the check a DNS rebinding meets);
- GET /metrics in the Prometheus text format: requests by dialect and status class,
  notifications sent / failed / retried / dropped per tenant, outbox depth, matching lag,
  subscriptions; 405 ProblemDetails for POST;
- an entity removed by the expiry sweeper (dateExpires) notifies entityDelete subscriptions.
Ports come from 18500-18599. Python standard library only.
"""
import argparse
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delivery_test import Receiver, Renkei, check, free_ports, notify_config  # noqa: E402

PORTS = range(18500, 18600)
TENANT = "304018"  # the tenant delivery_test.Renkei.request sends


def metrics(renkei):
    status, headers, text = renkei.request("GET", "/metrics")
    check(status == 200, "GET /metrics: %s %s" % (status, text))
    check(headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
          "metrics content type: %s" % headers)
    values = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, value = line.rsplit(" ", 1)
        values[name] = float(value)
    return text, values


def wait_metric(renkei, name, expected, timeout=10.0):
    deadline = time.time() + timeout
    while True:
        _, values = metrics(renkei)
        if values.get(name) == expected:
            return values
        if time.time() > deadline:
            raise AssertionError("%s: expected %s, got %s" % (name, expected, values.get(name)))
        time.sleep(0.1)


def create_sub(renkei, body):
    status, headers, text = renkei.request("POST", "/v2/subscriptions", body)
    check(status == 201, "subscription create: %s %s" % (status, text))
    return headers["Location"].rsplit("/", 1)[1]


def run_guard_at_create(renkei):
    own = renkei.port
    for url in ("http://127.0.0.1:%d/v2/op/notify" % own, "http://localhost:%d/x" % own):
        status, _, text = renkei.request("POST", "/v2/subscriptions", {
            "subject": {"entities": [{"idPattern": ".*"}]},
            "notification": {"http": {"url": url}}})
        check(status == 400, "own listener %s: %s %s" % (url, status, text))
        body = json.loads(text)
        check(body == {"error": "BadRequest", "description":
                       "notification URL refused: address 127.0.0.1:%d is this broker's own "
                       "listener (SSRF guard)" % own}, "own listener error: %s" % body)


def run_metrics(renkei, receiver, receiver_port, dead_port):
    ok_sub = create_sub(renkei, {
        "subject": {"entities": [{"id": "Sensor1", "type": "Sensor"}]},
        "notification": {"http": {"url": "http://localhost:%d/notify" % receiver_port}}})
    create_sub(renkei, {
        "subject": {"entities": [{"id": "Sensor2", "type": "Sensor"}]},
        "notification": {"http": {"url": "http://127.0.0.1:%d/dead" % dead_port}}})
    status, _, _ = renkei.request("POST", "/v2/entities", {
        "id": "Sensor1", "type": "Sensor", "level": {"value": 1, "type": "Number"}})
    check(status == 201, "create Sensor1: %s" % status)
    receiver.wait_for(1)
    status, _, _ = renkei.request("POST", "/v2/entities", {
        "id": "Sensor2", "type": "Sensor", "level": {"value": 1, "type": "Number"}})
    check(status == 201, "create Sensor2: %s" % status)
    # The config allows 2 attempts: one failure retried, then one failure dropped.
    values = wait_metric(renkei, 'renkei_notifications_dropped_total{tenant="%s"}' % TENANT, 1)
    check(values['renkei_notifications_sent_total{tenant="%s"}' % TENANT] == 1, values)
    check(values['renkei_notifications_failed_total{tenant="%s"}' % TENANT] == 2, values)
    check(values['renkei_notifications_retried_total{tenant="%s"}' % TENANT] == 1, values)
    check(values['renkei_subscriptions{tenant="%s"}' % TENANT] == 2, values)
    check(values['renkei_notify_outbox_depth{tenant="%s"}' % TENANT] == 0, values)
    check(values['renkei_notify_matching_lag{tenant="%s"}' % TENANT] == 0, values)
    check(values["renkei_notifications_outbox_full_dropped_total"] == 0, values)
    # The entities written above were applied from the write log: nothing is left over.
    for gauge in ("renkei_store_unapplied_records", "renkei_store_unapplied_entities",
                  "renkei_store_unapplied_bytes"):
        wait_metric(renkei, gauge, 0)
    # Requests by dialect and status class: an NGSI-LD read and an NGSIv2 404 move them.
    _, values = metrics(renkei)
    before = values
    status, _, _ = renkei.request("GET", "/ngsi-ld/v1/entities?type=Sensor")
    check(status == 200, "NGSI-LD query: %s" % status)
    status, _, _ = renkei.request("GET", "/v2/entities/Nope")
    check(status == 404, "NGSIv2 404: %s" % status)
    text, after = metrics(renkei)
    for key, delta in (('renkei_http_requests_total{dialect="ngsi-ld",code="2xx"}', 1),
                       ('renkei_http_requests_total{dialect="ngsiv2",code="4xx"}', 1),
                       ('renkei_http_requests_total{dialect="other",code="2xx"}', 1)):
        check(after[key] - before[key] == delta, "%s: %s -> %s" % (key, before[key], after[key]))
    for family, kind in (("renkei_http_requests_total", "counter"),
                         ("renkei_notifications_sent_total", "counter"),
                         ("renkei_notify_outbox_depth", "gauge"),
                         ("renkei_notify_matching_lag", "gauge"),
                         ("renkei_subscriptions", "gauge"),
                         ("renkei_store_unapplied_records", "gauge"),
                         ("renkei_store_unapplied_entities", "gauge"),
                         ("renkei_store_unapplied_bytes", "gauge")):
        check(re.search(r"^# HELP %s \S" % family, text, re.M), "HELP of %s" % family)
        check(re.search(r"^# TYPE %s %s$" % (family, kind), text, re.M), "TYPE of %s" % family)
    status, headers, text = renkei.request("POST", "/metrics", {})
    check(status == 405 and headers.get("Content-Type") == "application/problem+json",
          "POST /metrics: %s %s" % (status, headers))
    check(json.loads(text)["status"] == 405, text)
    return ok_sub


def run_expiry(renkei, receiver):
    sub = create_sub(renkei, {
        "subject": {"entities": [{"idPattern": "^Alert"}],
                    "condition": {"alterationTypes": ["entityDelete"]}},
        "notification": {"http": {"url": "http://127.0.0.1:%d/expired" % receiver.port}}})
    expires = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + 2))
    status, _, text = renkei.request("POST", "/v2/entities", {
        "id": "Alert1", "type": "Alert", "level": {"value": "high", "type": "Text"},
        "dateExpires": {"value": expires, "type": "DateTime"}})
    check(status == 201, "create Alert1: %s %s" % (status, text))
    deadline = time.time() + 15
    while True:
        with receiver.lock:
            expired = [r for r in receiver.received if r["path"] == "/expired"]
        if expired:
            break
        check(time.time() < deadline, "no entityDelete notification for the expired entity")
        time.sleep(0.1)
    body = json.loads(expired[0]["body"])
    check(body["subscriptionId"] == sub, "expiry notification: %s" % body)
    check([e["id"] for e in body["data"]] == ["Alert1"], "expiry notification: %s" % body)
    status, _, _ = renkei.request("GET", "/v2/entities/Alert1")
    check(status == 404, "the expired entity is gone: %s" % status)


def run_guard_at_delivery(renkei, receiver, ok_sub):
    received = len(receiver.received)
    status, _, _ = renkei.request("PATCH", "/v2/entities/Sensor1/attrs",
                                  {"level": {"value": 2, "type": "Number"}})
    check(status == 204, "update Sensor1: %s" % status)
    deadline = time.time() + 10
    while True:
        status, _, text = renkei.request("GET", "/v2/subscriptions/" + ok_sub)
        notification = json.loads(text)["notification"]
        if "lastFailureReason" in notification:
            break
        check(time.time() < deadline, "no failure recorded: %s" % notification)
        time.sleep(0.1)
    reason = notification["lastFailureReason"]
    check(re.search(r"address (127\.0\.0\.1|::1) is in a denied range \(loopback, SSRF guard\)",
                    reason), "lastFailureReason: %s" % reason)
    time.sleep(0.5)
    check(len(receiver.received) == received, "the refused notification reached the receiver")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="renkei-guard-")
    config = notify_config(work, "retry_initial_ms = 100\nretry_max_ms = 200\n"
                                 "retry_max_attempts = 2\nhttp_timeout_ms = 2000\n")
    strict = notify_config(work, "retry_initial_ms = 100\nretry_max_ms = 200\n"
                                 "deny = [\"loopback\", \"link-local\"]\n", name="strict.toml")
    receiver_port, renkei_port, dead_port = free_ports(3, ports=PORTS)
    receiver = Receiver(receiver_port)
    receiver.start()
    data = os.path.join(work, "data")
    renkei = Renkei(args.server, renkei_port, data, config)
    renkei.start()
    try:
        run_guard_at_create(renkei)
        ok_sub = run_metrics(renkei, receiver, receiver_port, dead_port)
        run_expiry(renkei, receiver)
        renkei.stop(signal.SIGTERM)
        renkei = Renkei(args.server, renkei_port, data, strict)
        renkei.start()
        run_guard_at_delivery(renkei, receiver, ok_sub)
    except Exception:
        renkei.print_log_tail()
        raise
    finally:
        if renkei.proc and renkei.proc.poll() is None:
            renkei.stop(signal.SIGTERM)
        receiver.stop()
    shutil.rmtree(work, ignore_errors=True)
    print("notify guard and metrics: all checks passed")


if __name__ == "__main__":
    main()
