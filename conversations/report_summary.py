"""How a report is shown back to the resident: the summary to confirm, similar reports, a brief."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.kit import MOROCCO, Option, Place, Reply
from conversations.report import STATUS_LABELS, Brief, Category, category_label
from conversations.report_answers import Answers
from conversations.text import Renderable, _, lines, ngettext


def where(data: Answers, commune: Place | None) -> Renderable:
    name: Renderable = commune.label() if commune else _("your commune")
    if data.place:
        return _("{place}, {commune}", place=data.place, commune=name)
    if data.place_voice:
        return _("said in a voice note, {commune}", commune=name)
    return _("the location you shared, {commune}", commune=name)


def summary(data: Answers, commune: Place | None) -> Renderable:
    what: Renderable = _("a voice note") if data.voice else _("“{text}”", text=data.description)
    return lines(
        _("Please check your report:"),
        _(
            "• Category: {category}",
            category=category_label(Category(data.category), data.other_label),
        ),
        _("• Where: {place}", place=where(data, commune)),
        _("• What: {what}", what=what),
        ngettext("• {n} photo", "• {n} photos", len(data.photos)),
        _("Is everything right?"),
    )


def brief_line(brief: Brief) -> Renderable:
    """One report in a list: reference, category, status, date."""
    return _(
        "{ref}: {category}, {status} ({date})",
        ref=brief.ref,
        category=category_label(brief.category, brief.other_label),
        status=STATUS_LABELS[brief.status],
        date=brief.updated_at.astimezone(MOROCCO).date(),
    )


def similar_reply(similar: Sequence[Brief], different: Option) -> Reply:
    listed = [
        lines(
            brief_line(brief),
            ngettext("{n} supporter", "{n} supporters", brief.supporters),
            sep=" · ",
        )
        for brief in similar
    ]
    options = tuple(
        Option(f"support:{brief.ref}", _("Support {ref}", ref=brief.ref)) for brief in similar
    )
    text = lines(
        ngettext(
            "A similar report is already open nearby:",
            "Similar reports are already open nearby:",
            len(similar),
        ),
        *listed,
        _("Support one of them, or tell us yours is different."),
    )
    return Reply(text, (*options, different))
