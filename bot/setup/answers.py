"""The answers of the set-up, what is there already, and the bot as Telegram describes it."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_DATABASE = "mentorbot.sqlite3"
# The keys of an answers file (`--from-file`); missing ones keep their current value.
FILE_KEYS = (
    "token", "database_url", "organisation", "country", "timezone", "language", "languages",
    "emergency_phone", "office_phone", "coordinator", "coordinator_language", "profile_photo",
    "new_invitation", "help_lines",
)  # fmt: skip


class SetupError(Exception):
    """One line for the operator; nothing was changed by the step that raised it."""


@dataclass
class Answers:
    token: str = ""
    database_url: str = ""
    organisation: str = ""
    country: str = ""
    timezone: str = ""
    language: str = "en"
    languages: list[str] = field(default_factory=list)  # besides `language`
    emergency_phone: str = "112"
    office_phone: str = ""
    coordinator: str = ""
    coordinator_language: str = ""
    profile_photo: str = ""
    new_invitation: bool = True
    # {"gender_violence": "016", ...}: bot.services.help_lines
    help_lines: dict[str, str] = field(default_factory=dict)


@dataclass
class Current:
    """What is there already: the settings file's lines, and the organisation in the database."""

    lines: list[str]
    values: dict[str, str]
    answers: Answers
    org_id: int | None = None
    coordinator_id: int | None = None
    coordinator_linked: bool = False
    schema_current: bool = False


@dataclass(frozen=True)
class BotInfo:
    username: str
    first_name: str
    can_join_groups: bool
    can_read_all_group_messages: bool


@dataclass
class Done:
    """What the set-up changed, for its last lines."""

    settings_written: bool = False
    org: str = ""
    coordinator: str = ""
    link: str | None = None
    telegram: list[str] = field(default_factory=list)
