"""The `mentorbot` command: run the bot, the demo, the emulator, and the admin commands."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.config import Settings, SettingsError, load_settings
from storage.db import Database
from storage.migrate import SchemaMismatch, check_schema, upgrade


class CliError(Exception):
    """A one-line reason to stop, printed without a traceback."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentorbot", description="A Telegram bot for social-mentoring programmes."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run the bot (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true", help="receive updates by webhook")
    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="create or upgrade the schema")
    db_sub.add_parser("check", help="say whether the schema is current")
    return parser


async def _db_upgrade(settings: Settings) -> None:
    db = Database(settings.database_url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()
    print("database schema is up to date")


async def _db_check(settings: Settings) -> None:
    db = Database(settings.database_url)
    try:
        await check_schema(db)
    finally:
        await db.dispose()
    print("database schema is up to date")


def _run(settings: Settings, webhook: bool) -> None:
    from bot.app import build_application

    settings.require_token()
    db = Database(settings.database_url)
    try:
        asyncio.run(check_schema(db))
    finally:
        asyncio.run(db.dispose())
    db = Database(settings.database_url)
    app = build_application(settings, db)
    if webhook:
        if settings.webhook_url is None:
            raise CliError("MENTORBOT_WEBHOOK_URL is not set: give the public HTTPS URL")
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            webhook_url=str(settings.webhook_url),
            secret_token=secret,
        )
    else:
        app.run_polling()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its lines hold the bot token
    try:
        settings = load_settings()
        if args.command == "run":
            _run(settings, args.webhook)
        elif args.command == "db" and args.db_command == "upgrade":
            asyncio.run(_db_upgrade(settings))
        elif args.command == "db" and args.db_command == "check":
            asyncio.run(_db_check(settings))
    except (SettingsError, SchemaMismatch, CliError) as exc:
        print(f"mentorbot: {exc}", file=sys.stderr)
        return 2
    return 0
