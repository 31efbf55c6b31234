"""The contract of `Consultations` (and of creating one through `Organizing`): open to the
commune or to the followers of a group, read in the resident's language, answers checked and
changed, a set completed; refused outside the scope."""

from __future__ import annotations

from datetime import timedelta

from conversations.consultation import (
    AnswerOutcome,
    AnswerWhy,
    ConsultationDraft,
    ConsultationLife,
    Question,
    QuestionKind,
    Response,
)
from conversations.seams import ConversationStore
from tests.support.clock import Clock
from tests.support.contracts import ADMIN, BEN_MSICK, acting, settle_in

AGADIR = "001.01.01"


def draft(clock: Clock, group_ids: tuple[int, ...] = ()) -> ConsultationDraft:
    return ConsultationDraft(
        BEN_MSICK,
        "Association Nour",
        {"fr": "Priorités du quartier", "ar": "أولويات الحي"},
        {"fr": "Préparer le budget."},
        clock(),
        clock() + timedelta(days=7),
        (
            Question(QuestionKind.ONE, {"fr": "Le plus urgent ?"}, ({"fr": "Eau"}, {"fr": "Bus"})),
            Question(QuestionKind.SCALE, {"fr": "Satisfaction ?"}, optional=True),
        ),
        group_ids=group_ids,
    )


async def test_open_to_the_commune_read_and_answered(
    store: ConversationStore, clock: Clock
) -> None:
    await settle_in(store, "amina")
    await settle_in(store, "karim", AGADIR)
    async with acting(store, ADMIN) as services:
        made = await services.organizing.create_consultation(draft(clock))
        assert made is not None
        assert await services.organizing.publish_consultation(made) is ConsultationLife.OPEN
        assert await services.organizing.publish_consultation(made) is None, "once"
    async with acting(store, "karim") as services:
        assert await services.consultations.open_consultations() == []
        assert await services.consultations.consultation(made) is None
        elsewhere = await services.consultations.answer(made, 0, Response(options=(0,)))
    assert elsewhere.outcome is AnswerOutcome.NOT_OPEN
    async with acting(store, "amina") as services:
        (asked,) = await services.consultations.open_consultations()
        assert (asked.title, asked.asked_by) == ("Priorités du quartier", "Association Nour")
        assert [q.options for q in asked.questions] == [("Eau", "Bus"), ()]
        wrong = await services.consultations.answer(made, 1, Response(value=9))
        assert (wrong.outcome, wrong.why) == (AnswerOutcome.REFUSED, AnswerWhy.SCALE)
        for response in (Response(options=(0,)), Response(options=(1,))):
            done = await services.consultations.answer(made, 0, response)
            assert done.outcome is AnswerOutcome.COUNTED
        assert (await services.consultations.answer(made, 1, Response(skipped=True))).outcome is (
            AnswerOutcome.COUNTED
        )
        assert await services.consultations.complete(made)
    async with acting(store, "amina") as services:
        again = await services.consultations.consultation(made)
        assert [a.id for a in await services.consultations.answered()] == [made]
    async with acting(store, "karim") as services:
        assert await services.consultations.answered() == []
    assert again is not None and again.completed
    assert dict(again.answers) == {0: Response(options=(1,)), 1: Response(skipped=True)}


async def test_a_group_audience_and_the_scope(store: ConversationStore, clock: Clock) -> None:
    await settle_in(store, "amina")
    await settle_in(store, "omar")
    async with acting(store, "amina") as services:
        youth = (await services.community.groups())[0]
        assert await services.community.join_group(youth.id)
    async with acting(store, "omar") as services:
        assert await services.organizing.create_consultation(draft(clock)) is None, "no scope"
    async with acting(store, ADMIN) as services:
        made = await services.organizing.create_consultation(draft(clock, (youth.id,)))
        assert made is not None
        await services.organizing.publish_consultation(made)
    async with acting(store, "amina") as services:
        assert [a.id for a in await services.consultations.open_consultations()] == [made]
    async with acting(store, "omar") as services:
        assert await services.consultations.open_consultations() == []
