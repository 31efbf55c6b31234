"""Global words: what a resident can type at any step, in any of the four languages or Darija.

A message counts as a global word only when it is nothing else: "menu" alone, not a sentence
that happens to contain it. Spellings are compared after `fold`, so hamza, accents and case vary.
"""

from __future__ import annotations

from enum import StrEnum

from conversations.folding import fold


class Word(StrEnum):
    MENU = "menu"
    HELP = "help"
    CANCEL = "cancel"
    LANGUAGE = "language"
    STOP = "stop"
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
    Word.CANCEL: (
        "cancel",
        "/cancel",
        "back",
        "go back",
        "annuler",
        "annule",
        "retour",
        "revenir",
        "الغاء",
        "إلغاء",
        "رجوع",
        "ارجع",
        "رجع",
        "بلاش",
        "خلاص",
        "الغي",
        "rje3",
        "rjo3",
        "rj3",
        "blach",
        "bla",
        "ⵙⵔ",
        "ⵓⵖⵓⵍ",
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
        "stop",
        "/stop",
        "arret",
        "arrête",
        "arreter",
        "unsubscribe",
        "stopall",
        "stop all",
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


def global_word(text: str) -> Word | None:
    """The global word ``text`` is, if it is one."""
    if not text or len(text) > 40:
        return None
    return _BY_SPELLING.get(fold(text))
