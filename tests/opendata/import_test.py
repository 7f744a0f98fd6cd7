#!/usr/bin/env python3
"""`renkei import opendata` on every real CSV of shared/data/opendata (see its README for
each file's quirks): counts, spot values of known sites, the error report for the known
defects, re-import without duplicates, synthetic CP932 / UTF-16LE copies of a real file,
then the imported entities read back through NGSIv2 and NGSI-LD from `renkei serve`.
Usage: import_test.py RENKEI DATA_DIR MAPPINGS_DIR"""
import csv
import http.client
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import FAILURES, check, free_port  # noqa: E402

RENKEI, DATA, MAPPINGS = sys.argv[1:4]


def run_import(data_dir, *args):
    proc = subprocess.run([RENKEI, "import", "opendata", "--data-dir", data_dir, *args],
                          capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def summary(stdout, path):
    """The summary line of one file as a dict of counts."""
    line = [l for l in stdout.splitlines() if l.startswith(path + ": read ")][-1]
    counts = {k: int(v) for k, v in re.findall(r"(\w+) (\d+)", line.split(": ", 1)[1])}
    counts["imported"] = counts.get("imported", counts.get("import", 0))
    return counts


def issues(stdout, path, kind):
    return [l for l in stdout.splitlines() if l.startswith(path + ":") and f": {kind}: " in l]


def main():
    wakayama = os.path.join(DATA, "wakayamazeniki.csv")
    susami = os.path.join(DATA, "susamicho.csv")
    toilets = os.path.join(DATA, "toilet-map.csv")
    koto = os.path.join(DATA, "131083_public_toilet.csv")
    evac_map = os.path.join(MAPPINGS, "wakayama-evacuation.toml")
    toilet_map = os.path.join(MAPPINGS, "wakayama-toilet-map.toml")
    with tempfile.TemporaryDirectory(prefix="renkei-opendata-") as tmp:
        data_dir = os.path.join(tmp, "data")

        # A non-standard file without a mapping: a clear file-level error, exit 2.
        rc, out, err = run_import(data_dir, wakayama)
        check(rc == 2 and "matches no standard dataset" in err, f"unrecognised header: {rc} {err}")

        # Dry run of the whole prefecture: 3,301 rows; three rows of 串本町 repeat the same
        # site (same name, address, kind and coordinates) and are reported as duplicates.
        rc, out, err = run_import(data_dir, "--dry-run", "--mapping", evac_map, wakayama)
        s = summary(out, wakayama)
        check(rc == 1, f"dry run exit code {rc}")
        check(s["read"] == 3301 and s["imported"] == 3298 and s["rejected"] == 3, f"dry run {s}")
        dups = issues(out, wakayama, "rejected")
        check(len(dups) == 3 and all("as line 1139" in l for l in dups), f"duplicates {dups}")
        check(not os.path.exists(data_dir), "a dry run creates no data directory")

        # すさみ町 only (tenant 304069): 135 sites, the other municipalities skipped.
        rc, out, err = run_import(data_dir, "--tenant", "304069", "--mapping", evac_map, wakayama)
        s = summary(out, wakayama)
        check(rc == 0, f"susami import exit {rc} {err}")
        check(s["created"] == 135 and s["skipped"] == 3301 - 135, f"susami import {s}")
        # Importing it again changes nothing and duplicates nothing.
        rc, out, err = run_import(data_dir, "--tenant", "304069", "--mapping", evac_map, wakayama)
        s = summary(out, wakayama)
        check(s["unchanged"] == 135 and s["created"] == 0, f"re-import {s}")
        # susamicho.csv: every row one field short of the header -> 135 warnings naming the
        # missing column, rows still imported onto the same entities.
        rc, out, err = run_import(data_dir, "--tenant", "304069", "--mapping", evac_map, susami)
        s = summary(out, susami)
        check(rc == 0 and s["read"] == 135 and s["rejected"] == 0, f"susamicho {rc} {s} {err}")
        check(s["created"] == 0 and s["imported"] == 135, f"susamicho same entities {s}")
        ragged = issues(out, susami, "warning")
        check(len(ragged) == 135 and ":2: warning: column '備考２-２': 27 fields" in ragged[0],
              f"ragged report {ragged[:1]}")

        # The whole prefecture, each row into its own municipality's tenant.
        rc, out, err = run_import(data_dir, "--mapping", evac_map, wakayama)
        s = summary(out, wakayama)
        check(s["created"] == 3298 - 135 and s["unchanged"] == 135, f"prefecture {s}")

        # 江東区 public toilets, new national header: recognised, 191 rows.
        rc, out, err = run_import(data_dir, koto)
        s = summary(out, koto)
        check(rc == 0 and s["created"] == 191 and "public_toilet" in out and "new header" in out,
              f"koto {rc} {s} {out[:200]}")
        # The same file as CP932 and as UTF-16LE with tabs decodes to the same entities.
        with open(koto, encoding="utf-8") as f:
            text = f.read()
        rows = list(csv.reader(io.StringIO(text)))
        tsv = io.StringIO()
        csv.writer(tsv, delimiter="\t", lineterminator="\r\n").writerows(rows)
        for name, data, label in (("koto_cp932.csv", text.encode("cp932"), "CP932"),
                                  ("koto_utf16.tsv", b"\xff\xfe" + tsv.getvalue().encode("utf-16-le"),
                                   "UTF-16LE")):
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(data)
            rc, out, err = run_import(data_dir, path)
            s = summary(out, path)
            check(rc == 0 and label in out and s["unchanged"] == 191, f"{label}: {rc} {s} {err}")

        # A changed row updates its entity in place (same id), the others stay unchanged.
        changed = os.path.join(tmp, "131083_public_toilet.csv")
        with open(changed, "w", encoding="utf-8", newline="") as f:
            f.write(text.replace("江東区立万年橋際公衆便所", "江東区立万年橋際公衆トイレ", 1))
        rc, out, err = run_import(data_dir, changed)
        s = summary(out, changed)
        check(rc == 0 and s["updated"] == 1 and s["unchanged"] == 190 and s["created"] == 0,
              f"changed row: {rc} {s} {err}")

        # Toilet map: title row + 3-row merged header, municipality by name; nine rows
        # (deleted entries, '削除') have no municipality and are reported.
        rc, out, err = run_import(data_dir, "--mapping", toilet_map, toilets)
        s = summary(out, toilets)
        check(rc == 1 and s["read"] == 516 and s["created"] == 507 and s["rejected"] == 9,
              f"toilet map {rc} {s} {err}")
        rejected = issues(out, toilets, "rejected")
        check(any(":107: rejected: column '市町村名': no municipality name" in l for l in rejected),
              f"toilet rejections {rejected[:2]}")
        check(any("'普段はクローズ' holds no time range" in l for l in issues(out, toilets, "warning")),
              "toilet time warning")

        # Read back through the HTTP APIs.
        port = free_port(18300, 18399)  # this test's range since it was written
        server = subprocess.Popen([RENKEI, "serve", "--listen", f"127.0.0.1:{port}",
                                   "--data-dir", data_dir, "--log-level", "warn"])
        try:
            deadline = time.time() + 30
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/version")
                    if conn.getresponse().status == 200:
                        break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.1)

            def get(path, headers):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                return resp.status, dict(resp.getheaders()), resp.read()

            for tenant, etype, expected in (("304069", "EvacuationSite", 135),
                                            ("304018", "EvacuationSite", 184),
                                            ("302040", "EvacuationSite", 142),
                                            ("304221", "EvacuationSite", 21),
                                            ("131083", "PublicToilet", 191),
                                            ("304018", "PublicToilet", 28)):
                status, headers, _ = get(f"/v2/entities?type={etype}&options=count&limit=1",
                                         {"Fiware-Service": tenant})
                total = headers.get("Fiware-Total-Count")
                check(status == 200 and total == str(expected),
                      f"v2 count {tenant} {etype}: {status} {total} (want {expected})")

            status, _, body = get("/v2/entities/urn:ngsi-ld:PublicToilet:131083C00001"
                                  "?options=keyValues", {"Fiware-Service": "131083"})
            e = json.loads(body) if status == 200 else {}
            check(e.get("name") == "江東区立万年橋際公衆トイレ" and
                  e.get("location", {}).get("coordinates") == [139.794785, 35.68322] and
                  e.get("opens") == "00:00:00" and e.get("wheelchairAccessible") is True,
                  f"koto spot value {status} {e}")

            q = urllib.parse.quote("name==道の駅すさみ")
            status, _, body = get(f"/v2/entities?type=EvacuationSite&q={q}&options=keyValues",
                                  {"Fiware-Service": "304069"})
            sites = json.loads(body) if status == 200 else []
            check(len(sites) == 1 and sites[0]["location"]["coordinates"] == [135.5994888, 33.52002986]
                  and "津波" in sites[0]["hazards"] and sites[0]["municipalityCode"] == "304069",
                  f"道の駅すさみ {status} {sites}")

            status, _, body = get("/ngsi-ld/v1/entities/urn:ngsi-ld:PublicToilet:302015-1",
                                  {"NGSILD-Tenant": "302015", "Accept": "application/json"})
            e = json.loads(body) if status == 200 else {}
            check(status == 200 and e.get("name", {}).get("value") == "友ヶ島野奈浦公衆トイレ" and
                  e.get("opens", {}).get("value") == "00:00:00" and
                  e.get("closes", {}).get("value") == "24:00:00" and
                  e.get("openingHoursDescription", {}).get("value") == "終日",
                  f"NGSI-LD toilet {status} {body[:300]}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
