"""The database as the bot meets it: reachable, schema current, writable (a write rolled
back), and no backlog in the outbox or the inbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import text

from bot import preflight
from bot.clock import SystemClock
from bot.config import Settings
from bot.doctor.results import Check, failed, passed
from storage.db import Database
from storage.migrate import check_schema

OUTBOX_STALE_SECONDS = 600.0  # a message due and unsent longer than this: the sender is stuck


# The fix of a database fault, by the words of its line (all of them), the first that matches.
_FIXES = (
    (("db upgrade",), "run `mentorbot db upgrade` (after a backup; see docs/deployment.md)"),
    (
        ("read-only", "SQLite"),
        "let the bot's user write the database file and its directory (chown, chmod u+w)",
    ),
    (
        ("read-only",),
        "point MENTORBOT_DATABASE_URL at the primary, not a standby or read-only user",
    ),
    (("password",), "correct the user and password in MENTORBOT_DATABASE_URL"),
    (("login",), "correct the user and password in MENTORBOT_DATABASE_URL"),
    (("does not exist",), "create the database (createdb), then run `mentorbot db upgrade`"),
    (("disk",), "free disk space on the database's machine"),
)


def _database_fix(line: str) -> str:
    return next(
        (fix for words, fix in _FIXES if all(word in line for word in words)),
        "start the database, or correct MENTORBOT_DATABASE_URL",
    )


async def check_database(settings: Settings) -> list[Check]:
    """Reachable, schema current, writable (a write that changes nothing, rolled back)."""
    where = preflight.describe_database(settings.database_url)
    db = Database(settings.database_url)
    steps: list[tuple[str, str, Callable[[], Awaitable[object]]]] = [
        ("database reachable", f"{where} answers", db.ping),
        ("database schema", "the schema is current", lambda: check_schema(db)),
        ("database writable", "a write succeeds (rolled back)", lambda: _write(db)),
    ]
    results: list[Check] = []
    try:
        for name, good, step in steps:
            try:
                await step()
            except Exception as exc:
                line = preflight.classify(exc).line
                results.append(failed(name, f"{where}: {line}", _database_fix(line)))
                break
            results.append(passed(name, good))
        else:
            results.append(await _outbox(db))
    finally:
        await db.dispose()
    return results


async def _write(db: Database) -> None:
    async with db.sessions() as session, session.begin():
        await session.execute(text("UPDATE alembic_version SET version_num = version_num"))
        await session.rollback()


async def _outbox(db: Database) -> Check:
    from bot.health import INBOX_STALE_SECONDS, inbox_backlog, outbox_backlog

    now = SystemClock().now()
    async with db.transaction() as session:
        outbox = await outbox_backlog(session, now)
        inbox = await inbox_backlog(session, now)
    detail = (
        f"outbox: {outbox['backlog']} due, the oldest {outbox['oldest_due_seconds']:.0f} s; "
        f"inbox: {inbox['pending']} unhandled, the oldest {inbox['oldest_pending_seconds']:.0f} s"
    )
    if outbox["oldest_due_seconds"] > OUTBOX_STALE_SECONDS or (
        inbox["oldest_pending_seconds"] > INBOX_STALE_SECONDS
    ):
        return failed(
            "backlog",
            detail,
            "is the bot running? `systemctl status mentorbot`, `journalctl -u mentorbot`, "
            "and see /healthz (docs/deployment.md section 7)",
        )
    return passed("backlog", detail)
