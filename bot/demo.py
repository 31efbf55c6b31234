"""`hayna demo`: a small, clearly fictional data set, so a newcomer can sign within a minute.

Two open petitions (Ben M'Sick in Casablanca, and Agadir) from a made-up association, and a few
reports around them. Loaded only when asked, and only once: the demo resident marks it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, select

from conversations.kit import MOROCCO
from conversations.petition import Life
from conversations.report import Category, Draft
from storage import petitions, reports
from storage.database import Database
from storage.dialect import insert_ignore
from storage.models import RESIDENT

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


def _load(conn: Connection, now: datetime) -> list[str] | None:
    if not insert_ignore(
        conn,
        RESIDENT,
        channel=DEMO_CHANNEL,
        user_id=DEMO_USER,
        language="fr",
        pushes_enabled=False,
        created_at=now,
    ):
        return None  # loaded before
    demo = conn.execute(
        select(RESIDENT.c.id).where(
            RESIDENT.c.channel == DEMO_CHANNEL, RESIDENT.c.user_id == DEMO_USER
        )
    ).scalar_one()
    codes = []
    for new in PETITIONS:
        dated = replace(new, deadline=(now + DEMO_DAYS).astimezone(MOROCCO).date())
        code = petitions.create(conn, dated, "demo", now)
        petitions.move(conn, code, Life.OPEN, "", "demo", now)
        codes.append(code)
    for i, draft in enumerate(REPORTS):
        reports.file(conn, demo, draft, now - timedelta(days=i + 1))
    return codes


async def load_demo(db: Database, now: datetime) -> list[str] | None:
    """Load the demo set; returns the petitions' codes, or None when it was there already."""
    async with db.transaction() as tx:
        return await tx.run(_load, now)
