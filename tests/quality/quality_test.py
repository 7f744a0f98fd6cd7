#!/usr/bin/env python3
"""The data quality report (docs/data-quality.md) through `renkei quality` and
GET /admin/v1/quality: the real files of shared/data/opendata imported into the tenants of
their municipalities (each file's known defects, shared/data/opendata/README.md, must show
up on the right records; expected values are computed here from the CSVs themselves), and a
synthetic 指定緊急避難場所一覧 plus entities written over NGSIv2 that trigger every check.
Usage: quality_test.py RENKEI DATA_DIR MAPPINGS_DIR"""
import csv
import datetime
import http.client
import json
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

RENKEI, DATA, MAPPINGS = sys.argv[1:4]
FAILURES = []
SPACES = " \t\r\n\u3000"


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print("FAIL:", what)


def run(*args):
    proc = subprocess.run([RENKEI, *args], capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def quality(data_dir, tenant, *args):
    rc, out, err = run("quality", "--data-dir", data_dir, "--tenant", tenant, "--json", *args)
    if rc != 0:
        check(False, f"quality {tenant} {args}: exit {rc} {err}")
        return {"datasets": []}
    return json.loads(out)


def dataset(report, name):
    found = [d for d in report["datasets"] if d["dataset"] == name]
    return found[0] if found else None


def counts(d):
    return {c["check"]: (c["checked"], c["failed"]) for c in d["checks"]}


def failures(d, check_name):
    return [f for f in d["failures"] if f["check"] == check_name]


def km(a, b):
    r = math.pi / 180
    h = (math.sin((b[0] - a[0]) * r / 2) ** 2 +
         math.cos(a[0] * r) * math.cos(b[0] * r) * math.sin((b[1] - a[1]) * r / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def in_japan(lat, lon):
    return 20 <= lat <= 46 and 122 <= lon <= 154


def free_port():
    # This suite's share of the ports test servers may use on the shared machine.
    for port in range(18800, 18900):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port in 18800-18899")


def wakayama_rows(town):
    with open(os.path.join(DATA, "wakayamazeniki.csv"), encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    return [r for r in rows if r["管轄市町村名"] == town]


def wakayama_points(rows):
    points = []
    for r in rows:
        lat, lon = r["緯度：北緯（世界測地系10進法）"], r["経度：東経（世界測地系10進法）"]
        if not lat.strip() or not lon.strip():
            continue
        lat, lon = float(lat), float(lon)
        if not in_japan(lat, lon) and in_japan(lon, lat):
            lat, lon = lon, lat
        if in_japan(lat, lon):
            points.append((lat, lon))
    return points


def check_real_files(data_dir):
    evac_map = os.path.join(MAPPINGS, "wakayama-evacuation.toml")
    toilet_map = os.path.join(MAPPINGS, "wakayama-toilet-map.toml")
    for args in (("--mapping", evac_map, os.path.join(DATA, "wakayamazeniki.csv")),
                 ("--mapping", toilet_map, os.path.join(DATA, "toilet-map.csv")),
                 (os.path.join(DATA, "131083_public_toilet.csv"),)):
        rc, out, err = run("import", "opendata", "--data-dir", data_dir, *args)
        check(rc in (0, 1), f"import {args[-1]}: {rc} {err}")

    # Wakayama's 避難先情報一覧 against the national 指定緊急避難場所一覧 definition.
    for town, code in (("すさみ町", "304069"), ("白浜町", "304018"), ("太地町", "304221"),
                       ("有田市", "302040")):
        rows = wakayama_rows(town)
        report = quality(data_dir, code)
        check(report.get("municipalityCode") == code, f"{town} municipalityCode {report.get('municipalityCode')}")
        d = dataset(report, "evacuation_space")
        if d is None:
            check(False, f"{town}: no evacuation_space report")
            continue
        c = counts(d)
        check(d["records"] == len(rows) and d["entityType"] == "EvacuationSite",
              f"{town} records {d['records']} (want {len(rows)})")
        # Required: the file has no 名称_カナ and no 電話番号 column at all; 名称, 所在地 and
        # 災害区分 are sometimes empty.
        missing = 0
        for r in rows:
            missing += 2
            missing += not r["避難先名称"].strip(SPACES)
            missing += not r["所在地"].strip(SPACES)
            missing += not [h for h in r["災害区分"].split("\u3000") if h.strip(SPACES)]
        check(c["required"] == (5 * len(rows), missing),
              f"{town} required {c['required']} (want {5 * len(rows)}, {missing})")
        kana = [f for f in failures(d, "required") if f["attribute"] == "nameKana"]
        check(d["failureCount"] >= missing and d["scores"]["completeness"] ==
              round(1000 * (5 * len(rows) - missing) / (5 * len(rows))) / 10,
              f"{town} completeness score {d['scores']}")
        # Lot number 0-0 (README: 'uses 0-0 for unknown lot numbers').
        placeholder = sorted(r["所在地"].strip(SPACES) for r in rows
                             if re.search(r"(?<![0-9])0-0(?![0-9])", r["所在地"]))
        report_all = quality(data_dir, code, "--dataset", "evacuation_space", "--check",
                             "address_lot_number", "--limit", "1000")
        listed = sorted(f["value"] for f in dataset(report_all, "evacuation_space")["failures"])
        check(c["address_lot_number"][1] == len(placeholder) and listed == placeholder,
              f"{town} 0-0 addresses: {c['address_lot_number']} listed {len(listed)} want {len(placeholder)}")
        # The office table agrees with the data: the median of the town's sites lies within
        # 5 km of the office, and "near" counts match an independent distance computation.
        points = wakayama_points(rows)
        ref = d.get("reference", {})
        median = (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))
        check(ref.get("source") == "municipal office" and
              km(median, (ref["latitude"], ref["longitude"])) < 5,
              f"{town} office {ref} vs median {median}")
        far = [p for p in points if km((ref["latitude"], ref["longitude"]), p) > ref["radiusKm"]]
        check(d["withLocation"] == len(points) and c["coordinates_near_municipality"] ==
              (len(points), len(far)) and c["coordinates_in_japan"] == (len(points), 0),
              f"{town} near {c['coordinates_near_municipality']} far {len(far)} of {len(points)}")
        check(c["municipality_code"] == (len(rows), 0) and c["update_cycle"] == (len(rows), 0),
              f"{town} code/freshness {c['municipality_code']} {c['update_cycle']}")
        check(d["scores"]["freshness"] == 100 and 0 < d["scores"]["overall"] < 100,
              f"{town} scores {d['scores']}")
        check(kana and all(f["value"] == "" and f["reason"].startswith("required") for f in kana),
              f"{town} nameKana failures {kana[:1]}")

    # 観光地の公衆トイレ一覧: no coordinates, no kana, no 設置位置 columns.
    report = quality(data_dir, "304018", "--dataset", "PublicToilet")
    d = dataset(report, "public_toilet")
    check(d is not None and d["records"] == 28 and d["withLocation"] == 0 and
          counts(d)["coordinates_near_municipality"] == (0, 0),
          f"白浜町 toilets {d and (d['records'], d['withLocation'])}")
    check(len(report["datasets"]) == 1, "--dataset gives one dataset")

    # 江東区 (new national format): required cells computed from the file.
    with open(os.path.join(DATA, "131083_public_toilet.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    required = ["名称", "名称_カナ", "所在地_連結表記", "設置位置", "バリアフリートイレ数",
                "車椅子使用者用トイレ有無", "乳幼児用設備設置トイレ有無", "オストメイト設置トイレ有無"]
    empty = {(r["ID"], col) for r in rows for col in required if not r[col].strip(SPACES)}
    d = dataset(quality(data_dir, "131083", "--limit", "1000"), "public_toilet")
    got = {(f["entityId"].rsplit(":", 1)[1], f["attribute"]) for f in failures(d, "required")}
    attr = {"名称": "name", "名称_カナ": "nameKana", "所在地_連結表記": "address",
            "設置位置": "installationPosition", "バリアフリートイレ数": "barrierFreeToilets",
            "車椅子使用者用トイレ有無": "wheelchairAccessible",
            "乳幼児用設備設置トイレ有無": "babyFacilities", "オストメイト設置トイレ有無": "ostomateFacilities"}
    check(got == {(i, attr[c]) for i, c in empty} and counts(d)["required"] == (8 * 191, len(empty)),
          f"江東区 required {sorted(got)[:5]} want {sorted(empty)[:5]}")
    check(d["reference"]["source"] == "median of the records" and
          counts(d)["coordinates_near_municipality"] == (191, 0), f"江東区 reference {d['reference']}")
    check(counts(d)["time_valid"] == (382, 0) and counts(d)["no_wareki"] == (382, 0),
          f"江東区 times {counts(d)['time_valid']}")

    # The table form of the same report.
    rc, out, err = run("quality", "--data-dir", data_dir, "--tenant", "304069")
    check(rc == 0 and "evacuation_space" in out and "address_lot_number" in out and
          re.search(r"^evacuation_space\s+135\s", out, re.M), f"table: {rc} {out[:400]} {err}")


SYNTHETIC_HEADER = ["全国地方公共団体コード", "ID", "名称", "名称_カナ", "所在地_連結表記", "緯度", "経度",
                    "電話番号", "郵便番号", "市区町村コード(設置主体)", "災害種別_洪水", "災害種別_地震",
                    "指定避難所との重複", "最終更新日"]


def synthetic_rows(today):
    recent = (today - datetime.timedelta(days=10)).isoformat()
    base = {"全国地方公共団体コード": "273015", "名称": "島本町立第一小学校", "名称_カナ": "シマモトチョウリツダイイチショウガッコウ",
            "所在地_連結表記": "大阪府三島郡島本町桜井2-1-1", "緯度": "34.8814", "経度": "135.6633",
            "電話番号": "075-961-5151", "郵便番号": "6188570", "市区町村コード(設置主体)": "273015",
            "災害種別_洪水": "1", "災害種別_地震": "1", "指定避難所との重複": "1", "最終更新日": recent}
    variants = {
        "S01": {},
        "S02": {"郵便番号": "618-8570"},
        "S03": {"電話番号": "0759615151"},
        "S04": {"緯度": "35.6812", "経度": "139.7671"},  # Tokyo station
        "S05": {"名称_カナ": "", "災害種別_洪水": "", "災害種別_地震": ""},
        "S06": {"最終更新日": "平成31年4月1日"},  # 和暦 in the file: normalised to 2019-04-01
        "S07": {"最終更新日": "2023-02-30"},
        "S08": {"所在地_連結表記": "大阪府三島郡島本町0-0"},
        "S09": {"市区町村コード(設置主体)": "273010"},
        "S10": {"緯度": "34.8850", "経度": "135.6700"},
    }
    rows = []
    for sid, change in variants.items():
        row = dict(base, ID=sid, **change)
        rows.append([row[c] for c in SYNTHETIC_HEADER])
    return rows


def check_synthetic(data_dir, tmp, today):
    path = os.path.join(tmp, "273015_evacuation_space.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(SYNTHETIC_HEADER)
        w.writerows(synthetic_rows(today))
    rc, out, err = run("import", "opendata", "--data-dir", data_dir, path)
    check(rc == 0 and "evacuation_space" in out, f"synthetic import {rc} {out} {err}")
    d = dataset(quality(data_dir, "273015"), "evacuation_space")
    by_check = {}
    for f in d["failures"]:
        by_check.setdefault(f["check"], set()).add(f["entityId"].rsplit("-", 1)[1])
    expected = {"postal_code": {"S02"}, "telephone": {"S03"},
                "coordinates_near_municipality": {"S04"}, "required": {"S05"},
                "update_cycle": {"S06"}, "date_valid": {"S07"}, "address_lot_number": {"S08"},
                "municipality_code": {"S09"}}
    check(by_check == expected, f"synthetic failures {by_check}")
    c = counts(d)
    check(c["required"] == (50, 2) and c["postal_code"] == (10, 1) and c["telephone"] == (10, 1),
          f"synthetic counts {c}")
    reasons = {f["check"]: f["reason"] for f in d["failures"]}
    check("hyphen" in reasons.get("postal_code", "") and "separators" in reasons.get("telephone", "")
          and "check digit of 27301 is 5" in reasons.get("municipality_code", "")
          and "update cycle is 365 days" in reasons.get("update_cycle", ""), f"reasons {reasons}")
    stale = failures(d, "update_cycle")
    check(stale and stale[0]["attribute"] == "sourceDateModified" and
          stale[0]["value"].startswith("2019-04-01"), f"stale {stale}")
    check(d["reference"]["source"] == "median of the records", f"synthetic reference {d['reference']}")

    # An update cycle from the configuration file, per tenant: 10-day-old records are stale
    # under a 5-day cycle.
    config = os.path.join(tmp, "renkei.toml")
    with open(config, "w", encoding="utf-8") as f:
        f.write('[quality.update_cycle_days]\nevent = 14\n\n'
                '[quality.tenants."273015".update_cycle_days]\nevacuation_space = 5\n')
    d5 = dataset(quality(data_dir, "273015", "--config", config), "evacuation_space")
    check(d5["updateCycleDays"] == 5 and counts(d5)["update_cycle"] == (10, 9),
          f"configured cycle {d5['updateCycleDays']} {counts(d5)['update_cycle']}")
    bad = os.path.join(tmp, "bad.toml")
    with open(bad, "w", encoding="utf-8") as f:
        f.write('[quality.update_cycle_days]\nevacuation = 5\n')
    rc, out, err = run("quality", "--data-dir", data_dir, "--tenant", "273015", "--config", bad)
    check(rc == 2 and "not a dataset name" in err, f"bad config {rc} {err}")

    # CLI errors.
    rc, out, err = run("quality", "--data-dir", data_dir, "--tenant", "273015", "--dataset", "shelters")
    check(rc == 2 and "unknown dataset 'shelters'" in err and "evacuation_space" in err,
          f"unknown dataset {rc} {err}")
    rc, out, err = run("quality", "--data-dir", data_dir, "--tenant", "273015", "--dataset", "event")
    check(rc == 2 and "no records of dataset event" in err, f"no records {rc} {err}")
    rc, out, err = run("quality", "--data-dir", data_dir, "--tenant", "273015", "--check", "phone")
    check(rc == 2 and "unknown --check phone" in err and "telephone" in err, f"unknown check {rc} {err}")
    rc, out, err = run("quality", "--data-dir", os.path.join(tmp, "nowhere"), "--tenant", "273015")
    check(rc == 2 and "no data directory" in err and not os.path.exists(os.path.join(tmp, "nowhere")),
          f"missing data dir {rc} {err}")
    return config


def check_http(data_dir, config):
    port = free_port()
    server = subprocess.Popen([RENKEI, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir",
                               data_dir, "--log-level", "warn", "--config", config])

    def call(method, path, headers=None, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()

    try:
        deadline = time.time() + 30
        while True:
            try:
                if call("GET", "/version")[0] == 200:
                    break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)

        # Entities written through NGSIv2 that the import would never produce: a point in
        # the Pacific and a 和暦 left in a date field.
        v2 = {"Fiware-Service": "273015", "Content-Type": "application/json"}
        site = {"name": {"type": "Text", "value": "API site"},
                "nameKana": {"type": "Text", "value": "エーピーアイ"},
                "address": {"type": "Text", "value": "大阪府三島郡島本町1-1"},
                "telephone": {"type": "Text", "value": "075-961-5151"},
                "hazards": {"type": "StructuredValue", "value": ["地震"]},
                "municipalityCode": {"type": "Text", "value": "273015"}}
        abroad = dict(site, id="urn:ngsi-ld:EvacuationSite:273015-A01", type="EvacuationSite",
                      location={"type": "geo:json",
                                "value": {"type": "Point", "coordinates": [170.0, 10.0]}})
        wareki = dict(site, id="urn:ngsi-ld:EvacuationSite:273015-A02", type="EvacuationSite",
                      sourceDateModified={"type": "Date", "value": "令和6年4月1日"})
        for entity in (abroad, wareki):
            status, _, body = call("POST", "/v2/entities", v2, json.dumps(entity))
            check(status == 201, f"create {entity['id']}: {status} {body}")

        status, headers, body = call("GET", "/admin/v1/quality?dataset=evacuation_space&limit=1000",
                                     {"Fiware-Service": "273015"})
        check(status == 200 and headers.get("content-type") == "application/json",
              f"GET quality {status} {headers}")
        report = json.loads(body)
        text = body.decode() if isinstance(body, bytes) else body
        check(re.search(r':-?[0-9.]+[eE][+-]?[0-9]+', text) is None,
              f"numbers are written in decimal, not Boost's exponent form: {text[:300]}")
        d = dataset(report, "evacuation_space")
        got = {(f["check"], f["entityId"].rsplit("-", 1)[1]) for f in d["failures"]}
        for expected in (("coordinates_in_japan", "A01"), ("no_wareki", "A02"),
                         ("date_valid", "A02"), ("postal_code", "S02"), ("telephone", "S03")):
            check(expected in got, f"HTTP report lacks {expected}")
        check(d["records"] == 12 and d["updateCycleDays"] == 5 and report["tenant"] == "273015",
              f"HTTP report {d['records']} {d['updateCycleDays']}")
        # The NGSI-LD tenant header names the same tenant; paging and the check filter.
        status, _, body = call("GET", "/admin/v1/quality?dataset=EvacuationSite&check=required"
                               "&limit=1&offset=1", {"NGSILD-Tenant": "273015"})
        paged = dataset(json.loads(body), "evacuation_space") if status == 200 else {}
        check(status == 200 and paged.get("failureCount") == 2 and len(paged["failures"]) == 1 and
              paged["failures"][0]["attribute"] == "hazards", f"paged {status} {paged.get('failures')}")
        # Without a dataset: every dataset the tenant has (304018: evacuation sites, toilets).
        status, _, body = call("GET", "/admin/v1/quality", {"Fiware-Service": "304018"})
        names = [x["dataset"] for x in json.loads(body)["datasets"]] if status == 200 else []
        check(names == ["evacuation_space", "public_toilet"], f"all datasets {status} {names}")

        # Errors are ProblemDetails.
        for method, path, headers, want, text in (
                ("GET", "/admin/v1/quality?dataset=shelters", {"Fiware-Service": "273015"}, 400,
                 "unknown dataset"),
                ("GET", "/admin/v1/quality?dataset=event", {"Fiware-Service": "273015"}, 404,
                 "no records"),
                ("GET", "/admin/v1/quality?limit=0", {"Fiware-Service": "273015"}, 400, "'limit'"),
                ("GET", "/admin/v1/quality?limit=abc", {}, 400, "'limit'"),
                ("GET", "/admin/v1/quality?offset=-1", {}, 400, "'offset'"),
                ("GET", "/admin/v1/quality?check=spelling", {}, 400, "unknown check"),
                ("GET", "/admin/v1/quality?type=X", {}, 400, "unknown query parameter 'type'"),
                ("GET", "/admin/v1/quality", {"Fiware-Service": "273015", "NGSILD-Tenant": "304018"},
                 400, "different tenants"),
                ("GET", "/admin/v1/quality", {"Fiware-Service": "bad tenant!"}, 400, ""),
                ("GET", "/admin/v1/quality/extra", {}, 404, "no admin resource"),
                ("POST", "/admin/v1/quality", {"Content-Type": "application/json"}, 405, "GET")):
            status, headers, body = call(method, path, headers, "{}" if method == "POST" else None)
            problem = json.loads(body) if body else {}
            check(status == want and headers.get("content-type") == "application/problem+json" and
                  problem.get("status") == want and problem.get("type") and problem.get("title") and
                  text in problem.get("detail", "") and problem.get("instance") == path.split("?")[0],
                  f"{method} {path} {headers}: {status} {problem}")
            if want == 405:
                check(headers.get("allow") == "GET", f"405 Allow {headers}")
    finally:
        server.terminate()
        server.wait(timeout=30)

    # The CLI reads the same report as the endpoint (the same records, the same JSON).
    rc, out, err = run("quality", "--data-dir", data_dir, "--tenant", "273015", "--json",
                       "--dataset", "evacuation_space", "--limit", "1000", "--config", config)
    cli = json.loads(out) if rc == 0 else {}
    for r in (cli, report):
        r.pop("generatedAt", None)
        r.pop("limit", None)
    check(cli == report, "CLI and HTTP reports differ")


def check_file_mode():
    """`renkei quality --file`: a CSV assessed as the import would read it, with source lines."""
    evac_map = os.path.join(MAPPINGS, "wakayama-evacuation.toml")
    susami = os.path.join(DATA, "susamicho.csv")
    rc, out, err = run("quality", "--tenant", "304069", "--file", susami, "--mapping", evac_map,
                       "--json", "--check", "address_lot_number", "--limit", "1000")
    report = json.loads(out) if rc == 0 else {}
    check(rc == 0, f"--file susamicho {rc} {err}")
    f = report.get("file", {})
    # Every row is one field short of the 28-column header: 135 warnings, rows 2..136.
    check(f.get("rowsRead") == 135 and len(f.get("warnings", [])) == 135 and
          [w["line"] for w in f["warnings"]] == list(range(2, 137)) and
          f["warnings"][0]["column"] == "備考２-２", f"susamicho warnings {str(f)[:300]}")
    with open(susami, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    address = rows[0].index("所在地")
    want = [(line, r[address].strip(SPACES)) for line, r in enumerate(rows[1:], start=2)
            if re.search(r"(?<![0-9])0-0(?![0-9])", r[address])]
    d = dataset(report, "evacuation_space") or {"failures": []}
    got = [(x.get("line"), x["value"]) for x in d["failures"]]
    check(got == want and len(want) == 77, f"susamicho 0-0 lines {got[:3]} want {want[:3]} ({len(want)})")
    # The whole prefecture's list for 串本町: the import's three duplicate rows, by line.
    rc, out, err = run("quality", "--tenant", "304280", "--file", os.path.join(DATA, "wakayamazeniki.csv"),
                       "--mapping", evac_map)
    check(rc == 0 and all(f"wakayamazeniki.csv:{n}: rejected: same id" in out for n in (1140, 1141, 1142))
          and re.search(r"^  line \d+  urn:ngsi-ld:EvacuationSite:304280-", out, re.M),
          f"--file 串本町 {rc} {out[:600]} {err}")
    rc, out, err = run("quality", "--tenant", "30428", "--file", susami)
    check(rc == 2 and "not a 6-digit" in err, f"--file bad tenant {rc} {err}")


def main():
    today = datetime.date.today()
    with tempfile.TemporaryDirectory(prefix="renkei-quality-") as tmp:
        data_dir = os.path.join(tmp, "data")
        check_real_files(data_dir)
        config = check_synthetic(data_dir, tmp, today)
        check_http(data_dir, config)
    check_file_mode()
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
