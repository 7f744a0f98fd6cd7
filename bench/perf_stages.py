#!/usr/bin/env python3
"""perf_stages.py PERF_DATA: the share of a renkei server's perf samples per write-path stage.

Record the server under load first, e.g. during `wrk ... bench/lua/patch_two_attrs.lua`:
    perf record -F 299 --call-graph dwarf,16384 -p PID -o patch.data -- sleep 10
then `bench/perf_stages.py patch.data` prints a markdown table. A sample counts for the first
stage below whose thread matches and one of whose function names occurs on its call chain
(ADR 0013 "Profile of the single-entity write path" was made with it).
"""
import collections
import subprocess
import sys

# (stage, thread name or None for any, substrings of a frame; "" matches every sample)
STAGES = [
    ("checkpoint run by the writer", "renkei-writer", ["WriterCheckpoint"]),
    ("previous-state read in the unit", "renkei-writer",
     ["UnitTransaction::FindById", "RememberBefore"]),
    ("index maintenance (attr_index, geo, entity_types)", "renkei-writer",
     ["SyncIndexes", "SyncAttributeIndex", "WriteSecondaryTypes", "ReadAttributeRows",
      "GeoRowsMatch", "WriteGeoRows"]),
    ("document encode", "renkei-writer", ["EncodeEntity"]),
    ("entity row INSERT/UPDATE", "renkei-writer", ["PutEntityRow"]),
    ("journal rows", "renkei-writer", ["JournalChanges", "InsertChangeRow"]),
    ("service inside the unit", "renkei-writer", ["renkei::service::"]),
    ("BEGIN/SAVEPOINT/RELEASE/COMMIT (WAL append)", "renkei-writer",
     ["Connection::Exec", "Connection::RunCached", "sqlite3PagerCommitPhaseOne"]),
    ("writer, other", "renkei-writer", [""]),
    ("checkpoint thread", "renkei-ckpt", [""]),
    ("WAL fsync thread and acknowledgements", "renkei-walsync", [""]),
    ("request body parsing", "renkei-http",
     ["boost::json::parse", "boost::json::basic_parser", "boost::json::stream_parser",
      "ParseAttribute", "DecodeAttributes"]),
    ("response rendering", "renkei-http", ["Render", "Serialize", "WriteResponse"]),
    ("service on the http thread", "renkei-http", ["renkei::service::"]),
    ("HTTP (sockets, request parsing, dispatch)", "renkei-http", [""]),
    ("other threads", None, [""]),
]


def stage_of(thread, frames):
    for stage, stage_thread, needles in STAGES:
        if stage_thread is not None and thread != stage_thread:
            continue
        if any(n == "" or any(n in f for f in frames) for n in needles):
            return stage
    return "other threads"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    script = subprocess.run(["perf", "script", "-i", sys.argv[1], "-F", "comm,ip,sym"],
                            capture_output=True, text=True, check=True).stdout
    counts = collections.Counter()
    for block in script.split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        frames = [line.split(None, 1)[1] if " " in line else "" for line in lines[1:]]
        counts[stage_of(lines[0].split()[0], frames)] += 1
    total = sum(counts.values()) or 1
    print("| stage | share of samples |\n|---|--:|")
    for stage, _, _ in STAGES:
        if counts[stage]:
            print(f"| {stage} | {100 * counts[stage] / total:.1f}% |")
    print(f"| (samples) | {total} |")


if __name__ == "__main__":
    main()
