"""The callback data of the button that opens a match's card for staff (`mt:<match>`, routed
by `handlers.matches`), drawn and read through one typed press. The string never changes, so
that buttons already in people's chats keep working."""

from __future__ import annotations

from dataclasses import dataclass

from bot.notifications import presses

MATCH_PREFIX = "mt"


@dataclass(frozen=True)
class OpenMatch(presses.Press):
    PREFIX = MATCH_PREFIX
    match_id: int


def open_match(match_id: int) -> str:
    """The callback data of a button that opens match `match_id`'s card."""
    return OpenMatch(match_id).pack()
