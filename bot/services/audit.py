"""Audit events: who did what to which record, and when. Ids and codes only, never free text."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import texts
from storage.models import AuditEvent

# Action names are "<what>.<happened>", lower case: "match.created", "consent.given".
ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")

# Names that were written before the one style, as they may still stand in stored rows, and
# what each is now. Stored rows are left as they are (the audit trail is not rewritten);
# whatever reads actions back reads them through `canonical`.
RENAMED = {
    "address_changed": "person.address_changed",
    "consent_declined": "consent.declined",
    "consent_given": "consent.given",
    "evaluation_started": "match.evaluation_started",
    "family_created": "family.created",
    "family_profile_updated": "family_profile.updated",
    "feedback_answered": "feedback.answered",
    "first_meeting_outcome": "match.first_meeting_outcome",
    "invite_created": "invite.created",
    "invite_opened": "invite.opened",
    "language_changed": "person.language_changed",
    "linked": "person.linked",
    "match_closed": "match.closed",
    "match_created": "match.created",
    "match_policy_updated": "match_policy.updated",
    "offer_answered": "offer.answered",
    "offer_sent": "offer.sent",
    "org_created": "org.created",
    "org_updated": "org.updated",
    "person_created": "person.created",
    "person_updated": "person.updated",
    "profile_updated": "mentor_profile.updated",
    "refused": "access.refused",
    "request_created": "request.created",
}


def canonical(action: str) -> str:
    """An action as named today, whether it was stored under an older name or not."""
    return RENAMED.get(action, action)


def record(
    session: AsyncSession,
    now: datetime,
    action: str,
    *,
    actor_id: int | None,
    organisation_id: int | None,
    target: tuple[str, int] | None = None,
    **detail: Any,
) -> AuditEvent:
    event = AuditEvent(
        organisation_id=organisation_id,
        actor_id=actor_id,
        action=action,
        target_type=target[0] if target else None,
        target_id=target[1] if target else None,
        # Forged callback data may hold anything, NUL included (PostgreSQL refuses it).
        detail={k: texts.clean(v) if isinstance(v, str) else v for k, v in detail.items()},
        created_at=now,
    )
    session.add(event)
    return event
