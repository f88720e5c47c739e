"""Staff fill profiles in the CLI and a CSV file, make a request, see the queue and the
proposals with reasons, and ask mentors; bad values are refused and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.services import importer
from storage.db import Database
from storage.match_life import OfferStatus, RequestStatus
from storage.models import (
    Family,
    FamilyProfile,
    MatchOffer,
    MatchRequest,
    MentorProfile,
    OutboxMessage,
    Person,
)
from tests.test_cli import Cli, env, run, snapshot  # noqa: F401 (fixtures)

CSV = """organisation;role;name;locale;family;languages;area;availability;skills;capacity;gender;needs;prefers
Casal;worker;Núria;ca;;;;;;;;;
Casal;coordinator;Carme;ca;;;;;;;;;
Casal;mentee;Omar Haddad;ar;Haddad;ar:3,es:1;Raval;tue:eve,sat:am;;;;school,paperwork;female
Casal;mentor;Pau;ca;;ca:3,es:3;Raval;tue:eve;paperwork;2;male;;
Casal;mentor;Amal;ar;;ar:3,es:2;raval;tue:eve;school;1;female;;
Casal;mentor;Olena;uk;;uk:3;Raval;tue:eve;school;2;female;;
"""


async def test_profiles_from_csv_then_request_propose_and_ask_in_the_cli(
    run: Cli,  # noqa: F811
    db: Database,
    tmp_path: pytest.TempPathFactory,
) -> None:
    await run.ok("org", "add", "--name", "Casal", "--timezone", "Europe/Madrid", "--locale", "ca")
    path = tmp_path / "people.csv"  # type: ignore[operator]
    path.write_text(CSV, encoding="utf-8")
    await run.ok("import", str(path))
    async with db.transaction() as s:
        ids = {p.name: p.id for p in (await s.execute(select(Person))).scalars()}
        family = (await s.execute(select(Family).where(Family.name == "Haddad"))).scalar_one()
        fp = await s.get(FamilyProfile, family.id)
        assert fp is not None
        assert (fp.languages, fp.needs, fp.preferences) == (
            {"ar": 3, "es": 1},
            ["paperwork", "school"],
            {"mentor_gender": "female"},
        )
        amal = await s.get(MentorProfile, ids["Amal"])
        assert amal is not None and amal.gender is not None and amal.gender.value == "female"

    # A staff member corrects a profile; a wrong value is refused, nothing changes.
    await run.ok(
        "profile", "mentor", str(ids["Pau"]), "--capacity", "3", "--languages", "ca:3,es:2"
    )
    before = await snapshot(db)
    await run.fails(
        "profile", "mentor", str(ids["Pau"]), "--availability", "tuesday", reason="time slot"
    )
    await run.fails(
        "profile", "mentor", str(ids["Omar Haddad"]), "--capacity", "1", reason="not a mentor"
    )
    await run.fails(
        "profile", "family", str(family.id), "--languages", "xx-zz:9", reason="language"
    )
    assert await snapshot(db) == before

    req = int((await run.ok("request", "add", "--family", str(family.id), "--worker",
                            str(ids["Núria"]), "--needs", "school", "--urgency", "high",
                            "--note", "call after 5")).out)  # fmt: skip
    await run.fails("request", "add", "--family", "Haddad", "--worker", str(ids["Núria"]),
                    reason="open match or request")  # fmt: skip
    queue = await run.ok("request", "list", "--coordinator", str(ids["Carme"]))
    assert "Haddad" in queue.out and "high" in queue.out
    proposal = await run.ok("request", "propose", str(req), "--coordinator", str(ids["Carme"]))
    lines = proposal.out.splitlines()
    amal_line = next(line for line in lines if "Amal" in line)
    assert "speaks Arabic (fluent)" in amal_line and "lives in" in amal_line
    assert "has 0 of 1 families" in amal_line
    assert not any("Olena" in line for line in lines)  # no shared language
    assert "call after 5" not in proposal.out.split("mentors will see:")[1].split("mentor ")[0]
    assert lines.index(amal_line) < lines.index(next(x for x in lines if "Pau" in x))

    await run.ok("request", "ask", str(req), "--coordinator", str(ids["Carme"]),
                 "--mentor", str(ids["Amal"]))  # fmt: skip
    await run.fails("request", "ask", str(req), "--coordinator", str(ids["Carme"]),
                    "--mentor", str(ids["Olena"]), reason="cannot be proposed")  # fmt: skip
    await run.fails("request", "ask", str(req), "--coordinator", str(ids["Núria"]),
                    "--mentor", str(ids["Pau"]), reason="coordinators only")  # fmt: skip
    async with db.transaction() as s:
        offer = (await s.execute(select(MatchOffer))).scalar_one()
        assert offer.status == OfferStatus.ASKED and offer.mentor_id == ids["Amal"]
        assert "note" not in offer.summary and "call after 5" not in str(offer.summary)
        request = await s.get(MatchRequest, req)
        assert request is not None and request.status == RequestStatus.MATCHING
        sent = (await s.execute(select(OutboxMessage).where(OutboxMessage.kind == "offer"))).all()
        assert len(sent) == 0  # Amal is not linked to Telegram: nothing can be queued

    await run.ok("policy", "Casal", "--rematch-policy", "One rematch, then a talk.",
                 "--request-age-limit-days", "30")  # fmt: skip
    await run.fails("policy", "Casal", "--request-age-limit-days", "0", reason="1 to 365")


async def test_a_csv_profile_on_the_wrong_row_rejects_the_file(
    db: Database, clock: ManualClock
) -> None:
    async with db.transaction() as s:
        from tests.factories import Builder

        await Builder(s, clock.now()).org("Casal")
    text = (
        "organisation;role;name;skills;needs\n"
        "Casal;mentor;Pau;paperwork;school\n"
        "Casal;worker;Núria;;school\n"
        "Casal;mentor;Anna;cooking;\n"
    )
    with pytest.raises(importer.ImportRejected) as caught:
        async with db.transaction() as s:
            await importer.import_csv(s, clock.now(), text)
    reasons = {r.line: r.reason for r in caught.value.report.rejected}
    assert "needs does not belong on a mentor's row" in reasons[2]
    assert "has no matching profile" in reasons[3]
    assert "unknown topic 'cooking'" in reasons[4]
    async with db.transaction() as s:
        assert (await s.execute(select(Person))).first() is None
