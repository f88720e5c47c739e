"""The demo's programme: one organisation in Barcelona, its staff, a family of three with two
mentors, a single mentee with one mentor, some history, an upcoming appointment, an open
concern, and a family waiting for mentors that a visitor can match (as the coordinator:
`/requests`). Times are relative to `now`, so the programme looks current whenever it is seeded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.demo.more_matches import more_matches
from bot.demo.personas import AHMADI, HADDAD, KOVALENKO, MENTOR_PROFILES, PERSONAS
from bot.services import appointments, concerns
from storage.match_life import FirstMeetingOutcome, RequestStatus, Urgency
from storage.models import (
    Base,
    ConcernCategory,
    Consent,
    Family,
    FamilyProfile,
    Match,
    MatchMentor,
    MatchRequest,
    Meeting,
    MentorProfile,
    Organisation,
    Person,
    Role,
    Severity,
)

ORG_NAME = "Acollida Barcelona (demo)"
TIMEZONE = "Europe/Madrid"


@dataclass
class Seeded:
    """Ids of what was seeded."""

    organisation_id: int
    people: dict[str, int] = field(default_factory=dict)  # persona key -> person id
    family_match_id: int = 0
    single_match_id: int = 0
    appointment_id: int = 0
    appointment_at: datetime | None = None
    concern_id: int = 0
    request_id: int = 0


DAY_STARTS = time(10, 0)


def base_time(wall_now: datetime, tz: str = TIMEZONE) -> datetime:
    """Where the demo's clock starts: 10:00 in Barcelona on the machine's date there, whatever
    the hour, so that skipping a day lands in the morning and every step of the walkthrough
    (reminders, answers, escalations) happens as described, at any hour of the day."""
    zone = ZoneInfo(tz)
    local = datetime.combine(wall_now.astimezone(zone).date(), DAY_STARTS, zone)
    return local.astimezone(wall_now.tzinfo)


def appointment_time(now: datetime, tz: str = TIMEZONE) -> datetime:
    """The next half hour, in daytime (12:00–18:30 local), at least 25 hours from `now`: its
    day-before reminder is due within the next day, never in anyone's quiet hours, and the
    family has two waking hours after the last reminder (moved to 08:00 at the earliest)
    before the no-answer alert."""
    zone = ZoneInfo(tz)
    local = (now + timedelta(hours=25)).astimezone(zone)
    local = local.replace(second=0, microsecond=0)
    if local.minute not in (0, 30):
        local += timedelta(minutes=30 - local.minute % 30)
    if local.time() < time(12, 0):
        local = datetime.combine(local.date(), time(12, 0), zone)
    elif local.time() > time(18, 30):
        local = datetime.combine(local.date() + timedelta(days=1), time(12, 0), zone)
    return local.astimezone(now.tzinfo)


async def wipe(session: AsyncSession) -> None:
    """Delete every row of every table (children first)."""
    for table in reversed(Base.metadata.sorted_tables):
        await session.execute(delete(table))


async def is_demo_database(session: AsyncSession) -> bool | None:
    """True: it holds the demo's programme; None: it is empty; False: it holds something else."""
    names = set((await session.execute(select(Organisation.name))).scalars())
    if not names:
        return None
    return names == {ORG_NAME}


async def seed(session: AsyncSession, now: datetime) -> Seeded:
    """Write the demo's programme (into an empty database)."""
    zone = ZoneInfo(TIMEZONE)
    today = now.astimezone(zone).date()
    org = Organisation(
        name=ORG_NAME,
        timezone=TIMEZONE,
        locale="ca",
        emergency_phone="112",
        office_phone="+34932000100",
        office_hours="Mon–Fri 9:00–14:00, Tue and Thu 16:00–19:00",
        address="Carrer de l'Hospital 56, 08001 Barcelona",
        reminder_offsets_minutes=[1440, 240],
        confirm_by_minutes=120,
        ack_deadlines_minutes={"emergency": 15, "high": 240, "medium": 1440, "low": 4320},
        created_at=now - timedelta(days=400),
    )
    session.add(org)
    await session.flush()
    out = Seeded(organisation_id=org.id)

    families: dict[str, Family] = {}
    for name, age in ((HADDAD, 120), (KOVALENKO, 60), (AHMADI, 14)):
        families[name] = Family(
            organisation_id=org.id, name=name, created_at=now - timedelta(days=age)
        )
        session.add(families[name])
    await session.flush()

    people: dict[str, Person] = {}
    for p in PERSONAS:
        linked = p.telegram_id is not None
        person = Person(
            organisation_id=org.id,
            role=p.role,
            name=p.name,
            locale=p.locale,
            phone=p.phone,
            share_phone=p.role is Role.MENTOR,
            family_id=families[p.family].id if p.family else None,
            telegram_id=p.telegram_id,
            telegram_language=p.locale if linked else None,
            consent=Consent.GIVEN if linked else Consent.PENDING,
            consent_at=now - timedelta(days=90) if linked else None,
            created_at=now - timedelta(days=100),
        )
        session.add(person)
        people[p.key] = person
    await session.flush()
    out.people = {key: person.id for key, person in people.items()}

    family_match = Match(
        organisation_id=org.id,
        family_id=families[HADDAD].id,
        worker_id=people["worker"].id,
        started_on=today - timedelta(days=84),
        initiated_on=today - timedelta(days=84),
        first_meeting_outcome=FirstMeetingOutcome.AGREED,
        created_at=now - timedelta(days=90),
    )
    single_match = Match(
        organisation_id=org.id,
        family_id=families[KOVALENKO].id,
        worker_id=people["worker"].id,
        started_on=today - timedelta(days=35),
        initiated_on=today - timedelta(days=35),
        first_meeting_outcome=FirstMeetingOutcome.AGREED,
        created_at=now - timedelta(days=40),
    )
    session.add_all([family_match, single_match])
    await session.flush()
    out.family_match_id, out.single_match_id = family_match.id, single_match.id
    session.add_all(
        [
            MatchMentor(match_id=family_match.id, mentor_id=people["mentor"].id),
            MatchMentor(match_id=family_match.id, mentor_id=people["comentor"].id),
            MatchMentor(match_id=single_match.id, mentor_id=people["single_mentor"].id),
        ]
    )

    def meeting(
        match: Match, mentor: str, days_ago: int, minutes: int, activities: list[str], mood: int
    ) -> Meeting:
        day: date = today - timedelta(days=days_ago)
        logged = datetime.combine(day, time(20, 0), zone).astimezone(now.tzinfo)
        return Meeting(
            match_id=match.id,
            mentor_id=people[mentor].id,
            occurred_on=day,
            duration_minutes=minutes,
            activities=activities,
            mood=mood,
            notes=None,
            created_at=logged,
            updated_at=logged,
        )

    session.add_all(
        [
            meeting(family_match, "mentor", 21, 90, ["walk", "language"], 3),
            meeting(family_match, "comentor", 14, 120, ["paperwork"], 3),
            meeting(family_match, "mentor", 7, 60, ["meal", "language"], 4),
            meeting(single_match, "single_mentor", 12, 60, ["job"], 3),
            meeting(single_match, "single_mentor", 5, 90, ["housing", "paperwork"], 2),
            # Older history, so that /matches and the staff's digest chart have weeks to show.
            *(
                meeting(family_match, ("mentor", "comentor")[k % 2], days, 90, ["walk"], 3)
                for k, days in enumerate((28, 35, 38, 49, 56, 63, 70, 77))
            ),
            meeting(single_match, "single_mentor", 26, 60, ["language"], 3),
        ]
    )
    await more_matches(session, now, org, people["worker"], today)

    # Planned yesterday by Tom through the appointments service: reminders written, the
    # family's card and calendar file and Marta's notice queued (they arrive when the bot starts).
    await session.flush()
    planned = await appointments.create(
        session,
        people["mentor"],
        family_match.id,
        appointment_time(now),
        "Biblioteca Sant Pau – Santa Creu",
        None,
        now - timedelta(days=1),
        duration_minutes=90,
    )
    out.appointment_id, out.appointment_at = planned.id, planned.starts_at

    # Raised by Javier three hours ago through the concerns service: Laura's card is queued.
    raised = await concerns.raise_concern(
        session,
        now - timedelta(hours=3),
        people["single_mentor"],
        single_match.id,
        ConcernCategory.HOUSING,
        "La habitación que alquila Olena tiene humedad y el casero quiere subirle el precio el "
        "mes que viene. Está preocupada y no sabe qué derechos tiene.",
        Severity.MEDIUM,
    )
    out.concern_id = raised.concern_id

    # Profiles, and the Ahmadi family waiting for mentors: Laura asked 12 days ago.
    for key, (langs, area, slots, skills, capacity, gender) in MENTOR_PROFILES.items():
        session.add(
            MentorProfile(
                person_id=people[key].id,
                languages=langs,
                area=area,
                availability=slots,
                skills=skills,
                capacity=capacity,
                gender=gender,
                updated_at=now,
            )
        )
    session.add(
        FamilyProfile(
            family_id=families[AHMADI].id,
            languages={"fa": 3, "es": 1},
            area="Raval",
            needs=["paperwork", "school"],
            availability=["tue:eve", "sat:am"],
            preferences={"mentor_gender": "female"},
            updated_at=now,
        )
    )
    request = MatchRequest(
        organisation_id=org.id,
        family_id=families[AHMADI].id,
        worker_id=people["worker"].id,
        needs=["paperwork", "school"],
        urgency=Urgency.NORMAL,
        note="Zahra y sus dos hijos llegaron de Herat; la escuela pide papeles de matrícula.",
        status=RequestStatus.WAITING,
        created_at=now - timedelta(days=12),
    )
    session.add(request)
    await session.flush()
    out.request_id = request.id
    return out
