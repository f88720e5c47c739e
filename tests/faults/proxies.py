"""Fault injection: an HTTP proxy in front of the Bot API emulator, a TCP proxy in front of
PostgreSQL, and a switch that makes a SQLite database unavailable.

`FaultProxy` forwards each Bot API call to the emulator unless its plan says otherwise:
`"500"` (answered 500 without reaching the emulator), `"429"` (flood control, `retry_after`),
`"slow"` (forwarded, so it happens, but answered after the client's timeout), `"cut_before"`
and `"cut_after"` (the connection is cut before forwarding, or after the call happened but
before the answer), `"refuse"` (the connection is cut and the proxy stops listening for
`refuse_seconds`: connections are refused). Ambiguous faults ("slow", "cut_after") may
legitimately cause one duplicate each.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.exc import OperationalError

from storage.db import Database

AMBIGUOUS = ("slow", "cut_after")


def random_plan(
    seed: int, *, p500: float = 0.0, p429: float = 0.0, pslow: float = 0.0, pcut: float = 0.0
) -> Callable[[str], str]:
    """Faults drawn at random (seeded) for the calls that answer people; getUpdates passes."""
    rng = random.Random(seed)

    def plan(method: str) -> str:
        if method == "getUpdates":
            return "pass"
        x = rng.random()
        for fault, p in (("500", p500), ("429", p429), ("slow", pslow), ("cut_after", pcut)):
            if x < p:
                return fault
            x -= p
        return "pass"

    return plan


class FaultProxy:
    def __init__(
        self,
        upstream: str,
        plan: Callable[[str], str],
        *,
        slow_seconds: float = 2.0,
        refuse_seconds: float = 1.0,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.plan = plan
        self.slow_seconds = slow_seconds
        self.refuse_seconds = refuse_seconds
        self.port = 0
        self.faults: Counter[tuple[str, str]] = Counter()
        self._server: asyncio.Server | None = None
        self._conns: set[asyncio.StreamWriter] = set()
        self._client = httpx.AsyncClient(timeout=None)
        self._reopen: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._reopen is not None:
            self._reopen.cancel()
        await self._close()
        await self._client.aclose()

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._conns):
            writer.transport.abort()
        self._conns.clear()

    def ambiguous(self, method: str) -> int:
        return sum(self.faults[(method, f)] for f in AMBIGUOUS)

    async def refuse(self, seconds: float) -> None:
        """Refuse connections for `seconds` (open ones are cut)."""
        await self._close()

        async def reopen() -> None:
            await asyncio.sleep(seconds)
            await self.start()

        self._reopen = asyncio.create_task(reopen())

    async def refused_until_open(self) -> None:
        if self._reopen is not None:
            await self._reopen

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._conns.add(writer)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                verb, path, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                method = path.rsplit("/", 1)[-1]
                fault = self.plan(method)
                if fault != "pass":
                    self.faults[(method, fault)] += 1
                if fault == "refuse":
                    writer.transport.abort()
                    await self.refuse(self.refuse_seconds)
                    return
                if fault == "cut_before":
                    writer.transport.abort()
                    return
                if fault in ("500", "429"):
                    code = int(fault)
                    answer: dict[str, Any] = {
                        "ok": False,
                        "error_code": code,
                        "description": "Internal Server Error"
                        if code == 500
                        else "Too Many Requests: retry after 1",
                    }
                    if code == 429:
                        answer["parameters"] = {"retry_after": 1}
                    await self._answer(writer, code, json.dumps(answer).encode())
                    continue
                forwarded = {
                    k: v
                    for k, v in headers.items()
                    if k not in ("host", "connection", "content-length", "transfer-encoding")
                }
                response = await self._client.request(
                    verb, self.upstream + path, headers=forwarded, content=body
                )
                if fault == "slow":
                    await asyncio.sleep(self.slow_seconds)
                if fault == "cut_after":
                    writer.transport.abort()
                    return
                await self._answer(writer, response.status_code, response.content)
        except (ConnectionError, OSError):
            return
        finally:
            self._conns.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    @staticmethod
    async def _answer(writer: asyncio.StreamWriter, code: int, body: bytes) -> None:
        writer.write(
            f"HTTP/1.1 {code} X\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n".encode()
            + body
        )
        await writer.drain()


class TcpProxy:
    """Bytes both ways to `host:port`; `down()` cuts every connection and refuses new ones."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.upstream_port = host, port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def down(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def up(self) -> None:
        await self.start()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.upstream_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers.discard(writer)
        self._writers.discard(up_writer)


class DatabaseSwitch:
    """Makes a `Database` unavailable (SQLite: there is no server to cut): while down, every
    transaction and ping fails as a lost connection does."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.is_down = False
        self.refused = 0
        self._transaction = db.transaction

        @asynccontextmanager
        async def transaction() -> AsyncIterator[Any]:
            if self.is_down:
                self.refused += 1
                raise OperationalError("connect", None, ConnectionRefusedError("database down"))
            async with self._transaction() as session:
                yield session
                if self.is_down:  # the commit would not reach the server
                    self.refused += 1
                    raise OperationalError("commit", None, ConnectionResetError("database down"))

        db.transaction = transaction  # type: ignore[method-assign]

    def down(self) -> None:
        self.is_down = True

    def up(self) -> None:
        self.is_down = False
