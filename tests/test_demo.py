"""`mentorbot demo`: the seeded programme, the page's API, live events, the clock, the reset, and
refusing a port in use. The demo runs in-process on a free port; no browser."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from bot import jobs
from bot.clock import ManualClock
from bot.config import Settings
from bot.demo import bind, main, personas, running, seed
from bot.demo.stack import DEMO_TOKEN, Demo, DemoError, ensure_local
from bot.jobs import ticks
from storage.db import Database
from storage.match_life import OfferStatus
from storage.models import (
    Appointment,
    Concern,
    ConcernStatus,
    Consent,
    Family,
    JobStatus,
    Match,
    MatchMentor,
    MatchOffer,
    Meeting,
    OutboxMessage,
    Person,
    Reminder,
    ReminderKind,
    Role,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def demo_url(tmp_path: Path) -> AsyncIterator[tuple[Demo, str]]:
    """The whole demo on a free port (the scheduler left to the tests' skips)."""
    sock = bind(0)
    async with running(sock, tmp_path / "demo.sqlite3", tick_seconds=3600) as served:
        yield served.demo, served.url
    sock.close()


@pytest.fixture
async def client(demo_url: tuple[Demo, str]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=demo_url[1], timeout=10) as http:
        yield http


def post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json=body)


async def phone(client: httpx.AsyncClient, key: str) -> dict[str, Any]:
    response = await client.get(f"/api/phones/{key}")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


# --- the seeded programme ---------------------------------------------------------------------


async def test_seed_is_a_consistent_programme(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with db.transaction() as session:
        assert await seed.is_demo_database(session) is None
        seeded = await seed.seed(session, now)
    async with db.transaction() as session:
        assert await seed.is_demo_database(session) is True
        people = {p.id: p for p in (await session.execute(select(Person))).scalars()}
        by_key = {key: people[pid] for key, pid in seeded.people.items()}
        for persona in personas.PERSONAS:
            person = by_key[persona.key]
            assert person.role == persona.role and person.locale == persona.locale
            if persona.telegram_id is not None:
                assert person.telegram_id == persona.telegram_id
                assert person.consent == Consent.GIVEN and person.reachable
        assert by_key["mentee"].locale == "ar"
        assert by_key["worker"].role == Role.WORKER and by_key["worker"].locale == "es"

        family = await session.get(Family, by_key["mentee"].family_id)
        assert family is not None
        members = [p for p in people.values() if p.family_id == family.id]
        assert len(members) == 3 and all(p.role == Role.MENTEE for p in members)

        def mentors_of(match_id: int) -> set[int]:
            return {mm.mentor_id for mm in mentor_rows if mm.match_id == match_id}

        mentor_rows = list((await session.execute(select(MatchMentor))).scalars())
        family_mentors = mentors_of(seeded.family_match_id)
        assert family_mentors == {by_key["mentor"].id, by_key["comentor"].id}
        assert {people[m].locale for m in family_mentors} == {"en", "ca"}
        assert mentors_of(seeded.single_match_id) == {by_key["single_mentor"].id}
        single = await session.get(Match, seeded.single_match_id)
        assert single is not None
        assert [p.locale for p in people.values() if p.family_id == single.family_id] == ["uk"]

        meetings = list((await session.execute(select(Meeting))).scalars())
        assert len(meetings) >= 3
        assert all(m.occurred_on < now.date() for m in meetings)

        appointment = await session.get(Appointment, seeded.appointment_id)
        assert appointment is not None and appointment.starts_at > now + timedelta(hours=24)
        reminders = list((await session.execute(select(Reminder))).scalars())
        to_mentee = [r for r in reminders if r.kind == ReminderKind.REMINDER]
        assert {r.person_id for r in to_mentee} == {by_key["mentee"].id}
        assert all(r.status == JobStatus.PENDING and r.due_at > now for r in reminders)
        # The day-before reminder falls within the next day: "skip 1 day" shows it.
        assert min(r.due_at for r in to_mentee) <= now + timedelta(days=1)
        assert any(r.kind == ReminderKind.NO_ANSWER for r in reminders)

        concerns = list((await session.execute(select(Concern))).scalars())
        assert len(concerns) == 1
        assert concerns[0].status == ConcernStatus.OPEN
        assert concerns[0].assigned_worker_id == by_key["worker"].id
        assert concerns[0].ack_deadline_at is not None and concerns[0].ack_deadline_at > now

        queued = list((await session.execute(select(OutboxMessage))).scalars())
        assert {m.person_id for m in queued} >= {by_key["mentee"].id}


def test_the_appointment_is_in_daytime_and_a_day_ahead() -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(seed.TIMEZONE)
    start = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    for minutes in range(0, 48 * 60, 17):
        now = start + timedelta(minutes=minutes)
        at = seed.appointment_time(now)
        local = at.astimezone(zone)
        assert timedelta(hours=25) <= at - now <= timedelta(hours=25 + 18), now
        assert (12, 0) <= (local.hour, local.minute) <= (18, 30), now
        assert local.minute in (0, 30)


# --- the page and its API -----------------------------------------------------------------------


async def test_the_page_lists_linked_phones(
    demo_url: tuple[Demo, str], client: httpx.AsyncClient
) -> None:
    demo, _url = demo_url
    page = await client.get("/")
    assert page.status_code == 200 and "/static/app.js" in page.text
    for name in ("app.js", "style.css", "favicon.svg"):
        assert (await client.get(f"/static/{name}")).status_code == 200
    icon = await client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")

    phones = (await client.get("/api/phones")).json()
    keys = [p["key"] for p in phones]
    assert {"mentor", "mentee", "worker"} <= set(keys)
    assert {p["key"] for p in phones if p["shown"]} == {"mentor", "mentee", "worker"}
    by_key = {p["key"]: p for p in phones}
    assert by_key["mentee"]["dir"] == "rtl" and by_key["mentor"]["dir"] == "ltr"
    async with demo.db.transaction() as session:
        for p in phones:
            person = await session.get(Person, p["person_id"])
            assert person is not None and person.telegram_id == p["telegram_id"]
            assert person.consent == Consent.GIVEN
            assert person.role.value == p["role"]
    # The chat exists and was started: the bot may write first.
    for p in phones:
        assert demo.emulator.bot(DEMO_TOKEN).chats[p["telegram_id"]].started

    state = (await client.get("/api/state")).json()
    assert [p["key"] for p in state["phones"]] == keys
    mentor = await phone(client, "mentor")
    assert {c["command"] for c in mentor["commands"]} >= {"log", "concern", "help"}
    assert (await client.get("/api/phones/nobody")).status_code == 404


def test_the_page_works_offline() -> None:
    static = ROOT / "bot" / "demo" / "static"
    for path in static.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), path.name
        assert "@import" not in text and "cdn" not in text.lower(), path.name


async def test_a_bot_reply_streams_live(
    demo_url: tuple[Demo, str], client: httpx.AsyncClient
) -> None:
    seq = (await client.get("/api/state")).json()["seq"]
    async with client.stream("GET", f"/api/events?after={seq}") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        sent = await post(client, "/api/phones/mentor/send", {"text": "/help"})
        assert sent.status_code == 200, sent.text
        seen: list[dict[str, Any]] = []
        async for line in stream.aiter_lines():
            if not line.startswith("data: "):
                continue
            event = json.loads(line[len("data: ") :])
            seen.append(event)
            if event["type"] == "message" and event["phone"] == "mentor":
                if event["message"]["from_bot"]:
                    break
    mine = [e for e in seen if e.get("phone") == "mentor"]
    assert mine[0]["message"]["from_bot"] is False and mine[0]["message"]["text"] == "/help"
    reply = mine[-1]["message"]
    assert reply["from_bot"] and reply["text"]
    assert 'class="tg-command"' in reply["html"]  # commands tap to send, as in Telegram


async def test_a_reconnecting_page_catches_up(
    demo_url: tuple[Demo, str], client: httpx.AsyncClient
) -> None:
    demo, _url = demo_url
    seq = demo.feed.seq
    await post(client, "/api/phones/worker/send", {"text": "/help"})
    await demo.phone("worker").user.wait_for_message()
    # What an EventSource sends when it reconnects: the id of the last event it saw.
    async with client.stream("GET", "/api/events", headers={"Last-Event-ID": str(seq)}) as stream:
        seen: list[int] = []
        async for line in stream.aiter_lines():
            if line.startswith("data: "):
                event = json.loads(line[len("data: ") :])
                seen.append(event["seq"])
                if event.get("phone") == "worker" and event["message"]["text"] == "/help":
                    break
    assert seen[0] == seq + 1 and seen == sorted(seen)
    assert (await client.get("/api/events?after=x")).status_code == 400


async def test_skipping_moves_the_bots_clock_not_the_machines(
    demo_url: tuple[Demo, str], client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo, _url = demo_url
    # As on a machine so busy that a production tick's budget is spent before it begins: the
    # skip still runs everything that fell due.
    monkeypatch.setattr(ticks, "BUDGET_SECONDS", 0.0)
    monkeypatch.setattr(ticks, "BATCH_SECONDS", 0.0)
    mentee = demo.phone("mentee").user
    await mentee.wait_for_message(lambda m: bool(m.document), after=0)  # seeded notices sent
    before = len(mentee.messages)
    machine = datetime.now(UTC)
    bot_before = datetime.fromisoformat((await client.get("/api/clock")).json()["now"])
    skipped = await post(client, "/api/clock/skip", {"minutes": 24 * 60})
    assert skipped.status_code == 200, skipped.text
    body = skipped.json()
    bot_now = datetime.fromisoformat(body["now"])
    assert body["offset_seconds"] == 86400
    assert timedelta(days=1) <= bot_now - bot_before < timedelta(days=1, minutes=1)
    assert abs(datetime.now(UTC) - machine) < timedelta(minutes=1)  # the machine did not move
    assert abs(time.time() - machine.timestamp()) < 60
    assert body["jobs"]["reminders"] >= 1
    # The open concern was not acknowledged within its day: it went up to the coordinator.
    assert body["jobs"]["concern_escalation"] >= 1
    coordinator = demo.phone("coordinator").user
    await coordinator.wait_for_message(after=0, timeout=10)
    clock = (await client.get("/api/clock")).json()
    assert clock["offset_seconds"] == 86400 and clock["timezone"] == "Europe/Madrid"

    # The reminder was due within the day: it is in the mentee's chat now, with answers.
    new = mentee.messages[before:]
    assert new, "no reminder after skipping a day"
    assert any(d and d.startswith("ans:") for m in new for row in m.buttons for _, d in row)
    # Its date is the bot's time.
    assert new[-1].date >= int((bot_before + timedelta(days=1)).timestamp())

    for bad in (0, -60, "60", 60 * 24 * 32, True):
        refused = await post(client, "/api/clock/skip", {"minutes": bad})
        assert refused.status_code == 400, bad
    form = await client.post("/api/clock/skip", data={"minutes": "60"})
    assert form.status_code == 400  # JSON only: a cross-site form cannot drive the demo


async def test_no_background_tick_runs_while_a_skip_ticks(
    demo_url: tuple[Demo, str], client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Else a background tick starting between the clock's move and the skip's own tick takes
    what fell due, and the skip reports nothing done."""
    demo, _url = demo_url
    ticker = demo.rt.extras["ticker"]
    assert isinstance(ticker, jobs.Ticker) and ticker._task is not None
    seen: list[bool] = []
    real = jobs.tick

    async def watched(*args: Any, **kwargs: Any) -> dict[str, int]:
        seen.append(ticker._task is None)  # the background loop is not running
        return await real(*args, **kwargs)

    monkeypatch.setattr(jobs, "tick", watched)
    assert (await post(client, "/api/clock/skip", {"minutes": 60})).status_code == 200
    assert seen == [True]
    assert ticker._task is not None  # and it runs again afterwards


async def test_a_tap_reaches_the_bot_and_the_answer_reaches_the_mentor(
    demo_url: tuple[Demo, str], client: httpx.AsyncClient
) -> None:
    demo, _url = demo_url
    mentee, mentor = demo.phone("mentee").user, demo.phone("mentor").user
    card = await mentee.wait_for_message(lambda m: bool(m.keyboard), after=0)
    data = next(
        d for row in card.buttons for _, d in row if d and d.startswith("ans:") and ":c" in d
    )
    mark = mentor.last_seq
    pressed = await post(
        client, "/api/phones/mentee/press", {"message_id": card.message_id, "data": data}
    )
    assert pressed.status_code == 200, pressed.text
    notice = await mentor.wait_for_message(after=mark, timeout=10)
    assert "Amal" in notice.text
    missing = await post(client, "/api/phones/mentee/press", {"message_id": 999, "data": data})
    assert missing.status_code == 409


async def test_amals_question_reaches_tom_and_marta_and_tom_answers(
    demo_url: tuple[Demo, str], client: httpx.AsyncClient
) -> None:
    """The relay, as the page shows it: Amal writes in Arabic outside any conversation, taps
    "send", both mentors get her words; Tom taps Reply and his answer reaches her."""
    demo, _url = demo_url
    amal = demo.phone("mentee").user
    tom, marta = demo.phone("mentor").user, demo.phone("comentor").user
    words = "شكراً، هل يمكنني إحضار ابني؟"
    mark = amal.last_seq
    assert (await post(client, "/api/phones/mentee/send", {"text": words})).status_code == 200
    offer = await amal.wait_for_message(
        lambda m: any(str(d).startswith("rl:") for row in m.buttons for _, d in row),
        after=mark,
        timeout=10,
    )
    assert "Tom Walker" in offer.text and "Marta Vidal" in offer.text
    send = offer.buttons[0][0][1]
    tom_mark, marta_mark = tom.last_seq, marta.last_seq
    pressed = await post(
        client, "/api/phones/mentee/press", {"message_id": offer.message_id, "data": send}
    )
    assert pressed.status_code == 200, pressed.text
    copy = await tom.wait_for_message(lambda m: m.text == words, after=tom_mark, timeout=10)
    await marta.wait_for_message(lambda m: m.text == words, after=marta_mark, timeout=10)
    reply = copy.buttons[0][0][1]
    await post(client, "/api/phones/mentor/press", {"message_id": copy.message_id, "data": reply})
    await tom.wait_for_message(lambda m: "/cancel" in m.text, after=tom_mark, timeout=10)
    mark = amal.last_seq
    await post(client, "/api/phones/mentor/send", {"text": "Of course, he is welcome!"})
    await amal.wait_for_message(
        lambda m: m.text == "Of course, he is welcome!", after=mark, timeout=10
    )


async def test_documents_download(demo_url: tuple[Demo, str], client: httpx.AsyncClient) -> None:
    demo, _url = demo_url
    mentee = demo.phone("mentee").user
    await mentee.wait_for_message(lambda m: bool(m.document), after=0)
    state = await phone(client, "mentee")
    documents = [m["document"] for m in state["messages"] if m["document"]]
    assert documents and documents[0]["name"].endswith(".ics")
    response = await client.get(documents[0]["url"])
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content.startswith(b"BEGIN:VCALENDAR")
    assert (await client.get("/api/files/nope")).status_code == 404


async def test_reset_restores_the_seeded_programme(
    demo_url: tuple[Demo, str], client: httpx.AsyncClient
) -> None:
    demo, _url = demo_url
    mentee = demo.phone("mentee").user

    async def counts() -> dict[str, int]:
        async with demo.db.transaction() as session:
            out = {}
            for model in (Person, Meeting, Appointment, Concern, Reminder):
                out[model.__name__] = int(
                    (await session.execute(select(func.count()).select_from(model))).scalar_one()
                )
            return out

    await mentee.wait_for_message(lambda m: bool(m.document), after=0)

    def shape() -> list[tuple[bool, int]]:
        return [(m.document is not None, len(m.keyboard)) for m in mentee.messages]

    seeded_messages = shape()
    seeded = await counts()
    await post(client, "/api/phones/mentor/send", {"text": "/help"})
    await demo.phone("mentor").user.wait_for_message()
    assert (await post(client, "/api/clock/skip", {"minutes": 1440})).status_code == 200
    assert len(mentee.messages) > len(seeded_messages)

    reset = await post(client, "/api/reset", {})
    assert reset.status_code == 200
    assert reset.json()["clock"]["offset_seconds"] == 0
    base = datetime.fromisoformat(reset.json()["clock"]["base"])  # the start of the demo's day
    assert base.astimezone(ZoneInfo(seed.TIMEZONE)).time() == seed.DAY_STARTS
    assert abs(demo.clock.now() - base) < timedelta(seconds=5)
    assert (await phone(client, "mentor"))["messages"] == []
    await mentee.wait_for_message(lambda m: bool(m.document), after=0, timeout=10)
    assert shape() == seeded_messages
    assert await counts() == seeded
    async with demo.db.transaction() as session:
        for p in (await client.get("/api/phones")).json():
            person = await session.get(Person, p["person_id"])
            assert person is not None and person.telegram_id == p["telegram_id"]


# --- never Telegram; a port in use; Ctrl-C -------------------------------------------------------


async def test_the_demo_never_talks_to_telegram(demo_url: tuple[Demo, str]) -> None:
    demo, _url = demo_url
    emulator_url = demo.emulator.base_url
    assert emulator_url.startswith("http://127.0.0.1:")
    assert demo.app.bot.base_url.startswith(emulator_url)
    assert demo.emulator.calls_to("getMe")  # the bot did talk, to the emulator
    real = Settings(token=DEMO_TOKEN)  # type: ignore[arg-type]
    with pytest.raises(DemoError):
        ensure_local(real, emulator_url)


def test_a_port_in_use_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        assert main(["--port", str(port)]) == 2
    finally:
        taken.close()
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"port {port}" in err and "already in use" in err


async def test_a_foreign_database_is_refused(tmp_path: Path) -> None:
    from storage.migrate import upgrade
    from storage.models import Organisation

    path = tmp_path / "real.sqlite3"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await upgrade(db)
    async with db.transaction() as session:
        session.add(
            Organisation(
                name="A real programme", timezone="Europe/Madrid", locale="es",
                created_at=datetime.now(UTC),
            )
        )  # fmt: skip
    await db.dispose()
    with pytest.raises(DemoError, match="not the demo's"):
        await Demo(path).start()
    other = tmp_path / "notes.txt"
    other.write_text("not a database at all, " * 100)
    with pytest.raises(DemoError, match="not the demo's"):
        await Demo(other).start()
    assert other.read_text().startswith("not a database")
    db = Database(f"sqlite+aiosqlite:///{path}")
    async with db.transaction() as session:  # untouched
        assert (await session.execute(select(Person))).first() is None
        assert await seed.is_demo_database(session) is False
    await db.dispose()


def test_the_command_starts_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "bot", "demo", "--port", "0"]
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, line
        assert httpx.get(match.group(), timeout=5).status_code == 200
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, out
    assert "stopped" in out and "Traceback" not in out


# --- the walkthrough works at any hour of the machine's day --------------------------------------


@pytest.mark.parametrize("local", ["00:30", "08:00", "13:00", "21:45", "23:59"])
async def test_the_walkthrough_works_at_any_hour(tmp_path: Path, local: str) -> None:
    """The steps the page and the README describe, with the machine's clock at several hours
    of a Barcelona day: the bot's day starts at 10:00 whatever the hour."""
    hour, minute = (int(x) for x in local.split(":"))
    wall = ManualClock(datetime(2026, 12, 3, hour, minute, tzinfo=ZoneInfo(seed.TIMEZONE)))
    sock = bind(0)
    try:
        async with (
            running(sock, tmp_path / "demo.sqlite3", tick_seconds=3600, wall=wall) as served,
            httpx.AsyncClient(base_url=served.url, timeout=10) as client,
        ):
            demo = served.demo
            start = datetime.fromisoformat((await client.get("/api/clock")).json()["now"])
            assert start.astimezone(ZoneInfo(seed.TIMEZONE)).strftime("%H:%M") == "10:00"
            mentee, mentor = demo.phone("mentee").user, demo.phone("mentor").user
            await mentee.wait_for_message(lambda m: bool(m.document), after=0)

            # Try /log on Tom's phone.
            await post(client, "/api/phones/mentor/send", {"text": "/log"})
            asked = await mentor.wait_for_message(lambda m: bool(m.keyboard), timeout=10)
            assert asked.buttons

            # "Skip 1 day" for Amal's reminder: it arrives, with answers to tap.
            mark = mentee.last_seq
            skipped = await post(client, "/api/clock/skip", {"minutes": 24 * 60})
            assert skipped.status_code == 200 and skipped.json()["jobs"]["reminders"] >= 1
            reminder = await mentee.wait_for_message(
                lambda m: any(d and d.startswith("ans:") for row in m.buttons for _, d in row),
                after=mark,
                timeout=10,
            )
            # She taps "I'll be there"; her mentor hears it.
            data = next(
                d
                for row in reminder.buttons
                for _, d in row
                if d and d.startswith("ans:") and ":c" in d
            )
            mark = mentor.last_seq
            pressed = await post(
                client,
                "/api/phones/mentee/press",
                {"message_id": reminder.message_id, "data": data},
            )
            assert pressed.status_code == 200, pressed.text
            assert "Amal" in (await mentor.wait_for_message(after=mark, timeout=10)).text
            # The concern nobody acknowledged went up to the coordinator.
            await demo.phone("coordinator").user.wait_for_message(after=0, timeout=10)
            # Reset: the demo's day starts again at 10:00.
            assert (await post(client, "/api/reset", {})).status_code == 200
            again = datetime.fromisoformat((await client.get("/api/clock")).json()["now"])
            assert again == start
    finally:
        sock.close()


async def test_a_visitor_matches_the_waiting_family(
    demo_url: tuple[Demo, str], client: httpx.AsyncClient
) -> None:
    """Jordi (the coordinator) opens the queue, sees the Ahmadi family waiting with the best
    mentors and their reasons, and asks Marta, who accepts on her phone."""
    demo, _url = demo_url
    jordi, marta = demo.phone("coordinator").user, demo.phone("comentor").user
    mark = jordi.last_seq
    await post(client, "/api/phones/coordinator/send", {"text": "/requests"})
    queue = await jordi.wait_for_message(lambda m: "Ahmadi" in m.text, after=mark, timeout=10)
    data = next(d for row in queue.buttons for _, d in row if d and d.startswith("rq:o:"))
    mark = jordi.last_seq
    await post(
        client, "/api/phones/coordinator/press", {"message_id": queue.message_id, "data": data}
    )
    card = await jordi.wait_for_message(lambda m: "Marta" in m.text, after=mark, timeout=10)
    assert "Herat" in card.text  # the note, for staff
    ask = next(
        d
        for row in card.buttons
        for label, d in row
        if d and d.startswith("rq:a:") and "Marta" in label
    )
    mark_marta = marta.last_seq
    await post(
        client, "/api/phones/coordinator/press", {"message_id": card.message_id, "data": ask}
    )

    def is_offer(m: Any) -> bool:  # not another of her messages with buttons (a reminder)
        return any(d and d.startswith("of:y:") for row in m.buttons for _, d in row)

    offer = await marta.wait_for_message(is_offer, after=mark_marta, timeout=10)
    assert "Ahmadi" not in offer.text and "Herat" not in offer.text  # the summary only
    yes = next(d for row in offer.buttons for _, d in row if d and d.startswith("of:y:"))
    mark_marta = marta.last_seq
    await post(client, "/api/phones/comentor/press", {"message_id": offer.message_id, "data": yes})
    await marta.wait_for_message(after=mark_marta, timeout=10)
    async with demo.db.transaction() as session:
        offers = list((await session.execute(select(MatchOffer))).scalars())
        assert [o.status for o in offers] == [OfferStatus.ACCEPTED]
