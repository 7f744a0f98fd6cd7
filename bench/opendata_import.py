#!/usr/bin/env python3
"""Open-data import throughput (issue 6 item 6): generates a realistic 公衆トイレ一覧 in the
new standard header (the 39 columns of the real 江東区 file, values shaped like its rows:
Japanese names and kana, addresses, 6-decimal coordinates, counts, 有/無 flags, HH:MM:SS
times, a few empty cells and quoted commas), then times `renkei import opendata` end to end
(read, decode, parse, map, write into the embedded SQLite store, fsync) in a fresh data
directory. Reports wall time, rows/s, CPU time (user+sys of the importer) and peak RSS; runs
a second import of the same file (every entity unchanged) too.

Usage: bench/opendata_import.py [--renkei build/release/src/app/renkei] [--rows 100000]
                                [--runs 3] [--batch-size 2000]
Goal: >= 50,000 rows/s for 100k rows (release build). Results: bench/RESULTS.md."""
import argparse
import csv
import io
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HEADER = ["全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英語",
          "所在地_全国地方公共団体コード", "町字ID", "所在地_連結表記", "所在地_都道府県",
          "所在地_市区町村", "所在地_町字", "所在地_番地以下", "建物名等(方書)", "設置位置", "緯度",
          "経度", "高度の種別", "高度の値", "男性トイレ総数", "男性トイレ数（小便器）",
          "男性トイレ数（和式）", "男性トイレ数（洋式）", "女性トイレ総数", "女性トイレ数（和式）",
          "女性トイレ数（洋式）", "男女共用トイレ総数", "男女共用トイレ数（和式）",
          "男女共用トイレ数（洋式）", "バリアフリートイレ数", "車椅子使用者用トイレ有無",
          "乳幼児用設備設置トイレ有無", "オストメイト設置トイレ有無", "利用開始時間", "利用終了時間",
          "利用可能時間特記事項", "画像", "画像_ライセンス", "備考"]
TOWNS = [("清澄", "キヨスミ"), ("深川", "フカガワ"), ("白河", "シラカワ"), ("東陽", "トウヨウ"),
         ("豊洲", "トヨス"), ("亀戸", "カメイド"), ("大島", "オオジマ"), ("砂町", "スナマチ")]
KINDS = [("公園", "コウエン", "park"), ("児童遊園", "ジドウユウエン", "ChildPlaySpace"),
         ("駅前", "エキマエ", "station"), ("橋際", "ハシギワ", "bridge")]


def row(i, rnd):
    town, town_kana = TOWNS[i % len(TOWNS)]
    kind, kind_kana, kind_en = KINDS[i % len(KINDS)]
    chome, banchi = i % 6 + 1, f"{i % 30 + 1}-{i % 17 + 1}"
    male, female = rnd.randint(0, 4), rnd.randint(0, 4)
    return ["131083", f"131083C{i + 1:06d}", "江東区", f"江東区立{town}{kind}第{i + 1}公衆便所",
            f"コウトウクリツ{town_kana}{kind_kana}コウシュウベンジョ",
            f"Public_toilet_{kind_en}_{i + 1}_KotoCity", "131083", "",
            f"東京都江東区{town}{chome}-{banchi}", "東京都", "江東区", f"{town}{chome}丁目", banchi,
            "" if i % 7 else "管理棟1階", f"{town}{kind}内", f"{35.64 + rnd.random() * 0.06:.6f}",
            f"{139.78 + rnd.random() * 0.06:.6f}", "", "", str(male), str(male // 2),
            str(male % 2), str(male - male // 2 - male % 2), str(female), str(female % 2),
            str(female - female % 2), "0", "0", "0", str(i % 2), "有" if i % 3 else "無",
            "有" if i % 4 == 0 else "無", "有" if i % 5 == 0 else "無", "00:00:00", "23:59:00",
            "" if i % 11 else "年末年始, 点検日を除く", "", "", ""]


def generate(path, rows):
    rnd = random.Random(6)
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")  # as the real file
    writer.writerow(HEADER)
    for i in range(rows):
        writer.writerow(row(i, rnd))
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())


def timed_import(renkei, data_dir, path, batch_size):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([renkei, "import", "opendata", "--data-dir", data_dir,
                           "--batch-size", str(batch_size), path],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"import failed ({proc.returncode}): {proc.stdout[-500:]} {proc.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024, proc.stdout.strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renkei", default="build/release/src/app/renkei")
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="renkei-bench-import-")
    try:
        path = os.path.join(tmp, "131083_public_toilet.csv")
        generate(path, args.rows)
        size = os.path.getsize(path)
        print(f"file: {args.rows:,} rows, {size / 1e6:.1f} MB; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; batch size {args.batch_size}")
        print("| run | import | wall | rows/s | CPU (user+sys) | CPU/row | peak RSS* |")
        print("|--:|---|--:|--:|--:|--:|--:|")
        for run in range(1, args.runs + 1):
            data_dir = os.path.join(tmp, f"data{run}")
            for label in ("fresh", "again (unchanged)"):
                wall, cpu, rss, summary = timed_import(args.renkei, data_dir, path,
                                                       args.batch_size)
                print(f"| {run} | {label} | {wall:.2f} s | **{args.rows / wall:,.0f}** | "
                      f"{cpu:.2f} s | {cpu / args.rows * 1e6:.1f} µs | {rss:.0f} MB |")
                expected = "created" if label == "fresh" else "unchanged"
                if f"{expected} {args.rows}" not in summary:
                    sys.exit(f"unexpected summary: {summary}")
            shutil.rmtree(data_dir)
        print("*peak RSS: the largest of the importer runs so far (getrusage RUSAGE_CHILDREN)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
