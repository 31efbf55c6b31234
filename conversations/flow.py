"""The shape of a flow, and how its typed state becomes the row the store keeps.

A flow names its steps with a `StrEnum` and its answers with a frozen dataclass of plain values
(str, int, float, bool, None and tuples of those): exactly what survives a restart as JSON.
"""

from __future__ import annotations

import dataclasses
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, Generic

from conversations.context import Context
from conversations.flow_names import FlowName
from conversations.kit import D, Inbound, S, Turn
from conversations.text import Renderable


class Flow(ABC, Generic[S, D]):
    """One conversation, read top to bottom: `start` asks the first question, `handle` the rest."""

    name: ClassVar[FlowName]
    steps: type[S]
    answers: type[D]

    @abstractmethod
    async def start(self, ctx: Context) -> Turn[S, D]: ...

    @abstractmethod
    async def handle(self, ctx: Context, step: S, data: D, msg: Inbound) -> Turn[S, D]: ...

    async def open(self, ctx: Context, link: str) -> Turn[S, D]:
        """Start on something a shared link names; a flow without links simply starts."""
        return await self.start(ctx)

    async def take(self, ctx: Context, msg: Inbound) -> Turn[S, D]:
        """Start on what a message carries (a photo sent at the menu); a flow that takes
        nothing simply starts."""
        return await self.start(ctx)

    def underway(self, step: S, data: D) -> Renderable | None:
        """What the resident is in the middle of at ``step``, as a sentence ("You were writing
        a report."), for when they leave it or come back to it; None where leaving loses
        nothing (a list, a menu)."""
        return None

    def load(self, step: str, data: str) -> tuple[S, D]:
        """Rebuild the typed state; raises ValueError/TypeError when the row no longer fits."""
        return self.steps(step), self.answers(**_tuples(json.loads(data)))

    def dump(self, data: D) -> str:
        if not dataclasses.is_dataclass(data) or isinstance(data, type):
            raise TypeError(f"{self.name}: answers must be a dataclass instance")
        return json.dumps(dataclasses.asdict(data), ensure_ascii=False, separators=(",", ":"))


# Every flow of the chat under its name, as `flows.py` registers them and the engine runs them.
Flows = Mapping[FlowName, Flow[Any, Any]]


def _tuples(value: Any) -> Any:
    # JSON has lists only; the answers dataclasses are frozen and hold tuples.
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return value
