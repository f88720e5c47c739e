"""The catalogs are complete and consistent, every message renders, and no user-facing text
escapes gettext."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from bot.catalogs import (
    PLURAL_FORMS,
    check_all,
    check_catalog,
    extract,
    load,
    placeholders,
    plural_forms,
)
from bot.i18n import DOMAIN, LOCALES_DIR, SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extract(ROOT)


def _catalog(
    locale: str, entries: Sequence[tuple[object, object]], plural_forms: str | None = None
) -> Catalog:
    catalog = Catalog(locale=locale)
    count, expr = plural_forms.split("|") if plural_forms else PLURAL_FORMS[locale]
    catalog._num_plurals, catalog._plural_expr = int(count), expr  # type: ignore[attr-defined,assignment]
    for msgid, msgstr in entries:
        catalog.add(msgid, msgstr)  # type: ignore[arg-type]
    return catalog


def _template(entries: list[object]) -> Catalog:
    catalog = Catalog()
    for msgid in entries:
        catalog.add(msgid)  # type: ignore[arg-type]
    return catalog


# The checker itself, on deliberately broken catalogs ---------------------------------------


def test_placeholders_of_both_styles() -> None:
    assert placeholders("%(name)s met %(count)d on {day} at %s, 100%%") == [
        "%s",
        "count",
        "name",
        "{day}",
    ]


def test_a_complete_catalog_passes() -> None:
    template = _template(["Hello %(name)s", ("%(num)d hour", "%(num)d hours")])
    good = _catalog(
        "es",
        [
            ("Hello %(name)s", "Hola %(name)s"),
            (("%(num)d hour", "%(num)d hours"), ("%(num)d hora", "%(num)d horas")),
        ],
    )
    assert check_catalog(good, template, "es") == []


def test_stale_untranslated_and_fuzzy_are_caught() -> None:
    template = _template(["One", "Two", "Three"])
    broken = _catalog("es", [("One", "Uno"), ("Two", "")])
    broken.add("Three", "Tres", flags=["fuzzy"])
    kinds = {(p.msgid, p.kind) for p in check_catalog(broken, template, "es")}
    assert kinds == {("Two", "untranslated"), ("Three", "fuzzy")}
    del broken["Three"]
    assert ("Three", "stale") in {(p.msgid, p.kind) for p in check_catalog(broken, template, "es")}


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("Hello %(name)s", "Hola %(nombre)s"),
        ("Hello {name}", "Hola {nombre}"),
        ("Hello {name}", "Hola name}"),
        ("%(a)s and %(b)s", "%(a)s y"),
    ],
)
def test_a_placeholder_that_differs_is_caught(source: str, translation: str) -> None:
    problems = check_catalog(_catalog("es", [(source, translation)]), _template([source]), "es")
    assert [p.kind for p in problems] == ["placeholder"]


def test_markup_that_differs_is_caught() -> None:
    problems = check_catalog(
        _catalog("es", [("<b>Hi</b>", "<i>Hola</i>")]), _template(["<b>Hi</b>"]), "es"
    )
    assert [p.kind for p in problems] == ["markup"]


def test_wrong_number_of_plural_forms_is_caught() -> None:
    source = ("%(num)d day", "%(num)d days")
    arabic = _catalog("ar", [(source, ("%(num)d يوم", "%(num)d أيام"))])
    kinds = [p.kind for p in check_catalog(arabic, _template([source]), "ar")]
    assert "plural" in kinds  # Arabic has six forms, not two


def test_a_plural_header_other_than_the_fixed_one_is_caught() -> None:
    # Newer CLDR data gives Spanish a third category ("many"); the catalogs keep gettext's two.
    source = ("%(num)d day", "%(num)d days")
    three = "3|(n == 1) ? 0 : ((n != 0 && n % 1000000 == 0) ? 1 : 2)"
    spanish = _catalog("es", [(source, ("%(num)d día", "%(num)d días", "%(num)d días"))], three)
    kinds = [p.kind for p in check_catalog(spanish, _template([source]), "es")]
    assert kinds == ["plural", "plural"]  # the header, and three forms where two are wanted


# The real catalogs ---------------------------------------------------------------------------


def test_every_catalog_is_complete_current_and_consistent(template: Catalog) -> None:
    assert len(template) > 50, "the source has texts to translate"
    problems = check_all(template)
    assert not problems, "\n".join(str(p) for p in problems[:40])


def _sample_values(text: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for m in re.finditer(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?([sdifr])", text):
        values[m.group(1)] = 3 if m.group(2) in "dif" else "x"
    return values


@pytest.mark.parametrize("locale", [loc for loc in SUPPORTED_LOCALES if loc != "en"])
def test_every_message_renders_with_sample_values(locale: str) -> None:
    path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        pytest.fail(f"no catalog for {locale}")
    rendered = 0
    for message in load(path, locale):
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple | list) else [message.string]
        for form in forms:
            if not form:
                continue
            source = message.id[-1] if isinstance(message.id, tuple | list) else message.id
            values = _sample_values(str(source))
            text = str(form)
            if values or "%(" in text:
                text = text % values
            if "{" in str(source):
                text = text.format(
                    **{n.strip("{}"): "x" for n in placeholders(str(source)) if n.startswith("{")}
                )
            assert text.strip(), f"{locale}: {message.id!r} renders empty"
            rendered += 1
    assert rendered > 0


# Nothing user-facing escapes gettext ---------------------------------------------------------

SENDERS = {
    "reply",
    "edit",
    "toast",
    "send_message",
    "edit_message_text",
    "answer",
    "send_document",
    "reply_text",
    "enqueue",
    "set_my_description",
}
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext", "N_"}


def _is_literal_text(node: ast.expr) -> bool:
    """A text written in the code rather than taken from gettext: a literal, an f-string,
    `"Hello " + name`, `"Hello %s" % name`, `"Hello {}".format(name)`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2,}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(v, ast.Constant) and re.search(r"[A-Za-z]{2,}", str(v.value))
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _is_literal_text(node.left) or (
            isinstance(node.op, ast.Add) and _is_literal_text(node.right)
        )
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return _is_literal_text(node.func.value)
    return False


def _looks_like_callback_data(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[0]
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.match(r"^[a-z_]{1,8}:(?!//)", node.value) is not None
    )


def _literal_texts(tree: ast.AST) -> list[tuple[int, str]]:
    hits: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            if name in SENDERS:
                args = list(node.args) + [
                    k.value for k in node.keywords if k.arg in ("text", "caption")
                ]
                # enqueue(session, now, recipient, kind, text): the text is the 5th argument
                if name == "enqueue":
                    args = node.args[4:5] + [k.value for k in node.keywords if k.arg == "text"]
                hits += [(node.lineno, name) for a in args if _is_literal_text(a)]
        # A button (label, callback data) whose label is a literal text.
        if (
            isinstance(node, ast.Tuple)
            and len(node.elts) == 2
            and _is_literal_text(node.elts[0])
            and _looks_like_callback_data(node.elts[1])
        ):
            hits.append((node.lineno, "button label"))
    return hits


def test_the_escape_check_finds_a_literal() -> None:
    code = (
        'async def f(ctx, name):\n    ctx.reply("Hello there")\n    ctx.reply(ctx._("Fine"))\n'
        '    b = [[("Yes please", "lg:yes")]]\n'
        '    ctx.reply("Hello " + name)\n    ctx.edit("Hello %s" % name)\n'
        '    ctx.toast("Hi {}".format(name))\n'
        '    ctx.reply(ctx._("Hello %(name)s") % {"name": name})\n'
        '    ctx.reply("<b>" + ctx._("Title") + "</b>")\n'
    )
    found = sorted(_literal_texts(ast.parse(code)))
    assert found == [(2, "reply"), (4, "button label"), (5, "reply"), (6, "edit"), (7, "toast")]


def test_no_user_facing_literal_escapes_gettext() -> None:
    offenders = []
    for folder in ("handlers", "bot"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, kind in _literal_texts(ast.parse(path.read_text(), str(path))):
                offenders.append(f"{path.relative_to(ROOT)}:{line} ({kind})")
    assert not offenders, "texts sent without gettext:\n" + "\n".join(offenders)


# The plural rule of every catalog is fixed, not whatever Babel's CLDR data says today.
EXPECTED_PLURAL_HEADERS = {
    "es": "nplurals=2; plural=(n != 1);",
    "ca": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "fa": "nplurals=1; plural=0;",
    "ps": "nplurals=2; plural=(n != 1);",
    "ti": "nplurals=2; plural=(n != 1);",
    "tr": "nplurals=2; plural=(n != 1);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=0 && n%100<=2 ? 4 : 5);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    # The second round: each new catalog's header, decided once for all nine.
    "ur": "nplurals=2; plural=(n != 1);",
    "ckb": "nplurals=2; plural=(n != 1);",
    "kmr": "nplurals=2; plural=(n != 1);",
    "fa_AF": "nplurals=1; plural=0;",
    "so": "nplurals=2; plural=(n != 1);",
    "am": "nplurals=2; plural=(n > 1);",
    "wo": "nplurals=1; plural=0;",
    "ka": "nplurals=1; plural=0;",
    "bn": "nplurals=2; plural=(n != 1);",
}


@pytest.mark.parametrize("locale", [loc for loc in SUPPORTED_LOCALES if loc != "en"])
def test_each_catalog_has_its_fixed_plural_header(locale: str) -> None:
    assert set(SUPPORTED_LOCALES) - {"en"} <= set(EXPECTED_PLURAL_HEADERS)
    path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    header = next(
        line for line in path.read_text(encoding="utf-8").split("\n") if "Plural-Forms" in line
    )
    assert plural_forms(locale) == EXPECTED_PLURAL_HEADERS[locale]
    assert load(path, locale).plural_forms == EXPECTED_PLURAL_HEADERS[locale], header


@pytest.mark.parametrize(
    ("locale", "count", "form"),
    [("es", 1, 0), ("es", 1_000_000, 1), ("fr", 0, 0), ("fr", 2, 1), ("fa", 5, 0), ("ru", 22, 1)],
)
def test_gettext_picks_the_fixed_rules_form(locale: str, count: int, form: int) -> None:
    from bot.i18n import translator

    singular, plural = "%(num)d hour", "%(num)d hours"
    path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    message = load(path, locale)[singular]
    assert message is not None and isinstance(message.string, tuple)
    got = translator(locale).ngettext(singular, plural, count)
    assert got == message.string[form]


# STYLE.md's machine-checkable rules, on planted violations ------------------------------------


def _style_kinds(locale: str, entries: Sequence[tuple[object, object]]) -> list[tuple[str, str]]:
    from bot.catalogs import check_style

    return [(p.msgid, p.detail) for p in check_style(_catalog(locale, entries), locale)]


@pytest.mark.parametrize(
    "translation",
    ["Pulse el botón.", "Escriba su nombre.", "¿Puede venir usted?", "Acusar recibo"],
)
def test_usted_where_tu_was_chosen_is_caught(translation: str) -> None:
    assert _style_kinds("es", [("Tap the button.", translation)])
    assert not _style_kinds("es", [("Tap the button.", "Toca el botón.")])


def test_vostè_where_tu_was_chosen_is_caught() -> None:
    assert _style_kinds("ca", [("Tap the button.", "Premi el botó.")])
    assert _style_kinds("ca", [("Write.", "Escriviu-ho, si us plau.")])
    assert not _style_kinds("ca", [("Tap the button.", "Toca el botó.")])


@pytest.mark.parametrize(
    "translation", ["Membres : %(names)s", "Membres: %(names)s", "Vous venez ?", "Bonjour!"]
)
def test_french_without_a_no_break_space_is_caught(translation: str) -> None:
    assert _style_kinds("fr", [("Members: %(names)s", translation)])


def test_french_with_no_break_spaces_passes() -> None:
    good = "Membres\u00a0: %(names)s. Vous venez\u00a0? https://example.org"
    assert not _style_kinds("fr", [("Members: %(names)s", good)])


def test_merci_de_over_the_limit_is_caught() -> None:
    entries: list[tuple[object, object]] = [
        (f"Please do {n}.", f"Merci de faire {n}.") for n in range(4)
    ]
    assert ("", "'Merci de' 4 times, at most 3") in _style_kinds("fr", entries)
    assert not _style_kinds("fr", entries[:3])


@pytest.mark.parametrize("locale", ["ar", "fa", "ps"])
def test_latin_punctuation_in_arabic_script_is_caught(locale: str) -> None:
    assert _style_kinds(locale, [("Will you come?", "هل ستأتي?")])
    assert _style_kinds(locale, [("Yes, now.", "نعم, الآن.")])
    assert not _style_kinds(locale, [("Will you come?", "هل ستأتي؟ نعم، الآن.")])


@pytest.mark.parametrize(
    ("locale", "wrong", "right"),
    [
        ("ur", "کیا آپ آئیں گے?", "کیا آپ آئیں گے؟"),
        ("ur", "بھیج دیا گیا.", "بھیج دیا گیا۔"),  # the Urdu full stop
        ("ur", "كل", "کل"),  # Arabic kāf, not Urdu's
        ("fa_AF", "تماس با دفتر, لطفاً", "تماس با دفتر، لطفاً"),
        ("fa_AF", "تلفن دفتر", "تیلفون دفتر"),  # the Iranian word, not Dari's
        ("fa_AF", "سپاس!", "تشکر!"),
        ("ckb", "دێن?", "دێن؟"),
        ("ckb", "سوپاس بۆ هاتنة", "سوپاس بۆ هاتنە"),  # Arabic tā' marbūṭa, not Kurdish ە
    ],
)
def test_the_second_rounds_script_rules_are_caught(locale: str, wrong: str, right: str) -> None:
    assert _style_kinds(locale, [("x", wrong)])
    assert not _style_kinds(locale, [("x", right)])


def test_latin_punctuation_after_ethiopic_words_is_caught() -> None:
    assert _style_kinds("am", [("Yes, now.", "አዎ, አሁን.")])
    assert not _style_kinds("am", [("Yes, now.", "አዎ፣ አሁን። ቡድን ቁ. 12")])


@pytest.mark.parametrize(
    ("locale", "wrong", "right"),
    [
        ("ur", "سماجی کارکن: %(name)s", "ذمہ دار سماجی کارکن: %(name)s"),
        ("fa_AF", "مددکار اجتماعی مسئول: %(name)s", "کارکن اجتماعی مسئول: %(name)s"),
        ("ckb", "کارمەند: %(name)s", "کارمەندی کۆمەڵایەتیی بەرپرس: %(name)s"),
        ("so", "Shaqaale: %(name)s", "Shaqaalaha bulshada ee mas'uulka ah: %(name)s"),
        ("kmr", "Karmend: %(name)s", "Karkerê civakî yê berpirsiyar: %(name)s"),
        ("am", "ሠራተኛ: %(name)s", "ኃላፊ ማህበራዊ ሠራተኛ: %(name)s"),
    ],
)
def test_the_second_rounds_glossary_is_enforced(locale: str, wrong: str, right: str) -> None:
    source = "Referring worker: %(name)s"
    assert _style_kinds(locale, [(source, wrong)])
    assert not _style_kinds(locale, [(source, right)])


@pytest.mark.parametrize(
    ("locale", "wrong", "right"),
    [
        ("so", "Arrimaha furan: %(n)s", "Walaacyada furan: %(n)s"),
        ("kmr", "Mijarên vekirî: %(n)s", "Fikarên vekirî: %(n)s"),
        ("am", "ክፍት ጉዳዮች: %(n)s", "ክፍት ስጋቶች: %(n)s"),
    ],
)
def test_the_word_for_a_concern_follows_the_glossary(locale: str, wrong: str, right: str) -> None:
    assert _style_kinds(locale, [("Open concerns: %(n)s", wrong)])
    assert not _style_kinds(locale, [("Open concerns: %(n)s", right)])


@pytest.mark.parametrize(
    "translation",
    ["اضغط على زر.", "لا أستطيع. اكتب رسالة.", "للتوقف، أرسل /cancel.", "اختر يومًا، واكتب الوقت."],
)
def test_a_masculine_imperative_in_neutral_arabic_is_caught(translation: str) -> None:
    assert _style_kinds("ar", [("Tap a button.", translation)])


def test_neutral_arabic_and_the_gendered_variant_pass() -> None:
    neutral = "يمكن الضغط على زر، أو كتابة المدة. أرسل %(name)s تقريرًا."
    assert not _style_kinds("ar", [("Tap a button.", neutral)])
    from bot.catalogs import check_style

    catalog = _catalog("ar", [])
    catalog.add("Tap a button.", "اضغط على زر.", context="addressing a man")
    assert check_style(catalog, "ar") == []


def test_a_glossary_term_translated_otherwise_is_caught() -> None:
    source = "Referring worker: %(name)s"
    assert _style_kinds("es", [(source, "Asignada a: %(name)s")])
    assert not _style_kinds("es", [(source, "Profesional de referencia: %(name)s")])
    russian = [(source, "Куратор: %(name)s")]
    assert next(d for _, d in _style_kinds("ru", russian)).startswith("wants")


@pytest.mark.parametrize(
    ("locale", "wrong", "right"),
    [
        ("ka", "შეშფოთება ოჯახზე", "პრობლემა ოჯახზე"),
        ("ka", "ეს ჯგუფი", "ეს მენტორობა"),
        ("bn", "পরিবার নিয়ে উদ্বেগ", "পরিবার নিয়ে সমস্যা"),
        ("bn", "এই ম্যাচ", "এই মেন্টরশিপ"),
        ("wo", "Am na jafe ci njaboot gi", "Am na jafe-jafe ci njaboot gi"),
        ("wo", "Grup bii", "Mentorat bii"),
    ],
)
def test_the_glossary_of_a_new_language_is_enforced(locale: str, wrong: str, right: str) -> None:
    family = ("ოჯახ", "পরিবার", "njaboot")
    source = "The concern about the family" if any(w in right for w in family) else "The match"
    assert _style_kinds(locale, [(source, wrong)])
    assert not _style_kinds(locale, [(source, right)])


def test_a_latin_full_stop_after_bengali_is_caught() -> None:
    assert _style_kinds("bn", [("Yes.", "হ্যাঁ.")])
    assert not _style_kinds("bn", [("Yes.", "হ্যাঁ। 1.5 ঘণ্টা")])


def test_the_acknowledge_button_follows_the_glossary() -> None:
    from bot.catalogs import check_style

    catalog = _catalog("es", [])
    catalog.add("Acknowledge", "Acusar recepción", context="concern button")
    assert [p.kind for p in check_style(catalog, "es")] == ["glossary"]
    fixed = _catalog("es", [])
    fixed.add("Acknowledge", "Me encargo", context="concern button")
    assert check_style(fixed, "es") == []


def test_russian_and_ukrainian_calques_are_caught() -> None:
    assert _style_kinds("uk", [("Your concern", "Ваше занепокоєння")])
    assert _style_kinds("ru", [("x", "Здесь ваши следующие встречи.")])


# Contexts ------------------------------------------------------------------------------------


def test_a_label_with_a_context_is_translated_in_its_context() -> None:
    from bot.i18n import NP_, translator
    from bot.services.concerns import PROBLEM_LABELS
    from bot.services.meetings import ACTIVITIES
    from storage.models import ConcernCategory

    es = translator("es")
    label = NP_("concern category, mentee", "A problem with my mentor")
    assert es.gettext(label) == es.pgettext("concern category, mentee", "A problem with my mentor")
    assert es.gettext(label) != "A problem with my mentor"
    assert translator("en").gettext(ACTIVITIES["other"]) == "Other"
    assert type(translator("en").gettext(ACTIVITIES["other"])) is str
    fr = translator("fr")
    assert fr.gettext(PROBLEM_LABELS[ConcernCategory.RELATIONSHIP]) == (
        "Un problème avec mon mentor ou ma mentore"
    )


def test_every_short_label_has_a_context_and_a_comment(template: Catalog) -> None:
    for word in ("Other", "Housing", "Health", "Good", "Language", "Social network", "Low"):
        entries = [m for m in template if m.id == word]
        assert entries, word
        assert all(m.context for m in entries), f"{word!r} has no context"
        assert all(m.auto_comments for m in entries), f"{word!r} has no translator comment"
    assert len({m.context for m in template if m.id == "Housing"}) == 3


def test_fill_with_a_context_writes_that_entry_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from babel.messages.pofile import write_po

    import bot.catalogs as catalogs

    catalog = Catalog(locale="es")
    catalog.add("Other", "", context="meeting activity")
    catalog.add("Other", "", context="concern category")
    po = tmp_path / "es" / "LC_MESSAGES" / f"{DOMAIN}.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as fh:
        write_po(fh, catalog)
    monkeypatch.setattr(catalogs.files, "LOCALES_DIR", tmp_path)
    assert catalogs.fill("es", {"Other": "Otra", "concern category\x04Other": "Otro tema"}) == 2
    filled = load(po, "es")
    assert filled.get("Other", "meeting activity").string == "Otra"  # type: ignore[union-attr]
    assert filled.get("Other", "concern category").string == "Otro tema"  # type: ignore[union-attr]
