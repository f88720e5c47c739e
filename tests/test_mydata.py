"""`/mydata`: a person's own data, in their language, as a file to read and as JSON, without
the concerns and notes others wrote about them; `mentorbot person export` gives staff all."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from bot.app import App
from bot.cli import main
from bot.clock import ManualClock
from bot.i18n import translator
from storage.db import Database
from storage.models import Person
from tests.conftest import TEST_KEY
from tests.harness import Telegram
from tests.planting import plant

pytestmark = pytest.mark.asyncio


async def test_mydata_gives_her_own_data_without_what_others_wrote(
    app: App, tg: Telegram, db: Database, clock: ManualClock
) -> None:
    planted = await plant(db, clock.now())
    sara_row = planted.people["sara"]
    async with db.transaction() as session:
        person = await session.get(Person, sara_row.id)
        assert person is not None
        person.locale = "es"
    sara = tg.user("Sara", user_id=sara_row.telegram_id, language_code="es")
    await sara.send("/mydata")
    readable, as_json = await sara.next_messages(2)
    assert readable.document is not None and as_json.document is not None
    text = readable.document.data.decode()
    data = json.loads(as_json.document.data)
    tr = translator("es")
    assert text.startswith(tr.gettext("What the mentoring programme stores about you"))
    assert tr.gettext("Concerns you raised") in text and tr.gettext("About you") in text
    assert tr.gettext("About you") != "About you"  # really in Spanish
    values = planted.values["sara"]
    for own in (values["name"], values["phone"], values["t:help"], values["t:place"]):
        assert own in text and own in json.dumps(data, ensure_ascii=False)
    # What others wrote about her: the mentor's concern, notes, report; the worker's reply.
    for others in (
        "t:concern",
        "t:meeting",
        "t:report",
        "t:domain",
        "t:concern-reply",
        "t:resolution",
    ):
        assert values[others] not in text
        assert values[others] not in json.dumps(data, ensure_ascii=False)
    assert data["person"]["id"] == sara_row.id and data["concerns"] == []
    # Nobody else's data either.
    for other in planted.of("amina") | planted.of("family"):
        assert other not in text


async def test_staff_export_the_full_record(
    db: Database,
    clock: ManualClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    planted = await plant(db, clock.now())
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("MENTORBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MENTORBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("MENTORBOT_ENCRYPTION_KEY", TEST_KEY)
    sara = planted.people["sara"]
    assert await asyncio.to_thread(main, ["person", "export", str(sara.id)]) == 0
    exported = capsys.readouterr().out
    data = json.loads(exported)
    for label in ("t:concern", "t:meeting", "t:report", "t:concern-reply", "t:help", "name"):
        assert planted.values["sara"][label] in exported
    assert data["person"]["id"] == sara.id
    assert await asyncio.to_thread(main, ["person", "export", "999999"]) == 1
    assert "no person 999999" in capsys.readouterr().err
