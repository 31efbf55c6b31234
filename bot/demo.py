"""`hayna demo`: a small, clearly fictional data set, so a newcomer can sign within a minute.

Two open petitions (Ben M'Sick in Casablanca, and Agadir) from a made-up association, and a few
reports around them. Loaded only when asked, and only once: the demo resident marks it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from conversations.kit import MOROCCO, Address
from conversations.report import Category, Draft
from storage import petitions
from storage.database import Database
from storage.demo_set import load_once

DEMO_CHANNEL, DEMO_USER = "console", "demo-association"
BEN_MSICK, AGADIR = "141.01.61", "001.01.01"
ASSOCIATION = "Association fictive Hay Demo (démonstration)"
DEMO_DAYS = timedelta(days=60)

PETITIONS = (
    petitions.NewPetition(
        commune_code=BEN_MSICK,
        title="[DÉMO] Éclairage de la rue 12, Hay Demo",
        summary="Des lampadaires pour une rue sombre (pétition fictive de démonstration)",
        body=(
            "Pétition fictive, pour essayer Hayna. Les habitants demandent au conseil communal "
            "l'éclairage de la rue 12, sombre depuis des mois.\n"
            "عريضة وهمية للتجربة: يطالب السكان المجلس الجماعي بإنارة الزنقة 12."
        ),
        requests="Installer 8 lampadaires ; réparer les 2 existants.",
        representative=ASSOCIATION,
        threshold=5,
        deadline=date.min,  # set when loaded: two months from then
    ),
    petitions.NewPetition(
        commune_code=AGADIR,
        title="[DÉMO] Un terrain de sport pour les jeunes",
        summary="Aménager un terrain de proximité (pétition fictive de démonstration)",
        body=(
            "Pétition fictive, pour essayer Hayna. Les jeunes du quartier demandent un terrain "
            "de sport de proximité.\n"
            "عريضة وهمية للتجربة: يطالب شباب الحي بملعب للقرب."
        ),
        requests="Aménager le terrain vague derrière l'école ; l'ouvrir le soir.",
        representative=ASSOCIATION,
        threshold=5,
        deadline=date.min,  # set when loaded: two months from then
    ),
)

REPORTS = (
    Draft(
        Category.LIGHTING,
        "",
        BEN_MSICK,
        "Rue 12, Hay Demo (démo)",
        33.5570,
        -7.5850,
        "[DÉMO] Deux lampadaires éteints depuis un mois.",
        (),
    ),
    Draft(
        Category.WASTE,
        "",
        BEN_MSICK,
        "Place du marché (démo)",
        None,
        None,
        "[DÉMO] Les conteneurs débordent le week-end.",
        (),
    ),
    Draft(
        Category.SPORTS,
        "",
        AGADIR,
        "Quartier Dakhla (démo)",
        None,
        None,
        "[DÉMO] Le terrain de quartier est inutilisable.",
        (),
    ),
)


async def load_demo(db: Database, now: datetime) -> list[str] | None:
    """Load the demo set; returns the petitions' codes, or None when it was there already."""
    deadline = (now + DEMO_DAYS).astimezone(MOROCCO).date()
    dated = [replace(new, deadline=deadline) for new in PETITIONS]
    return await load_once(db, Address(DEMO_CHANNEL, DEMO_USER), dated, REPORTS, now)
