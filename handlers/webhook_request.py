"""What a webhook request carries, read within bounds: a header given exactly once, a body of at
most so many bytes (declared or not), JSON of at most so many levels. Each refusal is an
exception the route turns into its answer; nothing here raises anything else on any input."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import ClientDisconnect, Request

# Far deeper than any update a platform sends (a Telegram message with a reply and a keyboard
# is about eight levels), far shallower than what makes the parser recurse out of stack.
MAX_DEPTH = 32


class TooLarge(Exception):
    """A body over the route's limit: 413."""


class Malformed(ValueError):
    """A request no platform sends as it is (a bad Content-Length, a body cut short): 400."""


class NotJSON(ValueError):
    """A body that is not UTF-8 JSON of at most `MAX_DEPTH` levels; str() says why."""


def sole_header(request: Request, name: str) -> str | None:
    """The header's value when it is given once; None when absent or repeated (two secrets or
    two signatures mean a request put together by someone else than the platform)."""
    values = request.headers.getlist(name)
    return values[0] if len(values) == 1 else None


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused unread when it declares more than ``limit`` bytes, and refused as soon
    as it exceeds them when it declares nothing (a chunked body)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        # isascii: "²" is a digit to isdigit() and not to int().
        if not (declared.isascii() and declared.isdigit()):
            raise Malformed("the Content-Length is not a number")
        if int(declared) > limit:
            raise TooLarge
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise TooLarge
    except ClientDisconnect:
        raise Malformed("the client went away before the end of the body") from None
    return bytes(body)


def parse_json(raw: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of ``raw``; `NotJSON` for anything else, NaN and Infinity included."""
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:
        raise NotJSON("nested too deep") from None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise NotJSON(type(error).__name__) from None
    if _deeper_than(value, max_depth):
        raise NotJSON(f"nested deeper than {max_depth} levels")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels (without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
