"""A mentee's message outside a conversation is offered to pass on to their mentors (or the
office), one tap; mentors answer with the Reply button under the copy (`passing`); a mentor
writes to the family with /write (`write`). The conversation's draft: `RelayDraft`. See
bot/services/relay.py for the rules."""

from __future__ import annotations

from bot.services import relay
from domain import Role
from handlers.relay import passing, write
from handlers.relay.draft import ANSWERING, FLOW, PHRASE, WRITING, RelayDraft
from handlers.relay.lines import held_lines, message_kind
from handlers.relay.passing import offer
from handlers.router import Router

__all__ = ["FLOW", "RelayDraft", "held_lines", "message_kind", "offer", "register"]


def register(router: Router) -> None:
    router.callback(relay.PREFIX, passing.on_press)
    router.text_step(FLOW, ANSWERING, passing.on_answer, media=True)
    router.command("write", write.on_write, roles=frozenset({Role.MENTOR}))
    router.text_step(FLOW, WRITING, write.on_write_message, media=True)
    router.text_step(FLOW, PHRASE, write.on_phrase_text, media=True)
