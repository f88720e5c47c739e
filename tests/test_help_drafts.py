"""The help buttons' callback data and the help conversations' drafts, typed: the strings old
buttons carry still parse, nothing over Telegram's 64 bytes is drawn, a draft written in the
old shape goes on and one that cannot be read is dropped cleanly."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.notifications import help_callbacks as cb
from bot.services import drafts
from bot.services.errors import NotFound
from domain import HelpKind, Role
from emulator import Emulator, FloodLimits
from handlers.help_drafts import AskDraft, ReplyDraft
from storage.db import Database
from storage.models import Draft, HelpRequest
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram

# --- callback data ---------------------------------------------------------------------------

OLD_BUTTONS = {  # the data buttons already sent carry
    "hp:r:12": cb.Reply(12),
    "hp:c:12": cb.Close(12),
    "hp:n": cb.NeedHelp(),
    "hp:k:p": cb.ChooseKind(HelpKind.PRACTICAL),
    "hp:k:r": cb.ChooseKind(HelpKind.RELATIONSHIP),
    "hp:k:s": cb.ChooseKind(HelpKind.SUPPORT),
    "hp:m:7": cb.ChooseMatch(7),
    "hp:q:talk": cb.Preset("talk"),
    "hp:go": cb.Resume(),
    "hp:new": cb.StartOver(),
}


@pytest.mark.parametrize("data", sorted(OLD_BUTTONS))
def test_old_button_data_parses_and_is_drawn_the_same(data: str) -> None:
    press = OLD_BUTTONS[data]
    assert cb.unpack(data) == press
    assert press.pack() == data
    assert cb.parse(data.split(":")[1:]) == press


def test_the_whole_text_button_keeps_its_shared_prefix() -> None:
    assert cb.WholeText(345).pack() == "whole:hm:345"
    assert cb.whole_data(345) == "whole:hm:345"


@pytest.mark.parametrize(
    "data", ["hp:x:1", "hp:r:one", "hp:c:", "hp:k:z", "hp:m:1e3", "hp", "cn:r:1", ""]
)
def test_forged_or_malformed_data_is_refused(data: str) -> None:
    with pytest.raises(NotFound):
        cb.unpack(data)


def test_nothing_over_64_bytes_is_drawn_or_read() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        cb.Preset("ü" * 40).pack()  # 80 bytes
    with pytest.raises(ValueError, match="64 bytes"):
        cb.unpack("hp:r:" + "1" * 60)
    assert len(cb.Reply(2**63 - 1).pack().encode()) <= cb.MAX_BYTES


# --- drafts, as values -----------------------------------------------------------------------


def test_drafts_round_trip_through_the_row_data() -> None:
    ask = AskDraft(kind=HelpKind.SUPPORT, match_id=4, family="Haddad")
    assert ask.to_data() == {"kind": "support", "match_id": 4, "family": "Haddad"}
    assert AskDraft.from_data(ask.to_data()) == ask
    assert AskDraft.from_data({}) == AskDraft()
    assert AskDraft(kind=HelpKind.MENTEE).mentor_kind is None
    assert ask.mentor_kind == HelpKind.SUPPORT
    assert ReplyDraft.from_data(ReplyDraft(9).to_data()) == ReplyDraft(9)


def test_old_draft_rows_load() -> None:
    # As the conversations wrote them before the drafts were typed (an id could come back as
    # a string from older rows).
    assert AskDraft.from_data({"kind": "practical"}) == AskDraft(kind=HelpKind.PRACTICAL)
    assert AskDraft.from_data({"kind": "mentee"}) == AskDraft(kind=HelpKind.MENTEE)
    assert AskDraft.from_data(
        {"kind": "relationship", "match_id": "3", "family": "Petrenko"}
    ) == AskDraft(HelpKind.RELATIONSHIP, 3, "Petrenko")
    assert ReplyDraft.from_data({"request_id": "12"}) == ReplyDraft(12)


@pytest.mark.parametrize(
    "data", [{"kind": "gossip"}, {"kind": "practical", "match_id": "seven"}, {"m": 1, "k": "p"}]
)
def test_unreadable_ask_drafts_are_none_or_empty(data: dict[str, object]) -> None:
    found = AskDraft.from_data(data)
    assert found is None or found.kind is None


@pytest.mark.parametrize("data", [{}, {"request_id": None}, {"request_id": "x"}, {"rid": 3}])
def test_unreadable_reply_drafts_are_none(data: dict[str, object]) -> None:
    assert ReplyDraft.from_data(data) is None


# --- drafts, in a conversation ---------------------------------------------------------------


@dataclass
class Cast:
    marta: TgPerson  # mentor, one match
    match_id: int


@pytest.fixture
async def cast(tg: Telegram, emulator: Emulator, db: Database, clock: ManualClock) -> Cast:
    emulator.set_flood_limits(FloodLimits.off())
    marta = tg.user("Marta", language_code="en")
    wendy = tg.user("Wendy", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy", telegram_id=wendy.id)
        mentor = await b.person(org, Role.MENTOR, "Marta", telegram_id=marta.id)
        match = await b.match(await b.family(org, "Haddad"), [mentor], worker)
    await marta.send("/start")
    await marta.next_message()
    return Cast(marta, match.id)


async def _plant(db: Database, clock: ManualClock, tid: int, data: dict[str, object]) -> None:
    async with db.transaction() as s:
        await drafts.save(s, tid, AskDraft.FLOW, "text", data, clock.now())


async def _requests(db: Database) -> int:
    async with db.transaction() as s:
        return int((await s.execute(select(func.count()).select_from(HelpRequest))).scalar_one())


async def test_a_draft_in_the_old_shape_goes_on(
    cast: Cast, db: Database, clock: ManualClock
) -> None:
    data: dict[str, object] = {
        "kind": "practical",
        "match_id": str(cast.match_id),
        "family": "Haddad",
    }
    await _plant(db, clock, cast.marta.id, data)
    await cast.marta.send("Where do I take the school form?")
    assert "Sent to" in (await cast.marta.next_message()).text
    assert await _requests(db) == 1


async def test_a_draft_that_cannot_be_read_is_dropped_and_begun_again(
    cast: Cast, db: Database, clock: ManualClock
) -> None:
    await _plant(db, clock, cast.marta.id, {"kind": "gossip", "m": 3})
    await cast.marta.send("Where do I take the school form?")
    again = await cast.marta.next_message()
    assert "What do you need help with?" in again.text  # asked afresh, nothing half-sent
    assert await _requests(db) == 0
    async with db.transaction() as s:
        row = (await s.execute(select(Draft))).scalar_one()
    assert (row.flow, row.state, row.data) == (AskDraft.FLOW, "kind", {})
