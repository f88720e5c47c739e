"""What went wrong, in one line, and whether waiting can help: `classify` sorts any exception
into a *transient* fault (connection refused, a timeout, a database restarting: pause and try
again with backoff) or a *permanent* one (read-only database, authentication refused, database
missing, schema out of date, disk full, token refused: stop, exit non-zero, say it)."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from storage import crypto
from storage.migrate import SchemaMismatch


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


def _own(item: BaseException) -> Fault | None:
    """A fault already said in one line: ours, the schema's, the encryption's."""
    if isinstance(item, PermanentFault):
        return item.fault
    if isinstance(item, SchemaMismatch | crypto.CryptoError):
        return Fault(str(item), transient=False)
    return None


def _by_sqlstate(item: BaseException) -> Fault | None:
    sqlstate = getattr(item, "sqlstate", None)
    if not isinstance(sqlstate, str):
        return None
    if sqlstate in _PERMANENT_SQLSTATE:
        return Fault(_PERMANENT_SQLSTATE[sqlstate], transient=False)
    if sqlstate in _TRANSIENT_SQLSTATE:
        return Fault(_TRANSIENT_SQLSTATE[sqlstate], transient=True)
    return None


# SQLite's errors by words of their message, the first that matches; {error} is the message.
_SQLITE = (
    (
        ("readonly", "read-only"),
        "the SQLite database file is read-only (check the file's and its directory's owner "
        "and permissions)",
        False,
    ),
    (("disk is full", "disk i/o"), "the SQLite database cannot be written: {error}", False),
    (
        ("unable to open",),
        "the SQLite database file cannot be opened (does its directory exist, and may this "
        "user write there?)",
        False,
    ),
    (("no such table",), "a table is missing: run `mentorbot db upgrade`", False),
    (("locked", "busy"), "the SQLite database is locked by another process", True),
)


def _sqlite(item: BaseException) -> Fault | None:
    if not isinstance(item, sqlite3.Error):
        return None
    message = str(item).lower()
    for words, line, transient in _SQLITE:
        if any(word in message for word in words):
            return Fault(line.format(error=item), transient=transient)
    return None


# Faults of the network, all transient, the first class that matches.
_NETWORK: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "the database refused the connection (is it running?)"),
    (socket.gaierror, "the database host name does not resolve"),
    (TimeoutError, "the database did not answer in time"),
    (ConnectionError, "the connection to the database broke"),
)


def _network(item: BaseException) -> Fault | None:
    for kind, line in _NETWORK:
        if isinstance(item, kind):
            return Fault(line, transient=True)
    if isinstance(item, OSError) and item.errno == 28:  # ENOSPC
        return Fault("the disk is full", transient=False)
    return None


# python-telegram-bot's errors, by name (the CLI does not import Telegram to classify).
_TELEGRAM = {
    "InvalidToken": Fault(
        "Telegram refused the bot token: check MENTORBOT_TOKEN (from @BotFather)", transient=False
    ),
    "NetworkError": Fault("Telegram's Bot API cannot be reached", transient=True),
    "TimedOut": Fault("Telegram's Bot API cannot be reached", transient=True),
}


def _telegram(item: BaseException) -> Fault | None:
    return _TELEGRAM.get(type(item).__name__)


# Each item of an exception's chain is asked of these in turn; the first fault found wins.
_CLASSIFIERS: tuple[Callable[[BaseException], Fault | None], ...] = (
    _own,
    _by_sqlstate,
    _sqlite,
    _network,
    _telegram,
)


def classify(exc: BaseException) -> Fault:
    """Transient or permanent, and the one line that says what happened. Unknown errors are
    transient (logged, retried with backoff): stopping on a fault never seen before would be a
    guess; a permanent fault is one known not to mend itself."""
    for item in _chain(exc):
        for classifier in _CLASSIFIERS:
            fault = classifier(item)
            if fault is not None:
                return fault
    return Fault(f"unexpected error ({type(exc).__name__})", transient=True)
