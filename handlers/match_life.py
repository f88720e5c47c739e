"""The life of a match in the chat: a mentor's `/profile`, a worker's `/request`, the
coordinators' queue (`/requests`: each request with its age, the best mentors with their
scores and reasons, a button to ask each), and a mentor's answer to being asked.

Callback data is defined in `bot.notifications.match_texts` (prefixes `pf`, `rq`, `of`); every
press is re-checked by the services.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import SUPPORTED_LOCALES, isolate
from bot.notifications import match_texts
from bot.notifications.match_texts import OFFER_PREFIX, PROFILE_PREFIX, REQUEST_PREFIX
from bot.services import match_cycle, match_requests, profiles
from bot.services.errors import Invalid
from domain import Role
from handlers.common import Buttons, Ctx, chunk, id_arg
from handlers.router import Router
from storage.match_life import (
    ALL_SLOTS,
    ClosureReason,
    DeclineReason,
    Gender,
    OfferStatus,
    Topic,
    Urgency,
)
from storage.models import Draft

MENTOR = frozenset({Role.MENTOR})
WORKER = frozenset({Role.WORKER})
STAFF = frozenset({Role.WORKER, Role.COORDINATOR})
PROFILE_FLOW = "profile"
REQUEST_FLOW = "request"
LANGUAGES = [code for code in SUPPORTED_LOCALES]


# /profile ---------------------------------------------------------------------------------
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


def _mark(on: bool) -> str:
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
                    _mark(f"{day}:{part}" in view.availability)
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
            (_mark(t.value in view.skills) + ctx._(match_texts.TOPICS[t]), f"{p}:s:{t.value}")
            for t in Topic
        ]
        ctx.edit(ctx._("What can you help with? Tap to switch."), [*chunk(items, 2), done])
    elif field == "c":
        items = [(_mark(n == view.capacity) + tr.number(n), f"{p}:c:{n}") for n in range(1, 6)]
        ctx.edit(ctx._("How many families can you mentor at once?"), [items, done])
    elif field == "g":
        items = [
            (_mark(view.gender == g.value) + ctx._(match_texts.GENDERS[g]), f"{p}:g:{g.value}")
            for g in Gender
        ]
        items.append((_mark(view.gender is None) + ctx._("I prefer not to say"), f"{p}:g:-"))
        ctx.edit(ctx._("Your gender (some families prefer a woman mentor):"), [*chunk(items, 2)])
    elif field == "a":
        await ctx.save_draft(PROFILE_FLOW, "area", {})
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


# /request (a referring worker) ------------------------------------------------------------
async def on_request(ctx: Ctx) -> None:
    await ctx.save_draft(REQUEST_FLOW, "family", {"needs": []})
    ctx.reply(ctx._("Which family needs mentors? Type the family's name."))


def _needs_buttons(ctx: Ctx, chosen: list[str]) -> Buttons:
    p = REQUEST_PREFIX
    items = [
        (_mark(t.value in chosen) + ctx._(match_texts.TOPICS[t]), f"{p}:n:{t.value}") for t in Topic
    ]
    return [*chunk(items, 2), [(ctx._("Done"), f"{p}:nd")]]


async def on_family_text(ctx: Ctx, draft: Draft, text: str) -> None:
    name = " ".join(text.split())
    if not name or len(name) > 200:
        ctx.reply(ctx._("Please type the family's name (at most 200 characters)."))
        return
    data = {**draft.data, "family": name}
    await ctx.save_draft(REQUEST_FLOW, "needs", data)
    ctx.reply(ctx._("What does the family need help with? Tap to switch."), _needs_buttons(ctx, []))


async def on_note_text(ctx: Ctx, draft: Draft, text: str) -> None:
    if len(text) > match_requests.NOTE_MAX:
        ctx.reply(
            ctx._("Your note is too long: please shorten it to %(n)s characters.")
            % {"n": ctx.tr.number(match_requests.NOTE_MAX)}
        )
        return
    await _create(ctx, {**draft.data, "note": text})


async def _create(ctx: Ctx, data: dict[str, Any]) -> None:
    try:
        await match_requests.create_request(
            ctx.session,
            ctx.now,
            ctx.me,
            family_name=str(data["family"]),
            needs=list(data.get("needs", [])),
            urgency=str(data.get("urgency", "normal")),
            note=data.get("note"),
            actor_id=ctx.me.id,
        )
    except Invalid as exc:
        if exc.code in ("open_match", "open_request"):
            await ctx.clear_draft()
            ctx.reply(
                ctx._(
                    "This family already has an open match or request, so nothing new was "
                    "sent. The coordinators have it."
                )
            )
            return
        raise
    await ctx.clear_draft()
    ctx.reply(
        ctx._("Your request was sent to the coordinators. You will hear when mentors accept.")
    )


async def _on_worker_press(ctx: Ctx, action: str, value: str) -> None:
    draft = ctx.draft if ctx.draft is not None and ctx.draft.flow == REQUEST_FLOW else None
    if draft is None:
        ctx.edit(ctx._("This request is no longer in progress. Send /request to start again."))
        return
    data = dict(draft.data)
    if action == "n" and draft.state == "needs":
        if value not in {t.value for t in Topic}:
            raise Invalid("bad_data")
        data["needs"] = sorted(set(data.get("needs", [])) ^ {value})
        await ctx.save_draft(REQUEST_FLOW, "needs", data)
        ctx.edit(
            ctx._("What does the family need help with? Tap to switch."),
            _needs_buttons(ctx, data["needs"]),
        )
    elif action == "nd" and draft.state == "needs":
        await ctx.save_draft(REQUEST_FLOW, "urgency", data)
        items = [
            (ctx._(match_texts.URGENCIES[u]), f"{REQUEST_PREFIX}:u:{u.value}") for u in Urgency
        ]
        ctx.edit(ctx._("How urgent is it?"), [items])
    elif action == "u" and draft.state == "urgency":
        data["urgency"] = Urgency(value).value if value in {u.value for u in Urgency} else "normal"
        await ctx.save_draft(REQUEST_FLOW, "note", data)
        ctx.edit(
            ctx._("Add a note for the coordinators? Mentors never see it. Type it, or tap Skip."),
            [[(ctx._("Skip"), f"{REQUEST_PREFIX}:ns")]],
        )
    elif action == "ns" and draft.state == "note":
        await _create(ctx, data)
    else:
        ctx.toast(ctx._("Please answer the last question."))


# the coordinators' queue ------------------------------------------------------------------
def _queue_text(ctx: Ctx, rows: list[match_requests.QueueRow]) -> tuple[str, Buttons]:
    if not rows:
        return ctx._("No family is waiting for a mentor."), []
    lines = [ctx._("<b>Families waiting for mentors</b>, oldest first:")]
    buttons: Buttons = []
    for r in rows:
        line = ctx.ngettext(
            "%(family)s · %(urgency)s · waiting %(n)s day",
            "%(family)s · %(urgency)s · waiting %(n)s days",
            r.age_days,
        ) % {
            "family": isolate(r.family_name),
            "urgency": ctx._(match_texts.URGENCIES[r.urgency]),
            "n": ctx.tr.number(r.age_days),
        }
        if r.overdue:
            line = "⚠️ " + line + " · " + ctx._("over the limit")
        if r.rematch:
            line += " · " + ctx._("rematch")
        lines.append(line)
        buttons.append([(r.family_name, match_texts.request_open(r.id))])
    return "\n".join(lines), buttons


async def on_requests(ctx: Ctx) -> None:
    rows = await match_requests.queue(ctx.session, ctx.me, ctx.now)
    text, buttons = _queue_text(ctx, rows)
    ctx.reply(text, buttons or None)


def _card_text(ctx: Ctx, card: match_requests.RequestCard) -> tuple[str, Buttons]:
    tr, _ = ctx.tr, ctx._
    lines = [
        _("<b>Request for the %(family)s family</b>") % {"family": isolate(card.family_name)},
        _("From %(worker)s · %(urgency)s")
        % {
            "worker": isolate(card.worker_name),
            "urgency": _(match_texts.URGENCIES[card.urgency]),
        },
        ctx.ngettext("Waiting %(n)s day", "Waiting %(n)s days", card.age_days)
        % {"n": tr.number(card.age_days)}
        + (" · ⚠️ " + _("over the limit") if card.overdue else ""),
    ]
    if card.note:
        lines.append(_("Note: %(note)s") % {"note": isolate(card.note)})
    if card.history:
        lines.append(_("<b>Earlier matches</b>"))
        for past in card.history:
            lines.append(
                _("Started %(day)s, closed: %(reason)s")
                % {
                    "day": tr.day(past.started_on),
                    "reason": _(match_cycle.CLOSURE_REASONS[ClosureReason(past.closure_code)])
                    if past.closure_code
                    else "-",
                }
            )
        if card.rematch_policy:
            lines.append(_("Rematch policy: %(text)s") % {"text": isolate(card.rematch_policy)})
    lines += ["", _("<b>Mentors will see only this:</b>"), match_texts.summary(tr, card.summary)]
    buttons: Buttons = []
    if ctx.me.role == Role.COORDINATOR:
        lines += ["", _("<b>Best mentors</b>")]
        for c in card.candidates:
            state = ""
            if c.offer == OfferStatus.ASKED:
                state = " · " + _("asked")
            elif c.offer == OfferStatus.ACCEPTED:
                state = " · " + _("accepted")
            elif c.offer == OfferStatus.DECLINED:
                state = " · " + _("declined")
            lines.append(
                _("%(name)s: %(points)s points (%(reasons)s)")
                % {
                    "name": isolate(c.name),
                    "points": tr.number(c.score.points),
                    "reasons": match_texts.reasons(tr, list(c.score.reasons)),
                }
                + state
            )
            if c.offer is None:
                buttons.append(
                    [
                        (
                            _("Ask %(name)s") % {"name": c.name},
                            match_texts.request_ask(card.id, c.mentor_id),
                        )
                    ]
                )
        if not card.candidates:
            lines.append(_("No mentor fits yet: complete the profiles, or wait for a free place."))
        if card.left_out:
            lines.append(
                ctx.ngettext(
                    "%(n)s mentor left out (no shared language, no free place, or never free then).",
                    "%(n)s mentors left out (no shared language, no free place, or never free then).",
                    card.left_out,
                )
                % {"n": tr.number(card.left_out)}
            )
    return "\n".join(lines), buttons


async def _show_card(ctx: Ctx, request_id: int) -> None:
    card = await match_requests.request_card(ctx.session, ctx.me, request_id, ctx.now)
    ctx.audit("request.viewed", ("match_request", card.id))
    text, buttons = _card_text(ctx, card)
    ctx.edit(text, buttons or None)


async def on_request_press(ctx: Ctx, args: list[str]) -> None:
    action, value, extra = [*args, "", "", ""][:3]
    if action == "o":
        await _show_card(ctx, id_arg(value))
    elif action == "a":
        await match_requests.ask_mentor(ctx.session, ctx.now, ctx.me, id_arg(value), id_arg(extra))
        await _show_card(ctx, id_arg(value))
    elif ctx.me.role == Role.WORKER:
        await _on_worker_press(ctx, action, value)
    else:
        ctx.toast(ctx._("Sorry, that is not available to you."))


# a mentor's answer ------------------------------------------------------------------------
async def on_offer_press(ctx: Ctx, args: list[str]) -> None:
    action, value, extra = [*args, "", "", ""][:3]
    offer_id = id_arg(value)
    if action == "y":
        view = await match_requests.answer_offer(
            ctx.session, ctx.now, ctx.me, offer_id, accept=True
        )
    elif action == "n":
        view = await match_requests.offer_view(ctx.session, ctx.me, offer_id)
        if view.status == OfferStatus.ASKED:
            items = [
                [(ctx._(match_texts.DECLINES[r]), match_texts.offer_reason(offer_id, r))]
                for r in DeclineReason
            ]
            ctx.edit(
                ctx._("Why do you decline? The staff read this to ask better next time."), items
            )
            return
    elif action == "r":
        try:
            reason = DeclineReason(extra)
        except ValueError:
            raise Invalid("bad_data") from None
        view = await match_requests.answer_offer(
            ctx.session, ctx.now, ctx.me, offer_id, accept=False, reason=reason
        )
    else:
        raise Invalid("bad_data")
    summary = match_texts.summary(ctx.tr, view.summary)
    if view.status == OfferStatus.ACCEPTED:
        ctx.edit(
            ctx._(
                "Thank you for accepting! The referring worker will plan a first meeting with you and the family."
            )
            + "\n\n"
            + summary
        )
    elif view.status == OfferStatus.DECLINED:
        ctx.edit(
            ctx._("Thank you for answering. You declined; the staff were told.") + "\n\n" + summary
        )
    else:
        ctx.edit(ctx._("This request is closed; nothing more is needed from you."))


def register(router: Router) -> None:
    router.command("profile", on_profile, roles=MENTOR)
    router.callback(PROFILE_PREFIX, on_profile_press, roles=MENTOR)
    router.text_step(PROFILE_FLOW, "area", on_area_text)
    router.command("request", on_request, roles=WORKER)
    router.command("requests", on_requests, roles=STAFF)
    router.callback(REQUEST_PREFIX, on_request_press, roles=STAFF)
    router.text_step(REQUEST_FLOW, "family", on_family_text)
    router.text_step(REQUEST_FLOW, "note", on_note_text)
    router.callback(OFFER_PREFIX, on_offer_press, roles=MENTOR)
