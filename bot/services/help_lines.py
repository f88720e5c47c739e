"""An organisation's help lines: a short list of numbers with what each is for (emergencies,
gender violence, mental health and suicide prevention, child protection). A mentee who says
they feel bad or do not feel safe sees the lines for that situation first."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import NP_
from bot.services import actors, people
from bot.services.contacts import format_phone, region_of
from bot.services.errors import Invalid
from domain.values import Actor
from storage.models import ConcernCategory, Organisation


class HelpPurpose(enum.StrEnum):
    EMERGENCY = "emergency"
    GENDER_VIOLENCE = "gender_violence"
    MENTAL_HEALTH = "mental_health"
    CHILD_PROTECTION = "child_protection"


PURPOSE_LABELS: dict[HelpPurpose, str] = {
    # Translators: what a help line is for, before its number: "Emergencies: 112".
    HelpPurpose.EMERGENCY: NP_("help line", "Emergencies"),
    # Translators: a help line for violence against women (Spain's 016).
    HelpPurpose.GENDER_VIOLENCE: NP_("help line", "Violence against women"),
    # Translators: a help line for mental health and suicide prevention (Spain's 024).
    HelpPurpose.MENTAL_HEALTH: NP_("help line", "Mental health and suicide prevention"),
    # Translators: a help line for children in danger (Europe's 116 111).
    HelpPurpose.CHILD_PROTECTION: NP_("help line", "Children in danger"),
}

# The lines shown for each situation, the most fitting first; lines not listed are not shown.
ORDER: dict[ConcernCategory | None, tuple[HelpPurpose, ...]] = {
    ConcernCategory.SAFETY: (
        HelpPurpose.EMERGENCY,
        HelpPurpose.GENDER_VIOLENCE,
        HelpPurpose.CHILD_PROTECTION,
        HelpPurpose.MENTAL_HEALTH,
    ),
    ConcernCategory.WELLBEING: (
        HelpPurpose.MENTAL_HEALTH,
        HelpPurpose.EMERGENCY,
        HelpPurpose.GENDER_VIOLENCE,
        HelpPurpose.CHILD_PROTECTION,
    ),
    None: tuple(HelpPurpose),  # every line, as in the contacts
}

ALIASES = {p.value.replace("_", "-"): p for p in HelpPurpose} | {
    "gender": HelpPurpose.GENDER_VIOLENCE,
    "suicide": HelpPurpose.MENTAL_HEALTH,
    "mental": HelpPurpose.MENTAL_HEALTH,
    "children": HelpPurpose.CHILD_PROTECTION,
    "child": HelpPurpose.CHILD_PROTECTION,
}


@dataclass(frozen=True)
class HelpLine:
    purpose: HelpPurpose
    phone: str  # as dialled from the organisation's country


def purpose_of(name: str) -> HelpPurpose:
    key = name.strip().lower().replace("_", "-")
    found = ALIASES.get(key)
    if found is None:
        names = ", ".join(p.value for p in HelpPurpose)
        raise Invalid("help_line", f"unknown help line {name!r} (one of {names})")
    return found


def check_help_lines(value: str | Mapping[str, str | None], region: str | None) -> dict[str, str]:
    """Help lines as "gender_violence=016,mental_health=024,child_protection=116111" (or a
    mapping); every number is checked like the office phone: a short number of the
    organisation's country or a full number. An empty number removes the line."""
    from bot.services.admin import check_help_line  # admin imports this module's checks

    if isinstance(value, str):
        pairs: list[tuple[str, str]] = []
        for part in value.split(","):
            if not part.strip():
                continue
            name, sep, number = part.partition("=")
            if not sep:
                raise Invalid(
                    "help_line",
                    f"malformed help line {part.strip()!r} (use PURPOSE=NUMBER, "
                    "e.g. gender_violence=016)",
                )
            pairs.append((name, number))
    else:
        pairs = [(k, v or "") for k, v in value.items()]
    lines: dict[str, str] = {}
    for name, number in pairs:
        purpose = purpose_of(name)
        checked = check_help_line(number, region)
        lines[purpose.value] = checked or ""
    return lines


def lines_of(org: Organisation, situation: ConcernCategory | None = None) -> list[HelpLine]:
    """The organisation's lines for a situation, the most fitting first."""
    region = region_of(org)
    stored = dict(org.help_lines or {})
    stored[HelpPurpose.EMERGENCY.value] = org.emergency_phone
    found: list[HelpLine] = []
    for purpose in ORDER.get(situation, ORDER[None]):
        number = stored.get(purpose.value)
        if number:
            found.append(HelpLine(purpose, format_phone(number, region) or number))
    return found


async def for_person(
    session: AsyncSession, person: Actor, situation: ConcernCategory | None = None
) -> list[HelpLine]:
    person = await actors.row(session, person)
    return lines_of(await people.organisation_of(session, person), situation)
