"""The "Show the whole text" button of a card that had to be cut to Telegram's length: the
person's whole text, again checked against who may read it, in as many messages as it needs."""

from __future__ import annotations

from bot.i18n import isolate
from bot.notifications import help_callbacks
from bot.notifications.callbacks import WHOLE_PREFIX
from bot.notifications.concerns import callbacks as concern_callbacks
from bot.services import concerns, texts
from bot.services import help as help_requests
from bot.services.errors import NotFound
from handlers.common import Ctx, id_arg
from handlers.router import Router

# Each piece is wrapped in bidi isolates (two units) and sent as its own message.
PIECE = texts.MESSAGE_MAX - 2


async def _on_whole(ctx: Ctx, args: list[str]) -> None:
    if len(args) != 2:
        raise NotFound("malformed whole-text button")
    kind, record_id = args[0], id_arg(args[1])
    if kind == concern_callbacks.WHOLE_KIND:
        text = await concerns.whole_text(ctx.session, ctx.me, record_id)
    elif kind == help_callbacks.WholeText.KIND:
        text = await help_requests.whole_text(ctx.session, ctx.me, record_id)
    else:
        raise NotFound("unknown whole-text kind")
    for piece in texts.chunks(text, PIECE):
        ctx.reply(isolate(piece))


def register(router: Router) -> None:
    router.callback(WHOLE_PREFIX, _on_whole)
