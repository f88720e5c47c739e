"""Starting and stopping the bot with its intake, and `mentorbot run` (`serve`)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot.clock import Clock
from bot.config import Settings
from bot.intake.dispatcher import App, Dispatcher
from bot.intake.poller import Poller
from storage.db import Database

log = logging.getLogger("bot.intake")


class Intake:
    """The dispatcher, with polling or the webhook server in front of it."""

    def __init__(self, app: App, db: Database, clock: Clock, **dispatcher: Any) -> None:
        self.app, self.db, self.clock = app, db, clock
        self.dispatcher = Dispatcher(app, db, clock, **dispatcher)
        self.poller: Poller | None = None
        self.webhook: Any = None  # bot.webhook.WebhookServer

    async def start_polling(self, poll_timeout: float = 30.0, retry_seconds: float = 0.5) -> None:
        self.dispatcher.start()
        self.poller = Poller(
            self.app,
            self.db,
            self.clock,
            self.dispatcher.offer,
            timeout=poll_timeout,
            retry_seconds=retry_seconds,
        )
        await self.poller.start()

    async def start_webhook(
        self,
        *,
        listen: str,
        port: int,
        webhook_url: str,
        secret_token: str,
        max_body_bytes: int | None = None,
    ) -> None:
        from bot.webhook import WebhookServer

        self.dispatcher.start()
        self.webhook = WebhookServer(
            self.db,
            self.clock,
            self.dispatcher.wake,
            listen=listen,
            port=port,
            webhook_url=webhook_url,
            secret_token=secret_token,
            max_body_bytes=max_body_bytes,
        )
        await self.webhook.start()
        await self.app.bot.set_webhook(
            webhook_url, secret_token=secret_token, allowed_updates=Update.ALL_TYPES
        )

    async def stop(self) -> None:
        if self.poller is not None:
            await self.poller.stop()
            self.poller = None
        if self.webhook is not None:
            await self.webhook.stop()
            self.webhook = None
        await self.dispatcher.stop()


INTAKE_KEY = "mentorbot.intake"


def intake_of(app: App) -> Intake:
    found = app.bot_data[INTAKE_KEY]
    assert isinstance(found, Intake)
    return found


async def start_bot(
    app: App,
    db: Database,
    clock: Clock,
    *,
    poll_timeout: float = 30.0,
    webhook: dict[str, Any] | None = None,
    **dispatcher: Any,
) -> Intake:
    """Initialise and start the bot, then its intake: polling, or with `webhook` (the keyword
    arguments of `Intake.start_webhook`) the webhook server."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    intake = Intake(app, db, clock, **dispatcher)
    app.bot_data[INTAKE_KEY] = intake
    if webhook is not None:
        await intake.start_webhook(**webhook)
    else:
        await intake.start_polling(poll_timeout=poll_timeout)
    return intake


async def stop_bot(app: App) -> None:
    """Stop the intake, then the bot; each step even if an earlier one failed."""
    intake = app.bot_data.get(INTAKE_KEY)
    steps: list[Callable[[], Awaitable[object]]] = []
    if isinstance(intake, Intake):
        steps.append(intake.stop)
    if app.running:
        steps.append(app.stop)
    if app.post_stop is not None:
        post_stop = app.post_stop
        steps.append(lambda: post_stop(app))
    steps.append(app.shutdown)
    for step in steps:
        try:
            await step()
        except Exception:
            log.exception("stopping the bot failed at one step")


async def serve(
    settings: Settings, *, webhook: bool, on_signal: Callable[[], None] | None = None
) -> str | None:
    """`mentorbot run`: the bot with its durable intake, until SIGINT or SIGTERM, or until a
    permanent fault stops it (returned as its one line). In polling mode one process per bot:
    a second one refuses to start (`preflight.PollingLock`)."""
    from bot import preflight
    from bot.app import build_application
    from bot.clock import SystemClock
    from bot.runtime import runtime_of

    lock = None if webhook else preflight.PollingLock(settings)
    if lock is not None:
        await lock.acquire()
    db = Database(settings.database_url, keyring=settings.keyring())
    clock = SystemClock()
    app = build_application(settings, db, clock, health=True)
    options: dict[str, Any] | None = None
    if webhook:
        assert settings.webhook_url is not None and settings.webhook_secret is not None
        options = {
            "listen": settings.webhook_listen,
            "port": settings.webhook_port,
            "webhook_url": str(settings.webhook_url),
            "secret_token": settings.webhook_secret.get_secret_value(),
        }
    stop = asyncio.Event()
    rt = runtime_of(app.bot_data)
    rt.on_fatal = lambda _line: stop.set()
    loop = asyncio.get_running_loop()

    def signalled() -> None:
        if on_signal is not None:
            on_signal()
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, signalled)
    try:
        await start_bot(app, db, clock, webhook=options)
        log.info("mentorbot is running (%s)", "webhook" if webhook else "polling")
        await stop.wait()
    finally:
        await stop_bot(app)
        await db.dispose()
        if lock is not None:
            await lock.release()
    return rt.fatal_line
