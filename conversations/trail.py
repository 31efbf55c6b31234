"""The questions a resident answered on the way to the current one: what "back" returns to.

Each entry is the state as it stood when the resident left a question (its flow, step, answers
and the question itself), across flows, so "back" at a flow's first step returns to the menu it
was opened from. Going back restores that state exactly, as the flow itself had made it: the
answers given before that question stay, the one given to it is asked again.
"""

from __future__ import annotations

from conversations.seams import Bookmark, FlowState

# Enough for the longest flow and a few detours; older questions drop off first.
MAX_TRAIL = 24


def bookmark(state: FlowState) -> Bookmark | None:
    """The current question of ``state``, to come back to; None when there is none."""
    if state.flow is None or state.step is None or not state.question:
        return None
    return Bookmark(state.flow, state.step, state.data, state.question)


def moved(before: FlowState, after: FlowState, settled: bool) -> tuple[Bookmark, ...]:
    """The trail once a message took the resident from ``before`` to ``after``."""
    trail = before.trail
    if (before.flow, before.step) == (after.flow, after.step):
        return trail
    if settled:
        # What was done cannot be undone by "back": the questions that led to it are gone, back
        # to where the flow showed this step before (a petition's card), or else all of them.
        here = [
            i for i, mark in enumerate(trail) if (mark.flow, mark.step) == (after.flow, after.step)
        ]
        return trail[: here[0]] if here else without(trail, after.flow or "")
    left = bookmark(before)
    if left is not None:
        trail += (left,)
    # Back at a question exactly as it was: the detour between changed nothing, so "back" need
    # not walk through it again (a list, a card, the list).
    for index, mark in enumerate(trail):
        if (mark.flow, mark.step, mark.data) == (after.flow, after.step, after.data):
            trail = trail[:index]
            break
    return trail[-MAX_TRAIL:]


def progressed(state: FlowState) -> bool:
    """Whether the resident answered at least one question of the current flow."""
    return any(mark.flow == state.flow for mark in state.trail)


def without(trail: tuple[Bookmark, ...], flow: str) -> tuple[Bookmark, ...]:
    """The trail with the questions of ``flow`` left out, for starting it over."""
    return tuple(mark for mark in trail if mark.flow != flow)
