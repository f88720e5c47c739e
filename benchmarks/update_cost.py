"""The cost of one update on the production path, in figures that do not depend on how busy the
machine is: SQL statements (round trips to the database) per update, and CPU per update.

The bot (`build_application` + the durable intake, as `mentorbot run` wires it, without the
scheduler) and the project's Bot API emulator run in this process; onboarded users of the
throughput benchmark's programme take turns, one update at a time: a mentee sends `/next` and
presses the first answer button of the card; a mentor sends `/mymatches`. Every statement the
bot's engine executes is counted (`before_cursor_execute`); the CPU is this process's (bot and
emulator; the emulator's share is about 0.1 ms per Bot API call, see "Emulator throughput").

    .venv/bin/python benchmarks/update_cost.py
    .venv/bin/python benchmarks/update_cost.py --database postgresql+asyncpg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from throughput import MENTEE_IDS, MENTOR_IDS, TOKEN, seed

DEBUG: Counter[str] = Counter()


async def run(url: str, users: int, rounds: int, profile: str | None = None) -> dict[str, float]:
    from sqlalchemy import event

    from bot.app import build_application
    from bot.clock import SystemClock
    from bot.config import Settings
    from bot.intake import start_bot, stop_bot
    from emulator import Emulator
    from emulator.flood import FloodLimits
    from storage.db import Database

    emu = Emulator(flood_limits=FloodLimits.off())
    emu.add_bot(TOKEN, username="bench_bot")
    await emu.start()
    db = Database(url)
    statements: Counter[str] = Counter()

    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        statements[sql.split(None, 1)[0].upper()] += 1
        if os.environ.get("COST_DEBUG"):
            DEBUG[" ".join(sql.split())[:110]] += 1

    settings = Settings(
        token=TOKEN,  # type: ignore[arg-type]
        database_url=url,
        api_url=emu.base_url,  # type: ignore[arg-type]
        tick_seconds=3600,
    )
    app = build_application(settings, db, SystemClock(), tick=False, set_menus=False)
    await start_bot(app, db, SystemClock(), poll_timeout=10)
    people = []
    for i in range(users // 2):
        people.append(("mentee", emu.user(user_id=MENTEE_IDS + i, first_name=f"Mentee {i}")))
        people.append(("mentor", emu.user(user_id=MENTOR_IDS + i, first_name=f"Mentor {i}")))

    async def step(user: Any, action: Any, kind: str = "message") -> Any:
        """A press is answered last by answerCallbackQuery; a command by its first message."""
        await action()
        return await user.wait_for_event(kinds=(kind,), timeout=30)

    async def one_round() -> int:
        done = 0
        for kind, user in people:
            if kind == "mentor":
                await step(user, lambda u=user: u.send("/mymatches"))
                done += 1
                continue
            event_ = await step(user, lambda u=user: u.send("/next"))
            done += 1
            message = event_.message
            data = next(
                (
                    b["callback_data"]
                    for row in message.keyboard
                    for b in row
                    if str(b.get("callback_data", "")).startswith("ans:")
                ),
                None,
            )
            if data is not None:
                await step(user, lambda u=user, m=message, d=data: u.press(m, d), "callback_answer")
                done += 1
        return done

    try:
        await one_round()  # warm up: imports, catalogs, statement caches
        statements.clear()
        DEBUG.clear()
        profiler = cProfile.Profile() if profile is not None else None
        cpu0, wall0 = time.process_time(), time.perf_counter()
        updates = 0
        if profiler is not None:
            profiler.enable()
        for _ in range(rounds):
            updates += await one_round()
        if profiler is not None:
            profiler.disable()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    finally:
        await stop_bot(app)
        await db.dispose()
        await emu.stop()
    total = sum(statements.values())
    calls: dict[str, float] = {}
    if profiler is not None:
        stats = pstats.Stats(profiler)
        calls["calls"] = stats.total_calls / updates  # type: ignore[attr-defined]
        if profile:
            stats.sort_stats("tottime").dump_stats(profile)
    return {
        **calls,
        "updates": updates,
        "statements": total / updates,
        "cpu_ms": cpu / updates * 1000,
        "wall_ms": wall / updates * 1000,
        **{f"{k.lower()}": v / updates for k, v in statements.most_common()},
    }


async def main_async(args: argparse.Namespace) -> int:
    if args.database:
        url = args.database
        if not url.startswith("sqlite") and not any(
            w in url.rsplit("/", 1)[-1] for w in ("bench", "test")
        ):
            print("refusing to empty a database whose name has neither 'bench' nor 'test'")
            return 2
    else:
        url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp(prefix='mentorbot-cost-')) / 'b.db'}"
    await seed(url, args.families, args.users)
    load = os.getloadavg()[0]
    profile = None if args.calls is None else args.calls
    result = await run(url, args.users, args.rounds, profile)
    kind = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    print(
        f"{kind}, {args.families} families, {args.users} users, {result['updates']:.0f} updates "
        f"one at a time, load average {load:.1f}"
    )
    print(
        f"statements/update {result['statements']:.2f}  CPU/update {result['cpu_ms']:.1f} ms  "
        f"wall/update {result['wall_ms']:.1f} ms"
    )
    if "calls" in result:
        print(
            f"Python function calls/update {result['calls']:.0f} (cProfile; CPU above includes it)"
        )
    print(
        "  by kind: "
        + ", ".join(
            f"{k} {v:.2f}"
            for k, v in result.items()
            if k not in ("updates", "statements", "cpu_ms", "wall_ms", "calls")
        )
    )
    for sql, count in DEBUG.most_common(40):
        print(f"{count / result['updates']:6.2f}  {sql}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a database URL (default: a new SQLite file)")
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--calls",
        nargs="?",
        const="",
        metavar="FILE",
        help="count Python function calls per update with cProfile (a figure the machine's "
        "load does not move); with FILE, keep the profile there for pstats",
    )
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
