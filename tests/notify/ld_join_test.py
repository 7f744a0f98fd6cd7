#!/usr/bin/env python3
"""NGSI-LD notifications with linked entities (ETSI GS CIM 009 v1.8.1 §4.5.23, §5.2.14 join and
joinLevel; the ETSI suite's 046_23 ... 046_30), through HTTP against a real receiver:

- join=inline puts the linked entity into the relationship's `entity` member (keyValues: in
  place of the object), joinLevel hops deep; join=flat appends each linked entity once to
  `data`, after the notified entity;
- notification.attributes selects the notified entity's attributes only: a linked entity is
  shown whole; sysAttrs and the format apply to linked entities too; with
  accept application/ld+json each linked entity of `data` carries the @context;
- a link to an entity that does not exist stays a plain relationship;
- a periodic (timeInterval) notification lists an entity two notified entities link to once;
- without join nothing is added.
The owner's read check on linked entities is tested in tests/auth/join_gate_test.py.
Ports 19980-19999. Python standard library only.
"""
import json
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
from renkei_testlib import (NotificationReceiver, Server, check, finish,  # noqa: E402
                            free_port, server_argument)

PORTS = (19980, 19999)
LD = "/ngsi-ld/v1"
CONFIG = "[notify]\nretry_initial_ms = 100\nretry_max_ms = 400\nhttp_timeout_ms = 2000\n"
FRANCE = "urn:ngsi-ld:Country:France"
PARIS = "urn:ngsi-ld:City:Paris"
TOWER = "urn:ngsi-ld:Building:EiffelTower"
LOUVRE = "urn:ngsi-ld:Building:Louvre"
LOST = "urn:ngsi-ld:Building:Lost"
NOWHERE = "urn:ngsi-ld:City:Nowhere"


def entities():
    return [
        {"id": FRANCE, "type": "Country", "name": {"type": "Property", "value": "France"}},
        {"id": PARIS, "type": "City", "name": {"type": "Property", "value": "Paris"},
         "isInCountry": {"type": "Relationship", "object": FRANCE}},
        {"id": TOWER, "type": "Building", "name": {"type": "Property", "value": "Tour"},
         "height": {"type": "Property", "value": 330},
         "locatedAt": {"type": "Relationship", "object": PARIS}},
        {"id": LOST, "type": "Building", "name": {"type": "Property", "value": "Lost"},
         "locatedAt": {"type": "Relationship", "object": NOWHERE}},
    ]


def subscribe(server, sub_id, base, entity_id=None, **notification):
    notification["endpoint"] = {"uri": f"{base}/{sub_id}",
                                **notification.pop("endpoint", {})}
    selector = {"type": "Building", **({"id": entity_id} if entity_id else {})}
    body = {"id": f"urn:ngsi-ld:Subscription:{sub_id}", "type": "Subscription",
            "entities": [selector], "notification": notification}
    if "timeInterval" in notification:
        body["timeInterval"] = notification.pop("timeInterval")
    made = server.request("POST", LD + "/subscriptions", body)
    check(made.status == 201, f"subscribe {sub_id}: {made.status} {made.body[:300]}")


def bodies(receiver, path):
    with receiver.lock:
        return [body for p, body in receiver.received if p == path]


def wait_data(receiver, path, count=1, timeout=10.0):
    """The `data` of the count-th notification on `path` (None when it did not come)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = bodies(receiver, path)
        if len(got) >= count:
            return got[count - 1]["data"]
        time.sleep(0.05)
    return None


def by_id(data):
    return {e["id"]: e for e in data or []}


def rename(server, entity_id, name):
    done = server.request("PATCH", f"{LD}/entities/{entity_id}/attrs",
                          {"name": {"type": "Property", "value": name}})
    check(done.status == 204, f"PATCH {entity_id}: {done.status} {done.body[:200]}")


def check_change_notifications(server, receiver, base):
    subscribe(server, "inline", base, TOWER, join="inline", joinLevel=1)
    subscribe(server, "inline2", base, TOWER, join="inline", joinLevel=2, format="keyValues")
    subscribe(server, "flat", base, TOWER, join="flat", joinLevel=2, sysAttrs=True)
    subscribe(server, "flatattrs", base, TOWER, join="flat", attributes=["locatedAt"])
    subscribe(server, "flatld", base, TOWER, join="flat",
              endpoint={"accept": "application/ld+json"})
    subscribe(server, "plain", base, TOWER)
    subscribe(server, "lost", base, LOST, join="inline")
    subscribe(server, "lostflat", base, LOST, join="flat")
    rename(server, TOWER, "Tour Eiffel")
    rename(server, LOST, "Still lost")

    data = wait_data(receiver, "/inline")
    check(data is not None and len(data) == 1, f"inline: one entity {data}")
    if data:
        located = data[0]["locatedAt"]
        check(located.get("object") == PARIS and located.get("type") == "Relationship",
              f"inline: the relationship stays {located}")
        city = located.get("entity", {})
        check(city.get("id") == PARIS and city.get("name") == {"type": "Property",
                                                               "value": "Paris"},
              f"inline: Paris inline {located}")
        check(city.get("isInCountry") == {"type": "Relationship", "object": FRANCE},
              f"inline joinLevel 1: France not inlined {city}")

    data = wait_data(receiver, "/inline2")
    check(data is not None and len(data) == 1, f"inline2: one entity {data}")
    if data:
        check(data[0].get("name") == "Tour Eiffel", f"inline2 keyValues {data[0]}")
        check(data[0].get("locatedAt") == {
            "id": PARIS, "type": "City", "name": "Paris",
            "isInCountry": {"id": FRANCE, "type": "Country", "name": "France"}},
            f"inline2: two levels in keyValues {data[0].get('locatedAt')}")

    data = wait_data(receiver, "/flat")
    check([e["id"] for e in data or []] == [TOWER, PARIS, FRANCE],
          f"flat joinLevel 2: the entity, then Paris and France once {data}")
    if data:
        entity, city, country = data
        check(entity["locatedAt"].get("object") == PARIS and "entity" not in entity["locatedAt"],
              f"flat: the relationship stays plain {entity['locatedAt']}")
        check("createdAt" in city and "modifiedAt" in city and "createdAt" in city["name"],
              f"flat sysAttrs: on linked entities too {city}")
        check(country.get("name", {}).get("value") == "France", f"flat: France {country}")

    data = wait_data(receiver, "/flatattrs")
    check([e["id"] for e in data or []] == [TOWER, PARIS], f"flat attributes {data}")
    if data:
        check(set(data[0]) == {"id", "type", "locatedAt"},
              f"attributes select the notified entity's members {data[0]}")
        check(set(data[1]) == {"id", "type", "name", "isInCountry"},
              f"a linked entity is shown whole {data[1]}")

    data = wait_data(receiver, "/flatld")
    check([e["id"] for e in data or []] == [TOWER, PARIS], f"flat ld+json {data}")
    check(all("@context" in e for e in data or []), f"ld+json: every entity has @context {data}")

    data = wait_data(receiver, "/plain")
    check([e["id"] for e in data or []] == [TOWER], f"no join: the entity alone {data}")
    check(data is None or "entity" not in data[0]["locatedAt"], "no join: nothing inline")

    data = wait_data(receiver, "/lost")
    check(data is not None and data[0]["locatedAt"] == {"type": "Relationship",
                                                        "object": NOWHERE},
          f"a missing linked entity leaves the relationship plain {data}")
    data = wait_data(receiver, "/lostflat")
    check([e["id"] for e in data or []] == [LOST], f"flat: nothing for a missing entity {data}")


def check_periodic(server, receiver, base):
    made = server.request("POST", LD + "/entities",
                          {"id": LOUVRE, "type": "Museum",
                           "locatedAt": {"type": "Relationship", "object": PARIS}})
    check(made.status == 201, f"create the Louvre: {made.status}")
    body = {"id": "urn:ngsi-ld:Subscription:periodic", "type": "Subscription",
            "entities": [{"id": TOWER, "type": "Building"}, {"id": LOUVRE, "type": "Museum"}],
            "timeInterval": 1,
            "notification": {"join": "flat", "format": "keyValues",
                             "endpoint": {"uri": f"{base}/periodic"}}}
    made = server.request("POST", LD + "/subscriptions", body)
    check(made.status == 201, f"periodic subscription: {made.status} {made.body[:200]}")
    data = wait_data(receiver, "/periodic")
    ids = [e["id"] for e in data or []]
    check(sorted(ids) == sorted([TOWER, LOUVRE, PARIS]) and ids.count(PARIS) == 1,
          f"periodic flat join: Paris once after both entities {ids}")


def main():
    binary = server_argument()
    with tempfile.TemporaryDirectory() as tmp:
        receiver = NotificationReceiver(free_port(*PORTS))
        receiver.start()
        base = f"http://127.0.0.1:{receiver.port}"
        try:
            with Server(binary, pathlib.Path(tmp) / "data", free_port(*PORTS),
                        config=CONFIG) as server:
                for entity in entities():
                    made = server.request("POST", LD + "/entities", entity)
                    check(made.status == 201, f"create {entity['id']}: {made.status}")
                check_change_notifications(server, receiver, base)
                check_periodic(server, receiver, base)
        finally:
            receiver.stop()
    if not bodies(receiver, "/plain"):
        print(json.dumps(receiver.received)[:2000])
    return finish()


if __name__ == "__main__":
    sys.exit(main())
