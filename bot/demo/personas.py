"""The demo's cast: who is seeded, in which language, with which Telegram account, and what
matching knows of the mentors."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import RTL_LOCALES
from storage.match_life import Gender
from storage.models import Role


@dataclass(frozen=True)
class Persona:
    """A seeded person and the Telegram account they use in the demo."""

    key: str
    first_name: str
    last_name: str
    role: Role
    locale: str
    telegram_id: int | None
    about: str  # shown above the phone on the demo page
    shown: bool = False  # shown by default on the page
    family: str | None = None
    phone: str | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def rtl(self) -> bool:
        return self.locale in RTL_LOCALES or self.locale == "he"


HADDAD = "Haddad"
KOVALENKO = "Kovalenko"
AHMADI = "Ahmadi"  # waiting for mentors: the visitor matches them (Jordi's /requests)

PERSONAS: tuple[Persona, ...] = (
    Persona("mentor", "Tom", "Walker", Role.MENTOR, "en", 7_100_000_001,
            "Mentor of the Haddad family", shown=True, phone="+34612000101"),
    Persona("mentee", "Amal", "Haddad", Role.MENTEE, "ar", 7_100_000_002,
            "Mentee, Haddad family (Arabic)", shown=True, family=HADDAD, phone="+34612000102"),
    Persona("worker", "Laura", "Sánchez", Role.WORKER, "es", 7_100_000_003,
            "Referring social worker", shown=True, phone="+34612000103"),
    Persona("comentor", "Marta", "Vidal", Role.MENTOR, "ca", 7_100_000_004,
            "Second mentor of the Haddad family", phone="+34612000104"),
    Persona("single_mentor", "Javier", "Romero", Role.MENTOR, "es", 7_100_000_005,
            "Mentor of Olena Kovalenko", phone="+34612000105"),
    Persona("single_mentee", "Olena", "Kovalenko", Role.MENTEE, "uk", 7_100_000_006,
            "Mentee (Ukrainian)", family=KOVALENKO, phone="+34612000106"),
    Persona("coordinator", "Jordi", "Puig", Role.COORDINATOR, "ca", 7_100_000_007,
            "Programme coordinator"),
    # Family members without a phone of their own: Amal's phone is the family's.
    Persona("husband", "Khaled", "Haddad", Role.MENTEE, "ar", None, "", family=HADDAD),
    Persona("son", "Yusuf", "Haddad", Role.MENTEE, "ar", None, "", family=HADDAD),
    Persona("waiting", "Zahra", "Ahmadi", Role.MENTEE, "fa", None, "", family=AHMADI),
)  # fmt: skip

# Matching profiles (bot.services.profiles): languages with levels, area, free slots, skills,
# how many families, gender.
MENTOR_PROFILES = {
    "mentor": ({"en": 3, "es": 2, "ar": 1}, "Raval", ["tue:eve", "thu:eve", "sat:am"],
               ["language", "leisure"], 2, Gender.MALE),
    "comentor": ({"ca": 3, "es": 3, "fa": 1}, "Raval", ["tue:eve", "sat:am"],
                 ["paperwork", "school"], 2, Gender.FEMALE),
    "single_mentor": ({"es": 3, "uk": 1}, "Sants", ["mon:pm", "wed:pm"],
                      ["job", "housing"], 2, Gender.MALE),
}  # fmt: skip


def persona(key: str) -> Persona:
    for p in PERSONAS:
        if p.key == key:
            return p
    raise KeyError(key)


def linked_personas() -> list[Persona]:
    """The personas with a Telegram account: one phone each on the page."""
    return [p for p in PERSONAS if p.telegram_id is not None]
