#!/usr/bin/env python3
"""API keys and authorization policies through HTTP (docs/security.md): keys made with the
CLI and the admin API, used on both dialects; revocation at once; readers cannot write or
escalate; tenants never see each other's data; counts do not leak; open types are readable
anonymously. Ports 19400-19449."""
import argparse
import pathlib
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
from renkei_testlib import Server, check, finish, free_port  # noqa: E402

CONFIG = """
[auth.tenants.town_a]
enabled = true
[auth.tenants.town_b]
enabled = true
[auth.tenants."131083"]
enabled = true
"""

# A real national-format file (江東区's public toilets) for the open-data import checks.
KOTO_TOILETS = (pathlib.Path(__file__).resolve().parents[3] /
                "shared/data/opendata/131083_public_toilet.csv")

POLICY = {
    "rules": [
        {"roles": ["reader"], "actions": ["read"], "types": ["Shelter", "AED"]},
        {"roles": ["editor"], "actions": ["read", "write", "subscribe"], "types": ["*"]},
    ],
    "openTypes": ["AED"],
}


def entity(kind, n):
    return {"id": f"urn:ngsi-ld:{kind}:{n}", "type": kind,
            "name": {"type": "Text", "value": f"{kind} {n}"}}


def cli_key(server_bin, data, tenant, *roles, app=None):
    args = [server_bin, "apikey", "create", "--tenant", tenant, "--data-dir", str(data)]
    for role in roles:
        args += ["--role", role]
    if app:
        args += ["--app", app]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    check(done.returncode == 0, f"apikey create: {done.stderr}")
    return done.stdout.strip()


def v2(tenant, key=None):
    headers = {"Fiware-Service": tenant}
    if key:
        headers["X-Api-Key"] = key
    return headers


def ld(tenant, key=None):
    headers = {"NGSILD-Tenant": tenant}
    if key:
        headers["X-Api-Key"] = key
    return headers


def is_v2_error(resp, status, error, what):
    body = resp.json() or {}
    check(resp.status == status and body.get("error") == error,
          f"{what}: {resp.status} {body}")


def is_problem(resp, status, what):
    body = resp.json() or {}
    check(resp.status == status and str(body.get("type", "")).startswith(("urn:", "https:"))
          and body.get("status", status) == status, f"{what}: {resp.status} {body}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "data"
        # Bootstrap from the CLI before the server runs: the tenant admins' first keys.
        admin_a = cli_key(args.server, data, "town_a", "tenant-admin", app="console")
        admin_b = cli_key(args.server, data, "town_b", "tenant-admin")
        admin_koto = cli_key(args.server, data, "131083", "tenant-admin")
        check(admin_a.startswith("rk_") and admin_a != admin_b, f"CLI keys {admin_a} {admin_b}")
        listed = subprocess.run([args.server, "apikey", "list", "--tenant", "town_a",
                                 "--data-dir", str(data)], capture_output=True, text=True,
                                timeout=60, check=False)
        check(listed.returncode == 0 and admin_a.split(".")[0] in listed.stdout
              and admin_a not in listed.stdout, f"CLI list shows ids, never keys: {listed}")
        with Server(args.server, data, free_port(19400, 19449), config=CONFIG) as server:
            req = server.request
            base_a = "/admin/v1/tenants/town_a"
            # The admin key works on both dialects; writes by the admin.
            for kind, n in (("Shelter", 1), ("Shelter", 2), ("AED", 1), ("Building", 1)):
                check(req("POST", "/v2/entities", entity(kind, n), v2("town_a", admin_a)).status
                      == 201, f"admin create {kind} {n}")
            check(req("GET", "/ngsi-ld/v1/entities/urn:ngsi-ld:Building:1", None,
                      ld("town_a", admin_a)).status == 200, "admin reads through NGSI-LD")
            check(req("POST", "/v2/entities", entity("Shelter", 9), v2("town_b", admin_b)).status
                  == 201, "town_b admin create")
            # Policies: validated, stored, read back.
            bad = req("PUT", f"{base_a}/policies", {"rules": [{"roles": ["r"]}]},
                      {"X-Api-Key": admin_a})
            is_problem(bad, 400, "invalid policy")
            put = req("PUT", f"{base_a}/policies", POLICY, {"X-Api-Key": admin_a})
            check(put.status == 200 and put.json()["openTypes"] == ["AED"], f"PUT policy {put.status}")
            got = req("GET", f"{base_a}/policies", None, {"X-Api-Key": admin_a})
            check(got.status == 200 and len(got.json()["rules"]) == 2, "GET policy")
            # Keys from the admin API: shown once, listed without secrets.
            made = req("POST", f"{base_a}/apikeys", {"roles": ["reader"], "app": "map"},
                       {"X-Api-Key": admin_a})
            check(made.status == 201 and made.json()["key"].startswith("rk_"),
                  f"POST apikeys {made.status} {made.body}")
            reader = made.json()["key"]
            reader_id = made.json()["id"]
            keys = req("GET", f"{base_a}/apikeys", None, {"X-Api-Key": admin_a})
            check(keys.status == 200 and reader_id in keys.body.decode()
                  and reader not in keys.body.decode() and b'"key"' not in keys.body,
                  "GET apikeys has no secrets")
            # A reader reads its types on both dialects, counts cover only them.
            listed = req("GET", "/v2/entities?options=count&limit=100", None, v2("town_a", reader))
            ids = sorted(e["id"] for e in listed.json() or [])
            check(listed.status == 200 and ids == ["urn:ngsi-ld:AED:1", "urn:ngsi-ld:Shelter:1",
                                                   "urn:ngsi-ld:Shelter:2"], f"reader list {ids}")
            check(listed.headers.get("fiware-total-count") == "3",
                  f"Fiware-Total-Count {listed.headers.get('fiware-total-count')}")
            ldq = req("GET", "/ngsi-ld/v1/entities?type=Building&count=true", None,
                      ld("town_a", reader))
            check(ldq.status == 200 and ldq.json() == [] and
                  ldq.headers.get("ngsild-results-count") == "0", f"LD hidden type {ldq.status}")
            types = req("GET", "/v2/types", None, v2("town_a", reader))
            check(sorted(t["type"] for t in types.json()) == ["AED", "Shelter"], "types narrowed")
            # A hidden type by id: 404, as if it did not exist.
            is_v2_error(req("GET", "/v2/entities/urn:ngsi-ld:Building:1", None,
                            v2("town_a", reader)), 404, "NotFound", "hidden by id (v2)")
            is_problem(req("GET", "/ngsi-ld/v1/entities/urn:ngsi-ld:Building:1", None,
                           ld("town_a", reader)), 404, "hidden by id (LD)")
            # A reader cannot write: 403 in each dialect's format.
            is_v2_error(req("POST", "/v2/entities", entity("Shelter", 3), v2("town_a", reader)),
                        403, "Forbidden", "reader create (v2)")
            is_v2_error(req("PATCH", "/v2/entities/urn:ngsi-ld:Shelter:1/attrs",
                            {"name": {"type": "Text", "value": "x"}}, v2("town_a", reader)),
                        403, "Forbidden", "reader patch (v2)")
            is_v2_error(req("POST", "/v2/op/update", {"actionType": "append", "entities":
                                                      [entity("Shelter", 4)]},
                            v2("town_a", reader)), 403, "Forbidden", "reader batch (v2)")
            ld_create = req("POST", "/ngsi-ld/v1/entities",
                            {"id": "urn:ngsi-ld:Shelter:5", "type": "Shelter"},
                            ld("town_a", reader))
            is_problem(ld_create, 403, "reader create (LD)")
            is_v2_error(req("POST", "/v2/subscriptions", {
                "subject": {"entities": [{"idPattern": ".*", "type": "Shelter"}]},
                "notification": {"http": {"url": "http://127.0.0.1:9/x"}}},
                v2("town_a", reader)), 403, "Forbidden", "reader subscribes")
            # ... nor escalate its privileges.
            is_problem(req("PUT", f"{base_a}/policies", {"rules": [
                {"roles": ["reader"], "actions": ["write"], "types": ["*"]}]},
                {"X-Api-Key": reader}), 403, "reader PUT policies")
            is_problem(req("POST", f"{base_a}/apikeys", {"roles": ["tenant-admin"]},
                           {"X-Api-Key": reader}), 403, "reader POST apikeys")
            is_problem(req("POST", f"{base_a}/apikeys", {"roles": ["platform-operator"]},
                           {"X-Api-Key": admin_a}), 403, "tenant admin makes an operator")
            is_problem(req("GET", "/admin/v1/tenants/town_b/apikeys", None,
                           {"X-Api-Key": admin_a}), 401, "another tenant's admin path")
            check(req("GET", "/v2/entities/urn:ngsi-ld:Shelter:2", None,
                      v2("town_a", reader)).json()["name"]["value"] == "Shelter 2",
                  "nothing was written by the refused requests")
            # Tenants never see each other's data, whatever the headers say.
            for path, headers in (("/v2/entities", v2("town_b", admin_a)),
                                  ("/ngsi-ld/v1/entities?type=Shelter", ld("town_b", admin_a)),
                                  ("/v2/entities", {**v2("town_b", admin_a),
                                                    "NGSILD-Tenant": "town_a"})):
                resp = req("GET", path, None, headers)
                check(resp.status in (400, 401), f"town_a key on town_b: {resp.status}")
            leaked = req("GET", "/v2/entities?limit=100", None, v2("town_a", admin_a))
            check("urn:ngsi-ld:Shelter:9" not in leaked.body.decode(), "town_b data in town_a")
            is_v2_error(req("GET", "/v2/entities/urn:ngsi-ld:Shelter:1", None,
                            v2("town_b", admin_b)), 404, "NotFound", "town_a entity from town_b")
            # Open types readable anonymously; the rest and writes need credentials (401).
            anon = req("GET", "/v2/entities?options=count", None, v2("town_a"))
            check(anon.status == 200 and [e["id"] for e in anon.json()] == ["urn:ngsi-ld:AED:1"]
                  and anon.headers.get("fiware-total-count") == "1", f"anonymous {anon.body}")
            anonymous_write = req("POST", "/v2/entities", entity("AED", 2), v2("town_a"))
            is_v2_error(anonymous_write, 401, "Unauthorized", "anonymous write")
            # Refused in the service layer, still a 401 that names its scheme (RFC 9110 §15.5.2).
            check(anonymous_write.headers.get("www-authenticate", "").startswith("Bearer"),
                  f"anonymous write: WWW-Authenticate {anonymous_write.headers}")
            is_problem(req("GET", "/ngsi-ld/v1/entities?type=Shelter", None, ld("town_b")),
                       401, "town_b opens nothing")
            check_import(req, admin_koto)
            # Revocation takes effect at once.
            check(req("DELETE", f"{base_a}/apikeys/{reader_id}", None,
                      {"X-Api-Key": admin_a}).status == 204, "revoke")
            is_v2_error(req("GET", "/v2/entities", None, v2("town_a", reader)), 401,
                        "Unauthorized", "revoked key")
            is_problem(req("DELETE", f"{base_a}/apikeys/{reader_id}", None,
                           {"X-Api-Key": admin_a}), 404, "revoke twice")
    return finish()


def check_import(req, admin):
    """POST /admin/v1/opendata/import writes through the service layer as its caller: a key
    that may only read is refused (403 ProblemDetails) and nothing is written; the tenant's
    admin imports the file."""
    base = "/admin/v1/tenants/131083"
    put = req("PUT", f"{base}/policies",
              {"rules": [{"roles": ["reader"], "actions": ["read"], "types": ["*"]}]},
              {"X-Api-Key": admin})
    check(put.status == 200, f"131083 policy {put.status} {put.body[:200]}")
    made = req("POST", f"{base}/apikeys", {"roles": ["reader"]}, {"X-Api-Key": admin})
    check(made.status == 201, f"131083 reader key {made.status}")
    reader = made.json()["key"]
    body = KOTO_TOILETS.read_bytes()
    path = "/admin/v1/opendata/import?dataset=public_toilet"
    csv = {"Fiware-Service": "131083", "Content-Type": "text/csv"}
    is_problem(req("POST", path, body, {**csv, "X-Api-Key": reader}), 403, "reader imports")
    count = req("GET", "/v2/entities?type=PublicToilet&options=count&limit=1", None,
                v2("131083", admin))
    check(count.status == 200 and count.headers.get("fiware-total-count") == "0",
          f"nothing imported by the reader: {count.status} {count.headers}")
    imported = req("POST", path, body, {**csv, "X-Api-Key": admin})
    report = imported.json() if imported.status == 200 else {}
    check(imported.status == 200 and report.get("imported", 0) > 0,
          f"admin imports: {imported.status} {imported.body[:300]}")
    count = req("GET", "/v2/entities?type=PublicToilet&options=count&limit=1", None,
                v2("131083", reader))
    check(count.headers.get("fiware-total-count") == str(report.get("imported")),
          f"the reader sees what the admin imported: {count.headers} {report.get('imported')}")


if __name__ == "__main__":
    sys.exit(main())
