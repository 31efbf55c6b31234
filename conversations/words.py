"""Global words: what a resident can type at any step, in any of the four languages or Darija.

A message counts as a global word only when it is nothing else: "menu" alone, not a sentence
that happens to contain it, and not an answer the current question offers ("خلاص" at the photos
is "no more photos", see `answer`). Spellings are compared after `fold`, so hamza, accents and
case vary.
"""

from __future__ import annotations

from enum import StrEnum

from conversations.folding import fold


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
        "ⴱⴷⴷ",
        "ⵃⴱⵙ",
    ),
    # Twilio's opt-out keywords (French ones included) as a whole message, and Telegram's /stop.
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
        "bla3",
        "ⴰⵅⵚⵚⴰⵚ",
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
        "ⵉⵙⴼⴽⴰ ⵉⵏⵓ",
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
}

_BY_SPELLING: dict[str, Word] = {
    fold(spelling): word for word, spellings in _SPELLINGS.items() for spelling in spellings
}

# "Enough" and "without": at the photos they say "no more photos", whichever of Done or No
# photo is offered.
_ENOUGH = (
    "خلاص",
    "صافي",
    "safi",
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
    folded: frozenset(key for key, words in _ANSWERS.items() if folded in map(fold, words))
    for folded in {fold(word) for words in _ANSWERS.values() for word in words}
}


def global_word(text: str) -> Word | None:
    """The global word ``text`` is, if it is one."""
    if not text or len(text) > 40:
        return None
    if text.strip() and not text.strip().strip("?؟"):
        return Word.HELP  # "?" alone, which folding would leave empty
    return _BY_SPELLING.get(fold(text))


def answer(text: str, offered: list[str]) -> str | None:
    """The one offered option id that ``text`` says in other words than its label, if any."""
    meant = _ANSWER_IDS.get(fold(text), frozenset()) & set(offered)
    return next(iter(meant)) if len(meant) == 1 else None
