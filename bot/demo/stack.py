"""Everything the demo runs in one process: the Bot API emulator, the bot (built by the same
`build_application` as production, only pointed at the emulator), a seeded SQLite database, a
movable clock, and a feed of what happens in every phone for the web page."""

from __future__ import annotations

import asyncio
import logging
import math
import shutil
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot import commands, jobs
from bot.app import App, build_application
from bot.clock import Clock, DemoClock, SystemClock
from bot.config import TELEGRAM_API_URL, Settings
from bot.demo import seed
from bot.demo.personas import linked_personas
from bot.demo.phones import Feed, Phone, message_json
from bot.intake import start_bot, stop_bot
from bot.runtime import Runtime, runtime_of
from emulator import Emulator, FloodLimits, SimulatedUser, UserEvent
from emulator.state import ChatState
from storage.db import Database
from storage.migrate import upgrade

log = logging.getLogger(__name__)

DEMO_TOKEN = "4242424242:DEMO-local-emulator-token-not-for-telegram"
BOT_USERNAME = "mentorbot_demo_bot"
BOT_NAME = "Mentorbot"
MAX_SKIP = timedelta(days=31)
# Telegram's flood control stays on, but with room for a visitor who taps quickly through a
# conversation (its one-message-a-second pace per chat is kept by the bot's outbox sender).
DEMO_FLOOD_LIMITS = FloodLimits(per_chat_per_second=5.0, per_chat_burst=20)


class DemoError(Exception):
    """A one-line reason the demo cannot start."""


def ensure_local(settings: Settings, emulator_url: str) -> None:
    """The demo never talks to Telegram: its Bot API is the emulator on loopback."""
    api = settings.api_base
    host = urlsplit(api).hostname
    loopback = host in ("127.0.0.1", "localhost", "::1")
    if api != emulator_url.rstrip("/") or api.startswith(TELEGRAM_API_URL) or not loopback:
        raise DemoError(f"the demo must use the local emulator, not {host}")


class Demo:
    """The emulator, the bot, the database and the clock, started and stopped together."""

    def __init__(
        self, database: Path | None = None, *, tick_seconds: float = 2.0, wall: Clock | None = None
    ) -> None:
        self.database_path = database
        self.tick_seconds = tick_seconds
        # The machine's clock only sets the date and the pace; the demo's day starts at 10:00.
        self._wall = wall or SystemClock()
        self.clock = DemoClock(seed.base_time(self._wall.now()), self._wall)
        self.feed = Feed()
        # Messages are dated by the bot's clock, so the phones show the time it believes.
        self.emulator = Emulator(
            wall_clock=lambda: self.clock.now().timestamp(), flood_limits=DEMO_FLOOD_LIMITS
        )
        self.emulator.add_bot(DEMO_TOKEN, username=BOT_USERNAME, first_name=BOT_NAME)
        self.phones: dict[str, Phone] = {}
        self.seeded: seed.Seeded | None = None
        self._app: App | None = None
        self._db: Database | None = None
        self._tmpdir: Path | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self._lock = asyncio.Lock()

    # lifecycle -------------------------------------------------------------------------
    @property
    def app(self) -> App:
        assert self._app is not None, "the demo is not started"
        return self._app

    @property
    def db(self) -> Database:
        assert self._db is not None, "the demo is not started"
        return self._db

    @property
    def rt(self) -> Runtime:
        return runtime_of(self.app.bot_data)

    async def start(self) -> None:
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        await self.emulator.start()
        path = self.database_path
        if path is None:
            self._tmpdir = Path(tempfile.mkdtemp(prefix="mentorbot-demo-"))
            path = self._tmpdir / "demo.sqlite3"
        url = f"sqlite+aiosqlite:///{path.resolve()}"
        settings = Settings(
            token=DEMO_TOKEN,  # type: ignore[arg-type]
            database_url=url,
            api_url=self.emulator.base_url,  # type: ignore[arg-type]
            tick_seconds=self.tick_seconds,
        )
        ensure_local(settings, self.emulator.base_url)
        self._db = Database(url)
        await self._refuse_foreign(path)
        await upgrade(self._db)
        await self._seed()
        self._make_phones()

        app = build_application(settings, self._db, self.clock, sender_poll_seconds=1.0)
        if not app.bot.base_url.startswith(self.emulator.base_url):
            raise DemoError("the bot is not pointed at the local emulator")
        self._app = app
        # The same durable intake as `mentorbot run`: updates go through the inbox.
        await start_bot(app, self._db, self.clock, poll_timeout=10)
        await self._set_menus()

    async def _refuse_foreign(self, path: Path) -> None:
        """Touch nothing in a database that is not the demo's (a real programme's, say)."""
        foreign = DemoError(f"{path} is not the demo's database; give another --database")
        try:
            async with self.db.transaction() as session:
                tables = set(
                    (
                        await session.execute(
                            text("SELECT name FROM sqlite_master WHERE type = 'table'")
                        )
                    ).scalars()
                )
                if not tables - {"alembic_version"}:
                    return  # new or empty
                if "organisation" not in tables or await seed.is_demo_database(session) is False:
                    raise foreign
        except DBAPIError:
            raise foreign from None

    async def stop(self) -> None:
        self.feed.close()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        app, self._app = self._app, None
        if app is not None:
            await stop_bot(app)  # each step even if an earlier one failed
        await self.emulator.stop()
        if self._db is not None:
            await self._db.dispose()
            self._db = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    # the programme ----------------------------------------------------------------------
    async def _seed(self) -> None:
        async with self.db.transaction() as session:
            await seed.wipe(session)
            self.seeded = await seed.seed(session, self.clock.now())

    def _make_phones(self) -> None:
        assert self.seeded is not None
        for p in linked_personas():
            assert p.telegram_id is not None
            user = self.emulator.user(
                p.telegram_id,
                first_name=p.first_name,
                last_name=p.last_name,
                language_code=p.locale,
            )
            user.chat.started = True  # they accepted their invitation long ago
            self.phones[p.key] = Phone(p, self.seeded.people[p.key], user)
            self._listen(p.key, user)

    def _listen(self, key: str, user: SimulatedUser) -> None:
        def on_event(event: UserEvent) -> None:
            self.feed.publish(self._event_json(key, event))

        self._unsubscribe.append(user.on_event(on_event))

    @staticmethod
    def _event_json(key: str, event: UserEvent) -> dict[str, Any]:
        if event.message is not None:
            return {"type": "message", "phone": key, "message": message_json(event.message)}
        if event.kind == "callback_answer" and event.answer is not None:
            return {
                "type": "toast",
                "phone": key,
                "text": event.answer.text or "",
                "alert": event.answer.show_alert,
            }
        return {"type": "action", "phone": key, "action": event.action or event.kind}

    async def _set_menus(self) -> None:
        """Each linked person's command menu, set by the bot as it does on linking."""
        for phone in self.phones.values():
            p = phone.persona
            assert p.telegram_id is not None
            await commands.set_person_menu(self.app.bot, p.telegram_id, p.role, p.locale)

    def phone(self, key: str) -> Phone:
        return self.phones[key]

    # the clock and the reset -------------------------------------------------------------
    def clock_json(self) -> dict[str, Any]:
        now = self.clock.now()
        return {
            "now": now.isoformat(),
            "offset_seconds": int(self.clock.offset.total_seconds()),
            "base": self.clock.base.isoformat(),
            "timezone": seed.TIMEZONE,
        }

    async def skip(self, delta: timedelta) -> dict[str, Any]:
        """Move the bot's clock (never the machine's) and run a scheduler tick at once."""
        if not timedelta(0) < delta <= MAX_SKIP:
            raise ValueError("skip between one minute and 31 days")
        async with self._lock:
            # The background ticker waits meanwhile: a tick of its own, starting between the
            # clock's move and this one, would take what fell due and this would report none.
            ticker = self.rt.extras.get("ticker")
            if isinstance(ticker, jobs.Ticker):
                await ticker.stop()
            try:
                now = self.clock.advance(delta)
                # All that fell due, however busy the machine: the production budget would
                # leave part of it to a later tick, and the visitor would not see it.
                done = await jobs.tick(self.rt, now, budget_seconds=math.inf)
                await self.deliver()
            finally:
                if isinstance(ticker, jobs.Ticker):
                    ticker.start()
        state = self.clock_json()
        self.feed.publish({"type": "clock", "clock": state})
        return {**state, "jobs": done}

    async def deliver(self) -> int:
        """Send every due outbox message now."""
        sender = self.rt.sender
        if sender is None:
            return 0
        total = 0
        while sent := await sender.send_due(self.clock.now()):
            total += sent
        return total

    async def reset(self) -> None:
        """Back to the seeded programme: fresh rows, empty chats, the clock at the start of
        the demo's day."""
        async with self._lock:
            # No send in flight while the rows and the chats are replaced: nothing of the old
            # programme can reach the fresh chats.
            sender = self.rt.sender
            if sender is not None:
                await sender.stop()
            try:
                self.clock.restart(seed.base_time(self._wall.now()))
                await self._seed()  # every table wiped and seeded, in one transaction
                assert self.seeded is not None
                bot = self.emulator.bot(DEMO_TOKEN)
                for unsubscribe in self._unsubscribe:
                    unsubscribe()
                self._unsubscribe.clear()
                for key, phone in list(self.phones.items()):
                    info = phone.user.info
                    bot.chats[info.id] = ChatState(info, started=True)
                    phone.user.mark = 0
                    self.phones[key] = Phone(phone.persona, self.seeded.people[key], phone.user)
                    self._listen(key, phone.user)
                bot.flood.reset()
                bot.callback_queries.clear()
                await self._set_menus()
            finally:
                if sender is not None:
                    sender.start()
        self.feed.publish({"type": "reset", "clock": self.clock_json()})
