#!/usr/bin/env python3
"""GET by id with a valid OpenID Connect token against the same GET without authentication
(issue 5 "Done when": within 15%; docs/adr/0007). One release `renkei serve --threads 2`
with two tenants holding the same 1000 entities: `open` (authentication off) and `secured`
(authentication on, RS256 / ES256 / EdDSA keys from a JWKS file made by the openssl CLI).
A control case sends the open tenant a header of a token's size that nothing reads: the
cost of the longer request alone. Each case runs `wrk -t1 -c32` on one entity for
--duration seconds, alternating cases over --rounds (each round starting at another case),
and reports requests/s and the server's CPU µs per request (utime+stime from
/proc/PID/stat), the figure that stays comparable on a busy machine: over all rounds, and as
the median over rounds of each round's cost against that round's "no auth" (the machine's
load drifts between rounds; neighbouring cases see nearly the same).

    bench/auth_bench.py --server build/release/src/app/renkei [--duration 8] [--rounds 2]
        [--ports 19380-19399] [--scoped]

--scoped adds two EdDSA cases whose policy rules are narrowed (docs/adr/0016): one to a
ServicePath prefix, one to an attribute list (the entities then live at /bench in both
tenants); it needs a server that knows these rule members.
"""
import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lib"))
sys.path.insert(0, str(ROOT / "tests" / "auth"))
from jose_keys import SigningKey, jwks  # noqa: E402
from renkei_testlib import Server, free_port  # noqa: E402

ISSUER = "https://idp.bench.example"
ENTITY_ID = "urn:ngsi-ld:Shelter:500"


def cpu_ticks(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def run_wrk(port, headers, duration):
    args = ["wrk", "-t1", "-c32", f"-d{duration}s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(args + [f"http://127.0.0.1:{port}/v2/entities/{ENTITY_ID}"],
                         capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return requests, int(non_2xx.group(1)) if non_2xx else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--ports", default="19380-19399")
    parser.add_argument("--scoped", action="store_true")
    args = parser.parse_args()
    first_port, last_port = (int(p) for p in args.ports.split("-"))
    with tempfile.TemporaryDirectory() as tmp:
        keys = [SigningKey(tmp, "rsa", "rsa"), SigningKey(tmp, "ec", "ec"),
                SigningKey(tmp, "ed25519", "ed")]
        pathlib.Path(tmp, "jwks.json").write_text(jwks(*keys))
        config = f"""
[auth.tenants.secured]
enabled = true
[[auth.tenants.secured.issuers]]
issuer = "{ISSUER}"
audience = "renkei"
jwks_file = "{tmp}/jwks.json"
"""
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": "bench", "aud": "renkei", "iat": now,
                  "exp": now + 3600, "roles": ["reader"]}
        tokens = {f"{key.alg} token": key.token(claims) for key in keys}
        if args.scoped:
            for role in ("path-reader", "attr-reader"):
                tokens[f"EdDSA {role}"] = keys[2].token({**claims, "roles": [role]})
        # The tenant's admin seeds the entities and lets the reader role read them: with
        # authentication on, authorization is default deny (docs/security.md), so every
        # measured request also evaluates the tenant's policy.
        admin = keys[0].token({**claims, "sub": "bench-admin", "roles": ["tenant-admin"]})
        entities = [{"id": f"urn:ngsi-ld:Shelter:{i}", "type": "Shelter",
                     "name": {"type": "Text", "value": f"Hall {i}"}} for i in range(1000)]
        port = free_port(first_port, last_port)
        with Server(args.server, pathlib.Path(tmp) / "data", port, config=config,
                    extra_args=["--threads", "2"]) as server:
            auth = {"Authorization": f"Bearer {admin}"}
            policy = {"rules": [{"roles": ["reader"], "actions": ["read"], "types": ["Shelter"]}]}
            path = {}
            if args.scoped:
                path = {"Fiware-ServicePath": "/bench"}
                policy["rules"] += [
                    {"roles": ["path-reader"], "actions": ["read"], "types": ["Shelter"],
                     "servicePaths": ["/bench"]},
                    {"roles": ["attr-reader"], "actions": ["read"], "types": ["Shelter"],
                     "attributes": ["name"]}]
            resp = server.request("PUT", "/admin/v1/tenants/secured/policies", policy, auth)
            assert resp.status == 200, (resp.status, resp.body)
            for tenant, extra in (("open", {}), ("secured", auth)):
                resp = server.request("POST", "/v2/op/update",
                                      {"actionType": "append", "entities": entities},
                                      {"Fiware-Service": tenant, **path, **extra})
                assert resp.status == 204, (tenant, resp.status, resp.body)
            cases = {"no auth": {"Fiware-Service": "open"},
                     # The same request bytes as a token's, in a header nothing reads: what
                     # the longer request costs to receive and parse, apart from any auth.
                     "no auth, token-sized header": {
                         "Fiware-Service": "open", "X-Padding": tokens["RS256 token"]}}
            for name, token in tokens.items():
                cases[name] = {"Fiware-Service": "secured", "Authorization": f"Bearer {token}"}
            results = {name: [0, 0.0, 0] for name in cases}
            # Each round's cost against the same round's "no auth": the machine is shared, and
            # its load drifts more between rounds than between neighbouring cases of a round.
            ratios = {name: [] for name in cases}
            tick = os.sysconf("SC_CLK_TCK")
            names = list(cases)
            for round_index in range(args.rounds):
                round_cost = {}
                # Each round starts at another case, so none always runs first or last.
                shift = round_index % len(names)
                for name in names[shift:] + names[:shift]:
                    headers = cases[name]
                    before = cpu_ticks(server.proc.pid)
                    requests, errors = run_wrk(port, headers, args.duration)
                    cpu = (cpu_ticks(server.proc.pid) - before) / tick
                    results[name][0] += requests
                    results[name][1] += cpu
                    results[name][2] += errors
                    round_cost[name] = cpu / max(requests, 1)
                for name, cost in round_cost.items():
                    ratios[name].append(cost / max(round_cost["no auth"], 1e-12))
        print("| case | req/s | server CPU µs/request | vs no auth: all rounds | median round "
              "| non-2xx |")
        print("|---|---|---|---|---|---|")
        base = results["no auth"][1] / max(results["no auth"][0], 1) * 1e6
        for name, (requests, cpu, errors) in results.items():
            per_request = cpu / max(requests, 1) * 1e6
            rate = requests / (args.duration * args.rounds)
            print(f"| {name} | {rate:.0f} | {per_request:.1f} | {per_request / base - 1:+.0%} "
                  f"| {statistics.median(ratios[name]) - 1:+.0%} | {errors} |")
        print(json.dumps({"command": " ".join(sys.argv)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
