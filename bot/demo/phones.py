"""The phones on the demo's page: each seeded person's Telegram app, the messages as the page
draws them, and the numbered feed of what happens in them."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from bot.demo.personas import Persona
from bot.demo.render import telegram_html
from emulator import MessageView, SimulatedUser


@dataclass(frozen=True)
class PhoneEvent:
    seq: int
    data: dict[str, Any]


class Feed:
    """What happened in the phones, numbered, for any number of page subscribers; keeps the
    latest events so a page that reconnects catches up."""

    def __init__(self, keep: int = 2000) -> None:
        self.seq = 0
        self.events: deque[PhoneEvent] = deque(maxlen=keep)
        self.closed = False
        self._changed = asyncio.Event()

    def publish(self, data: dict[str, Any]) -> int:
        self.seq += 1
        self.events.append(PhoneEvent(self.seq, {**data, "seq": self.seq}))
        self._changed.set()
        self._changed = asyncio.Event()
        return self.seq

    def close(self) -> None:
        self.closed = True
        self._changed.set()

    def since(self, after: int) -> list[PhoneEvent]:
        return [e for e in self.events if e.seq > after]

    async def follow(self, after: int, heartbeat: float = 15.0) -> AsyncIterator[PhoneEvent | None]:
        """Every event after `after`, as they come; None now and then (a heartbeat)."""
        last = after
        while not self.closed:
            waiting = self._changed
            for event in self.since(last):
                last = event.seq
                yield event
            if self.closed:
                return
            try:
                await asyncio.wait_for(waiting.wait(), heartbeat)
            except TimeoutError:
                yield None


@dataclass(frozen=True)
class Phone:
    """One seeded person's Telegram app on the page."""

    persona: Persona
    person_id: int
    user: SimulatedUser

    @property
    def key(self) -> str:
        return self.persona.key

    def summary(self) -> dict[str, Any]:
        p = self.persona
        return {
            "key": p.key,
            "name": p.name,
            "first_name": p.first_name,
            "role": p.role.value,
            "about": p.about,
            "locale": p.locale,
            "dir": "rtl" if p.rtl else "ltr",
            "telegram_id": p.telegram_id,
            "person_id": self.person_id,
            "shown": p.shown,
        }

    def state(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "commands": self.user.commands,
            "messages": [message_json(m) for m in self.user.history],
        }


def message_json(view: MessageView) -> dict[str, Any]:
    """A message as the page draws it (HTML already safe)."""
    out: dict[str, Any] = {
        "id": view.message_id,
        "from_bot": view.from_bot,
        "date": view.date,
        "text": view.text,
        "html": telegram_html(view.text, view.entities),
        "buttons": [
            [
                {
                    "text": str(b.get("text", "")),
                    "data": b.get("callback_data"),
                    "url": b.get("url"),
                }
                for b in row
            ]
            for row in view.keyboard
        ],
        "edited": view.edited,
        "deleted": view.deleted,
        "document": None,
    }
    media = view.document or view.photo
    if media is not None:
        out["document"] = {
            "name": media.file_name or ("photo.jpg" if view.photo else "file"),
            "size": len(media.data),
            "mime": media.mime_type,
            "url": f"/api/files/{media.file_id}",
            "photo": view.photo is not None,
        }
    return out
