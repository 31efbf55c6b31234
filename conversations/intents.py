"""Requests in residents' own words: "bghit nchki", "الضو مقطوع", "ma kaynch lma", "ljtima3"...

Read at the home menu, where a sentence answers no question: each request names the menu item
it opens, and a problem named ("الضو", "lma", "zbel") opens a report on its category. Arabizi
varies a lot, so words are compared in the looser spelling of `folding.loose` (3/7/9 as letters,
doubled letters once, "sh" as "ch", "ou" as "u"), with the Darija article "l" attached or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.report import Category
from conversations.words import plain


class Intent(StrEnum):
    """What a request opens: the ids of the home menu's items, and the menu itself."""

    REPORT = "report"
    PETITIONS = "petitions"
    MEETINGS = "meetings"
    COMMITMENTS = "commitments"
    ASK = "ask"
    ACTIVITY = "activity"
    HELP = "help"
    MENU = "menu"


@dataclass(frozen=True, slots=True)
class Request:
    intent: Intent
    # For a report: the category the resident named, if any.
    category: Category | None = None


# In the order they are read: "bghit nsigni 3la l3arida dyal lma" is about a petition, and a
# problem named comes before help and the menu: "kifach nbelle3 3la dow" is a report.
_PHRASES: dict[Intent, tuple[str, ...]] = {
    Intent.PETITIONS: (
        "nsigni",
        "nsini",
        "nsayni",
        "nsyni",
        "nwe9a3",
        "nwa9e3",
        "nwaqe3",
        "nw9e3",
        "twqi3",
        "taw9i3",
        "3arida",
        "3araid",
        "نسيني",
        "نوقع",
        "توقيع",
        "عريضة",
        "عرائض",
        "petition",
        "petitions",
        "signer",
        "signature",
        "sign",
        "ⵜⵉⵙⵓⵜⵔⴰ",
        "ⴰⵙⵓⵜⵔ",
    ),
    Intent.MEETINGS: (
        "ljtima3",
        "ijtima3",
        "jtima3",
        "ijtima3at",
        "li9a2",
        "lqa2",
        "اجتماع",
        "اجتماعات",
        "لقاء",
        "لقاءات",
        "التشاور",
        "reunion",
        "reunions",
        "meeting",
        "meetings",
        "consultation",
        "consultations",
        "groupe",
        "groupes",
        "group",
        "groups",
        "ⵉⵎⵢⴰⵏⴰⴼⵏ",
    ),
    # What the commune promised: "li tgal yddar" is what residents say of it.
    Intent.COMMITMENTS: (
        "li tgal yddar",
        "iltizamat",
        "iltizam",
        "التزامات",
        "التزام",
        "engagements de la commune",
        "engagements",
        "commitments",
        "ⵉⵡⴰⵍⵏ ⵏ ⵜⵊⵎⴰⵄⵜ",
    ),
    # A lone word here, at the menu only: mid-flow "question" may be an answer (words.py has
    # the phrases that open it from anywhere).
    Intent.ASK: (
        "ask",
        "question",
        "demander",
        "سؤال",
        "سول",
        "نسول",
        "so2al",
        "sou2al",
        "ⵙⵇⵙⴰ",
        "ⵙⵇⵙⴰⵜ",
    ),
    Intent.ACTIVITY: (
        "chkayti",
        "chkayati",
        "chkayat dyali",
        "شكايتي",
        "شكاياتي",
        "mes signalements",
        "mon signalement",
        "my reports",
        "my report",
        "my activity",
        "mon activite",
    ),
    Intent.HELP: (
        "ma fhamtch",
        "mafhamtch",
        "ma fhemtch",
        "ما فهمتش",
        "ما فهمت والو",
        "ma fhemt walo",
        "ma fhamt walo",
        "ma fhemt chi haja",
        "kifach",
        "kifech",
        "كيفاش",
        "comment ca marche",
        "je ne comprends pas",
        "je comprends pas",
        "how does it work",
        "i dont understand",
    ),
    Intent.REPORT: (
        "nchki",
        "nchkiw",
        "nchka",
        "chkaya",
        "chikaya",
        "chkayat",
        "nbelle3",
        "nbl3",
        "mochkil",
        "mochkila",
        "نشكي",
        "نشكيو",
        "شكاية",
        "شكايات",
        "شكوى",
        "بلاغ",
        "نبلغ",
        "مشكل",
        "مشكلة",
        "signaler",
        "signalement",
        "reclamation",
        "probleme",
        "report",
        "complain",
        "complaint",
        "problem",
        "ⴰⵅⵚⵚⴰⵚ",
    ),
    Intent.MENU: ("menu", "lmenu", "المينو", "القائمة", "accueil", "ⵜⴰⵍⴳⴰⵎⵜ"),
}

# A problem named is a report of its category, with or without "I want to complain".
_CATEGORIES: dict[Category, tuple[str, ...]] = {
    Category.LIGHTING: (
        "الضو",
        "ضو",
        "الضوء",
        "ضوء",
        "الانارة",
        "انارة",
        "البوطو",
        "dow",
        "daw",
        "poto",
        "poteau",
        "lampadaire",
        "lampadaires",
        "eclairage",
        "lumiere",
        "street light",
        "street lights",
        "streetlight",
        "lighting",
        "ⵜⴰⴼⴰⵡⵜ",
    ),
    Category.WATER: (
        "lma",
        "lmaa",
        "الما",
        "الماء",
        "الواد الحار",
        "الصرف الصحي",
        "wad l7ar",
        "sbala",
        "eau",
        "leau",
        "egout",
        "egouts",
        "assainissement",
        "robinet",
        "water",
        "sewage",
        "sewer",
        "ⴰⵎⴰⵏ",
    ),
    Category.WASTE: (
        "zbel",
        "zbal",
        "ezbel",
        "lazbal",
        "الزبل",
        "زبل",
        "الازبال",
        "ازبال",
        "النفايات",
        "نفايات",
        "الحاوية",
        "poubelle",
        "poubelles",
        "ordures",
        "dechets",
        "garbage",
        "trash",
        "rubbish",
        "ⵉⵣⴱⵍⵏ",
    ),
    Category.ROADS: (
        "7fra",
        "l7efra",
        "hfra",
        "7ofra",
        "tri9",
        "triq",
        "zen9a",
        "الحفرة",
        "حفرة",
        "الحفر",
        "حفر",
        "الطريق",
        "طريق",
        "الزنقة",
        "الرصيف",
        "الزفت",
        "trou",
        "trous",
        "nid de poule",
        "nids de poule",
        "route",
        "chaussee",
        "trottoir",
        "goudron",
        "pothole",
        "potholes",
        "road",
    ),
}

# Longer than any request typed at a menu: a letter is not read word by word (70 ms at 4,000).
MAX_REQUEST = 300


def _forms(word: str) -> set[str]:
    """A word as written and without the article it may carry ("lmenu", "d'eau", "الحفرة")."""
    forms = {word}
    for article in ("el", "l", "d", "ال", "ل"):
        rest = word.removeprefix(article)
        if rest != word and len(rest) >= 3:
            forms.add(rest)
    return forms


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(plain(text).split())


_INTENTS = [(intent, [_phrase(p) for p in phrases]) for intent, phrases in _PHRASES.items()]
_NAMED = [(category, [_phrase(p) for p in words]) for category, words in _CATEGORIES.items()]


def _says(forms: list[set[str]], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(
        all(word in forms[start + k] for k, word in enumerate(phrase))
        for start in range(len(forms) - size + 1)
    )


def request(text: str) -> Request | None:
    """What ``text`` asks for, if it asks for something Hayna does."""
    if len(text) > MAX_REQUEST:
        return None
    forms = [_forms(word) for word in plain(text).split()]
    category = next((c for c, phrases in _NAMED if any(_says(forms, p) for p in phrases)), None)
    for intent, phrases in _INTENTS:
        if intent in (Intent.HELP, Intent.MENU) and category is not None:
            break
        if any(_says(forms, phrase) for phrase in phrases):
            return Request(intent, category if intent is Intent.REPORT else None)
    return Request(Intent.REPORT, category) if category is not None else None
