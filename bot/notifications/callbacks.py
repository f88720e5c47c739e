"""What the callback data of every feature's buttons shares: Telegram's 64-byte limit, ids
carried as untrusted text, and the one prefix of the "Show the whole text" button of a card cut
to Telegram's length (each feature adds its own kind after it)."""

from __future__ import annotations

from bot.services.errors import NotFound

MAX_BYTES = 64  # Telegram's limit on callback data
WHOLE_PREFIX = "whole"


def checked(data: str) -> str:
    """`data`, refused when it is over Telegram's limit."""
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes")
    return data


def join(*parts: object) -> str:
    """The parts joined with ":", checked against the limit."""
    return checked(":".join(str(p) for p in parts))


def callback_id(arg: str) -> int:
    """An id carried by a button: untrusted, so a malformed one is refused like a record the
    presser may not see."""
    try:
        return int(arg)
    except ValueError:
        raise NotFound("malformed id") from None
