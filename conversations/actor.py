"""Who made a change, as the history and the audit log record it: a name or an address."""

from __future__ import annotations

# The columns that keep it are this wide (the history of reports and petitions, the audit log).
ACTOR_MAX = 80


def actor_fits(actor: str) -> bool:
    """Whether ``actor`` can be recorded as who made a change: 1 to `ACTOR_MAX` characters."""
    return bool(actor.strip()) and len(actor) <= ACTOR_MAX
