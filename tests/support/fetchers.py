"""A channel's media fetcher for tests, answering scripted bytes or errors."""

from __future__ import annotations


class ScriptedFetcher:
    """A channel's fetcher answering bytes, or raising, by reference."""

    channel = "console"

    def __init__(self, answers: dict[str, bytes | Exception]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    async def fetch(self, ref: str, limit: int) -> bytes:
        self.asked.append(ref)
        answer = self.answers[ref]
        if isinstance(answer, Exception):
            raise answer
        return answer
