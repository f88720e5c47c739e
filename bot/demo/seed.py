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

from bot.i18n import RTL_LOCALES
from bot.notifications import bus
from bot.services import appointments, concerns
from storage.match_life import FirstMeetingOutcome, Gender, RequestStatus, Urgency
from storage.models import (
    Base,
    CheckIn,
    CheckInHow,
    CheckInParty,
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
    ReportRequest,
    Role,
    Severity,
)

ORG_NAME = "Acollida Barcelona (demo)"
TIMEZONE = "Europe/Madrid"


@dataclass(frozen=True)
class Persona:
    """A seeded person and the Telegram account they use in the demo."""

    key: str
    first_name: str
    last_name: str
    role: Role
    locale: str
    telegram_id: int | None
    about: str  # shown above the phone on the demo page
    shown: bool = False  # shown by default on the page
    family: str | None = None
    phone: str | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def rtl(self) -> bool:
        return self.locale in RTL_LOCALES or self.locale == "he"


HADDAD = "Haddad"
KOVALENKO = "Kovalenko"
AHMADI = "Ahmadi"  # waiting for mentors: the visitor matches them (Jordi's /requests)

PERSONAS: tuple[Persona, ...] = (
    Persona("mentor", "Tom", "Walker", Role.MENTOR, "en", 7_100_000_001,
            "Mentor of the Haddad family", shown=True, phone="+34612000101"),
    Persona("mentee", "Amal", "Haddad", Role.MENTEE, "ar", 7_100_000_002,
            "Mentee, Haddad family (Arabic)", shown=True, family=HADDAD, phone="+34612000102"),
    Persona("worker", "Laura", "Sánchez", Role.WORKER, "es", 7_100_000_003,
            "Referring social worker", shown=True, phone="+34612000103"),
    Persona("comentor", "Marta", "Vidal", Role.MENTOR, "ca", 7_100_000_004,
            "Second mentor of the Haddad family", phone="+34612000104"),
    Persona("single_mentor", "Javier", "Romero", Role.MENTOR, "es", 7_100_000_005,
            "Mentor of Olena Kovalenko", phone="+34612000105"),
    Persona("single_mentee", "Olena", "Kovalenko", Role.MENTEE, "uk", 7_100_000_006,
            "Mentee (Ukrainian)", family=KOVALENKO, phone="+34612000106"),
    Persona("coordinator", "Jordi", "Puig", Role.COORDINATOR, "ca", 7_100_000_007,
            "Programme coordinator"),
    # Family members without a phone of their own: Amal's phone is the family's.
    Persona("husband", "Khaled", "Haddad", Role.MENTEE, "ar", None, "", family=HADDAD),
    Persona("son", "Yusuf", "Haddad", Role.MENTEE, "ar", None, "", family=HADDAD),
    Persona("waiting", "Zahra", "Ahmadi", Role.MENTEE, "fa", None, "", family=AHMADI),
)  # fmt: skip

# Matching profiles (bot.services.profiles): languages with levels, area, free slots, skills,
# how many families, gender.
MENTOR_PROFILES = {
    "mentor": ({"en": 3, "es": 2, "ar": 1}, "Raval", ["tue:eve", "thu:eve", "sat:am"],
               ["language", "leisure"], 2, Gender.MALE),
    "comentor": ({"ca": 3, "es": 3, "fa": 1}, "Raval", ["tue:eve", "sat:am"],
                 ["paperwork", "school"], 2, Gender.FEMALE),
    "single_mentor": ({"es": 3, "uk": 1}, "Sants", ["mon:pm", "wed:pm"],
                      ["job", "housing"], 2, Gender.MALE),
}  # fmt: skip


def persona(key: str) -> Persona:
    for p in PERSONAS:
        if p.key == key:
            return p
    raise KeyError(key)


def linked_personas() -> list[Persona]:
    """The personas with a Telegram account: one phone each on the page."""
    return [p for p in PERSONAS if p.telegram_id is not None]


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
    await _more_matches(session, now, org, people["worker"], today)

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
    await bus.dispatch(session)

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


# More of the programme, people without a phone in the demo: a quiet match, one whose progress
# report is overdue and a busy one, so that /matches has an order worth reading.
MORE = (
    # family, mentor, started days ago, days ago of its meetings, report asked days ago
    ("Diallo", "Núria Serra", 60, (40, 47, 54), None),
    ("Rahimi", "Pau Ferrer", 50, (3, 10, 17, 24, 31), 12),
    ("Tesfaye", "Clara Vidal", 20, (2, 6, 9, 13, 16), None),
    ("Morales", "Marc Roca", 16, (), None),
)
# Matches whose staff check-ins are up to date (bot.services.checkins).
CHECKED_IN = ("Rahimi", "Tesfaye")


async def _more_matches(
    session: AsyncSession, now: datetime, org: Organisation, worker: Person, today: date
) -> None:
    for family_name, mentor_name, started, days, asked in MORE:
        family = Family(organisation_id=org.id, name=family_name, created_at=now)
        mentor = Person(
            organisation_id=org.id,
            role=Role.MENTOR,
            name=mentor_name,
            locale="ca",
            created_at=now - timedelta(days=started + 10),
        )
        session.add_all([family, mentor])
        await session.flush()
        match = Match(
            organisation_id=org.id,
            family_id=family.id,
            worker_id=worker.id,
            started_on=today - timedelta(days=started),
            created_at=now - timedelta(days=started),
        )
        session.add(match)
        await session.flush()
        session.add(MatchMentor(match_id=match.id, mentor_id=mentor.id))
        for k, ago in enumerate(days):
            session.add(
                Meeting(
                    match_id=match.id,
                    mentor_id=mentor.id,
                    occurred_on=today - timedelta(days=ago),
                    duration_minutes=60 + 30 * (k % 2),
                    activities=["walk"],
                    mood=3,
                    notes=None,
                    created_at=now - timedelta(days=ago),
                    updated_at=now - timedelta(days=ago),
                )
            )
        if family_name in CHECKED_IN:  # the worker's own contacts with the mentor and family
            for ago in days:
                for party, person_id in (
                    (CheckInParty.MENTOR, mentor.id),
                    (CheckInParty.FAMILY, None),
                ):
                    session.add(
                        CheckIn(
                            organisation_id=org.id,
                            match_id=match.id,
                            staff_id=worker.id,
                            party=party,
                            person_id=person_id,
                            how=CheckInHow.PHONE,
                            occurred_on=today - timedelta(days=ago),
                            created_at=now - timedelta(days=ago),
                        )
                    )
        if asked is not None:
            session.add(
                ReportRequest(
                    match_id=match.id, mentor_id=mentor.id, requested_at=now - timedelta(days=asked)
                )
            )
    await session.flush()
