#!/usr/bin/env python3
"""TLS on the listener (docs/tls.md), driven through `renkei serve` on 127.0.0.1.

Certificates are made here with the openssl CLI. Checks: HTTPS works on both dialects and
only TLS 1.2+ is offered; plain HTTP gets 403 in each dialect's error format (and changes
nothing) where TLS is required, and is served from loopback with exempt_loopback; SIGHUP
with new files makes new connections present the new certificate while an established
connection keeps working; broken files at SIGHUP keep the old certificate; clients sending
garbage or nothing are closed without hurting the server. Ports 18900-18949."""
import argparse
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import warnings

PORT_REQUIRED = 18900  # TLS required, no loopback exemption (config file)
PORT_EXEMPT = 18901  # TLS required, loopback exempt (flags + config file)
PORT_BAD = 18902  # start-up failures
IDLE_TIMEOUT = 3  # seconds, server.idle_timeout_seconds

failures: list[str] = []


def check(condition: bool, what: str) -> None:
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}", flush=True)


def make_cert(directory: str, name: str) -> tuple[str, str]:
    cert, key = os.path.join(directory, f"{name}.crt"), os.path.join(directory, f"{name}.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", f"/CN={name}", "-addext",
                    "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def der_fingerprint(cert_file: str) -> str:
    with open(cert_file) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    return hashlib.sha256(der).hexdigest()


def unverified_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def presented_fingerprint(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with unverified_context().wrap_socket(raw) as tls:
            return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


def request(conn: http.client.HTTPConnection, method: str, path: str, body=None,
            headers=None) -> tuple[int, dict, bytes]:
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def start(server: str, args: list[str], port: int, log_path: str,
          context: ssl.SSLContext | None) -> subprocess.Popen:
    log = open(log_path, "ab")
    proc = subprocess.Popen([server, "serve", "--listen", f"127.0.0.1:{port}", *args],
                            stderr=log, stdout=log)
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see {log_path}")
        try:
            conn = (http.client.HTTPSConnection("127.0.0.1", port, timeout=2, context=context)
                    if context else http.client.HTTPConnection("127.0.0.1", port, timeout=2))
            if request(conn, "GET", "/version")[0] == 200:
                conn.close()
                return proc
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        check(proc.wait(timeout=20) == 0, "server stops cleanly on SIGTERM")
    except subprocess.TimeoutExpired:
        proc.kill()
        check(False, "server stops within 20 s of SIGTERM")


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """True when the server closes (EOF or reset) within `within` seconds, reading whatever
    it sends before that."""
    sock.settimeout(within)
    deadline = time.time() + within
    try:
        while time.time() < deadline:
            if not sock.recv(4096):
                return True
    except ConnectionResetError:
        return True
    except (socket.timeout, TimeoutError):
        return False
    return False


def write_config(path: str, cert: str, key: str, exempt: bool) -> None:
    with open(path, "w") as f:
        f.write(f"[server]\nidle_timeout_seconds = {IDLE_TIMEOUT}\n"
                f"[tls]\ncert_file = \"{cert}\"\nkey_file = \"{key}\"\n"
                f"exempt_loopback = {'true' if exempt else 'false'}\n")


def https_both_dialects(port: int, context: ssl.SSLContext) -> None:
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=context)
    status, _, _ = request(conn, "POST", "/v2/entities",
                           json.dumps({"id": "Room1", "type": "Room",
                                       "temperature": {"type": "Number", "value": 21}}),
                           {"Content-Type": "application/json"})
    check(status == 201, f"NGSIv2 create over HTTPS: 201 (got {status})")
    status, _, body = request(conn, "GET", "/v2/entities/Room1?options=keyValues")
    check(status == 200 and json.loads(body).get("temperature") == 21,
          f"NGSIv2 read over HTTPS on the same keep-alive connection (got {status} {body!r})")
    entity = {"id": "urn:ngsi-ld:Room:2", "type": "Room",
              "temperature": {"type": "Property", "value": 22}}
    status, _, _ = request(conn, "POST", "/ngsi-ld/v1/entities", json.dumps(entity),
                           {"Content-Type": "application/json"})
    check(status == 201, f"NGSI-LD create over HTTPS: 201 (got {status})")
    status, _, body = request(conn, "GET", "/ngsi-ld/v1/entities/urn:ngsi-ld:Room:2")
    check(status == 200 and json.loads(body).get("temperature", {}).get("value") == 22,
          f"NGSI-LD read over HTTPS (got {status} {body!r})")
    conn.close()


def old_tls_versions_refused(port: int) -> None:
    # The client allows TLS 1.0/1.1 (security level 0), so only the server can refuse them.
    for version in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
        context = unverified_context()
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = version
            context.maximum_version = version
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                with context.wrap_socket(raw):
                    check(False, f"{version.name} handshake is refused")
        except (ssl.SSLError, ConnectionResetError):
            pass
    context = unverified_context()
    context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw) as tls:
            check(tls.version() == "TLSv1.2", "TLS 1.2 is accepted")


def plain_refused(port: int, tls_context: ssl.SSLContext) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    status, headers, body = request(conn, "GET", "/v2/entities/Room1")
    check(status == 403, f"plain NGSIv2 request refused with 403 (got {status})")
    check(headers.get("content-type", "").startswith("application/json"),
          f"NGSIv2 refusal is JSON (got {headers.get('content-type')})")
    error = json.loads(body)
    check(error.get("error") == "Forbidden" and "TLS" in error.get("description", ""),
          f"NGSIv2 refusal is Orion's {{error, description}} (got {body!r})")
    check(set(error) == {"error", "description"}, f"only error and description ({body!r})")
    check(b"Room1" not in body and "location" not in headers, "no data and no redirect")
    check(headers.get("connection", "").lower() == "close", "refusal closes the connection")
    conn.close()
    # The server itself closes after the refusal, even when the client asks for keep-alive.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /version HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
        check(closed_by_server(sock, 5), "server closes the plain connection after refusing")

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    status, headers, body = request(conn, "GET", "/ngsi-ld/v1/entities/urn:ngsi-ld:Room:2")
    check(status == 403, f"plain NGSI-LD request refused with 403 (got {status})")
    problem = json.loads(body)
    check(problem.get("type") == "https://uri.etsi.org/ngsi-ld/errors/InvalidRequest"
          and problem.get("title") == "Forbidden" and "TLS" in problem.get("detail", ""),
          f"NGSI-LD refusal is ProblemDetails (got {body!r})")
    check("temperature" not in body.decode(), "no NGSI-LD data in the refusal")
    conn.close()

    # The admin endpoints and /metrics refuse it too, as ProblemDetails.
    for path in ("/admin/v1/quality", "/admin/v1/opendata/export?dataset=public_toilet",
                 "/metrics"):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        status, headers, body = request(conn, "GET", path, None, {"Fiware-Service": "t1"})
        check(status == 403, f"plain GET {path} refused with 403 (got {status})")
        check(headers.get("content-type", "").startswith("application/problem+json")
              and "TLS" in json.loads(body).get("detail", ""),
              f"plain GET {path}: ProblemDetails naming TLS (got {body!r})")
        conn.close()

    # A write over plain HTTP changes nothing.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    status, _, _ = request(conn, "POST", "/v2/entities",
                           json.dumps({"id": "Sneaky", "type": "Room"}),
                           {"Content-Type": "application/json"})
    check(status == 403, f"plain NGSIv2 create refused (got {status})")
    conn.close()
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=tls_context)
    status, _, _ = request(conn, "GET", "/v2/entities/Sneaky")
    check(status == 404, f"the refused create stored nothing (got {status})")
    conn.close()


def garbage_clients(port: int, tls_context: ssl.SSLContext) -> None:
    # A handshake record header followed by nonsense: OpenSSL fails the handshake at once.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"\x16\x03\x01\x00\x20" + os.urandom(32) + b"not a client hello\r\n\r\n")
        check(closed_by_server(sock, 5), "a broken handshake is closed promptly")
    # Binary garbage that is not TLS either: the HTTP parser refuses it.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"\x00\xff\x13garbage\r\n\r\n")
        sock.settimeout(5)
        first = b""
        try:
            first = sock.recv(4096)
        except ConnectionResetError:
            pass
        check(first == b"" or first.startswith(b"HTTP/1.1 400"),
              f"non-TLS garbage gets 400 or a close (got {first[:40]!r})")
        check(first == b"" or closed_by_server(sock, 5), "and the connection closes")
    # Clients that connect and say nothing (or stop mid-handshake) hold no one up, and are
    # closed after the idle timeout.
    silent = socket.create_connection(("127.0.0.1", port), timeout=5)
    stalled = socket.create_connection(("127.0.0.1", port), timeout=5)
    stalled.sendall(b"\x16\x03\x01")
    started = time.time()
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=tls_context)
    status, _, _ = request(conn, "GET", "/version")
    conn.close()
    check(status == 200 and time.time() - started < 2,
          "the server answers others while silent clients wait")
    check(closed_by_server(silent, IDLE_TIMEOUT + 3), "a silent client is closed after the idle timeout")
    check(closed_by_server(stalled, IDLE_TIMEOUT + 3), "a stalled handshake is closed after the idle timeout")
    silent.close()
    stalled.close()


def wait_for_fingerprint(port: int, expected: str, within: float) -> bool:
    deadline = time.time() + within
    while time.time() < deadline:
        if presented_fingerprint(port) == expected:
            return True
        time.sleep(0.1)
    return False


def reload_on_sighup(proc: subprocess.Popen, port: int, cert: str, key: str, first: tuple,
                     second: tuple, log_path: str) -> None:
    fp_first, fp_second = der_fingerprint(first[0]), der_fingerprint(second[0])
    check(presented_fingerprint(port) == fp_first, "the configured certificate is presented")

    # An established connection from before the reload.
    established = http.client.HTTPSConnection("127.0.0.1", port, timeout=5,
                                              context=unverified_context())
    check(request(established, "GET", "/version")[0] == 200, "established connection works")

    shutil.copyfile(second[0], cert)
    shutil.copyfile(second[1], key)
    proc.send_signal(signal.SIGHUP)
    check(wait_for_fingerprint(port, fp_second, 5), "after SIGHUP new connections get the new certificate")
    status, _, _ = request(established, "GET", "/version")
    check(status == 200, "the established connection keeps working after the reload")
    old = hashlib.sha256(established.sock.getpeercert(binary_form=True)).hexdigest()
    check(old == fp_first, "the established connection still has the old certificate")
    established.close()

    # Broken files at SIGHUP: the certificate in use stays.
    for label, cert_text, key_source in (
            ("a corrupt certificate", "-----BEGIN CERTIFICATE-----\nbroken\n"
             "-----END CERTIFICATE-----\n", second[1]),
            ("an empty certificate file", "", second[1]),
            ("a key of another certificate", open(first[0]).read(), second[1])):
        with open(cert, "w") as f:
            f.write(cert_text)
        shutil.copyfile(key_source, key)
        errors_before = open(log_path, errors="replace").read().count("tls reload failed")
        proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 5
        while time.time() < deadline and open(log_path, errors="replace").read().count(
                "tls reload failed") == errors_before:
            time.sleep(0.05)
        check(open(log_path, errors="replace").read().count("tls reload failed") > errors_before,
              f"{label} at SIGHUP is logged as an error")
        check(proc.poll() is None, f"{label} at SIGHUP does not stop the server")
        check(presented_fingerprint(port) == fp_second, f"{label} at SIGHUP keeps the old certificate")
    conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=unverified_context())
    check(request(conn, "GET", "/v2/entities/Room1")[0] == 200, "HTTPS still serves data")
    conn.close()


def exempt_loopback(server: str, directory: str, cert: str, key: str) -> None:
    config = os.path.join(directory, "exempt.toml")
    with open(config, "w") as f:
        f.write("[tls]\nexempt_loopback = true\n")
    log_path = os.path.join(directory, "exempt.log")
    proc = start(server, ["--config", config, "--tls-cert", cert, "--tls-key", key,
                          "--data-dir", os.path.join(directory, "data-exempt"),
                          "--log-level", "info"], PORT_EXEMPT, log_path, None)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", PORT_EXEMPT, timeout=5)
        status, _, _ = request(conn, "POST", "/v2/entities",
                               json.dumps({"id": "Dev1", "type": "Room"}),
                               {"Content-Type": "application/json"})
        check(status == 201, f"plain HTTP from loopback is served when exempt (got {status})")
        status, _, _ = request(conn, "GET", "/ngsi-ld/v1/entities/urn:ngsi-ld:Nothing:1")
        check(status == 404, f"plain NGSI-LD from loopback reaches the API (got {status})")
        conn.close()
        context = ssl.create_default_context(cafile=cert)
        conn = http.client.HTTPSConnection("127.0.0.1", PORT_EXEMPT, timeout=5, context=context)
        status, _, _ = request(conn, "GET", "/v2/entities/Dev1")
        check(status == 200, f"HTTPS on the same port sees the same data (got {status})")
        conn.close()
    finally:
        stop(proc)


def startup_errors(server: str, directory: str, cert: str, key: str) -> None:
    base = [server, "serve", "--listen", f"127.0.0.1:{PORT_BAD}", "--data-dir",
            os.path.join(directory, "data-bad")]
    run = subprocess.run(base + ["--tls-cert", cert], capture_output=True, text=True, timeout=30)
    check(run.returncode == 2 and "go together" in run.stderr,
          f"a certificate without a key is a configuration error ({run.returncode} {run.stderr!r})")
    missing = os.path.join(directory, "missing.crt")
    run = subprocess.run(base + ["--tls-cert", missing, "--tls-key", key], capture_output=True,
                         text=True, timeout=30)
    check(run.returncode == 1 and "missing.crt" in run.stderr,
          f"an unreadable certificate stops start-up, naming the file ({run.returncode})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    server = parser.parse_args().server
    with tempfile.TemporaryDirectory(prefix="renkei-tls-") as directory:
        first = make_cert(directory, "first")
        second = make_cert(directory, "second")
        # The server reads these paths; the test rewrites them before each SIGHUP.
        cert, key = os.path.join(directory, "server.crt"), os.path.join(directory, "server.key")
        shutil.copyfile(first[0], cert)
        shutil.copyfile(first[1], key)
        config = os.path.join(directory, "renkei.toml")
        write_config(config, cert, key, exempt=False)
        log_path = os.path.join(directory, "required.log")
        verifying = ssl.create_default_context(cafile=first[0])
        proc = start(server, ["--config", config, "--data-dir", os.path.join(directory, "data"),
                              "--log-level", "info"], PORT_REQUIRED, log_path, verifying)
        try:
            https_both_dialects(PORT_REQUIRED, verifying)
            old_tls_versions_refused(PORT_REQUIRED)
            plain_refused(PORT_REQUIRED, verifying)
            garbage_clients(PORT_REQUIRED, verifying)
            reload_on_sighup(proc, PORT_REQUIRED, cert, key, first, second, log_path)
            check(proc.poll() is None, "the server survived every client")
        finally:
            stop(proc)
        exempt_loopback(server, directory, *first)
        startup_errors(server, directory, *first)
        if failures:
            print(open(log_path, errors="replace").read()[-3000:])
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
