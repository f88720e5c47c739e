"""Updates per second, CPU per update and latency of `mentorbot run`, side by side with a bare
python-telegram-bot echo bot, under the same load, against the project's Bot API emulator.

Each bot runs as its own process, one after the other, with the emulator in a third process;
the load comes from this process through the emulator's user API (`/_emulator/users/...`):

- closed loop: N onboarded users, half mentees and half mentors. A mentee sends `/next` and
  presses the first answer button of the card it gets (a write); a mentor sends `/mymatches`
  (a read). Each waits for the bot's answer before the next step.
- open loop (`--rate R`): updates offered at a fixed rate whatever the bot does, each by an idle
  user; the latency from send to answer is measured.

The echo bot answers a message with a message bearing one button, and a button press with
`answerCallbackQuery` and an edit: the same Bot API calls per update as mentorbot, without a
database. The generator's own CPU per update is printed too, to show it is not the bottleneck.

    .venv/bin/python benchmarks/throughput.py                          # SQLite, closed loop
    .venv/bin/python benchmarks/throughput.py --rate 25 --seconds 20   # open loop at 25/s
    .venv/bin/python benchmarks/throughput.py --database postgresql+asyncpg://postgres@127.0.0.1/bench
    .venv/bin/python benchmarks/throughput.py --families 5000 --users 80 --repeat 3

A PostgreSQL database given here is emptied (its public schema dropped): its name must
contain "bench" or "test".
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent

TOKEN = "123456:BENCH-token-for-the-emulator"
MENTEE_IDS = 700_000_000
MENTOR_IDS = 800_000_000
ANSWER_WAIT = 30.0  # seconds an update may go unanswered before it counts as lost


# --- the programme --------------------------------------------------------------------------


async def seed(url: str, families: int, users: int) -> None:
    """An organisation with `families` families (one mentee, one mentor, a match, a planned
    meeting each); the first `users` // 2 mentees and mentors are onboarded."""
    from sqlalchemy import text

    from storage.db import Database
    from storage.migrate import upgrade
    from storage.models import (
        Appointment,
        Consent,
        Family,
        Match,
        MatchMentor,
        Organisation,
        Person,
        Role,
    )

    db = Database(url)
    if not db.is_sqlite:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(db)
    now = datetime.now(UTC)
    linked = users // 2
    async with db.transaction() as s:
        org = Organisation(name="Bench", timezone="Europe/Madrid", locale="es", created_at=now)
        s.add(org)
        await s.flush()
        worker = Person(organisation_id=org.id, role=Role.WORKER, name="Wendy", created_at=now)
        s.add(worker)
        await s.flush()
    for start in range(0, families, 1000):
        async with db.transaction() as s:
            batch = range(start, min(families, start + 1000))
            fams = [Family(organisation_id=org.id, name=f"F{i}", created_at=now) for i in batch]
            s.add_all(fams)
            await s.flush()
            people: list[tuple[Person, Person]] = []
            for i, fam in zip(batch, fams, strict=True):
                on = i < linked
                mentee = Person(
                    organisation_id=org.id,
                    role=Role.MENTEE,
                    name=f"Mentee {i}",
                    locale=random.choice(["es", "ar", "en", "uk"]),
                    family_id=fam.id,
                    telegram_id=MENTEE_IDS + i if on else None,
                    consent=Consent.GIVEN if on else Consent.PENDING,
                    consent_at=now if on else None,
                    created_at=now,
                )
                mentor = Person(
                    organisation_id=org.id,
                    role=Role.MENTOR,
                    name=f"Mentor {i}",
                    locale="es",
                    telegram_id=MENTOR_IDS + i if on else None,
                    consent=Consent.GIVEN if on else Consent.PENDING,
                    consent_at=now if on else None,
                    created_at=now,
                )
                people.append((mentee, mentor))
            s.add_all([p for pair in people for p in pair])
            await s.flush()
            matches = [
                Match(
                    organisation_id=org.id,
                    family_id=fam.id,
                    worker_id=worker.id,
                    started_on=(now - timedelta(days=60)).date(),
                    created_at=now,
                )
                for fam in fams
            ]
            s.add_all(matches)
            await s.flush()
            s.add_all(
                [
                    MatchMentor(match_id=m.id, mentor_id=mentor.id)
                    for m, (_, mentor) in zip(matches, people, strict=True)
                ]
            )
            s.add_all(
                [
                    Appointment(
                        match_id=m.id,
                        created_by_id=mentor.id,
                        starts_at=now + timedelta(days=3, hours=i % 48),
                        place="Biblioteca",
                        created_at=now,
                        updated_at=now,
                    )
                    for i, (m, (_, mentor)) in enumerate(zip(matches, people, strict=True))
                ]
            )
    await db.dispose()


# --- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kib(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0])
    return out


def start_emulator(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "emulator",
            "--port",
            str(port),
            "--token",
            TOKEN,
            "--no-flood-limit",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_bot(kind: str, api: str, database: str, health_port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MENTORBOT_TOKEN": TOKEN,
        "MENTORBOT_API_URL": api,
        "MENTORBOT_DATABASE_URL": database,
        "MENTORBOT_LOG_LEVEL": "WARNING",
        "MENTORBOT_HEALTH_PORT": str(health_port),
    }
    command = (
        [sys.executable, "-m", "bot", "run"]
        if kind == "mentorbot"
        else [sys.executable, str(Path(__file__).resolve()), "--serve-echo", api]
    )
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def serve_echo(api: str) -> None:
    """A bare PTB bot with mentorbot's PTB settings and the same Bot API calls per update."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
    from telegram.ext import (
        ApplicationBuilder,
        CallbackQueryHandler,
        ContextTypes,
        Defaults,
        MessageHandler,
        filters,
    )
    from telegram.request import HTTPXRequest

    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="ans:1:c")]])

    async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("<b>echo</b>", reply_markup=keyboard)

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("ok")
        await query.edit_message_text(f"<i>pressed</i> {time.monotonic_ns()}")

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .defaults(
            Defaults(parse_mode="HTML", link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        .request(HTTPXRequest(connection_pool_size=16, read_timeout=15, write_timeout=15))
        .get_updates_request(HTTPXRequest(read_timeout=40))
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, on_message))
    app.add_handler(CallbackQueryHandler(on_press))
    app.run_polling(poll_interval=0, timeout=10)


# --- the load -------------------------------------------------------------------------------


@dataclass
class Load:
    http: httpx.AsyncClient
    latencies: list[float] = field(default_factory=list)
    lost: int = 0
    presses: int = 0

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.http.post(path, json=body)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    async def _answer(self, uid: int, after: int, kinds: set[str]) -> dict[str, Any] | None:
        deadline = time.monotonic() + ANSWER_WAIT
        while (left := deadline - time.monotonic()) > 0:
            response = await self.http.get(
                f"/users/{uid}/events", params={"after": after, "timeout": min(left, 25)}
            )
            data = response.json()
            for event in data["events"]:
                if event["kind"] in kinds:
                    return dict(event)
            after = max(after, int(data["last_seq"]))
        return None

    async def step(self, uid: int, action: dict[str, Any], kinds: set[str]) -> Any:
        started = time.perf_counter()
        path = "send" if "text" in action else "press"
        sent = await self._post(f"/users/{uid}/{path}", action)
        event = await self._answer(uid, int(sent["last_seq"]), kinds)
        if event is None:
            self.lost += 1
            self.latencies.append(ANSWER_WAIT)
            return None
        self.latencies.append(time.perf_counter() - started)
        return event

    async def mentee(self, uid: int) -> None:
        event = await self.step(uid, {"text": "/next"}, {"message", "edit"})
        if event is None:
            return
        message = event["message"]
        data = next(
            (
                b["callback_data"]
                for row in message["buttons"]
                for b in row
                if str(b.get("callback_data", "")).startswith("ans:")
            ),
            None,
        )
        if data is not None:
            press = {"message_id": message["message_id"], "callback_data": data}
            self.presses += 1
            await self.step(uid, press, {"callback_answer", "edit", "message"})

    async def mentor(self, uid: int) -> None:
        await self.step(uid, {"text": "/mymatches"}, {"message", "edit"})


async def make_users(http: httpx.AsyncClient, users: int) -> list[tuple[int, str]]:
    out = []
    for i in range(users // 2):
        for base, kind in ((MENTEE_IDS, "mentee"), (MENTOR_IDS, "mentor")):
            body = {"user_id": base + i, "first_name": f"{kind} {i}", "language_code": "es"}
            (await http.post("/users", json=body)).raise_for_status()
            out.append((base + i, kind))
    return out


async def wait_answered(load: Load, uid: int, kind: str, within: float = 60.0) -> float:
    """Seconds until the bot first answers `uid` (cold start)."""
    started = time.perf_counter()
    while time.perf_counter() - started < within:
        before = len(load.latencies)
        await (load.mentee(uid) if kind == "mentee" else load.mentor(uid))
        if len(load.latencies) > before and load.latencies[before] < ANSWER_WAIT:
            break
    return time.perf_counter() - started


async def closed_loop(load: Load, users: list[tuple[int, str]], seconds: float) -> int:
    stop_at = time.monotonic() + seconds

    async def loop(uid: int, kind: str) -> None:
        act: Callable[[int], Awaitable[None]] = load.mentee if kind == "mentee" else load.mentor
        while time.monotonic() < stop_at:
            await act(uid)

    await asyncio.gather(*(loop(uid, kind) for uid, kind in users))
    return len(load.latencies)


async def open_loop(load: Load, users: list[tuple[int, str]], seconds: float, rate: float) -> int:
    idle = list(users)
    random.shuffle(idle)
    tasks: set[asyncio.Task[None]] = set()
    offered = 0
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < seconds:
        due = int(elapsed * rate) + 1 - offered
        for _ in range(due):
            if not idle:
                break  # every user waits for an answer: the bot is behind
            uid, kind = idle.pop(0)

            async def one(uid: int = uid, kind: str = kind) -> None:
                await load.step(uid, {"text": "/next" if kind == "mentee" else "/mymatches"},
                                {"message", "edit"})  # fmt: skip
                idle.append((uid, kind))

            task = asyncio.create_task(one())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            offered += 1
        await asyncio.sleep(1 / rate / 4)
    await asyncio.gather(*tasks)
    return offered


@dataclass
class Result:
    kind: str
    updates: int
    seconds: float
    cpu: float
    gen_cpu: float
    latencies: list[float]
    lost: int
    cold_start: float
    memory: dict[str, int]
    presses: int
    emu_cpu: float = 0.0
    db: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    def pct(self, q: float) -> float:
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))] * 1000 if data else float("nan")


async def run_one(kind: str, args: argparse.Namespace, database: str) -> Result:
    port = free_port()
    api = f"http://127.0.0.1:{port}"
    emulator = start_emulator(port)
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
            load = Load(http)
            health = free_port()
            bot = start_bot(kind, api, database, health)
            try:
                cold = await wait_answered(load, *users[1])
                await closed_loop(Load(http), users, args.warmup)  # warm caches, JIT nothing
                load = Load(http)
                before = await scrape(health)
                cpu0, gen0, t0 = cpu_seconds(bot.pid), time.process_time(), time.perf_counter()
                emu0 = cpu_seconds(emulator.pid)
                watch = asyncio.create_task(watch_pool(health))
                if args.rate:
                    await open_loop(load, users, args.seconds, args.rate)
                else:
                    await closed_loop(load, users, args.seconds)
                took = time.perf_counter() - t0
                cpu, gen = cpu_seconds(bot.pid) - cpu0, time.process_time() - gen0
                emu = cpu_seconds(emulator.pid) - emu0
                watch.cancel()
                await asyncio.gather(watch, return_exceptions=True)
                after = await scrape(health)
                memory = memory_kib(bot.pid)
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
    n = len(load.latencies)
    db = {
        "waits": after.get("mentorbot_db_waits", 0) - before.get("mentorbot_db_waits", 0),
        "longest": after.get("mentorbot_db_wait_seconds_max", 0),
        "in_use": float(WATCHED.get(health, 0)),
    }
    return Result(
        kind, n, took, cpu, gen, load.latencies, load.lost, cold, memory, load.presses, emu, db
    )


WATCHED: dict[int, int] = {}  # health port -> most connections seen in use


async def scrape(port: int) -> dict[str, float]:
    """mentorbot's /metrics (nothing for the echo bot, which has none)."""
    out: dict[str, float] = {}
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    except httpx.HTTPError:
        return out
    for line in text.splitlines():
        if line.startswith("mentorbot_db_"):
            name, _, value = line.partition(" ")
            out[name] = float(value)
    return out


async def watch_pool(port: int) -> None:
    """Samples the connections mentorbot has checked out, twice a second."""
    while True:
        found = await scrape(port)
        if found:
            in_use = int(found.get("mentorbot_db_connections_in_use", 0))
            WATCHED[port] = max(WATCHED.get(port, 0), in_use)
        await asyncio.sleep(0.5)


def report(results: list[Result], label: str) -> None:
    echo = next(r for r in results if r.kind == "echo")
    print(f"\n{label}")
    print(
        f"{'bot':<10} {'updates/s':>10} {'x echo':>7} {'CPU/upd':>8} {'gen CPU/upd':>11} "
        f"{'emu CPU/upd':>11} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'lost':>5} "
        f"{'cold s':>7} {'RSS MiB':>8} {'peak MiB':>8} {'presses':>8} {'db waits':>8} "
        f"{'longest s':>9} {'conns':>5}"
    )
    for r in results:
        print(
            f"{r.kind:<10} {r.rate:>10.1f} {r.rate / echo.rate:>7.2f} "
            f"{r.cpu / max(r.updates, 1) * 1000:>6.1f}ms {r.gen_cpu / max(r.updates, 1) * 1000:>9.1f}ms "
            f"{r.emu_cpu / max(r.updates, 1) * 1000:>9.1f}ms "
            f"{r.pct(0.5):>8.0f} {r.pct(0.99):>8.0f} {max(r.latencies, default=0) * 1000:>8.0f} "
            f"{r.lost:>5} {r.cold_start:>7.2f} {r.memory.get('VmRSS', 0) / 1024:>8.0f} "
            f"{r.memory.get('VmHWM', 0) / 1024:>8.0f} {r.presses:>8} "
            f"{r.db.get('waits', 0):>8.0f} {r.db.get('longest', 0):>9.2f} "
            f"{r.db.get('in_use', 0):>5.0f}"
        )


async def main_async(args: argparse.Namespace) -> int:
    if args.database:
        database = args.database
        name = database.rsplit("/", 1)[-1]
        if not database.startswith("sqlite") and "bench" not in name and "test" not in name:
            print("refusing to empty a database whose name has neither 'bench' nor 'test'")
            return 2
    else:
        tmp = Path(tempfile.mkdtemp(prefix="mentorbot-bench-"))
        database = f"sqlite+aiosqlite:///{tmp / 'bench.sqlite3'}"
    load_average = os.getloadavg()[0]
    for round_ in range(args.repeat):
        await seed(database, args.families, args.users)
        results = []
        for kind in ("echo", "mentorbot"):
            results.append(await run_one(kind, args, database))
        mode = f"open loop at {args.rate:g}/s" if args.rate else "closed loop"
        report(
            results,
            f"{mode}, {args.users} users, {args.families} families, {args.seconds:g} s, "
            f"{'SQLite' if database.startswith('sqlite') else 'PostgreSQL'}, "
            f"run {round_ + 1}/{args.repeat}, load average {load_average:.1f}",
        )
        load_average = os.getloadavg()[0]
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a database URL (default: a new SQLite file)")
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--users", type=int, default=80, help="onboarded users (even)")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rate", type=float, default=0.0, help="open loop: updates/s offered")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--serve-echo", metavar="API", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        serve_echo(args.serve_echo)
        return 0
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
