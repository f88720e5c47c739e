"""What the handlers and jobs share: settings, database, clock and the outbox sender.
Built once by `bot.app.build_application` and kept in `application.bot_data`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.clock import Clock
from bot.config import Settings
from storage.db import Database

if TYPE_CHECKING:
    from bot.delivery import Sender

RUNTIME_KEY = "mentorbot.runtime"


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    sender: Sender | None = None
    bot_username: str = "mentorbot"
    extras: dict[str, Any] = field(default_factory=dict)

    def wake_sender(self) -> None:
        if self.sender is not None:
            self.sender.wake()


def runtime_of(bot_data: Any) -> Runtime:
    rt = bot_data[RUNTIME_KEY]
    assert isinstance(rt, Runtime)
    return rt
