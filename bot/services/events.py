"""The domain events a transaction recorded (`domain.events`), kept on its session until the
owner of the transaction dispatches them (`bot.notifications.bus.dispatch`) before it commits.

A service says what happened here and renders nothing: who reads what, and how, is the
notifications layer's. A transaction that would commit with events nobody dispatched is
refused (its notifications would be lost), so a missing dispatch fails loudly, not silently.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.events import Event

_KEY = "domain_events"

Recorded = tuple[datetime, Event]


class Undispatched(RuntimeError):
    """A transaction tried to commit with domain events nobody dispatched."""


def record(session: AsyncSession, now: datetime, event: Event) -> None:
    """`event` happened at `now`, in this session's transaction."""
    session.info.setdefault(_KEY, []).append((now, event))


def recorded(session: AsyncSession) -> list[Event]:
    """The events recorded and not yet dispatched (for tests)."""
    return [e for _now, e in session.info.get(_KEY, [])]


def take(session: AsyncSession) -> list[Recorded]:
    """Hand over the events recorded so far (in order) and forget them."""
    taken: list[Recorded] = session.info.pop(_KEY, [])
    return taken


@sa_event.listens_for(Session, "before_commit")
def _refuse_undispatched(session: Session) -> None:
    if session.info.get(_KEY):
        kinds = sorted({type(e).__name__ for _now, e in session.info[_KEY]})
        session.info.pop(_KEY)
        raise Undispatched("domain events recorded but never dispatched: " + ", ".join(kinds))


@sa_event.listens_for(Session, "after_rollback")
def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_KEY, None)
