"""The words of an association's filing, in French and Arabic as the rest of the form that goes
to the commune (storage/filing.py, storage/petition_pdf.py): its checklist's items, who ticked
them and when, and its residents' supports, which are no legal signatures.

The chat says the same items in the resident's language (conversations/association.py
`item_label`); the filing keeps the decree's two languages whatever catalogs a deployment has.
"""

from __future__ import annotations

from conversations.association import Check, CheckItem
from storage.cells import timestamp

ASSOCIATION = "Association / الجمعية"
REPRESENTATIVE = "Représentant de l'association / ممثل الجمعية"
DECLARED = "Déclaration reçue le / تاريخ تسلم التصريح"
SUPPORTS = "Soutiens des habitants, pas des signatures légales / تأييد السكان، ليس توقيعات قانونية"
# Said under the count, where a reader of the filing might take supports for signatures.
NOT_SIGNATURES = (
    "Ces soutiens, donnés dans la conversation, ne sont pas des signatures légales : ils ne "
    "portent ni nom ni CIN.",
    "هذا التأييد، المعبر عنه في المحادثة، ليس توقيعات قانونية: لا يحمل اسما ولا رقم بطاقة وطنية.",
)
CHECK_HEADING = (
    "n° / رقم",
    "Élément / البند",
    "Vérification",
    "التحقق",
    "Cochée par / أشّر عليه",
    "Le / بتاريخ",
)
TICKED = ("cochée par", "مؤشر عليه")
UNTICKED = ("non cochée", "غير مؤشر عليه")


def check_words(check: Check) -> tuple[str, str]:
    """What the item checks, in French and in Arabic."""
    match check.item:
        case CheckItem.EXISTENCE:
            return (
                f"L'association est légalement constituée depuis au moins {_ans(check.years)}",
                f"الجمعية مؤسسة بصفة قانونية منذ {_years_ar(check.years)} على الأقل",
            )
        case CheckItem.SEAT:
            return (
                "Son siège, ou l'une de ses sections, se trouve dans la commune",
                "يقع مقرها أو أحد فروعها بتراب الجماعة",
            )
        case CheckItem.STANDING:
            return (
                "Elle est en situation régulière au regard de la loi et de ses statuts, et "
                "fonctionne selon des principes démocratiques",
                "توجد في وضعية سليمة إزاء القوانين ونظامها الأساسي، وتشتغل وفق المبادئ الديمقراطية",
            )
        case CheckItem.PURPOSE:
            return (
                "L'objet de la pétition relève du domaine d'activité de l'association",
                "موضوع العريضة يندرج ضمن مجال نشاط الجمعية",
            )
        case CheckItem.STATUTES:
            return ("Une copie de ses statuts est jointe", "نسخة من نظامها الأساسي مرفقة")
        case CheckItem.RECEIPT:
            return (
                "Une copie du récépissé définitif de sa déclaration est jointe",
                "نسخة من الوصل النهائي لتصريحها مرفقة",
            )
        case CheckItem.DECISION:
            return (
                "La décision de son organe de direction de déposer la pétition, désignant son "
                "représentant, est jointe",
                "قرار جهازها المسير بتقديم العريضة، مع تعيين ممثلها، مرفق",
            )


def ticked_words(check: Check) -> tuple[str, str]:
    """Who ticked the item and when (in Moroccan time); "not ticked" and nobody while it is not."""
    if check.ticked_at is None:
        return "", " / ".join(UNTICKED)
    return check.ticked_by, timestamp(check.ticked_at)


def _ans(years: int) -> str:
    return "1 an" if years == 1 else f"{years} ans"


def _years_ar(years: int) -> str:
    # Arabic counts one and two years by the noun alone, 3 to 10 with a plural, above with a
    # singular again.
    if years == 1:
        return "سنة"
    if years == 2:
        return "سنتين"
    return f"{years} سنوات" if years <= 10 else f"{years} سنة"
