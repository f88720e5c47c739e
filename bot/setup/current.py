"""What is there already: the settings file's values and the database's organisation and
first coordinator, the defaults of the questions."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from bot.i18n import SUPPORTED_LOCALES
from bot.services import admin
from bot.setup.answers import DEFAULT_DATABASE, Answers, Current
from bot.setup.settings_file import read_settings_file
from storage.db import Database
from storage.migrate import check_schema


async def read_database(url: str, current: Current) -> None:
    db = Database(url)
    try:
        try:
            await check_schema(db)
        except Exception:  # no schema yet, or not reachable: nothing to read
            return
        current.schema_current = True
        async with db.transaction() as session:
            orgs = await admin.list_orgs(session)
            if not orgs:
                return
            org = orgs[0]
            people = await admin.list_people(session, org.id, "coordinator")
        a = current.answers
        current.org_id = org.id
        a.organisation, a.timezone, a.language = org.name, org.timezone, org.locale
        a.country = org.region or a.country
        a.emergency_phone, a.office_phone = org.emergency_phone, org.office_phone or ""
        a.help_lines = dict(org.help_lines)
        if people:
            first = people[0]
            current.coordinator_id, current.coordinator_linked = first.id, first.linked
            a.coordinator, a.coordinator_language = first.name, first.locale or org.locale
            a.new_invitation = not first.linked
    finally:
        await db.dispose()


def read_current(path: Path) -> Current:
    lines, values = read_settings_file(path)
    env = {**values, **{k: v for k, v in os.environ.items() if k.startswith("MENTORBOT_")}}
    answers = Answers(
        token=env.get("MENTORBOT_TOKEN", ""),
        database_url=env.get("MENTORBOT_DATABASE_URL")
        or f"sqlite+aiosqlite:///{path.resolve().parent / DEFAULT_DATABASE}",
        languages=[
            code
            for code in env.get("MENTORBOT_LANGUAGES", "").replace(" ", "").split(",")
            if code in SUPPORTED_LOCALES
        ],
    )
    current = Current(lines, values, answers)
    if answers.database_url.startswith(("sqlite+aiosqlite:///", "postgresql+asyncpg://")):
        asyncio.run(read_database(answers.database_url, current))
    answers.languages = [code for code in answers.languages if code != answers.language]
    answers.new_invitation = current.coordinator_id is None or not current.coordinator_linked
    return current
