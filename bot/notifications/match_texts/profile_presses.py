"""The callback data of a mentor's `/profile` buttons (prefix `pf`), in one place, drawn and
read through the same classes. The strings never change, so that buttons already in people's
chats keep working:

- `pf:v` the profile with its menu; `pf:<field>` a field's choices (`ProfileField`: `l`
  languages, `a` area, `t` availability, `s` skills, `c` families at once, `g` gender);
- `pf:l:<language>` a language's level switched, `pf:t:<day>:<part>` a time slot switched,
  `pf:s:<topic>` a skill switched, `pf:c:<n>` families at once, `pf:g:<gender>` the gender
  (`-`: not said).

The values are carried as text: the profiles service checks each one (`Invalid` when it is
not one it knows), as it does the values typed in the command line.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from bot.notifications import presses
from bot.notifications.match_texts.callbacks import PROFILE_PREFIX
from bot.services.errors import NotFound

NO_GENDER = "-"


class ProfileField(enum.StrEnum):
    LANGUAGES = "l"
    AREA = "a"
    AVAILABILITY = "t"
    SKILLS = "s"
    CAPACITY = "c"
    GENDER = "g"


@dataclass(frozen=True)
class ProfileShow(presses.Press):
    PREFIX = PROFILE_PREFIX
    ACTION = "v"


@dataclass(frozen=True)
class ProfileMenu(presses.Press):
    """A field's choices: the field is the action (`pf:l`)."""

    PREFIX = PROFILE_PREFIX
    field: ProfileField


@dataclass(frozen=True)
class ProfileLanguage(presses.Press):
    PREFIX = PROFILE_PREFIX
    ACTION = "l"
    code: str


@dataclass(frozen=True)
class ProfileSlot(presses.Press):
    PREFIX = PROFILE_PREFIX
    ACTION = "t"
    day: str
    part: str

    @property
    def slot(self) -> str:
        return f"{self.day}:{self.part}"


@dataclass(frozen=True)
class ProfileSkill(presses.Press):
    PREFIX = PROFILE_PREFIX
    ACTION = "s"
    topic: str


@dataclass(frozen=True)
class ProfileCapacity(presses.Press):
    PREFIX = PROFILE_PREFIX
    ACTION = "c"
    families: str


@dataclass(frozen=True)
class ProfileGender(presses.Press):
    PREFIX = PROFILE_PREFIX
    ACTION = "g"
    gender: str  # NO_GENDER: the mentor prefers not to say


_CHOICES: tuple[type[presses.Press], ...] = (
    ProfileLanguage,
    ProfileSlot,
    ProfileSkill,
    ProfileCapacity,
    ProfileGender,
)


def parse_profile(args: Sequence[str]) -> presses.Press:
    """A `pf` press from the parts after the prefix (`["t", "mon", "am"]` for
    `"pf:t:mon:am"`); `NotFound` when they fit none."""
    if not args:
        raise NotFound("unknown button")
    action, rest = args[0], args[1:]
    if action == ProfileShow.ACTION:
        return ProfileShow.unpack(rest)
    if not rest:
        return ProfileMenu.unpack([action])
    return presses.parse(_CHOICES, args)
