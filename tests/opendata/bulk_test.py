#!/usr/bin/env python3
"""The streaming bulk import (docs/adr/0010-bulk-import.md): the report does not depend on the
chunk size (a real file with rejected rows and warnings, imported with --batch-size 1 and
the default; a dry run opens no store), and entities imported over HTTP in several chunks reach a subscription of the
tenant (created, then one updated row), as any other write does. Ports 19100-19199.
Usage: bulk_test.py RENKEI DATA_DIR MAPPINGS_DIR"""
import http.server
import importlib.util
import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Server, check, finish, free_port, run  # noqa: E402

RENKEI, DATA, MAPPINGS = sys.argv[1:4]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROWS = 2500  # two chunks of the default 2000


def bench_generator():
    """bench/opendata_import.py's generated 公衆トイレ一覧 (new header, 39 columns)."""
    spec = importlib.util.spec_from_file_location(
        "opendata_import", os.path.join(ROOT, "bench", "opendata_import.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report_by_chunk_size(tmp):
    path = os.path.join(DATA, "wakayamazeniki.csv")
    mapping = os.path.join(MAPPINGS, "wakayama-evacuation.toml")
    outputs = []
    for size in ("1", "2000"):
        data_dir = os.path.join(tmp, "chunks" + size)
        code, out, err = run(RENKEI, "import", "opendata", "--data-dir", data_dir, "--mapping",
                             mapping, "--batch-size", size, path)
        # Exit status 1: the file has rejected rows (its known duplicates).
        check(code == 1, f"import --batch-size {size}: {code} {err[-300:]}")
        outputs.append(out.decode())
    check(outputs[0] == outputs[1], "the report depends on the chunk size:\n" +
          outputs[0][-400:] + "\n---\n" + outputs[1][-400:])
    check(outputs[0].count(": rejected: same id") == 3 and "imported 3298 (created 3298" in outputs[0],
          f"the file's known defects are reported: {outputs[0][-300:]}")
    code, out, _ = run(RENKEI, "import", "opendata", "--data-dir", os.path.join(tmp, "dry"),
                       "--dry-run", "--mapping", mapping, path)
    check(code == 1 and b"would import 3298 (dry run), rejected 3" in out, f"dry run: {out[-200:]}")
    check(not os.path.exists(os.path.join(tmp, "dry")), "a dry run opened the store")


class Receiver(http.server.BaseHTTPRequestHandler):
    notified = {}  # entity id -> its last notified `capacity`-less body
    lock = threading.Lock()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with Receiver.lock:
            for entity in body.get("data", []):
                Receiver.notified.setdefault(entity["id"], []).append(entity)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def wait_for(condition, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with Receiver.lock:
            if condition():
                return True
        time.sleep(0.2)
    return False


def notifications(tmp):
    gen = bench_generator()
    import csv
    import io
    import random

    rnd = random.Random(6)
    rows = [gen.row(i, rnd) for i in range(ROWS)]

    def csv_bytes():
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(gen.HEADER)
        writer.writerows(rows)
        return out.getvalue().encode()

    receiver_port = free_port(19150, 19199)
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", receiver_port), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    port = free_port(19100, 19149)
    try:
        with Server(RENKEI, os.path.join(tmp, "serve"), port) as server:
            tenant = {"Fiware-Service": "131083", "Content-Type": "application/json"}
            sub = {"subject": {"entities": [{"idPattern": ".*", "type": "PublicToilet"}]},
                   "notification": {"http": {"url": f"http://127.0.0.1:{receiver_port}/n"},
                                    "attrs": ["name"]}}
            status, _, data = server.request("POST", "/v2/subscriptions", json.dumps(sub), tenant)
            check(status == 201, f"subscription: {status} {data[:200]}")
            status, _, data = server.request(
                "POST", "/admin/v1/opendata/import", csv_bytes(),
                {"Fiware-Service": "131083", "Content-Type": "text/csv"})
            report = json.loads(data) if status == 200 else {}
            check(report.get("created") == ROWS, f"import: {status} {data[:300]}")
            check(wait_for(lambda: len(Receiver.notified) == ROWS, 120),
                  f"{len(Receiver.notified)} of {ROWS} imported entities notified")
            # One changed row in the second chunk: updated, and notified with its new name.
            rows[2100][3] = "改名した公衆便所"
            status, _, data = server.request(
                "POST", "/admin/v1/opendata/import", csv_bytes(),
                {"Fiware-Service": "131083", "Content-Type": "text/csv"})
            report = json.loads(data) if status == 200 else {}
            check(report.get("updated") == 1 and report.get("unchanged") == ROWS - 1,
                  f"re-import: {status} {data[:300]}")
            changed = "urn:ngsi-ld:PublicToilet:131083C002101"
            check(wait_for(lambda: len(Receiver.notified.get(changed, [])) == 2 and
                           Receiver.notified[changed][-1]["name"]["value"] == "改名した公衆便所", 60),
                  f"the updated entity is notified: {Receiver.notified.get(changed)}")
            others = sum(len(v) for k, v in Receiver.notified.items() if k != changed)
            check(others == ROWS - 1, f"unchanged entities are not notified again ({others})")
    finally:
        receiver.shutdown()


def main():
    with tempfile.TemporaryDirectory(prefix="renkei-bulk-") as tmp:
        report_by_chunk_size(tmp)
        notifications(tmp)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
