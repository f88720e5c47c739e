"""Who may do what with a help request, and what a message may be."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.services import access, texts
from bot.services.errors import Invalid, NotAllowed
from domain import HelpKind, Role
from storage.models import HelpRequest, Person

REF = "help_request"
MAX_TEXT = 3000  # UTF-16 units; a longer card is cut, with a button for the whole text

MENTOR_KINDS = (HelpKind.PRACTICAL, HelpKind.RELATIONSHIP, HelpKind.SUPPORT)

# Ready-made messages a mentee can send with one tap: stored as the mentee's own words, in
# their language.
PRESETS: dict[str, str] = {
    "talk": N_("I need to talk to my worker."),
    "call": N_("Please call me."),
    "paper": N_("I got a letter or a form that I do not understand."),
}


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """A typed message without its surrounding blanks, or Invalid("empty" / "too_long")."""
    text = (text or "").strip()
    if not text:
        raise Invalid("empty")
    return texts.check(text, limit)


def may_write(person: Person, hr: HelpRequest) -> bool:
    """Who may read, answer and close a thread, from the request alone: its requester; its
    assigned worker; the coordinators of its organisation. An admin only when escalation
    brought it to them, which `bot.services.access.may_see_help` looks up."""
    if not person.active or person.organisation_id != hr.organisation_id:
        return False
    if person.id == hr.requester_id:
        return True
    if person.id == hr.worker_id and person.role.is_staff:
        return True
    return person.role == Role.COORDINATOR


async def authorise(session: AsyncSession, person: Person, hr: HelpRequest) -> bool:
    """Raises NotAllowed unless `person` may write in the thread; True when they write for
    the programme (staff), False when they are the requester."""
    if not may_write(person, hr) and not await access.may_see_help(session, person, hr):
        raise NotAllowed("not a participant of this help request")
    return person.id != hr.requester_id
