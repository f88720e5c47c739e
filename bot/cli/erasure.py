"""`mentorbot person erase`: erase people (or replay an erasure log), delete the bot's recent
messages to them in Telegram, and say what went."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import Call, CliError, person_id, print_json
from bot.clock import SystemClock
from bot.config import Settings


def add_parser(person_sub: Any, out: argparse.ArgumentParser) -> None:
    person_erase = person_sub.add_parser(
        "erase",
        parents=[out],
        help="erase a person: their details, the texts they wrote and the records about them",
        description="Erase a person (see docs/privacy.md): rows stay for the statistics, "
        "holding ids, codes and dates. Messages the bot sent them in the last 48 hours are "
        "deleted in Telegram (with MENTORBOT_TOKEN); older ones stay on their device. Logged "
        "by id in MENTORBOT_ERASURE_LOG, so that --replay applies the erasures again after "
        "a backup is restored.",
    )
    erase_what = person_erase.add_mutually_exclusive_group(required=True)
    erase_what.add_argument("person", metavar="PERSON", nargs="?", help="person id")
    erase_what.add_argument(
        "--replay", type=Path, metavar="FILE", help="erase again everyone an erasure log names"
    )
    person_erase.add_argument("--dry-run", action="store_true", help="only say what would go")


def _ids(args: argparse.Namespace) -> list[int]:
    if args.replay is None:
        return [person_id(args.person)]
    from bot.erasing import replay_ids

    try:
        return replay_ids(args.replay)
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot read the erasure log: {exc}") from None


def erase(call: Call) -> None:
    from bot.services import erasure

    args = call.args
    results = []
    for found_id in _ids(args):

        def work(session: AsyncSession, now: datetime, p: int = found_id) -> Awaitable[Any]:
            return erasure.erase(session, now, p, actor_id=None, dry_run=args.dry_run)

        done = call.run_in_transaction(work)
        told = asyncio.run(_after_erasure(call.settings, done))
        results.append((done, told))
    if call.as_json:
        print_json([_as_json(done, told) for done, told in results])
        return
    for done, told in results:
        _print_erased(done, told)


def _as_json(done: Any, told: Any) -> dict[str, Any]:
    return {
        "person": done.person_id,
        "dry_run": done.dry_run,
        "already_erased": done.already_erased,
        "counts": done.counts,
        "telegram_deleted": told.deleted if told else 0,
        "person_told": bool(told and told.told),
    }


def _print_erased(done: Any, told: Any) -> None:
    verb = "would erase" if done.dry_run else "erased"
    if done.already_erased and not done.counts:
        print(f"person {done.person_id} was already erased: nothing left to erase")
        return
    print(f"person {done.person_id} ({done.role}): {verb}")
    for kind, n in sorted(done.counts.items()):
        print(f"  {kind}: {n}")
    if done.dry_run:
        print(f"  messages to delete in Telegram (sent within 48 h): {len(done.messages)}")
        return
    print(_telegram_line(done, told))
    print(
        "  Messages older than 48 hours stay on their device: Telegram does not let "
        "bots delete them."
    )


def _telegram_line(done: Any, told: Any) -> str:
    if told is None:
        return (
            "  Telegram: not contacted (MENTORBOT_TOKEN is not set): the "
            f"{len(done.messages)} recent message(s) stay, and the person was not told"
        )
    return f"  Telegram: {told.deleted} recent message(s) deleted; " + (
        "the person was told" if told.told else f"the person was not told ({told.error})"
    )


async def _after_erasure(settings: Settings, done: Any) -> Any:
    from bot.erasing import in_telegram, log_erasure

    if done.dry_run or (done.already_erased and not done.counts):
        return None
    try:
        log_erasure(settings.erasure_log, done, SystemClock().now())
    except OSError as exc:
        raise CliError(
            f"person {done.person_id} is erased, but MENTORBOT_ERASURE_LOG could not be "
            f"written ({exc.strerror}): add the id by hand"
        ) from None
    if settings.token is None or not settings.token.get_secret_value().strip():
        return None
    from telegram import Bot

    bot = Bot(settings.require_token(), base_url=f"{settings.api_base}/bot")
    async with bot:
        return await in_telegram(bot, done)
