"""A local HTTP server on 127.0.0.1 that plays the official hosts, with fault injection.

Each path has a queue of behaviours consumed one request at a time (the last one repeats):
``Ok(body)``, ``Status(code)``, ``Stall(seconds, body)``, ``Truncate(body, keep)``,
``Redirect(location)``, ``Trickle(body, bytes_per_second)``. POST requests
(webhook and Slack alerts) are answered the same way and their bodies kept in ``posts[path]``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Ok:
    body: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Status:
    code: int
    body: bytes = b"<html><body>error</body></html>"


@dataclass(frozen=True)
class Stall:
    seconds: float
    body: bytes


@dataclass(frozen=True)
class Truncate:
    body: bytes
    keep: int


@dataclass(frozen=True)
class Redirect:
    location: str
    code: int = 302


@dataclass(frozen=True)
class Trickle:
    """A server that sends its body slowly, a few bytes at a time, for at most ``seconds``."""

    body: bytes
    bytes_per_second: float = 1.0
    seconds: float = 30.0


class FakeHosts:
    def __init__(self) -> None:
        self.routes: dict[str, list] = {}
        self.hits: dict[str, int] = defaultdict(int)
        self.posts: dict[str, list[tuple[dict[str, str], bytes]]] = defaultdict(list)
        self._lock = threading.Lock()
        hosts = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                path = self.path if self.path in hosts.routes else self.path.split("?", 1)[0]
                with hosts._lock:
                    hosts.hits[path] += 1
                    queue = hosts.routes.get(path)
                    behaviour = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Status(404)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    hosts._serve(self, behaviour)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with hosts._lock:
                    hosts.posts[self.path].append((dict(self.headers.items()), body))
                self.do_GET()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, path: str, *behaviours) -> None:
        """Serve ``path`` (optionally with its exact query string) with these behaviours in turn."""
        self.routes[path] = list(behaviours)

    def _serve(self, handler: BaseHTTPRequestHandler, behaviour) -> None:
        if isinstance(behaviour, Redirect):
            handler.send_response(behaviour.code)
            handler.send_header("Location", behaviour.location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if isinstance(behaviour, Trickle):
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(behaviour.body)))
            handler.end_headers()
            started = time.monotonic()
            for byte in behaviour.body:
                if time.monotonic() - started > behaviour.seconds:
                    break
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(1 / behaviour.bytes_per_second)
            handler.close_connection = True
            return
        if isinstance(behaviour, Status):
            handler.send_response(behaviour.code)
            handler.send_header("Content-Length", str(len(behaviour.body)))
            handler.end_headers()
            handler.wfile.write(behaviour.body)
            return
        if isinstance(behaviour, Stall):
            time.sleep(behaviour.seconds)
            behaviour = Ok(behaviour.body)
        body = behaviour.body
        handler.send_response(200)
        handler.send_header("Content-Type", getattr(behaviour, "content_type", "application/octet-stream"))
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if isinstance(behaviour, Truncate):
            handler.wfile.write(body[: behaviour.keep])
            handler.wfile.flush()
            handler.close_connection = True
            return
        handler.wfile.write(body)

    def __enter__(self) -> FakeHosts:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
