"""What the handlers and jobs share: settings, database, clock and the outbox sender.
Built once by `bot.app.build_application` and kept in `application.bot_data`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.clock import Clock
from bot.config import Settings
from storage.db import Database

if TYPE_CHECKING:
    from bot.delivery import Sender

RUNTIME_KEY = "mentorbot.runtime"
log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    sender: Sender | None = None
    bot_username: str = "mentorbot"
    extras: dict[str, Any] = field(default_factory=dict)
    on_fatal: Callable[[str], None] | None = None  # set by the wiring: stop the process
    fatal_line: str | None = None  # the permanent fault that stopped the bot

    def fatal(self, line: str) -> None:
        """A permanent fault (read-only database, token refused…): stop, saying it once."""
        if self.fatal_line is not None:
            return
        self.fatal_line = line
        log.critical("stopping: %s", line)
        if self.on_fatal is not None:
            self.on_fatal(line)

    def wake_sender(self) -> None:
        if self.sender is not None:
            self.sender.wake()


def runtime_of(bot_data: Any) -> Runtime:
    rt = bot_data[RUNTIME_KEY]
    assert isinstance(rt, Runtime)
    return rt
