"""A fake Telegram Bot API on 127.0.0.1: serves scripted updates, records every request with its
time (a sendDocument's, sendPhoto's or sendVoice's file by its name and bytes), answers 429 or
403 on demand, and checks every request against Telegram's limits."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TOKEN = "123456:TEST-token-for-the-fake-bot-api"
BOT = {
    "id": 777000,
    "is_bot": True,
    "first_name": "Hayna",
    "username": "hayna_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# What a bot sends to a chat, and so what a 429 window forbids; getUpdates and set-up are free.
PACED = {
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "sendVoice",
    "answerCallbackQuery",
    "editMessageReplyMarkup",
    "sendChatAction",
}
SENDS = ("sendMessage", "sendDocument", "sendPhoto", "sendVoice")
# A bot uploads documents of up to 50 MB and photos of up to 10 MB; a caption is at most 1,024
# characters.
MAX_TEXT, MAX_CALLBACK_DATA, MAX_CAPTION, MAX_DOCUMENT = 4096, 64, 1024, 50 * 1024 * 1024
MAX_PHOTO = 10 * 1024 * 1024
# Telegram answers 400 (reply markup is too long) to an inline keyboard of more buttons.
MAX_BUTTONS = 100
JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "entities", "link_preview_options"}


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    at: float  # time.monotonic(), shared with the bot's process on this machine


@dataclass
class Fault:
    method: str
    code: int
    retry_after: int
    times: int
    after: int = 0  # let this many matching requests through first
    description: str = "Forbidden: user is deactivated"


@dataclass
class State:
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    # Times Telegram said "retry after": (from, until).
    windows: list[tuple[float, float]] = field(default_factory=list)
    confirmed: int = 0  # the highest getUpdates offset seen: updates below it were handled
    # Files residents sent, by file_id: what getFile and the download serve.
    files: dict[str, bytes] = field(default_factory=dict)
    # The URL the last setWebhook gave, which getWebhookInfo answers.
    webhook: str = ""


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart request, as the bot named it."""

    filename: str
    data: bytes
    content_type: str


def _params(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return dict(json.loads(raw))
    if content_type.startswith("multipart/form-data"):
        return _multipart(raw, content_type)
    params: dict[str, Any] = {}
    for key, value in parse_qsl(raw.decode(), keep_blank_values=True):
        # PTB sends objects and lists as JSON strings inside the form.
        params[key] = json.loads(value) if key in JSON_FIELDS else value
    return params


def _multipart(raw: bytes, content_type: str) -> dict[str, Any]:
    """A multipart form (how files are uploaded): fields as in a plain form, files as `Upload`."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + raw)
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(data, bytes), "a malformed multipart part"
        filename = part.get_filename()
        if filename is not None:
            params[name] = Upload(filename, data, part.get_content_type())
        else:
            value = data.decode()
            params[name] = json.loads(value) if name in JSON_FIELDS else value
    return params


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeTelegram:
    def __init__(self) -> None:
        self.state = State()
        self.lock = threading.Lock()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(500)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # --- running -------------------------------------------------------------------------
    def start(self) -> FakeTelegram:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # Answers go out in two writes (head, body): without NODELAY each waits ~40 ms for an ACK.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        app = Starlette(
            routes=[
                Route("/file/{bot}/{path:path}", self._download, methods=["GET"]),
                Route("/{bot}/{method}", self._endpoint, methods=["GET", "POST"]),
            ]
        )
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline, "the fake Bot API did not start"
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop answering; the server winds down in its own thread (uvicorn takes a tenth of a
        second or more), on a port no other test has."""
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True

    # --- scripting -----------------------------------------------------------------------
    def add_update(self, update: dict[str, Any]) -> int:
        with self.lock:
            update_id = next(self._update_ids)
            self.state.updates.append({"update_id": update_id, **update})
        return update_id

    def fail(
        self,
        method: str,
        code: int = 429,
        retry_after: int = 1,
        times: int = 1,
        after: int = 0,
        description: str = "Forbidden: user is deactivated",
    ) -> None:
        with self.lock:
            fault = Fault(method, code, retry_after, times, after, description)
            self.state.faults.append(fault)

    def add_file(self, file_id: str, data: bytes) -> None:
        """A file a resident sent, for getFile and its download."""
        with self.lock:
            self.state.files[file_id] = data

    def block(self, chat_id: int) -> None:
        """From now on, sending to this chat answers 403: the user blocked the bot."""
        with self.lock:
            self.state.blocked.add(chat_id)

    def calls(self, method: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.state.calls if method is None or c.method == method]

    def messages(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """The sendMessage requests Telegram accepted, maybe to one chat."""
        with self.lock:
            return [
                c.params
                for c in self.state.calls
                if c.method == "sendMessage"
                and c.params.get("_accepted")
                and (chat_id is None or int(c.params["chat_id"]) == chat_id)
            ]

    def documents(self, chat_id: int | None = None) -> list[Upload]:
        """The files sendDocument delivered, maybe to one chat, in order."""
        with self.lock:
            return [
                c.params["document"]
                for c in self.state.calls
                if c.method == "sendDocument"
                and c.params.get("_accepted")
                and (chat_id is None or int(c.params["chat_id"]) == chat_id)
            ]

    def photos(self, chat_id: int | None = None) -> list[tuple[Upload, str | None]]:
        """The photos sendPhoto delivered (uploaded, with their caption), maybe to one chat."""
        with self.lock:
            return [
                (c.params["photo"], c.params.get("caption"))
                for c in self.state.calls
                if c.method == "sendPhoto"
                and c.params.get("_accepted")
                and (chat_id is None or int(c.params["chat_id"]) == chat_id)
            ]

    def voices(self, chat_id: int | None = None) -> list[tuple[Upload, str | None]]:
        """The voice messages sendVoice delivered (uploaded, with their caption)."""
        with self.lock:
            return [
                (c.params["voice"], c.params.get("caption"))
                for c in self.state.calls
                if c.method == "sendVoice"
                and c.params.get("_accepted")
                and (chat_id is None or int(c.params["chat_id"]) == chat_id)
            ]

    @property
    def violations(self) -> list[str]:
        with self.lock:
            return list(self.state.violations)

    @property
    def windows(self) -> list[tuple[float, float]]:
        with self.lock:
            return list(self.state.windows)

    async def handled(self, update_id: int) -> None:
        """Wait until the bot confirmed ``update_id`` (asked for updates after it)."""
        deadline = time.monotonic() + 15
        while self.state.confirmed <= update_id:
            assert time.monotonic() < deadline, f"update {update_id} was not handled in time"
            await asyncio.sleep(0.01)

    # --- the API -------------------------------------------------------------------------
    async def _download(self, request: Request) -> Response:
        """The file server: /file/bot<token>/<file_path>, as getFile named it."""
        file_id = request.path_params["path"].removeprefix("files/")
        with self.lock:
            data = self.state.files.get(file_id)
        if request.path_params["bot"] != f"bot{TOKEN}" or data is None:
            return Response(status_code=404)
        return Response(data, media_type="application/octet-stream")

    async def _endpoint(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        if request.path_params["bot"] != f"bot{TOKEN}":
            return _error(401, "Unauthorized")
        params = _params(await request.body(), request.headers.get("content-type", ""))
        now = time.monotonic()
        with self.lock:
            call = Call(method, params, now)
            self.state.calls.append(call)
            self._check(call)
            refusal = self._refusal(call)
        if refusal is not None:
            return refusal
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        result = self._answer(method, params)
        if method in SENDS:
            params["_accepted"], params["_message_id"] = True, result["message_id"]
        return _ok(result)

    def _check(self, call: Call) -> None:
        """Telegram's limits, on every request: a violation fails the test that made it."""
        self._check_sizes(call)
        self._check_keyboard(call)
        self._check_pace(call)

    def _check_sizes(self, call: Call) -> None:
        params = call.params
        text = params.get("text")
        if isinstance(text, str) and not 0 < _units(text) <= MAX_TEXT:
            self.state.violations.append(f"{call.method}: text of {_units(text)} units")
        caption = params.get("caption")
        if isinstance(caption, str) and _units(caption) > MAX_CAPTION:
            self.state.violations.append(f"{call.method}: caption of {_units(caption)} units")
        # Each upload's field and largest size; a voice message is a document's size at most.
        uploads = {
            "sendDocument": ("document", MAX_DOCUMENT),
            "sendPhoto": ("photo", MAX_PHOTO),
            "sendVoice": ("voice", MAX_DOCUMENT),
        }
        if call.method in uploads:
            name, largest = uploads[call.method]
            upload = params.get(name)
            if not isinstance(upload, Upload) or not 0 < len(upload.data) <= largest:
                self.state.violations.append(f"{call.method}: {name} {upload!r:.80}")

    def _check_keyboard(self, call: Call) -> None:
        markup = call.params.get("reply_markup") or {}
        buttons = sum(len(row) for row in markup.get("inline_keyboard", []))
        if buttons > MAX_BUTTONS:
            self.state.violations.append(f"{call.method}: {buttons} inline buttons")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data", "")
                if not 0 < len(data.encode()) <= MAX_CALLBACK_DATA:
                    self.state.violations.append(f"{call.method}: callback_data {data!r}")

    def _check_pace(self, call: Call) -> None:
        """Nothing is sent inside a window a 429 asked to wait."""
        if call.method in PACED:
            for start, end in self.state.windows:
                if start <= call.at < end:
                    self.state.violations.append(
                        f"{call.method} {call.at - start:.3f}s into a {end - start:.0f}s "
                        "retry_after window"
                    )

    def _refusal(self, call: Call) -> JSONResponse | None:
        chat = call.params.get("chat_id")
        if call.method in SENDS and chat is not None and int(chat) in self.state.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        for fault in self.state.faults:
            if fault.method == call.method and fault.after > 0:
                fault.after -= 1
            elif fault.method == call.method and fault.times > 0:
                fault.times -= 1
                if fault.code == 429:
                    self.state.windows.append((call.at, call.at + fault.retry_after))
                    return _error(
                        429,
                        f"Too Many Requests: retry after {fault.retry_after}",
                        {"retry_after": fault.retry_after},
                    )
                return _error(fault.code, fault.description)
        return None

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        # Long polling, honoured briefly: tests stop the bot rather than wait out a poll.
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 30)
        while True:
            with self.lock:
                self.state.confirmed = max(self.state.confirmed, offset)
                self.state.updates = [u for u in self.state.updates if u["update_id"] >= offset]
                ready = list(self.state.updates)
            closing = self._server is not None and self._server.should_exit
            if ready or time.monotonic() >= deadline or closing:
                return ready
            await asyncio.sleep(0.01)

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method in (*SENDS, "editMessageReplyMarkup"):
            return self._sent(method, params)
        if method == "getFile":
            file_id = params["file_id"]
            data = self.state.files.get(file_id)
            if data is not None:
                return {"file_id": file_id, "file_unique_id": "u" + file_id,
                        "file_path": f"files/{file_id}", "file_size": len(data)}  # fmt: skip
            return {"file_id": file_id, "file_unique_id": "u" + file_id, "file_path": "p/1.jpg"}
        if method in ("setWebhook", "getWebhookInfo"):
            return self._webhook(method, params)
        return True  # deleteWebhook, setMyCommands, answerCallbackQuery, ...

    def _sent(self, method: str, params: dict[str, Any]) -> Any:
        """The message a send (or an edit) makes, as Telegram describes it back."""
        chat = int(params["chat_id"])
        message_id = next(self._message_ids) if method in SENDS else int(params["message_id"])
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "from": BOT,
            "chat": {"id": chat, "type": "private" if chat > 0 else "group"},
            "text": params.get("text", "…"),
        }
        upload = params.get("document")
        if isinstance(upload, Upload):
            message["document"] = {
                "file_id": f"doc{message_id}",
                "file_unique_id": f"udoc{message_id}",
                "file_name": upload.filename,
                "mime_type": upload.content_type,
                "file_size": len(upload.data),
            }
            del message["text"]
        photo = params.get("photo")
        if isinstance(photo, Upload):
            message["photo"] = [
                {
                    "file_id": f"photo{message_id}",
                    "file_unique_id": f"uphoto{message_id}",
                    "width": 1,
                    "height": 1,
                    "file_size": len(photo.data),
                }
            ]
            del message["text"]
            if params.get("caption"):
                message["caption"] = params["caption"]
        voice = params.get("voice")
        if isinstance(voice, Upload):
            message["voice"] = {
                "file_id": f"voice{message_id}",
                "file_unique_id": f"uvoice{message_id}",
                "duration": 1,
                "mime_type": voice.content_type,
                "file_size": len(voice.data),
            }
            del message["text"]
        if "inline_keyboard" in (params.get("reply_markup") or {}):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _webhook(self, method: str, params: dict[str, Any]) -> Any:
        """The webhook set, and read back as `hayna doctor` reads it."""
        if method == "setWebhook":
            self.state.webhook = str(params.get("url", ""))
            return True
        url = self.state.webhook
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=code)
