"""The sender's pace: one `aiolimiter.AsyncLimiter` overall and one per chat (kept in a
bounded LRU dict), and the pause a 429 sets for the whole sender."""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from aiolimiter import AsyncLimiter


class Pacer:
    def __init__(
        self,
        *,
        rate_overall: float,
        overall_burst: int,
        rate_per_chat: float,
        per_chat_burst: int,
        max_chat_limiters: int,
    ) -> None:
        self.rate_per_chat = rate_per_chat
        self.per_chat_burst = max(1, per_chat_burst)
        # A small bucket: a second holds at most about rate + burst calls, and a call that
        # starts a little late (a busy event loop) is made up for instead of lost.
        burst = max(1, overall_burst)
        self.overall = AsyncLimiter(burst, burst / rate_overall)
        self._chats: OrderedDict[int, AsyncLimiter] = OrderedDict()
        self._max_chat_limiters = max_chat_limiters
        self.paused_until = 0.0  # event-loop time; set by a 429

    def chat(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            burst = self.per_chat_burst
            limiter = AsyncLimiter(burst, burst / self.rate_per_chat)
            self._chats[chat_id] = limiter
            while len(self._chats) > self._max_chat_limiters:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return limiter

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody calls for `seconds`."""
        loop_now = asyncio.get_running_loop().time()
        self.paused_until = max(self.paused_until, loop_now + seconds)

    def pause_left(self) -> float:
        return self.paused_until - asyncio.get_running_loop().time()

    async def wait_pause(self) -> None:
        """Sleep out a pause set by a 429 (the callers check again after each limiter)."""
        wait = self.paused_until - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)
