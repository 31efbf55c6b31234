"""One card, one signature: a zero more in the number is the same card, for new signatures and,
once the housekeeping hashed them again, for those signed before the rule."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from bot.app import build_engine
from bot.housekeeping import chores
from conversations.cin import card
from conversations.petition import PetitionLife
from storage import tally
from storage.database import Database
from storage.models import PETITION, SIGNATURE
from storage.petitions import signatories
from storage.signature_keys import rekey_signatures
from storage.vault import KEY_VERSION, Vault
from tests.resident import FakeResident
from tests.support.clock import Clock
from tests.support.petitions import onboard, open_petition, sign_by_chat
from tests.support.vault import VAULT

SECRET = "test-secret-key-that-is-long-enough-for-hayna"  # VAULT's, in tests/conftest.py


def hashed_as_typed(cin: str) -> str:
    """The CIN hash of key version 1, before leading zeros stopped counting."""
    key = hmac.new(SECRET.encode(), b"hayna/cin-hash/v1", hashlib.sha256).digest()
    return hmac.new(key, cin.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def engine_on_both(db: Database, gazetteer: Any, clock: Clock) -> Any:
    return build_engine(db, gazetteer, VAULT, clock)


def test_the_card_of_a_cin_drops_the_leading_zeros_of_its_number() -> None:
    assert card("AB0123456") == card("AB00123456") == card("AB123456") == "AB123456"
    assert card("A000") == "A0" and card("AB123") != card("A123")
    assert VAULT.key("AB0123456") == VAULT.key("AB123456") != VAULT.key("AB1234560")
    # Only the leading zeros: version 1 and 2 agree on every other card.
    assert VAULT.key("AB123456") == hashed_as_typed("AB123456")


async def test_a_zero_more_does_not_sign_twice_and_the_card_is_filed_as_typed(
    engine_on_both: Any, db: Database, clock: Clock
) -> None:
    amina, omar = FakeResident(engine_on_both, "amina"), FakeResident(engine_on_both, "omar")
    commune = await onboard(amina, "en")
    await onboard(omar, "en")
    code = await open_petition(db, clock, commune)
    await sign_by_chat(amina, code, "Amina Alaoui", "ab 0123456")
    assert "your signature is counted" in amina.text
    await sign_by_chat(omar, code, "Omar Alaoui", "AB-123456")
    assert "This CIN card has already signed this petition" in omar.text
    await sign_by_chat(omar, code, "Omar Alaoui", "AB00123456")
    assert "This CIN card has already signed this petition" in omar.text
    async with db.transaction() as tx:
        (signed,) = await tx.run(signatories, code)
        version = await tx.run(lambda c: c.execute(select(SIGNATURE.c.key_version)).scalar_one())
    # The commune gets the number as written on the card.
    assert VAULT.open(signed.cin_sealed) == "AB0123456" and version == KEY_VERSION


async def _legacy(db: Database, code: str, cin: str, at: Any, vault: Vault = VAULT) -> None:
    """A signature of key version 1, as stored before this rule."""
    async with db.transaction() as tx:
        await tx.run(
            lambda c: c.execute(
                insert(SIGNATURE).values(
                    petition_id=c.execute(
                        select(PETITION.c.id).where(PETITION.c.code == code)
                    ).scalar_one(),
                    resident_id=None,
                    cin_key=hashed_as_typed(cin),
                    key_version=1,
                    cin_sealed=vault.seal(cin),
                    full_name=f"Signer {cin}",
                    created_at=at,
                )
            )
        )
        await tx.run(
            lambda c: c.execute(
                update(PETITION)
                .where(PETITION.c.code == code)
                .values(signatures=PETITION.c.signatures + 1)
            )
        )


async def _signatures(db: Database, code: str) -> list[tuple[str, int, str]]:
    async with db.transaction() as tx:
        rows = await tx.run(
            lambda c: c.execute(
                select(SIGNATURE.c.full_name, SIGNATURE.c.key_version, SIGNATURE.c.cin_key)
                .join(PETITION, PETITION.c.id == SIGNATURE.c.petition_id)
                .where(PETITION.c.code == code)
                .order_by(SIGNATURE.c.id)
            ).all()
        )
    return [tuple(row) for row in rows]


async def _count(db: Database, code: str) -> int:
    async with db.transaction() as tx:
        return int(
            await tx.run(
                lambda c: c.execute(
                    select(tally.SIGNATURES).where(PETITION.c.code == code)
                ).scalar_one()
            )
        )


async def test_signatures_hashed_as_typed_are_hashed_again_once_and_a_card_signs_once(
    engine_on_both: Any, db: Database, clock: Clock
) -> None:
    amina = FakeResident(engine_on_both, "amina")
    commune = await onboard(amina, "en")
    still_open = await open_petition(db, clock, commune, threshold=10)
    filed = await open_petition(db, clock, commune, threshold=2)
    early = clock() - timedelta(days=2)
    await _legacy(db, still_open, "AB0123456", early)
    await _legacy(db, still_open, "CD123456", early)
    # One card signed twice before the rule, the later as the card's own number.
    await _legacy(db, still_open, "IJ0123456", early)
    await _legacy(db, still_open, "IJ123456", early + timedelta(hours=1))
    # Signed after the upgrade, before the housekeeping came: the same card as the first.
    await sign_by_chat(amina, still_open, "Amina Alaoui", "AB123456")
    assert "your signature is counted" in amina.text
    # Signed twice before the rule, on a petition filed since: both were counted and filed.
    await _legacy(db, filed, "EF0123", early)
    await _legacy(db, filed, "EF123", early + timedelta(hours=1))
    async with db.transaction() as tx:
        await tx.run(
            lambda c: c.execute(
                update(PETITION).where(PETITION.c.code == filed).values(status=PetitionLife.FILED)
            )
        )
    # Sealed under another key: it cannot be hashed again, and stays as it is.
    await _legacy(db, still_open, "GH0001", early, Vault("another-secret-key-long-enough-for-it"))

    assert await rekey_signatures(db, VAULT, clock()) == 1
    assert await _signatures(db, still_open) == [
        ("Signer AB0123456", KEY_VERSION, VAULT.key("AB123456")),
        ("Signer CD123456", KEY_VERSION, VAULT.key("CD123456")),
        ("Signer IJ0123456", KEY_VERSION, VAULT.key("IJ123456")),
        ("Signer GH0001", 1, hashed_as_typed("GH0001")),
    ], "the later signature of each card is withdrawn"
    assert await _count(db, still_open) == 4
    # On the filed petition the first row keeps its old hash: the second holds the card's.
    assert await _signatures(db, filed) == [
        ("Signer EF0123", KEY_VERSION, hashed_as_typed("EF0123")),
        ("Signer EF123", KEY_VERSION, VAULT.key("EF123")),
    ]
    assert await _count(db, filed) == 2, "what was filed stays as it was counted"

    # Once done, the chores find nothing more to do; the card cannot sign again.
    before = await _signatures(db, still_open)
    await chores(db, VAULT, clock())
    assert await _signatures(db, still_open) == before
    omar = FakeResident(engine_on_both, "omar")
    await onboard(omar, "en")
    await sign_by_chat(omar, still_open, "Omar Alaoui", "AB00123456")
    assert "This CIN card has already signed this petition" in omar.text
