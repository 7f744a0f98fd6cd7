#!/usr/bin/env python3
"""report.py: turns the JSON records of bench/run.sh into the markdown of bench/RESULTS.md.

    report.py --results WORK/results.jsonl [--output bench/RESULTS.md]

Record kinds (one JSON object a line): meta (command and load settings), scenario (one wrk
run: wrk's summary from bench/lua/common.lua, server CPU ticks, VmHWM/VmRSS after it),
preload (bench/load.py's summary), size (memory and database size at the end of a data set).
The markdown goes to stdout and to --output. Standard library only.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys

# Goals of the issue: scenario -> (text, check(row) -> bool). A row has req_s, items_s and ratio.
GOALS = {
    "get_by_id": ("≥ 30k req/s and ≥ 40% of ceiling",
                  lambda r: r["req_s"] >= 30000 and (r["ratio"] or 0) >= 0.40),
    "patch_two_attrs": ("≥ 15k req/s, durable", lambda r: r["req_s"] >= 15000),
    "create": ("≥ 10k req/s", lambda r: r["req_s"] >= 10000),
    "query_type_q": ("≥ 5k req/s (at 1M)", lambda r: r["req_s"] >= 5000),
    "batch_update": ("≥ 100k entities/s", lambda r: r["items_s"] >= 100000),
}
# The NGSI-LD scenarios (over the same entities) and their NGSIv2 counterparts, whose goals
# they share; report.py shows them in a table of their own per size, with req/s vs v2.
LD_COUNTERPARTS = {
    "ld_get_by_id": "get_by_id",
    "ld_query_type_q": "query_type_q",
    "ld_batch_upsert": "batch_update",
    "ld_create": "create",
}
MEMORY_GOAL_BYTES = 1 << 30  # < 1 GB at 1M small entities
DESCRIPTIONS = {  # in the order bench/run.sh runs them
    "ceiling": "GET against ceiling_server (fixed body)",
    "get_by_id": "GET /v2/entities/{id}, random id",
    "query_type_q": "GET ?type=Room&q=temperature==t;humidity>50&limit=20 (20 results)",
    "geo_near": "GET ?georel=near;maxDistance:1000&geometry=point&limit=20 (20 results)",
    "ld_get_by_id": "GET /ngsi-ld/v1/entities/{id}, random id",
    "ld_query_type_q": "GET /ngsi-ld/v1/entities?type=Room&q=temperature==t;humidity>50"
                       "&limit=20 (20 results)",
    "patch_two_attrs": "PATCH /v2/entities/{id}/attrs, 2 attributes",
    "batch_update": "POST /v2/op/update, update of 100 random entities",
    "ld_batch_upsert": "POST /ngsi-ld/v1/entityOperations/upsert?options=update, "
                       "100 random entities",
    "create": "POST /v2/entities, new Room with 4 attributes",
    "ld_create": "POST /ngsi-ld/v1/entities, new Room with 4 attributes",
}


def command_output(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine():
    model = "unknown CPU"
    memory_kb = 0
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo
                          if line.startswith("model name")), model)
        with open("/proc/meminfo") as meminfo:
            memory_kb = next(int(line.split()[1]) for line in meminfo
                             if line.startswith("MemTotal"))
    except OSError:
        pass
    return (f"{os.cpu_count()} cores (nproc), {model}, {memory_kb / 1048576:.0f} GiB RAM, "
            f"Linux {os.uname().release}")


def revision():
    commit = command_output("git", "rev-parse", "--short=12", "HEAD") or "unknown"
    changed = command_output("git", "status", "--porcelain", "--untracked-files=no")
    if changed:
        return f"`{commit}` plus uncommitted changes in {len(changed.splitlines())} files"
    return f"`{commit}` (clean tree)"


def ms(microseconds):
    return f"{microseconds / 1000:.2f} ms"


def mb(kilobytes):
    return "—" if kilobytes is None else f"{kilobytes / 1024:.0f} MB"


def errors_text(wrk):
    socket = {k: v for k, v in wrk["socket_errors"].items() if v}
    bad = {code: n for code, n in wrk["statuses"].items() if not code.startswith("2")}
    parts = [f"{n} × HTTP {code}" for code, n in sorted(bad.items())]
    parts += [f"{n} × socket {kind}" for kind, n in sorted(socket.items())]
    return ", ".join(parts)


def row_of(record, clk_tck, ceiling_req_s):
    wrk = record["wrk"]
    seconds = wrk["duration_us"] / 1e6
    req_s = wrk["requests"] / seconds if seconds else 0
    items = record.get("items_per_request", 1)
    cpu_us = (record["cpu_ticks"] / clk_tck * 1e6 / wrk["requests"]) if wrk["requests"] else None
    return {
        "req_s": req_s,
        "items_s": req_s * items,
        "items": items,
        "ratio": req_s / ceiling_req_s if ceiling_req_s else None,
        "cpu_us": cpu_us,
        "errors": errors_text(wrk),
        "wrk": wrk,
    }


def scenario_table(records, clk_tck, ceiling_req_s, size, v2_req_s=None):
    """The markdown rows of one size's scenarios; with v2_req_s (NGSIv2 scenario -> req/s), the
    NGSI-LD table: a "vs v2" column compares each row with its NGSIv2 counterpart."""
    compare = v2_req_s is not None
    lines = [
        "| scenario | req/s | p50 | p99 | vs ceiling |" + (" vs v2 |" if compare else "")
        + " server CPU/req | peak RSS | errors | goal | verdict |",
        "|---|--:|--:|--:|--:|" + ("--:|" if compare else "") + "--:|--:|---|---|---|",
    ]
    anomalies = []
    for record in records:
        name = record["scenario"]
        if record["wrk"] is None:
            lines.append(f"| {name} | — | — | — | — |" + (" — |" if compare else "")
                         + " — | — | server not running | — | **FAILED** |")
            anomalies.append(f"{size}: {name} did not run: the server had exited")
            continue
        row = row_of(record, clk_tck, ceiling_req_s)
        req = f"{row['req_s']:,.0f}"
        cpu = "—" if row["cpu_us"] is None else f"{row['cpu_us']:,.0f} µs"
        if row["items"] > 1:
            req += f" ({row['items_s']:,.0f} entities/s)"
            if row["cpu_us"] is not None:
                cpu += f" ({row['cpu_us'] / row['items']:,.1f} µs/entity)"
        ratio = "—" if row["ratio"] is None else f"{row['ratio'] * 100:.0f}%"
        goal_text, check = GOALS.get(LD_COUNTERPARTS.get(name, name), ("—", None))
        versus = ""
        if compare:
            v2 = v2_req_s.get(LD_COUNTERPARTS.get(name))
            versus = f" {row['req_s'] / v2 * 100:.0f}% |" if v2 else " — |"
        verdict = "—" if check is None else ("met" if check(row) else "**missed**")
        if row["errors"]:
            verdict = "**errors**"
            anomalies.append(f"{size}: {name}: {row['errors']}")
        if not record.get("server_alive", True):
            verdict = "**server died**"
            anomalies.append(f"{size}: the server exited during {name}")
        if row["wrk"]["requests"] == 0:
            anomalies.append(f"{size}: {name}: no request completed within the run")
        if record.get("busy_after_s", 0) > 1:
            anomalies.append(
                f"{size}: {name}: the server stayed busy {record['busy_after_s']} s after wrk "
                "stopped (finishing the requests still in flight; the next scenario waited)")
        if check is not None and not check(row):
            measured = (f"{row['items_s']:,.0f} entities/s" if row["items"] > 1
                        else f"{row['req_s']:,.0f} req/s")
            anomalies.append(f"{size}: {name} below goal ({goal_text}): {measured}")
        lines.append(
            f"| {name} | {req} | {ms(row['wrk']['latency_us']['p50'])} "
            f"| {ms(row['wrk']['latency_us']['p99'])} | {ratio} |{versus} {cpu} "
            f"| {mb(record.get('vmhwm_kb'))} | {row['errors'] or '0'} | {goal_text} | {verdict} |")
    return lines, anomalies


def render(records):
    meta = next(r for r in records if r["kind"] == "meta")
    clk_tck = meta["clk_tck"]
    ceiling = next((r for r in records if r["kind"] == "scenario" and r["scenario"] == "ceiling"),
                   None)
    ceiling_row = row_of(ceiling, clk_tck, None) if ceiling and ceiling["wrk"] else None
    ceiling_req_s = ceiling_row["req_s"] if ceiling_row else None
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    out = [
        "# Benchmark results",
        "",
        "Latest run, written by `bench/report.py` at the end of `bench/run.sh` "
        "(how to run and what each scenario does: `bench/README.md`).",
        "",
        "```sh",
        meta["command"],
        "```",
        "",
        f"- Date: {now}",
        f"- Machine: {machine()}; load average at start: {meta.get('loadavg', '?')}",
        f"- Commit: {revision()}, release preset",
        f"- Load: {meta['wrk']}, `wrk -t1 -c{meta['connections']} -d{meta['duration_s']}s "
        f"--latency`, one run per scenario; server `renkei serve --threads "
        f"{meta['server_threads']}` (SQLite store, WAL, fsync before acknowledging); wrk, the server and "
        f"the loader share the same cores",
        "",
        "## HTTP ceiling",
        "",
    ]
    anomalies = []
    if ceiling_row:
        out += [
            "`ceiling_server`: the same `http::Server` with a handler answering a fixed "
            "`{\"ok\":true}`.",
            "",
            "| req/s | p50 | p99 | server CPU/req | errors |",
            "|--:|--:|--:|--:|---|",
            f"| {ceiling_req_s:,.0f} | {ms(ceiling_row['wrk']['latency_us']['p50'])} "
            f"| {ms(ceiling_row['wrk']['latency_us']['p99'])} | {ceiling_row['cpu_us']:,.0f} µs "
            f"| {ceiling_row['errors'] or '0'} |",
        ]
        if ceiling_row["errors"]:
            anomalies.append(f"ceiling: {ceiling_row['errors']}")
    else:
        out.append("The ceiling run failed; ratios are not available.")
        anomalies.append("ceiling run failed")

    sizes = sorted({r["size"] for r in records if r["kind"] in ("preload", "size")})
    for size in sizes:
        out += ["", f"## {size:,} entities", ""]
        preload = next((r for r in records if r["kind"] == "preload" and r["size"] == size), None)
        if preload and preload["load"]:
            load = preload["load"]
            rate = load["entities"] / load["seconds"] if load["seconds"] else 0
            cpu = preload["cpu_ticks"] / clk_tck * 1e6 / load["entities"]
            out.append(
                f"Preload: {load['entities']:,} entities in {load['seconds']:.1f} s = "
                f"**{rate:,.0f} entities/s** (POST /v2/op/update append, 1000 a request, "
                f"4 connections from bench/load.py), server CPU {cpu:.1f} µs/entity"
                + (f"; problems: {'; '.join(load['problems'])}" if load["problems"] else "")
                + ".")
            if load["problems"]:
                anomalies.append(f"{size}: preload: {'; '.join(load['problems'])}")
        else:
            out.append("Preload failed (no summary from bench/load.py).")
            anomalies.append(f"{size}: preload failed")
        out.append("")
        scenario_records = [r for r in records
                            if r["kind"] == "scenario" and r["size"] == size]
        v2_records = [r for r in scenario_records if r["scenario"] not in LD_COUNTERPARTS]
        ld_records = [r for r in scenario_records if r["scenario"] in LD_COUNTERPARTS]
        if v2_records:
            lines, found = scenario_table(v2_records, clk_tck, ceiling_req_s, size)
            out += ["NGSIv2:", ""] + lines
            anomalies += found
        if ld_records:
            v2_req_s = {r["scenario"]: row_of(r, clk_tck, None)["req_s"]
                        for r in v2_records if r["wrk"] is not None}
            lines, found = scenario_table(ld_records, clk_tck, ceiling_req_s, size, v2_req_s)
            if v2_records:
                out.append("")
            out += ["NGSI-LD, same entities (default @context; goals of the NGSIv2 "
                    "counterpart; vs v2: req/s over the counterpart's):", ""] + lines
            anomalies += found
        end = next((r for r in records if r["kind"] == "size" and r["size"] == size), None)
        if end:
            hwm = end["vmhwm_kb"]
            verdict = ""
            if hwm is not None and size >= 1_000_000:
                met = hwm * 1024 < MEMORY_GOAL_BYTES
                verdict = f" Goal < 1 GB at 1M: {'met' if met else '**missed**'}."
                if not met:
                    anomalies.append(f"{size}: peak RSS {mb(hwm)} over the 1 GB goal")
            out += ["", f"Memory at the end: peak RSS (VmHWM) {mb(hwm)}, current RSS (VmRSS) "
                        f"{mb(end['vmrss_kb'])}; database directory "
                        f"{end['db_bytes'] / 1048576:,.0f} MB; server exit status "
                        f"{end['exit_status']} after SIGTERM.{verdict}"]
            if end["exit_status"] not in (0, None):
                anomalies.append(f"{size}: server exit status {end['exit_status']}")

    out += [
        "",
        "## What is measured",
        "",
        "- req/s, p50, p99: wrk's figures over the whole run (p50/p99 from `--latency`); a "
        "request counts as an error when its status is not 2xx (counted in the Lua scripts) or "
        "the socket failed; a row with errors is flagged.",
        "- vs ceiling: req/s divided by the ceiling's req/s in the same run.",
        "- server CPU/req: the server process's utime+stime (/proc/PID/stat fields 14 and 15) "
        "consumed during the scenario, divided by the requests completed. It stays comparable "
        "when the machine is shared, unlike req/s; it includes the store's writer thread.",
        "- Between scenarios the harness waits until the server is idle, so requests still in "
        "flight when wrk stops do not burden the next scenario; their CPU time is not counted.",
        "- peak RSS: VmHWM of the server after the scenario (the peak since it started, so it "
        "includes the preload).",
        "- Scenarios run in this order on one server per data set: "
        + ", ".join(f"{name} ({DESCRIPTIONS[name]})" for name in DESCRIPTIONS
                    if name != "ceiling")
        + ". Writes come after the reads so the reads see the data set as loaded; the creates "
        "run last because they grow the data set. The ld_ scenarios use NGSI-LD on the entities "
        "loaded through NGSIv2, with the goals of their NGSIv2 counterparts.",
        "- Writes are acknowledged after a durable commit (group commit, WAL fsynced before the acknowledgement) "
        "on the machine's disk.",
        "- Load generator and server share the cores (2 HTTP threads + the store's writer "
        "thread vs wrk's one thread), so req/s is a lower bound of what a dedicated server "
        "machine would do.",
    ]
    if anomalies:
        out += ["", "## Anomalies", ""] + [f"- {a}" for a in anomalies]
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--output")
    args = parser.parse_args()
    with open(args.results) as results:
        records = [json.loads(line) for line in results if line.strip()]
    text = render(records)
    sys.stdout.write(text)
    if args.output:
        with open(args.output, "w") as output:
            output.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
