"""Checks over the gettext catalogs that Babel's own tools do not make.

`pybabel compile` accepts a broken `{name}` placeholder and `pybabel update --check` misfires on
messages with a context, so the catalogs are checked here, over the `.po` files themselves:
stale (a source message missing), incomplete, fuzzy, placeholders different from the source
(`%(name)s` and `{name}` styles), and plural entries with the wrong number of forms.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALES_DIR, SUPPORTED_LOCALES

_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
_BRACES = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")


# The gettext plural rule of each catalog, fixed here rather than taken from whichever Babel is
# installed: newer CLDR data gives Spanish, Catalan and French a third category ("many", for
# numbers like 1,000,000) and Persian a second one, which would change the number of forms
# every plural message needs and the form gettext picks. The traditional gettext rules are
# kept; a new language gets its rule here, in the same form, when its catalog is created.
PLURAL_FORMS: dict[str, tuple[int, str]] = {
    "en": (2, "(n != 1)"),
    "es": (2, "(n != 1)"),
    "ca": (2, "(n != 1)"),
    "fr": (2, "(n > 1)"),
    "ar": (
        6,
        "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=0 && n%100<=2 ? 4 : 5)",
    ),
    "uk": (
        3,
        "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)",
    ),
    "ru": (
        3,
        "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)",
    ),
    "fa": (1, "0"),
    "ps": (2, "(n != 1)"),
    "ti": (2, "(n != 1)"),
}


def plural_forms(locale: str) -> str:
    """The `Plural-Forms` header a catalog of this language must have."""
    count, expr = PLURAL_FORMS[locale]
    return f"nplurals={count}; plural={expr};"


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


def _key(message: Message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return str(msgid), message.context


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


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
    translated = {_key(m): m for m in catalog if m.id}
    for source in template:
        if not source.id:
            continue
        key = _key(source)
        msgid = key[0]
        message = translated.get(key)
        if message is None:
            problems.append(Problem(locale, msgid, "stale", "not in the catalog"))
            continue
        if message.fuzzy:
            problems.append(Problem(locale, msgid, "fuzzy"))
        raw = message.string if isinstance(message.string, tuple | list) else [message.string]
        strings = [str(form or "") for form in raw]
        if not all(strings):
            problems.append(Problem(locale, msgid, "untranslated"))
            continue
        sources = [
            str(x) for x in (source.id if isinstance(source.id, tuple | list) else [source.id])
        ]
        if source.pluralizable and len(strings) != expected_plurals:
            problems.append(
                Problem(
                    locale, msgid, "plural", f"{len(strings)} forms, expected {expected_plurals}"
                )
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
    known = {_key(m) for m in template if m.id}
    for key in translated:
        if key not in known:
            problems.append(Problem(locale, key[0], "obsolete", "no longer in the source"))
    return problems


def extract(root: Path | None = None) -> Catalog:
    """A fresh template from the source code (what `pybabel extract` would write)."""
    root = root or LOCALES_DIR.parent
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "messages.pot"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "-q",
                "extract",
                "-F",
                str(root / "babel.cfg"),
                "-o",
                str(out),
                "--no-location",
                str(root),
            ],
            check=True,
            cwd=root,
        )
        return load(out)


def check_all(template: Catalog | None = None) -> list[Problem]:
    template = template or extract()
    problems: list[Problem] = []
    for locale in SUPPORTED_LOCALES:
        if locale == "en":
            continue
        path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not path.exists():
            problems.append(Problem(locale, "", "missing", str(path)))
            continue
        if review_status(path) is None:
            problems.append(Problem(locale, "", "header", f"no '{REVIEW_PREFIX}' line"))
        problems += check_catalog(load(path, locale), template, locale)
    return problems


def compile_all() -> int:
    """Write every `.mo` next to its `.po`; returns how many were written."""
    count = 0
    for po in sorted(LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        catalog = load(po, po.parent.parent.name)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        po.with_suffix(".mo").write_bytes(buffer.getvalue())
        count += 1
    return count


REVIEW_PREFIX = "Review status:"


def update_all(root: Path | None = None) -> Path:
    """`pybabel extract` + `pybabel update` in one step, keeping each catalog's review status
    line (pybabel drops unknown header fields) and creating catalogs for new languages."""
    from babel import Locale
    from babel.messages.pofile import write_po

    root = root or LOCALES_DIR.parent
    template = extract(root)
    pot = LOCALES_DIR / f"{DOMAIN}.pot"
    with pot.open("wb") as fh:
        write_po(fh, template, width=100, omit_header=False, sort_output=True)
    for locale in SUPPORTED_LOCALES:
        if locale == "en":
            continue
        path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.exists():
            catalog = load(path, locale)
        else:
            name = Locale.parse(locale).get_display_name("en")
            catalog = Catalog(locale=locale, project="mentorbot", version="0.1.0")
            catalog.header_comment = (
                f"# {name} translations of mentorbot.\n"
                "# This file is distributed under the same license as mentorbot.\n"
                f"# {REVIEW_PREFIX} not reviewed by a native speaker"
            )
        catalog._num_plurals, catalog._plural_expr = PLURAL_FORMS[locale]  # type: ignore[assignment]
        catalog.fuzzy = False
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, ignore_obsolete=True, sort_output=True)
    return pot


def review_status(path: Path) -> str | None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if REVIEW_PREFIX in line:
            return line.split(REVIEW_PREFIX, 1)[1].strip()
    return None


def fill(locale: str, translations: dict[str, str | list[str]]) -> int:
    """Write translations into a language's catalog (keys: the English source text, or the
    singular of a plural message; values: the text, or the list of plural forms). Returns how
    many entries were written; unknown keys are ignored."""
    from babel.messages.pofile import write_po

    path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    catalog = load(path, locale)
    written = 0
    for message in catalog:
        if not message.id:
            continue
        key = _key(message)[0]
        if key in translations:
            value = translations[key]
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
            written += 1
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, ignore_obsolete=True, sort_output=True)
    return written


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        print(f"wrote {update_all()} and the catalogs")
    elif command == "fill":
        import json

        with open(sys.argv[3], encoding="utf-8") as fh:
            print(f"filled {fill(sys.argv[2], json.load(fh))} entries")
    elif command == "compile":
        print(f"compiled {compile_all()} catalogs")
    else:
        found = check_all()
        for problem in found:
            print(problem)
        sys.exit(1 if found else 0)
