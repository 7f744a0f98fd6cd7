#!/usr/bin/env python3
"""OpenID Connect bearer tokens through HTTP (docs/security.md "OpenID Connect", ADR 0007):
real RSA 2048 / EC P-256 / Ed25519 keys made by the openssl CLI, JWKS from a file and from a
local HTTP server. Valid tokens of each algorithm are accepted in both dialects; every kind
of bad token is refused with 401 in each dialect's format. Ports 19300-19399."""
import argparse
import hmac
import http.server
import json
import pathlib
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from jose_keys import SigningKey, b64url, jwks  # noqa: E402
from renkei_testlib import Server, check, finish, free_port  # noqa: E402

ISSUER_A = "https://idp.town-a.example"
ISSUER_B = "https://idp.town-b.example"
ISSUER_C = "https://idp.town-c.example"
ENTITY = {"id": "urn:ngsi-ld:Shelter:1", "type": "Shelter",
          "name": {"type": "Text", "value": "Hall"}}
V2_PATH = "/v2/entities/urn:ngsi-ld:Shelter:1"
LD_PATH = "/ngsi-ld/v1/entities/urn:ngsi-ld:Shelter:1"


class JwksServer:
    """Serves a mutable JWKS at /jwks and counts the fetches."""

    def __init__(self, port, body):
        self.body, self.fetches = body, 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.fetches += 1
                data = outer.body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def claims(issuer, **extra):
    now = int(time.time())
    return {"iss": issuer, "sub": "resident-42", "aud": ["renkei", "other"], "azp": "app-1",
            "iat": now, "exp": now + 600, "roles": ["reader"], **extra}


def get_both(server, tenant, headers):
    v2 = server.request("GET", V2_PATH, None, {"Fiware-Service": tenant, **headers})
    ld = server.request("GET", LD_PATH, None, {"NGSILD-Tenant": tenant, **headers})
    return v2, ld


def accepted(server, tenant, token, what, header="Authorization"):
    value = f"Bearer {token}" if header == "Authorization" else token
    v2, ld = get_both(server, tenant, {header: value})
    check(v2.status == 200, f"{what}: v2 status {v2.status} {v2.body[:200]}")
    check(ld.status == 200, f"{what}: ld status {ld.status} {ld.body[:200]}")


def refused(server, tenant, token, what, detail_part, header="Authorization"):
    value = f"Bearer {token}" if header == "Authorization" else token
    v2, ld = get_both(server, tenant, {header: value})
    v2_body, ld_body = v2.json() or {}, ld.json() or {}
    check(v2.status == 401 and v2_body.get("error") == "Unauthorized",
          f"{what}: v2 {v2.status} {v2_body}")
    check(detail_part in v2_body.get("description", ""),
          f"{what}: v2 description {v2_body.get('description')!r} lacks {detail_part!r}")
    check(ld.status == 401 and ld_body.get("type") == "urn:renkei:problem:Unauthorized",
          f"{what}: ld {ld.status} {ld_body}")
    check(detail_part in ld_body.get("detail", ""),
          f"{what}: ld detail {ld_body.get('detail')!r} lacks {detail_part!r}")
    for resp in (v2, ld):
        check(resp.headers.get("www-authenticate", "").startswith("Bearer"),
              f"{what}: WWW-Authenticate {resp.headers}")


def config(tmp, jwks_port):
    return f"""
[auth.tenants.town_a]
enabled = true
[[auth.tenants.town_a.issuers]]
issuer = "{ISSUER_A}"
audience = "renkei"
jwks_file = "{tmp}/town_a_jwks.json"
clock_skew_seconds = 30
[auth.tenants.town_a.issuers.acr_levels]
"urn:town-a:acr:mynumber-card" = 3

[auth.tenants.town_b]
enabled = true
[[auth.tenants.town_b.issuers]]
issuer = "{ISSUER_B}"
audience = "renkei"
jwks_file = "{tmp}/town_b_jwks.json"
tenant_claim = "municipality"

[auth.tenants.town_c]
enabled = true
[[auth.tenants.town_c.issuers]]
issuer = "{ISSUER_C}"
audience = "renkei"
jwks_url = "http://127.0.0.1:{jwks_port}/jwks"
jwks_refetch_seconds = 1
"""


READER_POLICY = {"rules": [{"roles": ["reader"], "actions": ["read", "write"], "types": ["*"]}]}


def grant_readers(server, tenant, admin_token, reader_token):
    """Authorization is default deny (docs/security.md): the tenant's admin, by token, lets
    the role "reader" of the tokens below read and write every type. Before that a valid
    token is authenticated but forbidden (403, not 401); a token without the role stays so."""
    headers = {"Fiware-Service": tenant}
    before = server.request("GET", "/v2/entities", None,
                            {**headers, "Authorization": f"Bearer {reader_token}"})
    check(before.status == 403, f"{tenant}: valid token before any policy: {before.status}")
    put = server.request("PUT", f"/admin/v1/tenants/{tenant}/policies", READER_POLICY,
                         {"Authorization": f"Bearer {admin_token}"})
    check(put.status in (200, 204),
          f"{tenant}: PUT policies with a tenant-admin token: {put.status} {put.body[:200]}")


def seed(server, tenant, token):
    headers = {"Authorization": f"Bearer {token}"}
    created = server.request("POST", "/v2/entities", ENTITY, {"Fiware-Service": tenant,
                                                              **headers})
    check(created.status == 201, f"{tenant}: create with a valid token: {created.status}")


def test_tokens(server, keys, tmp):
    rsa, ec, ed, b_key, attacker = keys
    # Each algorithm, each dialect; X-Auth-Token as FIWARE's PEP proxies send it.
    accepted(server, "town_a", rsa.token(claims(ISSUER_A)), "RS256")
    accepted(server, "town_a", ec.token(claims(ISSUER_A)), "ES256")
    accepted(server, "town_a", ed.token(claims(ISSUER_A)), "EdDSA")
    accepted(server, "town_a", rsa.token(claims(ISSUER_A, aud="renkei")), "aud as a string")
    accepted(server, "town_a", ec.token(claims(ISSUER_A)), "X-Auth-Token", header="X-Auth-Token")
    now = int(time.time())
    accepted(server, "town_a", rsa.token(claims(ISSUER_A, exp=now - 10)), "expired within skew")

    good = rsa.token(claims(ISSUER_A, sub="someone-else"))
    head, payload, signature = good.split(".")
    forged = attacker.token(claims(ISSUER_A), kid=rsa.kid)  # right kid, wrong private key
    refused(server, "town_a", forged, "forged signature", "signature does not verify")
    tampered = f"{head}.{b64url(json.dumps(claims(ISSUER_A, roles=['admin'])))}.{signature}"
    refused(server, "town_a", tampered, "tampered payload", "signature does not verify")
    refused(server, "town_a", forged, "forged via X-Auth-Token", "signature does not verify",
            header="X-Auth-Token")
    refused(server, "town_a", rsa.token(claims(ISSUER_A, exp=now - 120)), "expired", "expired")
    refused(server, "town_a", rsa.token(claims(ISSUER_A, nbf=now + 300)), "not yet valid",
            "not yet valid")
    refused(server, "town_a", rsa.token(claims(ISSUER_A, iat=now + 300)), "issued in future",
            "issued in the future")
    no_exp = claims(ISSUER_A)
    del no_exp["exp"]
    refused(server, "town_a", rsa.token(no_exp), "no exp", "'exp'")
    refused(server, "town_a", rsa.token(claims(ISSUER_A, aud="someone")), "wrong audience",
            "audience")
    refused(server, "town_a", rsa.token(claims("https://idp.evil.example")), "wrong issuer",
            "issuer is not trusted")
    # A valid token of town_b's issuer, with town_b's own tenant claim, used against town_a.
    b_token = b_key.token(claims(ISSUER_B, municipality="town_b"))
    accepted(server, "town_b", b_token, "town_b's own token")
    refused(server, "town_a", b_token, "other tenant's issuer", "issuer is not trusted")
    refused(server, "town_b", b_key.token(claims(ISSUER_B, municipality="town_a")),
            "tenant claim of another tenant", "'municipality' is not this tenant")

    unsigned = f"{b64url(json.dumps({'alg': 'none', 'typ': 'JWT'}))}.{payload}."
    refused(server, "town_a", unsigned, "alg none", "alg 'none'")
    # RS/HS confusion: HS256 keyed with the RSA public key (as published) must not pass.
    hs_head = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": rsa.kid}))
    hs_input = f"{hs_head}.{payload}"
    mac = hmac.new(rsa.public_pem, hs_input.encode(), "sha256").digest()
    refused(server, "town_a", f"{hs_input}.{b64url(mac)}", "HS256 with the public key",
            "symmetric")
    refused(server, "town_a", ec.token(claims(ISSUER_A), kid=rsa.kid), "ES256 on an RSA kid",
            "no key of the issuer")
    refused(server, "town_a", rsa.token(claims(ISSUER_A), kid="nope"), "unknown kid (file)",
            "no key of the issuer")
    refused(server, "town_a", rsa.token(claims(ISSUER_A), header={"crit": ["exp"]}), "crit",
            "crit")
    ps_head = b64url(json.dumps({"alg": "PS256", "kid": rsa.kid}))
    refused(server, "town_a", f"{ps_head}.{payload}.{signature}", "PS256", "not supported")
    for garbage, detail in [("abc", "not a signed JWT"), ("a.b.c", "not base64url"),
                            (f"{b64url('[1]')}.{payload}.{signature}", "not a JSON object"),
                            (f"{head}.{payload}.{signature}.x.y", "not a signed JWT"),
                            (f"{head}.{payload}.{signature}=", "signature is not base64url"),
                            ("x" * 20000, "longer than"),
                            (f"{b64url(json.dumps({'typ': 'JWT'}))}.{payload}.{signature}",
                             "no 'alg'")]:
        refused(server, "town_a", garbage, f"garbage {garbage[:20]!r}", detail)
    # A token for a tenant that has authentication off is simply not looked at.
    v2 = server.request("GET", "/v2/entities", None,
                        {"Authorization": f"Bearer {forged}"})
    check(v2.status == 200, f"default tenant ignores tokens: {v2.status}")


def test_jwks_url(server, jwks_server, c1, c2):
    accepted(server, "town_c", c1.token(claims(ISSUER_C)), "key from the JWKS URL")
    check(jwks_server.fetches == 1, f"one JWKS fetch for the first token: {jwks_server.fetches}")
    # A rotated key not yet published: refused, and a burst of unknown kids costs at most
    # one fetch per jwks_refetch_seconds (1 s here).
    rotated = c2.token(claims(ISSUER_C))
    before = jwks_server.fetches
    for _ in range(10):
        refused(server, "town_c", rotated, "unknown kid (URL)", "no key of the issuer")
    check(jwks_server.fetches - before <= 2,
          f"unknown kids refetch at most once a second: {jwks_server.fetches - before} fetches")
    jwks_server.body = jwks(c1, c2)
    time.sleep(1.2)
    accepted(server, "town_c", rotated, "rotated key after it appears in the JWKS")
    accepted(server, "town_c", c1.token(claims(ISSUER_C)), "old key still accepted")


def test_bad_config(renkei, tmp, port):
    """A JWKS file that cannot be read stops the server at start with a clear message."""
    config = pathlib.Path(tmp) / "bad.toml"
    config.write_text(f"""
[auth.tenants.town_a]
enabled = true
[[auth.tenants.town_a.issuers]]
issuer = "{ISSUER_A}"
audience = "renkei"
jwks_file = "{tmp}/missing.json"
""")
    run = subprocess.run([renkei, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir",
                          f"{tmp}/bad-data", "--config", str(config)], capture_output=True,
                         text=True, timeout=60)
    check(run.returncode != 0 and "missing.json" in run.stdout + run.stderr,
          f"unreadable JWKS file: rc {run.returncode} {run.stderr[-300:]}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        keys = [SigningKey(tmp, kind, kid) for kind, kid in
                [("rsa", "rsa-1"), ("ec", "ec-1"), ("ed25519", "ed-1"), ("ec", "b-1"),
                 ("rsa", "attacker")]]
        c1, c2 = SigningKey(tmp, "ed25519", "c-1"), SigningKey(tmp, "rsa", "c-2")
        pathlib.Path(tmp, "town_a_jwks.json").write_text(jwks(*keys[:3]))
        pathlib.Path(tmp, "town_b_jwks.json").write_text(jwks(keys[3]))
        jwks_server = JwksServer(free_port(19300, 19349), jwks(c1))
        try:
            data = pathlib.Path(tmp) / "data"
            port = free_port(19350, 19399)
            with Server(args.server, data, port,
                        config=config(tmp, jwks_server.httpd.server_port)) as server:
                for tenant, key, issuer, extra in (
                        ("town_a", keys[0], ISSUER_A, {}),
                        ("town_b", keys[3], ISSUER_B, {"municipality": "town_b"}),
                        ("town_c", c1, ISSUER_C, {})):
                    grant_readers(server, tenant,
                                  key.token(claims(issuer, roles=["tenant-admin"], **extra)),
                                  key.token(claims(issuer, **extra)))
                no_role = keys[0].token(claims(ISSUER_A, roles=[]))
                denied = server.request("GET", "/v2/entities", None, {
                    "Fiware-Service": "town_a", "Authorization": f"Bearer {no_role}"})
                check(denied.status == 403, f"token without the reader role: {denied.status}")
                seed(server, "town_a", keys[0].token(claims(ISSUER_A)))
                seed(server, "town_b", keys[3].token(claims(ISSUER_B, municipality="town_b")))
                seed(server, "town_c", c1.token(claims(ISSUER_C)))
                jwks_server.fetches = 1  # the seed fetched once
                test_tokens(server, keys, tmp)
                test_jwks_url(server, jwks_server, c1, c2)
                check(server.request("GET", "/version").status == 200, "server still up")
            test_bad_config(args.server, tmp, port)
        finally:
            jwks_server.close()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
