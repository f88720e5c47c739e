"""After an erasure has committed: delete in Telegram the messages the bot sent the person in
the last 48 hours (`deleteMessages`, at most 100 a call), tell them in their language that older
ones stay on their device, and append the person's id to the erasure log, so that a restored
backup can have the erasure applied again (`mentorbot person erase --replay FILE`)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from telegram import Bot
from telegram.error import TelegramError

from bot.i18n import translator
from bot.services.erasure import Erasure, chunks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Told:
    deleted: int  # messages deleted in Telegram
    told: bool  # the person was told
    error: str | None = None  # why not (an error's type, never its text)


def notice(locale: str | None) -> str:
    tr = translator(locale)
    return tr.gettext(
        "Your personal data has been erased from the mentoring programme. The messages this "
        "bot sent you in the last 48 hours have been deleted; older ones stay on this device "
        "(Telegram does not let bots delete them): you can delete this chat yourself."
    )


async def in_telegram(bot: Bot, erasure: Erasure) -> Told:
    """Delete the recent messages, then tell the person (their notice is not deleted)."""
    if erasure.dry_run or erasure.chat_id is None:
        return Told(0, False)
    deleted, error = 0, None
    for part in chunks(erasure.messages):
        try:
            await bot.delete_messages(erasure.chat_id, part)
            deleted += len(part)
        except TelegramError as exc:
            error = type(exc).__name__
            log.warning("deleteMessages for an erased person failed: %s", error)
    try:
        await bot.send_message(erasure.chat_id, notice(erasure.locale))
        told = True
    except TelegramError as exc:
        error, told = type(exc).__name__, False
        log.warning("the erased person could not be told: %s", error)
    return Told(deleted, told, error)


def log_erasure(path: Path, erasure: Erasure, when: datetime) -> None:
    """One JSON line per erasure: the person's id and the time, nothing else."""
    if erasure.dry_run:
        return
    line = json.dumps({"person": erasure.person_id, "erased_at": when.isoformat()})
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def replay_ids(path: Path) -> list[int]:
    """The people an erasure log names, in order, each once."""
    seen: list[int] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            person = int(json.loads(line)["person"])
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"line {number} of {path.name} is not an erasure") from None
        if person not in seen:
            seen.append(person)
    return seen
