"""Before the bot runs, and whenever something fails while it runs: what is wrong, in one line,
and whether waiting can help.

`check` looks at the database (reachable, schema current, writable), the token (getMe) and the
compiled catalogs. `classify` sorts any exception into a *transient* fault (connection refused,
a timeout, a database restarting: pause and try again with backoff) or a *permanent* one
(read-only database, authentication refused, database missing, schema out of date, disk full,
token refused: stop, exit non-zero, say it in one line). `mentorbot run` uses both; the CLI's
diagnostic and set-up commands can call `check` too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.config import Settings
from storage import crypto
from storage.db import Database
from storage.migrate import SchemaMismatch, check_schema

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fault:
    """What went wrong, for the operator: one line, and whether waiting may mend it."""

    line: str
    transient: bool


class PermanentFault(Exception):
    """A fault that waiting does not mend: the process stops with this one line."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.line)
        self.fault = fault


# PostgreSQL error codes (SQLSTATE) that retrying does not mend, and those it may.
_PERMANENT_SQLSTATE = {
    "28000": "the database refused the login (check the user in MENTORBOT_DATABASE_URL)",
    "28P01": "the database refused the password (check MENTORBOT_DATABASE_URL)",
    "3D000": "the database does not exist: create it, then run `mentorbot db upgrade`",
    "25006": "the database is read-only (a standby, or default_transaction_read_only)",
    "53100": "the database server's disk is full",
    "42501": "the database user may not do this (grant it the rights on the schema)",
    "42P01": "a table is missing: run `mentorbot db upgrade`",
}
_TRANSIENT_SQLSTATE = {
    "57P03": "the database is starting up or shutting down",
    "57P01": "the database was shut down by its administrator (restarting?)",
    "57P02": "the database crashed and is restarting",
    "08000": "the connection to the database broke",
    "08003": "the connection to the database broke",
    "08006": "the connection to the database broke",
    "08001": "the database refused the connection",
    "08004": "the database refused the connection",
    "53300": "the database has too many connections",
    "40001": "a transaction was serialised out",
    "40P01": "a deadlock was detected",
    "55P03": "a lock was not available",
}


def _chain(exc: BaseException) -> Iterable[BaseException]:
    """The exception, what it wraps (`orig`) and its causes, each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop(0)
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo += [getattr(item, "orig", None), item.__cause__, item.__context__]


def classify(exc: BaseException) -> Fault:
    """Transient or permanent, and the one line that says what happened. Unknown errors are
    transient (logged, retried with backoff): stopping on a fault never seen before would be a
    guess; a permanent fault is one known not to mend itself."""
    for item in _chain(exc):
        if isinstance(item, PermanentFault):
            return item.fault
        if isinstance(item, SchemaMismatch):
            return Fault(str(item), transient=False)
        if isinstance(item, crypto.CryptoError):
            return Fault(str(item), transient=False)
        sqlstate = getattr(item, "sqlstate", None)
        if isinstance(sqlstate, str):
            if sqlstate in _PERMANENT_SQLSTATE:
                return Fault(_PERMANENT_SQLSTATE[sqlstate], transient=False)
            if sqlstate in _TRANSIENT_SQLSTATE:
                return Fault(_TRANSIENT_SQLSTATE[sqlstate], transient=True)
        if isinstance(item, sqlite3.Error):
            message = str(item).lower()
            if "readonly" in message or "read-only" in message:
                return Fault(
                    "the SQLite database file is read-only (check the file's and its "
                    "directory's owner and permissions)",
                    transient=False,
                )
            if "disk is full" in message or "disk i/o" in message:
                return Fault(f"the SQLite database cannot be written: {item}", transient=False)
            if "unable to open" in message:
                return Fault(
                    "the SQLite database file cannot be opened (does its directory exist, "
                    "and may this user write there?)",
                    transient=False,
                )
            if "no such table" in message:
                return Fault("a table is missing: run `mentorbot db upgrade`", transient=False)
            if "locked" in message or "busy" in message:
                return Fault("the SQLite database is locked by another process", transient=True)
        if isinstance(item, ConnectionRefusedError):
            return Fault("the database refused the connection (is it running?)", transient=True)
        if isinstance(item, socket.gaierror):
            return Fault("the database host name does not resolve", transient=True)
        if isinstance(item, TimeoutError):
            return Fault("the database did not answer in time", transient=True)
        if isinstance(item, ConnectionError):
            return Fault("the connection to the database broke", transient=True)
        if isinstance(item, OSError) and item.errno == 28:  # ENOSPC
            return Fault("the disk is full", transient=False)
        if type(item).__name__ in ("InvalidToken",):
            return Fault(
                "Telegram refused the bot token: check MENTORBOT_TOKEN (from @BotFather)",
                transient=False,
            )
        if type(item).__name__ in ("NetworkError", "TimedOut"):
            return Fault("Telegram's Bot API cannot be reached", transient=True)
    return Fault(f"unexpected error ({type(exc).__name__})", transient=True)


# --- the checks ---------------------------------------------------------------------------


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


# --- one poller per bot -----------------------------------------------------------------------


class PollingLock:
    """Held for as long as this process polls Telegram for the bot: a second `mentorbot run`
    (long polling) with the same token refuses to start instead of fighting over getUpdates
    (409 Conflict). On PostgreSQL, a session advisory lock keyed on the bot's id, on a
    connection of its own (so every process on that database sees it; behind pgbouncer it needs
    a session-mode pool). On SQLite, an exclusive `flock` on a file next to the database (so
    every process on that machine sees it)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.bot_id = settings.require_token().split(":", 1)[0]
        self._db: Database | None = None
        self._connection: object | None = None
        self._file: object | None = None

    def key(self) -> int:
        import hashlib

        digest = hashlib.sha256(f"mentorbot:polling:{self.bot_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def _refused(self) -> PermanentFault:
        return PermanentFault(
            Fault(
                f"another mentorbot is already polling bot {self.bot_id} "
                f"({describe_database(self.settings.database_url)}): stop it first, or run "
                "several instances with --webhook",
                transient=False,
            )
        )

    async def acquire(self) -> None:
        url = make_url(self.settings.database_url)
        if url.get_backend_name() == "sqlite":
            self._lock_file(url.database or "")
            return
        from sqlalchemy.ext.asyncio import AsyncConnection

        self._db = Database(self.settings.database_url)
        connection: AsyncConnection = await self._db.engine.connect()
        got = (
            await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key()})
        ).scalar_one()
        await connection.commit()
        if not got:
            await connection.close()
            await self._db.dispose()
            self._db = None
            raise self._refused()
        self._connection = connection

    def _lock_file(self, database: str) -> None:
        import fcntl

        if database in ("", ":memory:") or database.startswith("file:"):
            database = database.removeprefix("file:").split("?", 1)[0]
        if not database or database == ":memory:":
            return
        path = Path(f"{database}.polling.lock")
        handle = path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise self._refused() from None
        self._file = handle

    async def release(self) -> None:
        if self._file is not None:
            self._file.close()  # type: ignore[attr-defined]
            self._file = None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()  # type: ignore[attr-defined]
            self._connection = None
        if self._db is not None:
            await self._db.dispose()
            self._db = None
