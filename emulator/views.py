"""What a simulated user sees: message snapshots and events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, Protocol

Button = tuple[str, str | None]


class HasMessageId(Protocol):
    """Anything with a message_id: a MessageView, a PTB Message, ..."""

    @property
    def message_id(self) -> int: ...


EventKind = Literal[
    "message", "edit", "delete", "callback_answer", "chat_action", "user_message", "user_edit", "left"
]  # fmt: skip


@dataclass(frozen=True)
class FileView:
    file_id: str
    file_name: str | None
    mime_type: str | None
    data: bytes
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class MessageView:
    """A snapshot of one message in a private chat, as the user sees it."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    text: str
    """The text (or caption) as rendered: markup removed, entities decoded."""
    html: str
    """The text (or caption) as the bot sent it (with its markup, if any)."""
    parse_mode: str | None
    entities: tuple[dict[str, Any], ...]
    keyboard: tuple[tuple[dict[str, Any], ...], ...]
    """Inline keyboard rows (raw InlineKeyboardButton objects)."""
    reply_keyboard: tuple[tuple[str, ...], ...] | None
    document: FileView | None
    photo: FileView | None
    edited: bool
    deleted: bool
    raw: dict[str, Any] = field(compare=False, repr=False)
    """The Telegram Message object."""
    voice: FileView | None = None
    location: dict[str, Any] | None = None

    @property
    def buttons(self) -> list[list[Button]]:
        """Inline keyboard rows as (text, callback_data or url)."""
        return [
            [(b.get("text", ""), b.get("callback_data", b.get("url"))) for b in row]
            for row in self.keyboard
        ]

    @property
    def button_labels(self) -> list[str]:
        return [b.get("text", "") for row in self.keyboard for b in row]

    @property
    def caption(self) -> str | None:
        return self.text if (self.document or self.photo or self.voice) else None

    def describe(self) -> str:
        flags = "".join(
            f" [{f}]" for f, on in (("edited", self.edited), ("deleted", self.deleted)) if on
        )
        parts = [f"#{self.message_id}{flags}: {self.text!r}"]
        if self.document:
            parts.append(f"document={self.document.file_name!r} ({len(self.document.data)} bytes)")
        if self.photo:
            parts.append(f"photo ({len(self.photo.data)} bytes)")
        if self.voice:
            parts.append(f"voice ({len(self.voice.data)} bytes)")
        if self.location:
            parts.append(f"location={self.location}")
        if self.keyboard:
            parts.append("buttons=" + repr(self.buttons))
        if self.reply_keyboard:
            parts.append("keyboard=" + repr([list(r) for r in self.reply_keyboard]))
        return " ".join(parts)


@dataclass(frozen=True)
class CallbackAnswer:
    query_id: str
    user_id: int
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass(frozen=True)
class UserEvent:
    """Something that happened in a user's chat with the bot."""

    seq: int
    kind: EventKind
    answer: CallbackAnswer | None = None
    action: str | None = None
    render: Callable[[], MessageView] | None = field(default=None, repr=False, compare=False)
    """Builds the message snapshot (lazily: most events are never looked at)."""

    @cached_property
    def message(self) -> MessageView | None:
        """The message as it was right after this event (for message, edit, delete events)."""
        return self.render() if self.render is not None else None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"seq": self.seq, "kind": self.kind}
        if self.message is not None:
            out["message"] = message_json(self.message)
        if self.answer is not None:
            out["answer"] = {
                "query_id": self.answer.query_id,
                "text": self.answer.text,
                "show_alert": self.answer.show_alert,
                "url": self.answer.url,
            }
        if self.action is not None:
            out["action"] = self.action
        return out


def message_json(view: MessageView) -> dict[str, Any]:
    """A JSON-friendly view (for the HTTP user API)."""
    out: dict[str, Any] = {
        "message_id": view.message_id,
        "from_bot": view.from_bot,
        "date": view.date,
        "text": view.text,
        "html": view.html,
        "parse_mode": view.parse_mode,
        "entities": list(view.entities),
        "buttons": [[dict(b) for b in row] for row in view.keyboard],
        "reply_keyboard": [list(r) for r in view.reply_keyboard] if view.reply_keyboard else None,
        "edited": view.edited,
        "deleted": view.deleted,
    }
    if view.location is not None:
        out["location"] = dict(view.location)
    for name, fv in (("document", view.document), ("photo", view.photo), ("voice", view.voice)):
        if fv is not None:
            out[name] = {
                "file_id": fv.file_id,
                "file_name": fv.file_name,
                "mime_type": fv.mime_type,
                "size": len(fv.data),
            }
    return out
