"""A fake of Twilio's Messages API on 127.0.0.1: records every message, fails on demand, and
serves the media residents sent (behind Basic auth, redirecting to storage as Twilio does).

Errors come in Twilio's JSON shape (code, message, more_info, status), so the outbox under test
reads them as it would read Twilio's.
"""

from __future__ import annotations

import asyncio
import base64
import socket
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

SID = "AC" + "0" * 32
TOKEN = "fake-auth-token-0123456789abcdef"


@dataclass(frozen=True, slots=True)
class Failure:
    status: int
    code: int
    retry_after: str | None = None


class FakeTwilio:
    """The Messages endpoint of one account; `fail` queues errors for the next requests."""

    def __init__(self) -> None:
        self.messages: list[dict[str, str]] = []
        # When each message was taken (time.monotonic()), beside it in `messages`.
        self.times: list[float] = []
        self.refused: list[dict[str, str]] = []
        self.failures: list[Failure] = []
        self.media: dict[str, bytes] = {}
        self.url = ""
        # Seconds the API takes to answer, as the real one does across the sea (benchmarks).
        self.latency = 0.0

    def add_media(self, data: bytes) -> str:
        """A file a resident sent; returns its MediaUrl."""
        media = "ME" + uuid.uuid4().hex
        self.media[media] = data
        return f"{self.url}/2010-04-01/Accounts/{SID}/Messages/MM{'0' * 32}/Media/{media}"

    def fail(self, status: int, code: int, retry_after: str | None = None) -> None:
        self.failures.append(Failure(status, code, retry_after))

    def app(self) -> Starlette:
        async def messages(request: Request) -> JSONResponse:
            if request.path_params["sid"] != SID or not _authorized(request):
                return _error(401, 20003, "Authenticate")
            form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
            if self.latency:
                await asyncio.sleep(self.latency)
            if self.failures:
                failure = self.failures.pop(0)
                self.refused.append(form)
                headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
                return _error(failure.status, failure.code, "refused on demand", headers)
            sid = "SM" + uuid.uuid4().hex
            self.messages.append({**form, "sid": sid})
            self.times.append(time.monotonic())
            body = {"sid": sid, "status": "queued", "to": form.get("To"), "from": form.get("From")}
            return JSONResponse(body, status_code=201)

        async def media(request: Request) -> Response:
            if not _authorized(request):
                return _error(401, 20003, "Authenticate")
            if request.path_params["media"] not in self.media:
                return _error(404, 20404, "not found")
            return RedirectResponse(f"/storage/{request.path_params['media']}", status_code=307)

        async def storage(request: Request) -> Response:
            found = self.media.get(request.path_params["media"])
            if found is None:
                return Response(status_code=404)
            return Response(found, media_type="image/jpeg")

        path = "/2010-04-01/Accounts/{sid}/Messages.json"
        media_path = "/2010-04-01/Accounts/{sid}/Messages/{message}/Media/{media}"
        return Starlette(
            routes=[
                Route(path, messages, methods=["POST"]),
                Route("/2010-04-01/Accounts/{sid}.json", _account, methods=["GET"]),
                Route(media_path, media, methods=["GET"]),
                Route("/storage/{media}", storage, methods=["GET"]),
            ]
        )


async def _account(request: Request) -> JSONResponse:
    """The account's own record: what `hayna doctor` reads to check the credentials."""
    if request.path_params["sid"] != SID or not _authorized(request):
        return _error(401, 20003, "Authenticate")
    return JSONResponse({"sid": SID, "status": "active", "type": "Full"})


def _authorized(request: Request) -> bool:
    expected = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    return request.headers.get("authorization") == f"Basic {expected}"


def _error(
    status: int, code: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return JSONResponse(body, status_code=status, headers=headers)


@asynccontextmanager
async def running() -> AsyncIterator[FakeTwilio]:
    """A fake Twilio listening on a free port of 127.0.0.1 for the duration of the block."""
    fake = FakeTwilio()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Answers go out in two writes (head, body): without NODELAY each waits ~40 ms for an ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    fake.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = _Server(uvicorn.Config(fake.app(), log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(5):
            # uvicorn says it listens by a flag only, not an event.
            while not server.started:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        yield fake
    finally:
        server.stopping.set()
        async with asyncio.timeout(5):
            await task
        sock.close()


class _Server(uvicorn.Server):
    """uvicorn, stopped as soon as its test is done rather than at its next tenth of a second,
    and without waiting a tenth more for connections: by then the clients under test closed
    theirs."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.stopping = asyncio.Event()

    async def main_loop(self) -> None:
        await self.on_tick(0)  # the default headers
        await self.stopping.wait()
        self.should_exit = True

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        for server in self.servers:
            await server.wait_closed()
