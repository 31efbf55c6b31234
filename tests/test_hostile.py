"""A hostile corpus (bidi overrides, zero-width joiners, 50,000 characters, formula prefixes, SQL
fragments) at every free step of every flow: never a crash, nothing invisible stored, no live
formula in any export."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import build_engine
from bot.exports import FORMULA_STARTS
from bot.exports import to_csv as reports_csv
from bot.i18n import translator
from conversations.engine import Engine
from conversations.kit import Address
from conversations.petition_desk import Filing, Signatory
from conversations.phrases import SOMETHING_WRONG
from storage.database import Database
from storage.filing import to_csv as petition_csv
from storage.gazetteer import Gazetteer
from storage.models import Base
from storage.petitions import signatories
from storage.reports import ReportBook
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.petitions import onboard, open_petition
from tests.support.vault import VAULT

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u3164"
HOSTILE = (
    "\u202eevil\u202c text \u2067isolated\u2069",
    "z\u200dw\u200cj\u200b\ufeff\u3164",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "  =1+1",
    "'; DROP TABLE resident; --",
    "1 OR 1=1; SELECT * FROM signature",
    "x" * 50_000,
    "🙂" * 5_000,
    "\x00\x07 null and bell",
    "ⵜⴰⵎⴰⵣⵉⵖⵜ\u202e",
    "   \u200b  ",
)
ORGANIZER = Address("console", "org")
WRONG = {
    SOMETHING_WRONG.render(translator(locale)) for locale in ("ar", "fr", "zgh", "zgh_Latn", "en")
}

Path = Callable[[FakeResident], Awaitable[None]]


async def _taps(resident: FakeResident, *steps: str) -> None:
    for step in steps:
        if step.startswith("say:"):
            await resident.say(step[4:])
        elif step == "different":
            if "different" in resident.option_ids:
                await resident.tap("different")
        else:
            await resident.tap(step)


def _path(*steps: str) -> Path:
    async def walk(resident: FakeResident) -> None:
        await resident.say("menu")
        await _taps(resident, *steps)

    return walk


async def _hammer(resident: FakeResident, walk: Path) -> None:
    for text in HOSTILE:
        await walk(resident)
        answers = await resident.say(text)
        assert answers, f"no answer to {text[:30]!r}"
        assert not WRONG & {out.text for out in answers}, f"crash on {text[:30]!r}"
        assert all(out.text.strip() for out in answers)


@pytest.fixture
def org_engine(sqlite_db: Database, gazetteer: Gazetteer, clock: Clock) -> Engine:
    return build_engine(sqlite_db, gazetteer, VAULT, clock, frozenset({ORGANIZER}))


async def test_every_flow_withstands_the_corpus(
    org_engine: Engine, sqlite_db: Database, clock: Clock, gazetteer: Gazetteer
) -> None:
    # Onboarding, with a newcomer per text: at the language, the consent and the commune.
    for i, text in enumerate(HOSTILE):
        newcomer = FakeResident(org_engine, f"new-{i}", channel="whatsapp")
        for step in (None, "fr", "agree"):
            # A first message written in one language ("ⵜⴰⵎⴰⵣⵉⵖⵜ") skips the language menu.
            if step and step in newcomer.option_ids:
                await newcomer.tap(step)
            answers = await newcomer.say(text)
            assert answers and not WRONG & {out.text for out in answers}

    amina = FakeResident(org_engine, "amina", channel="whatsapp")
    commune = await onboard(amina, "en")
    code = await open_petition(sqlite_db, clock, commune, threshold=100)
    report = ("report", "lighting")
    sign = ("petitions", code, "sign", "agree")
    for walk in (
        _path(),
        _path(*report[:1]),
        _path(*report),
        _path(*report, "say:Derb Omar", "different"),
        _path(*report, "say:Derb Omar", "different", "say:Lampadaire éteint"),
        _path(*report, "say:Derb Omar", "different", "say:Lampadaire éteint", "skip"),
        _path("petitions"),
        _path("petitions", code),
        _path(*sign[:3]),
        _path(*sign),
        _path(*sign, "say:Amina Alaoui"),
        _path(*sign, "say:Amina Alaoui", "say:AB123456"),
        _path(*sign, "say:Amina Alaoui", "say:AB123456", "yes"),
        _path("activity"),
        _path("activity", "reports"),
        _path("language"),
        _path("say:my data"),
        _path("say:delete my data"),
    ):
        await _hammer(amina, walk)

    org = FakeResident(org_engine, "org")
    await onboard(org, "fr")
    drafting = ("petitions", "new_petition")
    for walk in (
        _path(*drafting),
        _path(*drafting, "here"),
        _path(*drafting, "here", "residents"),
        _path(*drafting, "here", "residents", "say:Titre"),
        _path(*drafting, "here", "residents", "say:Titre", "other"),
        _path(*drafting, "here", "residents", "say:Titre", "other", "say:Résumé"),
        _path(*drafting, "here", "residents", "say:Titre", "other", "say:Résumé", "say:Le texte"),
        _path(
            *drafting,
            "here",
            "residents",
            "say:Titre",
            "other",
            "say:Résumé",
            "say:Le texte",
            "say:Demandes",
        ),
    ):
        await _hammer(org, walk)

    # Hostile texts that are acceptable answers are stored, cleaned, and exported safely.
    for place, words in (("@SUM(1,2)", '=HYPERLINK("http://evil.example")'), ("-2+3", "\t=1+1")):
        await _path(*report, f"say:{place}", "different", f"say:{words}", "skip", "confirm")(amina)
        assert "R-" in amina.text
    karim = FakeResident(org_engine, "karim", channel="whatsapp")
    await onboard(karim, "en")
    await _path(*sign, "say:Karim \u202e=1+1", "say:BK654321", "yes", "confirm")(karim)
    assert "counted" in karim.text

    await _nothing_invisible_stored(sqlite_db)
    await _exports_carry_no_formula(sqlite_db, gazetteer, code, clock)


async def _nothing_invisible_stored(db: Database) -> None:
    async with db.transaction() as tx:
        for table in Base.metadata.sorted_tables:
            rows = await tx.run(lambda c, t=table: c.execute(select(t)).all())
            for row in rows:
                for value in row:
                    if isinstance(value, str):
                        assert not set(value) & set(BIDI + INVISIBLE), (table.name, value[:40])


def _cells(data: str) -> list[str]:
    return [cell for line in csv.reader(io.StringIO(data.removeprefix("\ufeff"))) for cell in line]


def _live(cell: str) -> bool:
    try:
        float(cell)
        return False  # a number we wrote, such as a longitude
    except ValueError:
        return cell.lstrip(" \n\u00a0").startswith(FORMULA_STARTS)


async def _exports_carry_no_formula(
    db: Database, gazetteer: Gazetteer, code: str, clock: Clock
) -> None:
    rows = await ReportBook(db).rows()
    assert len(rows) == 2
    cells = _cells(reports_csv(rows, gazetteer))
    assert any("HYPERLINK" in cell for cell in cells)
    assert not [cell for cell in cells if _live(cell)]

    async with db.transaction() as tx:
        sealed = await tx.run(signatories, code)
    filing = Filing(
        code,
        "=title",
        "+summary",
        "-body",
        "@requests",
        "\t=rep",
        "ar",
        "fr",
        "province",
        100,
        (clock() + timedelta(days=30)).date(),
        clock(),
        tuple(Signatory(s.full_name, VAULT.open(s.cin_sealed), s.signed_at) for s in sealed),
    )
    cells = _cells(petition_csv(filing).decode("utf-8"))
    assert any("Karim" in cell for cell in cells)
    assert not [cell for cell in cells if _live(cell)]
