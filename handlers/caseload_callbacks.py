"""The callback data of /matches' filter and page buttons, defined once: `"ml:<filter>:<page>"`,
drawn and routed by handlers/caseload.py. The strings never change, so that buttons already in
people's chats keep working."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.notifications import presses
from bot.services.caseload import Filter
from bot.services.errors import NotFound

PREFIX = "ml"


@dataclass(frozen=True)
class ListPage(presses.Press):
    """A page (from 0) of the reader's list, narrowed to `filter`."""

    PREFIX = PREFIX
    filter: Filter
    page: int


def parse(args: Sequence[str]) -> ListPage:
    """A press from the parts after the prefix; `NotFound` for a malformed one (a negative page
    too)."""
    press = ListPage.unpack(args)
    if press.page < 0:
        raise NotFound("negative page")
    return press
