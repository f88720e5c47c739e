"""Concern latency: from the mentor's last tap (Send, on the confirmation) to the worker's card
appearing in Telegram, through the real bot and the outbox.

Everything runs in this process, as the conversation tests do: the Bot API emulator (default
flood limits ON), the bot built by `bot.app.build_application` long-polling it, its outbox
sender, and a SQLite database file (or PostgreSQL with --db). Simulated mentors go through the
whole /concern conversation; the clock starts when the mentor presses Send and stops when the
emulator stores the card in the worker's chat. The path measured: getUpdates -> the handler's
transaction (the concern, its events, the card in the outbox) -> commit -> the sender wakes,
claims the card, paces it, sends it -> the emulator stores it.

    .venv/bin/python benchmarks/concern_latency.py                   # 200 concerns on SQLite
    .venv/bin/python benchmarks/concern_latency.py --n 500 --pairs 50
    .venv/bin/python benchmarks/concern_latency.py --db postgresql+asyncpg://postgres@127.0.0.1:5432/bench_concerns

Conversations are spaced by `--gap` seconds, so that the bot's direct answers stay within
Telegram's global limit of 30 messages a second (a conversation at machine speed takes
~100 ms). Mentors and workers come in `--pairs` (one match each, used in turn), so that neither
Telegram's per-chat limit nor the sender's own per-chat pacing (1 message a second, bursts of
3) is what gets measured: a worker receiving 200 cards in a row would be paced at one a second,
by design.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time

from sqlalchemy import text

from bot.app import build_application
from bot.clock import SystemClock
from bot.config import Settings
from bot.intake import start_bot, stop_bot
from emulator import Emulator, FloodLimits, UserEvent
from mentorbot_testkit.factories import building
from mentorbot_testkit.harness import Person, Telegram
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Base, Role

TOKEN = "123456:BENCH-concerns"
SEVERITIES = ("Low", "Medium", "High", "Emergency")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def prepare(db: Database) -> None:
    if db.is_sqlite:
        await upgrade(db)
        return
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(db)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


async def raise_one(mentor: Person, worker: Person, severity: str, n: int) -> tuple[float, float]:
    """One /concern conversation; returns (tap -> worker's card, tap -> mentor's answer) in s."""
    await mentor.send("/concern")
    await mentor.next_message()
    await mentor.press("Wellbeing or mental health")
    await mentor.next_message()
    await mentor.press(severity)
    if severity == "Emergency":
        await mentor.next_message()  # the emergency number comes first
    await mentor.next_message()
    await mentor.send(f"Concern number {n}: she has not left the flat for a week")
    await mentor.next_message()

    chat = worker.user.chat
    seen = len(chat.events)
    arrived: list[float] = []

    def on_event(event: UserEvent) -> None:
        if (
            event.kind == "message"
            and event.message is not None
            and "Concern #" in event.message.text
        ):
            arrived.append(time.perf_counter())

    unsubscribe = worker.user.on_event(on_event)
    try:
        tapped = time.perf_counter()
        await mentor.press("Send")
        answer = await mentor.next_message()
        answered = time.perf_counter()
        assert "Sent to" in answer.text, answer.text
        await worker.user.wait_for_event(
            seen,
            kinds=("message",),
            predicate=lambda e: e.message is not None and "Concern #" in e.message.text,
            timeout=30,
        )
    finally:
        unsubscribe()
    return arrived[0] - tapped, answered - tapped


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        db = Database(url)
        await prepare(db)
        emulator = Emulator()
        emulator.add_bot(TOKEN, username="mentorbot_bench_bot")
        emulator.record_calls = False
        await emulator.start()
        settings = Settings(
            token=TOKEN,  # type: ignore[arg-type]
            database_url=url,
            api_url=emulator.base_url,  # type: ignore[arg-type]
            tick_seconds=3600,
        )
        app = build_application(settings, db, SystemClock(), tick=False, set_menus=False)
        await start_bot(app, db, SystemClock(), poll_timeout=10)
        tg = Telegram(emulator, timeout=30)
        pairs: list[tuple[Person, Person]] = []
        try:
            now = SystemClock().now()
            async with building(db, now) as b:
                org = await b.org(locale="en", emergency_phone="112")
                await b.person(org, Role.COORDINATOR, "Carme", telegram_id=None)
                for i in range(args.pairs):
                    mentor = tg.user(f"Mentor{i}")
                    worker = tg.user(f"Worker{i}")
                    w = await b.person(org, Role.WORKER, f"Worker {i}", telegram_id=worker.id)
                    m = await b.person(org, Role.MENTOR, f"Mentor {i}", telegram_id=mentor.id)
                    family = await b.family(org, f"Family {i}")
                    await b.match(family, [m], w)
                    pairs.append((mentor, worker))
            emulator.set_flood_limits(FloodLimits.off())  # setting up is not measured
            for mentor, worker in pairs:  # both have opened the chat with the bot
                for person in (mentor, worker):
                    await person.send("/start")
                    await person.next_message()
            emulator.set_flood_limits(FloodLimits())

            cards: list[float] = []
            answers: list[float] = []
            total = args.warmup + args.n
            started = time.perf_counter()
            for i in range(total):
                mentor, worker = pairs[i % len(pairs)]
                card, answer = await raise_one(mentor, worker, SEVERITIES[i % len(SEVERITIES)], i)
                if i >= args.warmup:
                    cards.append(card)
                    answers.append(answer)
                await asyncio.sleep(args.gap)
            elapsed = time.perf_counter() - started
        finally:
            await stop_bot(app)
            await emulator.stop()
            await db.dispose()

    backend = "PostgreSQL" if args.db and "postgresql" in args.db else "SQLite"

    def ms(value: float) -> str:
        return f"{value * 1000:.0f} ms"

    print(
        f"{args.n} concerns on {backend} ({args.pairs} mentor/worker pairs, {args.warmup} warm-up)"
    )
    print(f"  whole conversations: {elapsed:.1f} s, {elapsed / total * 1000:.0f} ms each")
    for name, values in (("tap -> worker's card", cards), ("tap -> mentor's answer", answers)):
        print(
            f"  {name:<24} median {ms(statistics.median(values))}, "
            f"p90 {ms(percentile(values, 90))}, p99 {ms(percentile(values, 99))}, "
            f"max {ms(max(values))}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="concerns measured")
    parser.add_argument("--warmup", type=int, default=5, help="concerns not counted, first")
    parser.add_argument("--pairs", type=int, default=50, help="mentor/worker pairs, in turn")
    parser.add_argument(
        "--gap", type=float, default=0.2, help="seconds between two conversations (not measured)"
    )
    parser.add_argument("--db", default=None, help="database URL (default: a SQLite file)")
    asyncio.run(main(parser.parse_args()))
