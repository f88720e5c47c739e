"""The relay says what happened (`RelaySent`, `RelayAnswered`, `RelayedToFamily`) and queues
nothing itself; the bus turns each event into the messages the relay queued before: a header
line in each reader's language, then the copy (with the Reply button for the mentors), the
notice to the other mentors, the ready-made phrase in each member's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.i18n import Translator, isolate, translator
from bot.notifications import bus
from bot.notifications.relay import PHRASES
from bot.services import events, relay
from domain.events import RelayAnswered, RelayedToFamily, RelaySent
from storage.db import Database
from storage.models import OutboxMessage, Person, Role
from tests.factories import building

EN, CA, ES, AR = translator("en"), translator("ca"), translator("es"), translator("ar")


async def _world(db: Database, now: datetime) -> dict[str, int]:
    ids = iter(range(9301, 9400))
    async with building(db, now) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Laura", telegram_id=next(ids), locale="es")
        tom = await b.person(org, Role.MENTOR, "Tom", telegram_id=next(ids))
        marta = await b.person(org, Role.MENTOR, "Marta", telegram_id=next(ids), locale="ca")
        nil = await b.person(org, Role.MENTOR, "Nil")  # not linked: cannot be reached
        family = await b.family(org, "Haddad")
        amal = await b.person(
            org, Role.MENTEE, "Amal", telegram_id=next(ids), locale="ar", family=family
        )
        sami = await b.person(
            org, Role.MENTEE, "Sami", telegram_id=next(ids), locale="es", family=family
        )
        match = await b.match(family, [tom, marta, nil], worker)
    return {
        "worker": worker.id, "tom": tom.id, "marta": marta.id, "nil": nil.id,
        "amal": amal.id, "sami": sami.id, "match": match.id,
    }  # fmt: skip


async def _person(s: AsyncSession, person_id: int) -> Person:
    found = await s.get(Person, person_id)
    assert found is not None
    return found


async def _queued(s: AsyncSession) -> list[tuple[int, str, str, Any, Any]]:
    rows = (await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars()
    return [(m.person_id, m.kind, m.text, m.buttons, m.copy_message_id) for m in rows]


def _reply(tr: Translator, relay_id: int) -> list[list[list[str]]]:
    return [[[tr.gettext("Reply to %(name)s") % {"name": "Amal"}, f"rl:a:{relay_id}"]]]


async def test_a_message_sent_to_the_mentors_is_a_header_and_a_copy_for_each(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock.now())
    async with db.transaction() as s:
        amal = await _person(s, ids["amal"])
        offered = await relay.offer(s, clock.now(), amal, chat_id=77, message_id=5, kind="text")
        assert offered is not None
        done = await relay.send(s, clock.now(), amal, offered.relay_id, relay.MENTORS)
        assert done.reached == ["Marta", "Tom"] and done.unreached == [("Nil", None)]
        assert events.recorded(s) == [
            RelaySent(
                offered.relay_id,
                addressed=(ids["marta"], ids["nil"], ids["tom"]),
                told=(ids["marta"], ids["tom"]),
            )
        ]
        assert await _queued(s) == []  # the service queued nothing itself
        await bus.dispatch(s)
        queued = await _queued(s)
    rid = offered.relay_id
    shared = "Message from %(name)s to you and %(others)s, in %(language)s:"

    def header(tr: Translator, others: list[str]) -> str:
        return tr.gettext(shared) % {
            "name": isolate("Amal"),
            "language": tr.language("ar"),
            "others": tr.join([isolate(o) for o in others]),
        }

    assert queued == [
        (ids["marta"], "relay", header(CA, ["Nil", "Tom"]), None, None),
        (ids["marta"], "relay", "", _reply(CA, rid), 5),
        (ids["tom"], "relay", header(EN, ["Marta", "Nil"]), None, None),
        (ids["tom"], "relay", "", _reply(EN, rid), 5),
    ]


async def test_a_message_to_the_office_names_the_family(db: Database, clock: ManualClock) -> None:
    ids = await _world(db, clock.now())
    async with db.transaction() as s:
        amal = await _person(s, ids["amal"])
        offered = await relay.offer(s, clock.now(), amal, chat_id=77, message_id=6, kind="voice")
        assert offered is not None
        await relay.send(s, clock.now(), amal, offered.relay_id, relay.OFFICE)
        await bus.dispatch(s)
        queued = await _queued(s)
    office = "Message from %(name)s (%(family)s family) to the office, in %(language)s:"
    text = ES.gettext(office) % {
        "name": isolate("Amal"), "language": ES.language("ar"), "family": isolate("Haddad"),
    }  # fmt: skip
    assert queued == [
        (ids["worker"], "relay", text, None, None),
        (ids["worker"], "relay", "", _reply(ES, offered.relay_id), 6),
    ]


async def test_an_answer_goes_back_and_the_other_mentors_hear_of_it(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock.now())
    async with db.transaction() as s:
        amal = await _person(s, ids["amal"])
        offered = await relay.offer(s, clock.now(), amal, chat_id=77, message_id=5, kind="text")
        assert offered is not None
        await relay.send(s, clock.now(), amal, offered.relay_id, relay.MENTORS)
        await bus.dispatch(s)
    async with db.transaction() as s:
        tom = await _person(s, ids["tom"])
        done = await relay.answer(
            s, clock.now(), tom, offered.relay_id, chat_id=88, message_id=9, kind="text"
        )
        assert done.reached and done.later is None
        [event] = events.recorded(s)
        assert isinstance(event, RelayAnswered)
        assert (event.mentee_told, event.mentors) == (True, (ids["marta"],))  # Nil: unreachable
        before = len(await _queued(s))
        await bus.dispatch(s)
        queued = (await _queued(s))[before:]
    answer = AR.gettext("Answer from %(name)s, in %(language)s:") % {
        "name": isolate("Tom"), "language": AR.language("en"),
    }  # fmt: skip
    co = CA.gettext("%(mentor)s answered %(name)s's message.") % {
        "mentor": isolate("Tom"), "name": isolate("Amal"),
    }  # fmt: skip
    assert queued == [
        (ids["amal"], "relay", answer, None, None),
        (ids["amal"], "relay", "", None, 9),
        (ids["marta"], "relay_answered", co, None, None),
    ]


async def test_a_phrase_reaches_each_member_in_their_language(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock.now())
    async with db.transaction() as s:
        tom = await _person(s, ids["tom"])
        done = await relay.to_family(s, clock.now(), tom, ids["match"], phrase=1)
        assert done.reached == ["Amal", "Sami"]
        assert events.recorded(s) == [
            RelayedToFamily(ids["match"], ids["tom"], (ids["amal"], ids["sami"]), phrase=1)
        ]
        await bus.dispatch(s)
        queued = await _queued(s)

    def phrase(tr: Translator) -> str:
        return (
            tr.gettext("Message from %(name)s:") % {"name": isolate("Tom")}
            + "\n"
            + tr.gettext("I am on my way.")
        )

    assert queued == [
        (ids["amal"], "relay_phrase", phrase(AR), None, None),
        (ids["sami"], "relay_phrase", phrase(ES), None, None),
    ]


async def test_a_mentors_own_message_is_copied_after_a_line_naming_its_language(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock.now())
    async with db.transaction() as s:
        marta = await _person(s, ids["marta"])
        await relay.to_family(s, clock.now(), marta, ids["match"], message=(66, 3, "photo"))
        [event] = events.recorded(s)
        assert isinstance(event, RelayedToFamily) and event.relay_id is not None
        assert event.phrase is None and event.told == (ids["amal"], ids["sami"])
        await bus.dispatch(s)
        queued = await _queued(s)

    def header(tr: Translator) -> str:
        return tr.gettext("Message from %(name)s, in %(language)s:") % {
            "name": isolate("Marta"), "language": tr.language("ca"),
        }  # fmt: skip

    assert queued == [
        (ids["amal"], "relay", header(AR), None, None),
        (ids["amal"], "relay", "", None, 3),
        (ids["sami"], "relay", header(ES), None, None),
        (ids["sami"], "relay", "", None, 3),
    ]


def test_there_are_as_many_phrases_as_the_service_allows() -> None:
    assert len(PHRASES) == relay.PHRASE_COUNT


def test_the_relay_and_digest_services_are_kept_from_rendering() -> None:
    # `lint-imports` (tests/test_import_contracts.py) checks it; here, that it stays declared.
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text("utf-8"))
    [contract] = [
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c.get("source_modules") == ["bot.services.relay", "bot.services.digest"]
    ]
    assert {"bot.notifications", "bot.i18n", "bot.charts"} <= set(contract["forbidden_modules"])
    assert "ignore_imports" not in contract
