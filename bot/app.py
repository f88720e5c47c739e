"""Wiring: the one place where settings, database, clock, handlers, jobs and the outbox sender
are put together into a python-telegram-bot `Application`. Tests and the demo use it too."""

from __future__ import annotations

import logging
from typing import Any

from telegram import LinkPreviewOptions
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import HTTPXRequest

from bot import commands, jobs, replies
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.delivery import Sender
from bot.runtime import RUNTIME_KEY, Runtime, runtime_of
from handlers import build_router
from storage.db import Database

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]


async def _tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    await jobs.tick(runtime_of(context.bot_data))


def build_application(
    settings: Settings,
    db: Database,
    clock: Clock | None = None,
    *,
    tick: bool = True,
    set_menus: bool = True,
    sender_poll_seconds: float = 5.0,
    api_timeout: float = 15.0,
) -> App:
    """The bot, ready to start (`bot.intake.serve`, or by hand in tests and the demo). Updates
    reach it through the inbox (`bot.intake.Intake`), never through PTB's `Updater`."""
    token = settings.require_token()
    rt = Runtime(settings=settings, db=db, clock=clock or SystemClock())
    api = settings.api_base
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .defaults(Defaults(parse_mode="HTML", link_preview_options=LinkPreviewOptions(is_disabled=True)))
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
        )
        rt.sender.start()
        if tick and app.job_queue is not None:
            app.job_queue.run_repeating(
                _tick,
                interval=settings.tick_seconds,
                first=1.0,
                name="tick",
                # A tick that runs late still runs (never skipped after a stall); ticks that
                # piled up during a stall run once.
                job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            )

    async def post_stop(app: App) -> None:
        if rt.sender is not None:
            await rt.sender.stop()

    app: App = builder.post_init(post_init).post_stop(post_stop).build()
    app.bot_data[RUNTIME_KEY] = rt
    build_router().install(app)
    app.add_error_handler(_on_error)
    return app


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # Never log the update itself: it holds what people typed.
    err = context.error
    handling = replies.current.get()
    if handling is not None:  # the inbox counts it, and sets the update aside if it repeats
        handling.error = type(err).__name__
    log.error(
        "error while handling an update: %s", type(err).__name__, exc_info=err
    )
