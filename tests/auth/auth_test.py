#!/usr/bin/env python3
"""Authentication through HTTP (docs/security.md): a tenant that turns authentication on
refuses callers without valid credentials in every dialect's own error format (401 with
WWW-Authenticate), and a tenant that does not is untouched. Ports 19600-19649."""
import argparse
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
from renkei_testlib import Server, check, finish, free_port  # noqa: E402

CONFIG = """
[auth.tenants.town_a]
enabled = true
[auth.tenants.town_b]
enabled = false
"""

ENTITY = {"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter",
          "name": {"type": "Text", "value": "Hall"}}


def refused_v2(resp, what):
    body = resp.json() or {}
    check(resp.status == 401, f"{what}: status {resp.status}")
    check(body.get("error") == "Unauthorized" and body.get("description"),
          f"{what}: Orion error body {body}")
    check(resp.headers.get("www-authenticate", "").startswith("Bearer"),
          f"{what}: WWW-Authenticate {resp.headers}")


def refused_problem(resp, what):
    body = resp.json() or {}
    check(resp.status == 401, f"{what}: status {resp.status}")
    check(body.get("type") == "urn:renkei:problem:Unauthorized" and body.get("detail"),
          f"{what}: ProblemDetails {body}")
    check(resp.headers.get("www-authenticate", "").startswith("Bearer"),
          f"{what}: WWW-Authenticate {resp.headers}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "data"
        with Server(args.server, data, free_port(19600, 19649), config=CONFIG) as server:
            a = {"Fiware-Service": "town_a"}
            # Every dialect and the admin endpoints refuse a caller without credentials.
            refused_v2(server.request("POST", "/v2/entities", ENTITY, a), "v2 create")
            refused_v2(server.request("GET", "/v2/entities", None, a), "v2 list")
            refused_v2(server.request("GET", "/v2/subscriptions", None, a), "v2 subscriptions")
            refused_problem(server.request("GET", "/ngsi-ld/v1/entities?type=Shelter", None,
                                           {"NGSILD-Tenant": "town_a"}), "ld query")
            refused_problem(server.request("GET", "/admin/v1/quality", None, a), "quality")
            refused_problem(server.request("GET", "/admin/v1/opendata/export?dataset=aed",
                                           None, a), "export")
            # Credentials no verifier accepts are refused, never waved through.
            refused_v2(server.request("GET", "/v2/entities", None,
                                      {**a, "X-Api-Key": "made-up"}), "unknown API key")
            refused_v2(server.request("GET", "/v2/entities", None,
                                      {**a, "Authorization": "Bearer e30.e30.sig"}),
                       "unverifiable token")
            refused_v2(server.request("GET", "/v2/entities", None,
                                      {**a, "Authorization": "Basic dXNlcjpwdw=="}),
                       "Basic scheme")
            # Nothing was written by the refused create: a tenant without auth is untouched
            # and the same id is free there.
            b = {"Fiware-Service": "town_b"}
            check(server.request("POST", "/v2/entities", ENTITY, b).status == 201, "town_b create")
            check(server.request("GET", "/v2/entities/urn:ngsi-ld:Shelter:1", None, b).status
                  == 200, "town_b read")
            check(server.request("GET", "/v2/entities", None, {}).status == 200,
                  "default tenant untouched")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
