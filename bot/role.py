"""What one `hayna serve` process does (`--role`): the webhooks and the dashboard, the sending of
pushes with the planned chores, or both.

On one PostgreSQL database an operator runs as many web processes as the traffic needs and one
or two dispatchers: of those that dispatch, one sends each channel's pushes (bot/dispatcher.py),
the others wait to take over.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    WEB = "web"
    DISPATCH = "dispatch"
    ALL = "all"

    @property
    def answers(self) -> bool:
        """Serves the channels' webhooks, the dashboard and the public pages."""
        return self is not Role.DISPATCH

    @property
    def dispatches(self) -> bool:
        """Sends pushes (when it holds the channel's lock), wakes for planned announcements
        and keeps house."""
        return self is not Role.WEB
