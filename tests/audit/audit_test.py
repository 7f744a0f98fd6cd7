#!/usr/bin/env python3
"""The audit log through HTTP (docs/security.md "Audit log"): accesses to entity types a
tenant lists as personal are recorded from both dialects (reads and writes, with the resident
from the entity's `owner`); GET /admin/v1/audit filters and pages them and exports JSON lines;
GET /admin/v1/audit/verify finds a record edited or removed in the SQLite file; the admin
endpoints answer ProblemDetails. Ports 19550-19599."""
import json
import pathlib
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
from renkei_testlib import Server, check, finish, free_port, server_argument  # noqa: E402

CONFIG = """
[auth.tenants.clinic]
personal_types = ["Vitals"]
[auth.tenants.locked]
enabled = true
personal_types = ["Vitals"]
"""

CLINIC = {"Fiware-Service": "clinic"}
LD = {"NGSILD-Tenant": "clinic", "Accept": "application/json"}


def vitals_v2(number, owner):
    return {"id": f"urn:ngsi-ld:Vitals:{number}", "type": "Vitals",
            "heartRate": {"type": "Number", "value": 60 + number},
            "owner": {"type": "Text", "value": owner}}


def audit(server, query="", headers=CLINIC):
    resp = server.request("GET", "/admin/v1/audit" + query, None, headers)
    check(resp.status == 200, f"audit{query}: {resp.status} {resp.body[:300]!r}")
    return resp


def wait_for_records(server, count):
    """Records are appended with the store's next group commit, after the answer."""
    deadline = time.time() + 30
    while True:
        records = audit(server, "?limit=1000").json() or []
        if len(records) >= count or time.time() > deadline:
            return records
        time.sleep(0.1)


def problem(resp, status, what):
    body = resp.json() or {}
    check(resp.status == status, f"{what}: status {resp.status} {resp.body[:200]!r}")
    check(resp.headers.get("content-type", "").startswith("application/problem+json")
          and body.get("status") == status and body.get("detail"), f"{what}: {body}")


def check_key_actors(server, admin):
    """With authentication on, the records name the real actor: the API key and its app
    (reads and writes), and the log is readable by the tenant admin only (403 otherwise)."""
    locked = {"Fiware-Service": "locked"}
    put = server.request("PUT", "/admin/v1/tenants/locked/policies",
                         {"rules": [{"roles": ["family"], "actions": ["read"], "types": ["Vitals"]}]},
                         {**locked, "X-Api-Key": admin})
    check(put.status == 200, f"locked policy: {put.status} {put.body[:200]!r}")
    made = server.request("POST", "/admin/v1/tenants/locked/apikeys",
                          {"roles": ["family"], "app": "family-watch"}, {"X-Api-Key": admin})
    check(made.status == 201, f"family key: {made.status}")
    family = (made.json() or {}).get("key", "")
    check(server.request("POST", "/v2/entities", vitals_v2(7, "resident-7"),
                         {**locked, "X-Api-Key": admin}).status == 201, "admin writes vitals")
    # Vitals is personal (config: level 1): an API key (no resident's consent, level 0) may
    # not read it whatever the policy grants; the refused read is recorded as denied
    # (docs/security.md "Personal data and consent").
    check(server.request("GET", "/v2/entities/urn:ngsi-ld:Vitals:7", None,
                         {**locked, "X-Api-Key": family}).status == 404,
          "family key cannot read personal vitals without consent")
    deadline = time.time() + 30
    while True:
        records = audit(server, "?limit=1000", {**locked, "X-Api-Key": admin}).json() or []
        if len(records) >= 2 or time.time() > deadline:
            break
        time.sleep(0.1)
    actors = [(r["action"], r["actor"]["kind"], r["actor"]["clientId"], r["resident"],
               r["allowed"]) for r in records]
    check(actors == [("write", "apiKey", "console", "resident-7", True),
                     ("read", "apiKey", "family-watch", "resident-7", False)],
          f"records name the key's app: {actors}")
    problem(server.request("GET", "/admin/v1/audit", None, {**locked, "X-Api-Key": family}),
            403, "a reader key reads the audit log")


def main():
    renkei = server_argument()
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "data"
        # The locked tenant's admin key, made before the server runs (renkei apikey).
        made = subprocess.run([renkei, "apikey", "create", "--tenant", "locked", "--role",
                               "tenant-admin", "--app", "console", "--data-dir", str(data)],
                              capture_output=True, text=True, timeout=60, check=False)
        check(made.returncode == 0, f"apikey create: {made.stderr}")
        admin = made.stdout.strip()
        # Verify reads every tenant's records: once a tenant has authentication on, only a
        # platform operator may (docs/security.md "Platform-wide operations").
        made = subprocess.run([renkei, "apikey", "create", "--tenant", "locked", "--role",
                               "platform-operator", "--data-dir", str(data)],
                              capture_output=True, text=True, timeout=60, check=False)
        check(made.returncode == 0, f"apikey create: {made.stderr}")
        operator = {**CLINIC, "X-Api-Key": made.stdout.strip()}
        with Server(renkei, data, free_port(19550, 19599), config=CONFIG) as server:
            # NGSIv2: create two residents' vitals and a shelter (not personal), read, update.
            for number, owner in ((1, "resident-1"), (2, "resident-2")):
                resp = server.request("POST", "/v2/entities", vitals_v2(number, owner),
                                      {**CLINIC, "Fiware-Correlator": f"corr-create-{number}"})
                check(resp.status == 201, f"v2 create {number}: {resp.status} {resp.body!r}")
            shelter = {"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter",
                       "name": {"type": "Text", "value": "Hall"}}
            check(server.request("POST", "/v2/entities", shelter, CLINIC).status == 201,
                  "v2 create shelter")
            check(server.request("GET", "/v2/entities/urn:ngsi-ld:Vitals:1", None,
                                 {**CLINIC, "Fiware-Correlator": "corr-read-1"}).status == 200,
                  "v2 read")
            check(server.request("GET", "/v2/entities/urn:ngsi-ld:Shelter:1", None,
                                 CLINIC).status == 200, "v2 read shelter")
            check(server.request("PATCH", "/v2/entities/urn:ngsi-ld:Vitals:1/attrs",
                                 {"heartRate": {"type": "Number", "value": 72}},
                                 CLINIC).status == 204, "v2 update")
            # NGSI-LD: retrieve, query (both residents), delete resident-2's.
            check(server.request("GET", "/ngsi-ld/v1/entities/urn:ngsi-ld:Vitals:1", None,
                                 LD).status == 200, "ld retrieve")
            resp = server.request("GET", "/ngsi-ld/v1/entities?type=Vitals", None, LD)
            check(resp.status == 200 and len(resp.json() or []) == 2,
                  f"ld query: {resp.status} {resp.body[:300]!r}")
            check(server.request("DELETE", "/ngsi-ld/v1/entities/urn:ngsi-ld:Vitals:2", None,
                                 LD).status == 204, "ld delete")
            # 2 creates, 1 v2 read, 1 v2 update, 1 ld retrieve, 2 ld query, 1 ld delete.
            records = wait_for_records(server, 8)
            check(len(records) == 8, f"8 records, got {len(records)}: {records}")
            summary = [(r["action"], r["entityId"].rsplit(":", 1)[-1], r["resident"])
                       for r in records]
            expected = [("write", "1", "resident-1"), ("write", "2", "resident-2"),
                        ("read", "1", "resident-1"), ("write", "1", "resident-1"),
                        ("read", "1", "resident-1")]
            check(summary[:5] == expected, f"first records: {summary[:5]}")
            check(sorted(summary[5:7]) == [("read", "1", "resident-1"),
                                           ("read", "2", "resident-2")],
                  f"query records: {summary[5:7]}")
            check(summary[7] == ("delete", "2", "resident-2"), f"delete record: {summary[7]}")
            first = records[0]
            check(first["tenant"] == "clinic" and first["entityType"] == "Vitals"
                  and first["allowed"] is True and first["actor"]["kind"] == "none"
                  and first["correlator"] == "corr-create-1" and first["prevHash"] == ""
                  and len(first["hash"]) == 64, f"first record: {first}")
            check(records[2]["correlator"] == "corr-read-1", f"read correlator: {records[2]}")
            check(all(r["seq"] == i + 1 for i, r in enumerate(records)), "seq 1..8")
            check(all(records[i]["prevHash"] == records[i - 1]["hash"]
                      for i in range(1, len(records))), "each record chains to the previous")

            # Filters: resident, time, another tenant; paging; JSON lines.
            mine = audit(server, "?resident=resident-2").json() or []
            check(len(mine) == 3 and all(r["resident"] == "resident-2" for r in mine),
                  f"resident filter: {mine}")
            check(audit(server, "?from=2999-01-01T00:00:00Z").json() == [], "from filter")
            check(len(audit(server, "?to=2999-01-01T00:00:00Z").json() or []) == 8, "to filter")
            check(audit(server, "", {"Fiware-Service": "other"}).json() == [],
                  "another tenant sees none of clinic's records")
            page = audit(server, "?limit=3")
            check(len(page.json() or []) == 3 and page.headers.get("renkei-next-after") == "3",
                  f"first page: {page.headers}")
            rest = audit(server, "?after=3&limit=100").json() or []
            check([r["seq"] for r in rest] == [4, 5, 6, 7, 8], f"second page: {rest}")
            lines = audit(server, "?format=jsonl")
            parsed = [json.loads(line) for line in lines.body.decode().splitlines()]
            check(lines.headers.get("content-type") == "application/x-ndjson"
                  and parsed == records, "JSON lines export equals the JSON records")

            # Bad input and other refusals, as ProblemDetails.
            problem(server.request("GET", "/admin/v1/audit?limit=0", None, CLINIC), 400,
                    "limit=0")
            problem(server.request("GET", "/admin/v1/audit?from=yesterday", None, CLINIC), 400,
                    "bad from")
            problem(server.request("GET", "/admin/v1/audit?bogus=1", None, CLINIC), 400,
                    "unknown parameter")
            resp = server.request("DELETE", "/admin/v1/audit", None, CLINIC)
            problem(resp, 405, "DELETE audit")
            check(resp.headers.get("allow") == "GET", f"Allow: {resp.headers}")
            problem(server.request("GET", "/admin/v1/me/accesses", None, CLINIC), 401,
                    "own accesses without a resident")
            problem(server.request("GET", "/admin/v1/audit", None,
                                   {"Fiware-Service": "locked"}), 401,
                    "tenant with authentication on, no credentials")

            # The chain is intact ... (for a platform operator only: also from a tenant with
            # authentication off)
            unauthenticated = server.request("GET", "/admin/v1/audit/verify", None, CLINIC)
            check(unauthenticated.status == 401, f"verify without credentials: "
                                                 f"{unauthenticated.status}")
            resp = server.request("GET", "/admin/v1/audit/verify", None, operator)
            verdict = resp.json() or {}
            check(resp.status == 200 and verdict.get("intact") is True
                  and verdict.get("records") == 8 and verdict.get("headHash") == records[-1]["hash"],
                  f"verify intact: {verdict}")
            # ... until a record is edited in the database file ...
            db = sqlite3.connect(str(data / "renkei.db"), timeout=30)
            db.execute("UPDATE audit_log SET resident = 'someone-else' WHERE seq = 4")
            db.commit()
            verdict = server.request("GET", "/admin/v1/audit/verify", None, operator).json() or {}
            check(verdict.get("intact") is False and verdict.get("firstBroken", {}).get("seq") == 4,
                  f"verify after an edit: {verdict}")
            # ... or removed (after undoing the edit, which makes it intact again).
            db.execute("UPDATE audit_log SET resident = 'resident-1' WHERE seq = 4")
            db.commit()
            verdict = server.request("GET", "/admin/v1/audit/verify", None, operator).json() or {}
            check(verdict.get("intact") is True, f"verify after undoing the edit: {verdict}")
            db.execute("DELETE FROM audit_log WHERE seq = 6")
            db.commit()
            db.close()
            verdict = server.request("GET", "/admin/v1/audit/verify", None, operator).json() or {}
            check(verdict.get("intact") is False and verdict.get("firstBroken", {}).get("seq") == 7,
                  f"verify after a removal: {verdict}")
            # Appends after the damage still chain to the last record there is.
            check(server.request("GET", "/v2/entities/urn:ngsi-ld:Vitals:1", None,
                                 CLINIC).status == 200, "read after the damage")
            check(len(wait_for_records(server, 8)) == 8, "new record appended")
            check_key_actors(server, admin)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
