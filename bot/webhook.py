"""The webhook endpoint: Telegram's POST is answered 200 only once the update is committed to
the inbox, and 503 while the database is down, so that Telegram sends it again.

- It listens on the path of `MENTORBOT_WEBHOOK_URL` (`https://bot.example.org/tg/hook` →
  `/tg/hook`), so a reverse proxy can pass the path on unchanged.
- The `X-Telegram-Bot-Api-Secret-Token` header is compared with `hmac.compare_digest`; a
  request without the right one gets 403.
- A body over `MAX_BODY_BYTES` (1 MiB; Telegram's updates are a few kilobytes) gets 413 and is
  not read further; a body that is not an update gets 400.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.clock import Clock
from bot.services import inbox
from storage.db import Database

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise _TooLarge
    return bytes(body)


def webhook_path(webhook_url: str) -> str:
    path = urlsplit(webhook_url).path or "/"
    return path if path.startswith("/") else f"/{path}"


def build_webhook_app(
    db: Database,
    clock: Clock,
    on_stored: Callable[[], None],
    *,
    path: str,
    secret_token: str,
    max_body_bytes: int | None = None,
) -> Starlette:
    limit = max_body_bytes or MAX_BODY_BYTES
    expected = secret_token.encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return Response(status_code=403)
        try:
            body = await _read_body(request, limit)
        except _TooLarge:
            log.warning("webhook: body over %d bytes refused", limit)
            return Response(status_code=413)
        try:
            payload: Any = json.loads(body)
        except ValueError:
            return Response(status_code=400)
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return Response(status_code=400)
        try:
            async with db.transaction() as session:
                await inbox.store(session, clock.now(), [payload])
        except Exception as exc:
            log.warning("webhook: inbox unavailable (%s); answered 503", type(exc).__name__)
            return Response(status_code=503, headers={"Retry-After": "5"})
        on_stored()
        return Response(status_code=200)

    return Starlette(routes=[Route(path, receive, methods=["POST"])])


class _Server(uvicorn.Server):
    """uvicorn, leaving SIGINT and SIGTERM to `bot.intake.serve` (which stops everything in
    order)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WebhookServer:
    """The endpoint, served by uvicorn in this process's event loop."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        on_stored: Callable[[], None],
        *,
        listen: str,
        port: int,
        webhook_url: str,
        secret_token: str,
        max_body_bytes: int | None = None,
    ) -> None:
        self.app = build_webhook_app(
            db,
            clock,
            on_stored,
            path=webhook_path(webhook_url),
            secret_token=secret_token,
            max_body_bytes=max_body_bytes,
        )
        config = uvicorn.Config(
            self.app, host=listen, port=port, log_level="warning", access_log=False, lifespan="off"
        )
        self.server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self.server.serve(), name="webhook-server")
        while not self.server.started:
            if self._task.done():
                self._task.result()  # raises what stopped it (e.g. the port is taken)
                raise RuntimeError("the webhook server stopped at start")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._task is None:
            return
        self.server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
