"""The mentor support signal: per mentor, help requests, the wait for an answer, concerns and
quiet matches over 90 days; flagged above the organisation's thresholds, with a suggestion,
in /mentors and in the coordinator's digest; coordinators only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.i18n import translator
from bot.notifications import digest as digest_notices
from bot.services import admin, caseload, digest, support
from bot.services.caseload import Filter
from bot.services.errors import Invalid, NotAllowed
from bot.services.support import Suggestion
from emulator import Emulator, FloodLimits
from storage.db import Database
from storage.models import (
    Concern,
    ConcernCategory,
    HelpKind,
    HelpMessage,
    HelpRequest,
    Meeting,
    Organisation,
    Person,
    Role,
    Severity,
)
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram
from tests.test_cli import Cli, env, run  # noqa: F401 (fixtures)

ES = translator("es")


@pytest.fixture(autouse=True)
def _no_flood_limits(emulator: Emulator) -> None:
    emulator.set_flood_limits(FloodLimits.off())


@dataclass
class World:
    ids: dict[str, int]
    cora: TgPerson | None = None
    wendy: TgPerson | None = None


async def make_world(db: Database, clock: ManualClock, tg: Telegram | None = None) -> World:
    """Ana asked for help four times (the first answered after 60 hours, one never) and raised
    two concerns; Ben's two matches are quiet; Carla is fine; Dora's help request is older
    than 90 days."""
    c = tg.user("Cora", language_code="es") if tg else None
    w = tg.user("Wendy") if tg else None
    now = clock.now()
    today = now.date()
    async with building(db, now) as b:
        org = await b.org()
        cora = await b.person(org, Role.COORDINATOR, "Cora", locale="es",
                              telegram_id=c.id if c else None)  # fmt: skip
        wendy = await b.person(org, Role.WORKER, "Wendy", telegram_id=w.id if w else None)
        ana = await b.person(org, Role.MENTOR, "Ana")
        ben = await b.person(org, Role.MENTOR, "Ben")
        carla = await b.person(org, Role.MENTOR, "Carla")
        dora = await b.person(org, Role.MENTOR, "Dora")
        s = b.session
        a_match = await b.match(await b.family(org, "A"), [ana], wendy,
                                started_on=today - timedelta(days=60))  # fmt: skip
        c_match = await b.match(await b.family(org, "C"), [carla, dora], wendy,
                                started_on=today - timedelta(days=60))  # fmt: skip
        for match in (a_match, c_match):
            s.add(Meeting(match_id=match.id, mentor_id=ana.id, duration_minutes=60,
                          occurred_on=today - timedelta(days=2), created_at=now,
                          updated_at=now))  # fmt: skip
        for name in ("B1", "B2"):
            await b.match(await b.family(org, name), [ben], wendy,
                          started_on=today - timedelta(days=30))  # fmt: skip
        for days, answer_after in ((80, 60), (40, 10), (20, 2), (5, None)):
            asked = now - timedelta(days=days)
            req = HelpRequest(organisation_id=org.id, match_id=a_match.id, requester_id=ana.id,
                              worker_id=wendy.id, kind=HelpKind.PRACTICAL, created_at=asked)  # fmt: skip
            s.add(req)
            await s.flush()
            s.add(HelpMessage(help_request_id=req.id, author_id=ana.id, text="q",
                              created_at=asked))  # fmt: skip
            if answer_after is not None:
                s.add(HelpMessage(help_request_id=req.id, author_id=wendy.id, text="a",
                                  created_at=asked + timedelta(hours=answer_after)))  # fmt: skip
        s.add(HelpRequest(organisation_id=org.id, match_id=c_match.id, requester_id=dora.id,
                          worker_id=wendy.id, kind=HelpKind.PRACTICAL,
                          created_at=now - timedelta(days=100)))  # fmt: skip
        for days in (3, 30):
            s.add(Concern(organisation_id=org.id, match_id=a_match.id, raised_by_id=ana.id,
                          category=ConcernCategory.HOUSING, severity=Severity.MEDIUM,
                          description="x", assigned_worker_id=wendy.id,
                          raised_at=now - timedelta(days=days)))  # fmt: skip
        ids = {"org": org.id, "cora": cora.id, "wendy": wendy.id, "ana": ana.id, "ben": ben.id,
               "carla": carla.id, "dora": dora.id}  # fmt: skip
    world = World(ids, c, w)
    for person in (c, w):
        if person is not None:
            await person.send("/start")
            await person.next_message()
    return world


async def _staff(db: Database, person_id: int) -> Person:
    async with db.transaction() as s:
        person = await s.get(Person, person_id)
        assert person is not None
        return person


async def test_flagged_mentors_their_figures_and_suggestions(
    db: Database, clock: ManualClock
) -> None:
    world = await make_world(db, clock)
    now = clock.now()
    async with db.transaction() as s:
        cora = await s.get(Person, world.ids["cora"])
        assert cora is not None
        found = await support.signals(s, cora, now)
        everyone = await support.signals(s, cora, now, flagged_only=False)
    assert found.thresholds == support.DEFAULTS
    assert [m.name for m in found.mentors] == ["Ana", "Ben"]
    ana, ben = found.mentors
    # 4 requests in 90 days; waits 60, 10, 2 hours and 5 days (120 h, unanswered): mean 48.
    assert (ana.help, ana.wait_hours, ana.concerns, ana.quiet) == (4, 48, 2, 0)
    assert ana.over == {"help", "wait_hours", "concerns"} and ana.suggestion == Suggestion.CALL
    assert (ben.help, ben.wait_hours, ben.quiet) == (0, None, 2)
    assert ben.over == {"quiet"} and ben.suggestion == Suggestion.GROUP
    by_name = {m.name: m for m in everyone.mentors}
    assert by_name["Dora"].help == 0 and not by_name["Dora"].over  # 100 days ago: outside
    assert not by_name["Carla"].over

    # The organisation's own thresholds.
    async with db.transaction() as s:
        await admin.set_org(s, now, world.ids["org"], support_thresholds="help=5,quiet=3")
        with pytest.raises(Invalid):
            support.check_thresholds("help=0")
        with pytest.raises(Invalid):
            support.check_thresholds("sadness=2")
    async with db.transaction() as s:
        cora = await s.get(Person, world.ids["cora"])
        assert cora is not None
        found = await support.signals(s, cora, now)
        org = await s.get(Organisation, world.ids["org"])
        assert org is not None and org.support_thresholds == {"help": 5, "quiet": 3}
    assert [m.name for m in found.mentors] == ["Ana"]
    assert found.mentors[0].over == {"wait_hours", "concerns"}

    # The digest counts quiet matches as /matches' quiet filter does.
    async with db.transaction() as s:
        for person_id in (world.ids["cora"], world.ids["wendy"]):
            staff = await s.get(Person, person_id)
            assert staff is not None
            listed = await caseload.page_of(s, staff, now, tz="UTC", filter=Filter.QUIET)
            assert listed.total == 2
            assert (await digest.figures(s, staff, now, "UTC"))["quiet"] == listed.total

    # Workers are not told (a coordinator's view), and their digest has no such line.
    async with db.transaction() as s:
        wendy = await s.get(Person, world.ids["wendy"])
        assert wendy is not None
        with pytest.raises(NotAllowed):
            await support.signals(s, wendy, now)
        assert (await digest.figures(s, wendy, now, "UTC"))["support"] == 0


async def test_a_coordinator_sees_the_flagged_mentor_in_mentors_and_the_digest(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world = await make_world(db, clock, tg)
    assert world.cora is not None and world.wendy is not None
    await world.cora.send("/mentors")
    shown = await world.cora.next_message()
    text = shown.text.replace("\u2068", "").replace("\u2069", "")
    assert ES.gettext("Suggestion: a supervision call with them.") in text
    assert ES.gettext("Suggestion: invite them to a group session with other mentors.") in text
    assert text.index("Ana") < text.index("Ben") and "Carla" not in text
    help_line = ES.ngettext("%(n)s help request", "%(n)s help requests", 4) % {"n": "4"}
    assert f"⚠️ {help_line}" in text

    await world.wendy.send("/mentors")
    assert "not available" in (await world.wendy.next_message()).text

    async with db.transaction() as s:
        cora = await s.get(Person, world.ids["cora"])
        assert cora is not None
        composed = await digest_notices.compose(s, cora, clock.now())
    line = ES.ngettext(
        "%(n)s mentor who may need support (send /mentors)",
        "%(n)s mentors who may need support (send /mentors)",
        2,
    ) % {"n": "2"}
    assert line in composed.text


async def test_a_coordinators_chart_has_the_open_matches_and_the_whole_programme(
    db: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import charts
    from storage.models import Match, MatchStatus

    world = await make_world(db, clock)
    async with db.transaction() as s:
        # An ended match's meetings count for the programme, not for the open matches.
        ended = (await s.execute(select(Match).order_by(Match.id))).scalars()
        first = next(iter(ended))
        first.status = MatchStatus.CLOSED
    drawn: list[dict[str, object]] = []

    def fake_chart(**kw: object) -> bytes:
        drawn.append(kw)
        return b"\x89PNG"

    monkeypatch.setattr(charts, "bar_chart", fake_chart)
    async with db.transaction() as s:
        cora = await s.get(Person, world.ids["cora"])
        wendy = await s.get(Person, world.ids["wendy"])
        assert cora is not None and wendy is not None
        await digest_notices.compose(s, cora, clock.now())
        await digest_notices.compose(s, wendy, clock.now())
    coordinator, worker = drawn
    labels = [series.label for series in coordinator["series"]]  # type: ignore[attr-defined]
    assert labels == [ES.gettext("Open matches"), ES.gettext("The whole programme")]
    open_now, programme = (list(x.values) for x in coordinator["series"])  # type: ignore[attr-defined]
    assert sum(programme) == 2 and sum(open_now) == 1  # one of the two meetings: an ended match
    assert [x.label for x in worker["series"]] == ["Your caseload"]  # type: ignore[attr-defined]


async def test_the_cli_sets_the_thresholds(
    run: Cli,  # noqa: F811 (the fixture of tests/test_cli.py)
    db: Database,
    clock: ManualClock,
) -> None:
    async with building(db, clock.now()) as b:
        org_id = (await b.org()).id
    await run.ok("org", "set", str(org_id), "--support-thresholds", "help=5,wait-hours=24")
    await run.ok("org", "set", str(org_id), "--support-thresholds", "quiet=3")
    await run.fails(
        "org", "set", str(org_id), "--support-thresholds", "help=0", reason="between 1 and 100"
    )
    await run.fails(
        "org", "set", str(org_id), "--support-thresholds", "mood=2", reason="unknown threshold"
    )
    async with db.transaction() as s:
        org = await s.get(Organisation, org_id)
        assert org is not None
        assert support.thresholds(org) == {"help": 5, "wait_hours": 24, "concerns": 2, "quiet": 3}
