"""`mentorbot invite`: a person's invitation link (revoking their previous one)."""

from __future__ import annotations

import argparse
import asyncio
import re
from typing import Any

from bot.cli.common import Call, CliError, Commands, print_json
from bot.config import Settings
from bot.services import invites

USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


def add_parsers(sub: Any, out: argparse.ArgumentParser) -> None:
    invite = sub.add_parser(
        "invite",
        parents=[out],
        help="make a person's invitation link (revokes their previous one)",
        description="Print a personal invitation link; its last line is the link.",
    )
    invite.add_argument("person", metavar="PERSON", help="person id")
    invite.add_argument("--ttl-days", type=int, default=invites.DEFAULT_TTL_DAYS)
    invite.add_argument("--bot-username", help="default: MENTORBOT_BOT_USERNAME, else getMe")


async def bot_username(settings: Settings, given: str | None) -> str:
    name = (given or settings.bot_username or "").strip().lstrip("@")
    if not name and settings.token is not None and settings.token.get_secret_value().strip():
        from telegram import Bot
        from telegram.error import TelegramError

        bot = Bot(settings.require_token(), base_url=f"{settings.api_base}/bot")
        try:
            async with bot:
                name = bot.username or ""
        except TelegramError as exc:
            raise CliError(
                f"could not ask Telegram for the bot's username ({type(exc).__name__}): "
                "give --bot-username"
            ) from None
    if not name:
        raise CliError(
            "the bot's username is unknown: give --bot-username, or set "
            "MENTORBOT_BOT_USERNAME or MENTORBOT_TOKEN"
        )
    if not USERNAME.match(name):
        raise CliError(f"malformed bot username {name!r}")
    return name


def _invite(call: Call) -> None:
    args = call.args
    if not str(args.person).strip().lstrip("#").isdigit():
        raise CliError(f"unknown person {args.person!r} (give the person's id)")
    username = asyncio.run(bot_username(call.settings, args.bot_username))
    issued = call.run_in_transaction(
        lambda s, now: invites.create(
            s, now, int(str(args.person).strip().lstrip("#")), args.ttl_days
        ),
    )
    link = invites.deep_link(username, issued.token)
    if call.as_json:
        print_json(
            {
                "invite_id": issued.invite_id,
                "person_id": issued.person_id,
                "expires_at": issued.expires_at,
                "revoked": issued.revoked,
                "link": link,
            }
        )
        return
    print(
        f"invitation {issued.invite_id} for person {issued.person_id}, valid until "
        f"{issued.expires_at:%Y-%m-%d %H:%M} UTC"
        + (" (the previous one no longer works)" if issued.revoked else "")
    )
    print(link)


COMMANDS: Commands = {("invite", None): _invite}
