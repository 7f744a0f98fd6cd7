#!/usr/bin/env python3
"""Replays Orion's functional test cases (.test files) against renkei and compares the output.

The SHELL section of each case is interpreted (orion_shell.py, orion_harness.py) instead of being run by bash:
`echo`, variable assignments, `sleep` and `orionCurl` are executed; orionCurl sends the request
the way Orion's harness (harnessFunctions.sh) builds its curl command and prints the response the
way it does (status line, headers, blank line, body pretty-printed by a json.dumps(indent=4,
sort_keys=True) equivalent of jsonBeautifier.py). The output is then compared with the REGEXPECT
section (see orion_case.py). Cases needing what we cannot or do not replay (notification
accumulator, MongoDB commands, NGSIv1, subscriptions, registrations, broker options, ...) are
skipped with the reason.

The Orion repository is read at run time from a local git mirror (or a checkout); nothing from it
is copied. Python 3.11 standard library only. See README.md in this folder.
"""

from __future__ import annotations

import argparse
import fnmatch
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from orion_case import Diff, compare_output, count_steps, parse_test_file  # noqa: E402
from orion_harness import (CaseError, Client, DryClient, Interpreter, Skip,  # noqa: E402
                           check_init)
from orion_shell import ShellSyntaxError, parse_script  # noqa: E402

DEFAULT_ORION_REPO = "/work/.mirror/telefonicaid+fiware-orion/repo"
CASES_DIR = "test/functionalTest/cases"

# Case directories whose names say they are about something we do not replay; the default
# selection is every other directory (cases inside are still skipped individually when needed).
DEFAULT_EXCLUDE = [
    "*ngsi10*", "*ngsi9*", "*_v1_*", "*v1*", "*ngsiv1*", "*convop*", "*conv_op*", "*context*",
    "*subs*", "*subscription*", "*notif*", "*cpr*", "*fwd*", "*forward*", "*registration*",
    "*_reg_*", "*regid*", "*kafka*", "*mqtt*", "*jexl*", "*log*", "*https*", "*cors*", "*_cli*",
    "*ipv6*", "*metrics*", "*statistics*", "*alarm*", "*xauth*", "*federation*", "*cache*",
    "*accumulator*", "*valgrind*", "*_sem_*", "*killer_request*", "*env_vars*", "*csub*",
    "*throttling*", "*expiration*", "*writeConcern*", "*time_measures*", "*mongo*",
]


# -- Orion repository access --------------------------------------------------------------------

class OrionRepo:
    """Reads Orion's test files from a bare git mirror (git show) or from a checkout."""

    def __init__(self, path: str, rev: str = "HEAD"):
        self.path = path
        self.rev = rev
        self.is_checkout = os.path.isdir(os.path.join(path, CASES_DIR))
        if not self.is_checkout:
            probe = subprocess.run(["git", "-C", path, "rev-parse", "--verify", rev + "^{commit}"],
                                   capture_output=True, text=True)
            if probe.returncode != 0:
                raise SystemExit("not an Orion checkout or git repository: %s" % path)
        self._files: list[str] | None = None

    def files(self) -> list[str]:
        if self._files is None:
            if self.is_checkout:
                root = os.path.join(self.path, CASES_DIR)
                found = []
                for d, _, fs in os.walk(root):
                    for f in fs:
                        found.append(os.path.relpath(os.path.join(d, f), self.path))
                self._files = sorted(found)
            else:
                out = subprocess.run(["git", "-C", self.path, "ls-tree", "-r", "--name-only",
                                      self.rev, CASES_DIR], capture_output=True, text=True,
                                     check=True).stdout
                self._files = out.split("\n")
            self._files = [f for f in self._files if f.endswith(".test")]
        return self._files

    def read(self, rel: str) -> str:
        if self.is_checkout:
            with open(os.path.join(self.path, rel), encoding="utf-8", errors="replace") as f:
                return f.read()
        out = subprocess.run(["git", "-C", self.path, "show", "%s:%s" % (self.rev, rel)],
                             capture_output=True, check=True).stdout
        return out.decode("utf-8", errors="replace")

    def case_dirs(self) -> list[str]:
        return sorted({f.split("/")[3] for f in self.files() if f.count("/") >= 4})



@dataclass
class CaseResult:
    rel: str
    status: str  # pass | fail | skip | error
    reason: str = ""
    diffs: list[Diff] = field(default_factory=list)
    steps: int = 0
    output: str = ""
    seconds: float = 0.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A fresh renkei in a temp data dir on a free port."""

    def __init__(self, binary: str, startup_timeout: float = 20.0):
        self.dir = tempfile.mkdtemp(prefix="renkei-replay-")
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "server.log")
        self.log = open(self.log_path, "wb")
        data = os.path.join(self.dir, "data")
        os.mkdir(data)
        self.proc = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:%d" % self.port, "--data-dir", data,
             "--log-level", "warn"], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + startup_timeout
        while True:
            if self.proc.poll() is not None:
                raise CaseError("renkei exited with %s at start-up: %s"
                                % (self.proc.returncode, self.log_tail()))
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/version")
                c.getresponse().read()
                c.close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise CaseError("renkei did not answer GET /version within %.0f s"
                                    % startup_timeout)
                time.sleep(0.05)

    def log_tail(self, n: int = 2000) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode("utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self) -> str | None:
        """SIGTERM, then wait 10 s. Returns a problem description or None."""
        problem = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                problem = "renkei did not exit within 10 s of SIGTERM"
                self.proc.kill()
                self.proc.wait()
        else:
            problem = "renkei had exited (code %s) before the end: %s" % (
                self.proc.returncode, self.log_tail())
        if self.proc.returncode not in (0, -signal.SIGTERM) and problem is None:
            problem = "renkei exited with code %s on SIGTERM: %s" % (self.proc.returncode,
                                                                     self.log_tail())
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return problem


def run_case(repo: OrionRepo, rel: str, args) -> CaseResult:
    started = time.monotonic()
    tc = parse_test_file(rel, repo.read(rel))
    for needed in ("SHELL-INIT", "SHELL", "REGEXPECT"):
        if needed not in tc.sections:
            return CaseResult(rel, "skip", "no %s section" % needed)
    reason, multiservice = check_init(tc.sections["SHELL-INIT"])
    if reason:
        return CaseResult(rel, "skip", reason)
    try:
        commands = parse_script(tc.sections["SHELL"], tc.first_lines["SHELL"])
    except ShellSyntaxError as e:
        return CaseResult(rel, "skip", "shell syntax: %s" % e)

    # Feasibility pass without a server: finds every skip reason before anything is started.
    dry = Interpreter(DryClient(), 1026, dry=True)
    try:
        dry.run_init(tc.sections["SHELL-INIT"])
        dry.run(commands)
    except Skip as e:
        return CaseResult(rel, "skip", str(e))
    if not multiservice and len(dry.tenants | ({""} if dry.requests else set())) > 1:
        return CaseResult(rel, "skip", "expects Fiware-Service to be ignored (no -multiservice)")
    if args.dry_run:
        return CaseResult(rel, "pass", "dry run", steps=count_steps(tc.sections["REGEXPECT"]))

    server = None
    problem = None
    try:
        if args.server:
            server = Server(args.server)
            host, port = "127.0.0.1", server.port
        else:
            host, port = args.host, args.port
        client = Client(host, port)
        interp = Interpreter(client, port, dry=False, quiet_seconds=args.quiet_ms / 1000.0)
        try:
            interp.run_init(tc.sections["SHELL-INIT"])
            interp.run(commands)
        except Skip as e:  # only reachable if the live run takes another path than the dry one
            return CaseResult(rel, "skip", str(e))
        finally:
            client.close()
            interp.close()
    except CaseError as e:
        if server:
            problem = server.stop()
            server = None
        return CaseResult(rel, "error", str(e) + ((" / " + problem) if problem else ""),
                          seconds=time.monotonic() - started)
    finally:
        if server:
            problem = server.stop()
    output = "".join(interp.out)
    diffs = compare_output(tc.sections["REGEXPECT"], output, args.ignore_reason)
    result = CaseResult(rel, "fail" if diffs or problem else "pass", problem or "", diffs,
                        count_steps(tc.sections["REGEXPECT"]), output,
                        time.monotonic() - started)
    return result


# -- selection and reporting ---------------------------------------------------------------------

def select_cases(repo: OrionRepo, selectors: list[str], filt: str | None) -> list[str]:
    files = repo.files()
    if not selectors:
        dirs = [d for d in repo.case_dirs()
                if not any(fnmatch.fnmatch(d.lower(), p.lower()) for p in DEFAULT_EXCLUDE)]
        chosen = [f for f in files if f.split("/")[3] in set(dirs)]
    else:
        chosen = []
        for sel in selectors:
            sel = sel.rstrip("/")
            sel = sel.split(CASES_DIR + "/", 1)[-1]
            hits = [f for f in files
                    if f.split(CASES_DIR + "/", 1)[1] == sel
                    or f.split(CASES_DIR + "/", 1)[1].startswith(sel + "/")
                    or fnmatch.fnmatch(f.split(CASES_DIR + "/", 1)[1].split("/")[0], sel)]
            if not hits:
                print("warning: no case matches %s" % sel, file=sys.stderr)
            chosen += [h for h in hits if h not in chosen]
    if filt:
        chosen = [f for f in chosen if filt in f]
    return chosen


def short(rel: str) -> str:
    return rel.split(CASES_DIR + "/", 1)[-1]


def write_report(path: str, results: list[CaseResult], table: list[tuple], totals) -> None:
    lines = ["# Orion functional tests replayed against renkei", "",
             "Generated by tools/orion-replay/replay.py on %s." % time.strftime(
                 "%Y-%m-%d %H:%M:%S"), "",
             "Totals: **%d passed, %d failed, %d skipped** (%d cases)." % totals, "",
             "| directory | passed | failed | skipped |", "| --- | ---: | ---: | ---: |"]
    lines += ["| %s | %d | %d | %d |" % row for row in table]
    failing = [r for r in results if r.status in ("fail", "error")]
    if failing:
        lines += ["", "## Failing cases (first difference of each failing step)", ""]
        for r in failing:
            lines.append("### %s" % short(r.rel))
            if r.reason:
                lines += ["", "Problem: %s" % r.reason]
            if r.diffs:
                lines.append("")
                lines.append("%d of %d steps differ." % (len(r.diffs), max(r.steps, len(r.diffs))))
                for d in r.diffs[:3]:
                    lines += ["", "- step `%s`, REGEXPECT line %d:" % (d.step, d.ref_line),
                              "", "```", "expected: " + d.expected, "actual:   " + d.actual, "```"]
            lines.append("")
    skipped: dict[str, int] = {}
    for r in results:
        if r.status == "skip":
            key = re.sub(r"\(.*\)", "(...)", r.reason) if "NGSIv1" in r.reason else r.reason
            skipped[key] = skipped.get(key, 0) + 1
    if skipped:
        lines += ["", "## Skip reasons", "", "| reason | cases |", "| --- | ---: |"]
        for k, v in sorted(skipped.items(), key=lambda kv: -kv[1]):
            lines.append("| %s | %d |" % (k.replace("|", "\\|"), v))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", nargs="*",
                    help="case directories (e.g. 0970_create_entity), globs, or .test paths "
                         "relative to test/functionalTest/cases; default: the NGSIv2 selection")
    ap.add_argument("--orion-repo", default=DEFAULT_ORION_REPO,
                    help="Orion git mirror or checkout (default: %(default)s)")
    ap.add_argument("--rev", default="HEAD", help="git revision to read (default: HEAD)")
    ap.add_argument("--server", help="renkei binary: start a fresh server per case (normal mode)")
    ap.add_argument("--host", default="127.0.0.1", help="running server (without --server)")
    ap.add_argument("--port", type=int, default=1026, help="running server (without --server)")
    ap.add_argument("--filter", help="only cases whose path contains this substring")
    ap.add_argument("--report", help="write a markdown report to this file")
    ap.add_argument("--ignore-reason", action="store_true",
                    help="compare status lines by code only, not by reason phrase")
    ap.add_argument("--dry-run", action="store_true",
                    help="classify only (parse and find skip reasons), send nothing")
    ap.add_argument("--quiet-ms", type=int, default=500,
                    help="an accumulator dump, count or reset first waits until no notification "
                         "has arrived for this long (default: %(default)s ms)")
    ap.add_argument("--list", action="store_true", help="list selected cases and exit")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print every case, and the full output of failing ones")
    args = ap.parse_args(argv)

    repo = OrionRepo(args.orion_repo, args.rev)
    cases = select_cases(repo, args.cases, args.filter)
    if args.list:
        print("\n".join(short(c) for c in cases))
        return 0
    if not cases:
        print("no cases selected", file=sys.stderr)
        return 2
    if args.server and not os.access(args.server, os.X_OK):
        print("not an executable: %s" % args.server, file=sys.stderr)
        return 2

    results: list[CaseResult] = []
    for rel in cases:
        r = run_case(repo, rel, args)
        results.append(r)
        if args.verbose or r.status in ("fail", "error"):
            tag = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP", "error": "ERROR"}[r.status]
            msg = "%-5s %s" % (tag, short(r.rel))
            if r.status == "skip" or (r.reason and r.status != "pass"):
                msg += "  (%s)" % r.reason
            print(msg, flush=True)
            for d in r.diffs[:1]:
                print("      step %s, REGEXPECT line %d\n      expected: %s\n      actual:   %s"
                      % (d.step, d.ref_line, d.expected, d.actual))
            if args.verbose and r.status == "fail":
                print("      --- output ---\n" + "\n".join("      " + l for l in
                                                         r.output.split("\n")))

    by_dir: dict[str, list[int]] = {}
    for r in results:
        d = short(r.rel).split("/")[0]
        row = by_dir.setdefault(d, [0, 0, 0])
        row[{"pass": 0, "fail": 1, "error": 1, "skip": 2}[r.status]] += 1
    table = [(d, *v) for d, v in sorted(by_dir.items())]
    width = max([len(d) for d in by_dir] + [9])
    print("\n%-*s %7s %7s %8s" % (width, "directory", "passed", "failed", "skipped"))
    for d, p, f, s in table:
        if args.verbose or p or f:
            print("%-*s %7d %7d %8d" % (width, d, p, f, s))
    totals = (sum(t[1] for t in table), sum(t[2] for t in table), sum(t[3] for t in table),
              len(results))
    print("%-*s %7d %7d %8d" % (width, "TOTAL", totals[0], totals[1], totals[2]))
    if args.dry_run:
        print("%d replayable, %d skipped (%d cases); nothing was sent" % (totals[0], totals[2],
                                                                        totals[3]))
    else:
        print("%d passed, %d failed, %d skipped (%d cases)" % totals)
    if args.report:
        write_report(args.report, results, table, totals)
        print("report written to %s" % args.report)
    return 1 if totals[1] else 0


if __name__ == "__main__":
    sys.exit(main())
