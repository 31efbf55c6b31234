"""Global words: what a resident can type at any step, in any of the four languages or Darija.

A message counts as a global word only when it is nothing else: "menu" alone, not a sentence
that happens to contain it, and not an answer the current question offers ("خلاص" at the photos
is "no more photos", see `answer`). Spellings are compared after `plain`: folded (hamza, accents
and case vary), loosened (Arabizi digits, letters typed twice: "lmenuuu", "rje3" and "rjee3")
and without the courtesies around them, so "lmenu 3afak" is "lmenu".
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from conversations.folding import fold, loose
from conversations.tifinagh import as_typed


class Word(StrEnum):
    MENU = "menu"
    HELP = "help"
    BACK = "back"
    CANCEL = "cancel"
    LANGUAGE = "language"
    # Asks first: "بركة" or "حبس" typed in passing must not silence every notification.
    STOP = "stop"
    # The platforms' own opt-out keywords: obeyed at once, as the platform itself does.
    OPT_OUT = "opt_out"
    START = "start"
    REPORT = "report"
    MY_DATA = "my_data"
    ERASE = "erase"
    THANKS = "thanks"
    # An organizer's one-time link to the web dashboard.
    DASHBOARD = "dashboard"
    # A question to the organizers (Menu → Ask the association).
    ASK = "ask"
    # A hello alone ("salam"): answered with the question still open, as a thank-you is.
    GREETING = "greeting"


_SPELLINGS: dict[Word, tuple[str, ...]] = {
    Word.MENU: (
        "menu",
        "/menu",
        "home",
        "main menu",
        "accueil",
        "menu principal",
        "القائمة",
        "قائمة",
        "القائمة الرئيسية",
        "لائحة",
        "اللائحة",
        "الرئيسية",
        "مينو",
        "lmenu",
        "l menu",
        "lmenou",
        "fin kayn lmenu",
        "fin kayen lmenu",
        "fin lmenu",
        "fayn lmenu",
        "el menu",
        "le menu",
        "lmnu",
        "limenu",
        "menyu",
        "bghit lmenu",
        "wrini lmenu",
        "werini lmenu",
        "rje3ni l lmenu",
        "affiche le menu",
        "show menu",
        "show me the menu",
        "المنيو",
        "منيو",
        "القايمة",
        "رجعني للمينو",
        "بغيت المينو",
        "وريني المينو",
        "wa fin lmenu",
        "ou est le menu",
        "where is the menu",
        "فين المينو",
        "فين كاين المينو",
        "فين القائمة",
        "المينو",
        "ⵜⴰⵍⴳⴰⵎⵜ",
        "ⴰⵙⵏⴼⴰⵔ",
    ),
    Word.HELP: (
        "help",
        "/help",
        "aide",
        "aidez moi",
        "au secours",
        "sos",
        "مساعدة",
        "مساعده",
        "ساعدني",
        "عاوني",
        "عاونوني",
        "عاونيني",
        "3awni",
        "3awnouni",
        "3awenni",
        "mosa3ada",
        "msa3ada",
        "lmosa3ada",
        "bghit lmosa3ada",
        "3awnini",
        "aide moi",
        "help me",
        "محتاج مساعدة",
        "بغيت المساعدة",
        "musa3ada",
        "ⵜⴰⵡⵉⵙⵉ",
        "ⴰⵡⵙ",
    ),
    Word.BACK: (
        "back",
        "/back",
        "go back",
        "previous",
        "retour",
        "revenir",
        "precedent",
        "رجوع",
        "الرجوع",
        "ارجع",
        "رجع",
        "السابق",
        "rje3",
        "rjo3",
        "rj3",
        "rjou3",
        "rja3",
        "rje3 lor",
        "lor",
        "lour",
        "sir lor",
        "رجع اللور",
        "اللور",
        "ⴰⵖⵓⵍ",
        "ⵓⵖⵓⵍ",
    ),
    Word.CANCEL: (
        "cancel",
        "/cancel",
        "annuler",
        "annule",
        "الغاء",
        "إلغاء",
        "بلاش",
        "الغي",
        "blach",
        # Not "nsa" alone: it is also "women", a plain answer in a women's group.
        "insa",
        "nsaha",
        "انسى",
        "ماشي مهم",
        "machi mohim",
        "ⵙⵔ",
        "ⵙⵙⵓⵜⵍ",
    ),
    Word.LANGUAGE: (
        "language",
        "/language",
        "lang",
        "langue",
        "changer de langue",
        "change language",
        "لغة",
        "اللغة",
        "تغيير اللغة",
        "لوغة",
        "lugha",
        "logha",
        "lougha",
        "lgha",
        "bdel lugha",
        "beddel logha",
        "bddel lougha",
        "بدل اللغة",
        "changer la langue",
        "ⵜⵓⵜⵍⴰⵢⵜ",
    ),
    Word.STOP: (
        "arreter",
        "desabonner",
        "se desabonner",
        "الغاء الاشتراك",
        "توقف",
        "وقف",
        "أوقف",
        "حبس",
        "بركة",
        "baraka",
        "7bes",
        "hbes",
        "7bs",
        "7bes lmessagat",
        "7bes rassayel",
        "حبس الميساجات",
        "حبس الرسائل",
        "ⴱⴷⴷ",
        "ⵃⴱⵙ",
    ),
    # The opt-out keywords messaging platforms reserve (French ones included) as a whole
    # message, and the /stop command.
    Word.OPT_OUT: (
        "stop",
        "/stop",
        "stopall",
        "stop all",
        "unsubscribe",
        "arret",
        "arrête",
        "arrett",
    ),
    Word.REPORT: (
        "report",
        "/report",
        "report a need",
        "signaler",
        "signalement",
        "signaler un besoin",
        "بلاغ",
        "تبليغ",
        "شكاية",
        "شكاية جديدة",
        "chkaya",
        "chekaya",
        "bghit nchki",
        "bghit nechki",
        "bghit nchky",
        "bghit nshki",
        "bghina nchkiw",
        "bghit ndir chkaya",
        "bghit nbelle3",
        "bghit nbl3",
        "bghit nballegh",
        "بغيت نشكي",
        "بغيت نبلغ",
        "بغيت ندير شكاية",
        "بغيت نقدم شكاية",
        "بغينا نشكيو",
        "je veux signaler",
        "je veux faire un signalement",
        "je veux faire une reclamation",
        "i want to report",
        "i want to complain",
        "ⴰⵅⵚⵚⴰⵚ",
    ),
    # Phrases only: a lone "question" or "سؤال" may well be what a resident answers mid-flow.
    Word.ASK: (
        "/ask",
        "ask a question",
        "ask the association",
        "i have a question",
        "poser une question",
        "j'ai une question",
        "عندي سؤال",
        "بغيت نسول",
        "بغيت نسول الجمعية",
        "عندي سؤال للجمعية",
        "bghit nsowel",
        "bghit nsewel",
        "bghit nswel",
        "3ndi so2al",
        "ⵔⵉⵖ ⴰⴷ ⵙⵇⵙⴰⵖ",
        "ⵖⵓⵔⵉ ⵢⴰⵏ ⵓⵙⵇⵙⵉ",
    ),
    Word.START: (
        "start",
        "/start",
        "commencer",
        "demarrer",
        "reprendre",
        "subscribe",
        "unstop",
        "ابدأ",
        "ابدا",
        "بدا",
        "بداية",
        "bda",
        "nbdaw",
        "yallah nbdaw",
        "يالاه نبداو",
        "نبداو",
        "ⴱⴷⵓ",
        "ⵙⵏⵜⵉ",
    ),
    Word.MY_DATA: (
        "my data",
        "/mydata",
        "mes donnees",
        "mes informations",
        "بياناتي",
        "معطياتي",
        "المعطيات ديالي",
        "lma3lomat dyali",
        "lm3lomat dyali",
        "ma3lomati",
        "معلوماتي",
        "المعلومات ديالي",
        "les donnees dyali",
        "ⵉⵙⴼⴽⴰ ⵉⵏⵓ",
    ),
    Word.DASHBOARD: (
        "dashboard",
        "/dashboard",
        "the dashboard",
        "tableau de bord",
        "le tableau de bord",
        "لوحة",
        "لوحة التحكم",
        "لوحة القيادة",
        "اللوحة",
        "lou7a",
        "lo7a",
        "ⵜⴰⴼⵍⵡⵉⵜ",
        "ⵜⴰⴼⵍⵡⵉⵜ ⵏ ⵓⵙⵡⵓⴷⴷⵓ",
    ),
    Word.ERASE: (
        "delete my data",
        "erase my data",
        "/deletemydata",
        "supprimer mes donnees",
        "effacer mes donnees",
        "احذف بياناتي",
        "حذف بياناتي",
        "امسح بياناتي",
        "مسح معطياتي",
        "ⴽⴽⵙ ⵉⵙⴼⴽⴰ ⵉⵏⵓ",
    ),
    # Answered kindly and never taken for an answer to the question being asked.
    Word.THANKS: (
        "chokran",
        "choukran",
        "chokrane",
        "choukrane",
        "shukran",
        "shokran",
        "chokran bzaf",
        "choukran bzaf",
        "chokran bezzaf",
        "chokran bzzaf",
        "chokran a khoya",
        "chokran a khti",
        "شكرا",
        "شكرا جزيلا",
        "شكرا بزاف",
        "شكرا لك",
        "شكرا ليك",
        "شكرا بزاف عليك",
        "الله يجازيك بخير",
        "الله يعطيك الصحة",
        "بارك الله فيك",
        "llah ybarek fik",
        "barak allah fik",
        "baraka allahu fik",
        "allah yjazik bikhir",
        "llah yrhm lwalidin",
        "allah yrham lwalidin",
        "الله يرحم الوالدين",
        "tbarkallah 3lik",
        "تبارك الله عليك",
        "thnx",
        "mersi",
        "مرسي",
        "merci",
        "merci beaucoup",
        "merci bien",
        "merci infiniment",
        "mrc",
        "thanks",
        "thank you",
        "thank you very much",
        "thank you so much",
        "thanks a lot",
        "thx",
        "ⵜⴰⵏⵎⵎⵉⵔⵜ",
        "ⵜⴰⵏⵎⵉⵔⵜ",
        "tanmirt",
        "tanemmirt",
        "🙏",
    ),
}

# What a resident puts around a request and means nothing by: politeness and greetings.
# Matching ignores them, so "3afak bghit nchki" is "bghit nchki" and "lmenu svp" is "lmenu".
COURTESIES = (
    "3afak",
    "afak",
    "3afakom",
    "3afakoum",
    "3fak",
    "عافاك",
    "عفاك",
    "عافاكم",
    "الله يخليك",
    "الله يخليكم",
    "allah ykhalik",
    "llah ykhlik",
    "lah ykhalik",
    "من فضلك",
    "من فضلكم",
    "min fadlik",
    "svp",
    "stp",
    "sil vous plait",
    "sil te plait",
    "please",
    "pls",
    "plz",
)

# Greetings, by the language they are said in; "" for those every resident may use.
GREETINGS: dict[str, tuple[str, ...]] = {
    "fr": (
        "bonjour",
        "salut",
        "bonsoir",
        "coucou",
        "bjr",
        "bsr",
        "slt",
        "bonjour a tous",
        "ca va",
        "cv",
    ),
    "en": ("hello", "hi", "hey", "good morning", "good afternoon", "good evening", "hiya"),
    "zgh": ("ⴰⵣⵓⵍ", "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ", "ⴰⵣⵓⵍ ⴼⵍⵍⴰⴽ"),
    "": (
        "salam",
        "slm",
        "salamo",
        "salam alaykom",
        "salam alikom",
        "salam 3alaykom",
        "salamo alaykom",
        "salamou alaykoum",
        "assalamu alaykum",
        "assalamo alaykom",
        "السلام عليكم",
        "سلام عليكم",
        "السلام",
        "سلام",
        "azul",
        "ahlan",
        "marhba",
        "mar7ba",
        "salam khoya",
        "salam khti",
        "salam labas",
        "labas",
        "labas 3lik",
        "كيداير",
        "لاباس",
        "سلام لاباس",
        "👋",
    ),
}


def _loosened(text: str, scripts: bool = True) -> list[str]:
    """The words of ``text`` folded and loosened, each emoji a word of its own; with
    ``scripts``, Tifinagh and Latin Tamazight are one spelling (ⵜⴰⵍⴳⴰⵎⵜ and "talgamt" alike),
    without it each stays in its script (for telling which one a resident writes in)."""
    text = as_typed(text) if scripts else text
    spaced = "".join(f" {ch} " if _symbols(ch) else ch for ch in fold(text))
    # Skin tones colour the emoji before them and mean nothing of their own.
    return [loose(w) for w in spaced.split() if unicodedata.category(w[0]) != "Sk"]


def _phrases(spellings: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(_loosened(spelling)) for spelling in spellings)


def _symbols(word: str) -> bool:
    return all(unicodedata.category(ch) in ("So", "Sk") for ch in word)


_GREETING = _phrases(tuple(g for some in GREETINGS.values() for g in some))
_COURTESY = _phrases(COURTESIES) | _GREETING
_LONGEST = max(len(phrase) for phrase in _COURTESY)


def plain(text: str) -> str:
    """``text`` folded and loosened (see `folding.loose`), without the courtesies around it and
    without the emoji beside words: what is left is compared with what Hayna knows. An emoji
    alone ("👍") stays."""
    words = _loosened(text)
    kept: list[str] = []
    i = 0
    while i < len(words):
        size = next((n for n in range(_LONGEST, 0, -1) if tuple(words[i : i + n]) in _COURTESY), 0)
        if size:
            i += size
        else:
            kept.append(words[i])
            i += 1
    if any(not _symbols(word) for word in kept):
        kept = [word for word in kept if not _symbols(word)]
    return " ".join(kept)


_LOOSE_GREETINGS = {
    language: frozenset(" ".join(_loosened(g, scripts=False)) for g in greetings)
    for language, greetings in GREETINGS.items()
}


def greeting(text: str) -> tuple[str | None, str]:
    """The language of the greeting ``text`` opens with ("" when any language may use it, None
    without a greeting), and what follows it, folded and loosened, in the script it is in."""
    words = _loosened(text, scripts=False)
    for size in range(min(len(words), 3), 0, -1):
        opening = " ".join(words[:size])
        for language, greetings in _LOOSE_GREETINGS.items():
            if opening in greetings:
                return language, " ".join(words[size:])
    return None, " ".join(words)


_BY_SPELLING: dict[str, Word] = {
    plain(spelling): word for word, spellings in _SPELLINGS.items() for spelling in spellings
}

# "Enough" and "without": at the photos they say "no more photos", whichever of Done or No
# photo is offered.
_ENOUGH = (
    "خلاص",
    "صافي",
    "safi",
    "safi hakak",
    "safi salit",
    "صافي ساليت",
    "salit",
    "ساليت",
    "khlas",
    "5las",
    "salina",
    "صلينا",
    "بركة",
    "baraka",
    "fini",
    "termine",
    "c'est tout",
    "ca suffit",
    "done",
    "enough",
    "that's all",
)
_WITHOUT = (
    "bla",
    "بلا",
    "بلاش",
    "blach",
    "بلا صورة",
    "bla tswira",
    "والو",
    "walo",
    "لا",
    "la",
    "sans",
    "sans photo",
    "pas de photo",
    "non",
    "no",
    "none",
    "no photo",
    "ⵓⵀⵓ",
    "ⵡⴰⵍⵓ",
)
# Words that answer an offered option, by its id, besides its label.
_ANSWERS: dict[str, tuple[str, ...]] = {
    "done": _ENOUGH + _WITHOUT,
    "skip": _ENOUGH + _WITHOUT,
}
_ANSWER_IDS: dict[str, frozenset[str]] = {
    said: frozenset(key for key, words in _ANSWERS.items() if said in map(plain, words))
    for said in {plain(word) for words in _ANSWERS.values() for word in words}
}


def global_word(text: str) -> Word | None:
    """The global word ``text`` is, if it is one."""
    if not text or len(text) > 60:
        return None
    if text.strip() and not text.strip().strip("?؟"):
        return Word.HELP  # "?" alone, which folding would leave empty
    said = plain(text)
    if not said and greeting(text)[0] is not None:
        return Word.GREETING  # "salam", "Salaaam 3afak": nothing but a hello
    return _BY_SPELLING.get(said)


def answer(text: str, offered: list[str]) -> str | None:
    """The one offered option id that ``text`` says in other words than its label, if any."""
    meant = _ANSWER_IDS.get(plain(text), frozenset()) & set(offered)
    return next(iter(meant)) if len(meant) == 1 else None
