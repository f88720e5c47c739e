"""Doing it, once every answer is in: the settings file, the database (schema, organisation,
first coordinator and their invitation), then Telegram."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import SystemClock
from bot.config import TELEGRAM_API_URL
from bot.services import admin, invites
from bot.setup.answers import Answers, BotInfo, Current, Done
from bot.setup.settings_file import new_encryption_key, write_settings_file
from bot.setup.telegram import api_url, apply_telegram
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Role


async def _apply_database(a: Answers, current: Current, bot: BotInfo, done: Done) -> None:
    db = Database(a.database_url)
    try:
        await upgrade(db)
        now = SystemClock().now()
        async with db.transaction() as session:
            org_id = await _apply_org(session, now, a, current, done)
            person_id = await _apply_coordinator(session, now, a, current, done, org_id)
            if a.new_invitation:
                issued = await invites.create(session, now, person_id)
                done.link = invites.deep_link(bot.username, issued.token)
    finally:
        await db.dispose()


async def _apply_org(
    session: AsyncSession, now: datetime, a: Answers, current: Current, done: Done
) -> int:
    """The organisation created, or changed where the answers differ; its id."""
    if current.org_id is None:
        org = await admin.add_org(
            session,
            now,
            name=a.organisation,
            timezone=a.timezone,
            locale=a.language,
            country=a.country or None,
            emergency_phone=a.emergency_phone,
            office_phone=a.office_phone or None,
            help_lines=a.help_lines or None,
        )
        done.org = "created"
        return org.id
    was = current.answers
    changes: dict[str, Any] = {
        key: new
        for key, old, new in (
            ("name", was.organisation, a.organisation),
            ("timezone", was.timezone, a.timezone),
            ("locale", was.language, a.language),
            ("emergency_phone", was.emergency_phone, a.emergency_phone),
            ("office_phone", was.office_phone, a.office_phone),
            ("help_lines", was.help_lines, a.help_lines),
        )
        if old != new
    }
    if changes:
        await admin.set_org(session, now, current.org_id, country=a.country or None, **changes)
        done.org = "changed: " + ", ".join(sorted(changes))
    else:
        done.org = "unchanged"
    return current.org_id


async def _apply_coordinator(
    session: AsyncSession, now: datetime, a: Answers, current: Current, done: Done, org_id: int
) -> int:
    """The first coordinator created (a new name is a new person), or their language
    changed; their id."""
    person_id = current.coordinator_id
    if person_id is None or a.coordinator != current.answers.coordinator:
        person = await admin.add_person(
            session,
            now,
            org=org_id,
            role=Role.COORDINATOR.value,
            name=a.coordinator,
            locale=a.coordinator_language,
        )
        done.coordinator = "created"
        return person.id
    if a.coordinator_language != current.answers.coordinator_language:
        await admin.set_person(session, now, person_id, locale=a.coordinator_language)
        done.coordinator = "changed: locale"
    else:
        done.coordinator = "unchanged"
    return person_id


def apply(a: Answers, current: Current, bot: BotInfo, path: Path) -> Done:
    done = Done()
    changes = {
        "MENTORBOT_TOKEN": a.token,
        "MENTORBOT_DATABASE_URL": a.database_url,
        "MENTORBOT_BOT_USERNAME": bot.username,
        "MENTORBOT_LANGUAGES": ",".join([a.language, *a.languages]),
    }
    if api_url() != TELEGRAM_API_URL:
        changes["MENTORBOT_API_URL"] = api_url()
    if not {"MENTORBOT_ENCRYPTION_KEY", "MENTORBOT_ENCRYPTION_KEY_FILE"} & (
        set(current.values) | set(os.environ)
    ):
        changes["MENTORBOT_ENCRYPTION_KEY"] = new_encryption_key()
    changes = {k: v for k, v in changes.items() if current.values.get(k) != v}
    done.settings_written = write_settings_file(path, current.lines, changes)
    if "MENTORBOT_ENCRYPTION_KEY" in changes:
        print(
            f"  {path} holds a new MENTORBOT_ENCRYPTION_KEY: keep a copy of it somewhere safe; "
            "if it is lost, the data is lost with it."
        )
    asyncio.run(_apply_database(a, current, bot, done))
    apply_telegram(a, done)
    return done
