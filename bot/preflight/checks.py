"""Before the bot runs: the database (reachable, schema current, writable, its encrypted
values readable), the token (getMe) and the compiled catalogs, waiting out transient faults
(`retrying`); a permanent one raises `PermanentFault` with one line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.preflight.faults import Fault, PermanentFault, classify
from storage import crypto
from storage.db import Database
from storage.migrate import check_schema

log = logging.getLogger("bot.preflight")


async def check_encryption(db: Database) -> None:
    """Every encrypted value can be read with the configured keys: without a key, a database
    holding encrypted data is refused; with keys, so is data under a key not among them."""
    from bot.services import keys

    async with db.transaction() as session:
        column = await keys.unreadable(session, db.keyring)
    if column is None:
        return
    if db.keyring is None:
        line = f"{crypto.NO_KEY} (encrypted values in {column})"
    else:
        line = (
            f"{column} holds values encrypted with a key that is not configured: add the old "
            "key after the new one in MENTORBOT_ENCRYPTION_KEY (comma-separated) or the key file"
        )
    raise PermanentFault(Fault(line, transient=False))


async def check_database(db: Database) -> None:
    """Reachable, schema current, writable; raises the error met."""
    await db.ping()
    await check_schema(db)
    # A write that changes nothing, rolled back: refused by a read-only file, a read-only
    # server or a full disk.
    async with db.sessions() as session, session.begin():
        await session.execute(text("UPDATE alembic_version SET version_num = version_num"))
        await session.rollback()


async def check_token(settings: Settings) -> str:
    """getMe: the bot's username; raises the error met."""
    from telegram import Bot

    from bot.chats import GROUPS_WARNING, allows_groups

    bot = Bot(settings.require_token(), base_url=f"{settings.api_base}/bot")
    async with bot:
        if allows_groups(bot.bot):
            log.warning("%s", GROUPS_WARNING)
        return bot.username or ""


def check_catalogs() -> None:
    """Every supported language has its compiled catalog."""
    from bot.i18n import DOMAIN, LOCALES_DIR, SUPPORTED_LOCALES

    missing = [
        locale
        for locale in SUPPORTED_LOCALES
        if locale != "en" and not (LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo").exists()
    ]
    if missing:
        raise PermanentFault(
            Fault(
                f"the compiled catalogs of {', '.join(missing)} are missing: run "
                '`python -c "from bot.catalogs import compile_all; compile_all()"` '
                "(scripts/install does it)",
                transient=False,
            )
        )


def describe_database(url: str) -> str:
    """The database without its password, for messages."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite {Path(parsed.database or ':memory:').name}"
    return f"PostgreSQL {parsed.database} on {parsed.host or 'localhost'}"


Sleep = Callable[[float], Awaitable[None]]


async def retrying(
    what: str,
    step: Callable[[], Awaitable[object]],
    *,
    sleep: Sleep = asyncio.sleep,
    first_delay: float = 1.0,
    max_delay: float = 30.0,
    attempts: int | None = None,
) -> object:
    """Run `step` until it succeeds; a transient fault waits (1, 2, 4 … `max_delay` s) and
    tries again, a permanent one raises `PermanentFault` at once."""
    delay, tried = first_delay, 0
    while True:
        try:
            return await step()
        except Exception as exc:
            fault = classify(exc)
            tried += 1
            if not fault.transient or (attempts is not None and tried >= attempts):
                raise PermanentFault(Fault(f"{what}: {fault.line}", False)) from exc
            log.warning("%s: %s; trying again in %.0f s", what, fault.line, delay)
            await sleep(delay)
            delay = min(delay * 2, max_delay)


async def check(
    settings: Settings,
    *,
    token: bool = True,
    sleep: Sleep = asyncio.sleep,
    attempts: int | None = None,
) -> str | None:
    """Every check `mentorbot run` needs, waiting out transient faults; returns the bot's
    username (None without `token`). Raises `PermanentFault` with one line."""
    check_catalogs()
    where = describe_database(settings.database_url)
    db = Database(settings.database_url, keyring=settings.keyring())
    try:
        await retrying(where, lambda: check_database(db), sleep=sleep, attempts=attempts)
        await check_encryption(db)
    finally:
        await db.dispose()
    if not token:
        return None
    name = await retrying("Telegram", lambda: check_token(settings), sleep=sleep, attempts=attempts)
    return str(name)
