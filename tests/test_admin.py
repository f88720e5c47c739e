"""The set-up services and the onboarding rules, on the database, without Telegram."""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.services import admin, appointments, concerns, help, importer, invites, onboarding
from bot.services.errors import Invalid, NotFound
from storage.db import Database
from storage.models import (
    AuditEvent,
    ConcernCategory,
    Consent,
    HelpKind,
    HelpRequest,
    Invite,
    Person,
    Reminder,
    ReminderKind,
    Role,
)
from tests.conftest import dispatching
from tests.factories import building


# pure rules ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("timezone", "region"),
    [("Europe/Madrid", "ES"), ("Europe/Kyiv", "UA"), ("Europe/Kiev", "UA"), ("UTC", None)],
)
def test_region_of_a_timezone(timezone: str, region: str | None) -> None:
    assert admin.region_of(timezone) == region


def test_phone_numbers() -> None:
    assert admin.check_phone("612 34 56 78", "ES") == "+34612345678"
    assert admin.check_phone("+44 20 7946 0018", "ES") == "+442079460018"
    assert admin.check_phone("", "ES") is None
    with pytest.raises(Invalid, match="country code"):
        admin.check_phone("612 34 56 78", None)
    with pytest.raises(Invalid):
        admin.check_phone("612 34", "ES")


def test_emergency_numbers() -> None:
    assert admin.check_emergency_phone(None, "ES") == "112"
    assert admin.check_emergency_phone("112", "ES") == "112"
    assert admin.check_emergency_phone("911", "US") == "911"
    with pytest.raises(Invalid):
        admin.check_emergency_phone("999999", "ES")


def test_tokens_fit_telegrams_start_parameter() -> None:
    pattern = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
    tokens = set()
    for _ in range(200):
        import secrets

        token = secrets.token_urlsafe(invites.TOKEN_BYTES)
        assert pattern.match(token)
        tokens.add(token)
    assert len(tokens) == 200
    assert invites.hash_token("abc") == hashlib.sha256(b"abc").hexdigest()
    assert invites.deep_link("@casal_bot", "t0k") == "https://t.me/casal_bot?start=t0k"


# invitations -----------------------------------------------------------------------------------
async def test_an_invitation_is_single_use_and_expires(db: Database, clock: ManualClock) -> None:
    async with building(db, clock.now()) as b:
        person = await b.person(await b.org(), Role.MENTOR, locale=None)
    async with dispatching(db) as session:
        issued = await invites.create(session, clock.now(), person.id, ttl_days=2)
        assert pattern_ok(issued.token)
        found = await invites.lookup(session, issued.token)
        assert found is not None and found.token_hash != issued.token
        valid = await invites.usable(session, found, clock.now())
        assert valid.person.id == person.id
        assert await invites.lookup(session, issued.token + "x") is None
    clock.advance(timedelta(days=2))
    async with dispatching(db) as session:
        found = await invites.lookup(session, issued.token)
        with pytest.raises(Invalid) as refused:
            await invites.usable(session, found, clock.now())
        assert refused.value.code == "expired"


def pattern_ok(token: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9_-]{32}", token) is not None


async def test_an_invitation_for_nobody_or_an_inactive_person(
    db: Database, clock: ManualClock
) -> None:
    async with building(db, clock.now()) as b:
        gone = await b.person(await b.org(), Role.MENTOR, active=False)
    async with dispatching(db) as session:
        with pytest.raises(NotFound):
            await invites.create(session, clock.now(), 4242)
        with pytest.raises(Invalid):
            await invites.create(session, clock.now(), gone.id)
        with pytest.raises(Invalid):
            await invites.create(session, clock.now(), gone.id, ttl_days=365)


# onboarding ------------------------------------------------------------------------------------
async def test_agreeing_links_once_and_audits(db: Database, clock: ManualClock) -> None:
    async with building(db, clock.now()) as b:
        person = await b.person(await b.org(), Role.MENTEE, locale=None)
    async with dispatching(db) as session:
        issued = await invites.create(session, clock.now(), person.id)
    async with dispatching(db) as session:
        opened = await onboarding.open_invite(session, clock.now(), issued.token, 555)
        assert opened.person_id == person.id and opened.role == Role.MENTEE
        linked = await onboarding.agree(session, clock.now(), opened.invite_id, 555, "ar", "ar-SY")
        assert linked.locale == "ar" and not linked.relinked
    async with dispatching(db) as session:
        stored = await session.get(Person, person.id)
        assert stored is not None and stored.telegram_id == 555
        assert stored.consent == Consent.GIVEN and stored.telegram_language == "ar-SY"
        with pytest.raises(Invalid) as again:
            await onboarding.agree(session, clock.now(), opened.invite_id, 555, "ar", None)
        assert again.value.code == "used"
        with pytest.raises(Invalid) as reopened:
            await onboarding.open_invite(session, clock.now(), issued.token, 555)
        assert reopened.value.code == "already_linked"
        with pytest.raises(Invalid) as other:
            await onboarding.open_invite(session, clock.now(), issued.token, 556)
        assert other.value.code == "used"
        events = list(
            await session.scalars(
                select(AuditEvent).where(AuditEvent.target_id == person.id).order_by(AuditEvent.id)
            )
        )
        assert [e.action for e in events][-3:] == [
            "invite.opened",
            "person.linked",
            "consent.given",
        ]
        linked_event = events[-2]
        assert linked_event.actor_id == person.id and linked_event.detail["telegram_id"] == 555
        assert linked_event.created_at == clock.now()


async def test_an_invitation_never_answers_for_another_account_of_a_connected_person(
    db: Database, clock: ManualClock
) -> None:
    async with building(db, clock.now()) as b:
        person = await b.person(await b.org(), Role.MENTOR, telegram_id=700)
    async with dispatching(db) as session:
        issued = await invites.create(session, clock.now(), person.id)
    async with dispatching(db) as session:
        for attempt in (
            onboarding.open_invite(session, clock.now(), issued.token, 701),
            onboarding.still_open(session, clock.now(), issued.invite_id, 701),
            onboarding.agree(session, clock.now(), issued.invite_id, 701, "ca", None),
            onboarding.decline(session, clock.now(), issued.invite_id, 701),
        ):
            with pytest.raises(Invalid) as refused:
                await attempt
            assert refused.value.code == "account_taken"
    async with dispatching(db) as session:
        stored = await session.get(Person, person.id)
        invite = await session.get(Invite, issued.invite_id)
        assert stored is not None and invite is not None
        assert stored.telegram_id == 700 and stored.consent == Consent.GIVEN
        assert invite.used_at is None
        # the connected account itself may still answer its new invitation
        opened = await onboarding.open_invite(session, clock.now(), issued.token, 700)
        assert opened.person_id == person.id


async def test_declining_keeps_the_invitation_usable(db: Database, clock: ManualClock) -> None:
    async with building(db, clock.now()) as b:
        person = await b.person(await b.org(), Role.WORKER, locale=None)
    async with dispatching(db) as session:
        issued = await invites.create(session, clock.now(), person.id)
    async with dispatching(db) as session:
        opened = await onboarding.open_invite(session, clock.now(), issued.token, 800)
        await onboarding.decline(session, clock.now(), opened.invite_id, 800)
    async with dispatching(db) as session:
        stored = await session.get(Person, person.id)
        assert stored is not None
        assert stored.consent == Consent.DECLINED and stored.telegram_id is None
        invite = await session.get(Invite, opened.invite_id)
        assert invite is not None and invite.used_at is None
        assert (await onboarding.open_invite(session, clock.now(), issued.token, 800)).person_id


async def test_set_language_rejects_unsupported_locales(db: Database, clock: ManualClock) -> None:
    async with building(db, clock.now()) as b:
        person = await b.person(await b.org(), Role.MENTOR, telegram_id=900)
    async with dispatching(db) as session:
        me = await session.get(Person, person.id)
        assert me is not None
        assert await onboarding.set_language(session, clock.now(), me, "uk-UA") == "uk"
        with pytest.raises(Invalid):
            await onboarding.set_language(session, clock.now(), me, "tlh")


# an organisation's policy -----------------------------------------------------------------------
async def test_an_organisations_policy_takes_effect(db: Database, clock: ManualClock) -> None:
    """Set with `set_org`, the reminders of a new appointment, the deadline of a concern and
    the answer time of a help request follow the organisation's settings."""
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, telegram_id=4001)
        mentor = await b.person(org, Role.MENTOR, telegram_id=4002)
        family = await b.family(org)
        mentee = await b.person(org, Role.MENTEE, telegram_id=4003, family=family)
        match = await b.match(family, [mentor], worker)
    async with dispatching(db) as session:
        info = await admin.set_org(
            session,
            clock.now(),
            str(org.id),
            reminders="150,2880",
            confirm_by_minutes="20",
            ack_deadlines="emergency=5,high=90,medium=100,low=200",
            help_target_hours=6,
        )
        assert info.reminder_offsets_minutes == [2880, 150]
    starts_at = datetime(2026, 3, 5, 16, 30, tzinfo=UTC)  # Thursday 17:30 in Madrid
    async with dispatching(db) as session:
        me = await session.get(Person, mentor.id)
        assert me is not None
        view = await appointments.create(
            session, me, match.id, starts_at, "Library", None, clock.now()
        )
        raised = await concerns.raise_concern(
            session, clock.now(), me, match.id, ConcernCategory.HOUSING, "No heating", "high"
        )
        await help.ask(session, clock.now(), me, HelpKind.PRACTICAL, "Forms", match_id=match.id)
    async with dispatching(db) as session:
        written = list(
            await session.scalars(
                select(Reminder)
                .where(Reminder.appointment_id == view.id)
                .order_by(Reminder.offset_minutes)
            )
        )
        assert [(r.kind, r.person_id, r.offset_minutes) for r in written] == [
            (ReminderKind.NO_ANSWER, mentor.id, 20),
            (ReminderKind.REMINDER, mentee.id, 150),
            (ReminderKind.REMINDER, mentee.id, 2880),
        ]
        assert all(r.due_at == starts_at - timedelta(minutes=r.offset_minutes) for r in written)
        assert raised.deadline == clock.now() + timedelta(minutes=90)
        request = (await session.scalars(select(HelpRequest))).one()
        assert request.answer_due_at == clock.now() + timedelta(hours=6)


async def test_a_persons_details_are_changed_with_the_rules_of_adding(
    db: Database, clock: ManualClock
) -> None:
    async with building(db, clock.now()) as b:
        org = await b.org()
        person = await b.person(org, Role.MENTOR, "Ana")
    async with dispatching(db) as session:
        info = await admin.set_person(
            session,
            clock.now(),
            person.id,
            phone="612 34 56 78",
            share_phone="yes",
            quiet_hours="22:30-7:00",
            locale="uk-UA",
        )
        assert info.phone == "+34612345678"  # read in the organisation's country
        assert info.share_phone and info.quiet_hours == "22:30-07:00" and info.locale == "uk"
        # as when adding: a national number is read in the country of the person's timezone
        info = await admin.set_person(
            session, clock.now(), person.id, timezone="Europe/Kyiv", phone="050 123 4567"
        )
        assert info.timezone == "Europe/Kyiv" and info.phone == "+380501234567"
        with pytest.raises(Invalid) as unshared:
            await admin.set_person(session, clock.now(), person.id, phone="")
        assert unshared.value.code == "share_phone"
    async with dispatching(db) as session:
        stored = await session.get(Person, person.id)
        assert stored is not None
        assert (stored.quiet_start, stored.quiet_end) == ("22:30", "07:00")
        with pytest.raises(NotFound):
            await admin.set_person(session, clock.now(), 9999, active="no")


# matches ---------------------------------------------------------------------------------------
async def test_a_family_has_one_open_match(db: Database, clock: ManualClock) -> None:
    async with building(db, clock.now()) as b:
        org = await b.org()
        family = await b.family(org)
        mentee = await b.person(org, Role.MENTEE, family=family)
        mentor = await b.person(org, Role.MENTOR)
        worker = await b.person(org, Role.WORKER)
    async with dispatching(db) as session:
        first = await admin.add_match(
            session, clock.now(), mentee=mentee.id, mentors=[mentor.id], worker=worker.id
        )
        assert first.family_id == family.id
        assert str(first.started_on) == "2026-03-02"  # today, in the organisation's timezone
        with pytest.raises(Invalid) as twice:
            await admin.add_match(
                session, clock.now(), family=family.id, mentors=[mentor.id], worker=worker.id
            )
        assert twice.value.code == "already_matched"
        with pytest.raises(Invalid):
            await admin.add_match(session, clock.now(), mentors=[mentor.id], worker=worker.id)
        with pytest.raises(Invalid):
            await admin.add_match(
                session, clock.now(), mentee=mentee.id, mentors=[], worker=worker.id
            )


async def test_two_accounts_answering_one_invitation_at_once(
    db: Database, clock: ManualClock
) -> None:
    async with building(db, clock.now()) as b:
        person = await b.person(await b.org(), Role.MENTOR, locale=None)
    async with dispatching(db) as session:
        issued = await invites.create(session, clock.now(), person.id)

    async def attempt(telegram_id: int) -> bool:
        try:
            async with dispatching(db) as session:
                await onboarding.agree(
                    session, clock.now(), issued.invite_id, telegram_id, "en", None
                )
        except Invalid:
            return False
        return True

    results = await asyncio.gather(attempt(1001), attempt(1002))
    assert sorted(results) == [False, True]
    async with dispatching(db) as session:
        stored = await session.get(Person, person.id)
        assert stored is not None
        assert stored.telegram_id == (1001 if results[0] else 1002)


# import ----------------------------------------------------------------------------------------
async def test_import_names_the_lines_of_a_match_it_cannot_make(
    db: Database, clock: ManualClock
) -> None:
    async with building(db, clock.now()) as b:
        org = await b.org("Casal")
        await b.person(org, Role.WORKER, "Marta")
        await b.person(org, Role.WORKER, "Marta")
    text = (
        "organisation,role,name,family,worker,started_on\n"
        "Casal,mentee,Amina,Haddad,,\n"
        "Casal,mentor,Jordi,Haddad,Marta,\n"  # two workers are named Marta
        "Casal,mentee,Yonas,Tesfaye,,\n"
        "Casal,worker,Laia,,,\n"
        "Casal,mentor,Pau,Tesfaye,Laia,2026-01-01\n"
        "Casal,mentor,Anna,Tesfaye,Marta,2026-01-01\n"  # another worker for the same family
        "Casal,mentor,Joan,,,01/02/2026\n"  # a start day needs a family
    )
    with pytest.raises(importer.ImportRejected) as rejected:
        async with dispatching(db) as session:  # rolled back by the exception
            await importer.import_csv(session, clock.now(), text)
    reasons = {r.line: r.reason for r in rejected.value.report.rejected}
    assert "several workers" in reasons[3]
    assert "one worker" in reasons[6] and "one worker" in reasons[7]
    assert "malformed date" in reasons[8]
    assert set(reasons) == {3, 6, 7, 8}
    async with dispatching(db) as session:
        names = set(await session.scalars(select(Person.name)))
    assert names == {"Marta"}  # nothing of the file was kept
