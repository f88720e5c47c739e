"""Quiet matches in /pending: a worker sees her own, a coordinator the organisation's, each
with a button that opens the match's card; a mentor's /pending is not touched."""

from __future__ import annotations

from bot.clock import ManualClock
from bot.i18n import translator
from storage.db import Database
from tests.harness import Telegram
from tests.test_caseload import _no_flood_limits, make_world  # noqa: F401 (fixture)

ES = translator("es")


def _plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


async def test_quiet_matches_are_pending_for_their_worker_and_the_coordinator(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world = await make_world(db, clock, tg)
    await world.wendy.send("/pending")
    mine = await world.wendy.next_message()
    text = _plain(mine.text)
    assert ES.gettext("Quiet matches") in text
    since = ES.ngettext("last meeting %(n)s day ago", "last meeting %(n)s days ago", 50)
    assert f"Quiet: {since % {'n': '50'}}" in text
    assert "Waltsfamily" not in text  # another worker's match
    await world.wendy.press_data(f"mt:{world.ids['Quiet']}", mine)
    card = await world.wendy.next_message()
    assert "Quiet" in _plain(card.text)

    await world.cora.send("/pending")
    theirs = _plain((await world.cora.next_message()).text)
    assert "Quiet matches" in theirs
    assert "Waltsfamily: last meeting 60 days ago" in theirs
    assert theirs.index("Waltsfamily") < theirs.index("Quiet:")  # needing attention first
