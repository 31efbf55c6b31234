"""The contract of `Rights`: everything kept about a resident, and its erasure, which keeps
their reports without them and forgets the resident."""

from __future__ import annotations

from conversations.personal import (
    PROFILE,
    REPORTS,
    SIGNATURES,
    MyAccount,
    MyReport,
    MySignature,
)
from conversations.report import Category, Draft
from conversations.seams import ConversationStore
from tests.support.clock import Clock
from tests.support.contracts import BEN_MSICK, PIN, acting, message, opened, settle_in, sign


async def test_my_data_holds_the_residents_rows_only(
    store: ConversationStore, clock: Clock
) -> None:
    for user in ("amina", "karim"):
        await settle_in(store, user)
    draft = Draft(Category.LIGHTING, "", BEN_MSICK, "Derb", *PIN, "Lampadaire éteint", ())
    async with acting(store, "amina") as services:
        ref = await services.reports.file_report(draft)
    code = await opened(store, clock)
    await sign(store, "amina", code, "AB123456")
    async with acting(store, "karim") as services:
        await services.reports.file_report(draft)
    async with acting(store, "amina") as services:
        data = await services.rights.my_data()
    assert data.sections[0][0] == PROFILE
    (account,) = data.rows(PROFILE, MyAccount)
    assert (account.channel, account.user, account.language) == ("console", "amina", "fr")
    assert account.commune_code == BEN_MSICK and account.notifications
    assert [(r.ref, r.description) for r in data.rows(REPORTS, MyReport)] == [
        (ref, "Lampadaire éteint")
    ]
    (signature,) = data.rows(SIGNATURES, MySignature)
    assert (signature.petition, signature.cin, signature.filed) == (code, "AB••••56", False)
    assert b'"user": "amina"' in data.to_json()


async def test_erasure_forgets_the_resident_and_keeps_the_need(
    store: ConversationStore, clock: Clock
) -> None:
    for user in ("amina", "karim"):
        await settle_in(store, user)
    draft = Draft(Category.LIGHTING, "", BEN_MSICK, "", *PIN, "Lampadaire éteint", ())
    async with acting(store, "amina") as services:
        ref = await services.reports.file_report(draft)
    code = await opened(store, clock, threshold=5)
    await sign(store, "amina", code, "AB123456")
    async with message(store, "amina") as unit:
        await unit.services.rights.erase_me()
        assert unit.erased
    async with message(store, "amina") as unit:
        again = unit.resident
        mine = await unit.services.reports.my_reports(10)
        card = await unit.services.petitions.petition(code)
    assert again.language is None and not again.onboarded, "a newcomer"
    assert mine == []
    assert card is not None and card.signatures == 0, "an unfiled signature is withdrawn"
    async with acting(store, "karim") as services:
        kept = await services.reports.report_detail(ref)
    assert kept is not None and kept.brief.ref == ref
