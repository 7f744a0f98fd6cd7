#!/usr/bin/env python3
"""The health-watch scenario of issue 5 item 7, end to end through HTTP (docs/security.md
"Personal data and consent").

In tenant 302040 (有田市) three apps write one resident's data with their API keys: 見守り
(`mimamori`: electricity use and conversation activity, NGSIv2), 運動 (`undou`: physical
activity, an NGSIv2 batch) and 健康 (`kenkou`: vitals and meals, NGSI-LD). A family-watch app
holding an OpenID Connect token of the town's IdP (real RSA key made by openssl) cannot read
that data, in either dialect, by id or by query, nor be notified of it, until the resident
consents; it can afterwards (and never sees another resident's data); it cannot after the
resident revokes the consent, and its subscriptions stop at once. The resident's own audit view
shows the apps' writes, the family app's allowed reads with the consent's purpose and its denied
reads. Ports 19850-19899."""
import pathlib
import sys
import tempfile
import subprocess
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from jose_keys import SigningKey, jwks  # noqa: E402
from renkei_testlib import (NotificationReceiver, Server, check, finish,  # noqa: E402
                            free_port, server_argument)

TENANT = "302040"
ISSUER = "https://idp.arida.example"
RESIDENT = "arida-resident-0001"
NEIGHBOUR = "arida-resident-0002"
PURPOSE = "見守り (family watch)"
PERSONAL = ["Vitals", "Meal", "PhysicalActivity", "ElectricityUse", "ConversationActivity"]
V2 = "/v2/entities"
LD = "/ngsi-ld/v1/entities"
ME = "/admin/v1/me/consents"
QUIET_SECONDS = 2.0  # how long "no notification arrives" is watched for


def config(jwks_path):
    return f"""
[notify]
retry_initial_ms = 100
retry_max_ms = 400
[auth.tenants."{TENANT}"]
enabled = true
[[auth.tenants."{TENANT}".issuers]]
issuer = "{ISSUER}"
audience = "renkei"
jwks_file = "{jwks_path}"
[auth.tenants."{TENANT}".issuers.acr_levels]
"urn:arida:acr:password" = 1
"urn:arida:acr:mynumber-card" = 2
"""


POLICY = {
    "rules": [
        {"apps": ["mimamori"], "actions": ["write"],
         "types": ["ElectricityUse", "ConversationActivity"]},
        {"apps": ["undou"], "actions": ["write"], "types": ["PhysicalActivity"]},
        {"apps": ["kenkou"], "actions": ["write"], "types": ["Vitals", "Meal"]},
        {"apps": ["family-watch"], "actions": ["read", "subscribe"], "types": PERSONAL},
    ],
    # Vitals and meals need 当人認証レベル 2; the rest the default (1).
    "personalTypes": {"Vitals": {"assuranceLevel": 2}, "Meal": {"assuranceLevel": 2},
                      "PhysicalActivity": {}, "ElectricityUse": {}, "ConversationActivity": {}},
}


class Town:
    """The server plus the callers of the scenario."""

    def __init__(self, server, signer):
        self.server, self.signer = server, signer
        self.keys = {}

    def token(self, subject, app, acr):
        now = int(time.time())
        return self.signer.token({"iss": ISSUER, "sub": subject, "aud": "renkei", "azp": app,
                                  "acr": acr, "iat": now, "exp": now + 900})

    def call(self, method, path, body=None, credential=None, dialect="v2"):
        tenant = {"v2": "Fiware-Service", "ld": "NGSILD-Tenant"}[dialect]
        headers = {tenant: TENANT}
        if credential and credential.startswith("rk_"):
            headers["X-Api-Key"] = credential
        elif credential:
            headers["Authorization"] = f"Bearer {credential}"
        return self.server.request(method, path, body, headers)


def v2_entity(kind, owner, suffix, **attrs):
    body = {"id": f"urn:ngsi-ld:{kind}:{suffix}", "type": kind,
            "owner": {"type": "Text", "value": owner}}
    for name, value in attrs.items():
        body[name] = {"type": "Number", "value": value}
    return body


def ld_entity(kind, owner, suffix, **attrs):
    body = {"id": f"urn:ngsi-ld:{kind}:{suffix}", "type": kind,
            "owner": {"type": "Property", "value": owner}}
    for name, value in attrs.items():
        body[name] = {"type": "Property", "value": value}
    return body


def set_up(town, admin):
    """Policy, the three writing apps' keys, and their writes of both residents' data."""
    base = f"/admin/v1/tenants/{TENANT}"
    put = town.server.request("PUT", f"{base}/policies", POLICY, {"X-Api-Key": admin})
    check(put.status == 200, f"PUT policy: {put.status} {put.body[:300]}")
    for app in ("mimamori", "undou", "kenkou"):
        made = town.server.request("POST", f"{base}/apikeys", {"roles": ["device"], "app": app},
                                   {"X-Api-Key": admin})
        check(made.status == 201, f"key for {app}: {made.status} {made.body[:200]}")
        town.keys[app] = (made.json() or {}).get("key", "")
    mimamori, undou, kenkou = (town.keys[a] for a in ("mimamori", "undou", "kenkou"))
    for owner, suffix in ((RESIDENT, "r1"), (NEIGHBOUR, "r2")):
        for body in (v2_entity("ElectricityUse", owner, suffix, kilowattHours=3.2),
                     v2_entity("ConversationActivity", owner, suffix, minutesTalked=14)):
            resp = town.call("POST", V2, body, mimamori)
            check(resp.status == 201, f"mimamori writes {body['id']}: {resp.status} {resp.body}")
        batch = {"actionType": "append",
                 "entities": [v2_entity("PhysicalActivity", owner, suffix, steps=5400)]}
        resp = town.call("POST", "/v2/op/update", batch, undou)
        check(resp.status == 204, f"undou batch {suffix}: {resp.status} {resp.body}")
        for body in (ld_entity("Vitals", owner, suffix, heartRate=72, systolic=128),
                     ld_entity("Meal", owner, suffix, kilocalories=640)):
            resp = town.call("POST", LD, body, kenkou, "ld")
            check(resp.status == 201, f"kenkou writes {body['id']}: {resp.status} {resp.body}")
    # A writing app is not a reader: it may read nothing at all (403, not 404).
    resp = town.call("GET", f"{V2}/urn:ngsi-ld:Vitals:r1", None, kenkou)
    check(resp.status == 403, f"kenkou reads vitals back: {resp.status}")


def set_heart_rate(town, suffix, value):
    resp = town.call("PATCH", f"{LD}/urn:ngsi-ld:Vitals:{suffix}/attrs",
                     {"heartRate": {"type": "Property", "value": value}}, town.keys["kenkou"],
                     "ld")
    check(resp.status == 204, f"kenkou updates Vitals:{suffix}: {resp.status} {resp.body}")


def reads(town, credential, entity_id):
    """(v2 status, LD status) of a read by id."""
    return (town.call("GET", f"{V2}/{entity_id}", None, credential).status,
            town.call("GET", f"{LD}/{entity_id}", None, credential, "ld").status)


def query_ids(town, credential, kind):
    """(ids, count) in each dialect for a query of one type."""
    v2 = town.call("GET", f"{V2}?type={kind}&options=count&limit=100", None, credential)
    ld = town.call("GET", f"{LD}?type={kind}&count=true&limit=100", None, credential, "ld")
    return ((sorted(e["id"] for e in v2.json() or []), v2.headers.get("fiware-total-count")),
            (sorted(e["id"] for e in ld.json() or []), ld.headers.get("ngsild-results-count")))


def subscribe(town, family, receiver_port):
    url = f"http://127.0.0.1:{receiver_port}"
    v2 = town.call("POST", "/v2/subscriptions", {
        "subject": {"entities": [{"idPattern": ".*", "type": "Vitals"}]},
        "notification": {"http": {"url": f"{url}/v2"}, "attrs": ["heartRate", "owner"]}},
        family)
    check(v2.status == 201, f"family subscribes (v2): {v2.status} {v2.body}")
    ld = town.call("POST", "/ngsi-ld/v1/subscriptions", {
        "type": "Subscription", "entities": [{"type": "Vitals"}],
        "notification": {"endpoint": {"uri": f"{url}/ld"}}}, family, "ld")
    check(ld.status == 201, f"family subscribes (LD): {ld.status} {ld.body}")


def before_consent(town, family, receiver):
    for entity_id in ("urn:ngsi-ld:Vitals:r1", "urn:ngsi-ld:ElectricityUse:r1"):
        check(reads(town, family, entity_id) == (404, 404),
              f"family reads {entity_id} before consent: {reads(town, family, entity_id)}")
    for kind in ("Vitals", "PhysicalActivity"):
        check(query_ids(town, family, kind) == (([], "0"), ([], "0")),
              f"family queries {kind} before consent: {query_ids(town, family, kind)}")
    set_heart_rate(town, "r1", 75)
    time.sleep(QUIET_SECONDS)
    check(receiver.ids("/v2") == [] and receiver.ids("/ld") == [],
          f"notified before consent: {receiver.received}")


def owner_reads(town, resident):
    for entity_id in ("urn:ngsi-ld:Vitals:r1", "urn:ngsi-ld:Meal:r1",
                      "urn:ngsi-ld:ElectricityUse:r1"):
        check(reads(town, resident, entity_id) == (200, 200),
              f"the resident reads own {entity_id}: {reads(town, resident, entity_id)}")
    check(reads(town, resident, "urn:ngsi-ld:Vitals:r2") == (404, 404),
          "the resident reads the neighbour's vitals")


def grant(town, resident):
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 30 * 86400))
    body = {"app": "family-watch", "types": PERSONAL, "purpose": PURPOSE, "expiresAt": expires}
    made = town.call("POST", ME, body, resident)
    consent = made.json() or {}
    check(made.status == 201 and consent.get("resident") == RESIDENT
          and consent.get("app") == "family-watch" and sorted(consent.get("types", []))
          == sorted(PERSONAL) and consent.get("purpose") == PURPOSE,
          f"grant: {made.status} {made.body[:300]}")
    check(made.headers.get("location") == f"{ME}/{consent.get('id')}",
          f"grant Location {made.headers.get('location')}")
    listed = town.call("GET", ME, None, resident)
    check(listed.status == 200 and [c.get("id") for c in listed.json() or []]
          == [consent.get("id")], f"list consents: {listed.status} {listed.body[:300]}")
    return consent.get("id", "")


def with_consent(town, family, family_level1, receiver):
    for entity_id in ("urn:ngsi-ld:Vitals:r1", "urn:ngsi-ld:Meal:r1",
                      "urn:ngsi-ld:PhysicalActivity:r1", "urn:ngsi-ld:ElectricityUse:r1",
                      "urn:ngsi-ld:ConversationActivity:r1"):
        check(reads(town, family, entity_id) == (200, 200),
              f"family reads {entity_id} with consent: {reads(town, family, entity_id)}")
    check(reads(town, family, "urn:ngsi-ld:Vitals:r2") == (404, 404),
          "family reads the neighbour's vitals (no consent of theirs)")
    for kind in ("Vitals", "PhysicalActivity"):
        expected = [f"urn:ngsi-ld:{kind}:r1"]
        check(query_ids(town, family, kind) == ((expected, "1"), (expected, "1")),
              f"family queries {kind} with consent: {query_ids(town, family, kind)}")
    body = town.call("GET", f"{V2}/urn:ngsi-ld:Vitals:r1?options=keyValues", None, family).json()
    check((body or {}).get("heartRate") == 75, f"family sees the current vitals: {body}")
    # A level-1 login (password only) is not enough for level-2 vitals, enough for activity.
    check(reads(town, family_level1, "urn:ngsi-ld:Vitals:r1") == (404, 404),
          "level-1 token reads level-2 vitals")
    check(reads(town, family_level1, "urn:ngsi-ld:PhysicalActivity:r1") == (200, 200),
          "level-1 token reads level-1 activity")
    set_heart_rate(town, "r1", 88)
    set_heart_rate(town, "r2", 64)
    check(receiver.wait_for("/v2", "urn:ngsi-ld:Vitals:r1"), f"v2 notification: {receiver.received}")
    check(receiver.wait_for("/ld", "urn:ngsi-ld:Vitals:r1"), f"LD notification: {receiver.received}")
    time.sleep(QUIET_SECONDS)
    for path in ("/v2", "/ld"):
        check("urn:ngsi-ld:Vitals:r2" not in receiver.ids(path),
              f"the neighbour's vitals notified on {path}: {receiver.ids(path)}")


def after_revocation(town, family, resident, consent_id, receiver):
    check(town.call("DELETE", f"{ME}/{consent_id}", None, resident).status == 204, "revoke")
    check(reads(town, family, "urn:ngsi-ld:Vitals:r1") == (404, 404),
          f"family reads after revocation: {reads(town, family, 'urn:ngsi-ld:Vitals:r1')}")
    check(query_ids(town, family, "Vitals") == (([], "0"), ([], "0")),
          f"family queries after revocation: {query_ids(town, family, 'Vitals')}")
    before = (len(receiver.ids("/v2")), len(receiver.ids("/ld")))
    set_heart_rate(town, "r1", 101)
    time.sleep(QUIET_SECONDS)
    after = (len(receiver.ids("/v2")), len(receiver.ids("/ld")))
    check(after == before, f"notified after revocation: {before} -> {after}")
    check(town.call("GET", ME, None, resident).json() == [], "no active consent is listed")


def audit_view(town, resident, neighbour):
    """The resident's own accesses: the apps' writes, the family app's reads with the
    consent's purpose, its refused reads; nothing of the neighbour's."""
    records = []
    deadline = time.time() + 15
    while time.time() < deadline:
        resp = town.call("GET", "/admin/v1/me/accesses?limit=10000", None, resident)
        records = (resp.json() or []) if resp.status == 200 else []
        reads_done = [r for r in records if r.get("action") == "read"
                      and r.get("actor", {}).get("clientId") == "family-watch"]
        if any(not r.get("allowed") for r in reads_done) and any(r.get("allowed")
                                                                  for r in reads_done):
            break
        time.sleep(0.2)
    check(records and all(r.get("resident") == RESIDENT for r in records),
          f"only the resident's own records: {records[:3]}")
    for app in ("mimamori", "undou", "kenkou"):
        check(any(r.get("action") == "write" and r.get("actor", {}).get("clientId") == app
                  for r in records), f"{app}'s writes are in the audit view")
    family = [r for r in records if r.get("actor", {}).get("clientId") == "family-watch"]
    allowed = [r for r in family if r.get("allowed")]
    denied = [r for r in family if r.get("allowed") is False]
    check(any(r.get("entityId") == "urn:ngsi-ld:Vitals:r1" and r.get("purpose") == PURPOSE
              for r in allowed), f"family's reads under consent with its purpose: {allowed[:3]}")
    check(all(r.get("actor", {}).get("kind") == "bearerToken" for r in family),
          f"family actor kinds: {family[:3]}")
    check(any(r.get("entityId") == "urn:ngsi-ld:Vitals:r1" for r in denied),
          f"family's refused reads are recorded: {denied[:3]}")
    check(any(r.get("purpose") == "owner" and r.get("actor", {}).get("subject") == RESIDENT
              for r in records), "the resident's own reads are recorded")
    theirs = town.call("GET", "/admin/v1/me/accesses?limit=10000", None, neighbour).json() or []
    check(all(r.get("resident") == NEIGHBOUR for r in theirs),
          "the neighbour's view holds only the neighbour's records")


def main():
    renkei = server_argument()
    with tempfile.TemporaryDirectory() as tmp:
        signer = SigningKey(tmp, "rsa", "arida-2026")
        jwks_path = pathlib.Path(tmp) / "jwks.json"
        jwks_path.write_text(jwks(signer))
        data = pathlib.Path(tmp) / "data"
        # The CLI bootstraps the tenant admin's key before the server runs.
        made = subprocess.run([renkei, "apikey", "create", "--tenant", TENANT, "--role",
                               "tenant-admin", "--app", "console", "--data-dir", str(data)],
                              capture_output=True, text=True, timeout=60, check=False)
        check(made.returncode == 0, f"apikey create: {made.stderr}")
        admin = made.stdout.strip()
        receiver_port = free_port(19850, 19874)
        receiver = NotificationReceiver(receiver_port)
        receiver.start()
        try:
            with Server(renkei, data, free_port(19875, 19899), config=config(jwks_path)) as server:
                town = Town(server, signer)
                family = town.token("family-0007", "family-watch", "urn:arida:acr:mynumber-card")
                family_level1 = town.token("family-0007", "family-watch", "urn:arida:acr:password")
                resident = town.token(RESIDENT, "arida-portal", "urn:arida:acr:mynumber-card")
                neighbour = town.token(NEIGHBOUR, "arida-portal", "urn:arida:acr:mynumber-card")
                set_up(town, admin)
                check(reads(town, admin, "urn:ngsi-ld:Vitals:r1") == (404, 404),
                      "the tenant admin reads personal data without consent")
                subscribe(town, family, receiver_port)
                before_consent(town, family, receiver)
                owner_reads(town, resident)
                consent_id = grant(town, resident)
                with_consent(town, family, family_level1, receiver)
                after_revocation(town, family, resident, consent_id, receiver)
                audit_view(town, resident, neighbour)
        finally:
            receiver.stop()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
