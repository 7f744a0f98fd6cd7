#!/usr/bin/env python3
"""HTTPS notification receivers and their trust (docs/configuration.md [notify]).

A receiver on 127.0.0.1 presents a self-signed certificate made with the openssl CLI. Checks,
each with a fresh renkei: by default (system trust store) the notification fails with the
certificate error in lastFailureReason and nothing arrives; with `ca_file` naming the
certificate it is delivered; with `insecure_tls = true` (Orion's -insecureNotif) it is
delivered without any trust setting. Ports 19950-19979 (--ports). Python standard library.
"""
import argparse
import json
import os
import pathlib
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from delivery_test import Receiver, Renkei, check, free_port, notify_config  # noqa: E402


def make_cert(directory):
    cert, key = os.path.join(directory, "receiver.crt"), os.path.join(directory, "receiver.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def subscription_status(renkei, path, timeout=10.0):
    """The notification member of the subscription once it has a last* outcome."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        _, _, text = renkei.request("GET", path)
        notification = json.loads(text)["notification"]
        if "lastSuccess" in notification or "lastFailure" in notification:
            return notification
        time.sleep(0.1)
    raise AssertionError("no notification outcome for %s" % path)


def run_case(binary, work, name, settings, ports, receiver_port):
    renkei_port = free_port(exclude=(receiver_port,), ports=ports)
    config = notify_config(work, "retry_initial_ms = 100\nretry_max_ms = 200\n"
                                 "retry_max_attempts = 1\n" + settings, name + ".toml")
    renkei = Renkei(binary, renkei_port, os.path.join(work, name), config)
    renkei.start()
    try:
        status, headers, _ = renkei.request("POST", "/v2/subscriptions", {
            "subject": {"entities": [{"id": name, "type": "T"}]},
            "notification": {"http": {"url": "https://127.0.0.1:%d/notify" % receiver_port}}})
        check(status == 201, "%s: subscription create: %s" % (name, status))
        status, _, _ = renkei.request("POST", "/v2/entities", {"id": name, "type": "T",
                                                               "A": {"value": 1}})
        check(status == 201, "%s: entity create: %s" % (name, status))
        return subscription_status(renkei, headers["Location"])
    except Exception:
        renkei.print_log_tail()
        raise
    finally:
        renkei.stop(15)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--ports", default="19950-19979", help="FIRST-LAST loopback ports to use")
    args = ap.parse_args()
    first, _, last = args.ports.partition("-")
    ports = range(int(first), int(last) + 1)
    work = tempfile.mkdtemp(prefix="renkei-https-receiver-")
    cert, key = make_cert(work)
    receiver_port = free_port(ports=ports)
    receiver = Receiver(receiver_port)
    receiver.start()
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    receiver.server.socket = tls.wrap_socket(receiver.server.socket, server_side=True)
    try:
        # 1. Default: verified against the system's store, which does not know this certificate.
        n = run_case(args.server, work, "Default", "", ports, receiver_port)
        check("lastFailure" in n and "lastSuccess" not in n, "default: %s" % n)
        check("certificate verify failed" in n.get("lastFailureReason", ""),
              "default: the reason names the certificate: %s" % n)
        check(receiver.received == [], "default: nothing arrives: %s" % receiver.received)

        # 2. ca_file: this certificate is trusted, the notification arrives.
        n = run_case(args.server, work, "CaFile", 'ca_file = "%s"\n' % cert, ports,
                     receiver_port)
        check(n.get("lastSuccessCode") == 200 and "lastFailure" not in n, "ca_file: %s" % n)
        check(len(receiver.wait_for(1)) == 1, "ca_file: one notification")

        # 3. insecure_tls: no verification at all, the notification arrives.
        n = run_case(args.server, work, "Insecure", "insecure_tls = true\n", ports,
                     receiver_port)
        check(n.get("lastSuccessCode") == 200 and "lastFailure" not in n, "insecure: %s" % n)
        got = receiver.wait_for(2)
        check('"id":"Insecure"' in got[1]["body"], "insecure: the entity: %s" % got[1])
    finally:
        receiver.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("notify https receivers: all checks passed")


if __name__ == "__main__":
    main()
