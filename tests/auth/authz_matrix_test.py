#!/usr/bin/env python3
"""The access matrix (issue 5 "Done when", item 8; docs/security.md "How access control is
tested"): every endpoint of both dialects and the admin API, called by every kind of caller of
tenant A, gets the status class its caller deserves, and no refused request reads or changes
anything.

Set-up: two tenants with authentication on (A = 131083, B = 302015), the default tenant ""
with it off. A holds entities written through each dialect, subscriptions of each dialect, a
hosted @context, a policy and API keys; B and the default tenant hold their own entities.

Callers (columns of ROUTES): a platform operator key, A's tenant admin, a writer of A, a reader
of A limited to Shelter, B's tenant admin key, no credentials, a garbage key, an OpenID Connect
token of A's issuer for a resident (no rule grants the role anything), a token signed by a key
A's issuer never published. A's policy opens AED to everyone.

For each row and caller:
  * the status class is the expected one (2 = any 2xx);
  * a refused answer (not 2xx) left everything as it was: A's and B's and the default tenant's
    entities (NGSIv2 for all, NGSI-LD for A, with system attributes), subscriptions (both
    dialects for A), A's policy, A's keys (their revocation, not their last use), the hosted
    @contexts and A's audit log (records of callers allowed to read the personal type aside,
    since they are appended asynchronously) are compared with the seeded state. A row's
    refused callers run first and are compared once together; on a difference each runs
    again alone and is compared, so the failure names it. This keeps the matrix within its
    time budget on a loaded machine;
  * a 2xx answer names no entity, subscription or key the caller may not see (B's and the
    default tenant's everywhere, and per caller the types its policy hides);
  * allowed callers run on the seeded state, restored after each change they make.
Then header combinations (tenant headers disagreeing, empty, upper case, `-` in admin paths,
ServicePaths, X-Api-Key with Authorization) and privilege escalation attempts.

Completeness: ROUTES must cover every route the server has. The NGSIv2 and NGSI-LD routers
are tables of `r.Add("METHOD", "/path", ...)` calls and the admin endpoints are mounted by
path constants and dispatched by comparing the rest of the path with literals; the check
(`check_route_coverage`) reads those sources and fails when a registration, a mounted path or
an admin resource name is missing from ROUTES (or ROUTES lists one the sources lack). Parsing
the registrations keeps the check independent of any route listing endpoint, which the server
does not have and which would itself be an endpoint to secure.

Ports 19800-19849."""
import http.client
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from jose_keys import SigningKey, jwks  # noqa: E402
from renkei_testlib import Server, check, finish, free_port, server_argument  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]
KOTO_TOILETS = REPO.parent / "shared/data/opendata/131083_public_toilet.csv"
A, B = "131083", "302015"
ISSUER_A = "https://idp.town-a.example"
# About 55 s alone on the 2-core machine at load 10; 165 s beside a full parallel ctest and a
# release build. ctest's TIMEOUT is 300 and the test runs serially; the matrix stops here.
TIME_BUDGET_SECONDS = 200

POLICY_A = {
    "rules": [
        {"roles": ["reader"], "actions": ["read"], "types": ["Shelter"]},
        {"roles": ["writer"], "actions": ["read", "write", "subscribe"], "types": ["*"]},
    ],
    "openTypes": ["AED"],
}


def v2_entity(eid, kind):
    return {"id": eid, "type": kind, "name": {"type": "Text", "value": eid},
            "owner": {"type": "Text", "value": "resident-7"}}


def ld_entity(eid, kind):
    return {"id": eid, "type": kind, "name": {"type": "Property", "value": eid}}


# Seeds, by tenant. Ids are chosen so that none is a prefix of another (leak checks look for
# them as substrings of answers).
SHELTER = "urn:ngsi-ld:Shelter:a-one"
SHELTER_LD = "urn:ngsi-ld:Shelter:a-ld"
BUILDING = "urn:ngsi-ld:Building:a-hidden"
BUILDING_LD = "urn:ngsi-ld:Building:a-ld-hidden"
AED = "urn:ngsi-ld:AED:a-open"
VITALS = "urn:ngsi-ld:Vitals:a-personal"
B_SHELTER = "urn:ngsi-ld:Shelter:b-only"
DEFAULT_SHELTER = "urn:ngsi-ld:Shelter:default-only"
NEW_ID = "urn:ngsi-ld:Shelter:a-new"
SEED_V2_A = [(SHELTER, "Shelter"), (BUILDING, "Building"), (AED, "AED"), (VITALS, "Vitals")]
SEED_LD_A = [(SHELTER_LD, "Shelter"), (BUILDING_LD, "Building")]

# The apps of the keys that may read Vitals (their reads are audited, docs/security.md).
PERSONAL_READERS = {"snapshot", "console", "sensor", "prefecture"}
CALLERS = ["operator", "admin", "writer", "reader", "b_admin", "anonymous", "garbage",
           "resident", "forged"]


def expect(row):
    """'2 2 2 2 401 2 401 2 401' -> {caller: '2' | '401' | ...}."""
    values = row.split()
    assert len(values) == len(CALLERS), row
    return dict(zip(CALLERS, values))


# Expected classes, columns as CALLERS: operator admin writer reader b_admin anonymous
# garbage resident forged.
LIST = expect("2 2 2 2 401 2 401 2 401")          # narrowed reads: each sees what it may
READ_SHELTER = expect("2 2 2 2 401 404 401 404 401")  # hidden by-id reads are 404
WRITE = expect("2 2 2 403 401 401 401 403 401")
# By id on an existing entity: a resident may write its own personal entities (so it gets past
# the "may write something" gate), and an entity it may not even read is not there for it.
WRITE_BY_ID = expect("2 2 2 403 401 401 401 404 401")
# NGSI-LD batches: the resident's items are refused one by one in a 207.
LD_BATCH = expect("2 2 2 403 401 401 401 2 401")
# Changing or deleting a subscription: its owner or a tenant admin (the seeded ones are the
# admin's), docs/subscriptions.md "Who a subscription notifies for".
SUB_CHANGE = expect("2 2 403 403 401 401 401 403 401")
# The admin data endpoints need `administer` (built-in roles only in POLICY_A).
ADMINISTER = expect("2 2 403 403 401 401 401 403 401")
# A resident's consents: bearer tokens of residents only; API keys are apps (403).
EXPIRES = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 30 * 86400))
OWN_CONSENTS = expect("403 403 403 403 401 401 401 2 401")
SUBSCRIBE = expect("2 2 2 403 401 401 401 403 401")
TENANT_ADMIN = expect("2 2 403 403 401 401 401 403 401")
OPERATOR = expect("2 403 403 403 401 401 401 403 401")
ANY_KNOWN = expect("2 2 2 2 401 2 401 2 401")     # tenant-less reads, as the tenant's callers
OWN_ACCESSES = expect("2 2 2 2 401 401 401 2 401")  # everyone authenticated sees only their own

# (method, route as registered, concrete path, body, content type, expectations). `{sub_v2}`,
# `{sub_ld}`, `{ctx}`, `{victim}` are the current ids of seeded resources.
V2, LD, ADMIN = "v2", "ld", "admin"
JSON = "application/json"
SUB_V2_BODY = {"subject": {"entities": [{"idPattern": ".*", "type": "Shelter"}]},
               "notification": {"http": {"url": "http://127.0.0.1:19849/x"}}}
SUB_LD_BODY = {"type": "Subscription", "entities": [{"type": "Shelter"}],
               "notification": {"endpoint": {"uri": "http://127.0.0.1:19849/y"}}}
ROUTES = [
    (V2, "GET", "/version", "/version", None, None, ANY_KNOWN),
    (V2, "GET", "/v2", "/v2", None, None, ANY_KNOWN),
    (V2, "POST", "/v2/entities", "/v2/entities", v2_entity(NEW_ID, "Shelter"), JSON, WRITE),
    (V2, "GET", "/v2/entities", "/v2/entities?limit=1000", None, None, LIST),
    (V2, "GET", "/v2/entities/{id}", f"/v2/entities/{SHELTER}", None, None, READ_SHELTER),
    (V2, "DELETE", "/v2/entities/{id}", f"/v2/entities/{SHELTER}", None, None, WRITE_BY_ID),
    (V2, "GET", "/v2/entities/{id}/attrs", f"/v2/entities/{SHELTER}/attrs", None, None,
     READ_SHELTER),
    (V2, "PATCH", "/v2/entities/{id}/attrs", f"/v2/entities/{SHELTER}/attrs",
     {"name": {"type": "Text", "value": "patched"}}, JSON, WRITE_BY_ID),
    (V2, "POST", "/v2/entities/{id}/attrs", f"/v2/entities/{SHELTER}/attrs",
     {"extra": {"type": "Text", "value": "appended"}}, JSON, WRITE_BY_ID),
    (V2, "PUT", "/v2/entities/{id}/attrs", f"/v2/entities/{SHELTER}/attrs",
     {"name": {"type": "Text", "value": "replaced"}}, JSON, WRITE_BY_ID),
    (V2, "GET", "/v2/entities/{id}/attrs/{attr}", f"/v2/entities/{SHELTER}/attrs/name", None,
     None, READ_SHELTER),
    (V2, "PUT", "/v2/entities/{id}/attrs/{attr}", f"/v2/entities/{SHELTER}/attrs/name",
     {"type": "Text", "value": "put"}, JSON, WRITE_BY_ID),
    (V2, "DELETE", "/v2/entities/{id}/attrs/{attr}", f"/v2/entities/{SHELTER}/attrs/name", None,
     None, WRITE_BY_ID),
    (V2, "GET", "/v2/entities/{id}/attrs/{attr}/value",
     f"/v2/entities/{SHELTER}/attrs/name/value", None, None, READ_SHELTER),
    (V2, "PUT", "/v2/entities/{id}/attrs/{attr}/value",
     f"/v2/entities/{SHELTER}/attrs/name/value", '"value put"', "text/plain", WRITE_BY_ID),
    (V2, "GET", "/v2/types", "/v2/types", None, None, LIST),
    (V2, "GET", "/v2/types/{type}", "/v2/types/Shelter", None, None, READ_SHELTER),
    (V2, "POST", "/v2/op/update", "/v2/op/update",
     {"actionType": "append", "entities": [v2_entity(NEW_ID, "Shelter")]}, JSON, WRITE),
    (V2, "POST", "/v2/op/query", "/v2/op/query", {"entities": [{"idPattern": ".*"}]}, JSON,
     LIST),
    (V2, "POST", "/v2/op/notify", "/v2/op/notify",
     {"subscriptionId": "5f0000000000000000000000", "data": [v2_entity(NEW_ID, "Shelter")]},
     JSON, WRITE),
    (V2, "GET", "/v2/subscriptions", "/v2/subscriptions", None, None, SUBSCRIBE),
    (V2, "POST", "/v2/subscriptions", "/v2/subscriptions", SUB_V2_BODY, JSON, SUBSCRIBE),
    (V2, "GET", "/v2/subscriptions/{id}", "/v2/subscriptions/{sub_v2}", None, None, SUBSCRIBE),
    (V2, "DELETE", "/v2/subscriptions/{id}", "/v2/subscriptions/{sub_v2}", None, None,
     SUB_CHANGE),
    (V2, "PATCH", "/v2/subscriptions/{id}", "/v2/subscriptions/{sub_v2}",
     {"description": "patched"}, JSON, SUB_CHANGE),
    (LD, "POST", "/ngsi-ld/v1/entities", "/ngsi-ld/v1/entities", ld_entity(NEW_ID, "Shelter"),
     JSON, WRITE),
    (LD, "GET", "/ngsi-ld/v1/entities", "/ngsi-ld/v1/entities?type=Shelter,Building,AED,Vitals"
     "&limit=1000", None, None, LIST),
    (LD, "DELETE", "/ngsi-ld/v1/entities", "/ngsi-ld/v1/entities?type=Shelter", None, None,
     WRITE),
    (LD, "GET", "/ngsi-ld/v1/entities/{id}", f"/ngsi-ld/v1/entities/{SHELTER_LD}", None, None,
     READ_SHELTER),
    (LD, "PUT", "/ngsi-ld/v1/entities/{id}", f"/ngsi-ld/v1/entities/{SHELTER_LD}",
     ld_entity(SHELTER_LD, "Shelter"), JSON, WRITE_BY_ID),
    (LD, "PATCH", "/ngsi-ld/v1/entities/{id}", f"/ngsi-ld/v1/entities/{SHELTER_LD}",
     {"name": {"type": "Property", "value": "merged"}}, JSON, WRITE_BY_ID),
    (LD, "DELETE", "/ngsi-ld/v1/entities/{id}", f"/ngsi-ld/v1/entities/{SHELTER_LD}", None,
     None, WRITE_BY_ID),
    (LD, "POST", "/ngsi-ld/v1/entities/{id}/attrs", f"/ngsi-ld/v1/entities/{SHELTER_LD}/attrs",
     {"extra": {"type": "Property", "value": 1}}, JSON, WRITE_BY_ID),
    (LD, "PATCH", "/ngsi-ld/v1/entities/{id}/attrs", f"/ngsi-ld/v1/entities/{SHELTER_LD}/attrs",
     {"name": {"type": "Property", "value": "updated"}}, JSON, WRITE_BY_ID),
    (LD, "PATCH", "/ngsi-ld/v1/entities/{id}/attrs/{attr}",
     f"/ngsi-ld/v1/entities/{SHELTER_LD}/attrs/name", {"value": "partial"}, JSON, WRITE_BY_ID),
    (LD, "PUT", "/ngsi-ld/v1/entities/{id}/attrs/{attr}",
     f"/ngsi-ld/v1/entities/{SHELTER_LD}/attrs/name",
     {"type": "Property", "value": "replaced"}, JSON, WRITE_BY_ID),
    (LD, "DELETE", "/ngsi-ld/v1/entities/{id}/attrs/{attr}",
     f"/ngsi-ld/v1/entities/{SHELTER_LD}/attrs/name", None, None, WRITE_BY_ID),
    (LD, "POST", "/ngsi-ld/v1/entityOperations/create", "/ngsi-ld/v1/entityOperations/create",
     [ld_entity(NEW_ID, "Shelter")], JSON, LD_BATCH),
    (LD, "POST", "/ngsi-ld/v1/entityOperations/upsert", "/ngsi-ld/v1/entityOperations/upsert",
     [ld_entity(SHELTER_LD, "Shelter")], JSON, LD_BATCH),
    (LD, "POST", "/ngsi-ld/v1/entityOperations/update", "/ngsi-ld/v1/entityOperations/update",
     [ld_entity(SHELTER_LD, "Shelter")], JSON, LD_BATCH),
    (LD, "POST", "/ngsi-ld/v1/entityOperations/delete", "/ngsi-ld/v1/entityOperations/delete",
     [SHELTER_LD], JSON, LD_BATCH),
    (LD, "POST", "/ngsi-ld/v1/entityOperations/merge", "/ngsi-ld/v1/entityOperations/merge",
     [ld_entity(SHELTER_LD, "Shelter")], JSON, LD_BATCH),
    (LD, "POST", "/ngsi-ld/v1/entityOperations/query", "/ngsi-ld/v1/entityOperations/query",
     {"type": "Query", "entities": [{"type": "Shelter"}, {"type": "Building"}, {"type": "AED"}]},
     JSON, LIST),
    (LD, "GET", "/ngsi-ld/v1/types", "/ngsi-ld/v1/types", None, None, LIST),
    (LD, "GET", "/ngsi-ld/v1/types/{type}", "/ngsi-ld/v1/types/Shelter", None, None,
     READ_SHELTER),
    (LD, "GET", "/ngsi-ld/v1/attributes", "/ngsi-ld/v1/attributes", None, None, LIST),
    (LD, "GET", "/ngsi-ld/v1/attributes/{attr}", "/ngsi-ld/v1/attributes/name", None, None,
     LIST),
    (LD, "POST", "/ngsi-ld/v1/subscriptions", "/ngsi-ld/v1/subscriptions", SUB_LD_BODY, JSON,
     SUBSCRIBE),
    (LD, "GET", "/ngsi-ld/v1/subscriptions", "/ngsi-ld/v1/subscriptions", None, None,
     SUBSCRIBE),
    (LD, "GET", "/ngsi-ld/v1/subscriptions/{id}", "/ngsi-ld/v1/subscriptions/{sub_ld}", None,
     None, SUBSCRIBE),
    (LD, "PATCH", "/ngsi-ld/v1/subscriptions/{id}", "/ngsi-ld/v1/subscriptions/{sub_ld}",
     {"description": "patched"}, JSON, SUB_CHANGE),
    (LD, "DELETE", "/ngsi-ld/v1/subscriptions/{id}", "/ngsi-ld/v1/subscriptions/{sub_ld}",
     None, None, SUB_CHANGE),
    # Hosted @contexts are one catalog for all tenants: changing it is the platform's.
    (LD, "POST", "/ngsi-ld/v1/jsonldContexts", "/ngsi-ld/v1/jsonldContexts",
     {"@context": {"added": "https://example.org/added"}}, JSON, OPERATOR),
    (LD, "GET", "/ngsi-ld/v1/jsonldContexts", "/ngsi-ld/v1/jsonldContexts", None, None,
     ANY_KNOWN),
    (LD, "DELETE", "/ngsi-ld/v1/jsonldContexts", "/ngsi-ld/v1/jsonldContexts", None, None,
     expect("400 400 400 400 401 400 401 400 401")),
    (LD, "GET", "/ngsi-ld/v1/jsonldContexts/{contextId*}", "/ngsi-ld/v1/jsonldContexts/{ctx}",
     None, None, ANY_KNOWN),
    (LD, "DELETE", "/ngsi-ld/v1/jsonldContexts/{contextId*}",
     "/ngsi-ld/v1/jsonldContexts/{ctx}", None, None, OPERATOR),
    (ADMIN, "GET", "/admin/v1/tenants/{t}/apikeys", f"/admin/v1/tenants/{A}/apikeys", None,
     None, TENANT_ADMIN),
    (ADMIN, "POST", "/admin/v1/tenants/{t}/apikeys", f"/admin/v1/tenants/{A}/apikeys",
     {"roles": ["reader"], "app": "new"}, JSON, TENANT_ADMIN),
    (ADMIN, "DELETE", "/admin/v1/tenants/{t}/apikeys/{id}",
     f"/admin/v1/tenants/{A}/apikeys/{{victim}}", None, None, TENANT_ADMIN),
    (ADMIN, "GET", "/admin/v1/tenants/{t}/policies", f"/admin/v1/tenants/{A}/policies", None,
     None, TENANT_ADMIN),
    (ADMIN, "PUT", "/admin/v1/tenants/{t}/policies", f"/admin/v1/tenants/{A}/policies",
     POLICY_A, JSON, TENANT_ADMIN),
    (ADMIN, "GET", "/admin/v1/opendata/export", "/admin/v1/opendata/export?dataset=public_toilet",
     None, None, ADMINISTER),
    (ADMIN, "POST", "/admin/v1/opendata/import", "/admin/v1/opendata/import?dataset=public_toilet",
     "IMPORT", "text/csv", ADMINISTER),
    # The file check reads and writes nothing of the tenant's, but is an admin data endpoint.
    (ADMIN, "POST", "/admin/v1/opendata/quality", "/admin/v1/opendata/quality?dataset=public_toilet",
     "IMPORT", "text/csv", ADMINISTER),
    (ADMIN, "GET", "/admin/v1/quality", "/admin/v1/quality", None, None, ADMINISTER),
    (ADMIN, "GET", "/admin/v1/me/consents", "/admin/v1/me/consents", None, None, OWN_CONSENTS),
    (ADMIN, "POST", "/admin/v1/me/consents", "/admin/v1/me/consents",
     {"app": "family-watch", "types": ["Vitals"], "purpose": "matrix",
      "expiresAt": EXPIRES}, JSON, OWN_CONSENTS),
    (ADMIN, "DELETE", "/admin/v1/me/consents/{id}", "/admin/v1/me/consents/c-unknown", None,
     None, expect("403 403 403 403 401 401 401 404 401")),
    (ADMIN, "GET", "/admin/v1/tenants/{t}/consents", f"/admin/v1/tenants/{A}/consents", None,
     None, TENANT_ADMIN),
    (ADMIN, "GET", "/admin/v1/audit", "/admin/v1/audit", None, None, TENANT_ADMIN),
    (ADMIN, "GET", "/admin/v1/audit/verify", "/admin/v1/audit/verify", None, None, OPERATOR),
    (ADMIN, "GET", "/admin/v1/me/accesses", "/admin/v1/me/accesses", None, None, OWN_ACCESSES),
    # Tenant-less: it names every tenant, so only an operator's credential opens it.
    # (A's own credentials are not the platform's: 401, as in another tenant.)
    (ADMIN, "GET", "/metrics", "/metrics", None, None, expect("2 401 401 401 401 401 401 401 401")),
    # Hidden types by id and other tenants' resources by id, beyond the one row per route.
    (V2, "GET", None, f"/v2/entities/{BUILDING}", None, None,
     expect("2 2 2 404 401 404 401 404 401")),
    (LD, "GET", None, f"/ngsi-ld/v1/entities/{BUILDING_LD}", None, None,
     expect("2 2 2 404 401 404 401 404 401")),
    (V2, "GET", None, f"/v2/entities/{B_SHELTER}", None, None,
     expect("404 404 404 404 401 404 401 404 401")),
    (LD, "GET", None, f"/ngsi-ld/v1/entities/{B_SHELTER}", None, None,
     expect("404 404 404 404 401 404 401 404 401")),
    (V2, "PATCH", None, f"/v2/entities/{B_SHELTER}/attrs",
     {"name": {"type": "Text", "value": "x"}}, JSON, expect("404 404 404 403 401 401 401 404 401")),
    (V2, "GET", None, "/v2/subscriptions/{sub_b}", None, None,
     expect("404 404 404 403 401 401 401 403 401")),
    (LD, "DELETE", None, "/ngsi-ld/v1/subscriptions/{sub_b_ld}", None, None,
     expect("404 404 404 403 401 401 401 403 401")),
    (V2, "GET", None, f"/v2/entities/{AED}", None, None, expect("2 2 2 2 401 2 401 2 401")),
]


def touched_parts(path):
    """What an allowed change through `path` may have changed, to restore."""
    for prefix, part in (("/v2/subscriptions", "subscriptions"),
                         ("/ngsi-ld/v1/subscriptions", "subscriptions"),
                         ("/ngsi-ld/v1/jsonldContexts", "contexts"),
                         ("/admin/v1/tenants/" + A + "/apikeys", "keys"),
                         ("/admin/v1/tenants/" + A + "/policies", "policy")):
        if path.startswith(prefix):
            return (part,)
    return ("entities",)


class Client:
    """One keep-alive connection (thousands of requests stay fast), reopened when closed."""

    def __init__(self, port):
        self.port, self.conn = port, None
        self.timing = {}

    def __call__(self, method, path, body=None, headers=None, content_type=None):
        headers = dict(headers or {})
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if body is not None:
            headers.setdefault("Content-Type", content_type or JSON)
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                began = time.monotonic()
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                result = Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
                key = method + " " + path.split("?")[0][:40]
                t = self.timing.setdefault(key, [0, 0.0])
                t[0] += 1
                t[1] += time.monotonic() - began
                if resp.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return result
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def text(self):
        return self.body.decode("utf-8", "replace")


def cli_key(server_bin, data, tenant, *roles, app):
    args = [server_bin, "apikey", "create", "--tenant", tenant, "--data-dir", str(data),
            "--app", app]
    for role in roles:
        args += ["--role", role]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"apikey create: {done.stderr}")
    return done.stdout.strip()


def check_route_coverage():
    """The routes in the sources (see the module comment) against ROUTES."""
    src = REPO / "src"
    registered = set()
    for path in list(src.rglob("*.cpp")):
        text = path.read_text(encoding="utf-8")
        for method, route in re.findall(r'\br\.Add\(\s*"([A-Z]+)",\s*"([^"]+)"', text):
            registered.add((method, route))
    listed_dialects = {(m, r) for d, m, r, *_ in ROUTES if d in (V2, LD) and r is not None}
    check(registered - listed_dialects == set(),
          f"routes registered but not in the matrix: {sorted(registered - listed_dialects)}")
    check(listed_dialects - registered == set(),
          f"matrix routes not registered: {sorted(listed_dialects - registered)}")
    check(len(registered) > 50, f"too few registrations found ({len(registered)}): parser broken?")
    # Mounted admin paths: every path constant of the api and app modules is a listed route or
    # the prefix of one.
    admin_routes = [r for d, _, r, *_ in ROUTES if d == ADMIN and r is not None]
    all_routes = [r for _, _, r, *_ in ROUTES if r is not None]
    mounted = set()
    for folder in (src / "api", src / "app"):
        for path in folder.rglob("*.?pp"):
            text = path.read_text(encoding="utf-8")
            mounted.update(re.findall(r'constexpr[^=;]*=\s*"(/(?:admin|metrics)[^"]*)"', text))
    check(len(mounted) >= 6, f"too few mounted admin paths found: {mounted}")
    for prefix in mounted:
        check(any(r.startswith(prefix) for r in all_routes),
              f"admin path {prefix} is mounted but not in the matrix")
    # Resources dispatched inside the admin modules by literal comparison.
    for name, pattern, base in (
            ("api/access/access_api.cpp", r'resource(?:\s*==\s*|\.starts_with\()"([a-z]+)',
             "/admin/v1/tenants/{t}/"),
            ("api/opendata/opendata_api.cpp", r'rest\s*==\s*"([a-z]+)"', "/admin/v1/opendata/")):
        text = (src / name).read_text(encoding="utf-8")
        resources = set(re.findall(pattern, text))
        check(resources, f"{name}: no dispatched resources found: parser broken?")
        for resource in resources:
            check(any(r.startswith(base + resource) for r in admin_routes),
                  f"{name} dispatches {base}{resource}, which the matrix lacks")


class Matrix:
    def __init__(self, call, keys, tokens, import_body):
        self.call, self.keys, self.tokens = call, keys, tokens
        self.import_body = import_body
        self.ids = {}  # current ids of seeded subscriptions, context, victim key
        self.baseline = None
        self.audit_after = 0  # the last audit record a snapshot read
        self.counts = {"requests": 0, "refused": 0, "allowed": 0}

    # ---- callers and headers
    def credentials(self, caller):
        if caller in ("operator", "admin", "writer", "reader", "b_admin"):
            return {"X-Api-Key": self.keys[caller]}
        if caller == "garbage":
            return {"X-Api-Key": "rk_AAAAAAAAAAAA.not-a-real-secret"}
        if caller in ("resident", "forged"):
            return {"Authorization": f"Bearer {self.tokens[caller]}"}
        return {}

    def as_admin(self, tenant=A):
        key = {A: self.keys["snapshot"], B: self.keys["b_admin"]}.get(tenant)
        headers = {"Fiware-Service": tenant, "Fiware-ServicePath": "/#"}
        if key:
            headers["X-Api-Key"] = key
        return headers

    # ---- seeding and restoring
    def seed_tenant_b_and_default(self):
        call = self.call
        for tenant, eid in ((B, B_SHELTER), ("", DEFAULT_SHELTER)):
            headers = self.as_admin(tenant)
            headers.pop("Fiware-ServicePath")
            created = call("POST", "/v2/entities", v2_entity(eid, "Shelter"), headers)
            check(created.status == 201, f"seed {tenant!r} {created.status} {created.text()}")
        sub = call("POST", "/v2/subscriptions", SUB_V2_BODY, self.as_admin(B))
        check(sub.status == 201, f"seed B subscription {sub.status} {sub.text()}")
        self.ids["sub_b"] = sub.headers.get("location", "").rsplit("/", 1)[-1]
        sub = call("POST", "/ngsi-ld/v1/subscriptions", SUB_LD_BODY,
                   {"NGSILD-Tenant": B, "X-Api-Key": self.keys["b_admin"]})
        check(sub.status == 201, f"seed B LD subscription {sub.status} {sub.text()}")
        self.ids["sub_b_ld"] = sub.headers.get("location", "").rsplit("/", 1)[-1]

    def restore(self, parts=("policy", "entities", "subscriptions", "contexts", "keys")):
        """The given parts of A back to their seeded state; their snapshot parts retaken."""
        call, admin = self.call, self.as_admin()
        snapshot_key = {"X-Api-Key": self.keys["snapshot"]}
        ld_headers = {"NGSILD-Tenant": A, **snapshot_key}
        if "policy" in parts:
            put = call("PUT", f"/admin/v1/tenants/{A}/policies", POLICY_A, snapshot_key)
            check(put.status == 200, f"restore policy {put.status} {put.text()[:200]}")
        if "entities" in parts:
            listed = call("GET", "/v2/entities?limit=1000&attrs=id", None, admin).json() or []
            if listed:
                gone = call("POST", "/v2/op/update", {"actionType": "delete", "entities": [
                    {"id": e["id"], "type": e["type"]} for e in listed]},
                    {**admin, "Fiware-ServicePath": "/"})
                check(gone.status == 204, f"restore: delete {gone.status} {gone.text()}")
            seeded = call("POST", "/v2/op/update", {"actionType": "append", "entities": [
                v2_entity(eid, kind) for eid, kind in SEED_V2_A]},
                {**admin, "Fiware-ServicePath": "/"})
            check(seeded.status == 204, f"restore v2 entities {seeded.status} {seeded.text()}")
            made = call("POST", "/ngsi-ld/v1/entityOperations/create",
                        [ld_entity(eid, kind) for eid, kind in SEED_LD_A], ld_headers)
            check(made.status == 201, f"restore LD entities {made.status} {made.text()}")
        if "subscriptions" in parts:
            for sub in call("GET", "/v2/subscriptions?limit=1000", None, admin).json() or []:
                call("DELETE", f"/v2/subscriptions/{sub['id']}", None, admin)
            sub = call("POST", "/v2/subscriptions", SUB_V2_BODY, admin)
            self.ids["sub_v2"] = sub.headers.get("location", "").rsplit("/", 1)[-1]
            sub = call("POST", "/ngsi-ld/v1/subscriptions", SUB_LD_BODY, ld_headers)
            self.ids["sub_ld"] = sub.headers.get("location", "").rsplit("/", 1)[-1]
            check(self.ids["sub_v2"] and self.ids["sub_ld"], f"restore subscriptions {self.ids}")
        if "contexts" in parts:
            operator = {"X-Api-Key": self.keys["operator"]}
            for ctx in call("GET", "/ngsi-ld/v1/jsonldContexts?details=true&kind=Hosted", None,
                            operator).json() or []:
                call("DELETE", f"/ngsi-ld/v1/jsonldContexts/{ctx['localId']}", None, operator)
            added = call("POST", "/ngsi-ld/v1/jsonldContexts",
                         {"@context": {"seeded": "https://example.org/seeded"}}, operator)
            check(added.status == 201, f"restore context {added.status} {added.text()}")
            self.ids["ctx"] = added.headers.get("location", "").rsplit("/", 1)[-1]
        if "keys" in parts:
            keys_path = f"/admin/v1/tenants/{A}/apikeys"
            seeded_ids = {self.keys[c].split(".")[0] for c in ("operator", "admin", "writer",
                                                               "reader", "snapshot")}
            for key in call("GET", keys_path, None, snapshot_key).json() or []:
                if key["id"] not in seeded_ids and key["revokedAt"] is None:
                    call("DELETE", f"{keys_path}/{key['id']}", None, snapshot_key)
            victim = call("POST", keys_path, {"roles": ["reader"], "app": "victim"},
                          snapshot_key)
            check(victim.status == 201, f"restore victim key {victim.status}")
            self.ids["victim"] = (victim.json() or {}).get("id", "none")
        if self.baseline is None:
            self.baseline = self.snapshot()
        else:
            self.baseline.update(self.snapshot(parts))

    # ---- state
    def snapshot(self, parts=None):
        """The state, by part (all parts when None); see the module comment."""
        call = self.call
        want = (lambda part: parts is None or part in parts)
        state = {}
        snapshot_key = {"X-Api-Key": self.keys["snapshot"]}
        # The audit log: records of the callers that may read the personal type (Vitals) are
        # left out, the snapshot's own reads among them; they are appended after the answer
        # (docs/security.md "Audit log"), so they could land between two snapshots. Any record
        # of the other callers is a change.
        # Only the records since the previous snapshot are read (the log grows with every
        # snapshot); the part is the list of those by other callers, so always [] unchanged.
        if parts is None:
            audit = call("GET", f"/admin/v1/audit?limit=10000&after={self.audit_after}", None,
                         {"Fiware-Service": A, **snapshot_key})
            records = audit.json() if audit.status == 200 else []
            self.audit_after = max([self.audit_after] + [r["seq"] for r in records])
            state["audit"] = [r for r in records
                              if r["actor"]["clientId"] not in PERSONAL_READERS] \
                if audit.status == 200 else audit.status
        for tenant in (A, B, "") if parts is None else (A,):
            if want("entities"):
                listed = call("GET", "/v2/entities?limit=1000&options=sysAttrs", None,
                              self.as_admin(tenant))
                state[f"v2 {tenant}"] = (listed.status, sorted(listed.json() or [],
                                                               key=lambda e: e["id"]))
            if want("subscriptions"):
                subs = call("GET", "/v2/subscriptions?limit=1000", None, self.as_admin(tenant))
                state[f"subs {tenant}"] = sorted(
                    (s["id"], json.dumps(s.get("subject")), s.get("description"),
                     json.dumps(s.get("notification", {}).get("http")), s.get("expires"))
                    for s in subs.json() or [])
        if want("entities"):
            ld = call("GET", "/ngsi-ld/v1/entities?type=Shelter,Building,AED,Vitals,PublicToilet"
                      "&limit=1000&options=sysAttrs", None, {"NGSILD-Tenant": A, **snapshot_key})
            state["ld"] = (ld.status, sorted(ld.json() or [], key=lambda e: e["id"]))
        if want("subscriptions"):
            ld_subs = call("GET", "/ngsi-ld/v1/subscriptions?limit=1000", None,
                           {"NGSILD-Tenant": A, **snapshot_key})
            state["ld subs"] = sorted(
                (s["id"], json.dumps(s.get("entities")), s.get("description"),
                 json.dumps(s.get("notification", {}).get("endpoint")))
                for s in ld_subs.json() or [])
        if want("policy"):
            state["policy"] = call("GET", f"/admin/v1/tenants/{A}/policies", None,
                                   snapshot_key).json()
        if want("keys"):
            state["keys"] = sorted((k["id"], k["app"], tuple(k["roles"]), k["revokedAt"])
                                   for k in call("GET", f"/admin/v1/tenants/{A}/apikeys", None,
                                                 snapshot_key).json() or [])
        if want("contexts"):
            state["contexts"] = sorted(
                (c["localId"], c["kind"]) for c in call(
                    "GET", "/ngsi-ld/v1/jsonldContexts?details=true", None,
                    {"X-Api-Key": self.keys["operator"]}).json() or [])
        return state

    def unchanged(self, what):
        """Whether the state is the baseline; on a difference, a failure and a restore."""
        after = self.snapshot()
        changed = [k for k in after if after[k] != self.baseline.get(k)]
        if changed:
            check(False, f"{what}: refused but changed {changed}: "
                         f"{[(self.baseline.get(k), after[k]) for k in changed][:2]}")
            self.restore()
        return not changed

    def compare(self, what):
        self.unchanged(what)

    # ---- leaks
    def hidden_from(self, caller, path):
        """Ids a 2xx answer to this caller (in tenant A) must never contain."""
        hidden = {B_SHELTER, DEFAULT_SHELTER, self.ids.get("sub_b", "-"),
                  self.ids.get("sub_b_ld", "-")}
        # The resident owns VITALS: its own accesses name it and the keys that read it.
        own_accesses = caller == "resident" and path.startswith("/admin/v1/me/accesses")
        if caller in ("reader", "anonymous", "resident") and not own_accesses:
            hidden |= {BUILDING, BUILDING_LD, VITALS}
        if caller in ("anonymous", "resident"):
            hidden |= {SHELTER, SHELTER_LD}
        if caller not in ("operator", "admin") and not own_accesses:
            hidden |= {self.keys[c].split(".")[0] for c in ("admin", "writer", "snapshot")}
        return hidden

    def check_no_leak(self, caller, what, answer):
        text = answer.text()
        if answer.status == 207:  # the errors echo the ids the caller sent, nothing more
            text = json.dumps((answer.json() or {}).get("success", []))
        leaked = [h for h in self.hidden_from(caller, what.split()[2]) if h and h in text]
        check(not leaked, f"{what}: 2xx answer shows {leaked}")

    # ---- requests
    def request(self, caller, dialect, method, path, body, content_type, extra=None):
        headers = dict(self.credentials(caller))
        tenant = {V2: "Fiware-Service", LD: "NGSILD-Tenant", ADMIN: "Fiware-Service"}[dialect]
        headers[tenant] = A
        headers.update(extra or {})
        path = path.format(**self.ids)
        if body == "IMPORT":
            body = self.import_body
        self.counts["requests"] += 1
        return self.call(method, path, body, headers, content_type)

    def run_row(self, row):
        """The refused callers first, then one comparison of the whole state (on a difference,
        each refused caller again alone, to name it); then each allowed caller on the seeded
        state, restored after each change."""
        _, method, _, path, _, _, expected = row
        refused = [c for c in CALLERS if expected[c] != "2"]
        for caller in refused:
            self.send(caller, row)
        if not self.unchanged(f"{method} {path} refused to {refused}"):
            for caller in refused:
                self.send(caller, row)
                self.compare(f"{caller} {method} {path}")
        for caller in CALLERS:
            if expected[caller] == "2":
                answer = self.send(caller, row)
                if 200 <= answer.status < 300 and method != "GET":
                    self.restore(touched_parts(path))

    def send(self, caller, row):
        dialect, method, _, path, body, content_type, expected = row
        what = f"{caller} {method} {path.format(**self.ids)}"
        answer = self.request(caller, dialect, method, path, body, content_type)
        got = "2" if 200 <= answer.status < 300 else str(answer.status)
        check(got == expected[caller], f"{what}: expected {expected[caller]}, got "
                                       f"{answer.status} {answer.text()[:300]}")
        self.check_error_shape(dialect, what, answer)
        if got == "2":
            self.counts["allowed"] += 1
            self.check_no_leak(caller, what, answer)
        else:
            self.counts["refused"] += 1
        return answer

    @staticmethod
    def check_error_shape(dialect, what, answer):
        """Refusals in the dialect's own format (docs/security.md)."""
        if answer.status not in (401, 403):
            return
        body = answer.json() or {}
        if dialect == V2 and not what.split()[2].startswith("/metrics"):
            ok = body.get("error") in ("Unauthorized", "Forbidden")
        else:
            ok = str(body.get("type", "")).startswith("urn:") and body.get("status",
                                                                            answer.status) \
                == answer.status
        check(ok, f"{what}: {answer.status} not in the dialect's error format: {body}")
        if answer.status == 401:
            check(answer.headers.get("www-authenticate", "").startswith("Bearer"),
                  f"{what}: 401 without WWW-Authenticate")


def header_combinations(m):
    """Item 8: tenants never see each other's data under any combination of headers."""
    call, keys = m.call, m.keys
    a_admin, b_admin = {"X-Api-Key": keys["admin"]}, {"X-Api-Key": keys["b_admin"]}
    cases = [
        # (what, method, path, headers, allowed statuses, ids that must not appear)
        ("v2: Fiware-Service B, NGSILD-Tenant A, A's key", "/v2/entities",
         {**a_admin, "Fiware-Service": B, "NGSILD-Tenant": A}, {400, 401}),
        ("v2: Fiware-Service A, NGSILD-Tenant B, B's key", "/v2/entities",
         {**b_admin, "Fiware-Service": A, "NGSILD-Tenant": B}, {400, 401}),
        ("LD: NGSILD-Tenant B, Fiware-Service A, A's key", "/ngsi-ld/v1/entities?type=Shelter",
         {**a_admin, "NGSILD-Tenant": B, "Fiware-Service": A}, {400, 401}),
        ("LD: NGSILD-Tenant A, Fiware-Service B, B's key", "/ngsi-ld/v1/entities?type=Shelter",
         {**b_admin, "NGSILD-Tenant": A, "Fiware-Service": B}, {400, 401}),
        ("LD: only Fiware-Service A, B's key", "/ngsi-ld/v1/entities?type=Shelter",
         {**b_admin, "Fiware-Service": A}, {401}),
        ("v2: upper-case tenant, B's key", "/v2/entities", {**b_admin, "Fiware-Service": "131083"
                                                             .upper()}, {401}),
        ("LD: tenant with spaces, B's key", "/ngsi-ld/v1/entities?type=Shelter",
         {**b_admin, "NGSILD-Tenant": f" {A} "}, {400, 401}),
        ("v2: B's key twice named", "/v2/entities",
         {**b_admin, "Fiware-Service": f"{A},{B}"}, {400, 401}),
        ("quality: headers disagree, A's key", "/admin/v1/quality",
         {**a_admin, "Fiware-Service": B, "NGSILD-Tenant": A}, {400, 401}),
        ("export: headers disagree, B's key", "/admin/v1/opendata/export?dataset=public_toilet",
         {**b_admin, "Fiware-Service": A, "NGSILD-Tenant": B}, {400, 401}),
        ("audit: headers disagree, B's key", "/admin/v1/audit",
         {**b_admin, "Fiware-Service": B, "NGSILD-Tenant": A}, {400, 200}),
        ("audit: NGSILD-Tenant A only, B's key", "/admin/v1/audit",
         {**b_admin, "NGSILD-Tenant": A}, {401}),
        ("admin path: B's key on A", f"/admin/v1/tenants/{A}/apikeys", b_admin, {401}),
        ("admin path: A's key on B", f"/admin/v1/tenants/{B}/apikeys", a_admin, {401}),
        ("admin path: A's key on the default tenant", "/admin/v1/tenants/-/apikeys", a_admin,
         {403}),
        ("admin path: anonymous on the default tenant", "/admin/v1/tenants/-/policies", {},
         {403}),
        ("admin path: A's key, A's header, B's path", f"/admin/v1/tenants/{B}/policies",
         {**a_admin, "Fiware-Service": A}, {401}),
        # Empty tenant headers name the default tenant (authentication off): A's and B's data
        # must not appear there whatever key comes along.
        ("v2: empty Fiware-Service, A's key", "/v2/entities",
         {**a_admin, "Fiware-Service": ""}, {200}),
        ("LD: empty NGSILD-Tenant, A's key", "/ngsi-ld/v1/entities?type=Shelter",
         {**a_admin, "NGSILD-Tenant": ""}, {200}),
        ("v2: no tenant header, B's key", "/v2/entities", b_admin, {200}),
        ("v2: A's key, ServicePath /#", "/v2/entities", {**a_admin, "Fiware-Service": B,
                                                          "Fiware-ServicePath": "/#"}, {401}),
        ("v2: reader, ServicePath list", "/v2/entities",
         {"X-Api-Key": keys["reader"], "Fiware-Service": A,
          "Fiware-ServicePath": "/,/district,/#"}, {200, 400}),
        # X-Api-Key together with Authorization: one caller presents one credential
        # (RFC 6750 §2: no more than one method per request).
        ("reader key with a forged token", "/v2/entities",
         {"X-Api-Key": keys["reader"], "Authorization": f"Bearer {m.tokens['forged']}",
          "Fiware-Service": A}, {401}),
        ("garbage key with a resident token", "/v2/entities",
         {"X-Api-Key": "rk_AAAAAAAAAAAA.x", "Authorization": f"Bearer {m.tokens['resident']}",
          "Fiware-Service": A}, {401}),
        ("B's key with a resident token of A", "/v2/entities",
         {**b_admin, "Authorization": f"Bearer {m.tokens['resident']}", "Fiware-Service": A},
         {401}),
        ("X-Auth-Token forged beside a reader key", "/ngsi-ld/v1/entities?type=Shelter",
         {"X-Api-Key": keys["reader"], "X-Auth-Token": m.tokens["forged"], "NGSILD-Tenant": A},
         {401}),
        ("Authorization Basic beside a reader key", "/v2/entities",
         {"X-Api-Key": keys["reader"], "Authorization": "Basic YTpi", "Fiware-Service": A}, {401}),
    ]
    for what, path, headers, allowed in cases:
        answer = call("GET", path, None, headers)
        check(answer.status in allowed, f"{what}: {answer.status} not in {sorted(allowed)} "
                                        f"{answer.text()[:200]}")
        if 200 <= answer.status < 300:
            text = answer.text()
            a_ids = [SHELTER, SHELTER_LD, BUILDING, AED, VITALS, BUILDING_LD]
            named = headers.get("Fiware-Service", headers.get("NGSILD-Tenant", ""))
            foreign = [B_SHELTER] if named != B else []
            if named.strip() != A:
                foreign += a_ids
            if headers.get("X-Api-Key") == keys["reader"]:
                foreign += [BUILDING, BUILDING_LD, VITALS]
            leaked = [i for i in foreign if i in text]
            check(not leaked, f"{what}: shows {leaked}")
    m.compare("header combinations")
    # Writes under disagreeing headers land in no tenant they were not allowed in.
    for what, method, path, body, headers in (
            ("v2 create: FS B + NGSILD A, A's key", "POST", "/v2/entities",
             v2_entity(NEW_ID, "Shelter"), {**a_admin, "Fiware-Service": B, "NGSILD-Tenant": A}),
            ("LD create: NGSILD B + FS A, A's key", "POST", "/ngsi-ld/v1/entities",
             ld_entity(NEW_ID, "Shelter"), {**a_admin, "NGSILD-Tenant": B, "Fiware-Service": A}),
            ("v2 create: reader key + admin-less token", "POST", "/v2/entities",
             v2_entity(NEW_ID, "Shelter"),
             {"X-Api-Key": keys["reader"], "Authorization": f"Bearer {m.tokens['forged']}",
              "Fiware-Service": A}),
            ("v2 create with ServicePath by the reader", "POST", "/v2/entities",
             v2_entity(NEW_ID, "Shelter"),
             {"X-Api-Key": keys["reader"], "Fiware-Service": A, "Fiware-ServicePath": "/other"}),
    ):
        answer = call(method, path, body, headers)
        check(answer.status in (400, 401, 403), f"{what}: {answer.status} {answer.text()[:200]}")
        m.compare(what)


def escalation(m, signer):
    """Privilege escalation attempts (issue 5 item 8)."""
    call, keys = m.call, m.keys
    base = f"/admin/v1/tenants/{A}"
    attempts = [
        ("tenant admin issues a platform-operator key", "POST", f"{base}/apikeys",
         {"roles": ["platform-operator"]}, {"X-Api-Key": keys["admin"]}, {403}),
        ("tenant admin issues a key with an extra platform-operator role", "POST",
         f"{base}/apikeys", {"roles": ["reader", "platform-operator"]},
         {"X-Api-Key": keys["admin"]}, {403}),
        ("writer issues itself a tenant-admin key", "POST", f"{base}/apikeys",
         {"roles": ["tenant-admin"]}, {"X-Api-Key": keys["writer"]}, {403}),
        ("reader rewrites the policy", "PUT", f"{base}/policies",
         {"rules": [{"roles": ["reader"], "actions": ["write"], "types": ["*"]}]},
         {"X-Api-Key": keys["reader"]}, {403}),
        ("A's admin changes B's policy", "PUT", f"/admin/v1/tenants/{B}/policies",
         {"rules": []}, {"X-Api-Key": keys["admin"]}, {401}),
        ("A's admin revokes B's key", "DELETE",
         f"/admin/v1/tenants/{B}/apikeys/{keys['b_admin'].split('.')[0]}", None,
         {"X-Api-Key": keys["admin"]}, {401}),
        ("A's admin through the default tenant path", "PUT", "/admin/v1/tenants/-/policies",
         {"rules": []}, {"X-Api-Key": keys["admin"]}, {403}),
        ("an A issuer token claiming platform-operator issues a key", "POST", f"{base}/apikeys",
         {"roles": ["platform-operator"]},
         {"Authorization": "Bearer " + signer(["platform-operator"])}, {403}),
        ("an A issuer token claiming platform-operator reads the whole audit chain", "GET",
         "/admin/v1/audit/verify", None,
         {"Authorization": "Bearer " + signer(["platform-operator"]), "Fiware-Service": A},
         {403}),
        ("an A issuer token claiming platform-operator changes the @context catalog", "POST",
         "/ngsi-ld/v1/jsonldContexts", {"@context": {"x": "https://example.org/x"}},
         {"Authorization": "Bearer " + signer(["platform-operator"]), "NGSILD-Tenant": A},
         {403}),
        ("default tenant (no authentication) changes the shared @context catalog", "POST",
         "/ngsi-ld/v1/jsonldContexts", {"@context": {"x": "https://example.org/x"}}, {},
         {401, 403}),
        ("default tenant deletes A's hosted @context", "DELETE",
         "/ngsi-ld/v1/jsonldContexts/{ctx}", None, {}, {401, 403}),
        ("default tenant reads the whole audit chain", "GET", "/admin/v1/audit/verify", None, {},
         {401, 403}),
        ("default tenant reads the platform's metrics", "GET", "/metrics", None, {}, {401, 403}),
    ]
    for what, method, path, body, headers, allowed in attempts:
        answer = call(method, path.format(**m.ids), body, headers)
        check(answer.status in allowed, f"escalation: {what}: {answer.status} "
                                        f"{answer.text()[:200]}")
        if 200 <= answer.status < 300 and method != "GET":
            m.restore()
        else:
            m.compare(f"escalation: {what}")


def main():
    server_bin = server_argument()
    started = time.monotonic()
    check_route_coverage()
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "data"
        keys = {
            "operator": cli_key(server_bin, data, A, "platform-operator", app="prefecture"),
            "admin": cli_key(server_bin, data, A, "tenant-admin", app="console"),
            "snapshot": cli_key(server_bin, data, A, "tenant-admin", app="snapshot"),
            "writer": cli_key(server_bin, data, A, "writer", app="sensor"),
            "reader": cli_key(server_bin, data, A, "reader", app="map"),
            "b_admin": cli_key(server_bin, data, B, "tenant-admin", app="console-b"),
        }
        for folder in ("known", "unknown"):
            (pathlib.Path(tmp) / folder).mkdir()
        known = SigningKey(pathlib.Path(tmp) / "known", "ec", "town-a-1")
        # The same kid, never published: its signatures cannot verify.
        unknown = SigningKey(pathlib.Path(tmp) / "unknown", "ec", "town-a-1")
        (pathlib.Path(tmp) / "jwks_a.json").write_text(jwks(known))

        def token(key, roles):
            now = int(time.time())
            return key.token({"iss": ISSUER_A, "sub": "resident-7", "aud": "renkei",
                              "azp": "family-app", "iat": now, "exp": now + 900,
                              "roles": roles})

        tokens = {"resident": token(known, ["resident"]), "forged": token(unknown, ["resident"])}
        config = f"""
[auth.tenants."{A}"]
enabled = true
personal_types = ["Vitals"]
[[auth.tenants."{A}".issuers]]
issuer = "{ISSUER_A}"
audience = "renkei"
jwks_file = "{tmp}/jwks_a.json"
[auth.tenants."{B}"]
enabled = true
"""
        lines = KOTO_TOILETS.read_text(encoding="utf-8").splitlines()
        import_body = ("\n".join(lines[:3]) + "\n").encode()
        with Server(server_bin, data, free_port(19800, 19849), config=config) as server:
            call = Client(server.port)
            m = Matrix(call, keys, tokens, import_body)
            m.seed_tenant_b_and_default()
            m.restore()
            print(f"set up in {time.monotonic() - started:.1f} s")
            for row in ROUTES:
                m.run_row(row)
                if time.monotonic() - started > TIME_BUDGET_SECONDS:
                    check(False, f"time budget of {TIME_BUDGET_SECONDS} s spent at {row[3]}")
                    break
            header_combinations(m)
            escalation(m, lambda roles: token(known, roles))
            for key, (n, t) in sorted(call.timing.items(), key=lambda kv: -kv[1][1])[:5]:
                print(f"{key}: {n} requests {t:.2f} s")
            print(f"matrix: {len(ROUTES)} rows x {len(CALLERS)} callers, {m.counts}, "
                  f"{time.monotonic() - started:.1f} s")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
