"""The contract of `Petitions`: only organizers draft and open them; one signature per resident
and per CIN; the threshold; withdrawing while they collect."""

from __future__ import annotations

import pytest

from conversations.petition import PetitionLife, SigningOutcome
from conversations.seams import ConversationStore
from tests.support.clock import Clock
from tests.support.contracts import ADMIN, acting, draft, opened, settle_in, sign


async def test_only_an_organizer_drafts_and_opens(store: ConversationStore, clock: Clock) -> None:
    await settle_in(store, "amina")
    async with acting(store, "amina") as services:
        with pytest.raises(PermissionError):
            await services.petitions.draft_petition(draft(clock))
    async with acting(store, ADMIN) as services:
        code = await services.petitions.draft_petition(draft(clock))
    async with acting(store, "amina") as services:
        assert await services.petitions.petition(code) is None, "a draft is not shown"
        assert await services.petitions.open_petitions() == []
        with pytest.raises(PermissionError):
            await services.petitions.publish_petition(code)
    async with acting(store, ADMIN) as services:
        await services.petitions.publish_petition(code)
    with pytest.raises(ValueError):
        async with acting(store, ADMIN) as services:
            await services.petitions.publish_petition(code)  # open already
    async with acting(store, "amina") as services:
        card = await services.petitions.petition(code.lower())
        listed = await services.petitions.open_petitions()
    assert card is not None and (card.code, card.life, card.signatures) == (
        code,
        PetitionLife.OPEN,
        0,
    )
    assert (card.title, card.threshold, card.signed_at) == ("Éclairage du boulevard", 2, None)
    assert [c.code for c in listed] == [code]


async def test_one_signature_per_resident_and_per_cin(
    store: ConversationStore, clock: Clock
) -> None:
    for user in ("amina", "karim", "hugo"):
        await settle_in(store, user)
    code = await opened(store, clock, threshold=2)
    assert await sign(store, "amina", code, "AB123456") == (SigningOutcome.SIGNED, True)
    assert await sign(store, "amina", code, "ZZ999999") == (SigningOutcome.ALREADY, True)
    assert await sign(store, "karim", code, "AB123456") == (SigningOutcome.CIN_USED, False)
    async with acting(store, "karim") as services:
        card = await services.petitions.petition(code)
    assert card is not None and (card.signatures, card.life, card.signed_at) == (
        1,
        PetitionLife.OPEN,
        None,
    )

    assert await sign(store, "hugo", code, "BK654321") == (SigningOutcome.SIGNED, True)
    async with acting(store, "hugo") as services:
        crossed = await services.petitions.petition(code)
        mine = await services.petitions.my_signatures()
    assert crossed is not None and crossed.life is PetitionLife.THRESHOLD_REACHED
    assert crossed.signatures == 2 and crossed.signed_at is not None
    assert [c.code for c in mine] == [code]
    assert await sign(store, "karim", "ZZZZZZ", "CD111111") == (SigningOutcome.NOT_OPEN, False)


async def test_a_signature_is_withdrawn_while_signatures_are_collected(
    store: ConversationStore, clock: Clock
) -> None:
    await settle_in(store, "amina")
    code = await opened(store, clock, threshold=5)
    await sign(store, "amina", code, "AB123456")
    async with acting(store, "amina") as services:
        assert await services.petitions.withdraw_signature(code)
        assert not await services.petitions.withdraw_signature(code)
        assert await services.petitions.my_signatures() == []
    async with acting(store, "amina") as services:
        card = await services.petitions.petition(code)
    assert card is not None and card.signatures == 0 and card.signed_at is None
    # Withdrawn, the resident may sign again.
    assert await sign(store, "amina", code, "AB123456") == (SigningOutcome.SIGNED, True)


async def test_a_sealed_cin_is_not_the_cin(store: ConversationStore) -> None:
    async with acting(store, "amina") as services:
        sealed = await services.petitions.seal("AB123456")
    assert "AB123456" not in sealed
