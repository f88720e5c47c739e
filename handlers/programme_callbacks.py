"""The callback data of /figures' period buttons, defined once: `"pr:<period code>"` (the codes
of `programme_report.PERIODS`), drawn and routed by handlers/programme.py. The strings never
change, so that buttons already in people's chats keep working."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.notifications import presses
from bot.services.errors import NotFound

PREFIX = "pr"


@dataclass(frozen=True)
class Period(presses.Press):
    """The report of one period; the service checks the code (an unknown one is refused)."""

    PREFIX = PREFIX
    code: str


def period_code(args: Sequence[str]) -> str:
    """The code a press names (the parts after the prefix); "" for a malformed press, which the
    service refuses as an unknown period."""
    try:
        return Period.unpack(args).code
    except NotFound:
        return ""
