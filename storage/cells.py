"""What the files made for communes share (the reports' exports in bot/exports.py, a petition's
filing in storage/filing.py and storage/petition_pdf.py): moments in Moroccan time, text no
spreadsheet runs as a formula, and the heading of a filing's table of signatures."""

from __future__ import annotations

from datetime import datetime

from conversations.kit import MOROCCO
from conversations.petition_desk import Signatory

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Starts a CSV so that Excel reads Arabic as UTF-8.
BOM = "\ufeff"
# A filing's signatures: n°, full name, CIN, date, and where each was collected.
HEADING = (
    "n° / رقم",
    "Nom et prénom / الاسم الكامل",
    "CIN / ب.ت.و",
    "Date / تاريخ التوقيع",
    "Source / المصدر",
)
ONLINE = "en ligne / عبر الدردشة"
ON_PAPER = "papier / ورقي"


def signed_when(signatory: Signatory) -> str:
    """When it was signed: the moment in the chat, the day written on a paper sheet."""
    if signatory.on_paper and signatory.signed_on is not None:
        return signatory.signed_on.isoformat()
    return timestamp(signatory.signed_at)


def source_of(signatory: Signatory) -> str:
    """Where the signature was collected, with the sheet's number for paper."""
    if not signatory.on_paper:
        return ONLINE
    return f"{ON_PAPER} {signatory.sheet}".strip()


def timestamp(moment: datetime) -> str:
    """ISO 8601 with the offset of Africa/Casablanca at that moment (+01:00, +00:00 in Ramadan)."""
    return moment.astimezone(MOROCCO).isoformat(timespec="seconds")


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as text: a leading quote when it would run it as a formula, also
    behind blanks, which some spreadsheets skip."""
    return "'" + text if text.lstrip(" \n\u00a0").startswith(FORMULA_STARTS) else text
