"""A mentee's contacts: phone numbers as dialled from the organisation's country, and only the
details each person agreed to share."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.services import contacts
from storage.db import Database
from storage.models import MatchStatus, Organisation, Role
from tests.factories import building


@pytest.mark.parametrize(
    ("number", "region", "expected"),
    [
        ("+34612345678", "ES", "612 34 56 78"),  # same country: national format
        ("+447700900123", "ES", "+44 7700 900123"),  # another country: international
        ("+34612345678", "GB", "+34 612 34 56 78"),
        ("612345678", "ES", "612 34 56 78"),  # written without the country code
        ("+34612345678", None, "+34 612 34 56 78"),  # country unknown
        ("112", "ES", "112"),  # short numbers are shown as written
        ("call the office", "ES", "call the office"),
        (None, "ES", None),
    ],
)
def test_phone_numbers_for_dialling_from_the_country(
    number: str | None, region: str | None, expected: str | None
) -> None:
    assert contacts.format_phone(number, region) == expected


def test_the_organisations_country() -> None:
    def org(**kw: object) -> Organisation:
        values: dict[str, object] = {"name": "x", "timezone": "Europe/Madrid", "locale": "es"}
        values.update(kw)
        return Organisation(**values)

    assert contacts.region_of(org()) == "ES"
    assert contacts.region_of(org(timezone="Europe/Rome")) == "IT"
    assert contacts.region_of(org(timezone="Atlantic/Canary")) == "ES"
    # An office phone written internationally says it directly.
    assert contacts.region_of(org(timezone="UTC", office_phone="+44 20 7946 0000")) == "GB"
    assert contacts.region_of(org(timezone="UTC")) is None


async def test_only_shared_details_of_the_familys_people(db: Database, clock: ManualClock) -> None:
    async with building(db, clock.now()) as b:
        org = await b.org(emergency_phone="112", office_phone="+34 911 23 45 67")
        worker = await b.person(
            org, Role.WORKER, "Wendy", phone="+34600111222", email="w@ngo.example",
            share_email=True,
        )  # fmt: skip
        ana = await b.person(org, Role.MENTOR, "Ana", phone="+34612345678", share_phone=True)
        ben = await b.person(org, Role.MENTOR, "Ben", email="ben@example.org")
        carla = await b.person(org, Role.MENTOR, "Carla", phone="+34699999999", share_phone=True)
        family = await b.family(org, "Haddad")
        amira = await b.person(org, Role.MENTEE, "Amira", family=family)
        await b.match(family, [ana, ben], worker)
        await b.match(family, [carla], worker, status=MatchStatus.CLOSED)  # over: not shown
        lonely = await b.person(org, Role.MENTEE, "Lone", family=await b.family(org, "Solo"))
    async with db.transaction() as s:
        found = await contacts.for_mentee(s, amira)
        nobody = await contacts.for_mentee(s, lonely)
    assert [(c.name, c.phone, c.email) for c in found.mentors] == [
        ("Ana", "612 34 56 78", None),
        ("Ben", None, None),
    ]
    assert [(c.name, c.phone, c.email) for c in found.workers] == [("Wendy", None, "w@ngo.example")]
    assert found.office_phone == "911 23 45 67" and found.emergency_phone == "112"
    assert nobody.mentors == [] and nobody.workers == [] and nobody.emergency_phone == "112"
