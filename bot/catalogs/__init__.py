"""Checks over the gettext catalogs that Babel's own tools do not make.

`pybabel compile` accepts a broken `{name}` placeholder and `pybabel update --check` misfires on
messages with a context, so the catalogs are checked here, over the `.po` files themselves:
stale (a source message missing), incomplete, fuzzy, placeholders different from the source
(`%(name)s` and `{name}` styles), and plural entries with the wrong number of forms.

`python -m bot.catalogs update|compile|check|fill LANG FILE.json|sheet …` (`__main__`).

| module | holds |
|---|---|
| `rules` | each language's plural rule (`PLURAL_FORMS`), style, glossary and neutral-form rules |
| `checks` | one catalog checked against the template, and against its language's style |
| `files` | the files under locales/: load, extract, check all, compile, update, fill, coverage |
| `sheet` | the review spreadsheet for native speakers, written and applied |
"""

from bot.catalogs.checks import (
    Problem,
    check_catalog,
    check_style,
    entry_key,
    placeholders,
    tags,
)
from bot.catalogs.files import (
    CONTEXT_SEPARATOR,
    REVIEW_PREFIX,
    REVIEWED,
    catalog_path,
    check_all,
    compile_all,
    coverage,
    coverage_all,
    extract,
    fill,
    load,
    review_status,
    update_all,
)
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
from bot.catalogs.sheet import SHEET_COLUMNS, Applied, apply_sheet, sheet_command, write_sheet

__all__ = [
    "ACKNOWLEDGE",
    "CONTEXT_SEPARATOR",
    "GENDERED_CONTEXTS",
    "GLOSSARY_RULES",
    "NEUTRAL_RULES",
    "PLURAL_FORMS",
    "REVIEWED",
    "REVIEW_PREFIX",
    "SHEET_COLUMNS",
    "STYLE_LIMITS",
    "STYLE_RULES",
    "Applied",
    "Problem",
    "apply_sheet",
    "catalog_path",
    "check_all",
    "check_catalog",
    "check_style",
    "compile_all",
    "coverage",
    "coverage_all",
    "entry_key",
    "extract",
    "fill",
    "load",
    "placeholders",
    "plural_forms",
    "review_status",
    "sheet_command",
    "tags",
    "update_all",
    "write_sheet",
]
