"""The service as a client meets it: uvicorn serving gridrules' app on 127.0.0.1, on a free
port, in a thread of the test process (or a process of its own, for ``gridrules serve``)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    """Wait for ``url``/health to answer 200 (or fail, after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"the service at {url} did not come up in {timeout} s")
        time.sleep(0.05)


@contextlib.contextmanager
def serving(**settings: Any) -> Iterator[str]:
    """The service with ``settings`` (see :class:`gridrules.service.Settings`), up on
    127.0.0.1 for the ``with`` block; yields its base URL."""
    import uvicorn

    from gridrules.service.app import create_app
    from gridrules.service.settings import Settings

    app = create_app(Settings(**settings))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)
