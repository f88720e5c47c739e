"""`mentorbot doctor`: the start-up preflight (`bot.preflight`) and every other check that can
fail in production, each with what was found and, when it failed, its fix in one line.

Nothing here disturbs a running bot: Telegram is asked only `getMe` and `getWebhookInfo`
(never `getUpdates`, which would take updates from a polling bot), and the database only reads
and a write that is rolled back.

The modules: `results` (`Check`, `render`), `catalogs`, `database`, `disk`, `telegram` and
`updates` (how updates arrive), each with its checks.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.config import Settings
from bot.doctor.catalogs import check_catalogs
from bot.doctor.database import check_database
from bot.doctor.disk import check_disk
from bot.doctor.results import Check, failed, passed, render
from bot.doctor.telegram import check_telegram

__all__ = [
    "Check",
    "check_catalogs",
    "check_database",
    "check_disk",
    "check_telegram",
    "failed",
    "passed",
    "render",
    "run",
]


async def run(settings: Settings, now: Callable[[], float] = time.time) -> list[Check]:
    """Every check, in the order an operator would fix them."""
    results = check_catalogs()
    results += await check_database(settings)
    results.append(check_disk(settings))
    results += await check_telegram(settings, now)
    return results
