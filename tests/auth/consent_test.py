#!/usr/bin/env python3
"""Personal data and consent through HTTP (docs/security.md "Personal data and consent",
issue 5 item 4): personal types declared in the policy with their assurance level; residents
(OpenID Connect tokens from real openssl keys) grant, list and revoke consents; an app reads a
resident's personal entities only under a live consent and at the type's level, in both
dialects, by id and by query (with counts that do not leak); owners read and manage their own
data; the audit log records the purpose and the refused reads. Ports 19650-19699."""
import json
import pathlib
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from jose_keys import SigningKey, jwks  # noqa: E402
from renkei_testlib import Server, check, finish, free_port, server_argument  # noqa: E402

ISSUER = "https://idp.town-a.example"
TENANT = "town_a"
V2 = {"Fiware-Service": TENANT}
LD = {"NGSILD-Tenant": TENANT, "Accept": "application/json"}
ME = "/admin/v1/me/consents"
PURPOSE = "見守り"

POLICY = {
    "rules": [{"apps": ["family-watch"], "actions": ["read"], "types": ["Vitals", "Activity"]},
              {"roles": ["writer"], "actions": ["read", "write"],
               "types": ["Vitals", "Activity", "Shelter"]},
              {"roles": ["citizen"], "actions": ["read"], "types": ["Shelter"]}],
    "personalTypes": {"Vitals": {"assuranceLevel": 2}, "Activity": {}},
}


def config(tmp):
    return f"""
[auth.tenants.{TENANT}]
enabled = true
[[auth.tenants.{TENANT}.issuers]]
issuer = "{ISSUER}"
audience = "renkei"
jwks_file = "{tmp}/jwks.json"
[auth.tenants.{TENANT}.issuers.acr_levels]
"urn:town-a:acr:password" = 1
"urn:town-a:acr:mynumber-card" = 2
"""


def iso(seconds_from_now):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds_from_now))


class Tokens:
    def __init__(self, key):
        self.key = key

    def make(self, sub, azp, acr="urn:town-a:acr:mynumber-card", roles=("citizen",)):
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": sub, "aud": "renkei", "azp": azp, "iat": now,
                  "exp": now + 3600, "acr": acr, "roles": list(roles)}
        return {"Authorization": f"Bearer {self.key.token(claims)}"}


def vitals(n, owner):
    body = {"id": f"urn:ngsi-ld:Vitals:{n}", "type": "Vitals",
            "heartRate": {"type": "Number", "value": 60 + n}}
    if owner is not None:
        body["owner"] = {"type": "Text", "value": owner}
    return body


def activity_ld(n, owner):
    body = {"id": f"urn:ngsi-ld:Activity:{n}", "type": "Activity",
            "steps": {"type": "Property", "value": 1000 * n}}
    if owner is not None:
        body["owner"] = {"type": "Property", "value": owner}
    return body


def problem(resp, status, what):
    body = resp.json() if resp.body else {}
    check(resp.status == status, f"{what}: status {resp.status} {resp.body[:300]!r}")
    check(resp.headers.get("content-type", "").startswith("application/problem+json")
          and isinstance(body, dict) and body.get("detail"), f"{what}: not ProblemDetails {body}")
    return body


def v2_count(server, headers, query):
    resp = server.request("GET", f"/v2/entities?{query}&options=count", None, {**V2, **headers})
    ids = [e["id"] for e in (resp.json() or [])] if resp.status == 200 else None
    return resp.status, resp.headers.get("fiware-total-count"), ids


def ld_count(server, headers, query):
    resp = server.request("GET", f"/ngsi-ld/v1/entities?{query}&count=true", None,
                          {**LD, **headers})
    ids = [e["id"] for e in (resp.json() or [])] if resp.status == 200 else None
    return resp.status, resp.headers.get("ngsild-results-count"), ids


def by_id(server, headers, entity_id):
    v2 = server.request("GET", f"/v2/entities/{entity_id}", None, {**V2, **headers}).status
    ld = server.request("GET", f"/ngsi-ld/v1/entities/{entity_id}", None, {**LD, **headers}).status
    return v2, ld


def post_queries(server, headers, entity_type):
    """POST /v2/op/query and NGSI-LD POST /entityOperations/query: the ids each returns."""
    v2 = server.request("POST", "/v2/op/query?options=count",
                        {"entities": [{"idPattern": ".*", "type": entity_type}]},
                        {**V2, **headers})
    ld = server.request("POST", "/ngsi-ld/v1/entityOperations/query?count=true",
                        {"type": "Query", "entities": [{"type": entity_type}]},
                        {**LD, **headers, "Content-Type": "application/json"})
    v2_ids = sorted(e["id"] for e in (v2.json() or [])) if v2.status == 200 else v2.status
    ld_ids = sorted(e["id"] for e in (ld.json() or [])) if ld.status == 200 else ld.status
    return (v2_ids, v2.headers.get("fiware-total-count"), ld_ids,
            ld.headers.get("ngsild-results-count"))


def cli_admin_key(renkei, data):
    made = subprocess.run([renkei, "apikey", "create", "--tenant", TENANT, "--role",
                           "tenant-admin", "--app", "console", "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=60, check=False)
    check(made.returncode == 0, f"apikey create: {made.stderr}")
    return {"X-Api-Key": made.stdout.strip()}


def set_up(server, admin):
    put = server.request("PUT", f"/admin/v1/tenants/{TENANT}/policies", POLICY, admin)
    check(put.status == 200, f"PUT policy: {put.status} {put.body[:300]!r}")
    stored = put.json() or {}
    check(stored.get("personalTypes") == {"Vitals": {"assuranceLevel": 2},
                                          "Activity": {"assuranceLevel": 1}},
          f"personalTypes stored with their levels: {stored.get('personalTypes')}")
    bad = server.request("PUT", f"/admin/v1/tenants/{TENANT}/policies",
                         {"personalTypes": {"Vitals": {"assuranceLevel": 5}}}, admin)
    body = problem(bad, 400, "policy with assuranceLevel 5")
    check("personalTypes.Vitals.assuranceLevel" in body.get("detail", ""),
          f"the refusal names the place: {body}")
    made = server.request("POST", f"/admin/v1/tenants/{TENANT}/apikeys",
                          {"roles": ["writer"], "app": "health"}, admin)
    check(made.status == 201, f"writer key: {made.status}")
    return {"X-Api-Key": (made.json() or {}).get("key", "")}


def test_writes_need_an_owner(server, writer):
    resp = server.request("POST", "/v2/entities", vitals(9, None), {**V2, **writer})
    body = resp.json() or {}
    check(resp.status == 400 and body.get("error") == "BadRequest"
          and "owner" in body.get("description", ""), f"v2 vitals without owner: {resp.status} {body}")
    resp = server.request("POST", "/v2/entities", vitals(9, 42), {**V2, **writer})
    check(resp.status == 400, f"v2 vitals with a number as owner: {resp.status}")
    resp = server.request("POST", "/ngsi-ld/v1/entities", activity_ld(9, None),
                          {**LD, **writer, "Content-Type": "application/json"})
    check(resp.status == 400 and "owner" in (resp.json() or {}).get("detail", ""),
          f"ld activity without owner: {resp.status} {resp.body[:200]!r}")
    for n, owner in ((1, "resident-1"), (2, "resident-2"), (3, "resident-3")):
        resp = server.request("POST", "/v2/entities", vitals(n, owner), {**V2, **writer})
        check(resp.status == 201, f"v2 vitals {n}: {resp.status} {resp.body[:200]!r}")
    for n, owner in ((1, "resident-1"), (2, "resident-2")):
        resp = server.request("POST", "/ngsi-ld/v1/entities", activity_ld(n, owner),
                              {**LD, **writer, "Content-Type": "application/json"})
        check(resp.status == 201, f"ld activity {n}: {resp.status} {resp.body[:200]!r}")
    shelter = {"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter",
               "name": {"type": "Text", "value": "Hall"}}
    check(server.request("POST", "/v2/entities", shelter, {**V2, **writer}).status == 201,
          "shelter (not personal) needs no owner")


def test_consent_refusals(server, writer, tokens):
    body = {"app": "family-watch", "types": ["Vitals"], "purpose": PURPOSE,
            "expiresAt": iso(86400)}
    problem(server.request("POST", ME, body, V2), 401, "anonymous POST consent")
    problem(server.request("GET", ME, None, V2), 401, "anonymous GET consents")
    problem(server.request("POST", ME, body, {**V2, **writer}), 403, "API key POST consent")
    problem(server.request("GET", ME, None, {**V2, **writer}), 403, "API key GET consents")
    resident = tokens.make("resident-1", "portal")
    bad_bodies = [
        ("not JSON", "{"),
        ("not an object", []),
        ("no purpose", {k: v for k, v in body.items() if k != "purpose"}),
        ("empty purpose", {**body, "purpose": ""}),
        ("purpose too long", {**body, "purpose": "x" * 1025}),
        ("no app", {k: v for k, v in body.items() if k != "app"}),
        ("empty types", {**body, "types": []}),
        ("non-personal type", {**body, "types": ["Shelter"]}),
        ("unknown type", {**body, "types": ["Nope"]}),
        ("past expiry", {**body, "expiresAt": iso(-60)}),
        ("expiry beyond the maximum", {**body, "expiresAt": iso(800 * 86400)}),
        ("bad expiry", {**body, "expiresAt": "tomorrow"}),
        ("unknown member", {**body, "resident": "resident-2"}),
    ]
    for what, bad in bad_bodies:
        payload = bad if isinstance(bad, (dict, list)) else bad
        headers = {**V2, **resident}
        if isinstance(bad, str):
            headers["Content-Type"] = "application/json"
        problem(server.request("POST", ME, payload, headers), 400, f"consent with {what}")
    problem(server.request("PUT", ME, body, {**V2, **resident}), 405, "PUT consents")
    listed = server.request("GET", ME, None, {**V2, **resident})
    check(listed.status == 200 and listed.json() == [], f"no consent yet: {listed.body!r}")


def grant(server, token, types, expires_in=30 * 86400, purpose=PURPOSE):
    body = {"app": "family-watch", "types": types, "purpose": purpose,
            "expiresAt": iso(expires_in)}
    resp = server.request("POST", ME, body, {**V2, **token})
    got = resp.json() or {}
    check(resp.status == 201, f"grant {types}: {resp.status} {resp.body[:300]!r}")
    check(resp.headers.get("location") == f"{ME}/{got.get('id')}",
          f"Location {resp.headers.get('location')} for {got.get('id')}")
    check(set(got) == {"id", "resident", "app", "types", "purpose", "expiresAt", "createdAt"},
          f"consent body members: {sorted(got)}")
    check(got.get("app") == "family-watch" and got.get("purpose") == purpose
          and sorted(got.get("types", [])) == sorted(types), f"consent body: {got}")
    return got


def test_reads(server, admin, tokens):
    app = tokens.make("svc-family-watch", "family-watch")
    app_level1 = tokens.make("svc-family-watch", "family-watch", acr="urn:town-a:acr:password")
    owner1 = tokens.make("resident-1", "portal")
    owner2 = tokens.make("resident-2", "portal")

    # Without any consent: 404 by id, empty queries counting 0, in both dialects.
    check(by_id(server, app, "urn:ngsi-ld:Vitals:1") == (404, 404),
          f"app without consent by id: {by_id(server, app, 'urn:ngsi-ld:Vitals:1')}")
    check(v2_count(server, app, "type=Vitals") == (200, "0", []),
          f"app without consent v2 query: {v2_count(server, app, 'type=Vitals')}")
    check(ld_count(server, app, "type=Vitals") == (200, "0", []),
          f"app without consent ld query: {ld_count(server, app, 'type=Vitals')}")
    check(post_queries(server, app, "Vitals") == ([], "0", [], "0"),
          f"app without consent POST queries: {post_queries(server, app, 'Vitals')}")
    types = server.request("GET", "/v2/types", None, {**V2, **app})
    check(types.status == 200 and all(t.get("type") not in ("Vitals", "Activity")
                                      for t in types.json() or []),
          f"/v2/types hides personal types: {types.status} {types.body[:300]!r}")

    # The owner reads their own data without a grant, in both dialects; not another's.
    check(by_id(server, owner1, "urn:ngsi-ld:Vitals:1") == (200, 200),
          f"owner reads own vitals: {by_id(server, owner1, 'urn:ngsi-ld:Vitals:1')}")
    check(by_id(server, owner1, "urn:ngsi-ld:Activity:1") == (200, 200), "owner reads activity")
    check(by_id(server, owner1, "urn:ngsi-ld:Vitals:2") == (404, 404),
          "a resident cannot read another resident's vitals")
    check(v2_count(server, owner1, "type=Vitals") == (200, "1", ["urn:ngsi-ld:Vitals:1"]),
          f"owner's v2 query: {v2_count(server, owner1, 'type=Vitals')}")
    check(ld_count(server, owner1, "type=Activity") == (200, "1", ["urn:ngsi-ld:Activity:1"]),
          f"owner's ld query: {ld_count(server, owner1, 'type=Activity')}")
    owner_level1 = tokens.make("resident-1", "portal", acr="urn:town-a:acr:password")
    check(by_id(server, owner_level1, "urn:ngsi-ld:Vitals:1") == (404, 404),
          "a level-1 login of the owner cannot read level-2 vitals")

    # resident-1 consents: the app sees exactly resident-1's entities, counts included.
    consent1 = grant(server, owner1, ["Vitals", "Activity"])
    check(consent1.get("resident") == "resident-1", f"resident is the caller: {consent1}")
    check(by_id(server, app, "urn:ngsi-ld:Vitals:1") == (200, 200),
          f"app with consent by id: {by_id(server, app, 'urn:ngsi-ld:Vitals:1')}")
    check(by_id(server, app, "urn:ngsi-ld:Vitals:2") == (404, 404), "no consent of resident-2")
    check(v2_count(server, app, "type=Vitals") == (200, "1", ["urn:ngsi-ld:Vitals:1"]),
          f"app's v2 query under consent: {v2_count(server, app, 'type=Vitals')}")
    check(ld_count(server, app, "type=Vitals") == (200, "1", ["urn:ngsi-ld:Vitals:1"]),
          f"app's ld query under consent: {ld_count(server, app, 'type=Vitals')}")
    check(post_queries(server, app, "Activity") ==
          (["urn:ngsi-ld:Activity:1"], "1", ["urn:ngsi-ld:Activity:1"], "1"),
          f"app's POST queries under consent: {post_queries(server, app, 'Activity')}")
    # A level-1 token of the app: Activity (level 1) yes, Vitals (level 2) no.
    check(by_id(server, app_level1, "urn:ngsi-ld:Vitals:1") == (404, 404),
          "level-1 token refused for level-2 vitals")
    check(by_id(server, app_level1, "urn:ngsi-ld:Activity:1") == (200, 200),
          "level-1 token reads level-1 activity under consent")
    check(v2_count(server, app_level1, "type=Vitals") == (200, "0", []),
          "level-1 token's query of vitals is empty")
    # No role bypasses the rule: the tenant admin's key reads no personal entity.
    check(by_id(server, admin, "urn:ngsi-ld:Vitals:1") == (404, 404), "tenant-admin by id")
    check(v2_count(server, admin, "type=Vitals") == (200, "0", []), "tenant-admin query")
    check(v2_count(server, admin, "type=Shelter")[1] == "1", "tenant-admin reads open data")

    # resident-2 consents to Vitals only, briefly: the app sees both residents, then not 2's.
    consent2 = grant(server, owner2, ["Vitals"], expires_in=4)
    check(v2_count(server, app, "type=Vitals") ==
          (200, "2", ["urn:ngsi-ld:Vitals:1", "urn:ngsi-ld:Vitals:2"]),
          f"two consenting residents: {v2_count(server, app, 'type=Vitals')}")
    check(by_id(server, app, "urn:ngsi-ld:Activity:2") == (404, 404),
          "resident-2's consent does not cover Activity")
    check(by_id(server, app, "urn:ngsi-ld:Vitals:3") == (404, 404), "resident-3 never consented")

    # Lists: own, other resident's id, tenant admin's view.
    mine = server.request("GET", ME, None, {**V2, **owner1})
    check(mine.status == 200 and [c["id"] for c in mine.json() or []] == [consent1["id"]],
          f"resident-1 lists own consent: {mine.body[:300]!r}")
    problem(server.request("DELETE", f"{ME}/{consent1['id']}", None, {**V2, **owner2}), 404,
            "revoke another resident's consent")
    problem(server.request("DELETE", f"{ME}/{consent1['id']}", None, {**V2, **admin}), 403,
            "an API key revokes a consent")
    every = server.request("GET", f"/admin/v1/tenants/{TENANT}/consents", None, admin)
    check(every.status == 200 and sorted(c["resident"] for c in every.json() or []) ==
          ["resident-1", "resident-2"], f"tenant admin lists all: {every.body[:300]!r}")
    one = server.request("GET", f"/admin/v1/tenants/{TENANT}/consents?resident=resident-2",
                         None, admin)
    check(one.status == 200 and [c["id"] for c in one.json() or []] == [consent2["id"]],
          f"tenant admin lists one resident: {one.body[:300]!r}")
    problem(server.request("GET", f"/admin/v1/tenants/{TENANT}/consents", None, owner1), 403,
            "a resident lists the tenant's consents")

    # Expiry stops reads on its own.
    time.sleep(max(0.0, 5.0))
    check(by_id(server, app, "urn:ngsi-ld:Vitals:2") == (404, 404), "expired consent stops reads")
    check(v2_count(server, app, "type=Vitals") == (200, "1", ["urn:ngsi-ld:Vitals:1"]),
          f"expired consent leaves the query: {v2_count(server, app, 'type=Vitals')}")

    # Revocation takes effect at once.
    revoked = server.request("DELETE", f"{ME}/{consent1['id']}", None, {**V2, **owner1})
    check(revoked.status == 204, f"revoke: {revoked.status} {revoked.body[:200]!r}")
    check(by_id(server, app, "urn:ngsi-ld:Vitals:1") == (404, 404), "revoked consent by id")
    check(v2_count(server, app, "type=Vitals") == (200, "0", []), "revoked consent query")
    check(ld_count(server, app, "type=Activity") == (200, "0", []), "revoked consent ld query")
    problem(server.request("DELETE", f"{ME}/{consent1['id']}", None, {**V2, **owner1}), 404,
            "revoke twice")
    live = server.request("GET", ME, None, {**V2, **owner1})
    check(live.status == 200 and live.json() == [], f"no live consent left: {live.body!r}")
    everything = server.request("GET", f"{ME}?all=true", None, {**V2, **owner1})
    listed = everything.json() or []
    check(everything.status == 200 and len(listed) == 1 and listed[0].get("revokedAt"),
          f"all=true shows the revoked consent: {everything.body[:300]!r}")
    return consent1


def test_owner_writes(server, tokens, writer):
    owner1 = tokens.make("resident-1", "portal")
    patch = server.request("PATCH", "/v2/entities/urn:ngsi-ld:Vitals:1/attrs",
                           {"heartRate": {"type": "Number", "value": 75}}, {**V2, **owner1})
    check(patch.status == 204, f"owner updates own vitals: {patch.status} {patch.body[:200]!r}")
    steal = server.request("PATCH", "/v2/entities/urn:ngsi-ld:Vitals:1/attrs",
                           {"owner": {"type": "Text", "value": "resident-2"}}, {**V2, **owner1})
    check(steal.status == 403 and (steal.json() or {}).get("error") == "Forbidden",
          f"owner gives away ownership: {steal.status} {steal.body[:200]!r}")
    moved = server.request("PATCH", "/v2/entities/urn:ngsi-ld:Vitals:1/attrs",
                           {"owner": {"type": "Text", "value": "resident-3"}}, {**V2, **writer})
    check(moved.status == 403, f"a writer app changes the owner: {moved.status}")
    other = server.request("PATCH", "/v2/entities/urn:ngsi-ld:Vitals:2/attrs",
                           {"heartRate": {"type": "Number", "value": 1}}, {**V2, **owner1})
    check(other.status == 404, f"a resident updates another's vitals: {other.status}")
    ld_patch = server.request("PATCH", "/ngsi-ld/v1/entities/urn:ngsi-ld:Activity:1/attrs",
                              {"steps": {"type": "Property", "value": 4242}},
                              {**LD, **owner1, "Content-Type": "application/json"})
    check(ld_patch.status == 204, f"owner updates own activity (LD): {ld_patch.status} "
                                  f"{ld_patch.body[:200]!r}")
    gone = server.request("DELETE", "/ngsi-ld/v1/entities/urn:ngsi-ld:Activity:1", None,
                          {**LD, **owner1})
    check(gone.status == 204, f"owner deletes own activity: {gone.status} {gone.body[:200]!r}")
    read = server.request("GET", "/v2/entities/urn:ngsi-ld:Vitals:1", None, {**V2, **owner1})
    value = ((read.json() or {}).get("heartRate") or {}).get("value")
    check(read.status == 200 and value == 75, f"the owner's update stored: {read.body[:200]!r}")


def test_audit(server, tokens):
    owner1 = tokens.make("resident-1", "portal")
    deadline = time.time() + 30
    while True:
        resp = server.request("GET", "/admin/v1/me/accesses?limit=1000", None, {**V2, **owner1})
        records = resp.json() if resp.status == 200 else []
        reads = [r for r in records if r["action"] == "read"]
        if any(r["purpose"] == PURPOSE for r in reads) or time.time() > deadline:
            break
        time.sleep(0.1)
    check(resp.status == 200, f"me/accesses: {resp.status} {resp.body[:200]!r}")
    check(all(r["resident"] == "resident-1" for r in records), "only resident-1's records")
    app_reads = [r for r in reads if r["actor"]["clientId"] == "family-watch" and r["allowed"]]
    check(app_reads and all(r["purpose"] == PURPOSE for r in app_reads),
          f"reads under consent carry its purpose: {[(r['entityId'], r['purpose']) for r in app_reads]}")
    own = [r for r in reads if r["actor"]["subject"] == "resident-1" and r["allowed"]]
    check(own and all(r["purpose"] == "owner" for r in own),
          f"the owner's reads have purpose owner: {[(r['entityId'], r['purpose']) for r in own]}")
    denied = [r for r in reads if not r["allowed"]]
    check(any(r["actor"]["kind"] == "apiKey" for r in denied),
          f"the tenant admin's refused by-id read is recorded: {denied}")
    check(any(r["actor"]["clientId"] == "family-watch" for r in denied),
          f"the app's refused by-id reads are recorded: {denied}")


def main():
    renkei = server_argument()
    with tempfile.TemporaryDirectory() as tmp:
        key = SigningKey(tmp, "ec", "town-a-1")
        pathlib.Path(tmp, "jwks.json").write_text(jwks(key))
        tokens = Tokens(key)
        data = pathlib.Path(tmp) / "data"
        admin = cli_admin_key(renkei, data)
        with Server(renkei, data, free_port(19650, 19699), config=config(tmp)) as server:
            writer = set_up(server, admin)
            test_writes_need_an_owner(server, writer)
            test_consent_refusals(server, writer, tokens)
            test_reads(server, admin, tokens)
            test_owner_writes(server, tokens, writer)
            test_audit(server, tokens)
            check(server.request("GET", "/version").status == 200, "server still up")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
