"""Telegram as the bot meets it: the token (getMe), the clock (the answer's Date header),
private chats only, the descriptions, and how updates arrive (webhook or polling).

Telegram is asked only `getMe`, `getMyDescription`, `getMyShortDescription` and
`getWebhookInfo` (never `getUpdates`, which would take updates from a polling bot)."""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.chats import allows_groups
from bot.config import Settings, SettingsError
from bot.doctor.results import Check, failed, passed
from bot.doctor.updates import updates

CLOCK_TOLERANCE_SECONDS = 30.0  # reminders and deadlines are due by the machine's clock
TELEGRAM_TIMEOUT = 10.0


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


def _refused(exc: _Refused) -> Check:
    """getMe refused: the token, or Telegram itself."""
    if exc.code in (401, 404):
        return failed(
            "token",
            f"Telegram refused the token ({exc.code} {exc.description})",
            "copy the token again from @BotFather (/mybots, the bot, API Token) "
            "into MENTORBOT_TOKEN",
        )
    return failed("token", f"Telegram answered {exc.code} {exc.description}", "try again later")


async def _webhook_info(client: httpx.AsyncClient, base: str, settings: Settings) -> Check:
    try:
        info, _ = await _call(client, base, "getWebhookInfo")
    except _Refused as exc:
        return failed("updates", f"getWebhookInfo: {exc.description}", "try again later")
    return updates(settings, info)


async def _checks(
    client: httpx.AsyncClient, base: str, settings: Settings, now: Callable[[], float]
) -> list[Check]:
    try:
        me, response = await _call(client, base, "getMe")
    except _Refused as exc:
        return [_refused(exc)]
    return [
        passed("token", f"the bot @{me.get('username', '?')} ({me.get('first_name', '')})"),
        _clock(response, now),
        _groups(me),
        await _descriptions(client, base),
        await _webhook_info(client, base, settings),
    ]


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
            return await _checks(client, base, settings, now)
    except httpx.HTTPError as exc:
        return [
            failed(
                "token",
                f"Telegram's Bot API at {urlsplit(settings.api_base).netloc} cannot be reached "
                f"({type(exc).__name__})",
                "check the network, a firewall or proxy, and MENTORBOT_API_URL",
            )
        ]
