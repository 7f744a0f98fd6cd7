"""Real signing keys for tests, made and used with the openssl CLI (no Python crypto
package: the suites run on a fresh Debian 12): RSA 2048 (RS256), EC P-256 (ES256) and
Ed25519 (EdDSA), their public JWKs, and compact JWS tokens (RFC 7515 §7.1) they sign."""
import base64
import json
import pathlib
import subprocess


def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True,
                          capture_output=True).stdout


def _der_ecdsa_to_jose(der):
    """SEQUENCE { INTEGER r, INTEGER s } -> r || s, 32 bytes each (RFC 7518 §3.4)."""
    assert der[0] == 0x30
    pos = 2 if der[1] < 0x80 else 3
    parts = []
    for _ in range(2):
        assert der[pos] == 0x02
        length = der[pos + 1]
        value = der[pos + 2:pos + 2 + length].lstrip(b"\x00")
        parts.append(value.rjust(32, b"\x00"))
        pos += 2 + length
    return parts[0] + parts[1]


class SigningKey:
    """kind: 'rsa', 'ec' or 'ed25519'; files under `folder`."""

    ALGS = {"rsa": "RS256", "ec": "ES256", "ed25519": "EdDSA"}

    def __init__(self, folder, kind, kid):
        self.kind, self.kid, self.alg = kind, kid, self.ALGS[kind]
        self.pem = pathlib.Path(folder) / f"{kid}.pem"
        gen = {"rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
               "ec": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
               "ed25519": ["-algorithm", "ED25519"]}[kind]
        _openssl("genpkey", *gen, "-out", str(self.pem))
        self.public_pem = _openssl("pkey", "-in", str(self.pem), "-pubout")
        self.public_der = _openssl("pkey", "-in", str(self.pem), "-pubout", "-outform", "DER")

    def jwk(self):
        if self.kind == "rsa":
            modulus = _openssl("rsa", "-in", str(self.pem), "-noout", "-modulus").decode()
            n = bytes.fromhex(modulus.strip().split("=", 1)[1])
            return {"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256",
                    "n": b64url(n), "e": b64url(b"\x01\x00\x01")}
        if self.kind == "ec":
            point = self.public_der[-65:]  # SubjectPublicKeyInfo ends with 04 || x || y
            return {"kty": "EC", "kid": self.kid, "crv": "P-256",
                    "x": b64url(point[1:33]), "y": b64url(point[33:])}
        return {"kty": "OKP", "kid": self.kid, "crv": "Ed25519",
                "x": b64url(self.public_der[-32:])}

    def sign(self, data):
        if self.kind == "ed25519":
            message = self.pem.with_suffix(".msg")
            message.write_bytes(data)
            return _openssl("pkeyutl", "-sign", "-inkey", str(self.pem), "-rawin",
                            "-in", str(message))
        signature = _openssl("dgst", "-sha256", "-sign", str(self.pem), data=data)
        return _der_ecdsa_to_jose(signature) if self.kind == "ec" else signature

    def token(self, claims, header=None, kid=None):
        head = {"alg": self.alg, "typ": "JWT", "kid": kid or self.kid, **(header or {})}
        signing_input = f"{b64url(json.dumps(head))}.{b64url(json.dumps(claims))}"
        return f"{signing_input}.{b64url(self.sign(signing_input.encode()))}"


def jwks(*keys):
    return json.dumps({"keys": [key.jwk() for key in keys]})
