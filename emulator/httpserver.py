"""A small, fast HTTP/1.1 server on asyncio protocols (keep-alive, pipelining, chunked bodies).

Handlers are plain functions returning a Response, or an awaitable of one (for long polls),
or a Stream (for server-sent events).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

log = logging.getLogger(__name__)
MAX_BODY = 100 * 1024 * 1024
_REASONS = {s.value: s.phrase for s in HTTPStatus}


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return cls(status, body, headers=headers or {})


@dataclass
class Stream:
    """A streamed response (server-sent events): chunks are written as they come, then the connection closes."""

    chunks: AsyncIterator[bytes]
    content_type: str = "text/event-stream"
    headers: dict[str, str] = field(default_factory=dict)


Result = Response | Stream | Awaitable[Response | Stream]
App = Callable[[Request], Result]


def http_date(now: float) -> str:
    """An HTTP `Date` header's value (RFC 9110: IMF-fixdate, in GMT)."""
    return formatdate(now, usegmt=True)


def _head(res: Response | Stream, keep_alive: bool, now: float | None = None) -> bytes:
    if isinstance(res, Response):
        lines = [
            f"HTTP/1.1 {res.status} {_REASONS.get(res.status, 'Unknown')}",
            f"Content-Type: {res.content_type}",
            f"Content-Length: {len(res.body)}",
        ]
    else:
        lines = ["HTTP/1.1 200 OK", f"Content-Type: {res.content_type}", "Cache-Control: no-cache"]
        keep_alive = False
    # Like Telegram's servers, every answer says when it was made (by the emulator's wall
    # clock, which tests may set): `mentorbot doctor` compares the machine's clock with it.
    lines.append(f"Date: {http_date(time.time() if now is None else now)}")
    lines.extend(f"{k}: {v}" for k, v in res.headers.items())
    if not keep_alive:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Connection(asyncio.Protocol):
    def __init__(self, app: App, server: HttpServer) -> None:
        self.app = app
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.head: tuple[str, str, str, dict[str, str], int, bool] | None = None
        self.pending: deque[tuple[Request, bool]] = deque()
        self.task: asyncio.Task[None] | None = None
        self.closing = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)
        self.closing = True
        if self.task is not None:
            self.task.cancel()

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while not self.closing:
            parsed = self._parse()
            if parsed is None:
                return
            if self.task is not None or self.pending:
                self.pending.append(parsed)
            else:
                self._dispatch(*parsed)

    def _parse(self) -> tuple[Request, bool] | None:
        buf = self.buf
        if self.head is None:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > 65536:
                    self._fail(431)
                return None
            lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
            del buf[: end + 4]
            try:
                method, target, version = lines[0].split(" ", 2)
            except ValueError:
                self._fail(400)
                return None
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            chunked = "chunked" in headers.get("transfer-encoding", "").lower()
            length = int(headers.get("content-length", "0") or 0) if not chunked else -1
            if length > MAX_BODY:
                self._fail(413)
                return None
            conn = headers.get("connection", "").lower()
            keep = conn != "close" if version == "HTTP/1.1" else conn == "keep-alive"
            self.head = (method, target, version, headers, length, keep)
            if headers.get("expect", "").lower() == "100-continue" and self.transport is not None:
                self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        method, target, _version, headers, length, keep = self.head
        if length >= 0:
            if len(buf) < length:
                return None
            body = bytes(buf[:length])
            del buf[:length]
        else:
            decoded = _dechunk(buf)
            if decoded is None:
                return None
            body, used = decoded
            del buf[:used]
        self.head = None
        path, _, query = target.partition("?")
        return Request(method, unquote(path), query, headers, body), keep

    def _fail(self, status: int) -> None:
        if self.transport is not None:
            self.transport.write(_head(Response(status, b""), False, self.server.now()))
            self.transport.close()
        self.closing = True

    def _dispatch(self, request: Request, keep: bool) -> None:
        try:
            result = self.app(request)
        except Exception:
            log.exception("error handling %s %s", request.method, request.path)
            result = Response.json(
                500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            )
        if isinstance(result, Response):
            self._write(result, keep)
        else:
            self.task = asyncio.get_running_loop().create_task(self._run(result, keep))

    async def _run(self, result: Stream | Awaitable[Response | Stream], keep: bool) -> None:
        try:
            res = result if isinstance(result, Stream) else await result
            if isinstance(res, Stream):
                await self._stream(res)
                return
            self._write(res, keep)
        except asyncio.CancelledError:
            return
        except Exception:
            log.exception("error in async handler")
            self._write(
                Response.json(
                    500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
                ),
                False,
            )
        finally:
            self.task = None
        while self.pending and self.task is None and not self.closing:
            self._dispatch(*self.pending.popleft())

    async def _stream(self, res: Stream) -> None:
        transport = self.transport
        assert transport is not None
        transport.write(_head(res, False, self.server.now()))
        try:
            async for chunk in res.chunks:
                if self.closing:
                    break
                transport.write(chunk)
        finally:
            self.closing = True
            transport.close()

    def _write(self, res: Response, keep: bool) -> None:
        if self.transport is None or self.closing:
            return
        self.transport.write(_head(res, keep, self.server.now()) + res.body)
        if not keep:
            self.closing = True
            self.transport.close()


def _dechunk(buf: bytearray) -> tuple[bytes, int] | None:
    body = bytearray()
    pos = 0
    while True:
        line_end = buf.find(b"\r\n", pos)
        if line_end < 0:
            return None
        size = int(bytes(buf[pos:line_end]).split(b";")[0] or b"0", 16)
        pos = line_end + 2
        if size == 0:
            trailer_end = buf.find(b"\r\n", pos)
            if trailer_end < 0:
                return None
            return bytes(body), trailer_end + 2
        if len(buf) < pos + size + 2:
            return None
        body += buf[pos : pos + size]
        pos += size + 2


class HttpServer:
    def __init__(self, app: App, now: Callable[[], float] = time.time) -> None:
        self.app = app
        self.now = now
        self.connections: set[_Connection] = set()
        self._server: asyncio.Server | None = None

    async def start(self, host: str, port: int) -> int:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Connection(self.app, self), host, port, backlog=1024
        )
        sock = self._server.sockets[0]
        return int(sock.getsockname()[1])

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for conn in list(self.connections):
            conn.closing = True
            if conn.task is not None:
                conn.task.cancel()
            if conn.transport is not None:
                conn.transport.close()
        await self._server.wait_closed()
        self._server = None
