"""The texts of onboarding: what the programme stores and who sees it, per role; welcomes;
refusals of invitation links. Marked with `N_` and translated for their reader."""

from __future__ import annotations

from bot.i18n import N_, Translator
from domain import Role

_STAFF_CONSENT = N_(
    "What the programme stores about you: your name, your language, the contact details the "
    "staff gave us, and what you do with this bot (answers to help requests, concerns you "
    "acknowledge).\n"
    "Who sees it: the coordinators of your organisation, and the staff who handle the same "
    "matches, concerns and help requests. The mentors and mentees of the matches you follow see "
    "your name. What you open and do about a concern is recorded.\n"
    "You can ask the staff at any time to see or delete your data."
)

CONSENT: dict[Role, str] = {
    Role.MENTEE: N_(
        "What the programme stores about you: your name, your language, your family, the "
        "contact details the staff gave us, the meetings and appointments with your mentors, "
        "and the help you ask for.\n"
        "Who sees it: your mentors, the social worker who referred you (or the one your case is "
        "handed to), and the programme's coordinators. The programme's administrators see a "
        "problem or a request for help only if nobody answers it in time. No one else. Each "
        "time someone on the staff opens what you reported, it is recorded.\n"
        "You can ask the staff at any time to see or delete your data."
    ),
    Role.MENTOR: N_(
        "What the programme stores about you: your name, your language, the contact details "
        "the staff gave us, the meetings you log, your progress reports, and your questions "
        "and concerns.\n"
        "Who sees it: the referring worker of your match (or the worker a concern or a question "
        "is handed to) and the programme's coordinators. The programme's administrators see a "
        "concern or a question only if nobody answers it in time. Your mentee sees your name, "
        "and your phone number only if you allow it. Each time someone on the staff opens a "
        "concern you raised, it is recorded.\n"
        "You can ask the staff at any time to see or delete your data."
    ),
    Role.WORKER: _STAFF_CONSENT,
    Role.COORDINATOR: _STAFF_CONSENT,
    Role.ADMIN: _STAFF_CONSENT,
}

# The first contact: the same three points in three short lines (what we keep, who sees it,
# that it can be deleted); "Read more" shows the full text above.
_STAFF_SHORT = N_(
    "We keep your name, language, contact details and what you do here.\n"
    "The coordinators and the staff of the same matches see it.\n"
    "You can ask us to see or delete it at any time."
)
SHORT_CONSENT: dict[Role, str] = {
    Role.MENTEE: N_(
        "We keep your name, language, family, meetings and the help you ask for.\n"
        "Your mentors, your social worker and the coordinators see it.\n"
        "You can ask us to see or delete it at any time."
    ),
    Role.MENTOR: N_(
        "We keep your name, language, contact details, meetings, reports and questions.\n"
        "The referring worker of your match and the coordinators see it. Your mentee sees "
        "your name.\n"
        "You can ask us to see or delete it at any time."
    ),
    Role.WORKER: _STAFF_SHORT,
    Role.COORDINATOR: _STAFF_SHORT,
    Role.ADMIN: _STAFF_SHORT,
}

WELCOME: dict[Role, str] = {
    Role.MENTEE: N_(
        "Welcome! Here you will see your next meetings and can ask for help at any time. "
        "Send /help to see what I can do for you."
    ),
    Role.MENTOR: N_(
        "Welcome, and thank you for being a mentor! Log your meetings with /log and plan the "
        "next one with /plan. Send /help to see everything I can do for you."
    ),
    Role.WORKER: N_(
        "Welcome! I will bring you the concerns and help requests of the matches you refer. "
        "Send /help to see what I can do for you."
    ),
    Role.COORDINATOR: N_(
        "Welcome! I will keep you informed about the programme's matches, concerns and help "
        "requests. Send /help to see what I can do for you."
    ),
    Role.ADMIN: N_("Welcome! Send /help to see what I can do for you."),
}

REFUSALS: dict[str, str] = {
    "unknown": N_(
        "This invitation link does not work. Please ask your programme's staff for a new one."
    ),
    "revoked": N_(
        "This invitation link does not work. Please ask your programme's staff for a new one."
    ),
    "used": N_(
        "This invitation link has already been used. If you need to connect this account, "
        "please ask your programme's staff for a new link."
    ),
    "expired": N_(
        "This invitation link has expired. Please ask your programme's staff for a new one."
    ),
    "account_taken": N_(
        "This Telegram account is already connected to someone else in a programme, so it "
        "cannot accept this invitation. Please ask your programme's staff for help."
    ),
    "already_linked": N_("You are already connected. Send /help to see what I can do for you."),
    "locale": N_("Please choose your language with the buttons."),
}


def language_prompt(tr: Translator) -> str:
    return tr.gettext("Welcome! Please choose your language.")


def agreed_text(tr: Translator, welcome: str) -> str:
    return "✅ " + tr.gettext("You agreed.") + "\n\n" + tr.gettext(welcome)


def declined_text(tr: Translator) -> str:
    return tr.gettext(
        "Understood. Your account has not been connected, and we have only noted that you "
        "did not agree. If you change your mind, open the same invitation link again while "
        "it is valid, or ask your programme's staff for a new one."
    )
