"""The life of a match in the chat: a mentor's `/profile` (`profile`), a worker's `/request`, the
coordinators' queue (`/requests`: each request with its age, the best mentors with their
scores and reasons, a button to ask each), and a mentor's answer to being asked.

Callback data is defined in `bot.notifications.match_texts` (prefixes `pf`, `rq`, `of`); every
press is re-checked by the services.
"""

from __future__ import annotations

from bot.notifications.match_texts import OFFER_PREFIX, PROFILE_PREFIX, REQUEST_PREFIX
from domain import Role
from handlers.match_life import profile, queue, request
from handlers.match_life.draft import REQUEST_FLOW, RequestDraft
from handlers.router import Router

__all__ = ["REQUEST_FLOW", "RequestDraft", "register"]

MENTOR = frozenset({Role.MENTOR})
WORKER = frozenset({Role.WORKER})
STAFF = frozenset({Role.WORKER, Role.COORDINATOR})


def register(router: Router) -> None:
    router.command("profile", profile.on_profile, roles=MENTOR)
    router.callback(PROFILE_PREFIX, profile.on_profile_press, roles=MENTOR)
    router.text_step(profile.PROFILE_FLOW, "area", profile.on_area_text)
    router.command("request", request.on_request, roles=WORKER)
    router.command("requests", queue.on_requests, roles=STAFF)
    router.callback(REQUEST_PREFIX, queue.on_request_press, roles=STAFF)
    router.text_step(REQUEST_FLOW, "family", request.on_family_text)
    router.text_step(REQUEST_FLOW, "note", request.on_note_text)
    router.callback(OFFER_PREFIX, queue.on_offer_press, roles=MENTOR)
