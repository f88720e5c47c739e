"""A coordinator erasing a person (`/erase 12`), confirmed twice: the card says what goes,
"Erase" asks once more, "Yes, erase for good" erases (bot/services/erasure/). After the
commit, the messages the bot sent the person in the last 48 hours are deleted in Telegram, they
are told that older ones stay on their device, and the erasure is logged by id."""

from __future__ import annotations

from bot.erasing import in_telegram, log_erasure
from bot.i18n import isolate
from bot.services import erasure
from bot.services.errors import NotFound
from domain import Role
from handlers.common import Ctx
from handlers.erase_callbacks import PREFIX, Cancel, Confirm, Erase, parse
from handlers.router import Router

ERASERS = frozenset({Role.COORDINATOR, Role.ADMIN})


async def on_erase(ctx: Ctx) -> None:
    args = ctx.context.args or []
    if len(args) != 1 or not args[0].isdigit():
        ctx.reply(ctx._("Send /erase and the person's number, for example /erase 12."))
        return
    await _ask(ctx, int(args[0]))


async def _ask(ctx: Ctx, person_id: int) -> None:
    preview = await erasure.erase_as(ctx.session, ctx.now, ctx.me, person_id, dry_run=True)
    if preview.already_erased and not preview.counts:
        ctx.edit(ctx._("This person is already erased."))
        return
    ctx.edit(
        ctx._(
            "Erase %(name)s (#%(id)d)? Their name, contact details and Telegram account, what "
            "they wrote and the records about them are removed for good; counts stay for "
            "statistics."
        )
        % {"name": isolate(preview.name), "id": person_id},
        [[(ctx._("Erase"), Confirm(person_id).pack()), (ctx._("Cancel"), Cancel().pack())]],
    )


async def on_press(ctx: Ctx, args: list[str]) -> None:
    press = parse(args)
    if isinstance(press, Cancel):
        ctx.edit(ctx._("Nothing was erased."))
    elif isinstance(press, Confirm):
        person_id = press.person_id
        preview = await erasure.erase_as(ctx.session, ctx.now, ctx.me, person_id, dry_run=True)
        ctx.edit(
            ctx._("Are you sure? Erasing %(name)s cannot be undone.")
            % {"name": isolate(preview.name)},
            [
                [
                    (ctx._("Yes, erase for good"), Erase(person_id).pack()),
                    (ctx._("Cancel"), Cancel().pack()),
                ]
            ],
        )
    elif isinstance(press, Erase):
        person_id = press.person_id
        done = await erasure.erase_as(ctx.session, ctx.now, ctx.me, person_id)
        if done.already_erased and not done.counts:
            ctx.edit(ctx._("This person is already erased."))
            return
        ctx.edit(
            ctx._(
                "#%(id)d is erased. The messages the bot sent them in the last 48 hours are "
                "deleted; older ones stay on their device, and they are told so."
            )
            % {"id": person_id}
        )
        settings, bot, now = ctx.rt.settings, ctx.context.bot, ctx.now

        async def afterwards() -> None:
            log_erasure(settings.erasure_log, done, now)
            await in_telegram(bot, done)

        ctx.after(afterwards)
    else:
        raise NotFound("no such step")


def register(router: Router) -> None:
    router.command("erase", on_erase, roles=ERASERS)
    router.callback(PREFIX, on_press, roles=ERASERS)
