"""Days and times typed in words, in Arabic, French, Tamazight or English ("demain 18h",
"غدا 18:00", "vendredi à 18h30", "next friday 6pm"), read by dateparser for the chat and the
command line; the numeric forms are read first, by `conversations.dates`."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from dateparser.date import DateDataParser

from conversations.dates import Problem, Reading, numeric, to_come
from conversations.folding import to_ascii_digits
from conversations.kit import MOROCCO
from conversations.language import SUPPORTED

# "18h", "18 h 30", "18h30": dateparser takes a bare "h" for hours to add.
_HOUR_MINUTES = re.compile(r"(?<!\d)(\d{1,2})\s*h\s*(\d{2})(?!\d)", re.IGNORECASE)
_HOUR = re.compile(r"(?<!\d)(\d{1,2})\s*h(?![^\W\d_])", re.IGNORECASE)
# "الساعة 18" (at hour 18) names an hour without minutes.
_ARABIC_HOUR = re.compile(r"(?:على\s+)?الساعة\s+(\d{1,2})(?![\d:])")
# Words that say nothing the reading needs: the next such day is taken anyway.
_FILLER = re.compile(
    r"\b(?:prochaine?|suivante?)\b|(?:على\s+)?الساعة|(?<!\S)(?:يوم|القادمة?|المقبلة?)(?!\S)",
    re.IGNORECASE,
)
# Moroccan month names (as Babel's ar_MA writes them) beside those dateparser knows.
_MOROCCAN_MONTHS = {
    "ماي": "مايو",
    "يوليوز": "يوليو",
    "غشت": "أغسطس",
    "شتنبر": "سبتمبر",
    "نونبر": "نوفمبر",
    "دجنبر": "ديسمبر",
}
# A clock time that no clock shows: 25:00, 18:75.
_CLOCK = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)")
# dateparser knows Tamazight in Latin letters as Tachelhit's (the same day and month names).
DATEPARSER = {"zgh_Latn": "shi-Latn"}
_SETTINGS = {"PREFER_DATES_FROM": "future", "DATE_ORDER": "DMY", "RETURN_TIME_AS_PERIOD": True}


def _plain(text: str) -> str:
    typed = to_ascii_digits(" ".join(text.split()))
    typed = _HOUR_MINUTES.sub(r"\1:\2", typed)
    typed = _HOUR.sub(r"\1:00", typed)
    typed = _ARABIC_HOUR.sub(r"\1:00", typed)
    typed = _FILLER.sub(" ", typed)
    words = [_MOROCCAN_MONTHS.get(word, word) for word in typed.split()]
    return " ".join(words)


class NaturalDates:
    """The `DateReader` of a running Hayna: numbers first, then words in any of its languages,
    the organizer's own tried first."""

    def read(self, text: str, now: datetime, locale: str) -> Reading:
        found = numeric(text)
        if found is None:
            found = self._words(text, now, locale)
        return to_come(found, now)

    def _words(self, text: str, now: datetime, locale: str) -> Reading:
        plain = _plain(text)
        if any(int(h) > 23 or int(m) > 59 for h, m in _CLOCK.findall(plain)):
            return Reading(problem=Problem.IMPOSSIBLE)
        languages = list(dict.fromkeys(DATEPARSER.get(code, code) for code in (locale, *SUPPORTED)))
        base = now.astimezone(MOROCCO).replace(tzinfo=None)
        parser = DateDataParser(languages=languages, settings={**_SETTINGS, "RELATIVE_BASE": base})
        data = parser.get_date_data(plain)
        if data.date_obj is None:
            return Reading(problem=Problem.UNREADABLE)
        if data.period != "time":
            return Reading(problem=Problem.NO_TIME)
        local = data.date_obj.replace(tzinfo=MOROCCO, second=0, microsecond=0)
        return Reading(local.astimezone(UTC))
