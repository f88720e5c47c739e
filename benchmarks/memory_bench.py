"""Memory and cold start of `mentorbot run` with a big programme: by default 100k people
(50k mentees and 50k mentors), 50k matches and 100k future appointments (with their pending
reminders), seeded in bulk by `tick_bench.seed`.

The bot runs as its own process against the project's Bot API emulator (started like
`throughput.py` does), and is measured from outside through /proc:

- cold start: from starting the process to the first answered update (a user's `/help`,
  sent as the process starts; the emulator holds it until the bot polls);
- RSS idle: `VmRSS` after the first answer, with the bot left idle for `--idle` seconds
  (the start-up tick over the seeded programme has run by then);
- RSS under load: the highest `VmRSS` sampled during a short closed loop of onboarded users
  (mentees `/next` and press an answer button, mentors `/mymatches`, as in `throughput.py`);
- RSS after: `VmRSS` once the load stops and the bot is idle again;
- peak: `VmHWM`, the process's high-water mark over its whole life.

A bare PTB echo bot (the one `throughput.py` uses: no database) is measured the same way
first, for comparison.

    .venv/bin/python benchmarks/memory_bench.py
    .venv/bin/python benchmarks/memory_bench.py --database postgresql+asyncpg://postgres@127.0.0.1/bench
    .venv/bin/python benchmarks/memory_bench.py --families 20 --appointments 40 --users 4 --seconds 1

A PostgreSQL database given here is emptied (its public schema dropped): its name must
contain "bench" or "test".
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

# Siblings in benchmarks/ (a script's folder is on sys.path): the seeding and the processes
# are theirs, not written twice.
import throughput
import tick_bench

MENTEE_IDS = 10_000_000  # the telegram ids tick_bench.seed gives its mentees
MENTOR_IDS = 20_000_000  # and its mentors


@dataclass
class Figures:
    kind: str
    cold_start: float
    rss_idle: int  # KiB
    rss_load: int
    rss_after: int
    peak: int
    updates: int
    lost: int


async def seed(url: str | None, tmp: str, families: int, appointments: int) -> str:
    started = time.perf_counter()
    db = await tick_bench.fresh_database(url, tmp)
    # Matches started yesterday: no progress report is due, the programme is at rest.
    await tick_bench.seed(db, appointments, 0, families, now=datetime.now(UTC), started_days_ago=1)
    from sqlalchemy import func, select

    from storage.models import Appointment, Match, Person

    async with db.transaction() as s:
        counts = [
            (await s.execute(select(func.count(model.id)))).scalar_one()
            for model in (Person, Match, Appointment)
        ]
    await db.dispose()
    print(
        f"seeded {counts[0]:,} people, {counts[1]:,} matches, {counts[2]:,} appointments "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return db.url


async def make_users(http: httpx.AsyncClient, users: int) -> list[tuple[int, str]]:
    out = []
    for i in range(users // 2):
        for base, kind in ((MENTEE_IDS, "mentee"), (MENTOR_IDS, "mentor")):
            body = {"user_id": base + i, "first_name": f"{kind} {i}", "language_code": "es"}
            (await http.post("/users", json=body)).raise_for_status()
            out.append((base + i, kind))
    return out


async def first_answer(load: throughput.Load, uid: int, started: float, within: float) -> float:
    """Seconds from `started` until the bot answers a `/help` from `uid`."""
    while time.perf_counter() - started < within:
        if await load.step(uid, {"text": "/help"}, {"message"}) is not None:
            return time.perf_counter() - started
    raise SystemExit(f"no answer within {within:g} s")


async def sample_rss(pid: int, highest: list[int]) -> None:
    while True:
        highest[0] = max(highest[0], throughput.memory_kib(pid).get("VmRSS", 0))
        await asyncio.sleep(0.1)


async def measure(kind: str, database: str, args: argparse.Namespace) -> Figures:
    port = throughput.free_port()
    api = f"http://127.0.0.1:{port}"
    emulator = throughput.start_emulator(port)
    try:
        async with httpx.AsyncClient(
            base_url=f"{api}/_emulator", timeout=60, limits=httpx.Limits(max_connections=400)
        ) as http:
            for _ in range(200):
                try:
                    await http.get("/bots")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            users = await make_users(http, args.users)
            started = time.perf_counter()
            bot = throughput.start_bot(kind, api, database, throughput.free_port())
            try:
                cold = await first_answer(throughput.Load(http), users[0][0], started, 60)
                await asyncio.sleep(args.idle)
                idle = throughput.memory_kib(bot.pid)["VmRSS"]
                highest = [0]
                sampler = asyncio.create_task(sample_rss(bot.pid, highest))
                load = throughput.Load(http)
                await throughput.closed_loop(load, users, args.seconds)
                sampler.cancel()
                await asyncio.gather(sampler, return_exceptions=True)
                await asyncio.sleep(args.idle)
                after = throughput.memory_kib(bot.pid)
                if args.mappings:
                    print_mappings(kind, bot.pid, args.mappings)
            finally:
                bot.terminate()
                try:
                    bot.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    bot.kill()
                    bot.wait()
    finally:
        emulator.terminate()
        emulator.wait()
    return Figures(
        kind,
        cold,
        idle,
        highest[0],
        after["VmRSS"],
        after["VmHWM"],
        len(load.latencies),
        load.lost,
    )


def print_mappings(kind: str, pid: int, top: int) -> None:
    """Where the resident memory is: RSS per mapping (the heap, anonymous memory, each shared
    library), from /proc/PID/smaps, the largest first."""
    sizes: dict[str, int] = {}
    name = "?"
    with open(f"/proc/{pid}/smaps", encoding="utf-8") as fh:
        for line in fh:
            first = line.split()
            if first and "-" in first[0] and ":" not in first[0]:
                name = first[5].rsplit("/", 1)[-1] if len(first) > 5 else "[anonymous]"
            elif first and first[0] == "Rss:":
                sizes[name] = sizes.get(name, 0) + int(first[1])
    print(f"{kind}: RSS by mapping, KiB (total {sum(sizes.values()):,})")
    for mapping, kib in sorted(sizes.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {kib:>8,}  {mapping}")


def report(rows: list[Figures], title: str) -> None:
    print(f"\n{title}")
    print(
        f"{'bot':<10} {'cold s':>7} {'idle MiB':>9} {'load MiB':>9} {'after MiB':>9} "
        f"{'peak MiB':>9} {'updates':>8} {'lost':>5}"
    )
    for r in rows:
        print(
            f"{r.kind:<10} {r.cold_start:>7.2f} {r.rss_idle / 1024:>9.1f} "
            f"{r.rss_load / 1024:>9.1f} {r.rss_after / 1024:>9.1f} {r.peak / 1024:>9.1f} "
            f"{r.updates:>8} {r.lost:>5}"
        )
    print("goals: idle, load and peak <= 120 MiB; cold start <= 3 s")


async def main_async(args: argparse.Namespace) -> int:
    if args.users < 2 or args.users // 2 > args.families:
        print("--users must be at least 2 and at most twice --families")
        return 2
    with tempfile.TemporaryDirectory(prefix="mentorbot-memory-") as tmp:
        database = await seed(args.database, tmp, args.families, args.appointments)
        before = os.getloadavg()
        rows = []
        for kind in ("echo", "mentorbot"):
            rows.append(await measure(kind, database, args))
        after = os.getloadavg()
        report(
            rows,
            f"{'SQLite' if database.startswith('sqlite') else 'PostgreSQL'}, "
            f"{args.users} users for {args.seconds:g} s, idle {args.idle:g} s, "
            f"load average {before[0]:.1f} {before[1]:.1f} {before[2]:.1f} before, "
            f"{after[0]:.1f} {after[1]:.1f} {after[2]:.1f} after",
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a PostgreSQL URL (default: a new SQLite file)")
    parser.add_argument(
        "--families", type=int, default=50_000, help="families: a match, a mentee, a mentor each"
    )
    parser.add_argument("--appointments", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=40, help="onboarded users under load")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of load")
    parser.add_argument(
        "--mappings", type=int, default=0, help="print the N largest mappings of each bot's RSS"
    )
    parser.add_argument("--idle", type=float, default=3.0, help="idle seconds before a reading")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
