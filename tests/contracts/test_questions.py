"""The contract of `Questions`: a resident asks the organizers of their commune or of a group
they follow (empty refused), an organizer of the scope claims it (one at a time, a claim runs
out), answers it in their language, the resident follows up and the ticket is the answerer's
again; canned answers per commune; nobody outside the scope sees or claims anything."""

from __future__ import annotations

from conversations.groups import GroupKind
from conversations.question import Author, Claim, QuestionStatus
from conversations.seams import ConversationStore
from tests.support.clock import Clock
from tests.support.contracts import ADMIN, DEPUTY, acting, settle_in


async def asked(store: ConversationStore, text: str = "Quand passe le camion ?") -> int:
    await settle_in(store, "amina")
    async with acting(store, "amina") as services:
        made = await services.questions.ask(None, text)
    assert made is not None
    return made


async def test_a_question_to_the_commune_and_to_a_followed_group(store: ConversationStore) -> None:
    await settle_in(store, "amina")
    async with acting(store, ADMIN) as services:
        group = await services.organizing.create_group("141.01.61", GroupKind.ASSOCIATION, "Nour")
    assert group is not None
    async with acting(store, "amina") as services:
        q = services.questions
        assert [d.group_id for d in await q.destinations()] == [None]
        assert await q.ask(None, "   ") is None, "an empty question is refused"
        assert await q.ask(group, "Adhésion ?") is None, "a group not followed"
        assert await services.community.join_group(group)
    async with acting(store, "amina") as services:
        q = services.questions
        assert [d.group_id for d in await q.destinations()] == [None, group]
        first = await q.ask(None, "Quand passe le camion ?")
        second = await q.ask(group, "", "photo-ref-1")
        assert first is not None and second is not None
        mine = await q.my_questions()
    assert [t.id for t in mine] == [second, first], "the latest first"
    assert mine[0].media == "photo-ref-1" and mine[0].group_id == group
    assert all(t.status is QuestionStatus.OPEN for t in mine)


async def test_claimed_by_one_organizer_answered_and_followed_up(
    store: ConversationStore, clock: Clock
) -> None:
    made = await asked(store)
    async with acting(store, "karim") as services:
        assert await services.questions.open_questions() is None, "not an organizer"
        assert await services.questions.claim(made) is Claim.GONE
    async with acting(store, ADMIN) as services:
        (waiting,) = await services.questions.open_questions() or ()
        assert waiting.id == made and waiting.text == "Quand passe le camion ?"
        assert await services.questions.answer(made, "Lundi.", "fr") is False, "claim first"
        assert await services.questions.claim(made) is Claim.CLAIMED
    async with acting(store, DEPUTY) as services:
        assert await services.questions.claim(made) is Claim.TAKEN, "one organizer at a time"
        assert await services.questions.answer(made, "Mardi.", "fr") is False
    async with acting(store, ADMIN) as services:
        assert await services.questions.answer(made, "Lundi matin.", "ar")
        assert await services.questions.open_questions() == [], "answered: no longer waiting"
        assert await services.questions.claim(made) is Claim.GONE
    async with acting(store, "amina") as services:
        (mine,) = await services.questions.my_questions()
        assert mine.status is QuestionStatus.ANSWERED and mine.answered_by is not None
        assert [(m.author, m.text, m.language) for m in mine.messages][1] == (
            Author.ORGANIZER,
            "Lundi matin.",
            "ar",
        )
        assert await services.questions.follow_up(made, "Et le samedi ?")
        assert not await services.questions.follow_up(made + 100, "?"), "not hers"
    async with acting(store, DEPUTY) as services:
        assert await services.questions.claim(made) is Claim.TAKEN, "the answerer's again"
    clock.advance(hours=1)
    async with acting(store, DEPUTY) as services:
        assert await services.questions.claim(made) is Claim.CLAIMED, "a claim runs out"
        ticket = await services.questions.ticket(made)
    assert ticket is not None and len(ticket.messages) == 3


async def test_canned_answers_of_the_commune(store: ConversationStore) -> None:
    made = await asked(store)
    async with acting(store, "karim") as services:
        assert await services.questions.canned(made) is None
        assert await services.questions.save_canned(made, "Merci.") is None
    async with acting(store, ADMIN) as services:
        assert await services.questions.canned(made) == []
        assert await services.questions.save_canned(made, "  ") is None
        saved = await services.questions.save_canned(made, "Le camion passe le lundi.")
        assert saved is not None
        (canned,) = await services.questions.canned(made) or ()
    assert (canned.id, canned.text) == (saved, "Le camion passe le lundi.")


async def test_a_follow_up_while_an_organizer_answers_keeps_their_claim(
    store: ConversationStore,
) -> None:
    made = await asked(store, "Le marché ouvre quand ?")
    async with acting(store, ADMIN) as services:
        assert await services.questions.claim(made) is Claim.CLAIMED
    async with acting(store, "amina") as services:
        assert await services.questions.follow_up(made, "Et le samedi ?")
    async with acting(store, DEPUTY) as services:
        assert await services.questions.claim(made) is Claim.TAKEN, "still the first one's"
    async with acting(store, ADMIN) as services:
        # The organizer who was typing keeps the question: their answer still goes.
        assert await services.questions.answer(made, "De 8 h à 13 h, samedi aussi.", "fr")


async def test_voice_notes_are_heard_within_the_scope_only(store: ConversationStore) -> None:
    # A platform's reference only: no bytes kept to hear, on any store.
    await settle_in(store, "amina")
    async with acting(store, "amina") as services:
        made = await services.questions.ask(None, "", "AgADvoice")
    assert made is not None
    async with acting(store, "karim") as services:
        assert await services.questions.voices(made) is None, "not an organizer"
    async with acting(store, ADMIN) as services:
        heard = await services.questions.voices(made)
    assert heard is not None and list(heard) == [], "within the scope: nothing kept to hear"
