"""One TLS context for the httpx clients the tests build: httpx makes a new one for each client,
reading the CA bundle each time (about 40 ms), and the tests' clients talk plain HTTP to fakes
on 127.0.0.1."""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from httpx._transports import default


@contextmanager
def one_tls_context() -> Iterator[None]:
    """httpx's default context (certificates verified), made once and shared, while inside."""
    made: list[ssl.SSLContext] = []
    real: Callable[..., ssl.SSLContext] = default.create_ssl_context

    def shared(verify: Any = True, cert: Any = None, trust_env: bool = True) -> ssl.SSLContext:
        ordinary = verify is True and cert is None and trust_env
        if not ordinary or os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"):
            return real(verify=verify, cert=cert, trust_env=trust_env)
        if not made:
            made.append(real(verify=verify, cert=cert, trust_env=trust_env))
        return made[0]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(default, "create_ssl_context", shared)
        yield
