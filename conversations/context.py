"""What a flow step is given: the resident, the side effects it may cause, the clock, and what
every channel can show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.capabilities import NO_CHANNELS, Channels
from conversations.kit import Resident
from conversations.seams import Services


@dataclass(frozen=True, slots=True)
class Context:
    """What a flow step may read and use: the resident, the side effects, the clock."""

    resident: Resident
    services: Services
    now: datetime
    locale: str
    # The text of the message being answered, for a flow's first question to follow it.
    said: str = ""
    # Every channel's means and limits, for what a flow says about them or sends everywhere.
    channels: Channels = NO_CHANNELS
