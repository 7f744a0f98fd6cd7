#!/usr/bin/env python3
"""Value indexes on demand through HTTP (ADR 0018), against a real `renkei serve`:
- entities written through NGSIv2 in a tenant; a first `q` query on a name nobody queried is
  answered (by filtering documents) and starts that name's index build, which
  `renkei_store_value_indexes_building` on /metrics shows until it is done;
- once built, the same queries (numbers, strings, ranges, existence, NGSI-LD) give the same
  answers and counts, and entities written afterwards are found through the index;
- after a restart the index is still there (no build starts) and the answers are the same.
Ports 20040-20059. Python standard library only."""
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
from renkei_testlib import Server, check, finish, free_port, server_argument  # noqa: E402

TENANT = {"Fiware-Service": "vindex"}
QUERIES = ["temperature==3", "temperature>4;name=='room 1'", "temperature", "!temperature",
           "temperature==0..2", "name~=room 1"]


def gauge(server):
    text = server.fetch("GET", "/metrics").body.decode()
    for line in text.splitlines():
        if line.startswith("renkei_store_value_indexes_building "):
            return float(line.split()[1])
    check(False, "no renkei_store_value_indexes_building in /metrics")
    return -1


def load(server, first, last):
    entities = []
    for i in range(first, last):
        e = {"id": f"Room{i}", "type": "Room",
             "name": {"type": "Text", "value": f"room {i % 3}"}}
        if i % 7 != 0:
            e["temperature"] = {"type": "Number", "value": i % 6}
        entities.append(e)
    r = server.fetch("POST", "/v2/op/update", {"actionType": "append", "entities": entities},
                     TENANT)
    check(r.status == 204, f"load {first}..{last}: {r.status} {r.body[:200]}")


def answer(server, q):
    r = server.fetch("GET", f"/v2/entities?type=Room&limit=1000&options=count,keyValues&attrs=id"
                     f"&q={q.replace(' ', '%20').replace('>', '%3E')}", headers=TENANT)
    check(r.status == 200, f"q={q}: {r.status} {r.body[:200]}")
    ids = sorted(e["id"] for e in r.json()) if r.status == 200 else []
    check(r.headers.get("fiware-total-count") == str(len(ids)), f"count of q={q}")
    return ids


def ld_answer(server):
    r = server.fetch("GET", "/ngsi-ld/v1/entities?type=Room&limit=1000&q=temperature%3E=4",
                     headers={"NGSILD-Tenant": "vindex"})
    check(r.status == 200, f"LD query: {r.status} {r.body[:200]}")
    return sorted(e["id"] for e in r.json()) if r.status == 200 else []


def wait_built(server):
    deadline = time.time() + 60
    while gauge(server) != 0 and time.time() < deadline:
        time.sleep(0.1)
    check(gauge(server) == 0, "value index builds did not finish")


def main():
    renkei = server_argument()
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "data"
        port = free_port(20040, 20059)
        with Server(renkei, data, port) as server:
            check(gauge(server) == 0, "a build before any query")
            load(server, 0, 900)
            first = {q: answer(server, q) for q in QUERIES}
            first_ld = ld_answer(server)
            check(first["temperature==3"] == sorted(
                f"Room{i}" for i in range(900) if i % 7 != 0 and i % 6 == 3),
                "temperature==3 answered by filtering")
            wait_built(server)
            for q in QUERIES:
                check(answer(server, q) == first[q], f"q={q} through the built index")
            check(ld_answer(server) == first_ld, "the LD query through its own index")
            load(server, 900, 960)
            check(answer(server, "temperature==3") == sorted(
                f"Room{i}" for i in range(960) if i % 7 != 0 and i % 6 == 3),
                "entities written after the build are found")
            after_writes = {q: answer(server, q) for q in QUERIES}
        with Server(renkei, data, port) as server:
            for q in QUERIES:
                check(answer(server, q) == after_writes[q], f"q={q} after a restart")
            check(gauge(server) == 0, "no build after a restart: the indexes are kept")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
