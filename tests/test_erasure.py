"""Erasure: none of the planted values is left in any column of any table (read decrypted),
nor in the raw SQLite file after a checkpoint; the shared records of a family stay while
another member remains; counts and the pseudonymised audit stay; idempotent; messages of the
last 48 hours deleted in Telegram; a restore is erased again from the erasure log."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from telegram import Bot

from bot.cli import main
from bot.clock import ManualClock, SystemClock
from bot.erasing import notice
from bot.services import erasure
from bot.services.errors import NotAllowed, NotFound
from emulator import Emulator
from storage.db import Database
from storage.models import (
    AuditEvent,
    Concern,
    HelpMessage,
    Meeting,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
)
from tests.conftest import KEYRING, TEST_KEY, TOKEN
from tests.planting import Planted, decrypted_scan, plant, raw_scan

pytestmark = pytest.mark.asyncio


async def _erase(db: Database, now: object, person: Person, **kw: object) -> erasure.Erasure:
    async with db.transaction() as session:
        return await erasure.erase(session, now, person.id, actor_id=None, **kw)  # type: ignore[arg-type]


def _everything_of(planted: Planted, who: str) -> set[str]:
    return planted.of(who)


async def test_erasing_a_mentee_alone_in_her_family_leaves_nothing(
    db: Database, clock: ManualClock
) -> None:
    planted = await plant(db, clock.now())
    sara = planted.people["sara"]
    hers = planted.of("sara")
    assert await decrypted_scan(db, hers)  # the control: they are there before
    async with db.transaction() as session:
        counts_before = {
            "meetings": await session.scalar(select(func.count()).select_from(Meeting)),
            "concerns": await session.scalar(select(func.count()).select_from(Concern)),
            "help": await session.scalar(select(func.count()).select_from(HelpMessage)),
        }

    dry = await _erase(db, clock.now(), sara, dry_run=True)
    assert dry.dry_run and dry.counts["meeting notes"] == 1
    assert dry.counts["help messages"] == 2 and dry.counts["inbox updates"] == 1
    assert await decrypted_scan(db, hers)  # a dry run changes nothing

    done = await _erase(db, clock.now(), sara)
    assert done.counts == dry.counts
    assert await decrypted_scan(db, hers) == {}
    assert await raw_scan(db, hers) == set()
    # The family of two keeps its shared records; the others keep theirs.
    others = planted.of("family") | planted.of("amina")
    assert set().union(*(await decrypted_scan(db, others)).values()) == others
    async with db.transaction() as session:
        counts_after = {
            "meetings": await session.scalar(select(func.count()).select_from(Meeting)),
            "concerns": await session.scalar(select(func.count()).select_from(Concern)),
            "help": await session.scalar(select(func.count()).select_from(HelpMessage)),
        }
        person = await session.get(Person, sara.id)
        assert person is not None
        assert person.name == f"#{sara.id}" and person.telegram_id is None
        assert person.erased_at is not None and person.role is Role.MENTEE
        events = (
            (await session.execute(select(AuditEvent).where(AuditEvent.action == "person.erased")))
            .scalars()
            .all()
        )
        assert [(e.target_type, e.target_id) for e in events] == [("person", sara.id)]
        assert events[0].detail["counts"] == done.counts
    assert counts_after == counts_before  # counts stay for the statistics

    again = await _erase(db, clock.now(), sara)
    assert again.already_erased and again.counts == {}
    async with db.transaction() as session:
        assert (
            await session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "person.erased")
            )
            == 1
        )


async def test_a_family_keeps_its_shared_records_until_its_last_member_goes(
    db: Database, clock: ManualClock
) -> None:
    planted = await plant(db, clock.now())
    amina, omar = planted.people["amina"], planted.people["omar"]
    shared = planted.of("family")
    await _erase(db, clock.now(), amina)
    assert await decrypted_scan(db, planted.of("amina")) == {}
    assert await raw_scan(db, planted.of("amina")) == set()
    assert set().union(*(await decrypted_scan(db, shared)).values()) == shared
    done = await _erase(db, clock.now(), omar)  # the last of the family
    assert done.counts["meeting notes"] == 1
    assert await decrypted_scan(db, shared | {omar.name}) == {}
    assert await raw_scan(db, shared | {omar.name}) == set()


async def test_a_coordinator_erases_only_in_their_organisation(
    db: Database, clock: ManualClock
) -> None:
    planted = await plant(db, clock.now())
    elsewhere = await plant(db, clock.now())
    async with db.transaction() as session:
        coord = await session.get(Person, planted.people["coord"].id)
        worker = await session.get(Person, planted.people["worker"].id)
        assert coord is not None and worker is not None
        with pytest.raises(NotFound):
            await erasure.erase_as(session, clock.now(), coord, elsewhere.people["sara"].id)
        with pytest.raises(NotAllowed):
            await erasure.erase_as(session, clock.now(), worker, planted.people["sara"].id)
        done = await erasure.erase_as(session, clock.now(), coord, planted.people["sara"].id)
    assert done.counts and not done.dry_run


async def test_the_command_deletes_recent_messages_tells_the_person_and_logs_the_id(
    db: Database,
    clock: ManualClock,
    emulator: Emulator,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    planted = await plant(db, clock.now())
    sara = planted.people["sara"]
    assert sara.telegram_id is not None
    user = emulator.user(user_id=sara.telegram_id, first_name="Sara", language_code="ar")
    await user.send("/start")
    sent: list[int] = []
    async with Bot(TOKEN, base_url=f"{emulator.base_url}/bot") as bot:
        for i in range(3):
            sent.append((await bot.send_message(sara.telegram_id, f"message {i}")).message_id)
    # Two were sent within 48 hours, one 50 hours ago (by the system clock, which the command
    # reads).
    now = SystemClock().now()
    async with db.transaction() as session:
        for message_id, hours in zip(sent, (50, 20, 1), strict=True):
            session.add(
                OutboxMessage(
                    person_id=sara.id,
                    kind="reminder",
                    text="…",
                    status=OutboxStatus.SENT,
                    not_before=clock.now(),
                    created_at=clock.now(),
                    sent_at=now - timedelta(hours=hours),
                    telegram_chat_id=sara.telegram_id,
                    telegram_message_id=message_id,
                )
            )
        person = await session.get(Person, sara.id)
        assert person is not None
        person.locale = "ar"
    backup = tmp_path / "backup.sqlite3"
    if db.is_sqlite:
        await raw_scan(db, set())  # checkpoint, so the copy is whole
        shutil.copy(db.url.split("///", 1)[1], backup)

    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("MENTORBOT_")]:
        monkeypatch.delenv(name)
    log_file = tmp_path / "erasures.log"
    for name, value in {
        "DATABASE_URL": database_url,
        "ENCRYPTION_KEY": TEST_KEY,
        "TOKEN": TOKEN,
        "API_URL": emulator.base_url,
        "ERASURE_LOG": str(log_file),
    }.items():
        monkeypatch.setenv(f"MENTORBOT_{name}", value)

    assert await asyncio.to_thread(main, ["person", "erase", str(sara.id), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would erase" in out and "within 48 h): 2" in out
    assert not log_file.exists()
    assert await asyncio.to_thread(main, ["person", "erase", str(sara.id)]) == 0
    out = capsys.readouterr().out
    assert "2 recent message(s) deleted" in out and "the person was told" in out
    assert "older than 48 hours stay on their device" in out
    live = [v.text for v in user.messages if not v.deleted]
    assert live[0] == "message 0" and "message 1" not in live and "message 2" not in live
    assert live[-1] == notice("ar")  # the notice, in her language
    assert [json.loads(line)["person"] for line in log_file.read_text().splitlines()] == [sara.id]
    assert await asyncio.to_thread(main, ["person", "erase", str(sara.id)]) == 0
    assert "already erased" in capsys.readouterr().out
    assert len(log_file.read_text().splitlines()) == 1

    if not db.is_sqlite:
        return
    # A backup from before the erasure is restored: the log erases her again.
    await db.dispose()
    shutil.copy(backup, db.url.split("///", 1)[1])
    restored = Database(db.url, keyring=KEYRING)
    try:
        assert await decrypted_scan(restored, planted.of("sara"))
        assert await asyncio.to_thread(main, ["person", "erase", "--replay", str(log_file)]) == 0
        assert await decrypted_scan(restored, planted.of("sara")) == {}
        assert await raw_scan(restored, planted.of("sara")) == set()
    finally:
        await restored.dispose()
