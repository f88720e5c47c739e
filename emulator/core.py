"""The Emulator: a local Telegram Bot API server with simulated users."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

from . import updates
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError, bad_request
from .files import UploadedFile
from .flood import FloodControl, FloodLimits
from .groups import SimulatedGroup, new_group
from .httpserver import HttpServer
from .methods import ATTACHED, ATTACHING, HANDLERS
from .spec import BotApiSpec, load_spec
from .state import BotState, Signal, UserInfo, World
from .users import SimulatedUser
from .views import CallbackAnswer

DEFAULT_USERNAME = "mentorbot_demo_bot"
DEFAULT_FIRST_NAME = "Mentorbot Demo"
_WEBHOOK_METHODS: dict[str, Callable[[World, BotState, dict[str, Any]], Any]] = {
    "setWebhook": updates.set_webhook,
    "deleteWebhook": updates.delete_webhook,
    "getWebhookInfo": updates.get_webhook_info,
}


@dataclass
class CallRecord:
    """One Bot API call made by a bot."""

    token: str
    method: str
    params: dict[str, Any]
    time: float
    result: Any = None
    error: ApiError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def __repr__(self) -> str:
        outcome = "ok" if self.error is None else f"{self.error.code} {self.error.description!r}"
        return f"<{self.method} {outcome}>"


class Emulator:
    """A Telegram Bot API server on loopback, with simulated users.

    ``await emu.start()`` serves ``/bot<token>/<method>`` and ``/file/bot<token>/<path>`` on
    ``emu.base_url`` (port 0 picks a free port), plus a JSON user API under ``/_emulator/``.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tokens: Iterable[str] = (),
        bot_username: str = DEFAULT_USERNAME,
        bot_first_name: str = DEFAULT_FIRST_NAME,
        flood_limits: FloodLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        strict_params: bool = True,
        record_calls: bool = True,
        max_recorded_calls: int | None = None,
        spec: BotApiSpec | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.world = World(flood_limits or FloodLimits(), clock, wall_clock)
        self.spec = spec or load_spec()
        self.strict_params = strict_params
        self.record_calls = record_calls
        self.max_recorded_calls = max_recorded_calls
        self.calls: list[CallRecord] = []
        self.webhooks = updates.Webhooks(self.world, self._confirmed)
        # Updates Telegram regards as received: (update_id, "offset" | "webhook"), in order.
        self.confirmations: list[tuple[int, str]] = []
        # Awaited when updates are confirmed, before the bot is answered (tests check that
        # the bot stored them first): by a getUpdates offset, or by a webhook's 2xx answer.
        self.on_confirm: Callable[[list[int], str], Awaitable[None]] | None = None
        self._users: dict[tuple[str, int], SimulatedUser] = {}
        self._call_signal = Signal()
        self._http: HttpServer | None = None
        for token in tokens:
            self.add_bot(token, username=bot_username, first_name=bot_first_name)

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> Emulator:
        from .server import make_app

        self._http = HttpServer(make_app(self), now=self.world.wall_clock)
        self.port = await self._http.start(self.host, self.port)
        return self

    async def stop(self) -> None:
        await self.webhooks.close()
        if self._http is not None:
            await self._http.stop()
            self._http = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- bots and users ------------------------------------------------------------------

    def add_bot(
        self, token: str, username: str = DEFAULT_USERNAME, first_name: str = DEFAULT_FIRST_NAME
    ) -> BotState:
        """Register a bot; its token is accepted from now on."""
        return self.world.add_bot(token, username, first_name)

    def revoke_token(self, token: str | None = None) -> None:
        """BotFather's /revoke: the bot's token is refused from now on (401 Unauthorized), as a
        token mistyped, revoked or of a deleted bot is."""
        self.bot(token).revoked = True

    @property
    def bots(self) -> dict[str, BotState]:
        return self.world.bots

    def bot(self, token: str | None = None) -> BotState:
        """A bot by token (default: the first registered)."""
        if token is None:
            if not self.world.bots:
                raise LookupError("no bot registered: call add_bot(token) first")
            return next(iter(self.world.bots.values()))
        return self.world.bots[token]

    def user(
        self,
        user_id: int | None = None,
        first_name: str = "Alice",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        *,
        bot: str | None = None,
    ) -> SimulatedUser:
        """A simulated user (created if needed; ids are assigned automatically when omitted)."""
        bot_state = self.bot(bot)
        if user_id is not None and user_id in self.world.users:
            info = self.world.users[user_id]
        else:
            info = self.world.add_user(
                id=user_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            )
        return self.user_by_id(info.id, bot=bot_state.token)

    def group(
        self,
        creator: SimulatedUser,
        title: str = "Group",
        *,
        kind: str = "group",
        bot: str | None = None,
    ) -> SimulatedGroup:
        """A new group (``kind="supergroup"`` for a supergroup) created by ``creator``; the bot
        joins only when someone calls ``add_bot``."""
        return new_group(self.world, self.bot(bot), creator, title, kind)

    def user_by_id(self, user_id: int, *, bot: str | None = None) -> SimulatedUser:
        bot_state = self.bot(bot)
        key = (bot_state.token, user_id)
        sim = self._users.get(key)
        if sim is None:
            info: UserInfo = self.world.users[user_id]
            sim = SimulatedUser(self.world, bot_state, info)
            self._users[key] = sim
            self.world.chat(bot_state, user_id)
        return sim

    @property
    def users(self) -> list[SimulatedUser]:
        return list(self._users.values())

    @property
    def answers(self) -> list[CallbackAnswer]:
        return self.world.answers

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[CallRecord]:
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    async def wait_for_call(self, method: str, count: int = 1, timeout: float = 5.0) -> CallRecord:  # noqa: ASYNC109
        """Wait until ``method`` has been called ``count`` times in all (recorded calls); the latest one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = self.calls_to(method)
            if len(found) >= count:
                return found[-1]
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"{method} was called {len(found)} times, expected {count}")
            await self._call_signal.wait(remaining)

    def clear_calls(self) -> None:
        self.calls.clear()

    def set_flood_limits(self, limits: FloodLimits) -> None:
        """Replace the flood limits (and forget past traffic)."""
        self.world.flood_limits = limits
        for bot in self.world.bots.values():
            bot.flood = FloodControl(limits, self.world.clock)

    # --- calls ---------------------------------------------------------------------------

    def call(self, token: str, method: str, raw: dict[str, Any]) -> Any:
        """Run one Bot API call. Returns the result, or an awaitable of it for getUpdates.

        Raises ApiError for error answers. Every call reaching a known bot is recorded.
        """
        bot = self.world.bots.get(token)
        if bot is None or bot.revoked:
            raise UNAUTHORIZED
        name = self.spec.canonical(method) if method else None
        record = CallRecord(token, name or method, dict(raw), self.world.clock())
        self._call_signal.fire()
        if self.record_calls:
            self.calls.append(record)
            if self.max_recorded_calls is not None and len(self.calls) > self.max_recorded_calls:
                del self.calls[: len(self.calls) - self.max_recorded_calls // 2]
        try:
            if name is None:
                raise NOT_FOUND
            # Files uploaded under a name of their own, referred to as "attach://<name>"
            # inside a JSON parameter (setMyProfilePhoto's InputProfilePhoto).
            attached = (
                {k: v for k, v in raw.items() if isinstance(v, UploadedFile)}
                if name in ATTACHING
                else {}
            )
            params = self.spec.normalize(
                name, {k: v for k, v in raw.items() if k not in attached}, strict=self.strict_params
            )
            if attached:
                params[ATTACHED] = attached
            record.params = params
            handler = HANDLERS.get(name)
            if handler is not None:
                result = handler(self.world, bot, params)
            elif name == "getUpdates":
                confirmed = updates.confirmed_by(bot, params.get("offset"))
                work = updates.get_updates(self.world, bot, params)
                return self._finish_async(record, work, confirmed)
            elif name in _WEBHOOK_METHODS:
                result = _WEBHOOK_METHODS[name](self.world, bot, params)
                self.webhooks.sync(bot)
            else:
                raise bad_request(f"method {name} is not implemented by the emulator")
        except ApiError as exc:
            record.error = exc
            raise
        record.result = result
        return result

    async def _confirmed(self, update_ids: list[int], how: str) -> None:
        if not update_ids:
            return
        self.confirmations.extend((update_id, how) for update_id in update_ids)
        if self.on_confirm is not None:
            await self.on_confirm(update_ids, how)

    async def _finish_async(
        self, record: CallRecord, work: Coroutine[Any, Any, Any], confirmed: list[int]
    ) -> Any:
        try:
            await self._confirmed(confirmed, "offset")
        except BaseException:
            work.close()
            raise
        try:
            record.result = await work
        except ApiError as exc:
            record.error = exc
            raise
        return record.result

    async def api(self, method: str, token: str | None = None, **params: Any) -> Any:
        """Call a Bot API method in-process (as the bot would), without HTTP."""
        result = self.call(self.bot(token).token, method, params)
        if asyncio.iscoroutine(result):
            return await result
        return result
