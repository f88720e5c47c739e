"""What a call to Telegram came to, and the sender's counters."""

from __future__ import annotations

import os
import secrets
import socket
import warnings
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum

from telegram.error import Forbidden, RetryAfter


class Result(Enum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # 429: wait, not a failure
    RETRY = "retry"  # network error, timeout, 5xx: back off
    FAILED = "failed"  # bad request, or too many attempts
    UNREACHABLE = "unreachable"  # 403


@dataclass
class Outcome:
    result: Result
    telegram_message_id: int | None = None
    delay: float = 0.0  # seconds before the next try
    code: str = ""  # short code for logs
    error: str = ""  # Telegram's description, kept on the row
    reason: str = ""  # why a person is unreachable


@dataclass
class SenderStats:
    """Counters since start (for benchmarks and health checks)."""

    claimed: int = 0
    sent: int = 0
    retry_after: int = 0
    retries: int = 0
    failed: int = 0
    unreachable: int = 0
    recovered: int = 0
    held_back: int = 0
    codes: dict[str, int] = field(default_factory=dict)


def process_id() -> str:
    """Who claims: host, pid and a random part (a restarted process is someone else)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(3)}"


def unreachable_reason(error: Forbidden) -> str:
    text = error.message.lower()
    if "blocked" in text:
        return "blocked"
    if "deactivated" in text:
        return "deactivated"
    if "initiate" in text or "chat not found" in text:
        return "not_started"
    return "forbidden"


def retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    if isinstance(value, timedelta):
        return max(value.total_seconds(), 0.0)
    return max(float(value), 0.0)
