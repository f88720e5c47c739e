"""The catalog files under locales/: reading one, a fresh template from the source code, every
catalog checked, compiled, updated from the template or filled with translations."""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.catalogs.checks import Problem, check_catalog, check_style, entry_key
from bot.catalogs.rules import PLURAL_FORMS
from bot.i18n import DOMAIN, LOCALES_DIR, SUPPORTED_LOCALES, cldr_locale

REVIEWED = "reviewed"  # the flag (`#, reviewed`) on an entry a native speaker approved


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def catalog_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


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
                "--keyword=NP_:1c,2",
                "--keyword=about:2",
                "--add-comments=Translators:",
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
        path = catalog_path(locale)
        if not path.exists():
            problems.append(Problem(locale, "", "missing", str(path)))
            continue
        if review_status(path) is None:
            problems.append(Problem(locale, "", "header", f"no '{REVIEW_PREFIX}' line"))
        catalog = load(path, locale)
        problems += check_catalog(catalog, template, locale)
        problems += check_style(catalog, locale)
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
CONTEXT_SEPARATOR = "\x04"


def update_all(root: Path | None = None) -> Path:
    """`pybabel extract` + `pybabel update` in one step, keeping each catalog's review status
    line (pybabel drops unknown header fields) and creating catalogs for new languages."""
    from babel.messages.pofile import write_po

    root = root or LOCALES_DIR.parent
    template = extract(root)
    pot = LOCALES_DIR / f"{DOMAIN}.pot"
    with pot.open("wb") as fh:
        write_po(fh, template, width=100, omit_header=False, sort_output=True)
    for locale in SUPPORTED_LOCALES:
        if locale == "en":
            continue
        path = catalog_path(locale)
        if path.exists():
            catalog = load(path, locale)
        else:
            name = cldr_locale(locale).get_display_name("en")
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
    singular of a plural message, after "context\x04" for an entry with a context; values: the
    text, or the list of plural forms). Returns how
    many entries were written; unknown keys are ignored."""
    from babel.messages.pofile import write_po

    path = catalog_path(locale)
    catalog = load(path, locale)
    written = 0
    for message in catalog:
        if not message.id:
            continue
        msgid, context = entry_key(message)
        # "context\x04source" (gettext's own notation) names one entry of a context; a plain
        # source names every entry with that text.
        key = f"{context}{CONTEXT_SEPARATOR}{msgid}" if context else msgid
        if key not in translations:
            key = msgid
        if key in translations:
            value = translations[key]
            string = tuple(value) if isinstance(value, list) else value
            if string != message.string:
                message.flags.discard(REVIEWED)  # a new text has not been reviewed yet
            message.string = string
            message.flags.discard("fuzzy")
            written += 1
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, ignore_obsolete=True, sort_output=True)
    return written


def coverage(catalog: Catalog) -> tuple[int, int]:
    """(reviewed entries, all entries) of a catalog."""
    entries = [m for m in catalog if m.id]
    return sum(1 for m in entries if REVIEWED in m.flags), len(entries)


def coverage_all() -> list[str]:
    lines = []
    for locale in SUPPORTED_LOCALES:
        path = catalog_path(locale)
        if locale == "en" or not path.exists():
            continue
        done, total = coverage(load(path, locale))
        share = round(100 * done / total) if total else 0
        lines.append(f"{locale}: {done} of {total} messages reviewed ({share}%)")
    return lines
