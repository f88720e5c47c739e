"""`mentorbot setup` driven through a pseudo-terminal (pexpect) as a person would, against the
emulator: a wrong token asked again, the timezone from the country, a wrong number asked again,
the invitation as a link and a QR code; a second run that changes one answer and nothing else;
Ctrl-C that changes nothing; and the answers from a file."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest
from sqlalchemy import func, select

from bot.commands import menu
from bot.i18n import translator
from bot.setup import DESCRIPTION, SHORT_DESCRIPTION
from emulator import Emulator
from storage.db import Database
from storage.models import Invite, Organisation, Person
from tests.conftest import BOT_USERNAME, TOKEN

pytestmark = pytest.mark.asyncio

ROOT = Path(__file__).resolve().parent.parent
UP, DOWN, ENTER, SPACE, ERASE, CTRL_C = "\x1b[A", "\x1b[B", "\r", " ", "\x15", "\x03"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


class Wizard:
    """`mentorbot setup` on a pseudo-terminal: wait for a question, answer it."""

    def __init__(self, cwd: Path, env: dict[str, str], *args: str) -> None:
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "bot", "setup", *args],
            cwd=str(cwd),
            env=env,
            encoding="utf-8",
            timeout=20,
            dimensions=(50, 120),
        )
        self.seen: list[str] = []

    def expect(self, pattern: str) -> str:
        self.child.expect(pattern)
        self.seen.append(str(self.child.before) + str(self.child.after))
        return self.seen[-1]

    def answer(self, question: str, keys: str) -> None:
        self.expect(question)
        self.child.send(keys)

    def end(self) -> tuple[int, str]:
        self.child.expect(pexpect.EOF)
        self.seen.append(str(self.child.before))
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1), "".join(
            self.seen
        )


@pytest.fixture
def environment(tmp_path: Path, emulator: Emulator, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENTORBOT_")}
    env.update(
        MENTORBOT_API_URL=emulator.base_url,
        MENTORBOT_DATABASE_URL=database_url,
        PROMPT_TOOLKIT_NO_CPR="1",  # no cursor-position queries to answer
        TERM="xterm",
        PYTHONPATH=str(ROOT),
    )
    return env


async def drive(steps: Callable[[], tuple[int, str]]) -> tuple[int, str]:
    """The terminal is driven in a thread while the emulator answers on this loop."""
    return await asyncio.to_thread(steps)


def first_run(cwd: Path, env: dict[str, str], photo: Path) -> tuple[int, str]:
    w = Wizard(cwd, env)
    w.answer("token, from @BotFather", "123:not-the-token-of-this-bot-at-all" + ENTER)
    w.expect("Telegram does not know this token")
    w.child.send(ERASE + TOKEN + ENTER)
    w.expect(f"The bot: @{BOT_USERNAME}")
    w.expect("can be added to groups")  # the emulator's bot allows groups: the advice
    w.answer("Database", ERASE + "sqlite+aiosqlite:////no-such-folder/bot.sqlite3" + ENTER)
    w.expect("does not exist, or this user may not write there")
    w.child.send(ERASE + env["MENTORBOT_DATABASE_URL"] + ENTER)
    w.answer("organisation's name", "Casal Raval" + ENTER)
    w.answer("Its country", "Atlantis" + ENTER)
    w.expect("unknown country")
    w.child.send(ERASE + "Spain" + ENTER)
    w.answer("Its timezone", "Canary" + ENTER)  # Spain has three: narrowed down by typing
    w.answer("main language", "català" + ENTER)
    # Others: en es ar uk … (without ca): tick es and ar.
    w.answer("Other languages", DOWN + SPACE + DOWN + SPACE + ENTER)
    w.answer("Emergency number", ERASE + "9999" + ENTER)
    w.expect("is not a short number of ES")
    w.child.send(ERASE + "112" + ENTER)
    w.answer("office's phone", "928 123 456" + ENTER)
    w.answer("coordinator's full name", "Marta Puig" + ENTER)
    w.answer("coordinator's language", ENTER)  # the organisation's: ca
    w.answer("profile photo", str(photo) + ENTER)
    w.expect("Start the bot")
    return w.end()


async def test_first_run_from_token_to_invitation(
    tmp_path: Path, environment: dict[str, str], db: Database, emulator: Emulator
) -> None:
    photo = tmp_path / "logo.jpg"
    photo.write_bytes(JPEG)
    code, screen = await drive(lambda: first_run(tmp_path, environment, photo))
    assert code == 0, screen[-2000:]

    settings = tmp_path / ".env"
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600
    lines = settings.read_text().splitlines()
    assert f"MENTORBOT_TOKEN={TOKEN}" in lines
    assert "MENTORBOT_LANGUAGES=ca,es,ar" in lines
    key = next(
        line.split("=", 1)[1] for line in lines if line.startswith("MENTORBOT_ENCRYPTION_KEY=")
    )
    import base64

    assert len(base64.urlsafe_b64decode(key)) == 32
    assert "the data is lost" in screen

    async with db.transaction() as session:
        org = (await session.execute(select(Organisation))).scalar_one()
        marta = (await session.execute(select(Person))).scalar_one()
        invites = (await session.execute(select(func.count()).select_from(Invite))).scalar_one()
    assert (org.name, org.timezone, org.locale) == ("Casal Raval", "Atlantic/Canary", "ca")
    assert (org.emergency_phone, org.office_phone) == ("112", "+34928123456")
    assert (marta.name, marta.role.value, marta.locale) == ("Marta Puig", "coordinator", "ca")
    assert invites == 1
    assert f"https://t.me/{BOT_USERNAME}?start=" in screen
    assert "█" in screen or "▀" in screen  # the QR code, drawn with blocks

    bot = emulator.bot()
    for lang in ("ca", "es", "ar"):
        tr = translator(lang)
        shown = await emulator.api("getMyDescription", language_code=lang)
        short = await emulator.api("getMyShortDescription", language_code=lang)
        assert shown["description"] == tr.gettext(DESCRIPTION) % {"org": "Casal Raval"}
        assert short["short_description"] == tr.gettext(SHORT_DESCRIPTION) % {"org": "Casal Raval"}
        assert lang == "en" or "mentoring programme" not in shown["description"]  # translated
        commands = await emulator.api("getMyCommands", language_code=lang)
        assert commands == [c.to_dict() for c in menu(None, lang)]
    assert ("description", "fr") not in bot.texts  # not a language of the organisation
    assert bot.profile_photo is not None and bot.profile_photo.data == JPEG


ANSWERS = f"""
token = "{TOKEN}"
organisation = "Casal Raval"
country = "ES"
timezone = "Europe/Madrid"
language = "ca"
languages = ["es"]
emergency_phone = "112"
coordinator = "Marta Puig"
help_lines = {{ gender_violence = "016", mental_health = "0 24" }}
"""


async def test_a_second_run_changes_one_answer_and_nothing_else(
    tmp_path: Path, environment: dict[str, str], db: Database, emulator: Emulator
) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text(ANSWERS)
    code, screen = await drive(
        lambda: Wizard(tmp_path, environment, "--from-file", str(answers)).end()
    )
    assert code == 0, screen
    settings_before = (tmp_path / ".env").read_bytes()
    emulator.clear_calls()

    def second_run() -> tuple[int, str]:
        w = Wizard(tmp_path, environment)
        w.answer("token, from @BotFather", ENTER)  # the current one, as default
        w.answer("Database", ENTER)
        w.answer("organisation's name", ENTER)
        w.answer("Its country", ENTER)
        w.answer("Its timezone", ENTER)
        w.answer("main language", ENTER)
        w.answer("Other languages", ENTER)
        w.answer("Emergency number", ENTER)
        w.answer("office's phone", "934 123 456" + ENTER)  # the one change
        w.answer("coordinator's full name", ENTER)
        w.answer("coordinator's language", ENTER)
        w.answer("new invitation link", "n")
        w.answer("profile photo", ENTER)
        w.expect("Start the bot")
        return w.end()

    code, screen = await drive(second_run)
    assert code == 0, screen[-2000:]
    assert "Organisation: changed: office_phone" in screen
    assert "Coordinator: unchanged" in screen and "Telegram: unchanged" in screen
    assert "https://t.me/" not in screen  # no new invitation: the first link still works
    assert (tmp_path / ".env").read_bytes() == settings_before
    async with db.transaction() as session:
        org = (await session.execute(select(Organisation))).scalar_one()
        people = (await session.execute(select(func.count()).select_from(Person))).scalar_one()
        invites = (await session.execute(select(func.count()).select_from(Invite))).scalar_one()
    assert (org.timezone, org.locale, org.office_phone) == ("Europe/Madrid", "ca", "+34934123456")
    assert org.help_lines == {"gender_violence": "016", "mental_health": "024"}
    assert (people, invites) == (1, 1)
    assert not any(c.method.startswith("setMy") for c in emulator.calls)


async def test_ctrl_c_changes_nothing(
    tmp_path: Path, environment: dict[str, str], db: Database
) -> None:
    def interrupted() -> tuple[int, str]:
        w = Wizard(tmp_path, environment)
        w.answer("token, from @BotFather", TOKEN + ENTER)
        w.answer("Database", ENTER)
        w.answer("organisation's name", "Casal" + CTRL_C)
        return w.end()

    code, screen = await drive(interrupted)
    assert code == 130 and "nothing was changed" in screen
    assert not (tmp_path / ".env").exists()
    async with db.transaction() as session:
        assert (
            await session.execute(select(func.count()).select_from(Organisation))
        ).scalar_one() == 0


async def test_answers_from_a_file_are_checked_before_anything_is_done(
    tmp_path: Path, environment: dict[str, str], db: Database
) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text(ANSWERS.replace('timezone = "Europe/Madrid"\n', ""))
    code, screen = await drive(
        lambda: Wizard(tmp_path, environment, "--from-file", str(answers)).end()
    )
    assert code == 1
    assert (
        "ES has several timezones: give one of Europe/Madrid, Africa/Ceuta, Atlantic/Canary"
        in screen
    )
    assert not (tmp_path / ".env").exists()
    answers.write_text(ANSWERS.replace(TOKEN, "123:revoked-or-mistyped-token-xxxxxxxx"))
    code, screen = await drive(
        lambda: Wizard(tmp_path, environment, "--from-file", str(answers)).end()
    )
    assert code == 1 and "Telegram does not know this token" in screen
    async with db.transaction() as session:
        assert (
            await session.execute(select(func.count()).select_from(Organisation))
        ).scalar_one() == 0


async def test_a_countrys_timezones_come_from_babel_the_main_one_first() -> None:
    from bot.setup import check_country, territory_zones, zone_comment

    assert territory_zones(check_country("Spain")) == [
        "Europe/Madrid", "Africa/Ceuta", "Atlantic/Canary",
    ]  # fmt: skip
    assert zone_comment("Atlantic/Canary") == "Canary Islands"
    assert territory_zones(check_country("ua"))[0] == "Europe/Kyiv"
    assert territory_zones(check_country("Senegal")) == ["Africa/Dakar"]  # one: not asked
