"""Helpers of the open-data export and HTTP tests: checks, the renkei CLI, a server on a
port of this suite's range (18700-18799), and synthetic standard CSVs."""
import csv
import io
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
# The checks and the port search every suite shares (tests/lib/renkei_testlib.py).
import renkei_testlib  # noqa: E402
from renkei_testlib import FAILURES, check, finish, free_port  # noqa: E402,F401


def run(renkei, *args, stdin=None):
    proc = subprocess.run([renkei, *args], capture_output=True, timeout=300, input=stdin)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def read_csv(data):
    """Rows of CSV bytes (UTF-8, BOM tolerated) as lists of cells."""
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


class Server(renkei_testlib.Server):
    """The shared `renkei serve` (tests/lib), its request() answering (status, headers, body)
    as these suites read it; imports may take minutes on a loaded machine."""

    def __init__(self, renkei, data_dir, port, env=None, cwd=None):
        super().__init__(renkei, data_dir, port, env=env, cwd=cwd, start_timeout=30,
                         request_timeout=300)

    def request(self, method, path, body=None, headers=None):
        resp = self.fetch(method, path, body, headers)
        return resp.status, resp.headers, resp.body


CODE = "304018"  # 白浜町
NUMBER_COLUMNS = {"男性トイレ総数", "男性トイレ数（小便器）", "男性トイレ数（和式）",
                  "男性トイレ数（洋式）", "女性トイレ総数", "女性トイレ数（和式）", "女性トイレ数（洋式）",
                  "男女共用トイレ総数", "男女共用トイレ数（和式）", "男女共用トイレ数（洋式）",
                  "バリアフリートイレ数", "多機能トイレ数", "想定収容人数", "収容定員", "定員", "病床数",
                  "口径", "員数（数）", "標高", "高度の値"}
DATE_COLUMNS = {"開始日", "終了日", "参加申込終了日", "文化財指定日", "認可等年月日"}
TIME_COLUMNS = {"開始時間", "終了時間", "利用開始時間", "利用終了時間", "診療開始時間",
                "診療終了時間", "参加申込終了時間"}


def synthetic_cell(column, i):
    """A value as real files hold it for `column` in row i (0-based)."""
    if column in ("全国地方公共団体コード", "都道府県コード又は市区町村コード", "市区町村コード",
                  "所在地_全国地方公共団体コード"):
        return CODE
    if column == "ID":
        return f"{CODE}E{i + 1:05d}"
    if column == "NO":
        return str(i + 1)
    if column == "緯度":
        return f"{33.600000 + i * 0.000731:.6f}"
    if column == "経度":
        return f"{135.300000 + i * 0.000517:.6f}"
    if column.startswith("災害種別_") or column == "指定避難所との重複":
        return "1" if (i + len(column)) % 2 == 0 else ""
    if column.endswith("有無"):
        return "有" if i % 2 == 0 else "無"
    if column in NUMBER_COLUMNS:
        return str(i % 7) if column != "標高" else f"{i % 50}.5"
    if column in DATE_COLUMNS:
        return "令和6年5月1日" if i % 3 == 0 else f"2024-04-{i % 28 + 1:02d}"
    if column in TIME_COLUMNS:
        return "9:30" if i % 3 == 0 else "17:00:00"
    if column in ("都道府県名", "所在地_都道府県"):
        return "和歌山県"
    if column in ("地方公共団体名", "市区町村名", "所在地_市区町村"):
        return "白浜町"
    if i % 5 == 4:
        return ""
    if i % 5 == 3:
        return f"\"{column}\", 第{i}号"  # quotes and a comma inside a field
    return f"{column}{i}"


def synthetic_csv(header, rows, encoding="utf-8", remarks_bytes=0):
    """A standard CSV (bytes) with `header` and `rows` synthetic rows; `remarks_bytes` makes
    each 備考 cell that long (a large file of few rows, cheap to import)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for i in range(rows):
        cells = [synthetic_cell(c, i) for c in header]
        if remarks_bytes and "備考" in header:
            cells[header.index("備考")] = "x" * remarks_bytes
        writer.writerow(cells)
    return out.getvalue().encode(encoding)
