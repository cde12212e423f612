"""A scripted stand-in for the Kolada v3 API, for offline tests of ``kfsk fetch``.

``KoladaServer`` serves on 127.0.0.1 (a free port) from a thread. Each route is a
request path (optionally with its query string) and a list of :class:`Reply`
objects served in turn; the last one repeats. Every request is recorded with the
time it arrived. Helpers build bodies shaped like Kolada v3's responses:
``{"count", "values", "next_page", "previous_page"}``, where a ``/data`` entry is
``{"kpi", "municipality", "period", "values": [{"gender", "count", "status", "value"}]}``.

Only loopback traffic: nothing here contacts the real API.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Row = tuple[str, str, int, str, float | None]
"""(kpi, municipality_id, period, gender, value or None)."""


@dataclass
class Reply:
    """One scripted response: status, body (dict → JSON, str/bytes as is), headers, delay (s)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Recorded:
    """A request the server received: path with query string, and arrival time (monotonic s)."""

    path: str
    at: float


class KoladaServer:
    """Threaded HTTP server answering scripted replies per path; use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.served: dict[str, int] = defaultdict(int)
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,),
                                        daemon=True)

    @property
    def root(self) -> str:
        """Base URL to pass as ``base_url``, e.g. ``http://127.0.0.1:PORT/v3``."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v3"

    def route(self, path: str, *replies: Reply) -> None:
        """Serve ``replies`` in turn for ``path`` (``/v3/...``, query string optional)."""
        self.routes[path] = list(replies)

    def paths(self, prefix: str = "") -> list[str]:
        """Paths requested so far (with query strings), optionally only those under ``prefix``."""
        return [r.path for r in self.requests if r.path.startswith(prefix)]

    def __enter__(self) -> KoladaServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _next_reply(self, path: str) -> Reply:
        with self._lock:
            self.requests.append(Recorded(path, time.monotonic()))
            key = path if path in self.routes else path.split("?", 1)[0]
            replies = self.routes.get(key)
            if not replies:
                return Reply(404, {"error": f"no route for {path}"})
            index = min(self.served[key], len(replies) - 1)
            self.served[key] += 1
            return replies[index]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                reply = server._next_reply(self.path)
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body
                if isinstance(body, dict | list):
                    body = json.dumps(body, ensure_ascii=False)
                if isinstance(body, str):
                    body = body.encode("utf-8")
                body = body or b""
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (time-out tests)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


def closed_port() -> int:
    """A local port with nothing listening on it (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def data_entries(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Kolada ``/data`` entries: rows grouped by (kpi, municipality, period), genders inside."""
    grouped: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for kpi, area, period, gender, value in rows:
        grouped.setdefault((kpi, area, period), []).append(
            {"gender": gender, "count": 1, "status": "", "value": value})
    return [{"kpi": k, "municipality": a, "period": p, "values": v}
            for (k, a, p), v in grouped.items()]


def page_body(values: Sequence[dict[str, Any]], next_page: str | None = None,
              previous_page: str | None = None, *, link_key: str = "next_page") -> dict:
    """A v3-shaped response body with ``values`` and a link to the next page."""
    body: dict[str, Any] = {"count": len(values), "values": list(values), link_key: next_page}
    body["previous_page" if link_key == "next_page" else "previous_url"] = previous_page
    return body


def paged_data(root: str, path: str, rows: Iterable[Row], per_page: int,
               *, link_key: str = "next_page") -> dict[str, Reply]:
    """Routes serving ``rows`` at ``path`` in pages of ``per_page`` entries.

    The first page answers ``path`` (any query string); page n ≥ 2 answers
    ``path?page=n&per_page=…``, linked by absolute URLs as the real API does.
    """
    entries = data_entries(rows)
    chunks = [entries[i:i + per_page] for i in range(0, len(entries), per_page)] or [[]]
    host = root.rsplit("/v3", 1)[0]
    routes: dict[str, Reply] = {}
    for n, chunk in enumerate(chunks, start=1):
        here = path if n == 1 else f"{path}?page={n}&per_page={per_page}"
        after = f"{host}{path}?page={n + 1}&per_page={per_page}" if n < len(chunks) else None
        before = f"{host}{path}?page={n - 1}&per_page={per_page}" if n > 1 else None
        routes[here] = Reply(200, page_body(chunk, after, before, link_key=link_key))
    return routes


def kpi_body(kpis: Iterable[tuple[str, str, str, bool]]) -> dict:
    """``/kpi/{ids}`` body from ``(id, title, description, is_divided_by_gender)``."""
    values = [{"id": k, "title": t, "description": d, "is_divided_by_gender": g,
               "has_ou_data": False, "municipality_type": "K", "operating_area": "Test",
               "publication_date": "2024-01-01", "publ_period": "2023", "auspice": "X"}
              for k, t, d, g in kpis]
    return page_body(values)
