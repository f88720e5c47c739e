"""An organisation's matching policy: how long a request may wait before it is flagged, the
written rematch policy (shown to staff with every rematch request) and the contact policy
after a match closes (stated in every goodbye)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import admin, audit, texts
from bot.services.errors import Invalid

AGE_LIMIT_DAYS = (1, 365)
POLICY_MAX = 1000


@dataclass(frozen=True)
class MatchPolicy:
    organisation_id: int
    request_age_limit_days: int
    rematch_policy: str | None
    contact_policy: str | None


def _text(value: str, what: str) -> str | None:
    clean = texts.clean(value).strip()
    if len(clean) > POLICY_MAX:
        raise Invalid("too_long", f"the {what} is longer than {POLICY_MAX} characters")
    return clean or None


async def set_policy(
    session: AsyncSession,
    now: datetime,
    org: str | int,
    *,
    request_age_limit_days: str | int | None = None,
    rematch_policy: str | None = None,
    contact_policy: str | None = None,
) -> MatchPolicy:
    """Change what is given; an empty text clears a policy."""
    organisation = await admin.find_org(session, org)
    values: dict[str, Any] = {}
    if request_age_limit_days is not None:
        text = str(request_age_limit_days).strip()
        if not text.isdigit() or not AGE_LIMIT_DAYS[0] <= int(text) <= AGE_LIMIT_DAYS[1]:
            raise Invalid("range", "the request age limit must be 1 to 365 days")
        values["request_age_limit_days"] = int(text)
    if rematch_policy is not None:
        values["rematch_policy"] = _text(rematch_policy, "rematch policy")
    if contact_policy is not None:
        values["contact_policy"] = _text(contact_policy, "contact policy")
    if not values:
        raise Invalid("nothing", "nothing to change: give at least one setting")
    for key, value in values.items():
        setattr(organisation, key, value)
    await session.flush()
    audit.record(
        session,
        now,
        "match_policy.updated",
        actor_id=None,
        organisation_id=organisation.id,
        target=("organisation", organisation.id),
        fields=sorted(values),
    )
    return MatchPolicy(
        organisation.id,
        organisation.request_age_limit_days,
        organisation.rematch_policy,
        organisation.contact_policy,
    )
