"""The callback data of the form-of-address buttons (onboarding and /language), defined once:
`"ad:<code>"` with a code of `start_views.ADDRESS_CODES` (`f`, `m`, `n`); drawn by
handlers/start_views.py and routed by handlers/start.py. The strings never change, so that
buttons already in people's chats keep working."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.notifications import presses
from bot.services.errors import NotFound

ADDRESS_PREFIX = "ad"


@dataclass(frozen=True)
class Address(presses.Press):
    """How the person wants to be addressed; the handler checks the code."""

    PREFIX = ADDRESS_PREFIX
    code: str


def address_code(args: Sequence[str]) -> str:
    """The code a press names (the parts after the prefix); "" for a malformed press, which the
    handler refuses as an unknown code."""
    try:
        return Address.unpack(args).code
    except NotFound:
        return ""
