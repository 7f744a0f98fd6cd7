#!/usr/bin/env python3
"""Subscriptions notify only what their owner may read, re-checked at delivery
(docs/subscriptions.md "Who a subscription notifies for"), and `administer` on the admin data
endpoints (docs/security.md), through HTTP with real API keys.

A reader app's NGSIv2 and NGSI-LD subscriptions notify while the tenant's policy grants it
read; once the tenant admin replaces the policy without that grant, further changes are not
notified (withheld at matching); notifications queued while the receiver was down are withheld
at delivery after the policy changed; a subscription over every type stops notifying a type
its owner may no longer read; periodic NGSI-LD notifications stop too; granting again resumes;
revoking the owner's key stops its notifications. Only the owner or a tenant admin changes a
subscription, and the owner never shows in either dialect's payload. The admin data endpoints
answer 403 without `administer`. Ports 19700-19749."""
import pathlib
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
from renkei_testlib import (NotificationReceiver, Server, check, finish,  # noqa: E402
                            free_port, server_argument)

PORTS = (19700, 19749)
TENANT = "town_a"
CODE = "131083"  # a municipality code: the open-data import needs one as its tenant
CONFIG = f"""
[auth.tenants.{TENANT}]
enabled = true
[auth.tenants."{CODE}"]
enabled = true
[notify]
retry_initial_ms = 200
retry_max_ms = 400
http_timeout_ms = 2000
"""
KOTO_TOILETS = (pathlib.Path(__file__).resolve().parents[3] /
                "shared/data/opendata/131083_public_toilet.csv")

GRANT_ALL = {"rules": [{"roles": ["reader"], "actions": ["read", "subscribe"], "types": ["*"]}]}
GRANT_SHELTER = {"rules": [{"roles": ["reader"], "actions": ["read", "subscribe"],
                            "types": ["Shelter"]}]}
GRANT_NOTHING = {"rules": [{"roles": ["editor"], "actions": ["read", "write"], "types": ["*"]}]}


def wait_until(condition, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


# GET /metrics names every tenant: a platform operator's key opens it once any tenant has
# authentication on (docs/security.md "Platform-wide operations"); main() fills it in.
METRICS_HEADERS = {}


def metric(server, name):
    text = server.request("GET", "/metrics", None, METRICS_HEADERS).body.decode()
    found = re.search(r'%s\{tenant="%s"\} (\d+)' % (name, TENANT), text)
    return int(found.group(1)) if found else 0


def withheld(server):
    return metric(server, "renkei_notifications_withheld_total")


def cli_key(server_bin, data, tenant, role):
    done = subprocess.run([server_bin, "apikey", "create", "--tenant", tenant, "--role", role,
                           "--data-dir", str(data)], capture_output=True, text=True, timeout=60,
                          check=False)
    check(done.returncode == 0, f"apikey create: {done.stderr}")
    return done.stdout.strip()


def v2(key, tenant=TENANT):
    return {"Fiware-Service": tenant, "X-Api-Key": key}


def ld(key):
    return {"NGSILD-Tenant": TENANT, "X-Api-Key": key}


class Tenant:
    """The tenant's admin calls."""

    def __init__(self, server, admin, tenant=TENANT):
        self.req, self.admin, self.tenant = server.request, admin, tenant

    def policy(self, document):
        put = self.req("PUT", f"/admin/v1/tenants/{self.tenant}/policies", document,
                       {"X-Api-Key": self.admin})
        check(put.status == 200, f"PUT policy {put.status} {put.body[:200]}")

    def key(self, role, app):
        made = self.req("POST", f"/admin/v1/tenants/{self.tenant}/apikeys",
                        {"roles": [role], "app": app}, {"X-Api-Key": self.admin})
        check(made.status == 201, f"POST apikeys {made.status} {made.body[:200]}")
        return made.json()["key"], made.json()["id"]

    def touch(self, entity_id, value):
        """A change of `entity_id` by the admin (who may always write)."""
        done = self.req("PATCH", f"/v2/entities/{entity_id}/attrs",
                        {"level": {"type": "Number", "value": value}}, v2(self.admin))
        check(done.status == 204, f"PATCH {entity_id}: {done.status} {done.body[:200]}")


def subscribe_v2(req, key, url, selector):
    made = req("POST", "/v2/subscriptions", {
        "subject": {"entities": [selector]},
        "notification": {"http": {"url": url}, "attrs": ["level"]}}, v2(key))
    check(made.status == 201, f"v2 subscribe {url}: {made.status} {made.body[:200]}")
    return made.headers.get("location", "").rsplit("/", 1)[-1]


def subscribe_ld(req, key, sub_id, url, **members):
    body = {"id": sub_id, "type": "Subscription", "entities": [{"type": "Shelter"}],
            "notification": {"endpoint": {"uri": url, "accept": "application/json"}}}
    body.update(members)
    made = req("POST", "/ngsi-ld/v1/subscriptions", body,
               {**ld(key), "Content-Type": "application/json"})
    check(made.status == 201, f"LD subscribe {url}: {made.status} {made.body[:200]}")


def check_owner_rules(req, admin, reader, other, sub_id, ld_sub_id):
    """The owner is stored, never shown; only it or a tenant admin changes the subscription."""
    for path, headers in ((f"/v2/subscriptions/{sub_id}", v2(reader)),
                          (f"/ngsi-ld/v1/subscriptions/{ld_sub_id}", ld(reader))):
        got = req("GET", path, None, headers)
        check(got.status == 200 and b"owner" not in got.body and b"rk_" not in got.body,
              f"the owner is not rendered: {path} {got.status} {got.body[:300]}")
    refused = req("PATCH", f"/v2/subscriptions/{sub_id}", {"throttling": 0}, v2(other))
    check(refused.status == 403 and (refused.json() or {}).get("error") == "Forbidden",
          f"another reader changes the subscription: {refused.status} {refused.body[:200]}")
    refused = req("DELETE", f"/ngsi-ld/v1/subscriptions/{ld_sub_id}", None, ld(other))
    check(refused.status == 403, f"another reader deletes the LD subscription: {refused.status}")
    check(req("PATCH", f"/v2/subscriptions/{sub_id}", {"throttling": 0}, v2(reader)).status
          == 204, "the owner changes its subscription")
    check(req("PATCH", f"/v2/subscriptions/{sub_id}", {"throttling": 0}, v2(admin)).status
          == 204, "the tenant admin changes it (the owner stays)")


def check_notifications(server, admin):
    req = server.request
    receiver = NotificationReceiver(free_port(*PORTS))
    receiver.start()
    base = f"http://127.0.0.1:{receiver.port}"
    town = Tenant(server, admin)
    town.policy(GRANT_ALL)
    reader, reader_id = town.key("reader", "map")
    other, _ = town.key("reader", "other-map")
    for entity_id, kind in (("Shelter1", "Shelter"), ("Building1", "Building")):
        made = req("POST", "/v2/entities", {"id": entity_id, "type": kind,
                                            "level": {"type": "Number", "value": 0}}, v2(admin))
        check(made.status == 201, f"create {entity_id}: {made.status}")

    # The reader's subscriptions: Shelters in each dialect, and every type (NGSIv2).
    v2_sub = subscribe_v2(req, reader, base + "/v2", {"idPattern": ".*", "type": "Shelter"})
    any_sub = subscribe_v2(req, reader, base + "/any", {"idPattern": ".*"})
    subscribe_ld(req, reader, "urn:ngsi-ld:Subscription:gate-ld", base + "/ld")
    check(any_sub != v2_sub, "two v2 subscriptions")
    check_owner_rules(req, admin, reader, other, v2_sub, "urn:ngsi-ld:Subscription:gate-ld")

    # 1. Granted: every change is notified.
    town.touch("Shelter1", 1)
    town.touch("Building1", 1)
    check(wait_until(lambda: receiver.ids("/v2") == ["Shelter1"] and
                     receiver.ids("/ld") == ["Shelter1"]),
          f"granted: v2 {receiver.ids('/v2')} ld {receiver.ids('/ld')}")
    check(wait_until(lambda: sorted(receiver.ids("/any")) == ["Building1", "Shelter1"]),
          f"granted: every type {receiver.ids('/any')}")

    # 2. Only Shelters readable: the subscription over every type stops notifying Buildings.
    town.policy(GRANT_SHELTER)
    before = withheld(server)
    town.touch("Building1", 2)
    town.touch("Shelter1", 2)
    check(wait_until(lambda: receiver.ids("/any")[-1:] == ["Shelter1"] and
                     len(receiver.ids("/any")) == 3),
          f"Shelters only: every-type subscription {receiver.ids('/any')}")
    check(wait_until(lambda: withheld(server) == before + 1),
          f"one withheld (Building1): {withheld(server) - before}")
    check(receiver.ids("/any").count("Building1") == 1, "Building1 not notified again")

    # 3. The tenant admin replaces the policy without the grant: nothing is notified.
    town.policy(GRANT_NOTHING)
    counts = {path: receiver.count(path) for path in ("/v2", "/ld", "/any")}
    before = withheld(server)
    town.touch("Shelter1", 3)
    check(wait_until(lambda: withheld(server) == before + 3),
          f"withheld at matching: {withheld(server) - before} of 3")
    time.sleep(1.0)
    check({path: receiver.count(path) for path in counts} == counts,
          f"nothing notified without the grant: {counts} -> "
          f"{ {path: receiver.count(path) for path in counts} }")

    # 4. Granted again: notifications resume.
    town.policy(GRANT_ALL)
    town.touch("Shelter1", 4)
    check(wait_until(lambda: all(receiver.count(p) == counts[p] + 1 for p in counts)),
          f"resumed: { {p: receiver.count(p) - counts[p] for p in counts} }")

    # 5. Queued while the receiver is down, then the grant goes: withheld at delivery.
    receiver.stop()
    counts = {path: receiver.count(path) for path in counts}
    failed = metric(server, "renkei_notifications_failed_total")
    town.touch("Shelter1", 5)
    check(wait_until(lambda: metric(server, "renkei_notify_outbox_depth") == 3 and
                     metric(server, "renkei_notifications_failed_total") >= failed + 3),
          "three notifications queued, each tried once while the receiver was down")
    town.policy(GRANT_NOTHING)
    before = withheld(server)
    receiver.start()
    check(wait_until(lambda: withheld(server) == before + 3, timeout=15),
          f"withheld at delivery: {withheld(server) - before} of 3")
    check(wait_until(lambda: metric(server, "renkei_notify_outbox_depth") == 0),
          "the outbox is empty")
    check({path: receiver.count(path) for path in counts} == counts,
          "nothing delivered after the grant went")
    status = req("GET", f"/v2/subscriptions/{v2_sub}", None, v2(admin)).json() or {}
    check(status.get("status") == "active", f"still active: {status}")

    # 6. Periodic NGSI-LD notifications (timeInterval) go through the same check.
    town.policy(GRANT_ALL)
    subscribe_ld(req, reader, "urn:ngsi-ld:Subscription:gate-periodic", base + "/periodic",
                 timeInterval=1)
    check(wait_until(lambda: receiver.count("/periodic") >= 1, timeout=8),
          "periodic notifications while granted")
    town.policy(GRANT_NOTHING)
    time.sleep(1.5)  # one may have been queued just before
    periodic = receiver.count("/periodic")
    time.sleep(2.5)
    check(receiver.count("/periodic") == periodic,
          f"no periodic notification without the grant: {periodic} -> "
          f"{receiver.count('/periodic')}")
    gone = req("DELETE", "/ngsi-ld/v1/subscriptions/urn:ngsi-ld:Subscription:gate-periodic",
               None, ld(admin))
    check(gone.status == 204, f"the tenant admin deletes the periodic subscription: {gone.status}")

    # 7. Revoking the owner's key stops its notifications, whatever the policy says.
    town.policy(GRANT_ALL)
    counts = {path: receiver.count(path) for path in counts}
    town.touch("Shelter1", 7)
    check(wait_until(lambda: all(receiver.count(p) == counts[p] + 1 for p in counts)),
          "granted again before the revocation")
    revoked = req("DELETE", f"/admin/v1/tenants/{TENANT}/apikeys/{reader_id}", None,
                  {"X-Api-Key": admin})
    check(revoked.status == 204, f"revoke {revoked.status}")
    counts = {path: receiver.count(path) for path in counts}
    before = withheld(server)
    town.touch("Shelter1", 8)
    check(wait_until(lambda: withheld(server) == before + 3),
          f"withheld after revocation: {withheld(server) - before} of 3")
    check({path: receiver.count(path) for path in counts} == counts,
          "nothing notified for a revoked key")
    receiver.stop()


def check_administer(server, admin):
    """`administer` on the admin data endpoints: an editor that may read and write everything
    is refused (403 ProblemDetails); a curator with `administer` gets through."""
    req = server.request
    town = Tenant(server, admin, CODE)
    town.policy({"rules": [
        {"roles": ["editor"], "actions": ["read", "write"], "types": ["*"]},
        {"roles": ["curator"], "actions": ["read", "write", "administer"], "types": ["*"]}]})
    editor, _ = town.key("editor", "sheet")
    curator, _ = town.key("curator", "portal")
    body = KOTO_TOILETS.read_bytes()
    csv = {"Fiware-Service": CODE, "Content-Type": "text/csv"}
    endpoints = (("GET", "/admin/v1/quality", None, {"Fiware-Service": CODE}),
                 ("GET", "/admin/v1/opendata/export?dataset=public_toilet", None,
                  {"Fiware-Service": CODE}),
                 ("POST", "/admin/v1/opendata/import?dataset=public_toilet&dry_run=true", body,
                  csv),
                 ("POST", "/admin/v1/opendata/import?dataset=public_toilet", body, csv))
    for method, path, payload, headers in endpoints:
        refused = req(method, path, payload, {**headers, "X-Api-Key": editor})
        problem = refused.json() or {}
        check(refused.status == 403 and "administer" in problem.get("detail", "") and
              refused.headers.get("content-type", "").startswith("application/problem+json"),
              f"editor without administer: {method} {path} {refused.status} {refused.body[:200]}")
    count = req("GET", "/v2/entities?type=PublicToilet&options=count&limit=1", None,
                v2(admin, CODE))
    check(count.headers.get("fiware-total-count") == "0", "the refused import wrote nothing")
    for method, path, payload, headers in endpoints:
        allowed = req(method, path, payload, {**headers, "X-Api-Key": curator})
        check(allowed.status == 200, f"curator: {method} {path} {allowed.status} "
                                     f"{allowed.body[:200]}")
    count = req("GET", "/v2/entities?type=PublicToilet&options=count&limit=1", None,
                v2(admin, CODE))
    check(int(count.headers.get("fiware-total-count", "0")) > 0, "the curator imported")


def main():
    binary = server_argument()
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "data"
        # The first admin keys come from the CLI before the server opens the store.
        admin = cli_key(binary, data, TENANT, "tenant-admin")
        admin_code = cli_key(binary, data, CODE, "tenant-admin")
        METRICS_HEADERS["X-Api-Key"] = cli_key(binary, data, TENANT, "platform-operator")
        with Server(binary, data, free_port(*PORTS), config=CONFIG) as server:
            check_notifications(server, admin)
            check_administer(server, admin_code)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
