#!/usr/bin/env python3
"""Rate limits through HTTP (docs/security.md "Rate limits"): over its client's or its
tenant's limit a request gets 429 with Retry-After in its dialect's format (NGSIv2 Orion
error, NGSI-LD and admin ProblemDetails); other clients and tenants are unaffected; tokens
refill; refusals are counted in GET /metrics; a wrong [ratelimit] section stops the start. Clients are told apart by their source address
(127.0.0.x: Linux routes all of 127/8 to loopback). Ports 19500-19599."""
import http.client
import pathlib
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
from renkei_testlib import Response, Server, check, finish, free_port, server_argument  # noqa: E402

# One token per 5 s keeps the tests independent of how slow the machine is: a burst of
# two is spent within milliseconds, the refill takes seconds. The default tenant has no
# limit, so the harness's start-up probes (GET /version) spend nothing.
CONFIG = """
[ratelimit.tenants.town_a]
client_rate = 0.2
client_burst = 2
[ratelimit.tenants.town_b]
tenant_rate = 0.2
tenant_burst = 3
[ratelimit.tenants.town_c]
client_rate = 0.2
client_burst = 2
"""


def request_from(port, source, method, path, headers=None):
    """A request sent from the loopback address `source`: another client to the limiter."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120,
                                      source_address=(source, 0))
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def retry_after(resp, what, most):
    value = resp.headers.get("retry-after", "")
    check(value.isdigit() and 1 <= int(value) <= most,
          f"{what}: Retry-After delay-seconds in 1..{most}, got {value!r}")
    return int(value) if value.isdigit() else most


def limited_v2(resp, what):
    body = resp.json() or {}
    check(resp.status == 429, f"{what}: status {resp.status}")
    check(body.get("error") == "TooManyRequests" and "retry after" in body.get("description", ""),
          f"{what}: Orion error body {body}")
    check(resp.headers.get("content-type", "").startswith("application/json"),
          f"{what}: content type {resp.headers.get('content-type')}")
    return retry_after(resp, what, 5)


def limited_problem(resp, what, content_type):
    body = resp.json() or {}
    check(resp.status == 429, f"{what}: status {resp.status}")
    # The admin ProblemDetails carry "status"; NGSI-LD's (§5.5.2) need not.
    check(body.get("type") == "urn:renkei:problem:TooManyRequests" and body.get("detail")
          and body.get("status", 429) == 429, f"{what}: ProblemDetails {body}")
    check(resp.headers.get("content-type", "").startswith(content_type),
          f"{what}: content type {resp.headers.get('content-type')}")
    return retry_after(resp, what, 5)


def admitted(resp, what):
    check(resp.status != 429, f"{what}: refused ({resp.status} {resp.body[:200]!r})")


def refused_count(server, tenant, scope):
    text = server.request("GET", "/metrics").body.decode()
    match = re.search(r'^renkei_ratelimit_refused_total\{tenant="%s",scope="%s"\} (\d+)' %
                      (tenant, scope), text, re.M)
    return int(match.group(1)) if match else 0


BAD_CONFIGS = [
    ("[ratelimit]\nclient_rate = -1\n", "ratelimit.client_rate"),
    ("[ratelimit]\nclient_rate = 1\nclient_burst = 0.5\n", "ratelimit.client_burst"),
    ("[ratelimit]\nclient_rte = 1\n", "unknown key 'client_rte'"),
    ("[ratelimit]\nmax_client_buckets = 0\n", "ratelimit.max_client_buckets"),
    ("[ratelimit.tenants.town_a]\ntenants = 1\n", "unknown key 'tenants'"),
    ("[ratelimit.tenants.\"bad tenant\"]\nclient_rate = 1\n", "is not a tenant name"),
]


def refuses_bad_configs(renkei, tmp):
    """A wrong [ratelimit] section stops the server at start with a message naming the key."""
    for number, (config, expected) in enumerate(BAD_CONFIGS):
        path = pathlib.Path(tmp) / f"bad{number}.toml"
        path.write_text(config, encoding="utf-8")
        port = free_port(19550, 19599)
        done = subprocess.run([renkei, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir",
                               str(pathlib.Path(tmp) / f"bad{number}"), "--config", str(path)],
                              capture_output=True, text=True, timeout=60)
        check(done.returncode != 0 and expected in done.stderr,
              f"bad config {config!r}: exit {done.returncode}, stderr {done.stderr!r}")


def main():
    renkei = server_argument()
    with tempfile.TemporaryDirectory() as tmp:
        refuses_bad_configs(renkei, tmp)
        data = pathlib.Path(tmp) / "data"
        with Server(renkei, data, free_port(19500, 19549), config=CONFIG) as server:
            port = server.port
            a_v2 = {"Fiware-Service": "town_a"}

            # NGSIv2: a client's burst of two, then 429 in Orion's format.
            admitted(request_from(port, "127.0.0.1", "GET", "/v2/entities", a_v2), "v2 1st")
            admitted(request_from(port, "127.0.0.1", "GET", "/v2/entities", a_v2), "v2 2nd")
            wait = limited_v2(request_from(port, "127.0.0.1", "GET", "/v2/entities", a_v2),
                              "v2 3rd")
            # Another client of the same tenant, and the same client at other tenants, are
            # unaffected.
            admitted(request_from(port, "127.0.0.2", "GET", "/v2/entities", a_v2), "other client")
            admitted(request_from(port, "127.0.0.1", "GET", "/v2/entities",
                                  {"Fiware-Service": "town_c"}), "other tenant")
            for i in range(20):
                admitted(request_from(port, "127.0.0.1", "GET", "/v2/entities"),
                         f"unlimited default tenant {i}")

            # NGSI-LD (the tenant from NGSILD-Tenant): ProblemDetails and Retry-After.
            ld = {"NGSILD-Tenant": "town_a", "Accept": "application/json"}
            path = "/ngsi-ld/v1/entities?type=Shelter"
            admitted(request_from(port, "127.0.0.3", "GET", path, ld), "ld 1st")
            admitted(request_from(port, "127.0.0.3", "GET", path, ld), "ld 2nd")
            limited_problem(request_from(port, "127.0.0.3", "GET", path, ld), "ld 3rd",
                            "application/json")

            # Admin endpoints: application/problem+json.
            for source, admin_path in (("127.0.0.4", "/admin/v1/quality"),
                                       ("127.0.0.5", "/admin/v1/opendata/export?dataset=aed")):
                admitted(request_from(port, source, "GET", admin_path, a_v2), admin_path + " 1st")
                admitted(request_from(port, source, "GET", admin_path, a_v2), admin_path + " 2nd")
                limited_problem(request_from(port, source, "GET", admin_path, a_v2),
                                admin_path + " 3rd", "application/problem+json")

            # A tenant-wide limit: three requests of any clients, then every client waits;
            # other tenants are unaffected.
            b_v2 = {"Fiware-Service": "town_b"}
            for source in ("127.0.0.6", "127.0.0.7", "127.0.0.8"):
                admitted(request_from(port, source, "GET", "/v2/entities", b_v2),
                         f"town_b from {source}")
            limited_v2(request_from(port, "127.0.0.9", "GET", "/v2/entities", b_v2),
                       "town_b tenant limit")
            admitted(request_from(port, "127.0.0.9", "GET", "/v2/entities",
                                  {"Fiware-Service": "town_c"}), "town_c unaffected")

            # Refusals are counted per tenant and scope.
            check(refused_count(server, "town_a", "client") == 4,
                  f"metrics town_a client: {refused_count(server, 'town_a', 'client')}")
            check(refused_count(server, "town_b", "tenant") == 1,
                  f"metrics town_b tenant: {refused_count(server, 'town_b', 'tenant')}")

            # Tokens refill: after Retry-After seconds the first client is admitted again.
            time.sleep(wait)
            admitted(request_from(port, "127.0.0.1", "GET", "/v2/entities", a_v2),
                     f"v2 after waiting {wait} s")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
