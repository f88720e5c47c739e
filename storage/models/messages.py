"""What passes through the bot: the outbox of messages owed, relayed messages, the inbox of
Telegram updates, and the drafts of conversations in progress."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import InboxStatus, OutboxStatus
from storage.models.base import Base, db_enum
from storage.types import EncryptedBytes, EncryptedJSON, EncryptedText


class OutboxMessage(Base):
    """A message the bot owes someone who did not just write to it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # Already rendered for the recipient (HTML).
    text: Mapped[str] = mapped_column(EncryptedText("outbox_message.text"))
    buttons: Mapped[list[Any] | None] = mapped_column(
        EncryptedJSON("outbox_message.buttons")
    )  # [[[label, data], ...], ...]
    document_name: Mapped[str | None] = mapped_column(String(200))
    document_mime: Mapped[str | None] = mapped_column(String(100))
    document: Mapped[bytes | None] = mapped_column(EncryptedBytes("outbox_message.document"))
    edit_of_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))
    ref_type: Mapped[str | None] = mapped_column(String(32))
    ref_id: Mapped[int | None]
    # Whose message this passes on (a concern's reporter, a help message's author): told if
    # it finally cannot be delivered.
    origin_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(db_enum(OutboxStatus), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # A relayed message: copied (copyMessage) from this chat and message, so that nothing of
    # its content is stored here and nothing of its sender's account is shown.
    copy_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    copy_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]  # its text removed, after the retention period


class Relay(Base):
    """A message a mentee sent to the bot outside any conversation (offered to them to pass
    on to their mentors or the office), or a mentor's answer to one. Only ids are kept: the
    content stays in the sender's chat and is copied from there."""

    __tablename__ = "relay"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # text | voice | photo | document | location …
    locale: Mapped[str] = mapped_column(String(16))  # the sender's language when they sent it
    answer_to_id: Mapped[int | None] = mapped_column(ForeignKey("relay.id"))
    status: Mapped[str] = mapped_column(String(16))  # offered | sent | declined
    audience: Mapped[str | None] = mapped_column(String(16))  # mentors | office | sender
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class Draft(Base):
    """A conversation in progress, one per Telegram account: survives restarts, stores nothing
    real until its last step."""

    __tablename__ = "draft"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("draft.data"), default=dict)
    updated_at: Mapped[datetime]


class InboxUpdate(Base):
    """An update from Telegram, stored before Telegram is told it arrived, and handled from
    here. The payload (what the person typed) is cleared once the update is handled; errors
    are kept as codes only."""

    __tablename__ = "inbox_update"
    __table_args__ = (Index("ix_inbox_open", "status", "chat_id", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)  # per-chat order (0: no chat)
    payload: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON("inbox_update.payload"))
    status: Mapped[InboxStatus] = mapped_column(db_enum(InboxStatus), default=InboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    # Owed replies (see bot/intake.py).
    replies: Mapped[list[Any] | None] = mapped_column(EncryptedJSON("inbox_update.replies"))
    replies_sent: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(64))  # an error code, never personal data
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]
