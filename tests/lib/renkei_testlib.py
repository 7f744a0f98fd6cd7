"""What every Python suite against a real `renkei serve` needs: checks that collect failures,
a free port in the suite's range, and a server started with its own data directory and
config file, stopped on exit. Import with
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "lib"))
Only the standard library is used (the suites run on a fresh Debian 12)."""
import argparse
import http.client
import json
import socket
import subprocess
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
