"""Flood control: Telegram answers 429 "Too Many Requests: retry after N" when a bot sends too fast.

Algorithm (per bot):

* overall: a sliding window of ``window`` seconds (default 1 s) holding at most
  ``global_per_second`` (default 30) messages, across all chats;
* per chat: a token bucket holding at most ``per_chat_burst`` tokens (default 3),
  refilled at ``per_chat_per_second`` tokens per second (default 1). Each message takes a
  token; with no token left the call is refused.

``retry_after`` is the whole number of seconds (at least 1) until the call would be
accepted. Refused calls do not count. Only message-creating methods count (sendMessage,
sendDocument, sendPhoto, copyMessage, forwardMessage); edits count only when
``count_edits`` is set (Telegram limits edits separately and more leniently).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .errors import too_many_requests


@dataclass(frozen=True)
class FloodLimits:
    enabled: bool = True
    global_per_second: int = 30
    window: float = 1.0
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    count_edits: bool = False

    @classmethod
    def off(cls) -> FloodLimits:
        return cls(enabled=False)


class FloodControl:
    """Tracks one bot's sending rate against FloodLimits, on an injectable monotonic clock."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self._recent: deque[float] = deque()
        self._buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, last refill time)

    def check(self, chat_id: int) -> None:
        """Account one message to ``chat_id`` or raise ApiError 429."""
        limits = self.limits
        if not limits.enabled:
            return
        now = self.clock()
        recent = self._recent
        while recent and recent[0] <= now - limits.window:
            recent.popleft()
        if len(recent) >= limits.global_per_second:
            raise too_many_requests(max(1, math.ceil(recent[0] + limits.window - now)))
        tokens, last = self._buckets.get(chat_id, (float(limits.per_chat_burst), now))
        tokens = min(
            float(limits.per_chat_burst), tokens + (now - last) * limits.per_chat_per_second
        )
        if tokens < 1.0:
            raise too_many_requests(max(1, math.ceil((1.0 - tokens) / limits.per_chat_per_second)))
        self._buckets[chat_id] = (tokens - 1.0, now)
        recent.append(now)

    def reset(self) -> None:
        self._recent.clear()
        self._buckets.clear()
