"""Orion's test harness, emulated: the SHELL-section interpreter and orionCurl.

Interpreter runs the commands parsed by orion_shell.py: echo, assignments, export, sleep and
orionCurl, which sends the request the way harnessFunctions.sh builds its curl command and prints
the response the way it does (status line, headers minus Connection, blank line, body collapsed by
an unquoted echo and pretty-printed like jsonBeautifier.py). Anything the replay does not support
raises Skip with the reason. check_init() vets the SHELL-INIT section. Client is the keep-alive
HTTP connection; DryClient stands in for it in the feasibility pass.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import time
from dataclasses import dataclass

from orion_accumulator import Accumulator
from orion_shell import (Command, ShellSyntaxError, assignment_of, expand_word, parse_script,
                         word_text)

# Values for variables the harness exports. Ports of other processes differ from CB_PORT so
# that requests aimed at them are recognised (and the case skipped).
HARNESS_ENV = {
    "CB_DB_NAME": "ftest", "CP1_PORT": "9801", "CP2_PORT": "9802", "CP3_PORT": "9803",
    "CP4_PORT": "9804", "CP5_PORT": "9805", "LISTENER_PORT": "9997", "LISTENER2_PORT": "9977",
    "LISTENER3_PORT": "9762", "LISTENER4_PORT": "9763", "CBHA_PORT": "9999",
    "MQTT_DEBUG_PORT": "18883",  # scripts/testEnv.sh's default; no broker listens there
    "SCRIPT_HOME": "/nonexistent", "HOME": "/nonexistent", "USER": "orion",
}

ALLOWED_BROKER_OPTIONS = {"-multiservice", "-noCache", "-cache", "--noCache", "--cache", "IPV4",
                          "-ipv4"}
# -subCacheIval: Orion's subscription cache refresh; renkei matches against the current
# subscriptions always, so every interval behaves like an immediate refresh.
ALLOWED_BROKER_OPTIONS_WITH_VALUE = {"-notificationMode", "--notificationMode", "-dbPoolSize",
                                     "-logLevel", "-subCacheIval"}

# accumulatorDump/Count/Reset and their 2/3 variants: which port variable each one reads.
_ACCUMULATOR_READERS = {
    "accumulatorDump": ("dump", "LISTENER_PORT"), "accumulator2Dump": ("dump", "LISTENER2_PORT"),
    "accumulator3Dump": ("dump", "LISTENER3_PORT"),
    "accumulatorCount": ("number", "LISTENER_PORT"),
    "accumulator2Count": ("number", "LISTENER2_PORT"),
    "accumulator3Count": ("number", "LISTENER3_PORT"),
    "accumulatorReset": ("reset", "LISTENER_PORT"),
    "accumulator2Reset": ("reset", "LISTENER2_PORT"),
    "accumulator3Reset": ("reset", "LISTENER3_PORT"),
}
# A loopback URL authority whose port may be one of the nominal listener ports.
_LOOPBACK_PORT_RE = re.compile(r"(localhost|127\.0\.0\.1|0\.0\.0\.0):(\d+)(?!\d)")


class Skip(Exception):
    """The case uses something we do not replay; the message is the reason."""


class CaseError(Exception):
    """The replay itself broke (server died, connection failed)."""


# -- HTTP side -----------------------------------------------------------------------------------

class _Conn(http.client.HTTPConnection):
    """Sends the request line as UTF-8 bytes, like curl, instead of refusing non-ASCII."""

    def _encode_request(self, request):  # noqa: D401 - http.client hook
        return request.encode("utf-8", errors="surrogateescape")

    def _validate_path(self, url):
        return


@dataclass
class Response:
    status_line: str
    headers: list[tuple[str, str]]
    body: bytes


class Client:
    """One keep-alive connection to renkei, reopened when the server closes it."""

    def __init__(self, host: str, port: int, timeout: float = 30.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: _Conn | None = None

    def send(self, method: str, target: str, headers: list[tuple[str, str]],
             body: bytes | None) -> Response:
        last_error = None
        for attempt in range(2):
            if self.conn is None:
                self.conn = _Conn(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
                for k, v in headers:
                    self.conn.putheader(k, v)
                self.conn.endheaders(body)
                r = self.conn.getresponse()
                data = r.read()
                version = "HTTP/1.0" if r.version == 10 else "HTTP/1.1"
                resp = Response("%s %d %s" % (version, r.status, r.reason),
                                list(r.getheaders()), data)
                if r.will_close:
                    self.close()
                return resp
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                # A kept-alive connection closed by the server: retry once on a fresh one.
                last_error = e
                self.close()
            except (OSError, http.client.HTTPException) as e:
                self.close()
                raise CaseError("request %s %s failed: %s" % (method, target, e)) from e
        raise CaseError("request %s %s failed: %s" % (method, target, last_error))

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class DryClient:
    """Stands in for the server during the feasibility pass: answers 201 with a Location."""

    def send(self, method, target, headers, body):
        return Response("HTTP/1.1 201 Created",
                        [("Location", "/v2/entities/X?type=T"), ("Content-Length", "0")], b"")

    def close(self):
        pass


# -- the interpreter -----------------------------------------------------------------------------

def _dq_eval(s: str, env: dict[str, str]) -> str:
    """What bash `eval` does to text the harness wrapped in double quotes: \\ escapes, $VAR."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and s[i + 1] in '$`"\\':
            out.append(s[i + 1])
            i += 2
            continue
        if c == "$":
            m = re.match(r"\{([A-Za-z_][A-Za-z_0-9]*)\}|([A-Za-z_][A-Za-z_0-9]*)", s[i + 1:])
            if m:
                out.append(env.get(m.group(1) or m.group(2), ""))
                i += 1 + len(m.group(0))
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _beautify(text: str) -> str:
    """jsonBeautifier.py: pretty-print with sorted keys, or print the parse error."""

    def no_duplicates(pairs):
        d = {}
        for k, v in pairs:
            if k in d:
                raise ValueError("duplicate key: %r" % (k,))
            d[k] = v
        return d

    try:
        doc = json.loads(text, object_pairs_hook=no_duplicates)
        return json.dumps(doc, indent=4, sort_keys=True, ensure_ascii=False)
    except ValueError as e:
        return str(e)


def _collapse(text: str) -> str:
    """`echo $x` with x unquoted: fields split on blanks and newlines, joined by one space."""
    return " ".join(f for f in re.split(r"[ \t\n]+", text) if f)


def _classify_url(path: str) -> str | None:
    p = path.split("?", 1)[0]
    if p.startswith("/v1") or p.startswith("/ngsi10") or p.startswith("/ngsi9"):
        return "NGSIv1 API (%s)" % p
    if p.startswith("/v2/registrations"):
        return "registrations"
    for prefix in ("/admin", "/log", "/statistics", "/cache", "/exit", "/leak", "/ngsi-ld"):
        if p.startswith(prefix):
            return "admin/log/statistics endpoint (%s)" % prefix
    return None


_UNSUPPORTED_COMMANDS = {
    "mongoCmd": "direct MongoDB access", "mongoCmd2": "direct MongoDB access",
    "dbInsertEntity": "direct MongoDB access", "mongo": "direct MongoDB access",
    "mongosh": "direct MongoDB access", "dbDrop": "direct MongoDB access",
    "brokerStart": "broker restart", "brokerStop": "broker restart",
    "localBrokerStart": "broker restart", "contextBroker": "broker command line",
    "kafkaCreateTopics": "Kafka", "kafkaDestroyTopics": "Kafka",
    "debugMmqttBrokerStart": "MQTT", "debugMqttBrokerStop": "MQTT", "cleanMqttRetain": "MQTT",
    "curl": "raw curl call", "curlXmlNoPayload": "raw curl call", "nc": "raw socket",
}


class Interpreter:
    """Runs parsed SHELL commands; writes what bash would have printed into self.out."""

    def __init__(self, client, cb_port: int, dry: bool, quiet_seconds: float = 0.5,
                 accumulator_factory=Accumulator):
        self.client = client
        self.cb_port = cb_port
        self.dry = dry
        self.quiet_seconds = quiet_seconds
        self.accumulator_factory = accumulator_factory  # (url, pretty, port) -> Accumulator
        self.env: dict[str, str] = dict(HARNESS_ENV)
        self.env["CB_PORT"] = str(cb_port)
        self.out: list[str] = []
        self.tenants: set[str] = set()
        self.requests = 0
        # Accumulators by nominal port (the LISTENER_PORT value the case sees, 9997...), and
        # the free loopback port each really listens on. Requests to renkei carry the real
        # port, what renkei answers and what a dump shows carry the nominal one again, so the
        # cases (some of which write 9997 literally) read as in Orion's fixed-port setup.
        self.accumulators: dict[str, Accumulator | None] = {}
        self.real_ports: dict[str, int] = {}
        self.subscribed = False  # a subscription was created (reads of it settle first)

    def close(self) -> None:
        """Stops the accumulators this case started."""
        for acc in self.accumulators.values():
            if acc is not None:
                acc.stop()
        self.accumulators.clear()

    def to_real_ports(self, text: str) -> str:
        return _LOOPBACK_PORT_RE.sub(
            lambda m: "%s:%s" % (m.group(1), self.real_ports.get(m.group(2), m.group(2))), text)

    def to_nominal_ports(self, text: str) -> str:
        nominal = {str(real): nom for nom, real in self.real_ports.items()}
        return _LOOPBACK_PORT_RE.sub(
            lambda m: "%s:%s" % (m.group(1), nominal.get(m.group(2), m.group(2))), text)

    def run_init(self, init_text: str) -> None:
        """Runs the accumulatorStart/Stop commands of SHELL-INIT (check_init vetted the rest)."""
        commands = [c for c in parse_script(init_text)
                    if c.pipeline[0].words and word_text(c.pipeline[0].words[0])
                    in ("accumulatorStart", "accumulatorStop")]
        mark = len(self.out)
        self.run(commands)
        del self.out[mark:]

    # the accumulator commands of harnessFunctions.sh
    def accumulator_start(self, args: list[str]) -> None:
        opts = {"--pretty-print": False, "--url": "/notify"}
        # harnessFunctions.sh reads its options in this fixed order, then bindIp and port.
        for flag, has_value in (("--pretty-print", False), ("--https", False), ("--key", True),
                                ("--cert", True), ("--url", True), ("--mqttHost", True),
                                ("--mqttPort", True), ("--mqttTopic", True),
                                ("--bootstrapServers", True), ("--kafkaTopic", True)):
            if args and args[0] == flag:
                opts[flag] = args[1] if has_value and len(args) > 1 else True
                args = args[2:] if has_value else args[1:]
        if "--https" in opts:
            raise Skip("HTTPS accumulator")
        if "--mqttHost" in opts:
            raise Skip("MQTT")
        if "--bootstrapServers" in opts:
            raise Skip("Kafka")
        bind_ip = args[0] if args else "localhost"
        nominal = args[1] if len(args) > 1 else self.env.get("LISTENER_PORT", "")
        if ":" in bind_ip:
            raise Skip("IPv6 accumulator (%s)" % bind_ip)
        if not re.fullmatch(r"\d+", nominal):
            raise Skip("accumulator port %r" % nominal)
        self.accumulator_stop(nominal)
        if self.dry:
            self.accumulators[nominal] = None
            self.real_ports.setdefault(nominal, int(nominal))
        else:
            url, pretty = str(opts["--url"]), bool(opts["--pretty-print"])
            if nominal in self.real_ports:
                acc = self.accumulator_factory(url, pretty, self.real_ports[nominal])
            else:
                # Requests made before the first start carried the nominal port (a case that
                # subscribes, then starts its accumulator: 3541 *_recovers_*): listen there
                # when it is free, as Orion's fixed-port accumulator does.
                try:
                    acc = self.accumulator_factory(url, pretty, int(nominal))
                except OSError:
                    acc = self.accumulator_factory(url, pretty, 0)
            self.accumulators[nominal] = acc
            self.real_ports[nominal] = acc.port
        self.out.append("accumulator running as PID %d\n" % os.getpid())

    def settle(self) -> None:
        """Lets the notifications already triggered arrive and their outcome be recorded.

        Orion sends a notification in a thread started before it answers the request that
        triggered it, and the cases read the accumulator or the subscription's status right
        after; renkei delivers from its outbox a few milliseconds after the commit. So before
        such a read the replay waits until every accumulator has been quiet for
        quiet_seconds (or, with none running, for quiet_seconds).
        """
        running = [a for a in self.accumulators.values() if a is not None]
        if self.dry:
            return
        if not running:
            time.sleep(self.quiet_seconds)
        for acc in running:
            acc.wait_quiet(self.quiet_seconds)

    def accumulator_stop(self, nominal: str) -> None:
        acc = self.accumulators.pop(nominal, None)
        if acc is not None:
            acc.stop()

    def accumulator_read(self, name: str, args: list[str]) -> None:
        what, variable = _ACCUMULATOR_READERS[name]
        if args and args[0] in ("IPV6", "IPv6"):
            raise Skip("IPv6 accumulator")
        if len(args) > 1 and args[1] == "HTTPS":
            raise Skip("HTTPS accumulator")
        acc = self.accumulators.get(self.env.get(variable, ""))
        if acc is None:
            return  # dry run, or nothing listens there: curl -s prints nothing
        self.settle()
        if what == "dump":
            self.out.append(self.to_nominal_ports(acc.dump()))
        elif what == "number":
            self.out.append(acc.number())
        else:
            acc.reset()

    # command substitution: a pipeline of a few text tools
    def subst(self, body: str) -> str:
        try:
            cmds = parse_script(body)
        except ShellSyntaxError as e:
            raise Skip("shell syntax: %s" % e)
        text = ""
        for cmd in cmds:
            if cmd.unsupported:
                raise Skip(cmd.unsupported)
            text = self._pipeline_text(cmd)
        return text.rstrip("\n")

    def _pipeline_text(self, cmd: Command) -> str:
        data = ""
        for simple in cmd.pipeline:
            args: list[str] = []
            for w in simple.words:
                args.extend(expand_word(w, self.env, self.subst))
            if not args:
                raise Skip("empty command in pipeline")
            data = self._filter(args, data)
        return data

    def _filter(self, args: list[str], data: str) -> str:
        name, rest = args[0], args[1:]
        lines = data.split("\n")
        if data.endswith("\n"):
            lines = lines[:-1]
        if name == "echo":
            return self._echo_text(rest)
        if name == "grep":
            invert = "-v" in rest
            flags = re.I if "-i" in rest else 0
            pats = [a for a in rest if not a.startswith("-")]
            if len(pats) != 1:
                raise Skip("grep form not supported")
            keep = [l for l in lines if bool(re.search(pats[0], l, flags)) != invert]
            return "".join(l + "\n" for l in keep)
        if name == "awk":
            sep = None
            prog = None
            i = 0
            while i < len(rest):
                a = rest[i]
                if a == "-F":
                    sep = rest[i + 1]
                    i += 2
                    continue
                if a.startswith("-F"):
                    sep = a[2:]
                else:
                    prog = a
                i += 1
            m = re.fullmatch(r"\s*\{\s*print\s+\$(\d+)\s*;?\s*\}\s*", prog or "")
            if not m:
                raise Skip("awk program not supported: %s" % prog)
            n = int(m.group(1))
            res = []
            for l in lines:
                if n == 0:
                    res.append(l)
                    continue
                parts = l.split() if sep in (None, " ") else l.split(sep)
                res.append(parts[n - 1] if n - 1 < len(parts) else "")
            return "".join(r + "\n" for r in res)
        if name == "tr" and len(rest) == 2 and rest[0] == "-d":
            chars = rest[1].replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t")
            return "".join(c for c in data if c not in chars)
        if name == "cut":
            m = re.fullmatch(r"-d ?(.) -f ?(\d+)", " ".join(rest))
            if not m:
                raise Skip("cut form not supported")
            return "".join((l.split(m.group(1))[int(m.group(2)) - 1]
                            if len(l.split(m.group(1))) >= int(m.group(2)) else "") + "\n"
                           for l in lines)
        if name in ("head", "tail") and len(rest) == 1 and re.fullmatch(r"-n?\d+", rest[0]):
            n = int(rest[0].lstrip("-n"))
            sel = lines[:n] if name == "head" else lines[-n:]
            return "".join(l + "\n" for l in sel)
        raise Skip("command substitution uses %s" % name)

    @staticmethod
    def _echo_text(args: list[str]) -> str:
        newline, escapes = True, False
        while args and re.fullmatch(r"-[neE]+", args[0]):
            newline = newline and "n" not in args[0]
            escapes = "e" in args[0] or escapes
            args = args[1:]
        text = " ".join(args)
        if escapes:
            text = (text.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\"))
        return text + ("\n" if newline else "")

    # top level
    def run(self, commands: list[Command]) -> None:
        for cmd in commands:
            if cmd.unsupported:
                raise Skip(cmd.unsupported)
            if len(cmd.pipeline) > 1:
                raise Skip("shell pipeline at top level")
            simple = cmd.pipeline[0]
            discard = False
            for op, target in simple.redirs:
                t = word_text(target)
                if t != "/dev/null" and not (op.startswith("2") or op == "&>"):
                    raise Skip("output redirection to %s" % t)
                if t != "/dev/null":
                    raise Skip("redirection to %s" % t)
                if op in (">", "1>", ">>", "&>"):
                    discard = True
            words = simple.words
            if not words:
                continue
            assigns = []
            while words and assignment_of(words[0]) is not None:
                assigns.append(assignment_of(words[0]))
                words = words[1:]
            if assigns and not words:
                for name, value in assigns:
                    self.env[name] = expand_word(value, self.env, self.subst, split=False)[0] \
                        if value else ""
                continue
            if assigns:
                raise Skip("environment prefix on a command")
            args: list[str] = []
            for w in words:
                args.extend(expand_word(w, self.env, self.subst))
            if not args:
                continue
            mark = len(self.out)
            self.builtin(args)
            if discard:
                del self.out[mark:]

    def builtin(self, args: list[str]) -> None:
        name = args[0]
        if name == "echo":
            self.out.append(self._echo_text(args[1:]))
        elif name == "orionCurl":
            self.orion_curl(args[1:])
        elif name in ("sleep", "valgrindSleep"):
            if name == "sleep" and not self.dry:
                try:
                    m = re.fullmatch(r"(\d+(?:\.\d+)?)([sm]?)", args[1])
                    seconds = float(m.group(1)) * (60 if m.group(2) == "m" else 1)
                    time.sleep(min(seconds, 10.0))
                except (IndexError, ValueError, AttributeError):
                    raise Skip("sleep argument %r" % args[1:])
        elif name == "export":
            for a in args[1:]:
                if "=" in a:
                    k, v = a.split("=", 1)
                    self.env[k] = v
        elif name == "accumulatorStart":
            self.accumulator_start(args[1:])
        elif name == "accumulatorStop":
            self.accumulator_stop(args[1] if len(args) > 1 else self.env["LISTENER_PORT"])
        elif name in _ACCUMULATOR_READERS:
            self.accumulator_read(name, args[1:])
        elif name in ("true", ":"):
            pass
        elif name in ("unset",):
            for a in args[1:]:
                self.env.pop(a, None)
        elif name in _UNSUPPORTED_COMMANDS:
            raise Skip(_UNSUPPORTED_COMMANDS[name])
        else:
            raise Skip("shell command %s" % name)

    def orion_curl(self, args: list[str]) -> None:
        o = {"host": "localhost", "port": str(self.cb_port), "url": "", "urlParams": "",
             "method": "", "payload": "", "noPayloadCheck": False, "in": "", "out": ""}
        extra_headers: list[str] = []
        named: list[tuple[str, str]] = []
        i = 0
        while i < len(args):
            a = args[i]
            nxt = args[i + 1] if i + 1 < len(args) else ""
            if a in ("--host", "--port", "--url", "--urlParams", "--payload", "--in", "--out"):
                o[a[2:]] = nxt
                i += 1
            elif a == "-X":
                o["method"] = nxt
                i += 1
            elif a == "--noPayloadCheck":
                o["noPayloadCheck"] = True
            elif a == "--payloadCheck":
                if nxt not in ("json", ""):
                    raise Skip("--payloadCheck %s" % nxt)
                i += 1
            elif a in ("--servicePath", "--tenant", "--origin", "--correlator", "--xauthToken"):
                hname = {"--servicePath": "Fiware-ServicePath", "--tenant": "Fiware-Service",
                         "--origin": "Origin", "--correlator": "Fiware-Correlator",
                         "--xauthToken": "X-Auth-Token"}[a]
                named.append((a, "%s: %s" % (hname, nxt)))
                if a == "--tenant":
                    self.tenants.add(nxt)
                i += 1
            elif a in ("-H", "--header"):
                extra_headers.append(nxt)
                if nxt.lower().startswith("fiware-service:"):
                    self.tenants.add(nxt.split(":", 1)[1].strip())
                i += 1
            elif a in ("-v", "--verbose", "--debug", "-d", "-g"):
                pass
            else:
                raise Skip("orionCurl option %s" % a)
            i += 1
        if o["url"] == "":
            self.out.append("No URL\n")
            return
        if o["host"] not in ("localhost", "127.0.0.1"):
            raise Skip("orionCurl --host %s (IPv6 or remote host)" % o["host"])
        if o["port"] != str(self.cb_port):
            raise Skip("request to another process (port %s)" % o["port"])
        reason = _classify_url(o["url"])
        if reason:
            raise Skip(reason)

        out_fmt = {"application/xml": "xml", "application/json": "json",
                   "text/plain": "text"}.get(o["out"], o["out"])
        in_fmt = {"application/xml": "xml", "application/json": "json"}.get(o["in"], o["in"])
        no_check = o["noPayloadCheck"]
        content_type = "application/json" if o["payload"] != "" else None
        if in_fmt:
            content_type = {"xml": "application/xml", "json": "application/json",
                            "text": "text/plain"}.get(in_fmt, in_fmt)
        accept: str | None = "application/json"
        if out_fmt == "xml":
            accept = "application/xml"
        elif out_fmt == "json":
            accept = "application/json"
        elif out_fmt == "text":
            accept, no_check = "text/plain", True
        elif out_fmt == "any":
            accept, no_check = "*/*", True
        elif out_fmt == "EMPTY":
            accept = None
        elif out_fmt:
            accept = out_fmt
        no_check = no_check or o["noPayloadCheck"]

        # Headers in the order the harness puts them on the curl command line.
        lines: list[str] = []
        for opt in ("--tenant", "--servicePath"):
            lines += [_dq_eval(h, self.env) for a, h in named if a == opt]
        if content_type:
            lines.append("Content-Type: " + content_type)
        lines.append("Accept: " + accept if accept is not None else "Accept:")
        for opt in ("--origin", "--correlator", "--xauthToken"):
            lines += [_dq_eval(h, self.env) for a, h in named if a == opt]
        lines += [_dq_eval(h, self.env) for h in extra_headers]
        lines.append("Expect:")

        body = None
        if o["payload"] != "":
            body = self.to_real_ports(_collapse(o["payload"])).encode(
                "utf-8", errors="surrogateescape")

        # curl semantics: "Name:" removes a header curl would add, "Name;" sends it empty.
        headers: list[tuple[str, str]] = []
        removed: set[str] = set()
        for line in lines:
            if line.endswith(";") and ":" not in line:
                headers.append((line[:-1].strip(), ""))
                continue
            k, _, v = line.partition(":")
            k, v = k.strip(), v.strip()
            if v == "":
                removed.add(k.lower())
                headers = [(hk, hv) for hk, hv in headers if hk.lower() != k.lower()]
                continue
            headers.append((k, v))
        base = [("Host", "localhost:%d" % self.cb_port), ("User-Agent", "curl/7.88.1"),
                ("Accept", "*/*")]
        user_names = {k.lower() for k, _ in headers}
        final = [(k, v) for k, v in base if k.lower() not in user_names | removed]
        if body is not None and "content-length" not in user_names | removed:
            final.append(("Content-Length", str(len(body))))
        final += headers

        method = o["method"] or ("POST" if body is not None else "GET")
        target = self.to_real_ports(_dq_eval(o["url"], self.env))
        if o["urlParams"]:
            target += "?" + o["urlParams"]
        target = target.split("#", 1)[0]  # curl does not send the fragment
        # curl's URL globbing: a backslash before [ ] { } makes it a literal, sent without
        # the backslash (e.g. idPattern=E\[23\] goes out as idPattern=E[23]).
        target = re.sub(r"\\([\[\]{}])", r"\1", target)
        target = re.sub(r"[\x00-\x20\x7f]", lambda m: "%%%02X" % ord(m.group(0)), target)
        if not target.startswith("/"):
            target = "/" + target

        if method == "GET" and target.startswith("/v2/subscriptions") and self.subscribed:
            self.settle()  # a subscription's status and counters follow its notifications
        if target.startswith("/v2/subscriptions") and method == "POST":
            self.subscribed = True
        self.requests += 1
        resp = self.client.send(method, target, final, body)
        raw_headers = [resp.status_line] + ["%s: %s" % (k, v) for k, v in resp.headers]
        self.env["_responseHeaders"] = "\r\n".join(raw_headers) + "\r\n\r"
        text = [resp.status_line]
        for k, v in resp.headers:
            line = "%s: %s" % (k, v)
            if line in ("Connection: Keep-Alive", "Connection: close", "Connection: Close"):
                continue
            text.append(line)
        text.append("")
        printed = "\n".join(text) + "\n"
        body_text = self.to_nominal_ports(resp.body.decode("utf-8", errors="replace"))
        if no_check:
            printed += body_text + "\n"
        elif body_text.rstrip("\n") != "":
            printed += _beautify(_collapse(body_text) + "\n").rstrip("\n") + "\n"
        self.env["_response"] = body_text.rstrip("\n")
        self.out.append(printed)


# -- per-case driver -----------------------------------------------------------------------------

def check_init(init_text: str) -> tuple[str | None, bool]:
    """Checks SHELL-INIT; returns (skip reason or None, multiservice on)."""
    multiservice = False
    try:
        commands = parse_script(init_text)
    except ShellSyntaxError as e:
        return "SHELL-INIT syntax: %s" % e, False
    started = False
    for cmd in commands:
        if cmd.unsupported:
            return "SHELL-INIT: %s" % cmd.unsupported, False
        if len(cmd.pipeline) > 1:
            return "SHELL-INIT: shell pipeline", False
        name = word_text(cmd.pipeline[0].words[0]) if cmd.pipeline[0].words else None
        if name in ("accumulatorStart", "accumulatorStop"):
            continue  # run by Interpreter.run_init
        if name in _UNSUPPORTED_COMMANDS and name not in ("brokerStart", "dbDrop"):
            return "SHELL-INIT: %s" % _UNSUPPORTED_COMMANDS[name], False

        def no_subst(body):
            raise Skip("command substitution")

        try:
            words = []
            for w in cmd.pipeline[0].words:
                words.extend(expand_word(w, HARNESS_ENV, no_subst))
        except Skip:
            return "SHELL-INIT uses command substitution", False
        if not words:
            continue
        name = words[0]
        if name in ("dbDrop", "dbInit"):
            if len(words) < 2 or re.fullmatch(r"CP\d|CBHA", words[1]):
                return "second broker (%s): context providers/forwarding" % " ".join(words), False
        elif name == "brokerStart":
            if len(words) < 2 or words[1] != "CB":
                return "second broker (%s): context providers/forwarding" % " ".join(words), False
            started = True
            opts = words[4:] if len(words) > 3 else []
            if len(words) > 3 and words[3] not in ("IPV4", "IPv4", "-", ""):
                if words[3] == "IPV6":
                    return "broker started with IPv6", False
                opts = words[3:]
            i = 0
            while i < len(opts):
                if opts[i] in ALLOWED_BROKER_OPTIONS:
                    multiservice = multiservice or opts[i] == "-multiservice"
                elif opts[i] in ALLOWED_BROKER_OPTIONS_WITH_VALUE:
                    i += 1
                else:
                    return "broker option %s" % opts[i], False
                i += 1
        elif name in _UNSUPPORTED_COMMANDS:
            return "SHELL-INIT: %s" % _UNSUPPORTED_COMMANDS[name], False
        else:
            return "SHELL-INIT: %s" % name, False
    if not started:
        return "SHELL-INIT does not start a broker", False
    return None, multiservice
