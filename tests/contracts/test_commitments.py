"""The contract of `Commitments`: an organizer adds one within their scope (from a petition's
answer its signers follow it), residents of its commune read it with its history and follow
or unfollow it, a change of status goes into the history; refused outside the scope, for a
past due date, an empty text, the same status or an unknown number."""

from __future__ import annotations

from datetime import date, timedelta

from conversations.commitment import CommitmentDraft, CommitmentLife, SourceKind
from conversations.seams import ConversationStore
from tests.support.clock import Clock
from tests.support.contracts import ADMIN, BEN_MSICK, acting, opened, settle_in, sign

AGADIR = "001.01.01"


def draft(clock: Clock, **changes: object) -> CommitmentDraft:
    values: dict[str, object] = {
        "commune_code": BEN_MSICK,
        "text": "Réparer l'éclairage du boulevard",
        "made_by": "Conseil communal",
        "due_on": clock().date() + timedelta(days=60),
    }
    values.update(changes)
    return CommitmentDraft(**values)  # type: ignore[arg-type]


async def test_added_read_followed_and_changed(store: ConversationStore, clock: Clock) -> None:
    await settle_in(store, "amina")
    await settle_in(store, "karim", AGADIR)
    await settle_in(store, ADMIN)
    async with acting(store, ADMIN) as services:
        made = await services.commitments.add(draft(clock))
    assert made is not None
    async with acting(store, "karim") as services:
        assert await services.commitments.commune_commitments() == []
        assert await services.commitments.commitment(made) is None
        assert await services.commitments.follow(made) is None, "not of his commune"
    async with acting(store, "amina") as services:
        (listed,) = await services.commitments.commune_commitments()
        assert (listed.id, listed.life, listed.following) == (made, CommitmentLife.PENDING, False)
        assert listed.source_kind is SourceKind.ORGANIZER
        assert await services.commitments.follow(made) is True
        assert await services.commitments.follow(made) is False, "once"
    async with acting(store, ADMIN) as services:
        told = await services.commitments.set_status(
            made, CommitmentLife.IN_PROGRESS, "Devis signé"
        )
        assert told == 1
        again = await services.commitments.set_status(made, CommitmentLife.IN_PROGRESS, "")
        assert again is None, "the same status"
        assert await services.commitments.set_status(made + 999, CommitmentLife.DONE, "") is None
    async with acting(store, "amina") as services:
        found = await services.commitments.commitment(made)
        assert found is not None and found.following
        assert [(c.life, c.note) for c in found.history] == [
            (CommitmentLife.PENDING, ""),
            (CommitmentLife.IN_PROGRESS, "Devis signé"),
        ]
        assert await services.commitments.unfollow(made) is True
        assert await services.commitments.unfollow(made) is False


async def test_from_a_petition_its_signers_follow(store: ConversationStore, clock: Clock) -> None:
    await settle_in(store, "amina")
    code = await opened(store, clock)
    await sign(store, "amina", code, "AB123456")
    async with acting(store, ADMIN) as services:
        source = {"source_kind": SourceKind.PETITION, "source_ref": code.lower()}
        made = await services.commitments.add(draft(clock, **source))
        elsewhere = {"source_kind": SourceKind.PETITION, "source_ref": code, "commune_code": AGADIR}
        assert await services.commitments.add(draft(clock, **elsewhere)) is None
    assert made is not None
    async with acting(store, "amina") as services:
        found = await services.commitments.commitment(made)
    assert found is not None and found.following
    assert (found.source_kind, found.source_ref, found.followers) == (SourceKind.PETITION, code, 1)


async def test_refused(store: ConversationStore, clock: Clock) -> None:
    await settle_in(store, "omar")
    async with acting(store, "omar") as services:
        assert await services.commitments.add(draft(clock)) is None, "no scope"
        assert await services.commitments.organizer_commitments() is None
    async with acting(store, ADMIN) as services:
        yesterday = clock().date() - timedelta(days=1)
        assert await services.commitments.add(draft(clock, due_on=yesterday)) is None
        assert await services.commitments.add(draft(clock, text="  ")) is None
        assert await services.commitments.add(draft(clock, made_by="")) is None
        made = await services.commitments.add(draft(clock, due_on=date(2027, 1, 5)))
        assert made is not None
        listed = await services.commitments.organizer_commitments()
    assert listed is not None and [c.id for c in listed] == [made]
    async with acting(store, "omar") as services:
        assert await services.commitments.set_status(made, CommitmentLife.DONE, "") is None
