"""What the catalog check holds each language to: its plural rule, and what STYLE.md asks
that a machine can check (register, glossary terms, punctuation)."""

from __future__ import annotations

from bot.i18n import ABOUT, ADDRESSING

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
