#!/usr/bin/env python3
"""End-to-end NGSI-LD notifications (docs/subscriptions.md, ETSI GS CIM 009 v1.8 §5.3.1,
§5.8.6): /ngsi-ld/v1/subscriptions delivered to a real HTTP receiver and to a real mosquitto.

Checks: the §5.3.1 body (id, type Notification, subscriptionId, notifiedAt, data) with the
entity in the subscription's format and @context, the Content-Type/Link headers per accept,
NGSILD-Tenant and receiverInfo headers; watchedAttributes and q; a change written through
NGSIv2 notifies an NGSI-LD subscription and one written through NGSI-LD notifies an NGSIv2
subscription; showChanges (previousValue), attributeDeleted (urn:ngsi-ld:null) and
entityDeleted (deletedAt); counters and notification.status ok/failed; a paused subscription
does not notify; periodic notifications (timeInterval) arrive at their interval; an MQTT
endpoint gets {metadata, body} with the QoS of notifierInfo.
Ports come from 18400-18449. Python standard library, mosquitto and mosquitto_sub.
"""
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
from delivery_test import Receiver, Renkei, check, free_ports, notify_config  # noqa: E402

PORTS = range(18400, 18450)
LD = "/ngsi-ld/v1"


def for_path(receiver, path):
    with receiver.lock:
        return [r for r in receiver.received if r["path"] == path]


def wait_path(receiver, path, count, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = for_path(receiver, path)
        if len(got) >= count:
            return got
        time.sleep(0.05)
    raise AssertionError("expected %d notifications on %s, got %s"
                         % (count, path, for_path(receiver, path)))


def subscribe(renkei, body):
    status, headers, text = renkei.request("POST", LD + "/subscriptions", body)
    check(status == 201, "subscribe: %s %s" % (status, text))
    return headers["Location"]


def ld_sub(sub_id, url, **members):
    notification = members.pop("notification", {})
    notification.setdefault("endpoint", {"uri": url})
    body = {"id": sub_id, "type": "Subscription", "entities": [{"type": "Shelter"}],
            "notification": notification}
    body.update(members)
    return body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--mosquitto", default=shutil.which("mosquitto") or "/usr/sbin/mosquitto")
    ap.add_argument("--mosquitto-sub", default=shutil.which("mosquitto_sub") or "mosquitto_sub")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="renkei-ldnotify-")
    config = notify_config(work, "retry_initial_ms = 100\nretry_max_ms = 400\n"
                                 "http_timeout_ms = 2000\nretry_max_attempts = 2\n")
    receiver_port, renkei_port, dead_port, broker_port = free_ports(4, ports=PORTS)
    conf = os.path.join(work, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n" % broker_port)
    broker = subprocess.Popen([args.mosquitto, "-c", conf], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    receiver = Receiver(receiver_port)
    receiver.start()
    renkei = Renkei(args.server, renkei_port, os.path.join(work, "data"), config)
    mqtt_sub = None
    try:
        time.sleep(0.5)
        out = os.path.join(work, "messages.txt")
        mqtt_sub = subprocess.Popen(
            [args.mosquitto_sub, "-h", "127.0.0.1", "-p", str(broker_port), "-t", "ld/#", "-v",
             "-q", "1"], stdout=open(out, "w"), stderr=subprocess.DEVNULL)
        renkei.start()
        run(renkei, receiver, "http://127.0.0.1:%d" % receiver_port,
            "http://127.0.0.1:%d/dead" % dead_port, "mqtt://127.0.0.1:%d" % broker_port, out)
    except Exception:
        renkei.print_log_tail()
        raise
    finally:
        if renkei.proc and renkei.proc.poll() is None:
            renkei.stop(signal.SIGTERM)
        if mqtt_sub:
            mqtt_sub.terminate()
        broker.terminate()
        broker.wait(timeout=10)
        try:
            receiver.stop()
        except Exception:
            pass
    shutil.rmtree(work, ignore_errors=True)
    print("NGSI-LD notify delivery: all checks passed")


def run(renkei, receiver, base, dead_url, mqtt_base, mqtt_out):
    # A: normalized, watched occupancy, q (percent-encoded as clients write it; decoded,
    # ld_subscription_payload.cpp), receiverInfo; B: keyValues + ld+json + showChanges;
    # C: entityDeleted + attributeDeleted; D: an endpoint nobody listens on.
    sub_a = subscribe(renkei, ld_sub(
        "urn:ngsi-ld:Subscription:A", base + "/a", watchedAttributes=["occupancy"],
        q="occupancy%3E100",
        notification={"attributes": ["occupancy"], "endpoint": {
            "uri": base + "/a", "accept": "application/json",
            "receiverInfo": [{"key": "X-Town", "value": "Shirahama"}]}}))
    subscribe(renkei, ld_sub(
        "urn:ngsi-ld:Subscription:B", base + "/b", notificationTrigger=["attributeUpdated"],
        notification={"format": "normalized", "showChanges": True, "endpoint": {
            "uri": base + "/b", "accept": "application/ld+json"}}))
    subscribe(renkei, ld_sub(
        "urn:ngsi-ld:Subscription:C", base + "/c",
        notificationTrigger=["entityDeleted", "attributeDeleted"],
        notification={"format": "keyValues"}))
    sub_d = subscribe(renkei, ld_sub("urn:ngsi-ld:Subscription:D", dead_url))
    # Pick: notification.pick selects entity members, so no type (§4.21, ETSI 046_42_01).
    subscribe(renkei, ld_sub(
        "urn:ngsi-ld:Subscription:Pick", base + "/pick", watchedAttributes=["occupancy"],
        notification={"pick": ["id", "occupancy"], "format": "keyValues"}))
    status, _, text = renkei.request("POST", "/v2/subscriptions", {
        "subject": {"entities": [{"idPattern": ".*", "type": "Shelter"}],
                    "condition": {"attrs": ["name"]}},
        "notification": {"http": {"url": base + "/v2"}, "attrs": ["name"]}})
    check(status == 201, "v2 subscribe: %s %s" % (status, text))

    # 1. An NGSI-LD creation with occupancy 150: A notifies (attributeCreated, q holds).
    eid = "urn:ngsi-ld:Shelter:Shirahama-1"
    status, _, text = renkei.request("POST", LD + "/entities", {
        "id": eid, "type": "Shelter", "occupancy": {"type": "Property", "value": 150},
        "name": {"type": "Property", "value": "白浜第一避難所"}},
        {"Fiware-Correlator": "ld-create"})
    check(status == 201, "LD create: %s %s" % (status, text))
    first = wait_path(receiver, "/a", 1)[0]
    body = json.loads(first["body"])
    check(body["type"] == "Notification" and body["id"].startswith("urn:ngsi-ld:Notification:")
          and body["subscriptionId"] == "urn:ngsi-ld:Subscription:A" and "notifiedAt" in body,
          "notification envelope %s" % body)
    check(body["data"] == [{"id": eid, "type": "Shelter",
                            "occupancy": {"type": "Property", "value": 150}}],
          "A data %s" % body["data"])
    h = {k.lower(): v for k, v in first["headers"].items()}
    check(h.get("content-type") == "application/json", "content-type %s" % h)
    check("ngsi-ld-core-context" in h.get("link", "") and 'rel="http://www.w3.org/ns/json-ld#context"'
          in h.get("link", ""), "Link %s" % h)
    check(h.get("ngsild-tenant") == "304018", "tenant %s" % h)
    check(h.get("x-town") == "Shirahama", "receiverInfo %s" % h)
    check(for_path(receiver, "/v2") and json.loads(for_path(receiver, "/v2")[0]["body"])["data"][0]
          ["name"]["value"] == "白浜第一避難所", "the NGSIv2 subscription saw the NGSI-LD creation")
    check(not for_path(receiver, "/b"), "B wants attributeUpdated only")
    picked = json.loads(wait_path(receiver, "/pick", 1)[0]["body"])["data"]
    check(picked == [{"id": eid, "occupancy": 150}], "Pick selects id and occupancy: %s" % picked)

    # 2. An NGSIv2 update to 120: A and B notify (cross-dialect), B shows the previous value.
    status, _, text = renkei.request("PATCH", "/v2/entities/%s/attrs" % eid,
                                     {"occupancy": {"value": 120, "type": "Number"}})
    check(status == 204, "v2 patch: %s %s" % (status, text))
    second = json.loads(wait_path(receiver, "/a", 2)[1]["body"])
    check(second["data"][0]["occupancy"]["value"] == 120, "A after v2 write %s" % second)
    b = wait_path(receiver, "/b", 1)[0]
    b_body = json.loads(b["body"])
    check({k.lower(): v for k, v in b["headers"].items()}.get("content-type")
          == "application/ld+json", "B content type")
    check("@context" in b_body, "B inline @context %s" % b_body)
    occupancy = b_body["data"][0]["occupancy"]
    check(occupancy["value"] == 120 and occupancy["previousValue"] == 150,
          "showChanges %s" % occupancy)

    # 3. q no longer holds at 50: A stays silent; a paused A misses 130; active again it notifies.
    status, _, _ = renkei.request("PATCH", LD + "/entities/%s/attrs" % eid,
                                  {"occupancy": {"type": "Property", "value": 50}})
    check(status == 204, "LD patch: %s" % status)
    wait_path(receiver, "/b", 2)
    status, _, _ = renkei.request("PATCH", sub_a, {"isActive": False})
    check(status == 204, "pause: %s" % status)
    renkei.request("PATCH", LD + "/entities/%s/attrs" % eid,
                   {"occupancy": {"type": "Property", "value": 130}})
    wait_path(receiver, "/b", 3)
    status, _, _ = renkei.request("PATCH", sub_a, {"isActive": True})
    check(status == 204, "resume: %s" % status)
    renkei.request("PATCH", LD + "/entities/%s/attrs" % eid,
                   {"occupancy": {"type": "Property", "value": 140}})
    wait_path(receiver, "/b", 4)
    a_all = wait_path(receiver, "/a", 3)
    time.sleep(0.3)
    a_values = [json.loads(r["body"])["data"][0]["occupancy"]["value"]
                for r in for_path(receiver, "/a")]
    check(a_values == [150, 120, 140], "A notified %s (50 fails q, 130 while paused)" % a_values)
    del a_all

    # 4. Counters of A; D failed.
    _, _, text = renkei.request("GET", sub_a)
    n = json.loads(text)["notification"]
    check(n["timesSent"] == 3 and n["status"] == "ok" and "lastSuccess" in n
          and "lastNotification" in n, "A counters %s" % n)
    deadline = time.time() + 10
    while time.time() < deadline:
        _, _, text = renkei.request("GET", sub_d)
        n = json.loads(text)["notification"]
        if n.get("status") == "failed":
            break
        time.sleep(0.1)
    check(n.get("status") == "failed" and "lastFailure" in n and n["timesFailed"] >= 1,
          "D counters %s" % n)

    # 5. attributeDeleted then entityDeleted on C.
    status, _, _ = renkei.request("DELETE", LD + "/entities/%s/attrs/name" % eid)
    check(status == 204, "delete attr: %s" % status)
    c1 = json.loads(wait_path(receiver, "/c", 1)[0]["body"])
    check(c1["data"][0]["name"] == "urn:ngsi-ld:null" and c1["data"][0]["occupancy"] == 140,
          "attributeDeleted %s" % c1)
    status, _, _ = renkei.request("DELETE", LD + "/entities/%s" % eid)
    check(status == 204, "delete entity: %s" % status)
    c2 = json.loads(wait_path(receiver, "/c", 2)[1]["body"])
    check(c2["data"][0]["id"] == eid and "deletedAt" in c2["data"][0]
          and "occupancy" not in c2["data"][0], "entityDeleted %s" % c2)

    # 6. An NGSIv2 subscription is notified by an NGSI-LD write of a watched attribute.
    renkei.request("POST", LD + "/entities", {
        "id": "urn:ngsi-ld:Shelter:Susami-1", "type": "Shelter",
        "name": {"type": "Property", "value": "すさみ避難所"}})
    susami = []
    deadline = time.time() + 10
    while time.time() < deadline and not susami:
        susami = [json.loads(r["body"]) for r in for_path(receiver, "/v2")
                  if json.loads(r["body"])["data"][0]["id"] == "urn:ngsi-ld:Shelter:Susami-1"]
        time.sleep(0.05)
    check(susami and susami[0]["data"][0]["name"]["value"] == "すさみ避難所",
          "v2 notification of an NGSI-LD write %s" % susami)

    # 7. Periodic: timeInterval 1 s sends the current entities about every second.
    started = time.time()
    sub_p = subscribe(renkei, ld_sub("urn:ngsi-ld:Subscription:P", base + "/p", timeInterval=1,
                                     notification={"format": "keyValues",
                                                   "attributes": ["name"]}))
    periodic = wait_path(receiver, "/p", 4, timeout=8)
    arrivals = []
    for r in periodic:
        body = json.loads(r["body"])
        check(body["data"] == [{"id": "urn:ngsi-ld:Shelter:Susami-1", "type": "Shelter",
                                "name": "すさみ避難所"}], "periodic data %s" % body)
        arrivals.append(body["notifiedAt"])
    elapsed = time.time() - started
    check(2.5 <= elapsed <= 6, "4 periodic notifications took %.2f s" % elapsed)
    status, _, _ = renkei.request("DELETE", sub_p)
    check(status == 204, "delete periodic: %s" % status)
    print("periodic: 4 notifications in %.2f s (%s)" % (elapsed, ", ".join(arrivals)))

    # 8. MQTT: {metadata, body} on the endpoint's topic, QoS from notifierInfo.
    subscribe(renkei, ld_sub("urn:ngsi-ld:Subscription:M", mqtt_base + "/ld/shelters",
                             notification={"format": "keyValues", "attributes": ["name"],
                                           "endpoint": {"uri": mqtt_base + "/ld/shelters",
                                                        "notifierInfo": [{"key": "MQTT-QoS",
                                                                          "value": "1"}]}}))
    renkei.request("PATCH", LD + "/entities/urn:ngsi-ld:Shelter:Susami-1/attrs",
                   {"name": {"type": "Property", "value": "すさみ町避難所"}})
    deadline = time.time() + 10
    lines = []
    while time.time() < deadline and not lines:
        time.sleep(0.1)
        with open(mqtt_out) as f:
            lines = [line.rstrip("\n") for line in f if line.strip()]
    check(len(lines) == 1, "one MQTT message: %s" % lines)
    topic, payload = lines[0].split(" ", 1)
    message = json.loads(payload)
    check(topic == "ld/shelters" and message["body"]["type"] == "Notification"
          and message["body"]["data"] == [{"id": "urn:ngsi-ld:Shelter:Susami-1",
                                           "type": "Shelter", "name": "すさみ町避難所"}]
          and message["metadata"]["Content-Type"] == "application/json",
          "MQTT message %s" % message)

    # 9. timesFailed counts every failed attempt (§5.2.14), also those a later success followed
    # (NGSIv2's failsCounter counts only those since the last success, and would read 0 here).
    # Tank entities have no other subscription, so the receiver's script is E's alone.
    sub_e = subscribe(renkei, {"id": "urn:ngsi-ld:Subscription:E", "type": "Subscription",
                               "entities": [{"type": "Tank"}], "watchedAttributes": ["level"],
                               "notification": {"endpoint": {"uri": base + "/e"}}})
    status, _, text = renkei.request("POST", LD + "/entities", {
        "id": "urn:ngsi-ld:Tank:1", "type": "Tank", "level": {"type": "Property", "value": 1}})
    check(status == 201, "create tank: %s %s" % (status, text))
    wait_path(receiver, "/e", 1)
    for level, attempts in ((2, 3), (3, 5)):
        with receiver.lock:
            receiver.script.append(500)  # the first attempt fails, the retry succeeds
        status, _, _ = renkei.request("PATCH", LD + "/entities/urn:ngsi-ld:Tank:1/attrs",
                                      {"level": {"type": "Property", "value": level}})
        check(status == 204, "patch tank: %s" % status)
        wait_path(receiver, "/e", attempts)
    deadline = time.time() + 10
    while time.time() < deadline:
        _, _, text = renkei.request("GET", sub_e)
        n = json.loads(text)["notification"]
        if n.get("timesSent") == 5:
            break
        time.sleep(0.1)
    check(n.get("timesSent") == 5 and n.get("timesFailed") == 2 and n.get("status") == "ok",
          "E counters (5 attempts, 2 failed, then a success) %s" % n)


if __name__ == "__main__":
    main()
