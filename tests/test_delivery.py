"""The outbox sender against the Bot API emulator: delivery, flood limits, retries, blocked
users, edits, documents, claims and leases."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from telegram import Bot

from bot.clock import ManualClock
from bot.delivery import Sender
from bot.services import outbox
from bot.services.outbox import Document
from emulator import Emulator, FloodLimits, SimulatedUser
from storage.db import Database
from storage.models import AuditEvent, OutboxMessage, OutboxStatus, Person, Role
from tests.conftest import TOKEN, deliver
from tests.factories import building


@pytest.fixture
async def bot(emulator: Emulator) -> AsyncIterator[Bot]:
    b = Bot(
        TOKEN, base_url=f"{emulator.base_url}/bot", base_file_url=f"{emulator.base_url}/file/bot"
    )
    await b.initialize()
    yield b
    await b.shutdown()


@pytest.fixture
def sender(db: Database, bot: Bot, clock: ManualClock) -> Sender:
    return Sender(db, bot, clock)


async def started(emulator: Emulator, name: str) -> SimulatedUser:
    """An emulator user who has opened the chat with the bot."""
    user = emulator.user(first_name=name)
    await user.send("/start")
    return user


async def drain(sender: Sender) -> int:
    total = 0
    while handled := await sender.send_due():
        total += handled
    return total


async def rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        found = await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))
        return list(found.scalars())


async def person(db: Database, person_id: int) -> Person:
    async with db.transaction() as session:
        found = await session.get(Person, person_id)
        assert found is not None
        return found


def sent_texts(emulator: Emulator, chat_id: int) -> list[str]:
    return [
        str(c.params.get("text") or c.params.get("caption"))
        for c in emulator.calls
        if c.ok and c.method in ("sendMessage", "sendDocument") and c.params["chat_id"] == chat_id
    ]


async def test_sends_in_order_and_records_telegram_ids(
    db: Database, clock: ManualClock, emulator: Emulator, sender: Sender
) -> None:
    ana = await started(emulator, "Ana")
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentee = await b.person(org, Role.MENTEE, telegram_id=ana.id)
        for n in range(4):
            buttons = [[("Yes", f"x:{n}")]] if n == 0 else None
            outbox.enqueue(
                b.session, clock.now(), mentee, "test", f"<b>Hello</b> {n}", buttons=buttons
            )
        outbox.enqueue(
            b.session,
            clock.now(),
            mentee,
            "test",
            "later",
            not_before=clock.now() + timedelta(hours=1),
        )

    assert await drain(sender) == 4
    done = await rows(db)
    assert [r.status for r in done] == [OutboxStatus.SENT] * 4 + [OutboxStatus.QUEUED]
    bot_messages = ana.messages
    assert [m.text for m in bot_messages] == [f"Hello {n}" for n in range(4)]
    assert bot_messages[0].button_labels == ["Yes"]
    assert bot_messages[0].keyboard[0][0]["callback_data"] == "x:0"
    assert [r.telegram_message_id for r in done[:4]] == [m.message_id for m in bot_messages]
    assert all(r.telegram_chat_id == ana.id and r.attempts == 1 for r in done[:4])
    assert all(r.sent_at == clock.now() for r in done[:4])

    clock.advance(timedelta(hours=1))
    assert await drain(sender) == 1
    assert ana.messages[-1].text == "later"


async def test_document_is_sent_as_a_document(
    db: Database, clock: ManualClock, emulator: Emulator, sender: Sender
) -> None:
    ana = await started(emulator, "Ana")
    content = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentee = await b.person(org, Role.MENTEE, telegram_id=ana.id)
        outbox.enqueue(
            b.session,
            clock.now(),
            mentee,
            "ics",
            "Your appointment",
            document=Document("meeting.ics", content, "text/calendar"),
        )
    await drain(sender)
    (message,) = ana.messages
    assert message.document is not None
    assert message.document.file_name == "meeting.ics"
    assert message.document.data == content
    assert message.text == "Your appointment"
    assert (await rows(db))[0].status == OutboxStatus.SENT


async def test_edit_waits_for_the_original_then_edits_it(
    db: Database, clock: ManualClock, emulator: Emulator, sender: Sender
) -> None:
    ana = await started(emulator, "Ana")
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, telegram_id=ana.id)
        original = outbox.enqueue(b.session, clock.now(), worker, "card", "Concern: open")
        await b.session.flush()
        outbox.enqueue(b.session, clock.now(), worker, "card", "Concern: taken", edit_of=original)

    first = await sender.send_due()
    assert first == 1  # the edit waits: its original had no Telegram id yet
    assert [r.status for r in await rows(db)] == [OutboxStatus.SENT, OutboxStatus.QUEUED]
    assert await sender.send_due() == 1
    (message,) = ana.messages
    assert message.text == "Concern: taken" and message.edited
    original_row, edit_row = await rows(db)
    assert edit_row.status == OutboxStatus.SENT
    assert edit_row.telegram_message_id == original_row.telegram_message_id == message.message_id


async def test_an_unchanged_edit_counts_as_done(
    db: Database, clock: ManualClock, emulator: Emulator, sender: Sender
) -> None:
    ana = await started(emulator, "Ana")
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, telegram_id=ana.id)
        original = outbox.enqueue(b.session, clock.now(), worker, "card", "Same")
    await drain(sender)
    async with building(db, clock.now()) as b:
        again = await b.session.get(Person, worker.id)
        assert again is not None and original is not None
        outbox.enqueue(b.session, clock.now(), again, "card", "Same", edit_of=original)
    await drain(sender)
    assert [r.status for r in await rows(db)] == [OutboxStatus.SENT, OutboxStatus.SENT]


async def test_a_bad_request_fails_at_once_and_the_chat_goes_on(
    db: Database, clock: ManualClock, emulator: Emulator, sender: Sender
) -> None:
    ana = await started(emulator, "Ana")
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentee = await b.person(org, Role.MENTEE, telegram_id=ana.id)
        outbox.enqueue(b.session, clock.now(), mentee, "test", "<b>unclosed")
        outbox.enqueue(b.session, clock.now(), mentee, "test", "fine")
    await drain(sender)
    bad, good = await rows(db)
    assert (bad.status, bad.attempts) == (OutboxStatus.FAILED, 1)
    assert bad.last_error is not None and bad.last_error.startswith("400 ")
    assert good.status == OutboxStatus.SENT
    assert [m.text for m in ana.messages] == ["fine"]
    assert (await person(db, mentee.id)).reachable
    assert sender.stats.failed == 1


async def test_429_is_honoured_and_never_a_failure(
    db: Database, clock: ManualClock, emulator: Emulator, bot: Bot
) -> None:
    # The emulator allows 3 messages a second; the sender is told it may send 50.
    emulator.set_flood_limits(FloodLimits(global_per_second=3))
    sender = Sender(db, bot, clock, rate_overall=50)
    users = [await started(emulator, f"U{n}") for n in range(7)]
    async with building(db, clock.now()) as b:
        org = await b.org()
        for user in users:
            p = await b.person(org, Role.MENTEE, telegram_id=user.id)
            outbox.enqueue(b.session, clock.now(), p, "test", f"hello {user.id}")

    await drain(sender)  # short 429s are waited out, not deferred
    done = await rows(db)
    assert [r.status for r in done] == [OutboxStatus.SENT] * len(users)
    assert all(r.attempts == 1 for r in done)  # a 429 is not counted as an attempt
    refused = [c for c in emulator.calls if c.error is not None and c.error.code == 429]
    assert refused, "the emulator never refused: the test did not exercise 429"
    assert sender.stats.retry_after == len(refused)
    assert sender.stats.codes["200"] == len(users)
    assert sender.stats.failed == 0
    for user in users:
        assert sent_texts(emulator, user.id) == [f"hello {user.id}"]


async def test_a_long_429_puts_the_chat_back_in_the_queue(
    db: Database, clock: ManualClock, emulator: Emulator, bot: Bot
) -> None:
    # One message per 20 seconds in a chat: the second gets "retry after 20".
    emulator.set_flood_limits(FloodLimits(per_chat_per_second=0.05, per_chat_burst=1))
    sender = Sender(db, bot, clock, rate_per_chat=100)
    ana = await started(emulator, "Ana")
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentee = await b.person(org, Role.MENTEE, telegram_id=ana.id)
        for n in range(3):
            outbox.enqueue(b.session, clock.now(), mentee, "test", f"m{n}")
    assert await sender.send_due() == 3
    first, second, third = await rows(db)
    assert first.status == OutboxStatus.SENT
    assert (second.status, second.attempts, second.last_error) == (OutboxStatus.QUEUED, 0, "429")
    assert second.not_before == clock.now() + timedelta(seconds=20)
    assert (third.status, third.not_before) == (OutboxStatus.QUEUED, second.not_before)
    assert sender.stats.failed == 0

    emulator.set_flood_limits(FloodLimits.off())
    clock.advance(timedelta(seconds=20))
    fresh = Sender(db, bot, clock)  # the first one still waits out its pause
    await drain(fresh)
    assert sent_texts(emulator, ana.id) == ["m0", "m1", "m2"]
    assert [r.status for r in await rows(db)] == [OutboxStatus.SENT] * 3


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


async def test_network_errors_are_retried_with_backoff_then_fail(
    db: Database, clock: ManualClock, emulator: Emulator, bot: Bot
) -> None:
    ana = await started(emulator, "Ana")
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentee = await b.person(org, Role.MENTEE, telegram_id=ana.id)
        outbox.enqueue(b.session, clock.now(), mentee, "test", "first")
        outbox.enqueue(b.session, clock.now(), mentee, "test", "second")
    down = Bot(TOKEN, base_url=f"http://127.0.0.1:{_closed_port()}/bot")
    sender = Sender(db, down, clock, max_attempts=3, backoff_seconds=2)

    assert await sender.send_due() == 2
    first, second = await rows(db)
    assert first.status == OutboxStatus.QUEUED and first.attempts == 1
    assert first.last_error == "network:NetworkError"
    assert first.not_before == clock.now() + timedelta(seconds=2)
    # The second is held back behind the first (order), without an attempt counted.
    assert second.status == OutboxStatus.QUEUED and second.attempts == 0
    assert second.not_before == first.not_before

    assert await sender.send_due() == 0  # not due yet
    clock.advance(timedelta(seconds=2))
    await sender.send_due()
    first, _ = await rows(db)
    assert first.attempts == 2 and first.not_before == clock.now() + timedelta(seconds=4)

    sender.bot = bot  # the network is back
    clock.advance(timedelta(seconds=4))
    await drain(sender)
    first, second = await rows(db)
    assert (first.status, first.attempts) == (OutboxStatus.SENT, 3)
    assert second.status == OutboxStatus.SENT
    assert [m.text for m in ana.messages] == ["first", "second"]

    # With the network down for good, the message fails after max_attempts, with a reason.
    async with building(db, clock.now()) as b:
        again = await b.session.get(Person, mentee.id)
        assert again is not None
        outbox.enqueue(b.session, clock.now(), again, "test", "third")
    sender.bot = down
    for _ in range(3):
        await sender.send_due()
        clock.advance(timedelta(minutes=1))
    third = (await rows(db))[-1]
    assert third.status == OutboxStatus.FAILED and third.attempts == 3
    assert third.last_error is not None and third.last_error.startswith("network:")


async def test_blocked_mentee_is_unreachable_and_their_worker_is_told(
    db: Database,
    clock: ManualClock,
    emulator: Emulator,
    sender: Sender,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ana = await started(emulator, "Ana")
    wendy = await started(emulator, "Wendy")
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy", telegram_id=wendy.id)
        mentor = await b.person(org, Role.MENTOR, "Marc")
        family = await b.family(org)
        mentee = await b.person(
            org, Role.MENTEE, "Ana Pérez", telegram_id=ana.id, family=family, phone="+34612345678"
        )
        await b.match(family, [mentor], worker)
        for n in range(3):
            outbox.enqueue(b.session, clock.now(), mentee, "reminder", f"reminder {n}")
    ana.block()

    with caplog.at_level(logging.DEBUG, logger="bot"):
        await drain(sender)
    # Logs hold ids and codes: no text, names, phone numbers or token.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))
    assert "403:blocked" in logged
    for secret in ("reminder 0", "Ana", "Pérez", "612", TOKEN.split(":")[1], "phone them"):
        assert secret not in logged
    first, second, third, notice = await rows(db)
    assert first.status == OutboxStatus.FAILED
    assert first.last_error is not None and first.last_error.startswith("403:blocked")
    assert (second.status, third.status) == (OutboxStatus.CANCELLED, OutboxStatus.CANCELLED)
    # Only the first was attempted: later messages were withdrawn, not tried.
    attempts = [
        c for c in emulator.calls if c.method == "sendMessage" and c.params["chat_id"] == ana.id
    ]
    assert len(attempts) == 1 and attempts[0].error is not None and attempts[0].error.code == 403

    gone = await person(db, mentee.id)
    assert not gone.reachable and gone.unreachable_reason == "blocked"
    async with db.transaction() as session:
        events = list(
            (
                await session.execute(
                    select(AuditEvent).where(AuditEvent.action == "person.unreachable")
                )
            ).scalars()
        )
    assert [(e.target_type, e.target_id, e.detail["reason"]) for e in events] == [
        ("person", mentee.id, "blocked")
    ]

    assert notice.person_id == worker.id and notice.status == OutboxStatus.SENT
    (told,) = wendy.messages
    assert "Ana Pérez" in told.text and "blocked" in told.text and "Please phone them" in told.text
    assert "+34 612 34 56 78" in told.text
    # Nothing more is queued for someone unreachable.
    async with db.transaction() as session:
        again = await session.get(Person, mentee.id)
        assert again is not None
        assert outbox.enqueue(session, clock.now(), again, "reminder", "more") is None


async def test_a_blocked_worker_is_not_told_about_themselves(
    db: Database, clock: ManualClock, emulator: Emulator, sender: Sender
) -> None:
    wendy = await started(emulator, "Wendy")
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, telegram_id=wendy.id)
        mentor = await b.person(org, Role.MENTOR)
        family = await b.family(org)
        await b.match(family, [mentor], worker)
        outbox.enqueue(b.session, clock.now(), worker, "concern", "A concern")
    wendy.block()
    await drain(sender)
    (only,) = await rows(db)
    assert only.status == OutboxStatus.FAILED
    assert not (await person(db, worker.id)).reachable


async def test_never_started_mentor_is_unreachable_and_worker_told(
    db: Database, clock: ManualClock, emulator: Emulator, sender: Sender
) -> None:
    wendy = await started(emulator, "Wendy")
    silent = emulator.user(first_name="Marc")  # known to Telegram, never opened the bot
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, telegram_id=wendy.id)
        mentor = await b.person(org, Role.MENTOR, "Marc", telegram_id=silent.id)
        family = await b.family(org)
        await b.match(family, [mentor], worker)
        outbox.enqueue(b.session, clock.now(), mentor, "notice", "hello")
    await drain(sender)
    assert (await person(db, mentor.id)).unreachable_reason == "not_started"
    (told,) = wendy.messages
    assert "Marc" in told.text and "No phone number" in told.text


async def test_stuck_sending_rows_come_back_after_the_lease(
    db: Database, clock: ManualClock, emulator: Emulator, sender: Sender
) -> None:
    ana = await started(emulator, "Ana")
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentee = await b.person(org, Role.MENTEE, telegram_id=ana.id)
        message = outbox.enqueue(b.session, clock.now(), mentee, "test", "stuck")
        assert message is not None
        message.status, message.claimed_by, message.claimed_at = (
            OutboxStatus.SENDING,
            "crashed-process",
            clock.now(),
        )
        message.attempts = 1

    clock.advance(timedelta(minutes=1))
    assert await sender.send_due() == 0  # still within its lease: maybe being sent elsewhere
    clock.advance(timedelta(minutes=1, seconds=1))
    assert await sender.send_due() == 1
    (row,) = await rows(db)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    assert sender.stats.recovered == 1
    assert [m.text for m in ana.messages] == ["stuck"]


async def test_stopping_gives_back_what_was_not_tried(
    db: Database, clock: ManualClock, emulator: Emulator, sender: Sender
) -> None:
    ana = await started(emulator, "Ana")
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentee = await b.person(org, Role.MENTEE, telegram_id=ana.id)
        for n in range(8):
            outbox.enqueue(b.session, clock.now(), mentee, "test", f"m{n}")
    sender.start()
    # One chat: three go at once (its burst), then one a second.
    await ana.wait_for_message(lambda m: m.text == "m2", after=0)
    await sender.stop()
    statuses = Counter(r.status for r in await rows(db))
    sent = statuses[OutboxStatus.SENT]
    assert 3 <= sent < 8 and statuses[OutboxStatus.QUEUED] == 8 - sent
    assert all(r.attempts == 0 for r in await rows(db) if r.status == OutboxStatus.QUEUED)
    assert len(sent_texts(emulator, ana.id)) == sent  # everything sent was recorded


async def test_sqlite_sender_takes_back_everything_at_start(
    db: Database, clock: ManualClock, emulator: Emulator, sender: Sender
) -> None:
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentee = await b.person(org, Role.MENTEE, telegram_id=1)
        message = outbox.enqueue(b.session, clock.now(), mentee, "test", "stuck")
        assert message is not None
        message.status, message.claimed_by, message.claimed_at = (
            OutboxStatus.SENDING,
            "killed",
            clock.now(),
        )
    assert await sender.recover() == 1
    assert (await rows(db))[0].status == OutboxStatus.QUEUED


async def test_through_the_application(
    app: object, db: Database, clock: ManualClock, emulator: Emulator
) -> None:
    """The wiring: the application's sender delivers, and `deliver(app)` waits for it."""
    ana = await started(emulator, "Ana")
    await ana.wait_for_message()  # the bot's answer to /start
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentee = await b.person(org, Role.MENTEE, telegram_id=ana.id)
        for n in range(3):
            outbox.enqueue(b.session, clock.now(), mentee, "test", f"m{n}")
    await deliver(app)  # type: ignore[arg-type]
    assert [r.status for r in await rows(db)] == [OutboxStatus.SENT] * 3
    assert sent_texts(emulator, ana.id)[1:] == ["m0", "m1", "m2"]


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (row locks)")
async def test_two_processes_on_postgresql_never_claim_one_row_twice(
    db: Database, clock: ManualClock, emulator: Emulator, bot: Bot
) -> None:
    users = [await started(emulator, f"U{n}") for n in range(30)]
    async with building(db, clock.now()) as b:
        org = await b.org()
        for user in users:
            p = await b.person(org, Role.MENTEE, telegram_id=user.id)
            for n in range(5):
                outbox.enqueue(b.session, clock.now(), p, "test", f"{user.id}:{n}")

    # Two open claim transactions at once: the second skips what the first has locked.
    other = Database(db.url, keyring=db.keyring)
    try:
        async with db.transaction() as first_tx:
            first = await outbox.claim(
                first_tx, clock.now(), claimer="a", limit=100, lease=timedelta(minutes=2),
                per_person=10, skip_locked=True,
            )  # fmt: skip
            async with other.transaction() as second_tx:
                second = await outbox.claim(
                    second_tx, clock.now(), claimer="b", limit=100, lease=timedelta(minutes=2),
                    per_person=10, skip_locked=True,
                )  # fmt: skip
        a = {m.id for m in first.messages}
        b_ids = {m.id for m in second.messages}
        assert len(a) == 100 and len(b_ids) == 50 and not a & b_ids
        # Put them back for the race below.
        async with db.transaction() as session:
            await outbox.recover_stuck(session, clock.now(), None)

        # Two senders, each with its own engine, racing over the same queue.
        emulator.set_flood_limits(FloodLimits.off())
        s1 = Sender(
            db, bot, clock, rate_overall=500, rate_per_chat=100, batch_size=20, claimer="one"
        )
        s2 = Sender(
            other, bot, clock, rate_overall=500, rate_per_chat=100, batch_size=20, claimer="two"
        )
        await asyncio.gather(drain(s1), drain(s2))
        assert s1.stats.sent > 0 and s2.stats.sent > 0
        assert s1.stats.sent + s2.stats.sent == 150
        counts = Counter(
            c.params["text"] for c in emulator.calls if c.ok and c.method == "sendMessage"
        )
        assert len(counts) == 150 and set(counts.values()) == {1}
        async with db.transaction() as session:
            left = await session.scalar(
                select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
            )
        assert left == 0
    finally:
        await other.dispose()
