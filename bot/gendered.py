"""The messages that have gendered variants, declared for extraction.

A message listed here with the contexts `addressing a woman` / `addressing a man` speaks to
its reader in words that some languages write differently for a woman and for a man (Arabic
verbs and imperatives, Spanish and Catalan adjectives, Russian and Ukrainian nouns). The code
keeps calling `gettext` with the plain text: `Translator.gettext` picks the variant when the
reader asked to be addressed that way (Person.address), and the plain (neutral) translation
otherwise. Messages listed with `about a woman` / `about a man` speak *about* a third person
and are rendered with `Translator.about(person.address, text)`: that person's choice, not the
reader's. Languages without gender translate every variant like the neutral form.

Each text here must be the exact source of a message used in the code (a test checks it).
"""

from __future__ import annotations

from bot.i18n import NP_

# Translators: the same message, for a reader who asked to be addressed as a woman / as a man.
# Where your language says it the same way for everyone, copy the neutral translation.
ADDRESSED = (
    NP_("addressing a woman", "Will you come? Tap one answer."),
    NP_("addressing a man", "Will you come? Tap one answer."),
    NP_("addressing a woman", "Welcome back! Send /help to see what I can do for you."),
    NP_("addressing a man", "Welcome back! Send /help to see what I can do for you."),
    NP_("addressing a woman", "You are this family's only mentor."),
    NP_("addressing a man", "You are this family's only mentor."),
    NP_("addressing a woman", "If you are in danger now, call %(phone)s."),
    NP_("addressing a man", "If you are in danger now, call %(phone)s."),
    NP_("addressing a woman", "Thank you! Your mentors know you will be there."),
    NP_("addressing a man", "Thank you! Your mentors know you will be there."),
    NP_("addressing a woman", "Thank you for telling us. Your mentors know you cannot come."),
    NP_("addressing a man", "Thank you for telling us. Your mentors know you cannot come."),
    NP_("addressing a woman", "What do you need help with?"),
    NP_("addressing a man", "What do you need help with?"),
)

# Translators: the same message, about a third person (%(name)s) who asked to be addressed as
# a woman / as a man: the verb or adjective agrees with that person.
ABOUT_SOMEONE = (
    NP_("about a woman", "%(name)s closed your help request of %(when)s."),
    NP_("about a man", "%(name)s closed your help request of %(when)s."),
)
