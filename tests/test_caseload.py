"""/matches through the emulator: a worker's caseload and a coordinator's organisation, paged,
filtered, sorted by the attention formula, each line opening the match card; forged presses
and other roles refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.i18n import translator
from bot.services import caseload
from bot.services.caseload import Filter
from emulator import Emulator, FloodLimits
from storage.db import Database
from storage.models import (
    Answer,
    Appointment,
    AppointmentAnswer,
    Concern,
    ConcernCategory,
    HelpKind,
    HelpRequest,
    Meeting,
    Person,
    ReportRequest,
    Role,
    Severity,
)
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram

ES = translator("es")
REFUSED = "Sorry, that is not available to you."


@pytest.fixture(autouse=True)
def _no_flood_limits(emulator: Emulator) -> None:
    emulator.set_flood_limits(FloodLimits.off())


@dataclass
class World:
    wendy: TgPerson  # worker, Spanish, 10 matches
    cora: TgPerson  # coordinator, English
    ana: TgPerson  # a mentor
    wendy_id: int
    cora_id: int
    ids: dict[str, int]  # family name -> match id


async def make_world(db: Database, clock: ManualClock, tg: Telegram) -> World:
    w = tg.user("Wendy", language_code="es")
    c, a = tg.user("Cora"), tg.user("Ana")
    now = clock.now()  # Monday 2 March 2026
    today = now.date()
    ids: dict[str, int] = {}
    async with building(db, now) as b:
        org = await b.org()
        wendy = await b.person(org, Role.WORKER, "Wendy", telegram_id=w.id, locale="es")
        walt = await b.person(org, Role.WORKER, "Walt")
        cora = await b.person(org, Role.COORDINATOR, "Cora", telegram_id=c.id)
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=a.id)
        s = b.session

        async def match(name: str, worker: Person, last_meeting_days: int | None) -> int:
            family = await b.family(org, name)
            m = await b.match(family, [ana], worker, started_on=today - timedelta(days=100))
            if last_meeting_days is not None:
                s.add(Meeting(match_id=m.id, mentor_id=ana.id, duration_minutes=90,
                              occurred_on=today - timedelta(days=last_meeting_days),
                              created_at=now, updated_at=now))  # fmt: skip
            ids[name] = m.id
            return m.id

        # Eight calm matches met this week (this month: 2 March is the 2nd).
        for i in range(7):
            await match(f"Calm{i}", wendy, 1)
        concern = await match("Concerned", wendy, 1)
        s.add(Concern(organisation_id=org.id, match_id=concern, raised_by_id=ana.id,
                      category=ConcernCategory.HOUSING, severity=Severity.MEDIUM,
                      description="x", assigned_worker_id=wendy.id, raised_at=now))  # fmt: skip
        await match("Quiet", wendy, 50)  # 50 days: 1 + (50 - 14) // 7 = 6
        late = await match("Late", wendy, 2)
        s.add(ReportRequest(match_id=late, mentor_id=ana.id,
                            requested_at=now - timedelta(days=10)))  # fmt: skip
        helped = await match("Helped", wendy, 3)
        s.add(HelpRequest(organisation_id=org.id, match_id=helped, requester_id=ana.id,
                          worker_id=wendy.id, kind=HelpKind.PRACTICAL, created_at=now))  # fmt: skip
        missed = await match("Missed", wendy, 5)
        for days, answer in ((3, Answer.CANNOT), (6, None), (9, Answer.COMING)):
            appt = Appointment(match_id=missed, created_by_id=ana.id, place="p",
                               starts_at=now - timedelta(days=days), created_at=now,
                               updated_at=now)  # fmt: skip
            s.add(appt)
            await s.flush()
            if answer is not None:
                s.add(AppointmentAnswer(appointment_id=appt.id, person_id=ana.id,
                                        answer=answer, answered_at=now))  # fmt: skip
        await match("Waltsfamily", walt, 60)
    for person in (w, c, a):
        await person.send("/start")
        await person.next_message()
    return World(w, c, a, wendy.id, cora.id, ids)


def _order(text: str) -> list[str]:
    """The families in the order the page lists them."""
    out = []
    for line in text.replace("\u2068", "").replace("\u2069", "").splitlines():
        if line.startswith(("No. ", "N.º ")) and " · " in line:
            out.append(line.split(" · ", 1)[1])
    return out


async def test_a_worker_pages_filters_and_opens_her_caseload(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world = await make_world(db, clock, tg)
    wendy = world.wendy
    await wendy.send("/matches")
    first = await wendy.next_message()
    order = _order(first.text)
    # Concern (10) > quiet 50 days (6) > help (5) > missed answers (2 × 2) > report overdue
    # 3 days (1) > the calm ones, by number.
    assert order[:5] == ["Concerned", "Quiet", "Helped", "Missed", "Late"], first.text
    assert len(order) == caseload.PAGE_SIZE
    assert "Waltsfamily" not in first.text  # Walt's caseload, not hers
    page = ES.gettext(
        "Page %(page)s of %(pages)s · %(total)s matches, those needing attention first"
    )
    assert page % {"page": "1", "pages": "2", "total": "12"} in first.text
    quiet = ES.ngettext("last meeting %(n)s day ago", "last meeting %(n)s days ago", 50)
    assert quiet % {"n": "50"} in first.text
    overdue = ES.ngettext("report overdue by %(n)s day", "report overdue by %(n)s days", 3)
    assert overdue % {"n": "3"} in first.text
    answers = ES.gettext(
        "family's answers: %(yes)s confirmed, %(no)s can't come, %(none)s no answer"
    )
    assert answers % {"yes": "1", "no": "1", "none": "1"} in first.text

    await wendy.press("▶️", first)
    second = await wendy.next_message()
    assert len(_order(second.text)) == 12 - caseload.PAGE_SIZE
    assert not set(_order(second.text)) & set(order)
    assert page % {"page": "2", "pages": "2", "total": "12"} in second.text

    await wendy.press(ES.gettext("Quiet"), second)
    quiet_page = await wendy.next_message()
    assert _order(quiet_page.text) == ["Quiet"]
    await wendy.press(ES.gettext("Report overdue"), quiet_page)
    assert _order((await wendy.next_message()).text) == ["Late"]
    await wendy.press(ES.gettext("Open concern"))
    concerned = await wendy.next_message()
    assert _order(concerned.text) == ["Concerned"]

    mid = world.ids["Concerned"]
    await wendy.press_data(f"mt:{mid}", concerned)
    card = await wendy.next_message()
    assert (
        "Concerned" in card.text and (ES.gettext("Open concerns: %(n)s") % {"n": "1"}) in card.text
    )


async def test_a_coordinator_sees_the_organisation_and_forgeries_are_refused(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world = await make_world(db, clock, tg)
    await world.cora.send("/matches")
    msg = await world.cora.next_message()
    assert "Page 1 of 2 · 13 matches, those needing attention first" in msg.text
    await world.cora.press("Quiet", msg)
    quiet = await world.cora.next_message()
    # Walt's match, quiet for 60 days (7 weeks), comes before Wendy's 50-day one (6).
    assert _order(quiet.text) == ["Waltsfamily", "Quiet"]

    wendy = world.wendy
    await wendy.send("/matches")
    mine = await wendy.next_message()
    # A list that does not exist, and another worker's match card.
    await wendy.press_forged("ml:z:0", mine)
    assert await wendy.answer() == ES.gettext(REFUSED)
    await wendy.press_forged(f"mt:{world.ids['Waltsfamily']}", mine)
    assert ES.gettext(REFUSED) in (await wendy.next_message()).text
    await wendy.press_forged("ml:a:99", mine)  # clamped to her own last page
    last = await wendy.next_message()
    assert "Waltsfamily" not in last.text and len(_order(last.text)) == 4

    await world.ana.send("/matches")
    assert "not available" in (await world.ana.next_message()).text


async def test_the_sql_ranking_is_the_documented_formula(db: Database, clock: ManualClock) -> None:
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER)
        mentor = await b.person(org, Role.MENTOR)
        for days in (0, 13, 14, 20, 21, 60, 200):
            fam = await b.family(org)
            await b.match(
                fam, [mentor], worker, started_on=clock.now().date() - timedelta(days=days)
            )
        worker_id = worker.id
    async with db.transaction() as s:
        staff = await s.get(Person, worker_id)
        assert staff is not None
        page = await caseload.page_of(s, staff, clock.now(), tz="UTC", page_size=50)
    assert len(page.lines) == 7
    for h in page.lines:
        assert h.attention == caseload.attention_score(
            open_concerns=h.open_concerns,
            open_help=h.open_help,
            unreachable=h.unreachable,
            answers_missed=h.answers_cannot + h.answers_none,
            quiet_days=h.quiet_days,
            quiet_after=14,
            report_overdue_days=h.report_overdue_days,
        )
    by_days = {h.quiet_days: h.attention for h in page.lines}
    assert by_days == {0: 0, 13: 0, 14: 1, 20: 1, 21: 2, 60: 7, 200: 12}
    # Highest first, ties by match number (the matches were made in this order of days).
    assert [h.quiet_days for h in page.lines] == [200, 60, 21, 14, 20, 0, 13]


def test_filters_travel_in_short_callback_data() -> None:
    from handlers.caseload import list_data

    for f in Filter:
        assert len(list_data(f, 10_000).encode()) <= 64
