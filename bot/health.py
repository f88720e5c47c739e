"""`/healthz` and `/metrics` (Prometheus text format), on a port of their own.

Served by Uvicorn inside the bot's event loop, in polling and webhook mode alike, bound to
127.0.0.1 by default (`MENTORBOT_HEALTH_LISTEN`, `MENTORBOT_HEALTH_PORT`; port 0 turns it off).

The counters live in `bot.metrics`: updates handled and failed, sends by outcome, 429s from
Telegram, tick duration. Gauges that the database knows (the outbox backlog) are read when
`/metrics` is asked for.

Other parts add what they know to `/healthz` with `add_probe` (the durable inbox adds its
backlog and its oldest unhandled update there): a probe returns a dict of figures and may say
the bot is unhealthy with `"ok": False`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.metrics import (
    DB_IN_USE,
    DB_WAIT_SECONDS,
    DB_WAITS,
    LAST_TICK_AGE,
    OUTBOX_BACKLOG,
    OUTBOX_OLDEST,
    REGISTRY,
)
from bot.runtime import Runtime
from storage.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

Probe = Callable[[AsyncSession, datetime], Awaitable[dict[str, Any]]]
_probes: dict[str, Probe] = {}


def add_probe(name: str, probe: Probe) -> None:
    """Add a section to `/healthz` (e.g. "inbox": backlog and oldest unhandled update)."""
    _probes[name] = probe


async def outbox_backlog(session: AsyncSession, now: datetime) -> dict[str, Any]:
    count, oldest = (
        await session.execute(
            select(func.count(OutboxMessage.id), func.min(OutboxMessage.not_before)).where(
                OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.not_before <= now
            )
        )
    ).one()
    age = (now - oldest).total_seconds() if oldest is not None else 0.0
    return {"backlog": int(count), "oldest_due_seconds": round(max(age, 0.0), 1)}


INBOX_STALE_SECONDS = 300.0  # an update stored and unhandled longer than this is a fault


async def inbox_backlog(session: AsyncSession, now: datetime) -> dict[str, Any]:
    """The update inbox: stored and not yet handled, set aside, replies that failed."""
    from bot.services import inbox

    counts = await inbox.backlog(session)
    oldest = counts.oldest_pending
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    age = max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
    return {
        "pending": counts.pending,
        "replying": counts.replying,
        "failed": counts.failed,
        "reply_failed": counts.reply_failed,
        "oldest_pending_seconds": round(age, 1),
        "ok": age < INBOX_STALE_SECONDS,
    }


def tick_age(rt: Runtime, started: float) -> float:
    """Seconds since the last tick finished (since start when none has yet)."""
    from bot.jobs import state_of

    state = state_of(rt)
    return time.monotonic() - (state.last_finished or started)


async def report(rt: Runtime, started: float) -> tuple[bool, dict[str, Any]]:
    """What `/healthz` says: healthy when the database answers, a tick finished recently and
    every probe is content."""
    from bot.jobs import state_of

    body: dict[str, Any] = {}
    healthy = True
    now = rt.clock.now()
    try:
        async with asyncio.timeout(5):
            async with rt.db.transaction() as session:
                body["outbox"] = await outbox_backlog(session, now)
                body["inbox"] = await inbox_backlog(session, now)
                healthy = healthy and bool(body["inbox"]["ok"])
                for name, probe in _probes.items():
                    body[name] = await probe(session, now)
                    healthy = healthy and bool(body[name].get("ok", True))
        body["database"] = "ok"
    except Exception as exc:
        from bot.preflight import classify

        body["database"] = classify(exc).line
        healthy = False
    age = tick_age(rt, started)
    state = state_of(rt)
    # A tick every `tick_seconds`, each at most its budget (or cut off): three missed is bad.
    limit = 3 * rt.settings.tick_seconds + 60
    body["scheduler"] = {
        "last_tick_age_seconds": round(age, 1),
        "ticks": state.ticks,
        "last_tick_seconds": round(state.last_seconds, 3),
        "left_work": state.last_left_work,
        "ok": age < limit,
    }
    healthy = healthy and age < limit
    if rt.fatal_line is not None:
        body["fatal"] = rt.fatal_line
        healthy = False
    body["status"] = "ok" if healthy else "fail"
    return healthy, body


def make_app(rt: Runtime) -> Starlette:
    started = time.monotonic()

    async def healthz(_request: Request) -> Response:
        healthy, body = await report(rt, started)
        return JSONResponse(body, status_code=200 if healthy else 503)

    async def metrics(_request: Request) -> Response:
        LAST_TICK_AGE.set(tick_age(rt, started))
        DB_IN_USE.set(rt.db.connections_in_use())
        DB_WAITS.set(rt.db.waits.waited)
        DB_WAIT_SECONDS.set(rt.db.waits.longest_seconds)
        with contextlib.suppress(Exception):
            async with asyncio.timeout(5):
                async with rt.db.transaction() as session:
                    backlog = await outbox_backlog(session, rt.clock.now())
            OUTBOX_BACKLOG.set(backlog["backlog"])
            OUTBOX_OLDEST.set(backlog["oldest_due_seconds"])
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return Starlette(routes=[Route("/healthz", healthz), Route("/metrics", metrics)])


class HealthServer:
    """Uvicorn serving `make_app` as a task of the running event loop."""

    def __init__(self, rt: Runtime, host: str, port: int) -> None:
        import uvicorn

        config = uvicorn.Config(
            make_app(rt),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        # The bot handles SIGTERM and SIGINT itself; Uvicorn must not take them over.
        self.server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self.server.serve(), name="health-server")
        while not self.server.started and not self._task.done():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        if self._task.done():
            self._task.result()  # a port already taken: say so
            raise OSError("the health server stopped at once")

    @property
    def port(self) -> int:
        sockets = [s for server in self.server.servers for s in server.sockets]
        return int(sockets[0].getsockname()[1]) if sockets else 0

    async def stop(self) -> None:
        if self._task is None:
            return
        self.server.should_exit = True
        try:
            async with asyncio.timeout(3):
                await self._task
        except TimeoutError:
            self._task.cancel()
        self._task = None
