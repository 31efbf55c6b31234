"""A consultation's results as the dashboard shows them, in the organizer's language: each
question with its options' counts and shares (a ranking in the order of its points), its
scale, its free texts, and its breakdowns by group and by commune as tables whose cells under
`MIN_CELL` answers say "fewer than 5"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from conversations.consultation import (
    Cell,
    ConsultationReport,
    Question,
    QuestionKind,
    QuestionResult,
    in_language,
)
from conversations.consultation_drafting import KIND_OF
from conversations.consulting import NO, YES
from conversations.groups import KIND_LABELS, GroupKind
from conversations.text import Renderable

Label = str | Renderable


@dataclass(frozen=True, slots=True)
class OptionRow:
    label: Label
    count: int
    share: float
    points: int


@dataclass(frozen=True, slots=True)
class BreakdownTable:
    """One question's options (the columns) within each group or commune (the rows)."""

    by: str  # "group" or "commune"
    heads: tuple[Label, ...]
    rows: tuple[tuple[Label, tuple[Cell, ...]], ...]


@dataclass(frozen=True, slots=True)
class QuestionView:
    number: int
    prompt: str
    kind: Renderable
    result: QuestionResult
    options: tuple[OptionRow, ...]
    tables: tuple[BreakdownTable, ...]


def labels(question: Question, locale: str) -> tuple[Label, ...]:
    """A question's options in ``locale``; a yes or no's are "No" and "Yes", its options 0, 1."""
    if question.kind is QuestionKind.YES_NO:
        return (NO.label, YES.label)
    return tuple(in_language(option, locale) for option in question.options)


def group_label(label: str) -> Label:
    """A breakdown's group: its name, or a built-in group's kind in the organizer's language."""
    kind = next((kind for kind in GroupKind if kind.value == label), None)
    return KIND_LABELS[kind] if kind is not None else label


def results_view(
    report: ConsultationReport, locale: str, commune_name: Callable[[str], str]
) -> tuple[QuestionView, ...]:
    found = report.results
    shown = []
    for result in found.questions:
        question = report.questions[result.question]
        named = labels(question, locale)
        options = tuple(
            OptionRow(named[o.option], o.count, o.share, o.points) for o in result.options
        )
        if result.kind is QuestionKind.RANK:
            options = tuple(sorted(options, key=lambda row: -row.points))
        tables = []
        for by, breakdowns, name in (
            ("group", found.by_group, group_label),
            ("commune", found.by_commune, commune_name),
        ):
            rows = tuple((name(b.label), b.cells) for b in breakdowns.get(result.question, ()))
            if rows:
                tables.append(BreakdownTable(by, named, rows))
        shown.append(
            QuestionView(
                result.question + 1,
                in_language(question.prompt, locale),
                KIND_OF[question.kind.value],
                result,
                options,
                tuple(tables),
            )
        )
    return tuple(shown)
