#!/usr/bin/env python3
"""The open-data admin endpoints of `renkei serve`: POST /admin/v1/opendata/import (dry run,
real import, re-import, CP932 and UTF-16LE bodies, a mapping file by name, the same report
as the CLI, the body limit, problem details for every bad request) and GET
/admin/v1/opendata/export (CSV as the CLI writes it, BOM, GeoJSON, ServicePath scope, errors).
Usage: http_test.py RENKEI DATA_DIR MAPPINGS_DIR"""
import csv
import io
import json
import os
import re
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Server, check, finish, free_port, read_csv, run, synthetic_csv  # noqa: E402

RENKEI, DATA, MAPPINGS = sys.argv[1:4]
PREFIX = "/admin/v1/opendata/"
IMPORT_LIMIT = 2_000_000


def problem(server, method, path, body=None, headers=None, status=400, title=None):
    """Sends a bad request and checks its RFC 9457 answer."""
    got, head, data = server.request(method, path, body, headers)
    try:
        doc = json.loads(data)
    except ValueError:
        doc = {}
    ok = (got == status and head.get("content-type") == "application/problem+json" and
          doc.get("status") == status and doc.get("type", "").startswith("urn:renkei:problem:") and
          bool(doc.get("title")) and bool(doc.get("detail")) and
          (title is None or doc.get("title") == title))
    check(ok, f"{method} {path}: {got} {data[:200]}")
    return doc


def post_import(server, query, body, tenant, header="Fiware-Service"):
    status, head, data = server.request("POST", PREFIX + "import" + query, body,
                                        {header: tenant, "Content-Type": "text/csv"})
    report = json.loads(data) if status == 200 else {}
    check(status == 200 and head.get("content-type") == "application/json",
          f"import {query}: {status} {data[:300]}")
    return report


def cli_issues(stdout, path, kind):
    """(line, column) of the CLI's `path:line: kind: column 'C': ...` lines."""
    out = []
    for line in stdout.splitlines():
        m = re.match(re.escape(path) + r":(\d+): " + kind + r": (?:column '([^']*)': )?", line)
        if m:
            out.append((int(m.group(1)), m.group(2) or ""))
    return out


def imports(server, tmp):
    koto_path = os.path.join(DATA, "131083_public_toilet.csv")
    koto = open(koto_path, "rb").read()

    report = post_import(server, "?dry_run=true", koto, "131083")
    check(report.get("dryRun") is True and report.get("read") == 191 and
          report.get("imported") == 191 and report.get("created") == 0 and
          report.get("dataset") == "public_toilet" and report.get("entityType") == "PublicToilet",
          f"dry run report {report}")
    status, head, _ = server.request("GET", "/v2/entities?type=PublicToilet&limit=1&options=count",
                                     headers={"Fiware-Service": "131083"})
    check(head.get("fiware-total-count") == "0", f"dry run wrote nothing: {status} {head}")

    report = post_import(server, "", koto, "131083")
    check(report.get("dryRun") is False and report.get("created") == 191 and
          report.get("imported") == 191 and report.get("rejected") == [] and
          report.get("encoding") == "UTF-8", f"import report {report}")
    status, _, body = server.request("GET", "/ngsi-ld/v1/entities/urn:ngsi-ld:PublicToilet:131083C00001",
                                     headers={"NGSILD-Tenant": "131083",
                                              "Accept": "application/json"})
    check(status == 200 and json.loads(body).get("name", {}).get("value") ==
          "江東区立万年橋際公衆便所", f"imported entity over NGSI-LD {status} {body[:200]}")

    # The same file in CP932 and as UTF-16LE with tabs: detected, and nothing changes.
    text = koto.decode("utf-8")
    report = post_import(server, "", text.encode("cp932"), "131083", header="NGSILD-Tenant")
    check(report.get("encoding") == "CP932" and report.get("unchanged") == 191,
          f"CP932 report {report}")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    tsv = io.StringIO(newline="")
    csv.writer(tsv, delimiter="\t", lineterminator="\r\n").writerows(rows)
    report = post_import(server, "", ("\ufeff" + tsv.getvalue()).encode("utf-16-le"), "131083")
    check(report.get("encoding") == "UTF-16LE" and report.get("unchanged") == 191,
          f"UTF-16LE report {report}")

    # A mapping file by name; its rejected rows are the CLI's, by line and column.
    toilets_path = os.path.join(DATA, "toilet-map.csv")
    report = post_import(server, "?mapping=wakayama-toilet-map", open(toilets_path, "rb").read(),
                         "304018")
    rc, out, err = run(RENKEI, "import", "opendata", "--dry-run", "--tenant", "304018",
                       "--mapping", os.path.join(MAPPINGS, "wakayama-toilet-map.toml"), toilets_path)
    out = out.decode()
    check(rc == 1, f"CLI toilet dry run {rc} {err}")
    toilets_created = report.get("created", -1)
    http_rejected = [(r["line"], r.get("column", "")) for r in report.get("rejected", [])]
    http_warnings = [(r["line"], r.get("column", "")) for r in report.get("warnings", [])]
    check(http_rejected == cli_issues(out, toilets_path, "rejected") and len(http_rejected) == 9,
          f"rejected as the CLI: {http_rejected[:3]} vs {cli_issues(out, toilets_path, 'rejected')[:3]}")
    check(http_warnings == cli_issues(out, toilets_path, "warning"),
          f"warnings as the CLI ({len(http_warnings)})")
    summary = [l for l in out.splitlines() if l.startswith(toilets_path + ": read ")][0]
    check(f"would import {report.get('imported')} " in summary and
          f"skipped {report.get('skipped')} " in summary, f"counts as the CLI: {summary} {report}")

    # The body limit of imports (RENKEI_OPENDATA_MAX_IMPORT_BYTES) and the 1 MiB NGSI limit.
    header = read_csv(koto)[0]
    medium = synthetic_csv(header, 3000)
    check(1024 * 1024 < len(medium) < IMPORT_LIMIT, f"medium body {len(medium)}")
    report = post_import(server, "", medium, "304018")
    check(report.get("created") == 3000, f"a body over 1 MiB imports: {report.get('created')}")
    big = synthetic_csv(header, 9000)
    check(len(big) > IMPORT_LIMIT, f"big body {len(big)}")
    problem(server, "POST", PREFIX + "import", big, {"Fiware-Service": "304018"}, 413,
            "PayloadTooLarge")
    wakayama = open(os.path.join(DATA, "wakayamazeniki.csv"), "rb").read()
    report = post_import(server, "?mapping=wakayama-evacuation", wakayama, "304069")
    check(report.get("created") == 135, f"wakayama over HTTP {report.get('created')}")
    status, _, _ = server.request("POST", "/v2/entities", b"{" + b" " * (1024 * 1024 + 10) + b"}",
                                  {"Content-Type": "application/json"})
    check(status == 413, f"NGSIv2 keeps its 1 MiB limit: {status}")

    # Bad requests: problem details, and nothing imported.
    t = {"Fiware-Service": "131083"}
    problem(server, "POST", PREFIX + "import", koto, {}, title="InvalidTenant")
    problem(server, "POST", PREFIX + "import", koto, {"Fiware-Service": "131084"},
            title="InvalidTenant")
    problem(server, "POST", PREFIX + "import?dryrun=true", koto, t, title="UnknownParameter")
    problem(server, "POST", PREFIX + "import?dry_run=yes", koto, t, title="InvalidParameter")
    problem(server, "POST", PREFIX + "import?dataset=parks", koto, t, title="UnknownDataset")
    problem(server, "POST", PREFIX + "import?dataset=aed", koto, t, title="WrongDataset")
    problem(server, "POST", PREFIX + "import?mapping=" + urllib.parse.quote("../x"), koto, t,
            title="InvalidParameter")
    problem(server, "POST", PREFIX + "import?mapping=nope", koto, t, title="UnknownMapping")
    problem(server, "POST", PREFIX + "import", b"", t, title="EmptyBody")
    doc = problem(server, "POST", PREFIX + "import", wakayama, {"Fiware-Service": "304018"},
                  title="UnknownDataset")
    check("matches no standard dataset" in doc.get("detail", ""), f"unrecognised {doc}")
    problem(server, "POST", PREFIX + "import", b"\xff\xfe\x00", t)
    problem(server, "GET", PREFIX + "import", None, t, 405)
    problem(server, "DELETE", PREFIX + "export", None, t, 405)
    problem(server, "GET", PREFIX + "reports", None, t, 404)
    status, head, _ = server.request("GET", "/v2/entities?type=PublicToilet&limit=1&options=count",
                                     headers={"Fiware-Service": "304018"})
    expected = 3000 + toilets_created  # the synthetic file and the mapped toilet list
    check(head.get("fiware-total-count") == str(expected), f"bad requests imported nothing: {head}")


def exports(server):
    t = {"Fiware-Service": "131083"}
    status, head, csv_body = server.request("GET", PREFIX + "export?dataset=public_toilet",
                                            headers=t)
    check(status == 200 and head.get("content-type") == "text/csv; charset=utf-8" and
          "131083_public_toilet.csv" in head.get("content-disposition", ""),
          f"export {status} {head}")
    check(read_csv(csv_body)[0] == read_csv(open(os.path.join(DATA, "131083_public_toilet.csv"),
                                                 "rb").read())[0] and
          len(read_csv(csv_body)) == 192, "export rows")
    _, _, bom = server.request("GET", PREFIX + "export?dataset=public_toilet&bom=true",
                               headers={"NGSILD-Tenant": "131083"})
    check(bom == b"\xef\xbb\xbf" + csv_body, "bom=true")
    status, head, body = server.request(
        "GET", PREFIX + "export?dataset=public_toilet&format=geojson", headers=t)
    geo = json.loads(body) if status == 200 else {}
    check(head.get("content-type") == "application/geo+json" and
          len(geo.get("features", [])) == 191, f"geojson {status} {body[:200]}")
    _, _, scoped = server.request("GET", PREFIX + "export?dataset=public_toilet",
                                  headers={**t, "Fiware-ServicePath": "/elsewhere"})
    check(len(read_csv(scoped)) == 1, "ServicePath scope: header only")
    problem(server, "GET", PREFIX + "export?dataset=public_toilet&format=xml", None, t,
            title="InvalidParameter")
    problem(server, "GET", PREFIX + "export?dataset=parks", None, t, title="UnknownDataset")
    problem(server, "GET", PREFIX + "export?dataset=aed", None,
            {"Fiware-Service": "131083", "NGSILD-Tenant": "304018"}, title="ConflictingTenants")
    problem(server, "GET", PREFIX + "export?dataset=aed", None, {"Fiware-Service": "bad-tenant!"})
    return csv_body


def main():
    with tempfile.TemporaryDirectory(prefix="renkei-od-http-") as tmp:
        data_dir = os.path.join(tmp, "data")
        env = dict(os.environ, RENKEI_OPENDATA_MAPPINGS_DIR=MAPPINGS,
                   RENKEI_OPENDATA_MAX_IMPORT_BYTES=str(IMPORT_LIMIT))
        with Server(RENKEI, data_dir, free_port(18700, 18799), env=env) as server:
            imports(server, tmp)
            csv_body = exports(server)
        # The HTTP export is byte for byte the CLI's.
        rc, out, err = run(RENKEI, "export", "opendata", "--data-dir", data_dir, "--tenant",
                           "131083", "--dataset", "public_toilet")
        check(rc == 0 and out == csv_body, f"HTTP export = CLI export ({rc} {err})")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
