"""The contract of `Reports`: filing, the reports nearby, support and the history."""

from __future__ import annotations

import re

from conversations.kit import Media, MediaKind
from conversations.report import Brief, Category, Draft, ReportStatus
from conversations.seams import ConversationStore
from tests.support.contracts import BEN_MSICK, PIN, acting, settle_in


def lighting(place: str = "", pin: tuple[float, float] | None = PIN) -> Draft:
    lat, lon = pin if pin else (None, None)
    photo = Media(MediaKind.PHOTO, "file-1", "image/jpeg", 1000)
    return Draft(Category.LIGHTING, "", BEN_MSICK, place, lat, lon, "Lampadaire éteint", (photo,))


async def file(store: ConversationStore, user: str, draft: Draft) -> str:
    async with acting(store, user) as services:
        return await services.reports.file_report(draft)


async def test_a_filed_report_has_a_reference_and_a_history(store: ConversationStore) -> None:
    await settle_in(store, "amina")
    ref = await file(store, "amina", lighting())
    assert re.fullmatch(r"R-2026-\d{6}", ref)
    async with acting(store, "amina") as services:
        mine = await services.reports.my_reports(10)
        detail = await services.reports.report_detail(ref)
        unknown = await services.reports.report_detail("R-2026-999999")
    assert [(b.ref, b.category, b.status, b.supporters) for b in mine] == [
        (ref, Category.LIGHTING, ReportStatus.RECEIVED, 0)
    ]
    assert detail is not None and detail.brief == mine[0]
    assert detail.description == "Lampadaire éteint" and detail.duplicate_of == ""
    assert [m.ref for m in detail.media] == ["file-1"]
    assert [event.status for event in detail.history] == [ReportStatus.RECEIVED]
    assert unknown is None


async def test_a_neighbour_is_offered_the_report_and_counted_once(
    store: ConversationStore,
) -> None:
    for user in ("amina", "karim"):
        await settle_in(store, user)
    ref = await file(store, "amina", lighting())
    async with acting(store, "amina") as services:
        own = await services.reports.nearby_reports(lighting())
    async with acting(store, "karim") as services:
        near: list[Brief] = list(await services.reports.nearby_reports(lighting()))
        by_place = await services.reports.nearby_reports(lighting("Derb", pin=None))
        roads = await services.reports.nearby_reports(
            Draft(Category.ROADS, "", BEN_MSICK, "", *PIN, "Trou", ())
        )
        first = await services.reports.support_report(ref)
        again = await services.reports.support_report(ref)
        unknown = await services.reports.support_report("R-2026-999999")
        followed = await services.reports.my_reports(10)
    assert own == [], "not one's own report"
    assert [b.ref for b in near] == [ref] and roads == [] and by_place == []
    assert (first, again, unknown) == (True, False, None)
    assert [(b.ref, b.supporters) for b in followed] == [(ref, 1)]


async def test_the_same_typed_place_is_nearby(store: ConversationStore) -> None:
    for user in ("amina", "karim"):
        await settle_in(store, user)
    ref = await file(store, "amina", lighting("Derb Sultan", pin=None))
    async with acting(store, "karim") as services:
        near = await services.reports.nearby_reports(lighting("derb sultan", pin=None))
    assert [b.ref for b in near] == [ref]
