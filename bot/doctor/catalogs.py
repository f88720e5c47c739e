"""The catalogs: compiled (the preflight's check) and complete, every text of the template
translated in the catalog the bot reads for every language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot import preflight
from bot.doctor.results import Check, failed, passed

Key = tuple[str | None, str]
COMPILE_FIX = (
    '.venv/bin/python -c "from bot.catalogs import compile_all; compile_all()" '
    "(scripts/install does it)"
)


def _key(message: Any) -> Key:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, str(msgid)


def _wanted(template_path: Path) -> set[Key]:
    """Every text of the template."""
    from babel.messages.pofile import read_po

    if not template_path.exists():
        return set()
    with template_path.open("rb") as handle:
        return {_key(m) for m in read_po(handle) if m.id}


def _translated(folder: Path, domain: str, locale: str) -> set[Key]:
    """The texts translated in what the bot reads: the compiled catalog, or its source when
    that is newer (bot/i18n compiles it in memory then)."""
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    mo, po = folder / f"{domain}.mo", folder / f"{domain}.po"
    if po.exists() and po.stat().st_mtime > mo.stat().st_mtime:
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
    else:
        with mo.open("rb") as handle:
            catalog = read_mo(handle)
    return {_key(m) for m in catalog if m.id and not m.fuzzy and _has_translation(m)}


def _has_translation(message: Any) -> bool:
    string = message.string
    return bool(all(string) if isinstance(string, tuple | list) else string)


def check_catalogs() -> list[Check]:
    """Compiled (the preflight's check) and complete: every text of the template is translated
    in the catalog the bot reads for every language."""
    from bot.i18n import DOMAIN, LOCALES_DIR, SUPPORTED_LOCALES

    try:
        preflight.check_catalogs()
    except preflight.PermanentFault as exc:
        return [failed("catalogs", exc.fault.line.split(": run", 1)[0], COMPILE_FIX)]
    wanted = _wanted(LOCALES_DIR / f"{DOMAIN}.pot")
    incomplete: list[str] = []
    for locale in SUPPORTED_LOCALES:
        if locale == "en":
            continue
        missing = wanted - _translated(LOCALES_DIR / locale / "LC_MESSAGES", DOMAIN, locale)
        if missing:
            incomplete.append(f"{locale} ({len(missing)})")
    if incomplete:
        return [
            failed(
                "catalogs",
                f"texts without a translation: {', '.join(incomplete)}",
                "install a released version (git pull; scripts/install): its catalogs are complete",
            )
        ]
    count = len(SUPPORTED_LOCALES) - 1
    return [passed("catalogs", f"{count} languages compiled, {len(wanted)} texts each")]
