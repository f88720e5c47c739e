"""The digest's batch counts and marks the day (`bot.services.digest.digest_batch`) and renders
nothing; `bot.notifications.digest` draws what each reader gets, the same text and chart, in
their language, with the same keys as before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import charts
from bot.clock import ManualClock
from bot.i18n import translator
from bot.notifications import digest as digest_notices
from bot.services import digest
from storage.db import Database
from storage.models import DigestRun, Meeting, OutboxMessage, Person, Role
from tests.factories import building

ES = translator("es")


@pytest.fixture(autouse=True)
def _quick_chart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "bar_chart", lambda **kw: b"\x89PNG" + str(kw["title"]).encode())


async def _world(db: Database, clock: ManualClock) -> dict[str, int]:
    now = clock.now()
    async with building(db, now) as b:
        org = await b.org(digest_weekday=now.weekday(), digest_hour=0, timezone="UTC")
        wendy = await b.person(org, Role.WORKER, "Wendy", telegram_id=9501, locale="es")
        nora = await b.person(org, Role.WORKER, "Nora", telegram_id=9502)
        mentor = await b.person(org, Role.MENTOR, "Ana")
        match = await b.match(await b.family(org, "Haddad"), [mentor], wendy)
        for days in (1, 3):
            b.session.add(Meeting(match_id=match.id, mentor_id=mentor.id, duration_minutes=45,
                                  occurred_on=now.date() - timedelta(days=days), created_at=now,
                                  updated_at=now))  # fmt: skip
    return {"wendy": wendy.id, "nora": nora.id}


async def test_the_batch_counts_and_the_notifications_draw_and_queue(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock)
    now = clock.now()
    async with db.transaction() as s:
        found, last = await digest.digest_batch(s, now, 0, 100)
        assert last is None
        assert [d.person_id for d in found] == [ids["wendy"]]  # nothing to say to Nora
        assert found[0].day == now.date() and found[0].figures["meetings"] == 2
        runs = {r.person_id: r.sent for r in (await s.execute(select(DigestRun))).scalars()}
        assert runs == {ids["wendy"]: True, ids["nora"]: False}
        assert (await s.execute(select(OutboxMessage))).first() is None  # nothing queued yet
        wendy = await s.get(Person, ids["wendy"])
        assert wendy is not None
        composed = await digest_notices.compose(s, wendy, now)
        assert await digest_notices.queue(s, now, found) == 2
        rows = list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())
    key = f"digest:{ids['wendy']}:{now.date().isoformat()}"
    assert [(m.person_id, m.kind, m.dedupe_key) for m in rows] == [
        (ids["wendy"], "digest", key),
        (ids["wendy"], "digest_chart", f"{key}:chart"),
    ]
    assert rows[0].text == composed.text == digest_notices.render(ES, wendy, found[0].figures)
    assert ES.gettext("<b>Your week: your caseload</b>") in rows[0].text
    assert rows[1].document == composed.chart
    assert rows[1].document == b"\x89PNG" + ES.gettext("Meetings per week, last 12 weeks").encode()


@pytest.mark.parametrize("role", [Role.WORKER, Role.COORDINATOR])
def test_there_is_something_to_say_exactly_when_the_text_says_something(role: Role) -> None:
    keys = digest.HAPPENED + digest.NEEDS + ("minutes",)
    staff = Person(role=role, name="X")
    nothing = dict.fromkeys(keys, 0)
    assert not digest.has_news(nothing) and digest_notices.render(ES, staff, nothing) == ""
    for key in keys:
        f = {**nothing, key: 3}
        assert digest.has_news(f) == bool(digest_notices.render(ES, staff, f)), key
