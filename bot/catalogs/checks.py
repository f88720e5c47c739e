"""The checks of one catalog against the template: stale, incomplete, fuzzy, placeholders
different from the source (`%(name)s` and `{name}` styles), markup, plural entries with the
wrong number of forms; and the style rules of its language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel.messages.catalog import Catalog, Message

from bot.catalogs.rules import (
    ACKNOWLEDGE,
    GENDERED_CONTEXTS,
    GLOSSARY_RULES,
    NEUTRAL_RULES,
    PLURAL_FORMS,
    STYLE_LIMITS,
    STYLE_RULES,
    plural_forms,
)

_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
_BRACES = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")


@dataclass(frozen=True)
class Problem:
    locale: str
    msgid: str
    kind: str  # stale, missing, untranslated, fuzzy, placeholder, plural, markup, obsolete
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.locale}: {self.kind}: {self.msgid[:60]!r} {self.detail}".rstrip()


def placeholders(text: str) -> list[str]:
    """The placeholders of a text, both styles, sorted (`%%` is not one)."""
    found = [m.group(1) or m.group(0) for m in _PERCENT.finditer(text) if m.group(0) != "%%"]
    found += ["{" + m.group(1) + "}" for m in _BRACES.finditer(text)]
    return sorted(found)


def tags(text: str) -> list[str]:
    return sorted(m.group(0).split()[0].rstrip(">") for m in _TAG.finditer(text))


def entry_key(message: Message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return str(msgid), message.context


def _plain(text: str) -> str:
    """A translation with its placeholders and tags taken out, for the style rules."""
    text = _TAG.sub("", text)
    text = _PERCENT.sub("X", text)
    return _BRACES.sub("X", text)


def _forms(message: Message) -> list[str]:
    """An entry's translations (one, or one per plural form), empty ones included."""
    raw = message.string if isinstance(message.string, tuple | list) else [message.string]
    return [str(form or "") for form in raw]


def _sources(message: Message) -> list[str]:
    return [str(x) for x in (message.id if isinstance(message.id, tuple | list) else [message.id])]


def _style_of_form(
    locale: str, msgid: str, message: Message, form: str, counts: dict[str, int]
) -> list[Problem]:
    """The style and glossary rules over one translation (counting the limited phrases)."""
    problems: list[Problem] = []
    plain = _plain(form)
    for name, pattern in STYLE_RULES.get(locale, []):
        if any(re.search(pattern, line) for line in plain.split("\n")):
            problems.append(Problem(locale, msgid, "style", name))
    if message.context not in GENDERED_CONTEXTS:
        for name, pattern in NEUTRAL_RULES.get(locale, []):
            if re.search(pattern, plain):
                problems.append(Problem(locale, msgid, "style", name))
    for phrase, _limit in STYLE_LIMITS.get(locale, []):
        counts[phrase] = counts.get(phrase, 0) + form.count(phrase)
    sources = message.id if isinstance(message.id, tuple | list) else [message.id]
    for term, wanted in GLOSSARY_RULES.get(locale, []):
        if any(re.search(term, str(x)) for x in sources) and not re.search(wanted, form):
            problems.append(Problem(locale, msgid, "glossary", f"wants /{wanted}/"))
    return problems


def check_style(catalog: Catalog, locale: str) -> list[Problem]:
    """What a machine can check of STYLE.md: register markers, glossary terms, punctuation."""
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    for message in catalog:
        if not message.id:
            continue
        msgid = entry_key(message)[0]
        raw = message.string if isinstance(message.string, tuple | list) else [message.string]
        for form in (str(x) for x in raw if x):
            problems += _style_of_form(locale, msgid, message, form, counts)
        if message.context == "concern button" and msgid == "Acknowledge":
            wanted_ack = ACKNOWLEDGE.get(locale)
            if wanted_ack and message.string != wanted_ack:
                problems.append(Problem(locale, msgid, "glossary", f"wants {wanted_ack!r}"))
    for phrase, limit in STYLE_LIMITS.get(locale, []):
        if counts.get(phrase, 0) > limit:
            problems.append(
                Problem(locale, "", "style", f"{phrase!r} {counts[phrase]} times, at most {limit}")
            )
    return problems


def _check_forms(
    locale: str, msgid: str, source: Message, strings: list[str], expected_plurals: int
) -> list[Problem]:
    """A translated entry's forms against its source: their number, placeholders, markup."""
    problems: list[Problem] = []
    sources = _sources(source)
    if source.pluralizable and len(strings) != expected_plurals:
        problems.append(
            Problem(locale, msgid, "plural", f"{len(strings)} forms, expected {expected_plurals}")
        )
    wanted = placeholders(sources[-1])
    wanted_tags = tags(sources[-1])
    for form in strings:
        got = placeholders(form)
        # A plural form for exactly one may leave out the number ("one hour").
        if got != wanted and not (
            source.pluralizable and set(got) <= set(wanted) and len(strings) > 1
        ):
            problems.append(Problem(locale, msgid, "placeholder", f"{got} != {wanted}"))
        if tags(form) != wanted_tags:
            problems.append(Problem(locale, msgid, "markup", f"{tags(form)} != {wanted_tags}"))
    return problems


def _check_entry(
    locale: str, source: Message, message: Message | None, expected_plurals: int
) -> list[Problem]:
    """One entry of the template in the catalog: there, not fuzzy, translated, well formed."""
    msgid = entry_key(source)[0]
    if message is None:
        return [Problem(locale, msgid, "stale", "not in the catalog")]
    problems = [Problem(locale, msgid, "fuzzy")] if message.fuzzy else []
    strings = _forms(message)
    if not all(strings):
        return [*problems, Problem(locale, msgid, "untranslated")]
    return problems + _check_forms(locale, msgid, source, strings, expected_plurals)


def check_catalog(catalog: Catalog, template: Catalog, locale: str) -> list[Problem]:
    """Everything wrong with one language's catalog, against the template."""
    problems: list[Problem] = []
    expected_plurals = PLURAL_FORMS[locale][0]
    if catalog.plural_forms != plural_forms(locale):
        problems.append(
            Problem(
                locale,
                "",
                "plural",
                f"header {catalog.plural_forms!r}, expected {plural_forms(locale)!r}",
            )
        )
    translated = {entry_key(m): m for m in catalog if m.id}
    for source in template:
        if source.id:
            problems += _check_entry(
                locale, source, translated.get(entry_key(source)), expected_plurals
            )
    known = {entry_key(m) for m in template if m.id}
    for key in translated:
        if key not in known:
            problems.append(Problem(locale, key[0], "obsolete", "no longer in the source"))
    return problems
