"""A mentor's `/profile`: languages, area, availability, skills, how many families at once,
gender; each changed with a tap, the area typed (flow "profile", state "area", no data). The
buttons are typed presses (`bot.notifications.match_texts.profile_presses`, prefix `pf`)."""

from __future__ import annotations

from typing import Any

from bot.i18n import SUPPORTED_LOCALES, isolate
from bot.notifications import match_texts
from bot.notifications.match_texts import (
    NO_GENDER,
    ProfileCapacity,
    ProfileField,
    ProfileGender,
    ProfileLanguage,
    ProfileMenu,
    ProfileShow,
    ProfileSkill,
    ProfileSlot,
    parse_profile,
)
from bot.services import profiles
from bot.services.drafts import Draft
from bot.services.errors import Invalid, NotFound
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
    def item(label: str, field: ProfileField) -> tuple[str, str]:
        return (label, ProfileMenu(field).pack())

    return [
        [item(ctx._("Languages"), ProfileField.LANGUAGES), item(ctx._("Area"), ProfileField.AREA)],
        [
            item(ctx._("Availability"), ProfileField.AVAILABILITY),
            item(ctx._("Skills"), ProfileField.SKILLS),
        ],
        [
            item(ctx._("Families at once"), ProfileField.CAPACITY),
            item(ctx._("Gender"), ProfileField.GENDER),
        ],
    ]


async def on_profile(ctx: Ctx) -> None:
    view = await profiles.mentor_view(ctx.session, ctx.me)
    ctx.reply(_profile_text(ctx, view), _profile_menu(ctx))


def mark(on: bool) -> str:
    return "✅ " if on else ""


async def _profile_field(ctx: Ctx, field: ProfileField, view: profiles.MentorView) -> None:
    tr = ctx.tr
    done = [(ctx._("Done"), ProfileShow().pack())]
    if field == ProfileField.LANGUAGES:
        rows = [
            [
                (
                    match_texts.language(tr, code)
                    + (
                        f" · {ctx._(match_texts.LEVELS[view.languages[code]])}"
                        if code in view.languages
                        else ""
                    ),
                    ProfileLanguage(code).pack(),
                )
            ]
            for code in LANGUAGES
        ]
        text = ctx._("Tap a language to change how well you speak it: basic, good, fluent, none.")
        ctx.edit(text, [*chunk([r[0] for r in rows], 2), done])
    elif field == ProfileField.AVAILABILITY:
        rows = [
            [
                (
                    mark(f"{day}:{part}" in view.availability)
                    + match_texts.slot(tr, f"{day}:{part}"),
                    ProfileSlot(day, part).pack(),
                )
                for part in match_texts.PARTS
            ]
            for day in match_texts.DAYS
        ]
        ctx.edit(ctx._("When are you usually free? Tap to switch."), [*rows, done])
    elif field == ProfileField.SKILLS:
        items = [
            (mark(t.value in view.skills) + ctx._(match_texts.TOPICS[t]), ProfileSkill(t).pack())
            for t in Topic
        ]
        ctx.edit(ctx._("What can you help with? Tap to switch."), [*chunk(items, 2), done])
    elif field == ProfileField.CAPACITY:
        items = [
            (mark(n == view.capacity) + tr.number(n), ProfileCapacity(str(n)).pack())
            for n in range(1, 6)
        ]
        ctx.edit(ctx._("How many families can you mentor at once?"), [items, done])
    elif field == ProfileField.GENDER:
        items = [
            (mark(view.gender == g.value) + ctx._(match_texts.GENDERS[g]), ProfileGender(g).pack())
            for g in Gender
        ]
        items.append(
            (
                mark(view.gender is None) + ctx._("I prefer not to say"),
                ProfileGender(NO_GENDER).pack(),
            )
        )
        ctx.edit(ctx._("Your gender (some families prefer a woman mentor):"), [*chunk(items, 2)])
    elif field == ProfileField.AREA:
        await ctx.save_draft(PROFILE_FLOW, "area", {})  # the area is typed: no data
        ctx.edit(ctx._("Type the district or area where you live or can meet, or /cancel."))


async def on_profile_press(ctx: Ctx, args: list[str]) -> None:
    try:
        press = parse_profile(args)
    except NotFound:
        raise Invalid("bad_data") from None
    view = await profiles.mentor_view(ctx.session, ctx.me)
    changes: dict[str, Any] = {}
    match press:
        case ProfileShow():
            ctx.edit(_profile_text(ctx, view), _profile_menu(ctx))
            return
        case ProfileMenu(field=field):
            await _profile_field(ctx, field, view)
            return
        case ProfileLanguage(code=code):
            field = ProfileField.LANGUAGES
            langs = dict(view.languages)
            if code in view.languages and view.languages[code] == 3:
                langs.pop(code)
            else:
                langs[code] = view.languages[code] % 3 + 1 if code in view.languages else 1
            changes["languages"] = langs
        case ProfileSlot():
            field = ProfileField.AVAILABILITY
            if press.slot not in ALL_SLOTS:
                raise Invalid("bad_data")
            changes["availability"] = sorted(set(view.availability) ^ {press.slot})
        case ProfileSkill(topic=topic):
            field = ProfileField.SKILLS
            changes["skills"] = sorted(set(view.skills) ^ {topic})
        case ProfileCapacity(families=families):
            field = ProfileField.CAPACITY
            changes["capacity"] = families
        case ProfileGender(gender=gender):
            field = ProfileField.GENDER
            changes["gender"] = "" if gender == NO_GENDER else gender
        case _:
            raise Invalid("bad_data")
    view = await profiles.set_own_profile(ctx.session, ctx.now, ctx.me, **changes)
    if field in (ProfileField.CAPACITY, ProfileField.GENDER):
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
