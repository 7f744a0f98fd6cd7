#!/usr/bin/env python3
"""NGSI-LD notifications of deletions and their details (docs/subscriptions.md, ETSI GS CIM 009
v1.8 §5.8.6 notificationTrigger and showChanges, §5.2.14 sysAttrs, §5.3.1 Notification), driven
through HTTP against a real receiver:

- a deleted attribute keeps its kind with the NGSI-LD Null in its value member (Property
  `value`, Relationship `object`, LanguageProperty `languageMap` {"@none": ...}, VocabProperty
  `vocab`, JsonProperty `json`, GeoProperty `value`), with showChanges its previous state in
  previousValue / previousObject / previousLanguageMap / previousVocab / previousJson, with
  sysAttrs its deletedAt; deleting by PATCH with "urn:ngsi-ld:null" notifies the same way;
- an entity deletion fires attributeDeleted for its watched attributes (entity and attribute
  deletedAt), and entityDeleted with showChanges shows every attribute with its previous state;
- deleting one instance of a multi-attribute (datasetId, §4.5.5) is an attributeDeleted that
  shows that instance deleted beside the others; deleting all (deleteAll) shows the attribute
  once as deleted; a subscription's datasetId member shows only those instances;
- every entity of an application/ld+json notification carries the @context;
- a periodic (timeInterval) subscription selecting no entity sends nothing, and its retrieved
  notification member has no timesSent until something was sent;
- a notification the receiver holds (no answer yet) already counts in timesSent, a read
  while its answer is on the way waits for it (up to 250 ms), and once
  answered it is counted once.
Ports come from 19902-19949. Python standard library only.
"""
import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delivery_test import Receiver, Renkei, check, free_ports, notify_config  # noqa: E402
from ld_delivery_test import for_path, subscribe, wait_path  # noqa: E402
from renkei_testlib import QuietHandler, serve_in_background  # noqa: E402

PORTS = range(19902, 19950)
LD = "/ngsi-ld/v1"
NULL = "urn:ngsi-ld:null"


def sub(sub_id, url, entity_type, triggers, **notification):
    notification.setdefault("endpoint", {"uri": url})
    return {"id": sub_id, "type": "Subscription", "entities": [{"type": entity_type}],
            "notificationTrigger": triggers, "notification": notification}


def building(eid):
    return {"id": eid, "type": "Building",
            "name": {"type": "Property", "value": "白浜町役場"},
            "locatedAt": {"type": "Relationship", "object": "urn:ngsi-ld:City:Shirahama"},
            "street": {"type": "LanguageProperty",
                       "languageMap": {"ja": "役場通り", "en": "Town Hall Street"}},
            "location": {"type": "GeoProperty",
                         "value": {"type": "Point", "coordinates": [135.38, 33.68]}},
            "category": {"type": "VocabProperty", "vocab": "townHall"},
            "opening": {"type": "JsonProperty", "json": {"mon": "08:30-17:15", "sat": None}}}


class HoldingReceiver:
    """Answers each notification only once `release` is set."""

    def __init__(self, port):
        self.release = threading.Event()
        self.got = threading.Event()
        holder = self

        class Handler(QuietHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                holder.got.set()
                holder.release.wait(timeout=10)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = serve_in_background(port, Handler)

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="renkei-ldchanges-")
    config = notify_config(work, "retry_initial_ms = 100\nretry_max_ms = 400\n"
                                 "http_timeout_ms = 2000\n")
    receiver_port, renkei_port, holding_port = free_ports(3, ports=PORTS)
    receiver = Receiver(receiver_port)
    receiver.start()
    holding = HoldingReceiver(holding_port)
    renkei = Renkei(args.server, renkei_port, os.path.join(work, "data"), config)
    try:
        renkei.start()
        run(renkei, receiver, "http://127.0.0.1:%d" % receiver_port)
        in_flight(renkei, holding, "http://127.0.0.1:%d/held" % holding_port)
    except Exception:
        renkei.print_log_tail()
        raise
    finally:
        if renkei.proc and renkei.proc.poll() is None:
            renkei.stop(signal.SIGTERM)
        for server in (receiver, holding):
            try:
                server.stop()
            except Exception:
                pass
    shutil.rmtree(work, ignore_errors=True)
    print("NGSI-LD deletion notifications: all checks passed")


def last(receiver, path, count):
    return json.loads(wait_path(receiver, path, count)[count - 1]["body"])


def run(renkei, receiver, base):
    # 1. attributeDeleted with showChanges and sysAttrs, as ld+json: each kind in turn.
    subscribe(renkei, sub("urn:ngsi-ld:Subscription:del", base + "/del", "Building",
                          ["attributeDeleted"], showChanges=True, sysAttrs=True,
                          endpoint={"uri": base + "/del", "accept": "application/ld+json"}))
    eid = "urn:ngsi-ld:Building:Shirahama-1"
    status, _, text = renkei.request("POST", LD + "/entities", building(eid))
    check(status == 201, "create: %s %s" % (status, text))
    time.sleep(0.3)
    check(not for_path(receiver, "/del"), "a creation is no attributeDeleted")
    expected = [
        ("name", "value", NULL, "previousValue", "白浜町役場"),
        ("locatedAt", "object", NULL, "previousObject", "urn:ngsi-ld:City:Shirahama"),
        ("street", "languageMap", {"@none": NULL}, "previousLanguageMap",
         {"ja": "役場通り", "en": "Town Hall Street"}),
        ("category", "vocab", NULL, "previousVocab", "townHall"),
        ("opening", "json", NULL, "previousJson", {"mon": "08:30-17:15", "sat": None}),
    ]
    kinds = {"name": "Property", "locatedAt": "Relationship", "street": "LanguageProperty",
             "category": "VocabProperty", "opening": "JsonProperty",
             "location": "GeoProperty"}
    for n, (attr, member, null, previous_member, previous) in enumerate(expected, start=1):
        status, _, text = renkei.request("DELETE", LD + "/entities/%s/attrs/%s" % (eid, attr))
        check(status == 204, "delete %s: %s %s" % (attr, status, text))
        body = last(receiver, "/del", n)
        entity = body["data"][0]
        check("@context" in entity and "@context" in body,
              "@context in the notified entity and the notification %s" % body)
        shown = entity[attr]
        check(shown["type"] == kinds[attr] and shown[member] == null
              and shown[previous_member] == previous,
              "deleted %s shown %s" % (attr, shown))
        check({"createdAt", "modifiedAt", "deletedAt"} <= set(shown),
              "sysAttrs of the deleted %s: %s" % (attr, shown))
        others = [a for a, v in entity.items() if a != attr and NULL in json.dumps(v)]
        check(not others, "only %s is shown deleted: %s" % (attr, entity))
    remaining = last(receiver, "/del", len(expected))["data"][0]
    check(remaining["location"]["value"] == {"type": "Point", "coordinates": [135.38, 33.68]}
          and "previousValue" not in remaining["location"],
          "an attribute left as it was has no previous value %s" % remaining["location"])
    # The GeoProperty deleted by PATCH with the NGSI-LD Null (§4.5.x) notifies the same way.
    status, _, text = renkei.request("PATCH", LD + "/entities/%s/attrs" % eid,
                                     {"location": {"type": "GeoProperty", "value": NULL}})
    check(status == 204, "PATCH null: %s %s" % (status, text))
    shown = last(receiver, "/del", len(expected) + 1)["data"][0]["location"]
    check(shown["type"] == "GeoProperty" and shown["value"] == NULL
          and shown["previousValue"] == {"type": "Point", "coordinates": [135.38, 33.68]},
          "GeoProperty deleted by PATCH %s" % shown)

    # 2. An entity deletion is the deletion of its watched attributes (attributeDeleted), and
    # with showChanges entityDeleted shows every attribute with its previous state.
    subscribe(renkei, sub("urn:ngsi-ld:Subscription:gone", base + "/gone", "Depot",
                          ["attributeDeleted"]) | {"watchedAttributes": ["name"]})
    subscribe(renkei, sub("urn:ngsi-ld:Subscription:entdel", base + "/entdel", "Depot",
                          ["entityDeleted"], showChanges=True))
    subscribe(renkei, sub("urn:ngsi-ld:Subscription:plain", base + "/plain", "Depot",
                          ["entityDeleted"]))
    did = "urn:ngsi-ld:Depot:Susami-1"
    status, _, text = renkei.request("POST", LD + "/entities", {
        "id": did, "type": "Depot", "name": {"type": "Property", "value": "すさみ備蓄倉庫"},
        "owner": {"type": "Relationship", "object": "urn:ngsi-ld:Town:Susami"}})
    check(status == 201, "create depot: %s %s" % (status, text))
    status, _, text = renkei.request("DELETE", LD + "/entities/%s/attrs/owner" % did)
    check(status == 204, "delete owner: %s %s" % (status, text))
    status, _, text = renkei.request("DELETE", LD + "/entities/%s" % did)
    check(status == 204, "delete depot: %s %s" % (status, text))
    gone = wait_path(receiver, "/gone", 1)
    time.sleep(0.3)
    check(len(for_path(receiver, "/gone")) == 1,
          "the unwatched owner's deletion did not notify: %s" % for_path(receiver, "/gone"))
    entity = json.loads(gone[0]["body"])["data"][0]
    check(set(entity) == {"id", "type", "deletedAt", "name"}
          and entity["name"] == {"type": "Property", "value": NULL},
          "attributeDeleted by the entity deletion %s" % entity)
    entity = last(receiver, "/entdel", 1)["data"][0]
    check(entity["name"] == {"type": "Property", "value": NULL, "previousValue": "すさみ備蓄倉庫"}
          and "owner" not in entity and "deletedAt" in entity,
          "entityDeleted with showChanges %s" % entity)
    entity = last(receiver, "/plain", 1)["data"][0]
    check(set(entity) == {"id", "type", "deletedAt"}, "entityDeleted without showChanges %s"
          % entity)

    # 2b. One instance of a multi-attribute deleted (DELETE ...?datasetId=).
    subscribe(renkei, sub("urn:ngsi-ld:Subscription:instance", base + "/instance", "Sign",
                          ["attributeDeleted"]))
    sid = "urn:ngsi-ld:Sign:Shirahama-station"
    status, _, text = renkei.request("POST", LD + "/entities", {
        "id": sid, "type": "Sign",
        "label": [{"type": "Property", "value": "白浜駅"},
                  {"type": "Property", "value": "Shirahama Station",
                   "datasetId": "urn:ngsi-ld:Dataset:en"}]})
    check(status == 201, "create sign: %s %s" % (status, text))
    status, _, text = renkei.request(
        "DELETE", LD + "/entities/%s/attrs/label?datasetId=urn:ngsi-ld:Dataset:en" % sid)
    check(status == 204, "delete one instance: %s %s" % (status, text))
    label = last(receiver, "/instance", 1)["data"][0]["label"]
    check(isinstance(label, list) and len(label) == 2
          and {"type": "Property", "value": "白浜駅"} in label
          and {"type": "Property", "value": NULL, "datasetId": "urn:ngsi-ld:Dataset:en"} in label,
          "the deleted instance beside the default one %s" % label)
    status, _, text = renkei.request("POST", LD + "/entities/%s/attrs" % sid, {
        "label": {"type": "Property", "value": "Shirahama-eki", "datasetId": "urn:ngsi-ld:Dataset:ro"}})
    check(status == 204, "append an instance: %s %s" % (status, text))
    status, _, text = renkei.request("DELETE", LD + "/entities/%s/attrs/label?deleteAll=true" % sid)
    check(status == 204, "delete all instances: %s %s" % (status, text))
    label = last(receiver, "/instance", 2)["data"][0]["label"]
    check(label == {"type": "Property", "value": NULL}, "every instance deleted: %s" % label)
    subscribe(renkei, sub("urn:ngsi-ld:Subscription:dataset", base + "/dataset", "Plate",
                          ["entityCreated"]) | {"datasetId": ["urn:ngsi-ld:Dataset:en"]})
    renkei.request("POST", LD + "/entities", {
        "id": "urn:ngsi-ld:Plate:1", "type": "Plate",
        "label": [{"type": "Property", "value": "白浜"},
                  {"type": "Property", "value": "Shirahama", "datasetId": "urn:ngsi-ld:Dataset:en"}]})
    label = last(receiver, "/dataset", 1)["data"][0]["label"]
    check(label == {"type": "Property", "value": "Shirahama", "datasetId": "urn:ngsi-ld:Dataset:en"},
          "only the subscription's datasetId: %s" % label)

    # 3. Periodic with nothing selected sends nothing and shows no counters; an entity makes
    # it notify.
    location = subscribe(renkei, {"id": "urn:ngsi-ld:Subscription:periodic", "type": "Subscription",
                                  "entities": [{"type": "Shelter"}], "timeInterval": 1,
                                  "notification": {"endpoint": {"uri": base + "/periodic"}}})
    time.sleep(2.5)
    check(not for_path(receiver, "/periodic"), "an empty periodic notification was sent")
    _, _, text = renkei.request("GET", location)
    n = json.loads(text)["notification"]
    check("timesSent" not in n and "timesFailed" not in n and "jsonldContext" not in json.loads(text),
          "nothing sent yet: %s" % text)
    renkei.request("POST", LD + "/entities", {"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter"})
    body = last(receiver, "/periodic", 1)
    check([e["id"] for e in body["data"]] == ["urn:ngsi-ld:Shelter:1"], "periodic %s" % body)
    deadline = time.time() + 5
    while time.time() < deadline:
        _, _, text = renkei.request("GET", location)
        if json.loads(text)["notification"].get("timesSent", 0) >= 1:
            break
        time.sleep(0.1)
    check(json.loads(text)["notification"].get("timesSent", 0) >= 1, "timesSent once sent %s" % text)


def in_flight(renkei, holding, url):
    # 4. timesSent counts a notification from the moment it goes: a receiver that reads the
    # subscription before answering already sees it (suite 046_11_01 reads right after).
    location = subscribe(renkei, sub("urn:ngsi-ld:Subscription:held", url, "Kiosk",
                                     ["entityCreated"]))
    renkei.request("POST", LD + "/entities", {"id": "urn:ngsi-ld:Kiosk:1", "type": "Kiosk"})
    check(holding.got.wait(timeout=10), "the held notification arrived")
    _, _, text = renkei.request("GET", location)
    check(json.loads(text)["notification"].get("timesSent") == 1,
          "timesSent while the receiver holds the notification: %s" % text)
    holding.release.set()
    deadline = time.time() + 5
    while time.time() < deadline:
        _, _, text = renkei.request("GET", location)
        if json.loads(text)["notification"].get("status") == "ok":
            break
        time.sleep(0.05)
    n = json.loads(text)["notification"]
    check(n.get("status") == "ok" and n.get("timesSent") == 1, "answered, counted once: %s" % n)
    # 5. A read while the receiver is about to answer waits for the answer (a bounded wait,
    # SubscriptionLimits::answer_wait): the receiver that reads as soon as it got the
    # notification sees its outcome (suite 046_12_01), not only that it was sent.
    holding.got.clear()
    holding.release.clear()
    renkei.request("POST", LD + "/entities", {"id": "urn:ngsi-ld:Kiosk:2", "type": "Kiosk"})
    check(holding.got.wait(timeout=10), "the second notification arrived")
    threading.Timer(0.1, holding.release.set).start()
    _, _, text = renkei.request("GET", location)
    n = json.loads(text)["notification"]
    check(n.get("timesSent") == 2 and "lastSuccess" in n and n.get("status") == "ok"
          and n.get("lastSuccess", "") >= n.get("lastNotification", "~"),
          "read right after the receiver got it, answered 0.1 s later: %s" % n)


if __name__ == "__main__":
    main()
