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

from bot.i18n import ABOUT, ADDRESSING, DOMAIN, LOCALES_DIR, SUPPORTED_LOCALES, cldr_locale

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
    "tr": (2, "(n != 1)"),
    # The second round, decided together (gettext's traditional table): Dari as Persian, whose
    # catalog it starts from; Georgian and Wolof, like Persian, with one form (a noun after a
    # number stays singular); Amharic as French (0 and 1 together).
    "ur": (2, "(n != 1)"),
    "ckb": (2, "(n != 1)"),
    "kmr": (2, "(n != 1)"),
    "fa_AF": (1, "0"),
    "so": (2, "(n != 1)"),
    "am": (2, "(n > 1)"),
    "wo": (1, "0"),
    "ka": (1, "0"),
    "bn": (2, "(n != 1)"),
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


# What STYLE.md asks that a machine can check. Each rule: (name, pattern that must NOT match a
# translation). Patterns are case-sensitive unless they say (?i).
_ARABIC_LETTER = r"[\u0600-\u06FF]"
STYLE_RULES: dict[str, list[tuple[str, str]]] = {
    "es": [
        ("usted (STYLE.md: tú)", r"(?i)\busted(es)?\b"),
        (
            "usted imperative (STYLE.md: tú, 'Toca', 'Escribe')",
            r"\b(Pulse|Toque|Escriba|Escríbala|Elija|Indique|Envíe|Responda|Compruebe|Revise|Seleccione|"
            r"Díganos|Cuéntenos|Vuelva|Inténtelo|Espere|Abra|Use|Pídale|Dígale|Avísenos)\b",
        ),
        ("usted form (STYLE.md: tú)", r"\b(¿Quiere|¿Puede|Quiere usted|si lo desea)\b"),
        ("glossary: acknowledge is 'Me encargo'", r"(?i)acusar recibo"),
        ("glossary: referring worker, not 'Asignada a'", r"^Asignad[ao] a\b"),
        ("calque: 'cómo estaba la familia'", r"cómo se veía"),
        ("¿ missing before a question", r"(^|[.!:]\s+)[^¿¡\s<%(][^.!?¿:]*\?"),
    ],
    "ca": [
        ("vostè (STYLE.md: tu)", r"(?i)\bvostès?\b"),
        (
            "vós/vostè imperative (STYLE.md: tu, 'Toca', 'Escriu')",
            r"\b(Premeu|Premi|Toqueu|Toqui|Escriviu|Escrigui|Trieu|Triï|Indiqueu|Envieu|"
            r"Responeu|Comproveu|Torneu|Obriu|Espereu|Digueu|Expliqueu|Feu)\b",
        ),
        ("vós/vostè form (STYLE.md: tu)", r"\b(Voleu|Podeu|Vol enviar|Vol |Pot )"),
        ("glossary: acknowledge is 'Me'n faig càrrec'", r"(?i)acusar recepció"),
        ("glossary: referring worker, not 'Assignada a'", r"^Assignad[ao] a\b"),
    ],
    "fr": [
        ("plain space before : ; ? ! (STYLE.md: no-break space)", r"(?<=\S) [:;?!](?=\s|$|<)"),
        ("no space before ; ? ! (STYLE.md: no-break space)", r"(?<=[\w»)])[;?!]"),
        (
            "no space before : (STYLE.md: no-break space)",
            r"(?<=[^\W\d])(?<!https)(?<!http):(?=\s|$)",
        ),
        ("glossary: 'my mentor' is 'mon mentor ou ma mentore'", r"avec un bénévole"),
    ],
    "ar": [("Latin punctuation after Arabic (STYLE.md: ، ؟ ؛)", _ARABIC_LETTER + r"\s?[,?;]")],
    "fa": [("Latin punctuation after Persian (STYLE.md: ، ؟ ؛)", _ARABIC_LETTER + r"\s?[,?;]")],
    "ps": [("Latin punctuation after Pashto (STYLE.md: ، ؟ ؛)", _ARABIC_LETTER + r"\s?[,?;]")],
    "uk": [
        ("calque: a concern is 'проблема'", r"(?i)занепокоєнн"),
        ("'свої найближчі зустрічі'", r"(?i)ваші наступні зустрічі"),
    ],
    "ru": [("'свои ближайшие встречи'", r"(?i)ваши следующие встречи")],
    "ur": [
        ("Latin punctuation after Urdu (STYLE.md: ، ؟ ؛ ۔)", _ARABIC_LETTER + r"\s?[,?;.]"),
        ("Arabic letter (STYLE.md: Urdu ی ک)", r"[يك]"),
    ],
    "fa_AF": [
        ("Latin punctuation after Dari (STYLE.md: ، ؟ ؛)", _ARABIC_LETTER + r"\s?[,?;]"),
        ("Arabic letter (STYLE.md: Persian ی ک)", r"[يك]"),
        (
            "Iranian word (STYLE.md: Dari)",
            r"بیمارستان|دانشگاه|دانشجو|تلفن|سپاس|داده‌ها|مددکار|پزشک|اتوبوس|خیابان",
        ),
    ],
    "ckb": [
        ("Latin punctuation after Sorani (STYLE.md: ، ؟ ؛)", _ARABIC_LETTER + r"\s?[,?;]"),
        ("Arabic letter (STYLE.md: Kurdish ی ک ە)", r"[يكة]"),
    ],
    "am": [("Latin , ; . after an Ethiopic word (STYLE.md: ፣ ፤ ።)", r"[\u1200-\u137F]{2}[,;.]")],
    "bn": [("full stop after Bengali is the dari । (STYLE.md)", r"[\u0980-\u09FF]\.(?=\s|$)")],
}
# Rules for the neutral form only (STYLE.md: "Addressing a person"): the gendered variants of
# a message (contexts "addressing a man", "about a woman"…) may use the gendered words.
# Arabic: an imperative addressed to one man ("اضغط", "اكتب"…), never in the default form; the
# neutral form says "يمكن الضغط…", "يُرجى كتابة…". Only the forms that cannot be read as a past
# tense are listed ("أرسل" only before a /command, where it is always an imperative).
_NOT_ARABIC_BEFORE = r"(?<![\u0600-\u06FF])[وف]?"
_NOT_ARABIC_AFTER = r"(?![\u0600-\u06FF])"
NEUTRAL_RULES: dict[str, list[tuple[str, str]]] = {
    "ar": [
        (
            "masculine imperative in the neutral form (STYLE.md: 'يمكن الضغط', 'يُرجى كتابة')",
            _NOT_ARABIC_BEFORE
            + r"(اضغط|اكتب|اختر|افتح|صِف|اطلب|أجب|اسأل|أضف|ابدأ|ارجع|اذكر|اترك|انقر|اقرأ|ألغِ"
            + r"|أرسل(?= /))"
            + _NOT_ARABIC_AFTER,
        )
    ],
}
GENDERED_CONTEXTS = frozenset({*ADDRESSING.values(), *ABOUT.values()})
# How often a phrase may appear in one catalog at most (STYLE.md: vary the turns).
STYLE_LIMITS: dict[str, list[tuple[str, int]]] = {"fr": [("Merci de", 3)]}
# Glossary terms: when the source (or its context) matches the first pattern, the translation
# must match the second.
GLOSSARY_RULES: dict[str, list[tuple[str, str]]] = {
    "es": [(r"(?i)referring worker", r"(?i)profesional de referencia")],
    "ca": [(r"(?i)referring worker", r"(?i)professional de referència")],
    "fr": [(r"(?i)referring worker", r"(?i)référent")],
    "ar": [(r"(?i)referring worker", r"الأخصائي الاجتماعي المسؤول")],
    "uk": [(r"(?i)referring worker", r"(?i)соціальн\w* працівник")],
    "ru": [(r"(?i)referring worker", r"(?i)социальн\w* работник")],
    "fa": [(r"(?i)referring worker", r"مددکار اجتماعی مسئول")],
    "ps": [(r"(?i)referring worker", r"مسؤل ټولنیز کارکوونک")],
    "ti": [(r"(?i)referring worker", r"ሓላፊ ማሕበራዊ ሰራሕተኛ")],
    "tr": [(r"(?i)referring worker", r"(?i)sorumlu sosyal çalışmacı")],
    "ur": [(r"(?i)referring worker", r"ذمہ دار سماجی کارکن")],
    "fa_AF": [(r"(?i)referring worker", r"کارکن اجتماعی مسئول")],
    "ckb": [(r"(?i)referring worker", r"کارمەندی کۆمەڵایەتیی بەرپرس")],
    "so": [
        (r"(?i)referring worker", r"(?i)shaqaalaha bulshada ee mas'uulka ah"),
        (r"(?i)\bconcerns?\b", r"(?i)walaac|dhibaato"),
        (r"(?i)\bmentees?\b", r"(?i)ka-qaybgal"),
    ],
    "kmr": [
        (r"(?i)referring worker", r"(?i)karkerê civakî yê berpirsiyar"),
        (r"(?i)\bconcerns?\b", r"(?i)fikar|pirsgirêk"),
        (r"(?i)\bmentees?\b", r"(?i)beşdar"),
    ],
    "am": [
        (r"(?i)referring worker", r"ኃላፊ\w* ማህበራዊ ሠራተኛ"),
        (r"(?i)\bconcerns?\b", r"ስጋ[ተ-ቷ]|ችግ[ረ-ሯ]"),
        (r"(?i)\bmentees?\b", r"ተሳታፊ"),
    ],
    "ka": [
        (r"(?i)referring worker", r"პასუხისმგებელ\w* სოციალურ\w* მუშაკ"),
        (r"(?i)(?<!\()\bmentors?\b(?!\))", r"მენტორ"),
        (r"(?i)\bmentees?\b", r"მონაწილ"),
        (r"(?i)(?<!\()\bfamil(y|ies)\b(?!\))", r"ოჯახ"),
        (r"(?i)\bconcerns?\b", r"პრობლემ"),
        (r"(?i)(?<!\()\bmatch(es)?\b(?!\))", r"მენტორობ"),
    ],
    "bn": [
        (r"(?i)referring worker", r"দায়িত্বপ্রাপ্ত সমাজকর্মী"),
        (r"(?i)(?<!\()\bmentors?\b(?!\))", r"মেন্টর"),
        (r"(?i)\bmentees?\b", r"অংশগ্রহণকারী"),
        (r"(?i)(?<!\()\bfamil(y|ies)\b(?!\))", r"পরিবার"),
        (r"(?i)\bconcerns?\b", r"সমস্যা"),
        (r"(?i)(?<!\()\bmatch(es)?\b(?!\))", r"মেন্টরশিপ"),
    ],
    "wo": [
        (r"(?i)referring worker", r"(?i)liggéeykat sosiyaal bi yor mbir mi"),
        (r"(?i)(?<!\()\bmentors?\b(?!\))", r"(?i)mentor"),
        (r"(?i)\bmentees?\b", r"(?i)bokkkat"),
        (r"(?i)(?<!\()\bfamil(y|ies)\b(?!\))", r"(?i)njaboot"),
        (r"(?i)\bconcerns?\b", r"(?i)jafe-jafe"),
        (r"(?i)(?<!\()\bmatch(es)?\b(?!\))", r"(?i)mentorat"),
    ],
}
# The concern card's "Acknowledge" button, word for word.
ACKNOWLEDGE: dict[str, str] = {
    "es": "Me encargo",
    "ca": "Me'n faig càrrec",
    "fr": "Prendre en charge",
    "ar": "سأتولى الأمر",
    "uk": "Взяти в роботу",
    "ru": "Взять в работу",
    "fa": "پیگیری می‌کنم",
    "ps": "زه یې په غاړه اخلم",
    "tr": "Üstleniyorum",
    "ur": "ذمہ داری لیں",
    "fa_AF": "پیگیری می‌کنم",
    "ckb": "بەدواداچوونی بۆ دەکەم",
    "so": "Anigaa qaadanaya",
    "kmr": "Ez digirim ser xwe",
    "am": "እኔ እይዘዋለሁ",
    "ka": "ვიკისრებ",
    "bn": "আমি দায়িত্ব নিচ্ছি",
    "wo": "Maa ko jël",
}


def _plain(text: str) -> str:
    """A translation with its placeholders and tags taken out, for the style rules."""
    text = _TAG.sub("", text)
    text = _PERCENT.sub("X", text)
    return _BRACES.sub("X", text)


def check_style(catalog: Catalog, locale: str) -> list[Problem]:
    """What a machine can check of STYLE.md: register markers, glossary terms, punctuation."""
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    for message in catalog:
        if not message.id:
            continue
        msgid = _key(message)[0]
        raw = message.string if isinstance(message.string, tuple | list) else [message.string]
        sources = message.id if isinstance(message.id, tuple | list) else [message.id]
        for form in (str(x) for x in raw if x):
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
            for term, wanted in GLOSSARY_RULES.get(locale, []):
                if any(re.search(term, str(x)) for x in sources) and not re.search(wanted, form):
                    problems.append(Problem(locale, msgid, "glossary", f"wants /{wanted}/"))
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
        path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
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
        path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
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

    path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    catalog = load(path, locale)
    written = 0
    for message in catalog:
        if not message.id:
            continue
        msgid, context = _key(message)
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


# Review by native speakers ---------------------------------------------------------------------

REVIEWED = "reviewed"  # the flag (`#, reviewed`) on an entry a native speaker approved
SHEET_COLUMNS = (
    "key",
    "source (English)",
    "context",
    "comment for translators",
    "plural form",
    "current translation",
    "where it is used",
    "correction",
    "reviewed",
)
_YES = {"yes", "y", "x", "1", "true", "ok", "✓", "✔", "sí", "si", "oui", "да", "так", "نعم", "بله"}
_YES |= {"ہاں", "جی", "بلی", "بەڵێ", "evet"}  # Urdu, Dari, Sorani, Turkish


def catalog_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def coverage(catalog: Catalog) -> tuple[int, int]:
    """(reviewed entries, all entries) of a catalog."""
    entries = [m for m in catalog if m.id]
    return sum(1 for m in entries if REVIEWED in m.flags), len(entries)


def _usages() -> dict[tuple[str, str | None], list[str]]:
    """Where each message is used in the code ("bot/services/concerns.py:72")."""
    root = Path(__file__).resolve().parent.parent
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
                "--keyword=NP_:1c,2",
                "--keyword=about:2",
                ".",
            ],
            check=True,
            cwd=root,
        )
        template = load(out)
    return {_key(m): [f"{path}:{line}" for path, line in m.locations] for m in template if m.id}


def _plural_names(locale: str) -> list[str]:
    """A name for each plural form of a language: the numbers that take it, from 0 to 200."""
    count, expr = PLURAL_FORMS[locale]
    from gettext import c2py

    rule = c2py(expr)
    numbers: dict[int, list[int]] = {i: [] for i in range(count)}
    for n in range(201):
        numbers[int(rule(n))].append(n)
    return [
        "numbers like " + ", ".join(str(n) for n in numbers[i][:4]) if numbers[i] else ""
        for i in range(count)
    ]


def _sheet_key(msgid: str, context: str | None) -> str:
    """The hidden first column: which entry a row is (JSON; a spreadsheet refuses \\x04)."""
    import json

    return json.dumps([context, msgid], ensure_ascii=False)


def write_sheet(locale: str, out: Path) -> int:
    """A spreadsheet for a native speaker to review one language: one row per message (per
    plural form), with the source, its context and comment, the current translation, where it
    is used, and two columns to fill: a correction and "reviewed". Returns the rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from bot.services import cells

    catalog = load(catalog_path(locale), locale)
    used = _usages()
    names = _plural_names(locale)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = locale
    sheet.append(list(SHEET_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows = 0
    for message in catalog:
        if not message.id:
            continue
        msgid, context = _key(message)
        key = _sheet_key(msgid, context)
        sources = message.id if isinstance(message.id, tuple | list) else (message.id,)
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        comment = "\n".join(message.auto_comments)
        where = "\n".join(used.get((msgid, context), []))
        for index, form in enumerate(forms):
            plural = f"{index}: {names[index]}" if message.pluralizable else ""
            source = " / ".join(str(s) for s in sources)
            reviewed = "yes" if REVIEWED in message.flags else ""
            values = [key, source, context or "", comment, plural, form or "", where, "", reviewed]
            sheet.append([cells.escape(v) for v in values])
            rows += 1
    widths = {"A": 12, "B": 50, "C": 18, "D": 40, "E": 14, "F": 60, "G": 30, "H": 60, "I": 10}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].hidden = True
    sheet.freeze_panes = "B2"
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return rows


def _unescape(value: object) -> str:
    """A cell read back: what `cells.escape` wrote, without its protecting apostrophe."""
    from bot.services import cells

    text = "" if value is None else str(value)
    return text[1:] if text.startswith("'") and cells.is_formula(text[1:]) else text


@dataclass
class Applied:
    locale: str
    corrected: int
    reviewed: int
    problems: list[Problem]


def apply_sheet(path: Path, template: Catalog | None = None) -> Applied:
    """Read a reviewed spreadsheet back into its catalog: corrections replace translations,
    "reviewed" marks entries (flag `reviewed`). Every check of the catalogs runs on the result
    first; when one fails, nothing is written and the problems are returned."""
    from babel.messages.pofile import write_po
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    locale = str(sheet.title)
    if locale not in PLURAL_FORMS or locale == "en":
        raise ValueError(f"the sheet is named {locale!r}, not a catalog's language")
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "") for h in next(rows)]
    if tuple(header[: len(SHEET_COLUMNS)]) != SHEET_COLUMNS:
        raise ValueError("the first row is not the review sheet's header")
    column = {name: header.index(name) for name in SHEET_COLUMNS}
    edits: dict[str, dict[int, str]] = {}
    marks: dict[str, list[bool]] = {}
    for values in rows:
        key = _unescape(values[column["key"]])
        if not key:
            continue
        plural = _unescape(values[column["plural form"]])
        index = int(plural.split(":", 1)[0]) if plural else 0
        correction = _unescape(values[column["correction"]]).strip()
        if correction:
            edits.setdefault(key, {})[index] = correction
        mark = _unescape(values[column["reviewed"]]).strip().lower() in _YES
        marks.setdefault(key, []).append(mark)
    book.close()
    po = catalog_path(locale)
    catalog = load(po, locale)
    corrected = reviewed = 0
    for message in catalog:
        if not message.id:
            continue
        msgid, context = _key(message)
        key = _sheet_key(msgid, context)
        if key in edits:
            if isinstance(message.string, tuple | list):
                forms = list(message.string)
                for index, text in edits[key].items():
                    if 0 <= index < len(forms):
                        forms[index] = text
                message.string = tuple(forms)
            else:
                message.string = edits[key].get(0, message.string)
            message.flags.discard("fuzzy")
            corrected += 1
        if key in marks:
            if all(marks[key]):
                if REVIEWED not in message.flags:
                    reviewed += 1
                message.flags.add(REVIEWED)
            else:
                message.flags.discard(REVIEWED)
    problems = check_catalog(catalog, template or extract(), locale) + check_style(catalog, locale)
    if not problems:
        with po.open("wb") as fh:
            write_po(fh, catalog, width=100, ignore_obsolete=True, sort_output=True)
    return Applied(locale, corrected, reviewed, problems)


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


def _sheet_command(args: list[str]) -> int:
    if args[:1] == ["--apply"] and len(args) == 2:
        result = apply_sheet(Path(args[1]))
        for problem in result.problems:
            print(problem)
        if result.problems:
            print(f"{result.locale}: nothing written; correct the sheet and apply it again")
            return 1
        done, total = coverage(load(catalog_path(result.locale), result.locale))
        print(
            f"{result.locale}: {result.corrected} corrected, {result.reviewed} newly reviewed; "
            f"{done} of {total} messages reviewed"
        )
        return 0
    if len(args) in (1, 2) and not args[0].startswith("-"):
        locale = args[0]
        if locale not in SUPPORTED_LOCALES or locale == "en":
            print(f"no catalog for {locale!r}")
            return 2
        out = Path(args[1]) if len(args) == 2 else Path(f"mentorbot-{locale}-review.xlsx")
        print(f"wrote {write_sheet(locale, out)} rows to {out}")
        return 0
    print("usage: python -m bot.catalogs sheet LANG [FILE.xlsx] | sheet --apply FILE.xlsx")
    return 2


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
    elif command == "sheet":
        sys.exit(_sheet_command(sys.argv[2:]))
    else:
        found = check_all()
        for problem in found:
            print(problem)
        for line in coverage_all():
            print(f"review coverage: {line}")
        sys.exit(1 if found else 0)
