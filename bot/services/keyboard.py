"""The mentee's reply keyboard: a few buttons under the message field (My meetings,
Contacts, I need help, Language). A tap sends its label as text; the label is read back as a
command here, never passed on as a message. The labels last sent to a person are kept, so a
tap on an older label (the catalogs or the person's language changed since) still works, and
the keyboard is then sent again with the current labels."""

from __future__ import annotations

import json

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, NP_, SUPPORTED_LOCALES, Translator, translator
from storage.models import Person, Role

INTRO = N_(
    "Use the buttons below to see your meetings and your contacts, to ask for help or to "
    "change the language. To write to your mentors, just send me a message or a voice "
    "message."
)

# (action, emoji, label): the action names the command a tap runs.
KEYS = (
    # Translators: a button under a mentee's message field: their coming meetings.
    ("next", "📅", NP_("mentee keyboard", "My meetings")),
    # Translators: a button under a mentee's message field: whom to call.
    ("contacts", "📞", NP_("mentee keyboard", "Contacts")),
    ("needhelp", "🆘", N_("I need help")),
    # Translators: a button under a mentee's message field: change the bot's language.
    ("language", "🌐", NP_("mentee keyboard", "Language")),
)


ACTIONS = frozenset(action for action, _, _ in KEYS)


def labels(tr: Translator) -> dict[str, str]:
    """The current label of each action, in the reader's language."""
    return {action: f"{emoji} {tr.gettext(text)}" for action, emoji, text in KEYS}


def rows(tr: Translator) -> list[list[str]]:
    """One button per row."""
    return [[label] for label in labels(tr).values()]


def _stored(person: Person) -> dict[str, str]:
    try:
        found = json.loads(person.keyboard_labels or "{}")
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): v for k, v in found.items() if isinstance(v, str) and k in ACTIONS}


def _known(person: Person) -> dict[str, str]:
    """Label -> action: the person's stored labels, then the current ones in every language."""
    found: dict[str, str] = {}
    for locale in SUPPORTED_LOCALES:
        for action, label in labels(translator(locale)).items():
            found.setdefault(label, action)
    for action, label in _stored(person).items():
        found[label] = action
    return found


def action_of(person: Person, text: str) -> str | None:
    """The action of a tapped label (None: the text is not a label of this keyboard)."""
    return _known(person).get(text.strip())


def outdated(person: Person, tr: Translator) -> bool:
    """The keyboard the person has is not the current one (or they have none)."""
    return _stored(person) != labels(tr)


async def action_for(session: AsyncSession, person_id: int, text: str) -> str | None:
    """`action_of` for a person known by id (the row loaded with the update: no query)."""
    person = await session.get(Person, person_id)
    return action_of(person, text) if person is not None else None


async def outdated_for(session: AsyncSession, person_id: int, tr: Translator) -> bool:
    """`outdated` for a person known by id."""
    person = await session.get(Person, person_id)
    return person is not None and outdated(person, tr)


def remember(person: Person, tr: Translator) -> list[list[str]]:
    """Record that the current keyboard is sent to the person; returns its rows."""
    person.keyboard_labels = json.dumps(labels(tr), ensure_ascii=False, sort_keys=True)
    return rows(tr)


async def remember_for(
    session: AsyncSession, person_id: int, tr: Translator
) -> list[list[str]] | None:
    """`remember` for a person known by id; None when they are not a mentee (only mentees
    have the keyboard)."""
    person = await session.get(Person, person_id)
    if person is None or person.role != Role.MENTEE:
        return None
    return remember(person, tr)
