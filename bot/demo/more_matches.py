"""More of the demo's programme: matches whose people have no phone in the demo, so that the
staff's lists have an order worth reading."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    CheckIn,
    CheckInHow,
    CheckInParty,
    Family,
    Match,
    MatchMentor,
    Meeting,
    Organisation,
    Person,
    ReportRequest,
    Role,
)

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


async def more_matches(
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
