#!/usr/bin/env python3
"""Linked entities in NGSI-LD notifications (§4.5.23 join) pass the subscription owner's read
check, as the notified entities do (docs/subscriptions.md "Who a subscription notifies for",
docs/adr/0015-notification-recheck.md, docs/security.md "Personal data and consent"), through
HTTP with real API keys and OpenID Connect tokens:

- a family-watch app subscribes to a Building with join flat and inline, two levels deep; the
  Building links to a City (readable), the City to a Country (a type the policy does not
  grant the app), the Building to a resident's Vitals (a personal type the policy grants);
- without the resident's consent the notification carries the City only: the Country and the
  Vitals are left out and their relationships stay plain;
- once the resident consents, the Vitals come with the notification;
- a notification queued while the receiver is down, carrying the Vitals, is withheld at
  delivery once the resident revoked the consent; the next change notifies without them;
- a periodic (timeInterval) notification with join follows the same rule.
Ports 19980-19999."""
import pathlib
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import consent_test  # noqa: E402  (its issuer config and tokens)
from jose_keys import SigningKey, jwks  # noqa: E402
from renkei_testlib import (NotificationReceiver, Server, check, finish,  # noqa: E402
                            free_port, server_argument)
from subgate_test import wait_until  # noqa: E402

PORTS = (19980, 19999)
TENANT = consent_test.TENANT
NOTIFY = """
[notify]
retry_initial_ms = 200
retry_max_ms = 400
http_timeout_ms = 2000
"""
LD = "/ngsi-ld/v1"
TOWER = "urn:ngsi-ld:Building:Tower"
CITY = "urn:ngsi-ld:City:Shirahama"
COUNTRY = "urn:ngsi-ld:Country:Japan"
VITALS = "urn:ngsi-ld:Vitals:1"
POLICY = {
    "rules": [{"apps": ["family-watch"], "actions": ["read", "subscribe"],
               "types": ["Building", "City", "Vitals"]},
              {"roles": ["writer"], "actions": ["read", "write"],
               "types": ["Building", "City", "Country", "Vitals"]}],
    "personalTypes": {"Vitals": {"assuranceLevel": 2}},
}


def config(tmp):
    return consent_test.config(tmp) + NOTIFY


def bearer(key, sub, azp, roles=()):
    return {**consent_test.Tokens(key).make(sub, azp, roles=roles), "NGSILD-Tenant": TENANT}


def entities():
    return [
        {"id": COUNTRY, "type": "Country", "name": {"type": "Property", "value": "日本"}},
        {"id": CITY, "type": "City", "name": {"type": "Property", "value": "白浜町"},
         "isInCountry": {"type": "Relationship", "object": COUNTRY}},
        {"id": VITALS, "type": "Vitals", "heartRate": {"type": "Property", "value": 62},
         "owner": {"type": "Property", "value": "resident-1"}},
        {"id": TOWER, "type": "Building", "level": {"type": "Property", "value": 0},
         "locatedAt": {"type": "Relationship", "object": CITY},
         "monitors": {"type": "Relationship", "object": VITALS}},
    ]


def data_of(receiver, path):
    with receiver.lock:
        return [body["data"] for p, body in receiver.received if p == path]


def wait_count(receiver, path, count, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if receiver.count(path) >= count:
            return data_of(receiver, path)[count - 1]
        time.sleep(0.05)
    return None


class Town:
    def __init__(self, server, writer):
        self.server, self.writer = server, writer
        self.level = 0

    def touch(self):
        """A change of the Building by the writer app."""
        self.level += 1
        done = self.server.request("PATCH", f"{LD}/entities/{TOWER}/attrs",
                                   {"level": {"type": "Property", "value": self.level}},
                                   self.writer)
        check(done.status == 204, f"PATCH the Building: {done.status} {done.body[:200]}")


def check_shown(flat, inline, linked, what):
    """`flat` lists the Building then exactly `linked`; `inline` inlines exactly those."""
    check(flat is not None and [e["id"] for e in flat] == [TOWER, *linked],
          f"{what}: flat data {None if flat is None else [e['id'] for e in flat]}")
    if inline is None or len(inline) != 1:
        check(False, f"{what}: inline data {inline}")
        return
    tower = inline[0]
    city = tower["locatedAt"].get("entity")
    check(city is not None and city.get("id") == CITY, f"{what}: the City inline {tower}")
    if city is not None:
        check(("entity" in city.get("isInCountry", {})) == (COUNTRY in linked),
              f"{what}: the Country inline only when readable {city}")
    vitals = tower["monitors"].get("entity")
    check((vitals is not None) == (VITALS in linked),
          f"{what}: the Vitals inline only when readable {tower['monitors']}")
    check(tower["monitors"].get("object") == VITALS, f"{what}: the relationship stays")


def run(server, key, writer_key):
    receiver = NotificationReceiver(free_port(*PORTS))
    receiver.start()
    base = f"http://127.0.0.1:{receiver.port}"
    writer = {"X-Api-Key": writer_key, "NGSILD-Tenant": TENANT}
    town = Town(server, writer)
    try:
        for entity in entities():
            made = server.request("POST", f"{LD}/entities", entity, writer)
            check(made.status == 201, f"create {entity['id']}: {made.status} {made.body[:200]}")
        app = bearer(key, "family-watch-service", "family-watch")
        for name, join in (("flat", "flat"), ("inline", "inline")):
            made = server.request("POST", f"{LD}/subscriptions", {
                "id": f"urn:ngsi-ld:Subscription:watch-{name}", "type": "Subscription",
                "entities": [{"id": TOWER, "type": "Building"}],
                "notification": {"join": join, "joinLevel": 2,
                                 "endpoint": {"uri": f"{base}/{name}"}}}, app)
            check(made.status == 201, f"subscribe {name}: {made.status} {made.body[:200]}")

        made = server.request("POST", f"{LD}/subscriptions", {
            "id": "urn:ngsi-ld:Subscription:watch-periodic", "type": "Subscription",
            "entities": [{"id": TOWER, "type": "Building"}], "timeInterval": 1,
            "notification": {"join": "flat", "joinLevel": 2,
                             "endpoint": {"uri": f"{base}/periodic"}}}, app)
        check(made.status == 201, f"subscribe periodic: {made.status} {made.body[:200]}")

        # 1. No consent: the City only; the Country (not granted) and Vitals (personal) stay out.
        town.touch()
        check_shown(wait_count(receiver, "/flat", 1), wait_count(receiver, "/inline", 1),
                    [CITY], "without consent")
        periodic = wait_count(receiver, "/periodic", 1)
        check(periodic is not None and [e["id"] for e in periodic] == [TOWER, CITY],
              f"periodic without consent: {periodic}")

        # 2. The resident consents: the Vitals come along.
        resident = bearer(key, "resident-1", "town-portal", roles=("citizen",))
        consent = server.request("POST", "/admin/v1/me/consents", {
            "app": "family-watch", "types": ["Vitals"], "purpose": "見守り",
            "expiresAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400))},
            resident)
        check(consent.status == 201, f"consent: {consent.status} {consent.body[:200]}")
        consent_id = (consent.json() or {}).get("id", "")
        town.touch()
        check_shown(wait_count(receiver, "/flat", 2), wait_count(receiver, "/inline", 2),
                    [CITY, VITALS], "with consent")
        check(wait_until(lambda: [e["id"] for e in data_of(receiver, "/periodic")[-1]]
                         == [TOWER, CITY, VITALS]),
              f"periodic with consent: {data_of(receiver, '/periodic')[-1:]}")

        # 3. Queued with the Vitals, then the consent is revoked: withheld at delivery.
        receiver.stop()
        town.touch()
        time.sleep(1.0)  # matched and rendered with the Vitals; delivery failing meanwhile
        revoked = server.request("DELETE", f"/admin/v1/me/consents/{consent_id}", None, resident)
        check(revoked.status == 204, f"revoke: {revoked.status} {revoked.body[:200]}")
        receiver.start()
        time.sleep(2.0)  # the retries come and are withheld
        for path in ("/flat", "/inline"):
            check(receiver.count(path) == 2,
                  f"{path}: the queued notification with the Vitals is withheld "
                  f"({receiver.count(path)} received)")
        town.touch()
        check_shown(wait_count(receiver, "/flat", 3), wait_count(receiver, "/inline", 3),
                    [CITY], "after the revocation")
        for path in ("/flat", "/inline"):
            check(all("heartRate" not in str(d) for d in data_of(receiver, path)[2:]),
                  f"{path}: the Vitals' data never again")
        seen = receiver.count("/periodic")
        check(wait_until(lambda: receiver.count("/periodic") >= seen + 2),
              "periodic notifications go on")
        check(all("heartRate" not in str(d) for d in data_of(receiver, "/periodic")[seen:]),
              "periodic: the Vitals' data never again")
    finally:
        receiver.stop()


def main():
    binary = server_argument()
    with tempfile.TemporaryDirectory() as tmp:
        key = SigningKey(tmp, "ec", "town-a-1")
        pathlib.Path(tmp, "jwks.json").write_text(jwks(key))
        data = pathlib.Path(tmp) / "data"
        made = subprocess.run([binary, "apikey", "create", "--tenant", TENANT, "--role",
                               "tenant-admin", "--app", "console", "--data-dir", str(data)],
                              capture_output=True, text=True, timeout=60, check=False)
        check(made.returncode == 0, f"apikey create: {made.stderr}")
        admin = {"X-Api-Key": made.stdout.strip()}
        with Server(binary, data, free_port(*PORTS), config=config(tmp)) as server:
            put = server.request("PUT", f"/admin/v1/tenants/{TENANT}/policies", POLICY, admin)
            check(put.status == 200, f"PUT policy: {put.status} {put.body[:300]!r}")
            writer = server.request("POST", f"/admin/v1/tenants/{TENANT}/apikeys",
                                    {"roles": ["writer"], "app": "health"}, admin)
            check(writer.status == 201, f"writer key: {writer.status}")
            run(server, key, (writer.json() or {}).get("key", ""))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
