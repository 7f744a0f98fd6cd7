#!/usr/bin/env python3
"""`renkei export opendata` round trips: the real 江東区 公衆トイレ file (new header) comes
back with the same columns and values, as CSV (with and without BOM) and as GeoJSON; a
synthetic file of each of the 12 built-in datasets in both header generations comes back
unchanged; Wakayama's non-standard evacuation list (mapping file) exports in the standard
指定緊急避難場所 layout; the import's progress bar is drawn on a terminal only.
Usage: export_test.py RENKEI DATA_DIR MAPPINGS_DIR"""
import json
import os
import pty
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import CODE, check, finish, read_csv, run, synthetic_csv  # noqa: E402

RENKEI, DATA, MAPPINGS = sys.argv[1:4]
DATASETS = ["evacuation_space", "public_toilet", "aed", "public_facility", "tourism", "event",
            "cultural_property", "medical_institution", "child_care_facility", "care_service",
            "wifi_access_point", "fire_water_supply"]


def export(data_dir, tenant, dataset, *args):
    rc, out, err = run(RENKEI, "export", "opendata", "--data-dir", data_dir, "--tenant", tenant,
                       "--dataset", dataset, *args)
    check(rc == 0, f"export {dataset} {args}: {rc} {err}")
    return out


def import_file(data_dir, path, *args):
    rc, out, err = run(RENKEI, "import", "opendata", "--data-dir", data_dir, *args, path)
    return rc, out.decode("utf-8"), err


def real_file_round_trip(tmp):
    koto = os.path.join(DATA, "131083_public_toilet.csv")
    data_dir = os.path.join(tmp, "koto")
    rc, out, err = import_file(data_dir, koto)
    check(rc == 0 and "imported 191" in out, f"koto import {rc} {out} {err}")
    original = read_csv(open(koto, "rb").read())

    exported = export(data_dir, "131083", "public_toilet")
    check(not exported.startswith(b"\xef\xbb\xbf") and b"\r\n" in exported, "UTF-8 without BOM, CRLF")
    rows = read_csv(exported)
    check(rows[0] == original[0], f"koto header {rows[0][:5]}")
    check(len(rows) == 192, f"koto rows {len(rows)}")
    by_id = {r[1]: r for r in rows[1:]}
    for row in original[1:]:
        got = by_id.get(row[1])
        diffs = [(h, a, b) for h, a, b in zip(original[0], row, got or [])] if got else []
        diffs = [d for d in diffs if d[1] != d[2]]
        check(got is not None and not diffs, f"koto row {row[1]}: {diffs[:3] or 'missing'}")

    with_bom = export(data_dir, "131083", "public_toilet", "--bom")
    check(with_bom == b"\xef\xbb\xbf" + exported, "--bom adds only the BOM")

    # The export is itself a standard file: importing it elsewhere gives the same export.
    again_path = os.path.join(tmp, "koto-export.csv")
    export(data_dir, "131083", "public_toilet", "--bom", "--output", again_path)
    rc, out, err = import_file(os.path.join(tmp, "koto2"), again_path)
    check(rc == 0 and "UTF-8 (BOM)" in out and "imported 191" in out, f"re-import {out} {err}")
    check(export(os.path.join(tmp, "koto2"), "131083", "public_toilet") == exported,
          "export of the re-imported export is identical")

    # Old (推奨データセット) header: the renamed 多機能トイレ数 holds バリアフリートイレ数.
    old = read_csv(export(data_dir, "131083", "public_toilet", "--generation", "old"))
    check(old[0][:4] == ["都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名"] and
          len(old[0]) == 32, f"old header {old[0][:5]} ({len(old[0])})")
    col_old, col_new = old[0].index("多機能トイレ数"), original[0].index("バリアフリートイレ数")
    check([r[col_old] for r in old[1:]] == [r[col_new] for r in original[1:]],
          "多機能トイレ数 = バリアフリートイレ数")

    geo = json.loads(export(data_dir, "131083", "public_toilet", "--format", "geojson"))
    features = geo.get("features", [])
    check(geo.get("type") == "FeatureCollection" and len(features) == 191,
          f"geojson {geo.get('type')} {len(features)}")
    header = original[0]
    lat, lon = header.index("緯度"), header.index("経度")
    for feature, row in zip(features, rows[1:]):
        coordinates = (feature.get("geometry") or {}).get("coordinates", [0, 0])
        check(feature["properties"] == dict(zip(header, row)) and
              abs(coordinates[0] - float(row[lon])) < 1e-9 and
              abs(coordinates[1] - float(row[lat])) < 1e-9 and
              feature["id"] == "urn:ngsi-ld:PublicToilet:" + row[1],
              f"feature {feature.get('id')}")


def synthetic_round_trips(tmp):
    for generation in ("new", "old"):
        for dataset in DATASETS:
            data_dir = os.path.join(tmp, f"{dataset}-{generation}")
            os.makedirs(data_dir)
            header = read_csv(export(data_dir, CODE, dataset, "--generation", generation))[0]
            path = os.path.join(tmp, f"{dataset}-{generation}.csv")
            with open(path, "wb") as f:
                f.write(synthetic_csv(header, 25))
            rc, out, err = import_file(data_dir, path)  # recognised from the header
            check(rc == 0 and f"dataset {dataset} " in out and "imported 25" in out and
                  "warnings 0" in out, f"{dataset} {generation} import: {rc} {out} {err}")
            back = read_csv(export(data_dir, CODE, dataset, "--generation", generation))
            sent = read_csv(open(path, "rb").read())
            check(back[0] == sent[0] and len(back) == 26, f"{dataset} {generation} header/rows")
            for want, got in zip(sent[1:], back[1:]):
                diffs = [(h, a, b) for h, a, b in zip(sent[0], want, got) if a != b]
                check(not diffs, f"{dataset} {generation} row {want[1]}: {diffs[:4]}")


def mapped_source_exports_standard(tmp):
    data_dir = os.path.join(tmp, "wakayama")
    rc, out, err = import_file(data_dir, os.path.join(DATA, "wakayamazeniki.csv"), "--mapping",
                               os.path.join(MAPPINGS, "wakayama-evacuation.toml"), "--tenant", CODE)
    check(rc == 0 and "imported 184" in out, f"wakayama import {rc} {out[-300:]} {err}")
    rows = read_csv(export(data_dir, CODE, "evacuation_space"))
    header = rows[0]
    check(header[:5] == ["全国地方公共団体コード", "ID", "名称", "名称_カナ", "名称_英字"] and
          len(header) == 39 and len(rows) == 185, f"wakayama export {header[:5]} {len(rows)}")
    sites = {r[header.index("名称")]: dict(zip(header, r)) for r in rows[1:]}
    taki = sites.get("滝区民会館", {})
    check(taki.get("緯度") == "33.670706" and taki.get("経度") == "135.542957" and
          taki.get("全国地方公共団体コード") == CODE and taki.get("所在地_連結表記") == "白浜町市鹿野1288-2" and
          taki.get("想定収容人数") == "7", f"滝区民会館 {taki}")
    # Wakayama writes 崖崩れ・土石流及び地滑り; the standard column is 崖崩れ、土石流及び地滑り.
    landslide = [r for r in sites.values() if r["災害種別_崖崩れ、土石流及び地滑り"] == "1"]
    check(len(landslide) > 10, f"landslide flags {len(landslide)}")


def progress_bar(tmp):
    data_dir = os.path.join(tmp, "progress")
    os.makedirs(data_dir)
    header = read_csv(export(data_dir, CODE, "public_toilet"))[0]
    big = os.path.join(tmp, "big.csv")
    with open(big, "wb") as f:
        f.write(synthetic_csv(header, 600, remarks_bytes=2000))  # over 1 MiB, few rows
    check(os.path.getsize(big) > 1024 * 1024, "big file size")

    # On a terminal (stderr a pty): a bar redrawn with \r up to 100 %.
    master, slave = pty.openpty()
    proc = subprocess.Popen([RENKEI, "import", "opendata", "--data-dir", data_dir, big],
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    drawn = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    out = proc.communicate(timeout=300)[0].decode()
    os.close(master)
    check(proc.returncode == 0 and "imported 600" in out, f"import on a terminal: {out[-200:]}")
    check(b"\rwriting [" in drawn and b"100% 600/600" in drawn, f"progress bar {drawn[-200:]!r}")

    # Not a terminal: nothing but the report.
    rc, out, err = import_file(data_dir, big)
    check(rc == 0 and "unchanged 600" in out and "[" not in err and "\r" not in err,
          f"no bar when piped: {err[:200]!r}")


def main():
    with tempfile.TemporaryDirectory(prefix="renkei-export-") as tmp:
        real_file_round_trip(tmp)
        synthetic_round_trips(tmp)
        mapped_source_exports_standard(tmp)
        progress_bar(tmp)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
