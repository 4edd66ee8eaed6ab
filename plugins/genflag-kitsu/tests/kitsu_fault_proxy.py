"""A loopback HTTP proxy in front of the real Zou server that fails chosen requests.

A fault maps (method, path substring) to ``"500"`` (answer HTTP 500) or ``"drop"`` (close the
connection without answering, as a server that goes away does).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class FaultProxy(ThreadingHTTPServer):
    """Forward every request to the upstream server, except the faulty ones."""

    daemon_threads = True

    def __init__(self, upstream: str, faults: dict[tuple[str, str], str]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        parsed = urlparse(upstream)
        self.upstream = (parsed.hostname or "127.0.0.1", parsed.port or 80)
        self.faults = faults
        self.injected: list[str] = []

    @property
    def url(self) -> str:
        """The proxy's base URL."""
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FaultProxy

    def log_message(self, format: str, *args: object) -> None:
        return

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fault = next((kind for (method, part), kind in self.server.faults.items()
                      if self.command == method and part in self.path), None)
        if fault:
            self.server.injected.append(f"{fault} {self.command} {self.path}")
            if fault == "drop":
                self.close_connection = True
                return None
            return self._reply(500, {"Content-Type": "application/json"},
                               json.dumps({"message": "injected failure", "stacktrace": ""}).encode())
        conn = http.client.HTTPConnection(*self.server.upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
        conn.request(self.command, self.path, body=body or None, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        kept = {k: v for k, v in answer.getheaders() if k.lower() not in HOP_HEADERS}
        conn.close()
        self._reply(answer.status, kept, data)

    def _reply(self, status: int, headers: dict[str, str], data: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


@contextlib.contextmanager
def fault_proxy(upstream: str, faults: dict[tuple[str, str], str]) -> Iterator[FaultProxy]:
    """Run a FaultProxy in a thread for the duration of the block."""
    proxy = FaultProxy(upstream, faults)
    thread = threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(5)
