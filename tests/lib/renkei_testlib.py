"""What every Python suite against a real `renkei serve` needs: checks that collect failures,
a free port in the suite's range, and a server started with its own data directory and
config file, stopped on exit. Import with
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
Only the standard library is used (the suites run on a fresh Debian 12)."""
import argparse
import http.client
import http.server
import json
import socket
import subprocess
import threading
import time

FAILURES = []


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print("FAIL:", what)
    return condition


def finish():
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        return 1
    print("ok")
    return 0


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A request handler for the suites' own small servers: HTTP/1.1 keep-alive, no access log."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass


def serve_in_background(port, handler):
    """Starts a threading HTTP server for `handler` on 127.0.0.1:`port` and returns it;
    stop it with shutdown() and server_close()."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def server_argument():
    """The path of the renkei binary every suite gets as --server."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    return parser.parse_args().server


def free_port(first, last):
    for port in range(first, last + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError(f"no free port in {first}-{last}")


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names
        self.body = body

    def json(self):
        return json.loads(self.body) if self.body else None


class Server:
    """`renkei serve` on 127.0.0.1:port with `data_dir`, and `config` (TOML text) if given."""

    def __init__(self, renkei, data_dir, port, config=None, extra_args=(), env=None,
                 start_timeout=60, cwd=None, request_timeout=120):
        self.port = port
        self.request_timeout = request_timeout
        args = [renkei, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(data_dir),
                "--log-level", "warn", *extra_args]
        if config is not None:
            path = f"{data_dir}.toml"
            with open(path, "w", encoding="utf-8") as f:
                f.write(config)
            args += ["--config", path]
        self.proc = subprocess.Popen(args, env=env, cwd=cwd)
        deadline = time.time() + start_timeout
        while True:
            try:
                if self.fetch("GET", "/version").status == 200:
                    return
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise
                time.sleep(0.1)

    def request(self, method, path, body=None, headers=None):
        return self.fetch(method, path, body, headers)

    def fetch(self, method, path, body=None, headers=None):
        """The answer as a Response (request() may be reshaped by a suite's subclass)."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            headers = {"Content-Type": "application/json", **(headers or {})}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.request_timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()},
                            resp.read())
        finally:
            conn.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class NotificationReceiver:
    """An HTTP notification receiver on 127.0.0.1:port: records each notification's path and
    JSON body; can go down (`stop`) and come back (`start`) on its port."""

    def __init__(self, port):
        self.port = port
        self.lock = threading.Lock()
        self.received = []
        self.server = None
        self.down = False
        self.connections = set()  # open kept-alive connections, cut when the receiver stops

    def start(self):
        receiver = self
        self.down = False

        class Handler(QuietHandler):
            def setup(self):
                super().setup()
                with receiver.lock:
                    receiver.connections.add(self.connection)

            def finish(self):
                with receiver.lock:
                    receiver.connections.discard(self.connection)
                super().finish()

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if receiver.down:  # a kept-alive connection outlives the listener: no answer
                    self.close_connection = True
                    return
                with receiver.lock:
                    receiver.received.append((self.path, json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = serve_in_background(self.port, Handler)

    def stop(self):
        self.down = True
        self.server.shutdown()
        self.server.server_close()
        with self.lock:  # a kept-alive connection would outlive the listener
            for connection in self.connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def ids(self, path):
        """The entity ids notified on `path`, in arrival order."""
        with self.lock:
            return [e["id"] for p, body in self.received if p == path for e in body["data"]]

    def count(self, path):
        with self.lock:
            return sum(1 for p, _ in self.received if p == path)

    def wait_for(self, path, entity_id, count=1, timeout=15.0):
        """Whether `entity_id` was notified on `path` at least `count` times within `timeout`."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.ids(path).count(entity_id) >= count:
                return True
            time.sleep(0.05)
        return False
