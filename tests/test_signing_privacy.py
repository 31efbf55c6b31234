"""What signing tells a resident about others: only the account that signed sees when; the
consent says who sees a signature (organizers and the council) and who does not."""

from __future__ import annotations

import pytest

from conversations.kit import Address
from conversations.petition import SigningOutcome
from storage.database import Database
from storage.store import SqlStore
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.petitions import count, onboard, open_petition, sign_by_chat
from tests.support.vault import VAULT


async def test_a_neighbours_cin_tells_neither_whether_nor_when_they_signed(
    engine, sqlite_db: Database, clock: Clock
) -> None:
    amina, karim = FakeResident(engine, "amina"), FakeResident(engine, "karim")
    commune = await onboard(amina, "fr")
    await onboard(karim, "fr")
    code = await open_petition(sqlite_db, clock, commune)
    await sign_by_chat(amina, code, "Amina Alaoui", "AB123456")
    clock.advance(days=3)

    await sign_by_chat(karim, code, "Karim Alaoui", "ab-123456")  # Amina's card, typed by Karim
    told = karim.texts[0]
    # Amina signed on Sunday 22 November 2026 at 10:00: none of it reaches Karim.
    for leak in ("22", "novembre", "dimanche", "10:00", "2026", "Amina"):
        assert leak not in told, (leak, told)
    assert "une seule fois" in told, told
    assert "Fatima Zahra" in told, "whom to tell if it was not them: the representative"
    assert await count(sqlite_db) == (1, 1)

    # Amina herself, from her own account, may be told when she signed.
    await amina.tap("read")
    assert "22 novembre 2026" in amina.text


async def test_only_the_signing_account_gets_the_date(
    db: Database, gazetteer, clock: Clock
) -> None:
    store = SqlStore(db, gazetteer, VAULT, clock)
    code = await open_petition(db, clock, "141.01.61")
    amina, karim = Address("console", "amina"), Address("console", "karim")
    async with store.unit(amina) as unit:
        await unit.open("a1")
        first = await unit.services.petitions.sign_petition(code, "Amina A", VAULT.seal("AB123456"))
    clock.advance(hours=5)
    async with store.unit(amina) as unit:
        await unit.open("a2")
        again = await unit.services.petitions.sign_petition(code, "Amina A", VAULT.seal("ZZ999999"))
    async with store.unit(karim) as unit:
        await unit.open("k1")
        other = await unit.services.petitions.sign_petition(code, "Karim K", VAULT.seal("AB123456"))
    assert first.outcome is SigningOutcome.SIGNED
    assert again.outcome is SigningOutcome.ALREADY and again.signed_at == first.signed_at
    assert other.outcome is SigningOutcome.CIN_USED and other.signed_at is None
    assert await count(db) == (1, 1)


SAYS = {
    # The council's name in each language, and the claim of secrecy the consent used to make.
    "en": ("commune council", "nobody else"),
    "fr": ("conseil communal", "personne d'autre"),
    "ar": ("المجلس الجماعي", "لا يطّلع أحد"),
    "zgh": ("ⵓⵙⵇⵇⵉⵎ ⵏ ⵜⵊⵎⴰⵄⵜ", "ⵓⵔ ⵉⵜⵜⵥⵕⴰ ⵢⴰⵏ ⵢⴰⴹⵏ"),
}
ORGANIZERS = {"en": "organizers", "fr": "organisateurs", "ar": "المنظمون", "zgh": "ⵉⵎⵙⵏⵓⴷⵙⵏ"}


@pytest.mark.parametrize("language", ["en", "fr", "ar", "zgh"])
async def test_the_signing_consent_says_who_sees_the_signature(
    engine, sqlite_db: Database, clock: Clock, language: str
) -> None:
    amina = FakeResident(engine, "amina")
    code = await open_petition(sqlite_db, clock, await onboard(amina, language))
    await amina.tap("petitions")
    await amina.tap(code)
    await amina.tap("sign")
    consent = amina.texts[0]
    council, secrecy = SAYS[language]
    assert secrecy.lower() not in consent.lower(), consent
    assert council in consent, consent
    assert ORGANIZERS[language] in consent, consent
    assert "113.14" in consent
    assert amina.option_ids == ["agree", "cancel"]
