"""What onboarding and the start commands show: the language and consent buttons, the
privacy notice, how to address the person, the menu of commands."""

from __future__ import annotations

from bot import commands
from bot.i18n import NP_, SUPPORTED_LOCALES, Translator, isolate, language_name, normalise_locale
from bot.services import keyboard, onboarding
from domain import Consent, Role
from handlers.common import Buttons, Ctx, chunk
from handlers.start_callbacks import Address
from handlers.start_texts import CONSENT, SHORT_CONSENT


def linked(ctx: Ctx) -> bool:
    return ctx.person is not None and ctx.person.consent == Consent.GIVEN


def client_locale(ctx: Ctx) -> str | None:
    user = ctx.update.effective_user
    return normalise_locale(user.language_code if user else None)


def language_buttons(prefix: str, first: str | None) -> Buttons:
    """Every language, named in itself; `first` (the client's or current one) leads, marked."""
    order = ([first] if first else []) + [c for c in SUPPORTED_LOCALES if c != first]
    items = [
        (("✓ " if code == first else "") + language_name(code), f"{prefix}:{code}")
        for code in order
    ]
    return chunk(items, 2)


def consent_buttons(tr: Translator, more: bool = False) -> Buttons:
    """Agree or not; under the short notice, "Read more" shows the full one (ob:m)."""
    buttons: Buttons = [[(tr.gettext("I agree"), "ob:y"), (tr.gettext("I do not agree"), "ob:n")]]
    if not more:
        # Translators: a button under the short privacy notice: show the full text.
        buttons.append([(tr.pgettext("privacy notice", "Read more"), "ob:m")])
    return buttons


def consent_text(tr: Translator, opened: onboarding.Opened, more: bool = False) -> str:
    """The privacy notice: three short lines at first, the full text after "Read more"."""
    hello = tr.gettext("Hello, %(name)s! The mentoring programme of %(org)s invited you.") % {
        "name": isolate(opened.name),
        "org": isolate(opened.organisation),
    }
    body = tr.gettext((CONSENT if more else SHORT_CONSENT)[opened.role])
    question = tr.gettext("Do you agree?")
    return f"{hello}\n\n{body}\n\n{question}"


# How to address the person (optional; neutral by default): ad:f, ad:m, ad:n --------------
ADDRESS_CODES: dict[str, str | None] = {"f": "feminine", "m": "masculine", "n": None}
ADDRESS_LABELS: dict[str, str] = {
    # Translators: buttons: how the person wants the bot to address them (grammatical gender).
    "f": NP_("address choice", "As a woman"),
    "m": NP_("address choice", "As a man"),
    "n": NP_("address choice", "No preference"),
}
ADDRESS_DONE: dict[str | None, str] = {
    "feminine": NP_("address choice", "Thank you. I will address you as a woman."),
    "masculine": NP_("address choice", "Thank you. I will address you as a man."),
    None: NP_("address choice", "Thank you. I will use words that suit everyone."),
}


def address_question(tr: Translator) -> str:
    return tr.gettext(
        "One more question, only if you like: how should I address you? In your language "
        "some words change for a woman or a man. You can change it at any time with /language."
    )


def address_again(tr: Translator) -> str:
    return tr.gettext(
        "How should I address you? In this language some words change for a woman or a man."
    )


def address_buttons(tr: Translator, current: str | None) -> Buttons:
    return [
        [
            (
                ("✓ " if ADDRESS_CODES[code] == current else "") + tr.gettext(label),
                Address(code).pack(),
            )
        ]
        for code, label in ADDRESS_LABELS.items()
    ]


async def keys(ctx: Ctx) -> list[list[str]] | None:
    """The reply keyboard, for a mentee (sent again with a text-only reply)."""
    if ctx.person is None or ctx.person.role != Role.MENTEE:
        return None
    return await keyboard.remember_for(ctx.session, ctx.person.id, ctx.tr)


def set_menu(ctx: Ctx, role: Role, locale: str) -> None:
    bot, chat_id = ctx.context.bot, ctx.telegram_id
    ctx.after(lambda: commands.set_person_menu(bot, chat_id, role, locale))
