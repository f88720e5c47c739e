"""Arbitrary Unicode through four conversations, on the real bot and the Bot API emulator:
emoji (ZWJ families, flags, skin tones), right-to-left text and bidi controls, combining
marks, NUL and other control characters, HTML-looking text, and texts of 5,000 UTF-16 units
(which Telegram's apps send as two messages).

Every conversation must end with the person told the outcome (each message sent gets an
answer; a saved record is confirmed), and nothing half-stored: either exactly one record
holding the text as cleaned at the edge, or none, and no conversation left open.

Budget: the `ci` Hypothesis profile (the default, registered in `tests/conftest.py`) is
derandomized with 12 examples per conversation, under 60 s per database on the 2-core
development machine. `HYPOTHESIS_PROFILE=explore` draws 200 random examples each.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import App
from bot.clock import ManualClock
from bot.services import texts
from emulator import MessageView
from storage.db import Database
from storage.models import Appointment, Concern, Draft, HelpMessage, Meeting
from tests.harness import Person as User
from tests.test_concerns_conversation import World, w

__all__ = ["w"]  # the fixture

FUN = [
    "\x00", "\x07", "\x1b", "\t", "\n", "\r\n", "\u0301", "e\u0301", "\u200d", "\u200c",
    "\u202e", "\u2067", "\u2069", "\u200f", "\ufe0f", "مرحبا", "می\u200cخواهم", "שלום", "ትግርኛ",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466", "\U0001f1ea\U0001f1f8",
    "\U0001f44d\U0001f3fd", "<b>", "&amp;", "</blockquote>", "a", " ", "\ud7ff", "\U0010fffd",
]  # fmt: skip


def _long(piece: str) -> str:
    """About 5,000 UTF-16 units of one piece."""
    return piece * (5000 // max(texts.utf16_len(piece), 1) + 1)


TEXTS = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80),  # type: ignore[arg-type]
    st.lists(st.sampled_from(FUN), min_size=1, max_size=40).map("".join),
    st.sampled_from(FUN).map(_long),
).filter(lambda t: t.strip() and not t.lstrip().startswith("/"))


def pieces(text: str) -> list[str]:
    """The messages a Telegram app sends for `text` (split at 4,096 UTF-16 units); blank
    pieces are never sent."""
    out, current, used = [], "", 0
    for ch in text:
        size = texts.utf16_len(ch)
        if used + size > texts.MESSAGE_MAX:
            out.append(current)
            current, used = "", 0
        current += ch
        used += size
    out.append(current)
    return [p for p in out if p.strip()]


async def say(user: User, text: str) -> list[tuple[str, MessageView]]:
    """Send `text` as an app would; every message gets exactly one answer."""
    answers = []
    for piece in pieces(text):
        await user.send(piece)
        answers.append((piece, await user.next_message()))
    return answers


async def count(db: Database, model: type) -> int:
    async with db.transaction() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def latest(db: Database, column: object) -> object:
    async with db.transaction() as s:
        return await s.scalar(select(column).order_by(column.class_.id.desc()).limit(1))  # type: ignore[attr-defined,call-overload]


async def end(user: User, db: Database) -> None:
    """Whatever happened, the conversation is closed: no draft is left."""
    async with db.transaction() as s:
        open_draft = await s.get(Draft, user.id)
    if open_draft is not None:
        await user.send("/cancel")
        await user.next_message()
    async with db.transaction() as s:
        assert await s.get(Draft, user.id) is None


def accepted(answers: list[tuple[str, MessageView]], sign: str) -> str | None:
    """The piece whose answer showed `sign` (in its text or on a button) first: the piece the
    step took, if any."""
    return next(
        (
            piece
            for piece, answer in answers
            if sign in answer.text or sign in [label for row in answer.buttons for label, _ in row]
        ),
        None,
    )


def told_why(answer: MessageView) -> bool:
    text = answer.text
    return "too long" in text or "Describe" in text or "Please" in text or "Where" in text


@given(text=TEXTS)
@example(text=_long(FUN[19]))  # 5,000 units of ZWJ families: two messages
@example(text="She said: \x00 مرحبا e\u0301 \U0001f1ea\U0001f1f8\u202e")
async def test_concern_with_any_text(app: App, db: Database, w: World, text: str) -> None:
    before = await count(db, Concern)
    marta = w.marta
    await end(marta, db)  # an earlier example that failed may have left one open
    await marta.send("/concern")
    await marta.next_message()
    await marta.press("Wellbeing or mental health")
    await marta.next_message()
    await marta.press("High")
    await marta.next_message()
    answers = await say(marta, text)
    taken = accepted(answers, "Send it to the staff?")
    if taken is None:
        assert all(told_why(answer) for _, answer in answers)
        await end(marta, db)
        assert await count(db, Concern) == before
        return
    await marta.press("Send")
    assert "Sent to" in (await marta.next_message()).text
    assert await count(db, Concern) == before + 1
    assert await latest(db, Concern.description) == texts.clean(taken).strip()
    await end(marta, db)


@given(text=TEXTS)
@example(text=_long(FUN[19]))  # 5,000 units of ZWJ families: two messages
@example(text="She said: \x00 مرحبا e\u0301 \U0001f1ea\U0001f1f8\u202e")
async def test_help_request_with_any_text(app: App, db: Database, w: World, text: str) -> None:
    before = await count(db, HelpMessage)
    marta = w.marta
    await end(marta, db)  # an earlier example that failed may have left one open
    await marta.send("/help_staff")
    await marta.next_message()
    await marta.press("A practical question (a form, an appointment)")
    await marta.next_message()
    answers = await say(marta, text)
    taken = accepted(answers, "Sent to")
    if taken is None:
        await end(marta, db)
        assert await count(db, HelpMessage) == before
        return
    assert await count(db, HelpMessage) == before + 1
    assert await latest(db, HelpMessage.text) == texts.clean(taken).strip()
    await end(marta, db)


@given(text=TEXTS)
@example(text=_long(FUN[19]))  # 5,000 units of ZWJ families: two messages
@example(text="She said: \x00 مرحبا e\u0301 \U0001f1ea\U0001f1f8\u202e")
async def test_meeting_notes_with_any_text(
    app: App, db: Database, clock: ManualClock, w: World, text: str
) -> None:
    clock.advance(timedelta(days=1))  # one meeting a day
    before = await count(db, Meeting)
    marta = w.marta
    await end(marta, db)  # an earlier example that failed may have left one open
    await marta.send("/log")
    await marta.next_message()
    for label in ("Today", "1 h", "Sport", "Done", "🙂 Well"):
        await marta.press(label)
        await marta.next_message()
    answers = await say(marta, text)
    taken = accepted(answers, "Confirm")  # the summary
    if taken is None:
        assert all("too long" in a.text for _, a in answers)
        await end(marta, db)
        assert await count(db, Meeting) == before
        return
    summary = next(a for p, a in answers if p == taken)
    assert "Confirm" in [label for row in summary.buttons for label, _ in row]
    await marta.press("Confirm")
    assert "Saved" in (await marta.next_message()).text
    assert await count(db, Meeting) == before + 1
    assert await latest(db, Meeting.notes) == (texts.clean(taken).strip() or None)
    await end(marta, db)


@given(text=TEXTS)
@example(text=_long(FUN[19]))  # 5,000 units of ZWJ families: two messages
@example(text="She said: \x00 مرحبا e\u0301 \U0001f1ea\U0001f1f8\u202e")
async def test_appointment_place_with_any_text(
    app: App, db: Database, clock: ManualClock, w: World, text: str
) -> None:
    clock.advance(timedelta(days=1))
    before = await count(db, Appointment)
    marta = w.marta
    await end(marta, db)  # an earlier example that failed may have left one open
    await marta.send("/plan")
    days = await marta.next_message()
    await marta.press(days.button_labels[1])
    await marta.next_message()
    await marta.press_data("pl:t:1730")
    await marta.next_message()
    answers = await say(marta, text)
    taken = accepted(answers, "note")
    if taken is None:
        assert all(told_why(a) for _, a in answers)
        await end(marta, db)
        assert await count(db, Appointment) == before
        return
    await marta.press("Skip")
    await marta.next_message()
    await marta.press("Confirm")
    assert (await marta.next_message()).text.startswith("Planned.")
    assert await count(db, Appointment) == before + 1
    assert await latest(db, Appointment.place) == " ".join(texts.clean(taken).split())
    await end(marta, db)
