"""The outbox sender: delivers queued messages to Telegram.

Woken after every update and every scheduler tick; also polls on its own so that nothing
queued by another process waits long.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.clock import Clock
from handlers.common import keyboard
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus, Person

log = logging.getLogger(__name__)


class Sender:
    def __init__(self, db: Database, bot: Bot, clock: Clock, *, poll_seconds: float = 5.0) -> None:
        self.db = db
        self.bot = bot
        self.clock = clock
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                while await self.send_due(self.clock.now()):
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox sender failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()

    async def send_due(self, now: datetime, limit: int = 50) -> int:
        """Send what is due; returns how many were handled."""
        async with self.db.transaction() as session:
            rows = (
                await session.execute(
                    select(OutboxMessage, Person)
                    .join(Person, Person.id == OutboxMessage.person_id)
                    .where(
                        OutboxMessage.status == OutboxStatus.QUEUED,
                        OutboxMessage.not_before <= now,
                    )
                    .order_by(OutboxMessage.id)
                    .limit(limit)
                )
            ).all()
            for message, person in rows:
                await self._send_one(session, message, person, now)
        return len(rows)

    async def _send_one(
        self, session: AsyncSession, message: OutboxMessage, person: Person, now: datetime
    ) -> None:
        message.attempts += 1
        if person.telegram_id is None or not person.reachable:
            message.status, message.last_error = OutboxStatus.FAILED, "unreachable"
            return
        markup = keyboard([[(b[0], b[1]) for b in row] for row in message.buttons or []])
        try:
            if message.edit_of_id is not None:
                original = await session.get(OutboxMessage, message.edit_of_id)
                if original is None or original.telegram_message_id is None:
                    message.status, message.last_error = OutboxStatus.FAILED, "nothing to edit"
                    return
                await self.bot.edit_message_text(
                    message.text,
                    chat_id=person.telegram_id,
                    message_id=original.telegram_message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
                sent_id = original.telegram_message_id
            elif message.document is not None:
                sent = await self.bot.send_document(
                    person.telegram_id,
                    document=message.document,
                    filename=message.document_name,
                    caption=message.text or None,
                    parse_mode=ParseMode.HTML,
                )
                sent_id = sent.message_id
            else:
                sent = await self.bot.send_message(
                    person.telegram_id, message.text, parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
                sent_id = sent.message_id
        except Forbidden as exc:
            message.status, message.last_error = OutboxStatus.FAILED, str(exc)[:300]
            person.reachable, person.unreachable_reason = False, str(exc)[:200]
            return
        except BadRequest as exc:
            message.status, message.last_error = OutboxStatus.FAILED, str(exc)[:300]
            return
        message.status, message.sent_at = OutboxStatus.SENT, now
        message.telegram_chat_id, message.telegram_message_id = person.telegram_id, sent_id
