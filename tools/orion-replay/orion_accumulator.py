"""Orion's notification accumulator, emulated: a loopback HTTP server that records requests.

Orion's functional tests start scripts/accumulator-server.py (a Flask app) as the receiver of
notifications and read back what it got with accumulatorDump (GET /dump), accumulatorCount
(GET /number) and accumulatorReset (POST /reset) from test/functionalTest/harnessFunctions.sh.
This module records the same text for each request, so the REGEXPECT of those cases can be
compared unchanged:

    METHOD http://HOST/PATH[?k=v&k2=v2]      (Host header; path and query percent-decoded,
                                              the first value of each query key)
    Header-Name: value                        (names as Werkzeug spells them, "Fiware-Servicepath";
                                              a fixed set first, in the accumulator's order)
    <blank line and the body, if there is one: raw, or with --pretty-print parsed and printed
     with indent 4 and sorted keys; a form-encoded body is not shown, Flask parses it away>
    =======================================

Routes as the accumulator has them: the notify URL (default /notify, --url), /v2/op/query,
/v2/op/update, GET /v2/entities, /v1/updateContext, /v1/queryContext record and answer 200;
/giveme200|400|404|500 answer without recording; /noresponse waits 10 s, /givemeDelay 60 s,
/waitForever until the accumulator stops. Anything else is a 404 (405 for a known path with
another method), as Flask answers.

Notifications are asynchronous in renkei as in Orion; Orion's harness dumps at once (its test
machines are slow enough), the emulation waits until the receiver has been quiet for a moment
(`wait_quiet`) before it answers a dump or a count.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SEPARATOR = "=======================================\n"

# accumulator-server.py sort_headers(): these first, in this order, then the rest as received.
_HEADER_ORDER = ["Fiware-Servicepath", "Content-Length", "X-Auth-Token", "User-Agent",
                 "Ngsiv2-Attrsformat", "Host", "Accept", "Fiware-Service", "Content-Type",
                 "Fiware-Correlator"]

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def werkzeug_name(name: str) -> str:
    """The header name as Werkzeug's EnvironHeaders yields it (WSGI key, then str.title())."""
    return name.replace("_", "-").title()


def _ordered_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # WSGI keeps one entry per name: repeated headers are joined with "," in arrival order.
    merged: dict[str, str] = {}
    for k, v in headers:
        name = werkzeug_name(k)
        if name in ("Content-Type", "Content-Length") and v == "":
            continue  # Werkzeug yields CONTENT_TYPE/CONTENT_LENGTH only when non-empty
        merged[name] = merged[name] + "," + v if name in merged else v
    first = [(n, merged.pop(n)) for n in _HEADER_ORDER if n in merged]
    return first + list(merged.items())


def _pretty(body: bytes) -> str:
    def no_duplicates(pairs):
        d = {}
        for k, v in pairs:
            if k in d:
                raise ValueError("duplicate key: %s" % ((k,),))
            d[k] = v
        return d

    try:
        doc = json.loads(body, object_pairs_hook=no_duplicates)
        return json.dumps(doc, indent=4, sort_keys=True) + "\n"
    except ValueError as e:
        return str(e)


def format_record(method: str, target: str, headers: list[tuple[str, str]], body: bytes,
                  pretty: bool, scheme: str = "http") -> str:
    """One accumulated request, exactly as accumulator-server.py's record_request() writes it."""
    host = next((v for k, v in headers if k.lower() == "host"), "")
    path, _, query = target.partition("?")
    s = "%s %s://%s%s" % (method, scheme, host, urllib.parse.unquote(path, errors="replace"))
    firsts: dict[str, str] = {}
    for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True):
        firsts.setdefault(k, v)
    if firsts:
        s += "?" + "&".join("%s=%s" % kv for kv in firsts.items())
    s += "\n"
    for k, v in _ordered_headers(headers):
        s += "%s: %s\n" % (k, v)
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    if any(content_type.lower().startswith(t) for t in _FORM_TYPES):
        body = b""  # Flask's request.data is empty once Werkzeug has parsed a form
    if body:
        s += "\n"
        s += _pretty(body) if pretty else body.decode("utf-8", errors="replace")
    return s + SEPARATOR


# path -> methods that record (accumulator-server.py's @app.route list for record()).
def _recording_routes(url: str) -> dict[str, set[str]]:
    routes = {"/v1/updateContext": {"POST"}, "/v1/queryContext": {"POST"},
              "/v2/op/query": {"POST"}, "/v2/op/update": {"POST"}, "/v2/entities": {"GET"}}
    routes[url] = routes.get(url, set()) | {"GET", "POST", "PUT", "DELETE", "PATCH"}
    return routes


_CANNED = {  # path -> (status, body); answered without recording
    "/giveme200": (200, b""),
    "/giveme400": (400, b'{"error": "FakeError", "description": '
                        b'"this is a forged error response for testing purposes"}'),
    "/giveme404": (404, b""), "/giveme500": (500, b""),
}
_DELAYS = {"/noresponse": 10.0, "/noresponse/updateContext": 10.0,
           "/noresponse/queryContext": 10.0, "/givemeDelay": 60.0, "/waitForever": None}


class _ListeningServer(ThreadingHTTPServer):
    # Orion's accumulator runs on Werkzeug, whose listen backlog is 128 (LISTEN_QUEUE). With
    # socketserver's default of 5, a broker opening one connection per subscription at once
    # (8 in 1156 *_equals_subs) gets some SYNs dropped and resent a second later, after the
    # dump has already been taken.
    request_queue_size = 128


class Accumulator:
    """One emulated accumulator on 127.0.0.1 (port 0: a free one); thread-safe; stop() joins.

    A restarted accumulator is given the port of the one it replaces, as Orion's is (the
    subscriptions made before point to it).
    """

    def __init__(self, url: str = "/notify", pretty: bool = False, port: int = 0):
        self.url = url
        self.pretty = pretty
        self._lock = threading.Lock()
        self._records: list[str] = []
        self._inflight = 0
        self._last = time.monotonic()
        self._stopping = threading.Event()
        self._connections: set = set()  # open client sockets, closed by stop()
        self._server = _ListeningServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    # -- what the harness functions read
    def dump(self) -> str:
        with self._lock:
            return "".join(self._records)

    def number(self) -> str:
        with self._lock:
            return "%d\n" % len(self._records)

    def reset(self) -> None:
        with self._lock:
            self._records.clear()

    def wait_quiet(self, quiet: float = 0.5, cap: float = 8.0) -> None:
        """Returns once no request has been in progress or arrived for `quiet` seconds."""
        start = time.monotonic()
        while time.monotonic() - start < cap:
            with self._lock:
                idle_since = max(self._last, start)
                busy = self._inflight > 0
            if not busy and time.monotonic() - idle_since >= quiet:
                return
            time.sleep(0.05)

    def stop(self) -> None:
        """Stops like Orion's accumulator process dies: the listener and every connection
        kept alive are closed, so a broker's next notification finds the port refused."""
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            connections, self._connections = list(self._connections), set()
        for sock in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by its handler
        self._thread.join(timeout=5)

    # -- the HTTP side
    def _record(self, method: str, target: str, headers, body: bytes) -> None:
        text = format_record(method, target, headers, body, self.pretty)
        with self._lock:
            self._records.append(text)

    def _activity(self, delta: int) -> None:
        with self._lock:
            self._inflight += delta
            self._last = time.monotonic()

    def _handler_class(self):
        acc = self
        routes = _recording_routes(self.url)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: the replay prints its own report
                pass

            def setup(self):
                super().setup()
                with acc._lock:
                    acc._connections.add(self.connection)

            def finish(self):
                with acc._lock:
                    acc._connections.discard(self.connection)
                try:
                    super().finish()
                except OSError:
                    pass  # the connection was shut down by stop()

            def _answer(self, status: int, body: bytes = b"",
                        content_type: str = "text/html; charset=utf-8") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self):
                acc._activity(+1)
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                    body = self.rfile.read(length) if length > 0 else b""
                    path = urllib.parse.unquote(self.path.split("?", 1)[0])
                    method = self.command
                    if path == "/dump" and method == "GET":
                        return self._answer(200, acc.dump().encode("utf-8"))
                    if path == "/number" and method == "GET":
                        return self._answer(200, acc.number().encode())
                    if path == "/reset" and method == "POST":
                        acc.reset()
                        return self._answer(200)
                    if path in routes:
                        if method not in routes[path]:
                            return self._answer(405)
                        acc._record(method, self.path, list(self.headers.items()), body)
                        return self._answer(200)
                    if path in _CANNED and method == "POST":
                        status, data = _CANNED[path]
                        return self._answer(status, data)
                    if path in _DELAYS and method == "POST":
                        acc._stopping.wait(_DELAYS[path])
                        return self._answer(200)
                    return self._answer(404, b"<!doctype html>\n<title>404 Not Found</title>\n")
                finally:
                    acc._activity(-1)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        return Handler
