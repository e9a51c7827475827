"""Real HTTP(S) servers on loopback addresses for the source-check tests and benchmark.

Linux routes all of 127.0.0.0/8 to ``lo``, so 127.0.0.2, 127.0.0.3… are separate hosts
for per-host limits while never leaving the machine. Each :class:`LoopbackServer` serves
a table of routes (path → :class:`Reply` or a function of the request count), logs
every request, and shuts down promptly, also when a route never answers.

:func:`guard_loopback` makes any name lookup or connection outside 127.0.0.0/8 fail
as a failed DNS lookup would, so no test can reach the network even by mistake.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Gauge", "LoopbackServer", "Reply", "guard_loopback", "refused_port", "serve"]

_CHUNK = b"\0" * 65536


@dataclass
class Reply:
    """What a route answers. ``body_size`` streams that many zero bytes (without holding them)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    body_size: int | None = None
    delay: float = 0.0
    hang: bool = False
    """Read the request, then never answer (until the server stops)."""
    raw: bytes | None = None
    """Write these bytes instead of a well-formed answer, then close."""
    chunk_delay: float = 0.0
    """Seconds between the 64 KiB chunks of a ``body_size`` body (a slow, trickling body)."""


Route = Reply | Callable[[str, int], Reply]
"""A fixed reply, or a function of (method, how many times this path was requested) to a reply."""


class Gauge:
    """Requests in flight, and the most seen at once; may be shared by several servers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def __enter__(self) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.now -= 1


@dataclass
class Hit:
    method: str
    path: str
    at: float
    accept: str = ""
    """The request's Accept header."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LoopbackServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        self.server.answer(self, "HEAD")

    def do_GET(self) -> None:
        self.server.answer(self, "GET")


class LoopbackServer(ThreadingHTTPServer):
    """A threaded HTTP/1.1 server on ``host``; ``https`` with a ``trustme`` certificate when given
    an SSL context."""

    daemon_threads = True
    block_on_close = False

    def __init__(
        self,
        host: str,
        routes: Mapping[str, Route] | None = None,
        *,
        ssl_context: ssl.SSLContext | None = None,
        latency: float = 0.0,
        gauge: Gauge | None = None,
        port: int = 0,
    ) -> None:
        super().__init__((host, port), _Handler)
        self.routes: dict[str, Route] = dict(routes or {})
        self.ssl_context = ssl_context
        self.latency = latency
        self.gauge = gauge or Gauge()
        self.hits: list[Hit] = []
        self.counts: Counter[str] = Counter()
        self.body_bytes_sent = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def host(self) -> str:
        return str(self.server_address[0])

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def base(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def requests(self) -> int:
        with self._lock:
            return len(self.hits)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        if self.ssl_context is not None:
            # Handshake in the handler thread, so a client that rejects the certificate
            # cannot stall the accept loop.
            sock = self.ssl_context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False
            )
        return sock, addr

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-answer is what several tests do on purpose

    def answer(self, handler: _Handler, method: str) -> None:
        self._answer(handler, method)

    def _answer(self, handler: _Handler, method: str) -> None:
        path = handler.path
        with self._lock:
            self.hits.append(Hit(method, path, time.monotonic(), handler.headers.get("Accept", "")))
            self.counts[path] += 1
            count = self.counts[path]
        route = self.routes.get(path.split("?", 1)[0])
        if route is None:
            reply = Reply(404)
        elif isinstance(route, Reply):
            reply = route
        else:
            reply = route(method, count)
        delay = self.latency + reply.delay
        # In flight while the server "works", not while it writes the answer: a
        # client that has its headers may start its next request before this
        # thread gets back here, and that overlap is not the client's doing.
        with self.gauge:
            if delay:
                self.stopping.wait(delay)
            if reply.hang:
                self.stopping.wait(30.0)
        if reply.hang:
            handler.close_connection = True
            return
        if reply.raw is not None:
            handler.wfile.write(reply.raw)
            handler.close_connection = True
            return
        size = len(reply.body) if reply.body_size is None else reply.body_size
        handler.send_response(reply.status)
        headers = {"Content-Length": str(size), "Content-Type": "text/html", **reply.headers}
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if method == "HEAD":
            return
        if reply.body_size is None:
            handler.wfile.write(reply.body)
            return
        handler.close_connection = True
        # Small buffers, so the count below is close to what the client actually received.
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
        remaining = reply.body_size
        try:
            while remaining > 0 and not self.stopping.is_set():
                chunk = _CHUNK[: min(remaining, len(_CHUNK))]
                handler.wfile.write(chunk)
                with self._lock:
                    self.body_bytes_sent += len(chunk)
                remaining -= len(chunk)
                if reply.chunk_delay:
                    self.stopping.wait(reply.chunk_delay)
        except OSError:
            pass  # the client hung up, as it should

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


@contextlib.contextmanager
def serve(*servers: LoopbackServer) -> Iterator[tuple[LoopbackServer, ...]]:
    """Start the servers and stop them all on exit."""
    started: list[LoopbackServer] = []
    try:
        for server in servers:
            server.start()
            started.append(server)
        yield servers
    finally:
        for server in started:
            server.stop()


def refused_port(host: str) -> int:
    """A port on ``host`` where nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _loopback(host: object) -> bool:
    if host in (None, "localhost"):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _literal(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        ipaddress.ip_address(str(host))
    except ValueError:
        return False
    return True


@contextlib.contextmanager
def guard_loopback() -> Iterator[None]:
    """Within the block, names other than loopback addresses do not resolve and other addresses
    refuse.

    A name lookup fails with :class:`socket.gaierror` as when offline, without asking any
    resolver (address literals still parse); a connection to a non-loopback address fails
    with ``ENETUNREACH`` before any packet is sent.
    """
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        # Address literals resolve locally (no query); any other name fails as offline.
        if not (_loopback(host) or _literal(host)):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    def check(address: Any) -> None:
        if isinstance(address, tuple) and not _loopback(address[0]):
            raise OSError(101, "Network is unreachable (blocked outside loopback in tests)")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return real_connect_ex(self, address)

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        socket.getaddrinfo = real_getaddrinfo
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]
