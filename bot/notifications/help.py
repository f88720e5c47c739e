"""What the help feature says: its labels, the cards staff read, the answers requesters read
and the notice of a closed thread, each rendered in the reader's language and timezone, with
their buttons (callback data in `bot.notifications.help_callbacks`).

Every message of a thread is shown in its author's words, with its language named; nothing is
machine-translated."""

from __future__ import annotations

from functools import partial

from babel import UnknownLocaleError

from bot.i18n import CLDR_LOCALES, N_, Translator, cldr_locale, isolate
from bot.notifications.help_callbacks import NEED_HELP_DATA, close_data, reply_data, whole_data
from bot.services import outbox, people, texts
from bot.services.help import PRESETS
from domain import HelpKind, Role
from storage.models import HelpMessage, HelpRequest, Person

NEED_HELP_LABEL = N_("I need help")

# What a mentor picks from.
ASK_LABELS: dict[HelpKind, str] = {
    HelpKind.PRACTICAL: N_("A practical question (a form, an appointment)"),
    HelpKind.RELATIONSHIP: N_("About the relationship (how far to go, boundaries)"),
    HelpKind.SUPPORT: N_("I need more support as a mentor"),
}

# What staff read.
KIND_LABELS: dict[HelpKind, str] = {
    HelpKind.PRACTICAL: N_("Practical question (a form, an appointment)"),
    HelpKind.RELATIONSHIP: N_(
        "Question about the relationship (how far the link should go, boundaries)"
    ),
    HelpKind.SUPPORT: N_("Request for more support for the mentor"),
    HelpKind.MENTEE: N_("A mentee asks for help"),
}

WHOLE_TEXT = N_("Show the whole text")
CARD_MAX = texts.MESSAGE_MAX  # a card longer than this is cut (UTF-16 units, as Telegram)


def language_label(code: str | None, reader_locale: str) -> str | None:
    """A language's name in the reader's language ("árabe" for a Spanish reader)."""
    if not code:
        return None
    try:
        reader = cldr_locale(reader_locale)
        # CLDR's name of a catalog code first ("fa_AF": "darí" for a Spanish reader).
        found = reader.languages.get(code) or reader.languages.get(CLDR_LOCALES.get(code, ""))
        return found or cldr_locale(code).get_display_name(reader) or code
    except (UnknownLocaleError, ValueError):
        return code


def thread_buttons(tr: Translator, request_id: int, whole: int | None = None) -> outbox.Buttons:
    """Reply and Close under a card; first "Show the whole text" when the card was cut."""
    # Translators: buttons under a help request: answer it; close it (the question is settled).
    reply = tr.pgettext("help request button", "Reply")
    buttons: outbox.Buttons = [
        [
            (reply, reply_data(request_id)),
            (tr.pgettext("help request button", "Close"), close_data(request_id)),
        ]
    ]
    if whole is not None:  # the card was cut: offer the whole message
        buttons = [[(tr.gettext(WHOLE_TEXT), whole_data(whole))], *buttons]
    return buttons


def need_help_buttons(tr: Translator) -> outbox.Buttons:
    """The "I need help" button alone: a mentee's new request one tap away."""
    return [[(tr.gettext(NEED_HELP_LABEL), NEED_HELP_DATA)]]


def _quoted(tr: Translator, message: HelpMessage, text: str) -> str:
    name = language_label(message.language, tr.locale)
    head = (
        tr.gettext("Written in %(language)s:") % {"language": name}
        if name
        else tr.gettext("Message:")
    )
    return f"{head}\n<blockquote>{isolate(text)}</blockquote>"


def staff_card(
    tr: Translator,
    tz: str,
    hr: HelpRequest,
    requester: Person,
    author: Person,
    message: HelpMessage,
    family: str,
    *,
    title: str,
    preset: str | None = None,
    worker: Person | None = None,
) -> texts.Fitted:
    """A help request (or a new message in one) as staff read it, in the reader's language;
    a very long message is cut to fit (see `bot.services.help.whole_text`)."""

    def render(text: str) -> str:
        return "\n".join([*lines, "", _quoted(tr, message, text)])

    lines = [f"<b>{title}</b>", tr.gettext(KIND_LABELS[hr.kind])]
    if author.role == Role.MENTOR:
        who = tr.gettext("From: %(name)s (mentor)")
    elif author.role == Role.MENTEE:
        who = tr.gettext("From: %(name)s (mentee)")
    else:
        who = tr.gettext("From: %(name)s (staff)")
    lines.append(who % {"name": isolate(author.name)})
    if author.id != requester.id:
        lines.append(tr.gettext("Asked by: %(name)s") % {"name": isolate(requester.name)})
    if family:
        lines.append(tr.gettext("Family: %(family)s") % {"family": isolate(family)})
    if requester.phone and author.id == requester.id:
        phone = people.international_phone(requester.phone)
        lines.append(tr.gettext("Phone: %(phone)s") % {"phone": isolate(phone)})
    if worker is not None:
        lines.append(tr.gettext("Assigned worker: %(name)s") % {"name": isolate(worker.name)})
    lines.append(tr.gettext("Sent: %(when)s") % {"when": tr.when(message.created_at, tz)})
    if hr.answer_due_at is not None:
        lines.append(
            tr.gettext("Answer expected by: %(when)s") % {"when": tr.when(hr.answer_due_at, tz)}
        )
    if preset is not None:
        lines.append(
            tr.gettext("Chosen with a button: “%(message)s”")
            % {"message": tr.gettext(PRESETS[preset])}
        )
    return texts.fit(render, message.text, CARD_MAX)


def requester_relay(
    tr: Translator, tz: str, hr: HelpRequest, author: Person, message: HelpMessage
) -> texts.Fitted:
    """A staff answer as the requester reads it, in the requester's language."""
    return texts.fit(partial(_relay_text, tr, tz, hr, author, message), message.text, CARD_MAX)


def _relay_text(
    tr: Translator, tz: str, hr: HelpRequest, author: Person, message: HelpMessage, text: str
) -> str:
    lines = [
        "<b>"
        + tr.gettext("Answer from %(name)s to your help request") % {"name": isolate(author.name)}
        + "</b>",
        tr.gettext("Your request of %(when)s") % {"when": tr.when(hr.created_at, tz)},
        "",
        _quoted(tr, message, text),
        "",
        tr.gettext("To answer, press Reply. When you need nothing more, press Close."),
    ]
    return "\n".join(lines)


def closed_text(
    tr: Translator,
    tz: str,
    hr: HelpRequest,
    closer: Person,
    requester: Person,
    family: str,
    *,
    to_requester: bool,
) -> str:
    """The notice that `closer` closed a thread, for the requester or for staff."""
    if to_requester:
        # About the person who closed it, in the form they asked for (bot/gendered.py).
        return tr.about(closer.address, "%(name)s closed your help request of %(when)s.") % {
            "name": isolate(closer.name),
            "when": tr.when(hr.created_at, tz),
        }
    return tr.gettext(
        "%(name)s closed the help request of %(when)s from %(requester)s (family %(family)s)."
    ) % {
        "name": isolate(closer.name),
        "when": tr.when(hr.created_at, tz),
        "requester": isolate(requester.name),
        "family": isolate(family),
    }
