"""Outbox delivery through the Bot API emulator: fan-out rate, and a kill -9 in the middle.

The emulator runs in this process with its default flood limits ON (30 messages a second per
bot, 1 a second per chat with a burst of 3) and N users who have started the bot. The bot's
outbox sender (`bot.delivery.Sender`, exactly as the bot runs it) runs in a subprocess
against a database file (or PostgreSQL) holding N due messages, one per user.

    .venv/bin/python benchmarks/delivery_bench.py fanout [--n 1000] [--rate 25]
    .venv/bin/python benchmarks/delivery_bench.py kill   [--n 1000] [--kill-at 400]
    .venv/bin/python benchmarks/delivery_bench.py ptb    [--n 1000]   # PTB AIORateLimiter alone
    .venv/bin/python benchmarks/delivery_bench.py all
    # any of them on PostgreSQL (tables are dropped and re-created there):
    ... --db postgresql+asyncpg://postgres@127.0.0.1:5432/bench_delivery

Everything is counted from the emulator's record of calls: what Telegram would have seen.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from emulator import Emulator
from storage.db import Database
from storage.migrate import upgrade
from storage.models import OutboxMessage, OutboxStatus

ROOT = Path(__file__).resolve().parent.parent

TOKEN = "123456:BENCH-delivery"


# --- the bot's side: the sender, in its own process ---------------------------------------


async def run_sender(args: argparse.Namespace) -> None:
    from datetime import timedelta

    from telegram import Bot

    from bot.clock import SystemClock
    from bot.delivery import Sender

    db = Database(args.db)
    bot = Bot(TOKEN, base_url=f"{args.api}/bot")
    await bot.initialize()
    sender = Sender(
        db,
        bot,
        SystemClock(),
        poll_seconds=0.5,
        rate_overall=args.rate,
        lease=timedelta(seconds=args.lease),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    sender.start()
    print("ready", flush=True)
    await stop.wait()
    await sender.stop()
    stats = sender.stats
    print(json.dumps({"sent": stats.sent, "retry_after": stats.retry_after,
                      "failed": stats.failed, "recovered": stats.recovered,
                      "codes": stats.codes}), flush=True)  # fmt: skip
    await bot.shutdown()
    await db.dispose()


def spawn_sender(db_url: str, api: str, rate: float, lease: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "sender", "--db", db_url, "--api", api,
         "--rate", str(rate), "--lease", str(lease)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def stop_sender(proc: subprocess.Popen[str]) -> dict[str, Any]:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


# --- the world: emulator, users, database, due messages ---------------------------------------


@dataclass
class World:
    emu: Emulator
    db: Database
    url: str
    chats: list[int]


async def fresh_database(url: str | None) -> tuple[Database, str]:
    if url is None:
        path = Path(tempfile.mkdtemp(prefix="delivery-bench-")) / "bench.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
        db = Database(url)
    else:
        db = Database(url)
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(db)
    return db, url


async def make_world(n: int, url: str | None) -> World:
    from datetime import UTC, datetime

    from bot.services import outbox
    from storage.models import Consent, Organisation, Person, Role

    emu = Emulator()
    emu.add_bot(TOKEN, username="delivery_bench_bot")
    await emu.start()
    users = [emu.user(first_name=f"User{i}") for i in range(n)]
    for user in users:
        await user.send("/start")
    emu.clear_calls()
    db, url = await fresh_database(url)
    now = datetime.now(UTC)
    async with db.transaction() as session:
        org = Organisation(name="Bench", timezone="Europe/Madrid", locale="es", created_at=now)
        session.add(org)
        await session.flush()
        people = [
            Person(organisation_id=org.id, role=Role.MENTEE, name=f"Mentee {i}", locale="es",
                   telegram_id=user.id, consent=Consent.GIVEN, consent_at=now, created_at=now)
            for i, user in enumerate(users)
        ]  # fmt: skip
        session.add_all(people)
        await session.flush()
        for i, person in enumerate(people):
            outbox.enqueue(
                session, now, person, "reminder",
                f"<b>Recordatorio</b> {i}: mañana a las 10:00, Biblioteca Central.",
                buttons=[[("Allí estaré", f"ap:c:{i}"), ("No puedo", f"ap:n:{i}")]],
                ref=("appointment", i),
            )  # fmt: skip
    return World(emu, db, url, [u.id for u in users])


async def outstanding(db: Database) -> int:
    async with db.transaction() as session:
        count = await session.scalar(
            select(func.count()).where(
                OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.SENDING))
            )
        )
    return int(count or 0)


async def status_counts(db: Database) -> dict[str, int]:
    async with db.transaction() as session:
        found = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {str(status): int(count) for status, count in found.all()}


async def wait_until_done(db: Database, limit_s: float = 600) -> float:
    start = time.monotonic()
    while await outstanding(db):
        if time.monotonic() - start > limit_s:
            raise TimeoutError("the sender did not finish")
        await asyncio.sleep(0.1)
    return time.monotonic() - start


def deliveries(emu: Emulator) -> tuple[list[float], Counter[int], int]:
    """Times of accepted sendMessage calls, deliveries per chat, 429s answered."""
    sends = [c for c in emu.calls if c.method == "sendMessage"]
    ok = [c for c in sends if c.ok]
    refused = sum(1 for c in sends if c.error is not None and c.error.code == 429)
    return sorted(c.time for c in ok), Counter(int(c.params["chat_id"]) for c in ok), refused


def max_in_window(times: list[float], window: float = 1.0) -> int:
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


# --- scenarios ---------------------------------------------------------------------------------


async def fanout(n: int, rate: float, url: str | None) -> dict[str, Any]:
    world = await make_world(n, url)
    try:
        started = time.monotonic()
        proc = await asyncio.to_thread(spawn_sender, world.url, world.emu.base_url, rate, 120)
        spawned = time.monotonic()
        await wait_until_done(world.db)
        total = time.monotonic() - spawned
        stats = await asyncio.to_thread(stop_sender, proc)
        times, per_chat, refused = deliveries(world.emu)
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        achieved = (len(times) - 1) / span if span else 0.0
        result = {
            "scenario": "fanout",
            "database": world.db.engine.dialect.name,
            "messages": n,
            "configured_rate": rate,
            "achieved_rate": round(achieved, 2),
            "of_configured": f"{achieved / rate:.1%}",
            "first_to_last_send_s": round(span, 2),
            "total_s": round(total, 2),
            "startup_s": round(spawned - started, 2),
            "max_in_any_1s": max_in_window(times),
            "429_seen": refused,
            "sender_stats": stats,
            "statuses": await status_counts(world.db),
            "delivered_chats": len(per_chat),
            "sent_twice": sum(1 for c in per_chat.values() if c > 1),
            "missing": sum(1 for chat in world.chats if per_chat[chat] == 0),
        }
    finally:
        await world.emu.stop()
        await world.db.dispose()
    return result


async def kill9(n: int, rate: float, url: str | None, kill_after: float) -> dict[str, Any]:
    """SIGKILL the sender `kill_after` seconds into the fan-out (a moment that is not tied to
    any one send), restart it, and count deliveries per chat."""
    world = await make_world(n, url)
    lease = 5.0  # PostgreSQL: the restarted process takes rows back after the lease
    try:
        proc = await asyncio.to_thread(spawn_sender, world.url, world.emu.base_url, rate, lease)
        await asyncio.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        await asyncio.to_thread(proc.wait)
        _, per_chat_at_kill, _ = deliveries(world.emu)
        async with world.db.transaction() as session:
            found = await session.execute(select(OutboxMessage.status))
            statuses = list(found.scalars())
        claimed = sum(1 for s in statuses if s == OutboxStatus.SENDING)
        recorded = sum(1 for s in statuses if s == OutboxStatus.SENT)
        delivered_at_kill = sum(per_chat_at_kill.values())
        restart = await asyncio.to_thread(spawn_sender, world.url, world.emu.base_url, rate, lease)
        await wait_until_done(world.db)
        recovered_s = time.monotonic() - killed_at
        stats = await asyncio.to_thread(stop_sender, restart)
        _, per_chat, refused = deliveries(world.emu)
        result = {
            "scenario": "kill -9",
            "database": world.db.engine.dialect.name,
            "messages": n,
            "killed_after_s": kill_after,
            "delivered_before_kill": delivered_at_kill,
            "recorded_sent_before_kill": recorded,
            "claimed_unrecorded_at_kill": claimed,
            "delivered_but_unrecorded": delivered_at_kill - recorded,
            "kill_to_all_done_s": round(recovered_s, 2),
            "exactly_once": sum(1 for chat in world.chats if per_chat[chat] == 1),
            "duplicates": sum(c - 1 for c in per_chat.values() if c > 1),
            "missing": sum(1 for chat in world.chats if per_chat[chat] == 0),
            "429_seen": refused,
            "restarted_sender_stats": stats,
            "statuses": await status_counts(world.db),
        }
    finally:
        await world.emu.stop()
        await world.db.dispose()
    return result


async def ptb_limiter(n: int) -> dict[str, Any]:
    """The same fan-out through PTB's AIORateLimiter alone, every message started at once."""
    from telegram.error import RetryAfter
    from telegram.ext import AIORateLimiter, ExtBot

    logging.getLogger("telegram").setLevel(logging.CRITICAL)  # it logs every 429 it lets out
    emu = Emulator()
    emu.add_bot(TOKEN, username="delivery_bench_bot")
    await emu.start()
    try:
        users = [emu.user(first_name=f"User{i}") for i in range(n)]
        for user in users:
            await user.send("/start")
        emu.clear_calls()
        bot: ExtBot[Any] = ExtBot(
            TOKEN, base_url=f"{emu.base_url}/bot", rate_limiter=AIORateLimiter(max_retries=0)
        )
        await bot.initialize()
        refused_seen = 0

        async def one(chat: int, i: int) -> None:
            nonlocal refused_seen
            try:
                await bot.send_message(chat, f"Recordatorio {i}")
            except RetryAfter:
                refused_seen += 1

        started = time.monotonic()
        await asyncio.gather(*(one(u.id, i) for i, u in enumerate(users)))
        total = time.monotonic() - started
        await bot.shutdown()
        times, _, refused = deliveries(emu)
        attempts = sorted(c.time for c in emu.calls if c.method == "sendMessage")
        return {
            "scenario": "PTB AIORateLimiter alone",
            "messages": n,
            "delivered": len(times),
            "max_in_any_1s": max_in_window(times),
            "max_calls_in_any_1s": max_in_window(attempts),
            "429_seen": refused,
            "lost_to_429": refused_seen,
            "total_s": round(total, 2),
        }
    finally:
        await emu.stop()


# --- command line ------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"


def kill_moment(args: argparse.Namespace) -> float:
    """Somewhere in the middle of the fan-out (startup takes about a second)."""
    duration = float(args.n) / float(args.rate)
    return round(1.0 + random.uniform(0.25, 0.6) * duration, 3)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=["fanout", "kill", "ptb", "all", "sender"])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--rates", default="25,28,30", help="for 'all': fan-out rates")
    parser.add_argument("--trials", type=int, default=1, help="kill -9 runs")
    parser.add_argument("--db", default=None, help="database URL (default: a new SQLite file)")
    parser.add_argument("--api", default="")
    parser.add_argument("--lease", type=float, default=120.0)
    args = parser.parse_args()
    if args.scenario == "sender":
        await run_sender(args)
        return
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}", flush=True)
    results: list[dict[str, Any]] = []
    if args.scenario == "fanout":
        results.append(await fanout(args.n, args.rate, args.db))
    elif args.scenario == "kill":
        for _ in range(args.trials):
            results.append(await kill9(args.n, args.rate, args.db, kill_moment(args)))
    elif args.scenario == "ptb":
        results.append(await ptb_limiter(args.n))
    else:
        for rate in (float(r) for r in args.rates.split(",")):
            print(json.dumps(await fanout(args.n, rate, args.db), ensure_ascii=False), flush=True)
        for _ in range(args.trials):
            results.append(await kill9(args.n, args.rate, args.db, kill_moment(args)))
        results.append(await ptb_limiter(args.n))
    for result in results:
        print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
