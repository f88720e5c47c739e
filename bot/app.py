"""Wiring: the one place where settings, database, clock, handlers, jobs and the outbox sender
are put together into a python-telegram-bot `Application`. Tests and the demo use it too."""

from __future__ import annotations

import importlib.util
import logging
import sys
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults, TypeHandler
from telegram.request import HTTPXRequest

from bot import commands, jobs, metrics, replies
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.delivery import Sender
from bot.preflight import classify
from bot.runtime import RUNTIME_KEY, Runtime, runtime_of
from handlers import build_router
from storage.db import Database

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]


def _no_failed_import_per_request() -> None:
    """httpcore looks for `sniffio` on every Bot API request (`import sniffio`, falling back
    to asyncio when it is missing): without the package, each request walked the import path
    and failed again (about nine per update). Recorded once as missing, the import fails at
    once and httpcore takes asyncio as before. Nothing changes when `sniffio` is installed."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def build_application(
    settings: Settings,
    db: Database,
    clock: Clock | None = None,
    *,
    tick: bool = True,
    set_menus: bool = True,
    sender_poll_seconds: float = 5.0,
    api_timeout: float = 15.0,
    health: bool = False,
) -> App:
    """The bot, ready to start (`bot.intake.serve`, or by hand in tests and the demo). Updates
    reach it through the inbox (`bot.intake.Intake`), never through PTB's `Updater`. With
    `health`, `/healthz` and `/metrics` are served on `settings.health_port` (not 0)."""
    token = settings.require_token()
    _no_failed_import_per_request()
    rt = Runtime(settings=settings, db=db, clock=clock or SystemClock())
    api = settings.api_base
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .defaults(
            Defaults(parse_mode="HTML", link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        .request(
            HTTPXRequest(
                connection_pool_size=16, read_timeout=api_timeout, write_timeout=api_timeout
            )
        )
        .get_updates_request(HTTPXRequest(read_timeout=40))
        .updater(None)
    )

    async def post_init(app: App) -> None:
        rt.bot_username = app.bot.username
        if set_menus:
            await commands.set_default_menus(app.bot)
        rt.sender = Sender(
            db,
            app.bot,
            rt.clock,
            poll_seconds=sender_poll_seconds,
            rate_overall=settings.rate_overall,
            rate_per_chat=settings.rate_per_chat,
            on_fatal=rt.fatal,
        )
        rt.sender.start()
        if health and settings.health_port:
            from bot.health import HealthServer

            server = HealthServer(rt, settings.health_listen, settings.health_port)
            await server.start()
            rt.extras["health"] = server
            log.info(
                "health and metrics on http://%s:%d/healthz and /metrics",
                settings.health_listen,
                server.port,
            )
        if tick:
            # Our own loop on the monotonic clock, not the job queue: see bot.jobs.Ticker.
            ticker = jobs.Ticker(rt, settings.tick_seconds)
            rt.extras["ticker"] = ticker
            ticker.start()

    async def post_stop(app: App) -> None:
        ticker = rt.extras.pop("ticker", None)
        if isinstance(ticker, jobs.Ticker):
            await ticker.stop()
        if rt.sender is not None:
            await rt.sender.stop(grace_seconds=3.0)
        server = rt.extras.pop("health", None)
        if server is not None:
            await server.stop()

    app: App = builder.post_init(post_init).post_stop(post_stop).build()
    app.bot_data[RUNTIME_KEY] = rt
    app.add_handler(TypeHandler(Update, _count), group=-2000)  # before the private-chats guard
    build_router().install(app)
    app.add_error_handler(_on_error)
    return app


async def _count(_update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    metrics.UPDATES.inc()


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # Never log the update itself: it holds what people typed.
    err = context.error
    handling = replies.current.get()
    if handling is not None:  # the inbox counts it, and sets the update aside if it repeats
        handling.error = type(err).__name__
    metrics.UPDATES_FAILED.inc()
    if err is not None and not classify(err).transient:
        runtime_of(context.bot_data).fatal(classify(err).line)
        return
    log.error("error while handling an update: %s", type(err).__name__, exc_info=err)
