#!/usr/bin/env python3
"""Source lines in quality reports (docs/data-quality.md, docs/adr/0017-import-provenance.md):
failures of stored records cite the file and CSV line their record was imported from, through
`renkei quality --data-dir` and GET /admin/v1/quality; a re-import moves the source, a delete
removes it, NGSI clients never see it. Then the file check over HTTP,
POST /admin/v1/opendata/quality: the report of `renkei quality --file`, writing nothing, and
its errors. On the real files of shared/data/opendata; every expected line is computed here
from the CSV itself. Ports 20000-20029.
Usage: source_lines_test.py RENKEI DATA_DIR MAPPINGS_DIR"""
import csv
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
from renkei_testlib import Server, check, finish, free_port  # noqa: E402

RENKEI, DATA, MAPPINGS = sys.argv[1:4]
EVAC_MAP = os.path.join(MAPPINGS, "wakayama-evacuation.toml")
WAKAYAMA = os.path.join(DATA, "wakayamazeniki.csv")
SUSAMI = os.path.join(DATA, "susamicho.csv")
SUSAMI_CODE = "304069"
KUSHIMOTO_CODE = "304280"  # 串本町
PREFIX = "/admin/v1/opendata/"
# The columns the mapping hashes into the id (mappings/opendata/wakayama-evacuation.toml).
ID_COLUMNS = ["管轄市町村名", "避難先名称", "所在地", "避難種別",
              "経度：東経（世界測地系10進法）", "緯度：北緯（世界測地系10進法）"]
LOT_0_0 = re.compile(r"(?<![0-9])0-0(?![0-9])")


def run(*args):
    proc = subprocess.run([RENKEI, *args], capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def csv_records(path):
    """(line where the record starts, header, record as dict) of every data record."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        out, end = [], reader.line_num
        for row in reader:
            out.append((end + 1, dict(zip(header, row))))
            end = reader.line_num
    return out


def lot_0_0_lines(path, town):
    return sorted(line for line, r in csv_records(path)
                  if r["管轄市町村名"] == town and LOT_0_0.search(r["所在地"]))


def report_sources(report):
    """(file, line) of each failure of the evacuation_space report, sorted; None when absent."""
    found = [d for d in report.get("datasets", []) if d["dataset"] == "evacuation_space"]
    if not found:
        return None
    return sorted((f.get("file"), f.get("line")) for f in found[0]["failures"])


def cli_report(data_dir, tenant, *args):
    rc, out, err = run("quality", "--data-dir", data_dir, "--tenant", tenant, "--json",
                       "--dataset", "evacuation_space", "--limit", "1000", *args)
    check(rc == 0, f"quality {tenant} {args}: {rc} {err}")
    return json.loads(out) if rc == 0 else {}


def http_report(server, tenant, *query):
    path = "/admin/v1/quality?dataset=evacuation_space&limit=1000" + "".join("&" + q for q in query)
    resp = server.fetch("GET", path, headers={"Fiware-Service": tenant})
    check(resp.status == 200, f"GET {path}: {resp.status} {resp.body[:300]}")
    return resp.json() if resp.status == 200 else {}


def check_stored_sources(data_dir):
    """The CLI import records file and line; `renkei quality --data-dir` cites them."""
    rc, out, err = run("import", "opendata", "--data-dir", data_dir, "--mapping", EVAC_MAP, WAKAYAMA)
    check(rc in (0, 1), f"import wakayamazeniki.csv: {rc} {err}")
    want = [("wakayamazeniki.csv", line) for line in lot_0_0_lines(WAKAYAMA, "すさみ町")]
    report = cli_report(data_dir, SUSAMI_CODE, "--check", "address_lot_number")
    check(want and report_sources(report) == want,
          f"CLI 0-0 sources {report_sources(report) and report_sources(report)[:3]} want {want[:3]}")
    # Every すさみ町 record lacks nameKana: the failures cite exactly the town's lines.
    town_lines = sorted(line for line, r in csv_records(WAKAYAMA) if r["管轄市町村名"] == "すさみ町")
    kana = cli_report(data_dir, SUSAMI_CODE, "--check", "required")
    got = sorted(f["line"] for d in kana["datasets"] for f in d["failures"]
                 if f["attribute"] == "nameKana")
    check(got == town_lines, f"nameKana lines {got[:3]} want {town_lines[:3]} ({len(town_lines)})")
    # The table names them as the import's messages do: file:line.
    rc, out, err = run("quality", "--data-dir", data_dir, "--tenant", SUSAMI_CODE, "--check",
                       "address_lot_number", "--limit", "1000")
    listed = sorted(int(n) for n in re.findall(r"^  wakayamazeniki\.csv:(\d+)  urn:", out, re.M))
    check(rc == 0 and listed == [line for _, line in want], f"table sources {rc} {listed[:3]} {err}")
    failures = report["datasets"][0]["failures"] if report.get("datasets") else []
    check(failures and all(re.fullmatch(r"\d{4}-\d\d-\d\dT[0-9:.]+Z", f.get("importedAt", ""))
                           for f in failures), f"importedAt {failures[:1]}")
    return report


def check_http_sources(server, cli):
    """GET /admin/v1/quality cites the same sources; HTTP re-imports move them; a delete
    drops them; NGSIv2 and NGSI-LD show nothing of them."""
    t = {"Fiware-Service": SUSAMI_CODE}
    first = http_report(server, SUSAMI_CODE, "check=address_lot_number")
    for r in (first, cli):
        r.pop("generatedAt", None)
    check(first == cli, "HTTP and CLI reports of stored records differ")

    # susamicho.csv holds the same sites (same ids) as the prefecture's list: importing it
    # moves every source to its own lines, the file named by `file=`.
    with open(SUSAMI, "rb") as f:
        susami = f.read()
    resp = server.fetch("POST", PREFIX + "import?mapping=wakayama-evacuation&file=susamicho.csv",
                        susami, {**t, "Content-Type": "text/csv"})
    check(resp.status == 200, f"import susamicho.csv {resp.status} {resp.body[:300]}")
    moved = http_report(server, SUSAMI_CODE, "check=address_lot_number")
    want = [("susamicho.csv", line) for line in lot_0_0_lines(SUSAMI, "すさみ町")]
    check(report_sources(moved) == want and moved["datasets"][0]["records"] == 135,
          f"after susamicho.csv {report_sources(moved)[:3]} want {want[:3]}")

    # The same rows in reverse order: nothing changes but the lines, and the sources follow.
    lines = susami.split(b"\r\n")
    header, rows = lines[0], [x for x in lines[1:] if x]
    reversed_body = b"\r\n".join([header, *reversed(rows)]) + b"\r\n"
    resp = server.fetch("POST", PREFIX + "import?mapping=wakayama-evacuation&file=reversed.csv",
                        reversed_body, {**t, "Content-Type": "text/csv"})
    summary = resp.json() if resp.status == 200 else {}
    check(resp.status == 200 and summary.get("unchanged") == 135,
          f"reversed import {resp.status} {str(summary)[:300]}")
    path = os.path.join(tempfile.gettempdir(), f"renkei-reversed-{os.getpid()}.csv")
    with open(path, "wb") as f:
        f.write(reversed_body)
    try:
        want = [("reversed.csv", line) for line in lot_0_0_lines(path, "すさみ町")]
    finally:
        os.unlink(path)
    after = http_report(server, SUSAMI_CODE, "check=address_lot_number")
    check(report_sources(after) == want, f"reversed sources {report_sources(after)[:3]} want {want[:3]}")

    # Imported entities read through NGSIv2 and NGSI-LD carry nothing of their source.
    entity_id = after["datasets"][0]["failures"][0]["entityId"]
    quoted = urllib.parse.quote(entity_id, safe="")
    v2 = server.fetch("GET", f"/v2/entities/{quoted}", headers=t)
    ld = server.fetch("GET", f"/ngsi-ld/v1/entities/{quoted}", headers={"NGSILD-Tenant": SUSAMI_CODE})
    for name, resp in (("v2", v2), ("ld", ld)):
        check(resp.status == 200 and b"reversed.csv" not in resp.body and
              b'"line"' not in resp.body and b"importedAt" not in resp.body,
              f"{name} shows the source: {resp.status} {resp.body[:300]}")

    # Deleted and created again over NGSIv2: a new entity, no source; the others keep theirs.
    stored = v2.json()
    check(server.fetch("DELETE", f"/v2/entities/{quoted}", headers=t).status == 204, "delete")
    for attr in stored.values():
        if isinstance(attr, dict):
            attr.pop("metadata", None)
    resp = server.fetch("POST", "/v2/entities", stored, t)
    check(resp.status == 201, f"re-create {resp.status} {resp.body[:200]}")
    again = http_report(server, SUSAMI_CODE, "check=address_lot_number")
    failures = again["datasets"][0]["failures"] if again.get("datasets") else []
    mine = [f for f in failures if f["entityId"] == entity_id]
    others = [f for f in failures if f["entityId"] != entity_id]
    check(len(mine) == 1 and "line" not in mine[0] and "file" not in mine[0] and
          "importedAt" not in mine[0], f"re-created entity {mine}")
    check(len(others) == len(failures) - 1 and all(f.get("file") == "reversed.csv" for f in others),
          f"other sources kept {others[:2]}")


def check_file_endpoint(server):
    """POST /admin/v1/opendata/quality answers `renkei quality --file --json` and writes nothing."""
    with open(SUSAMI, "rb") as f:
        susami = f.read()
    query = "mapping=wakayama-evacuation&check=address_lot_number&limit=1000"
    resp = server.fetch("POST", PREFIX + "quality?" + query, susami,
                        {"Fiware-Service": SUSAMI_CODE, "Content-Type": "text/csv; charset=utf-8"})
    check(resp.status == 200 and resp.headers.get("content-type") == "application/json",
          f"file check {resp.status} {resp.body[:300]}")
    http_body = resp.json() if resp.status == 200 else {}
    rc, out, err = run("quality", "--tenant", SUSAMI_CODE, "--file", SUSAMI, "--mapping", EVAC_MAP,
                       "--json", "--check", "address_lot_number", "--limit", "1000")
    cli = json.loads(out) if rc == 0 else {}
    # The file has no 最終更新日: its records count as updated when it is checked.
    for r in (cli, http_body):
        for d in r.get("datasets", []):
            check(d.pop("oldestUpdate", None) == d.pop("newestUpdate", None) == r["generatedAt"],
                  f"records of a file are updated when checked {r['generatedAt']}")
        r.pop("generatedAt", None)
        r.get("file", {}).pop("path", None)
    check(rc == 0 and http_body == cli, f"HTTP file check = CLI --file ({rc} {err})")
    want = [(None, line) for line in lot_0_0_lines(SUSAMI, "すさみ町")]
    check(report_sources(http_body) == want, f"file check lines {report_sources(http_body)[:3]}")
    # Every data row is one field short of the header: a warning per line, from line 2.
    records = csv_records(SUSAMI)
    warnings = http_body.get("file", {}).get("warnings", [])
    check([w["line"] for w in warnings] == [line for line, _ in records],
          f"warnings {[w['line'] for w in warnings][:3]}")

    # 串本町 in the prefecture's list: rows repeating an earlier site (same id columns) are
    # rejected, by line; nothing is written (the tenant still has no records).
    seen, repeated = set(), []
    for line, r in csv_records(WAKAYAMA):
        if r["管轄市町村名"] != "串本町":
            continue
        key = tuple(r[c] for c in ID_COLUMNS)
        if key in seen:
            repeated.append(line)
        seen.add(key)
    with open(WAKAYAMA, "rb") as f:
        wakayama = f.read()
    # The CLI import put 串本町's sites in its tenant: their report, sources and import times
    # included, must be the same after the check.
    before = http_report(server, KUSHIMOTO_CODE)
    t = {"Fiware-Service": KUSHIMOTO_CODE, "Content-Type": "text/csv"}
    resp = server.fetch("POST", PREFIX + "quality?mapping=wakayama-evacuation", wakayama, t)
    body = resp.json() if resp.status == 200 else {}
    rejected = [x["line"] for x in body.get("file", {}).get("rejected", [])]
    check(resp.status == 200 and repeated and rejected == repeated and
          all("same id" in x["reason"] for x in body["file"]["rejected"]),
          f"串本町 rejected {rejected} want {repeated}")
    failures = body["datasets"][0]["failures"] if body.get("datasets") else []
    check(failures and all(isinstance(f.get("line"), int) and "file" not in f for f in failures),
          f"串本町 failures have lines {failures[:1]}")
    after = http_report(server, KUSHIMOTO_CODE)
    for r in (before, after):
        r.pop("generatedAt", None)
    check(before.get("datasets") and after == before and
          {f.get("file") for f in after["datasets"][0]["failures"]} == {"wakayamazeniki.csv"},
          "the file check changed the stored records or their sources")


def problem(resp, status, title, what):
    body = resp.json() if resp.body else {}
    ok = (resp.status == status and resp.headers.get("content-type") == "application/problem+json"
          and body.get("status") == status and body.get("title") == title and body.get("detail"))
    check(ok, f"{what}: {resp.status} {resp.body[:300]}")


def check_file_endpoint_errors(server, small_server):
    path = PREFIX + "quality"
    t = {"Fiware-Service": SUSAMI_CODE, "Content-Type": "text/csv"}
    with open(SUSAMI, "rb") as f:
        susami = f.read()
    resp = server.fetch("GET", path, headers=t)
    problem(resp, 405, "MethodNotAllowed", "GET")
    check(resp.headers.get("allow") == "POST", f"Allow {resp.headers}")
    problem(server.fetch("POST", path, susami, {**t, "Content-Type": "application/json"}),
            415, "UnsupportedMediaType", "JSON body")
    problem(server.fetch("POST", path, susami, {**t, "Content-Type": "application/x-www-form-urlencoded"}),
            415, "UnsupportedMediaType", "form body")
    problem(server.fetch("POST", path, b"", t), 400, "EmptyBody", "empty body")
    problem(server.fetch("POST", path, susami, {"Content-Type": "text/csv"}), 400, "InvalidTenant",
            "no tenant")
    problem(server.fetch("POST", path, susami, {**t, "Fiware-Service": "304060"}), 400,
            "InvalidTenant", "bad check digit")
    problem(server.fetch("POST", path + "?dry_run=true", susami, t), 400, "UnknownParameter",
            "unknown parameter")
    problem(server.fetch("POST", path + "?limit=0", susami, t), 400, "BadRequestData", "limit 0")
    problem(server.fetch("POST", path + "?check=spelling", susami, t), 400, "BadRequestData",
            "unknown check")
    problem(server.fetch("POST", path + "?mapping=nothing-here", susami, t), 400, "UnknownMapping",
            "unknown mapping")
    problem(server.fetch("POST", path + "?mapping=../x", susami, t), 400, "InvalidParameter",
            "mapping path")
    problem(server.fetch("POST", path + "?dataset=parks", susami, t), 400, "UnknownDataset",
            "unknown dataset")
    resp = server.fetch("POST", path, b'{"id": "x"}', t)
    check(resp.status == 400 and resp.headers.get("content-type") == "application/problem+json",
          f"not a dataset: {resp.status} {resp.body[:200]}")
    # The import's body limit holds here too (the server stops reading and closes).
    resp = small_server.fetch("POST", path + "?mapping=wakayama-evacuation", susami, t)
    problem(resp, 413, "PayloadTooLarge", "over the limit")
    check("renkei quality --file" in resp.json().get("detail", ""), f"413 detail {resp.body[:200]}")
    # An invalid `file=` of an import.
    problem(server.fetch("POST", PREFIX + "import?mapping=wakayama-evacuation&file=a/b.csv",
                         susami, t), 400, "InvalidParameter", "import file with a folder")


def main():
    with tempfile.TemporaryDirectory(prefix="renkei-source-lines-") as tmp:
        data_dir = os.path.join(tmp, "data")
        cli = check_stored_sources(data_dir)
        env = dict(os.environ, RENKEI_OPENDATA_MAPPINGS_DIR=MAPPINGS)
        with Server(RENKEI, data_dir, free_port(20000, 20029), env=env,
                    request_timeout=300) as server:
            check_http_sources(server, cli)
            check_file_endpoint(server)
            small_env = dict(env, RENKEI_OPENDATA_MAX_IMPORT_BYTES="10000")
            with Server(RENKEI, os.path.join(tmp, "small"), free_port(20000, 20029),
                        env=small_env) as small_server:
                check_file_endpoint_errors(server, small_server)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
