#!/usr/bin/env python3
"""Durability under kill -9: run crash_writer, SIGKILL it at a random moment, repeat a few
times on the same data directory (each start recovers the WAL), then check that every id the
writer acknowledged (printed after WriteDone) is in the database, read with Python's sqlite3
module so the check does not trust the code under test.

With `write-log` as second argument the store acknowledges from its write log (ADR 0013
option B): acknowledged writes may then be in the log only when the writer dies, so the
check first lets the store replay it (`crash_writer DIR --recover`)."""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time


def wait_for_first_ack(path: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Returns once the writer printed one complete line (or exited, or timeout passed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        with open(path, "rb") as f:
            if b"\n" in f.read():
                return
        time.sleep(0.02)


def main() -> int:
    writer = sys.argv[1]
    mode = sys.argv[2:3]  # [] or ["write-log"]
    rounds = int(os.environ.get("CRASH_ROUNDS", "5"))
    with tempfile.TemporaryDirectory(prefix="renkei-crash-") as data_dir:
        acknowledged = []
        for r in range(rounds):
            out_path = os.path.join(data_dir, f"ack-{r}.txt")
            with open(out_path, "wb") as out:
                proc = subprocess.Popen([writer, data_dir, f"r{r}"] + mode, stdout=out)
                if r % 2 == 1:
                    # Early: may land in start-up, i.e. in the recovery of the last round.
                    time.sleep(random.uniform(0.0, 0.5))
                else:
                    # At a random moment once writes are being acknowledged: a sanitizer
                    # build on a busy machine can take longer than a fixed delay to start.
                    wait_for_first_ack(out_path, proc)
                    time.sleep(random.uniform(0.0, 1.2))
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            with open(out_path, encoding="utf-8", errors="replace") as f:
                lines = f.read().split("\n")
            # The last line may be cut by the kill; only complete lines were acknowledged.
            complete = [l for l in lines[:-1] if l]
            acknowledged.extend(complete)
            print(f"round {r}: {len(complete)} acknowledged writes before SIGKILL")
        subprocess.run([writer, data_dir, "--recover"], check=True, timeout=120)
        db = sqlite3.connect(os.path.join(data_dir, "renkei.db"))
        present = {row[0] for row in db.execute("SELECT id FROM entities")}
        db.close()
        missing = [i for i in acknowledged if i not in present]
        if not acknowledged:
            print("no write was acknowledged; the writer did not run")
            return 1
        if missing:
            print(f"LOST {len(missing)} acknowledged writes, e.g. {missing[:5]}")
            return 1
        print(f"all {len(acknowledged)} acknowledged writes survived {rounds} crashes")
        return 0


if __name__ == "__main__":
    sys.exit(main())
