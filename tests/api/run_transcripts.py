#!/usr/bin/env python3
"""Runs the HTTP transcript tests under tests/api/ against a fresh renkei server per file.

A transcript is a plain-text file of exchanges (request, then the expected status, headers and
body); the format is described in tests/api/README.md. For each file the runner starts
`renkei serve` on a free port with a new temporary data directory, plays the exchanges in order
over one keep-alive connection, stops the server with SIGTERM (it must exit, cleanly, within 10 s)
and reports each failure as file:line with expected and actual values. The last line printed is
exactly "N passed, N failed", counting exchanges (a server that fails to stop counts as one more
failure). Exit status: 0 when nothing failed, 1 otherwise, 2 on usage errors.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import glob
import http.client
import json
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

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))

# Placeholders usable in expected header values, inside expected JSON strings and in raw bodies.
PLACEHOLDERS = {
    "<any>": r".*",
    "<uuid>": r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    "<iso8601>": (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
                  r"(Z|[+-]\d{2}(:?\d{2})?)?"),
    "<number>": r"-?\d+(\.\d+)?([eE][+-]?\d+)?",
}
DIRECTIVES = {"@unordered", "@subset", "@text", "@ignore-body"}
_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z_0-9]*)\}|\$([A-Za-z_][A-Za-z_0-9]*)")
_CAPTURE_RE = re.compile(
    r"^capture\s+(?P<header>[^\s:]+)(?:\s+~\s+(?P<regex>.+?))?\s+as\s+\$?(?P<name>[A-Za-z_]\w*)$")
_HEADER_RE = re.compile(r"^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*)$")


class TranscriptError(Exception):
    """A syntax error in a transcript file; carries file:line."""


@dataclass
class Capture:
    header: str
    regex: str | None
    name: str
    line: int


@dataclass
class Exchange:
    title: str
    line: int                       # line of the "###" title
    method: str = ""
    target: str = ""
    request_line: int = 0
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str | None = None
    status: int = 0
    status_line: int = 0
    expect_headers: list[tuple[str, str, int]] = field(default_factory=list)
    captures: list[Capture] = field(default_factory=list)
    directives: set[str] = field(default_factory=set)
    expect_body: str | None = None
    expect_body_line: int = 0
    restart: bool = False           # an "@restart" exchange: restart the server on the same data


# -- parsing ---------------------------------------------------------------------------------------

def _trim_blank(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    while lines and lines[-1][1].strip() == "":
        lines.pop()
    while lines and lines[0][1].strip() == "":
        lines.pop(0)
    return lines


_SERVER_ARGS_RE = re.compile(r"^#\s*server-args:\s*(.*)$")


def server_args_of(text: str, here: str = ".") -> list[str]:
    """Extra `renkei serve` arguments from "# server-args: ..." comment lines before the first
    exchange (several lines add up); `{here}` in them is the transcript's directory."""
    args: list[str] = []
    for line in text.split("\n"):
        if line.startswith("###"):
            break
        m = _SERVER_ARGS_RE.match(line.rstrip("\r"))
        if m:
            args += [a.replace("{here}", here) for a in m.group(1).split()]
    return args


_REPEAT_RE = re.compile(r"\{\{repeat (\d+) (.*?)\}\}", re.S)


def expand_body(body: str) -> str:
    """Expands {{repeat N TEXT}} to TEXT written N times (long names, large bodies). Applies to
    request targets, request header values, request bodies and expected bodies."""
    return _REPEAT_RE.sub(lambda m: m.group(2) * int(m.group(1)), body)


def parse_transcript(path: str, text: str) -> list[Exchange]:
    """Parses a transcript; raises TranscriptError with file:line on malformed input."""
    def err(line, msg):
        raise TranscriptError("%s:%d: %s" % (path, line, msg))

    blocks: list[tuple[int, str, list[tuple[int, str]]]] = []
    for n, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if line.startswith("###"):
            blocks.append((n, line[3:].strip(), []))
        elif blocks:
            blocks[-1][2].append((n, line))
        elif line.strip() and not line.startswith("#"):
            err(n, "text before the first '###' exchange title (comments start with '#')")

    exchanges = []
    for start, title, lines in blocks:
        ex = Exchange(title or "(untitled)", start)
        content = [(n, l) for n, l in lines if l.strip() and not l.startswith("#")]
        if content and content[0][1].strip() == "@restart":
            if len(content) != 1:
                err(content[1][0], "an @restart exchange has nothing but the @restart line")
            ex.restart, ex.request_line = True, content[0][0]
            exchanges.append(ex)
            continue
        split = next((i for i, (_, l) in enumerate(lines) if l.strip() == "--- expect"), None)
        if split is None:
            err(start, "exchange has no '--- expect' line")
        req, exp = lines[:split], lines[split + 1:]

        # request: comments, method line, headers, blank, body
        i = 0
        while i < len(req) and (req[i][1].strip() == "" or req[i][1].startswith("#")):
            i += 1
        if i == len(req):
            err(start, "exchange has no request line")
        n, first = req[i]
        parts = first.split(None, 1)
        if len(parts) == 2:
            parts[1] = parts[1].strip()
        if len(parts) != 2 or len(_REPEAT_RE.sub("x", parts[1]).split()) != 1:
            err(n, "request line must be 'METHOD /path', got %r" % first)
        ex.method, ex.target, ex.request_line = parts[0], parts[1], n
        i += 1
        while i < len(req) and req[i][1].strip() != "":
            n, l = req[i]
            m = _HEADER_RE.match(l)
            if not m:
                err(n, "malformed request header %r" % l)
            ex.headers.append((m.group(1), m.group(2)))
            i += 1
        body = _trim_blank(req[i:])
        if body:
            ex.body = "\n".join(l for _, l in body)

        # expectation: status, header expectations/captures/directives, blank, body
        exp = list(exp)
        while exp and exp[0][1].strip() == "":
            exp.pop(0)
        if not exp:
            err(lines[split][0], "'--- expect' must be followed by a status code")
        n, status = exp[0]
        if not re.fullmatch(r"\d{3}", status.strip()):
            err(n, "expected a 3-digit status code, got %r" % status)
        ex.status, ex.status_line = int(status), n
        j = 1
        while j < len(exp) and exp[j][1].strip() != "":
            n, l = exp[j]
            s = l.strip()
            if s.startswith("@"):
                if s not in DIRECTIVES:
                    err(n, "unknown directive %s (known: %s)" % (s, ", ".join(sorted(DIRECTIVES))))
                ex.directives.add(s)
            elif s.startswith("capture "):
                m = _CAPTURE_RE.match(s)
                if not m:
                    err(n, "capture syntax: capture HEADER [~ REGEX] as $name")
                ex.captures.append(Capture(m.group("header"), m.group("regex"), m.group("name"), n))
            else:
                m = _HEADER_RE.match(l)
                if not m:
                    err(n, "malformed expected header %r" % l)
                ex.expect_headers.append((m.group(1), m.group(2).strip(), n))
            j += 1
        body = _trim_blank(exp[j:])
        if body:
            ex.expect_body = "\n".join(l for _, l in body)
            ex.expect_body_line = body[0][0]
        exchanges.append(ex)
    return exchanges


# -- matching --------------------------------------------------------------------------------------

def substitute(text: str, variables: dict[str, str]) -> str:
    """Replaces $name / ${name} for captured variables only (so "$inc" in a body stays)."""
    def repl(m):
        name = m.group(1) or m.group(2)
        return variables[name] if name in variables else m.group(0)
    return _VAR_RE.sub(repl, text)


def pattern_of(expected: str) -> re.Pattern:
    """A full-match regex for a string that may contain placeholders."""
    pieces = re.split("(%s)" % "|".join(re.escape(p) for p in PLACEHOLDERS), expected)
    return re.compile("".join(PLACEHOLDERS.get(p, re.escape(p)) for p in pieces), re.S)


def text_matches(expected: str, actual: str) -> bool:
    return pattern_of(expected).fullmatch(actual) is not None


def _kind(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def json_diff(exp, act, path: str, unordered: bool, subset: bool) -> str | None:
    """Returns a description of the first difference, or None when act matches exp."""
    if isinstance(exp, str) and exp == "<any>":
        return None
    if isinstance(exp, str) and any(p in exp for p in PLACEHOLDERS):
        if isinstance(act, str) and text_matches(exp, act):
            return None
        return "%s: expected %s, got %s" % (path, json.dumps(exp), json.dumps(act))
    if _kind(exp) != _kind(act):
        return "%s: expected %s %s, got %s %s" % (path, _kind(exp), json.dumps(exp),
                                                  _kind(act), json.dumps(act))
    if isinstance(exp, dict):
        for k, v in exp.items():
            sub = "%s.%s" % (path, k)
            if v == "<absent>":
                if k in act:
                    return "%s: expected absent, got %s" % (sub, json.dumps(act[k]))
                continue
            if k not in act:
                return "%s: missing (expected %s)" % (sub, json.dumps(v))
            d = json_diff(v, act[k], sub, unordered, subset)
            if d:
                return d
        if not subset:
            extra = [k for k in act if k not in exp]
            if extra:
                return "%s: unexpected member %r: %s" % (path, extra[0], json.dumps(act[extra[0]]))
        return None
    if isinstance(exp, list):
        if len(exp) != len(act):
            return "%s: expected %d elements, got %d: %s" % (path, len(exp), len(act),
                                                             json.dumps(act))
        if not unordered:
            for i, (e, a) in enumerate(zip(exp, act)):
                d = json_diff(e, a, "%s[%d]" % (path, i), unordered, subset)
                if d:
                    return d
            return None
        left = list(range(len(act)))
        for i, e in enumerate(exp):
            hit = next((j for j in left if json_diff(e, act[j], "", True, subset) is None), None)
            if hit is None:
                return "%s: no element matches expected [%d] %s" % (path, i, json.dumps(e))
            left.remove(hit)
        return None
    if exp != act:
        return "%s: expected %s, got %s" % (path, json.dumps(exp), json.dumps(act))
    return None


# -- server and HTTP -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A renkei process with its own temp data dir; stop() enforces the 10 s shutdown rule."""

    def __init__(self, binary: str, extra_args: list[str] | None = None,
                 startup_timeout: float = 60.0):
        self.dir = tempfile.mkdtemp(prefix="renkei-transcript-")
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "server.log")
        self.data_dir = os.path.join(self.dir, "data")
        os.mkdir(self.data_dir)
        self.argv = [binary, "serve", "--listen", "127.0.0.1:%d" % self.port, "--data-dir",
                     self.data_dir, "--log-level", "warn"] + list(extra_args or [])
        self.startup_timeout = startup_timeout
        self._start()

    def _start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT)
        startup_timeout = self.startup_timeout
        deadline = time.monotonic() + startup_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited with code %s during start-up\n%s"
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
                    raise RuntimeError("server did not answer GET /version within %.0f s"
                                       % startup_timeout)
                time.sleep(0.05)

    def log_tail(self, limit: int = 3000) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-limit:].decode("utf-8", errors="replace")
        except OSError:
            return ""

    def restart(self) -> str | None:
        """SIGTERM (clean exit within 10 s required), then start again on the same port and data
        directory. Returns a problem description, or None if both went well."""
        problem = self._terminate()
        if problem:
            return problem + "\n" + self.log_tail()
        try:
            self._start()
        except (RuntimeError, OSError) as e:
            return "restart: %s" % e
        return None

    def _terminate(self) -> str | None:
        problem = None
        if self.proc.poll() is not None:
            problem = "server had already exited with code %s" % self.proc.returncode
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
                if self.proc.returncode not in (0, -signal.SIGTERM):
                    problem = "server exited with code %s after SIGTERM" % self.proc.returncode
            except subprocess.TimeoutExpired:
                problem = "server did not exit within 10 s of SIGTERM (killed)"
                self.proc.kill()
                self.proc.wait()
        return problem

    def stop(self) -> str | None:
        """SIGTERM and wait up to 10 s. Returns a problem description, or None if clean."""
        problem = self._terminate()
        if problem:
            problem += "\n" + self.log_tail()
        shutil.rmtree(self.dir, ignore_errors=True)
        return problem


class Connection:
    """One keep-alive HTTP/1.1 connection, reopened only if the server closes it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method, target, headers, body: bytes | None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                names = {k.lower() for k, _ in headers}
                self.conn.putrequest(method, target, skip_host="host" in names,
                                     skip_accept_encoding=True)
                for k, v in headers:
                    self.conn.putheader(k, v)
                if body is not None and "content-length" not in names:
                    self.conn.putheader("Content-Length", str(len(body)))
                self.conn.endheaders(body)
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.will_close:
                    self.close()
                return resp.status, resp.getheaders(), data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# -- running ---------------------------------------------------------------------------------------

@dataclass
class Failure:
    where: str   # file:line
    title: str
    message: str


def check_exchange(path: str, ex: Exchange, status: int, headers: list[tuple[str, str]],
                   data: bytes, variables: dict[str, str]) -> list[str]:
    """Returns "line: message" strings for every mismatch of one exchange."""
    problems = []
    rel = os.path.relpath(path)
    if status != ex.status:
        problems.append("%s:%d: status: expected %d, got %d" % (rel, ex.status_line, ex.status,
                                                                 status))
    lower: dict[str, list[str]] = {}
    for k, v in headers:
        lower.setdefault(k.lower(), []).append(v)
    for name, value, line in ex.expect_headers:
        got = lower.get(name.lower())
        value = substitute(value, variables)
        if value == "<absent>":
            if got is not None:
                problems.append("%s:%d: header %s: expected absent, got %r" % (rel, line, name,
                                                                               got[0]))
        elif got is None:
            problems.append("%s:%d: header %s: expected %r, but it is absent" % (rel, line, name,
                                                                                  value))
        elif not any(text_matches(value, g) for g in got):
            problems.append("%s:%d: header %s: expected %r, got %r" % (rel, line, name, value,
                                                                       got[0] if len(got) == 1
                                                                       else got))
    for cap in ex.captures:
        got = lower.get(cap.header.lower())
        if got is None:
            problems.append("%s:%d: capture: header %s is absent" % (rel, cap.line, cap.header))
            continue
        value = got[0]
        if cap.regex:
            m = re.search(cap.regex, value)
            if not m:
                problems.append("%s:%d: capture: %r does not match %s" % (rel, cap.line, value,
                                                                          cap.regex))
                continue
            value = m.group(1) if m.groups() else m.group(0)
        variables[cap.name] = value

    if "@ignore-body" in ex.directives:
        return problems
    text = data.decode("utf-8", errors="replace")
    line = ex.expect_body_line or ex.status_line
    if ex.expect_body is None:
        if data:
            problems.append("%s:%d: body: expected none, got %s" % (rel, line, _clip(text)))
        return problems
    expected = expand_body(substitute(ex.expect_body, variables))
    exp_json = None
    if "@text" not in ex.directives:
        try:
            exp_json = json.loads(expected)
        except ValueError:
            exp_json = None
    if exp_json is None:
        if not text_matches(expected.rstrip("\n"), text.rstrip("\n")):
            problems.append("%s:%d: body: expected text %s, got %s" % (rel, line, _clip(expected),
                                                                       _clip(text)))
        return problems
    try:
        act_json = json.loads(text)
    except ValueError:
        problems.append("%s:%d: body: expected JSON, got %s" % (rel, line, _clip(text)))
        return problems
    d = json_diff(exp_json, act_json, "body", "@unordered" in ex.directives,
                  "@subset" in ex.directives)
    if d:
        problems.append("%s:%d: %s\n      actual body: %s" % (rel, line, d, _clip(text, 400)))
    return problems


def _clip(s: str, n: int = 200) -> str:
    s = s.replace("\r", "\\r").replace("\n", "\\n")
    return "<%s>" % (s if len(s) <= n else s[:n] + "...")


def run_file(path: str, server_bin: str, filt: str | None, verbose: bool,
             host_port: tuple[str, int] | None) -> tuple[int, list[Failure]]:
    rel = os.path.relpath(path)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        exchanges = parse_transcript(rel, text)
    except TranscriptError as e:
        return 0, [Failure(str(e).split(": ", 1)[0], "(parse)", str(e))]
    if filt:
        # the filter selects exchanges by title or file name; a file's earlier exchanges still
        # run (they set up state) but only selected ones are counted
        selected = [filt in ex.title or filt in rel for ex in exchanges]
        if not any(selected):
            return 0, []
        last = max(i for i, s in enumerate(selected) if s)
        exchanges, selected = exchanges[:last + 1], selected[:last + 1]
    else:
        selected = [True] * len(exchanges)
    if verbose:
        print("== %s (%d exchanges)" % (rel, sum(selected)))

    failures: list[Failure] = []
    server = None
    try:
        if host_port:
            host, port = host_port
        else:
            here = os.path.dirname(os.path.abspath(path))
            server = Server(server_bin, server_args_of(text, here))
            host, port = "127.0.0.1", server.port
    except (RuntimeError, OSError) as e:
        return 0, [Failure("%s:%d" % (rel, ex.line), ex.title, "server start: %s" % e)
                   for ex, s in zip(exchanges, selected) if s]

    passed = 0
    conn = Connection(host, port)
    variables: dict[str, str] = {}
    try:
        for ex, counted in zip(exchanges, selected):
            where = "%s:%d" % (rel, ex.line)
            if ex.restart:
                conn.close()
                if server is None:
                    problem = "@restart needs a server started by the runner (not --connect)"
                else:
                    problem = server.restart()
                problems = ["%s:%d: %s" % (rel, ex.request_line, problem)] if problem else []
                if counted and problems:
                    failures.append(Failure(where, ex.title, "\n    ".join(problems)))
                elif counted:
                    passed += 1
                if verbose and counted:
                    print("   %s %s %s" % ("FAIL" if problems else "ok  ", where, ex.title))
                if problems:
                    break           # no server to talk to any more
                continue
            target = expand_body(substitute(ex.target, variables))
            headers = [(k, expand_body(substitute(v, variables))) for k, v in ex.headers]
            body = (expand_body(substitute(ex.body, variables)).encode("utf-8")
                    if ex.body is not None else None)
            try:
                status, resp_headers, data = conn.request(ex.method, target, headers, body)
            except (OSError, http.client.HTTPException) as e:
                problems = ["%s:%d: request failed: %s" % (rel, ex.request_line, e)]
            else:
                problems = check_exchange(path, ex, status, resp_headers, data, variables)
            if not counted:
                if problems and verbose:
                    print("   (setup exchange %s failed)" % where)
                continue
            if problems:
                failures.append(Failure(where, ex.title, "\n    ".join(problems)))
                if verbose:
                    print("   FAIL %s %s" % (where, ex.title))
            else:
                passed += 1
                if verbose:
                    print("   ok   %s %s" % (where, ex.title))
    finally:
        conn.close()
        if server:
            problem = server.stop()
            if problem:
                failures.append(Failure(rel, "(server shutdown)", problem))
    return passed, failures


def default_server() -> str | None:
    found = glob.glob(os.path.join(REPO_ROOT, "build", "*", "src", "app", "renkei"))
    found = [f for f in found if os.access(f, os.X_OK)]
    return max(found, key=os.path.getmtime) if found else None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Run tests/api HTTP transcripts against renkei.")
    ap.add_argument("paths", nargs="*",
                    help="transcript files or directories (default: every *.txt under tests/api)")
    ap.add_argument("--server", help="renkei binary (default: newest build/*/src/app/renkei)")
    ap.add_argument("--filter", help="only exchanges whose title or file path contains SUBSTR")
    ap.add_argument("--connect", metavar="HOST:PORT",
                    help="use an already running server instead of starting one per file "
                         "(state is then shared between files)")
    ap.add_argument("--include-pending", action="store_true",
                    help="also run transcripts under pending/ directories (known discrepancies, "
                         "skipped by default when a directory is scanned)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every exchange")
    args = ap.parse_args(argv)

    paths = args.paths or [HERE]
    files: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(f for f in glob.glob(os.path.join(p, "**", "*.txt"), recursive=True)
                            if os.path.basename(f) != "CMakeLists.txt"
                            and (args.include_pending
                                 or "pending" not in os.path.relpath(f, p).split(os.sep)[:-1]))
        elif os.path.isfile(p):
            files.append(p)
        else:
            print("no such file or directory: %s" % p, file=sys.stderr)
            return 2
    if not files:
        print("no transcripts found", file=sys.stderr)
        return 2

    host_port = None
    server_bin = None
    if args.connect:
        host, _, port = args.connect.rpartition(":")
        host_port = (host or "127.0.0.1", int(port))
    else:
        server_bin = args.server or default_server()
        if not server_bin or not os.access(server_bin, os.X_OK):
            print("renkei binary not found (build it or pass --server PATH)", file=sys.stderr)
            return 2

    total_passed, all_failures = 0, []
    for path in files:
        passed, failures = run_file(path, server_bin, args.filter, args.verbose, host_port)
        total_passed += passed
        all_failures += failures
        for f in failures:
            print("FAIL %s  %s\n    %s" % (f.where, f.title, f.message), flush=True)
    print("%d passed, %d failed" % (total_passed, len(all_failures)))
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())
