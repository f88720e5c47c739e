"""`mentorbot doctor`: the start-up preflight (`bot/preflight.py`) and every other check that can
fail in production, each with what was found and, when it failed, its fix in one line.

Nothing here disturbs a running bot: Telegram is asked only `getMe` and `getWebhookInfo`
(never `getUpdates`, which would take updates from a polling bot), and the database only reads
and a write that is rolled back.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot import preflight
from bot.chats import allows_groups
from bot.clock import SystemClock
from bot.config import Settings, SettingsError
from storage.db import Database
from storage.migrate import check_schema

CLOCK_TOLERANCE_SECONDS = 30.0  # reminders and deadlines are due by the machine's clock
DISK_MIN_FREE_BYTES = 500 * 2**20  # SQLite's file, its journal, backups and logs grow here
OUTBOX_STALE_SECONDS = 600.0  # a message due and unsent longer than this: the sender is stuck
TELEGRAM_TIMEOUT = 10.0


@dataclass(frozen=True)
class Check:
    """One check: its name, whether it passed, what was found, and the fix in one line."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def passed(name: str, detail: str) -> Check:
    return Check(name, True, detail)


def failed(name: str, detail: str, fix: str) -> Check:
    return Check(name, False, detail, fix)


# --- catalogs -------------------------------------------------------------------------------


def _key(message: Any) -> tuple[str | None, str]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, str(msgid)


def check_catalogs() -> list[Check]:
    """Compiled (the preflight's check) and complete: every text of the template is translated
    in the catalog the bot reads for every language."""
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    from bot.i18n import DOMAIN, LOCALES_DIR, SUPPORTED_LOCALES

    compile_fix = (
        '.venv/bin/python -c "from bot.catalogs import compile_all; compile_all()" '
        "(scripts/install does it)"
    )
    try:
        preflight.check_catalogs()
    except preflight.PermanentFault as exc:
        return [failed("catalogs", exc.fault.line.split(": run", 1)[0], compile_fix)]
    template_path = LOCALES_DIR / f"{DOMAIN}.pot"
    wanted: set[tuple[str | None, str]] = set()
    if template_path.exists():
        with template_path.open("rb") as handle:
            wanted = {_key(m) for m in read_po(handle) if m.id}
    incomplete: list[str] = []
    for locale in SUPPORTED_LOCALES:
        if locale == "en":
            continue
        folder = LOCALES_DIR / locale / "LC_MESSAGES"
        mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
        # What the bot reads: the compiled catalog, or its source when that is newer
        # (bot/i18n compiles it in memory then).
        if po.exists() and po.stat().st_mtime > mo.stat().st_mtime:
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=locale)
        else:
            with mo.open("rb") as handle:
                catalog = read_mo(handle)
        have = {
            _key(m)
            for m in catalog
            if m.id
            and not m.fuzzy
            and (all(m.string) if isinstance(m.string, tuple | list) else m.string)
        }
        missing = wanted - have
        if missing:
            incomplete.append(f"{locale} ({len(missing)})")
    if incomplete:
        return [
            failed(
                "catalogs",
                f"texts without a translation: {', '.join(incomplete)}",
                "install a released version (git pull; scripts/install): its catalogs are complete",
            )
        ]
    count = len(SUPPORTED_LOCALES) - 1
    return [passed("catalogs", f"{count} languages compiled, {len(wanted)} texts each")]


# --- database -------------------------------------------------------------------------------


def _database_fix(line: str) -> str:
    if "db upgrade" in line:
        return "run `mentorbot db upgrade` (after a backup; see docs/deployment.md)"
    if "read-only" in line and "SQLite" in line:
        return "let the bot's user write the database file and its directory (chown, chmod u+w)"
    if "read-only" in line:
        return "point MENTORBOT_DATABASE_URL at the primary, not a standby or read-only user"
    if "password" in line or "login" in line:
        return "correct the user and password in MENTORBOT_DATABASE_URL"
    if "does not exist" in line:
        return "create the database (createdb), then run `mentorbot db upgrade`"
    if "disk" in line:
        return "free disk space on the database's machine"
    return "start the database, or correct MENTORBOT_DATABASE_URL"


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


# --- disk -----------------------------------------------------------------------------------


def check_disk(settings: Settings) -> Check:
    url = make_url(settings.database_url)
    folder = Path.cwd()
    if url.get_backend_name() == "sqlite" and url.database:
        database = url.database.removeprefix("file:").split("?", 1)[0]
        if database and database != ":memory:":
            folder = Path(database).resolve().parent
    try:
        usage = shutil.disk_usage(folder)
    except OSError as exc:
        return failed("disk", f"{folder}: {exc.strerror}", "create the folder of the database")
    free_mb = usage.free // 2**20
    detail = f"{free_mb:,} MB free in {folder}"
    if usage.free < DISK_MIN_FREE_BYTES:
        return failed(
            "disk",
            detail,
            f"free at least {DISK_MIN_FREE_BYTES // 2**20} MB there "
            "(old backups, logs: `journalctl --vacuum-size=200M`)",
        )
    return passed("disk", detail)


# --- Telegram -------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


async def _call(
    client: httpx.AsyncClient, base: str, method: str
) -> tuple[dict[str, Any], httpx.Response]:
    response = await client.post(f"{base}/{method}")
    try:
        body = response.json()
    except ValueError:
        raise _Refused(
            response.status_code, f"not a Bot API answer (HTTP {response.status_code})"
        ) from None
    if not body.get("ok"):
        raise _Refused(
            int(body.get("error_code", response.status_code)), body.get("description", "")
        )
    result = body.get("result")
    return (result if isinstance(result, dict) else {}), response


def _clock(response: httpx.Response, now: Callable[[], float]) -> Check:
    header = response.headers.get("date")
    if not header:
        return failed(
            "clock",
            "Telegram's answer has no Date header",
            "check that MENTORBOT_API_URL is Telegram's Bot API",
        )
    try:
        theirs = parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError):
        return failed("clock", f"unreadable Date header {header!r}", "check MENTORBOT_API_URL")
    offset = now() - theirs
    detail = f"the machine's clock is {abs(offset):.0f} s {'ahead of' if offset > 0 else 'behind'} Telegram's"
    if abs(offset) > CLOCK_TOLERANCE_SECONDS:
        return failed(
            "clock",
            detail,
            "synchronise the clock: `sudo timedatectl set-ntp true` (or install chrony)",
        )
    return passed("clock", detail)


def _groups(me: dict[str, Any]) -> Check:
    name = "private chats only"
    if allows_groups(me):
        return failed(
            name,
            "the bot can be added to groups (BotFather's Allow Groups is on); it leaves them",
            'in @BotFather send /setjoingroups, choose the bot and answer "Disable"',
        )
    detail = "the bot cannot be added to groups"
    if me.get("can_read_all_group_messages"):
        detail += " (privacy mode is off: turn it on with /setprivacy in @BotFather)"
    if me.get("can_connect_to_business"):
        detail += "; business mode is on (its messages are refused)"
    return passed(name, detail)


async def _descriptions(client: httpx.AsyncClient, base: str) -> Check:
    """What people see before they write: the description (an empty chat's "What can this bot
    do?") and the short one (the profile), in the default language."""
    missing = []
    for method, key in (
        ("getMyDescription", "description"),
        ("getMyShortDescription", "short_description"),
    ):
        try:
            found, _ = await _call(client, base, method)
        except _Refused as exc:
            return failed("descriptions", f"{method}: {exc.description}", "try again later")
        if not str(found.get(key) or "").strip():
            missing.append(key.replace("_", " "))
    if missing:
        return failed(
            "descriptions",
            f"the bot has no {' and no '.join(missing)}: people who open it do not learn what it is",
            "run `mentorbot setup` (it sets them in the organisation's languages)",
        )
    return passed("descriptions", "the description and the short description are set")


def _webhook(settings: Settings, info: dict[str, Any]) -> Check:
    url = str(info.get("url") or "")
    pending = int(info.get("pending_update_count") or 0)
    error = info.get("last_error_message")
    when = info.get("last_error_date")
    host = urlsplit(url).netloc or url
    if settings.webhook_url is None:  # polling
        if url:
            return failed(
                "updates",
                f"a webhook is set (to {host}) but MENTORBOT_WEBHOOK_URL is not: "
                "`mentorbot run` (polling) gets no updates",
                "set MENTORBOT_WEBHOOK_URL and run `mentorbot run --webhook`, or run "
                "`mentorbot run` once: it removes the webhook",
            )
        return passed("updates", f"long polling; {pending} update(s) waiting at Telegram")
    expected = str(settings.webhook_url)
    if not url:
        return failed(
            "updates",
            "no webhook is set at Telegram",
            "start the bot with `mentorbot run --webhook` (it sets the webhook)",
        )
    if url.rstrip("/") != expected.rstrip("/"):
        return failed(
            "updates",
            f"Telegram sends updates to {host}, not to MENTORBOT_WEBHOOK_URL",
            "restart `mentorbot run --webhook` (it sets the webhook), or correct "
            "MENTORBOT_WEBHOOK_URL",
        )
    if error and pending:
        since = (
            datetime.fromtimestamp(int(when), UTC).strftime("%Y-%m-%d %H:%M UTC") if when else "?"
        )
        return failed(
            "updates",
            f"Telegram cannot deliver to the webhook: {error} (last at {since}); "
            f"{pending} update(s) waiting",
            "check that `mentorbot run --webhook` runs and that the reverse proxy passes "
            f"https://{host} to {settings.webhook_listen}:{settings.webhook_port} "
            "(docs/deployment.md section 4)",
        )
    return passed("updates", f"webhook to {host}; {pending} update(s) waiting")


async def check_telegram(settings: Settings, now: Callable[[], float] = time.time) -> list[Check]:
    """Token (getMe), groups, clock (the answer's Date header), webhook or polling state."""
    try:
        token = settings.require_token()
    except SettingsError as exc:
        return [
            failed(
                "token",
                str(exc).split(":", 1)[0],
                "put MENTORBOT_TOKEN=… in the settings file (`mentorbot setup`)",
            )
        ]
    base = f"{settings.api_base}/bot{token}"
    try:
        async with httpx.AsyncClient(timeout=TELEGRAM_TIMEOUT) as client:
            try:
                me, response = await _call(client, base, "getMe")
            except _Refused as exc:
                if exc.code in (401, 404):
                    return [
                        failed(
                            "token",
                            f"Telegram refused the token ({exc.code} {exc.description})",
                            "copy the token again from @BotFather (/mybots, the bot, API Token) "
                            "into MENTORBOT_TOKEN",
                        )
                    ]
                return [
                    failed(
                        "token",
                        f"Telegram answered {exc.code} {exc.description}",
                        "try again later",
                    )
                ]
            results = [
                passed("token", f"the bot @{me.get('username', '?')} ({me.get('first_name', '')})")
            ]
            results.append(_clock(response, now))
            results.append(_groups(me))
            results.append(await _descriptions(client, base))
            try:
                info, _ = await _call(client, base, "getWebhookInfo")
            except _Refused as exc:
                results.append(
                    failed("updates", f"getWebhookInfo: {exc.description}", "try again later")
                )
            else:
                results.append(_webhook(settings, info))
            return results
    except httpx.HTTPError as exc:
        return [
            failed(
                "token",
                f"Telegram's Bot API at {urlsplit(settings.api_base).netloc} cannot be reached "
                f"({type(exc).__name__})",
                "check the network, a firewall or proxy, and MENTORBOT_API_URL",
            )
        ]


# --- all of them ------------------------------------------------------------------------------


async def run(settings: Settings, now: Callable[[], float] = time.time) -> list[Check]:
    """Every check, in the order an operator would fix them."""
    results = check_catalogs()
    results += await check_database(settings)
    results.append(check_disk(settings))
    results += await check_telegram(settings, now)
    return results


def render(results: list[Check]) -> str:
    width = max(len(r.name) for r in results)
    lines = []
    for r in results:
        lines.append(f"{'ok  ' if r.ok else 'FAIL'}  {r.name.ljust(width)}  {r.detail}")
        if r.fix:
            lines.append(f"      {''.ljust(width)}  fix: {r.fix}")
    bad = sum(not r.ok for r in results)
    lines.append("all checks passed" if not bad else f"{bad} check(s) failed")
    return "\n".join(lines)
