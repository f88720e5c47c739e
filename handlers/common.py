"""What every handler shares: one transaction per update (which also marks the update handled
in the inbox and stores the replies it owes), the person behind it, their language, and
replies sent only once the transaction has committed (bot/intake.py, bot/replies.py).

A feature handler is `async def step(ctx: Ctx) -> None` (commands), `async def on_press(ctx, args)`
(buttons: callback data `"<prefix>:<arg>:<arg>"`) or `async def on_text(ctx, draft, text)`
(a typed answer while a conversation is in progress). It parses input, calls a service, and
renders the reply with `ctx._`; it holds no business rules and no SQL.

What a handler uses is imported from here: `Ctx` and the argument parsers live in
`handlers.context`, `wrap` and what it needs in `handlers.wrapping`.
"""

from __future__ import annotations

from bot.markup import Buttons
from handlers.context import (
    RESUME_COMMANDS,
    Ctx,
    CtxHandler,
    PressHandler,
    TextStep,
    chunk,
    id_arg,
    number_arg,
)
from handlers.wrapping import (
    AlreadyHandled,
    client_translator,
    not_linked_text,
    planned_replies,
    wrap,
)

__all__ = [
    "RESUME_COMMANDS",
    "AlreadyHandled",
    "Buttons",
    "Ctx",
    "CtxHandler",
    "PressHandler",
    "TextStep",
    "chunk",
    "client_translator",
    "id_arg",
    "not_linked_text",
    "number_arg",
    "planned_replies",
    "wrap",
]
