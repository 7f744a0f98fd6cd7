#!/usr/bin/env python3
"""ServicePath prefixes and attribute lists in authorization policies through HTTP
(docs/security.md "Authorization policies", issue 5 item 3): a path-scoped reader sees only
its subtree in both dialects (lists, counts, types, by id, recursive /# queries), cannot
write outside it; an attribute-scoped reader gets only its attributes (normalized,
keyValues, projections), cannot filter or order on the others, cannot write them (the whole
request is refused; NGSI-LD batches per item). Ports 19750-19799."""
import argparse
import json
import pathlib
import sys
import tempfile
import urllib.parse

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
from renkei_testlib import Server, check, finish, free_port  # noqa: E402
from authz_test import cli_key, is_problem, is_v2_error  # noqa: E402

CONFIG = """
[auth.tenants.town_s]
enabled = true
"""

TENANT = "town_s"

POLICY = {
    "rules": [
        {"roles": ["parks"], "actions": ["read", "write", "subscribe"], "types": ["Park"],
         "servicePaths": ["/wakayama/parks/"]},
        {"roles": ["parks"], "actions": ["read"], "types": ["Park"],
         "servicePaths": ["/kainan/view"]},
        {"roles": ["meter"], "actions": ["read", "subscribe"], "types": ["Meter"],
         "attributes": ["reading", "status"]},
        {"roles": ["meter"], "actions": ["write"], "types": ["Meter"],
         "attributes": ["reading"]},
    ],
}


def park(n):
    return {"id": f"urn:ngsi-ld:Park:{n}", "type": "Park",
            "name": {"type": "Text", "value": f"park {n}"}}


def meter(n, owner="resident-1"):
    return {"id": f"urn:ngsi-ld:Meter:{n}", "type": "Meter",
            "reading": {"type": "Number", "value": 10 * n},
            "status": {"type": "Text", "value": "ok"},
            "owner": {"type": "Text", "value": owner}}


def v2(key, path=None):
    headers = {"Fiware-Service": TENANT, "X-Api-Key": key}
    if path is not None:
        headers["Fiware-ServicePath"] = path
    return headers


def ld(key, path=None):
    headers = {"NGSILD-Tenant": TENANT, "X-Api-Key": key}
    if path is not None:
        headers["Fiware-ServicePath"] = path
    return headers


def ids(resp):
    return sorted(e["id"] for e in resp.json() or []) if resp.status == 200 else resp.status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "data"
        admin = cli_key(args.server, data, TENANT, "tenant-admin")
        parks = cli_key(args.server, data, TENANT, "parks")
        meters = cli_key(args.server, data, TENANT, "meter")
        with Server(args.server, data, free_port(19750, 19799), config=CONFIG) as server:
            req = server.request
            for n, path in ((1, "/wakayama/parks"), (2, "/wakayama/parks/north"),
                            (3, "/kainan"), (7, "/kainan/view"), (8, "/wakayama/parksx")):
                check(req("POST", "/v2/entities", park(n), v2(admin, path)).status == 201,
                      f"admin creates Park {n} in {path}")
            # Through NGSI-LD without a ServicePath: the entity lives at "/".
            check(req("POST", "/ngsi-ld/v1/entities",
                      {"id": "urn:ngsi-ld:Park:4", "type": "Park",
                       "name": {"type": "Property", "value": "park 4"}},
                      ld(admin)).status == 201, "admin creates Park 4 through NGSI-LD")
            for n in (1, 2):
                check(req("POST", "/v2/entities", meter(n), v2(admin)).status == 201,
                      f"admin creates Meter {n}")
            bad = req("PUT", f"/admin/v1/tenants/{TENANT}/policies",
                      {"rules": [{"roles": ["r"], "actions": ["read"], "types": ["A"],
                                  "servicePaths": ["/a/#"]}]}, {"X-Api-Key": admin})
            is_problem(bad, 400, "a # in a prefix")
            check("rules[0].servicePaths[0]" in bad.body.decode(), f"names the place: {bad.body}")
            put = req("PUT", f"/admin/v1/tenants/{TENANT}/policies", POLICY, {"X-Api-Key": admin})
            check(put.status == 200 and put.json()["rules"][0]["servicePaths"] ==
                  ["/wakayama/parks"], f"PUT policy normalises prefixes: {put.status} {put.body}")
            check_paths(req, parks)
            check_attributes(req, admin, meters)
    return finish()


def check_paths(req, parks):
    readable = ["urn:ngsi-ld:Park:1", "urn:ngsi-ld:Park:2", "urn:ngsi-ld:Park:7"]
    # Lists and counts, NGSIv2: no ServicePath (= /#), an explicit /#, a recursive subtree.
    for path in (None, "/#", "/wakayama/#", "/wakayama/parks/#,/kainan/#"):
        resp = req("GET", "/v2/entities?options=count&limit=100", None, v2(parks, path))
        expected = readable if path != "/wakayama/#" else readable[:2]
        check(ids(resp) == expected and
              resp.headers.get("fiware-total-count") == str(len(expected)),
              f"v2 list in {path}: {ids(resp)} {resp.headers.get('fiware-total-count')}")
    resp = req("GET", "/v2/entities?options=count", None, v2(parks, "/kainan"))
    check(ids(resp) == [] and resp.headers.get("fiware-total-count") == "0",
          f"v2 list in /kainan: {ids(resp)}")
    # NGSI-LD: the same narrowing and counts.
    resp = req("GET", "/ngsi-ld/v1/entities?type=Park&count=true", None, ld(parks))
    check(ids(resp) == readable and resp.headers.get("ngsild-results-count") == "3",
          f"LD list: {ids(resp)} {resp.headers.get('ngsild-results-count')}")
    resp = req("GET", "/ngsi-ld/v1/entities?type=Park&count=true", None, ld(parks, "/"))
    check(ids(resp) == [] and resp.headers.get("ngsild-results-count") == "0",
          f"LD list at / (Park 4 there is hidden): {ids(resp)}")
    # Type discovery counts only the readable paths.
    types = req("GET", "/v2/types", None, v2(parks))
    counts = {t["type"]: t["count"] for t in (types.json() if types.status == 200 else [])}
    check(counts == {"Park": 3}, f"v2 types: {counts}")
    # By id: outside the paths is as absent.
    for n in (3, 4, 8):
        is_v2_error(req("GET", f"/v2/entities/urn:ngsi-ld:Park:{n}", None, v2(parks)), 404,
                    "NotFound", f"v2 Park {n} outside the paths")
        is_problem(req("GET", f"/ngsi-ld/v1/entities/urn:ngsi-ld:Park:{n}", None, ld(parks)),
                   404, f"LD Park {n} outside the paths")
    check(req("GET", "/v2/entities/urn:ngsi-ld:Park:2", None, v2(parks)).status == 200,
          "v2 Park 2 in a descendant path")
    check(req("GET", "/ngsi-ld/v1/entities/urn:ngsi-ld:Park:1", None, ld(parks)).status == 200,
          "LD Park 1")
    # Writes inside the subtree are allowed ...
    name = {"name": {"type": "Text", "value": "renamed"}}
    check(req("PATCH", "/v2/entities/urn:ngsi-ld:Park:2/attrs", name,
              v2(parks, "/wakayama/parks/north")).status == 204, "v2 patch in a descendant")
    check(req("POST", "/v2/entities", park(5), v2(parks, "/wakayama/parks/south")).status == 201,
          "v2 create in a descendant")
    check(req("POST", "/ngsi-ld/v1/entities", {"id": "urn:ngsi-ld:Park:6", "type": "Park"},
              ld(parks, "/wakayama/parks")).status == 201, "LD create in the prefix")
    # ... outside: 403 where the caller may read, 404 where it may not even read.
    is_v2_error(req("POST", "/v2/entities", park(9), v2(parks, "/kainan")), 403, "Forbidden",
                "v2 create outside")
    is_v2_error(req("POST", "/v2/entities", park(9), v2(parks)), 403, "Forbidden",
                "v2 create at /")
    is_problem(req("POST", "/ngsi-ld/v1/entities", {"id": "urn:ngsi-ld:Park:9", "type": "Park"},
                   ld(parks)), 403, "LD create at /")
    is_v2_error(req("PATCH", "/v2/entities/urn:ngsi-ld:Park:7/attrs", name,
                    v2(parks, "/kainan/view")), 403, "Forbidden", "v2 patch where only readable")
    is_v2_error(req("PATCH", "/v2/entities/urn:ngsi-ld:Park:3/attrs", name,
                    v2(parks, "/kainan")), 404, "NotFound", "v2 patch where not readable")
    is_v2_error(req("DELETE", "/v2/entities/urn:ngsi-ld:Park:3", None, v2(parks, "/kainan")),
                404, "NotFound", "v2 delete where not readable")
    is_problem(req("PATCH", "/ngsi-ld/v1/entities/urn:ngsi-ld:Park:4/attrs",
                   {"name": {"type": "Property", "value": "x"}}, ld(parks)), 404,
               "LD patch where not readable")
    is_v2_error(req("POST", "/v2/op/update", {"actionType": "append", "entities": [park(10)]},
                    v2(parks, "/kainan")), 403, "Forbidden", "v2 batch outside")
    # Batches of 32 entities or more run as bulk units (ADR 0013): the same rules, and a
    # refused one writes nothing either.
    large = [park(n) for n in range(100, 140)]
    check(req("POST", "/v2/op/update", {"actionType": "append", "entities": large},
              v2(parks, "/wakayama/parks")).status == 204, "large v2 batch in the prefix")
    listed = json.loads(req("GET", "/v2/entities?type=Park&limit=1000", None,
                            v2(parks, "/wakayama/parks")).body)
    written = {e["id"] for e in listed} & {e["id"] for e in large}
    check(len(written) == 40, f"the large batch wrote 40 entities, found {len(written)}")
    is_v2_error(req("POST", "/v2/op/update", {"actionType": "append",
                                             "entities": [park(n) for n in range(200, 240)]},
                    v2(parks, "/kainan")), 403, "Forbidden", "large v2 batch outside")
    everything = {e["id"] for e in json.loads(
        req("GET", "/v2/entities?limit=1000", None, v2(parks, "/#")).body)}
    refused = {"urn:ngsi-ld:Park:9", "urn:ngsi-ld:Park:10"} | {
        f"urn:ngsi-ld:Park:{n}" for n in range(200, 240)}
    check(not everything & refused, f"nothing refused was written: {everything & refused}")
    # Subscriptions: only within the subtree.
    sub = {"subject": {"entities": [{"idPattern": ".*", "type": "Park"}]},
           "notification": {"http": {"url": "http://127.0.0.1:9/x"}}}
    check(req("POST", "/v2/subscriptions", sub, v2(parks, "/wakayama/parks/#")).status == 201,
          "v2 subscription in the subtree")
    is_v2_error(req("POST", "/v2/subscriptions", sub, v2(parks)), 403, "Forbidden",
                "v2 subscription to every path")
    is_v2_error(req("POST", "/v2/subscriptions", sub, v2(parks, "/kainan/view")), 403,
                "Forbidden", "v2 subscription where only readable")


def check_attributes(req, admin, meters):
    one = "/v2/entities/urn:ngsi-ld:Meter:1"
    got = req("GET", one, None, v2(meters))
    body = got.json() or {}
    check(got.status == 200 and sorted(k for k in body if k not in ("id", "type")) ==
          ["reading", "status"], f"v2 by id: only granted attributes: {body}")
    kv = req("GET", one + "?options=keyValues", None, v2(meters)).json() or {}
    check("owner" not in kv and kv.get("reading") == 10, f"v2 keyValues: {kv}")
    projected = req("GET", one + "?attrs=owner,reading", None, v2(meters)).json() or {}
    check("owner" not in projected and "reading" in projected and "status" not in projected,
          f"v2 attrs projection: {projected}")
    listed = req("GET", "/v2/entities?type=Meter", None, v2(meters)).json() or []
    check(len(listed) == 2 and all("owner" not in e for e in listed), f"v2 list: {listed}")
    ld_one = req("GET", "/ngsi-ld/v1/entities/urn:ngsi-ld:Meter:1", None, ld(meters)).json() or {}
    check("reading" in ld_one and "owner" not in ld_one, f"LD by id: {ld_one}")
    ld_kv = req("GET", "/ngsi-ld/v1/entities?type=Meter&format=keyValues", None,
                ld(meters)).json() or []
    check(len(ld_kv) == 2 and all("owner" not in e for e in ld_kv), f"LD keyValues: {ld_kv}")
    check("owner" in (req("GET", one, None, v2(admin)).json() or {}), "the admin sees owner")
    # Filtering or ordering on a hidden attribute would reveal it: refused.
    for query in ("q=owner==resident-1", "q=reading>0;owner==x", "orderBy=owner",
                  "mq=owner.unit==x"):
        is_v2_error(req("GET", f"/v2/entities?type=Meter&{query}", None, v2(meters)), 403,
                    "Forbidden", f"v2 {query}")
    is_v2_error(req("GET", "/v2/entities?q=owner==resident-1", None, v2(meters)), 403,
                "Forbidden", "v2 q on a hidden attribute without a type")
    check(ids(req("GET", "/v2/entities?type=Meter&q=reading>15", None, v2(meters))) ==
          ["urn:ngsi-ld:Meter:2"], "v2 q on a granted attribute")
    ld_q = urllib.parse.quote('owner=="resident-1"')
    is_problem(req("GET", f"/ngsi-ld/v1/entities?type=Meter&q={ld_q}", None, ld(meters)), 403,
               "LD q on a hidden attribute")
    check(ids(req("GET", "/ngsi-ld/v1/entities?type=Meter&q=reading>15", None, ld(meters))) ==
          ["urn:ngsi-ld:Meter:2"], "LD q on a granted attribute")
    # Writes: granted attributes only; a request touching another is refused as a whole.
    check(req("PATCH", one + "/attrs", {"reading": {"type": "Number", "value": 11}},
              v2(meters)).status == 204, "v2 patch of a writable attribute")
    is_v2_error(req("PATCH", one + "/attrs", {"reading": {"type": "Number", "value": 12},
                                             "owner": {"type": "Text", "value": "me"}},
                    v2(meters)), 403, "Forbidden", "v2 patch with a hidden attribute")
    is_v2_error(req("PATCH", one + "/attrs", {"status": {"type": "Text", "value": "bad"}},
                    v2(meters)), 403, "Forbidden", "v2 patch of a read-only attribute")
    is_v2_error(req("PUT", one + "/attrs", {"reading": {"type": "Number", "value": 13}},
                    v2(meters)), 403, "Forbidden", "v2 replace drops other attributes")
    is_v2_error(req("DELETE", one, None, v2(meters)), 403, "Forbidden", "v2 delete the entity")
    is_v2_error(req("DELETE", one + "/attrs/owner", None, v2(meters)), 403, "Forbidden",
                "v2 delete a hidden attribute")
    is_problem(req("PATCH", "/ngsi-ld/v1/entities/urn:ngsi-ld:Meter:1/attrs",
                   {"owner": {"type": "Property", "value": "me"}}, ld(meters)), 403,
               "LD patch of a hidden attribute")
    stored = req("GET", one, None, v2(admin)).json() or {}
    check(stored.get("reading", {}).get("value") == 11 and
          stored.get("owner", {}).get("value") == "resident-1" and
          stored.get("status", {}).get("value") == "ok",
          f"only the allowed write was applied: {stored}")
    # NGSI-LD batch update: per item.
    batch = req("POST", "/ngsi-ld/v1/entityOperations/update", [
        {"id": "urn:ngsi-ld:Meter:1", "type": "Meter",
         "owner": {"type": "Property", "value": "me"}},
        {"id": "urn:ngsi-ld:Meter:2", "type": "Meter",
         "reading": {"type": "Property", "value": 21}}], ld(meters))
    body = batch.json() or {}
    check(batch.status == 207 and body.get("success") == ["urn:ngsi-ld:Meter:2"] and
          [e.get("entityId") for e in body.get("errors", [])] == ["urn:ngsi-ld:Meter:1"],
          f"LD batch per item: {batch.status} {body}")
    stored = req("GET", "/v2/entities/urn:ngsi-ld:Meter:2", None, v2(admin)).json() or {}
    check(stored.get("reading", {}).get("value") == 21, f"LD batch item applied: {stored}")
    # Notifications would carry whole entities: an attribute-limited reader cannot subscribe.
    is_v2_error(req("POST", "/v2/subscriptions", {
        "subject": {"entities": [{"idPattern": ".*", "type": "Meter"}]},
        "notification": {"http": {"url": "http://127.0.0.1:9/x"}}}, v2(meters)), 403,
        "Forbidden", "attribute-limited subscription")


if __name__ == "__main__":
    sys.exit(main())
