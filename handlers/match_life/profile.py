"""A mentor's `/profile`: languages, area, availability, skills, how many families at once,
gender; each changed with a tap, the area typed (flow "profile", state "area", no data)."""

from __future__ import annotations

from typing import Any

from bot.i18n import SUPPORTED_LOCALES, isolate
from bot.notifications import match_texts
from bot.notifications.match_texts import PROFILE_PREFIX
from bot.services import profiles
from bot.services.drafts import Draft
from bot.services.errors import Invalid
from handlers.common import Buttons, Ctx, chunk
from storage.match_life import ALL_SLOTS, Gender, Topic

PROFILE_FLOW = "profile"
LANGUAGES = [code for code in SUPPORTED_LOCALES]


def _profile_text(ctx: Ctx, view: profiles.MentorView) -> str:
    tr, _ = ctx.tr, ctx._
    none = _("not given")
    lines = [
        _("<b>Your mentor profile</b>"),
        _("Languages: %(value)s") % {"value": match_texts.languages(tr, view.languages) or none},
        _("Area: %(value)s") % {"value": isolate(view.area) if view.area else none},
        _("Availability: %(value)s") % {"value": match_texts.slots(tr, view.availability) or none},
        _("Can help with: %(value)s") % {"value": match_texts.topics(tr, view.skills) or none},
        _("Families at once: %(n)s") % {"n": tr.number(view.capacity)},
        _("Gender: %(value)s")
        % {"value": _(match_texts.GENDERS[Gender(view.gender)]) if view.gender else none},
        "",
        _("Tap what you want to change."),
    ]
    return "\n".join(lines)


def _profile_menu(ctx: Ctx) -> Buttons:
    p = PROFILE_PREFIX
    return [
        [(ctx._("Languages"), f"{p}:l"), (ctx._("Area"), f"{p}:a")],
        [(ctx._("Availability"), f"{p}:t"), (ctx._("Skills"), f"{p}:s")],
        [(ctx._("Families at once"), f"{p}:c"), (ctx._("Gender"), f"{p}:g")],
    ]


async def on_profile(ctx: Ctx) -> None:
    view = await profiles.mentor_view(ctx.session, ctx.me)
    ctx.reply(_profile_text(ctx, view), _profile_menu(ctx))


def mark(on: bool) -> str:
    return "✅ " if on else ""


async def _profile_field(ctx: Ctx, field: str, view: profiles.MentorView) -> None:
    p, tr = PROFILE_PREFIX, ctx.tr
    done = [(ctx._("Done"), f"{p}:v")]
    if field == "l":
        rows = [
            [
                (
                    match_texts.language(tr, code)
                    + (
                        f" · {ctx._(match_texts.LEVELS[view.languages[code]])}"
                        if code in view.languages
                        else ""
                    ),
                    f"{p}:l:{code}",
                )
            ]
            for code in LANGUAGES
        ]
        text = ctx._("Tap a language to change how well you speak it: basic, good, fluent, none.")
        ctx.edit(text, [*chunk([r[0] for r in rows], 2), done])
    elif field == "t":
        rows = [
            [
                (
                    mark(f"{day}:{part}" in view.availability)
                    + match_texts.slot(tr, f"{day}:{part}"),
                    f"{p}:t:{day}:{part}",
                )
                for part in match_texts.PARTS
            ]
            for day in match_texts.DAYS
        ]
        ctx.edit(ctx._("When are you usually free? Tap to switch."), [*rows, done])
    elif field == "s":
        items = [
            (mark(t.value in view.skills) + ctx._(match_texts.TOPICS[t]), f"{p}:s:{t.value}")
            for t in Topic
        ]
        ctx.edit(ctx._("What can you help with? Tap to switch."), [*chunk(items, 2), done])
    elif field == "c":
        items = [(mark(n == view.capacity) + tr.number(n), f"{p}:c:{n}") for n in range(1, 6)]
        ctx.edit(ctx._("How many families can you mentor at once?"), [items, done])
    elif field == "g":
        items = [
            (mark(view.gender == g.value) + ctx._(match_texts.GENDERS[g]), f"{p}:g:{g.value}")
            for g in Gender
        ]
        items.append((mark(view.gender is None) + ctx._("I prefer not to say"), f"{p}:g:-"))
        ctx.edit(ctx._("Your gender (some families prefer a woman mentor):"), [*chunk(items, 2)])
    elif field == "a":
        await ctx.save_draft(PROFILE_FLOW, "area", {})  # the area is typed: no data
        ctx.edit(ctx._("Type the district or area where you live or can meet, or /cancel."))


async def on_profile_press(ctx: Ctx, args: list[str]) -> None:
    field, value, extra = [*args, "", "", ""][:3]
    view = await profiles.mentor_view(ctx.session, ctx.me)
    if field == "v" or (field in ("l", "t", "s", "c", "g", "a") and not value):
        if field == "v":
            ctx.edit(_profile_text(ctx, view), _profile_menu(ctx))
        else:
            await _profile_field(ctx, field, view)
        return
    changes: dict[str, Any] = {}
    if field == "l":
        level = view.languages.get(value, 0) % 3 + 1 if value in view.languages else 1
        langs = dict(view.languages)
        if value in view.languages and view.languages[value] == 3:
            langs.pop(value)
        else:
            langs[value] = level
        changes["languages"] = langs
    elif field == "t":
        chosen = f"{value}:{extra}"
        if chosen not in ALL_SLOTS:
            raise Invalid("bad_data")
        changes["availability"] = sorted(set(view.availability) ^ {chosen})
    elif field == "s":
        changes["skills"] = sorted(set(view.skills) ^ {value})
    elif field == "c":
        changes["capacity"] = value
    elif field == "g":
        changes["gender"] = "" if value == "-" else value
    else:
        raise Invalid("bad_data")
    view = await profiles.set_own_profile(ctx.session, ctx.now, ctx.me, **changes)
    if field in ("c", "g"):
        ctx.edit(_profile_text(ctx, view), _profile_menu(ctx))
    else:
        await _profile_field(ctx, field, view)


async def on_area_text(ctx: Ctx, draft: Draft, text: str) -> None:
    try:
        view = await profiles.set_own_profile(ctx.session, ctx.now, ctx.me, area=text)
    except Invalid:
        ctx.reply(ctx._("Please type a shorter name of your area (at most 100 characters)."))
        return
    await ctx.clear_draft()
    ctx.reply(_profile_text(ctx, view), _profile_menu(ctx))
