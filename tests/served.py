"""A rendered service served by uvicorn on 127.0.0.1, a TCP proxy that can cut it off from
PostgreSQL, and a throwaway service database: the pieces the fault, limit and load tests share.

Every socket here is on 127.0.0.1, and no HTTP client reads proxy settings from the environment.
"""

import asyncio
import contextlib
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx2
from sqlalchemy.engine import URL

from tests.conftest import (
    Rendering,
    child_environment,
    create_database,
    drop_database,
    run_python,
)

LOCALHOST = "127.0.0.1"
T = TypeVar("T")


def package_name(rendering: Rendering) -> str:
    """The package under the project's src/ (the one holding main.py)."""
    return next(main.parent.name for main in rendering.path.glob("src/*/main.py"))


def wait_until(condition: Callable[[], T], *, timeout: float, what: str) -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout}s waiting for {what}")
        time.sleep(0.05)


def wait_until_serving(
    process: subprocess.Popen[Any],
    base_url: str,
    log: Path,
    *,
    what: str,
    path: str = "/health/live",
    timeout: float = 60,
) -> None:
    """Wait until ``process`` answers 200 at ``path``; fail with its log if it ends first."""
    wait_until(
        lambda: process.poll() is not None or get_status(base_url, path, 2) == 200,
        timeout=timeout,
        what=what,
    )
    assert process.poll() is None, log.read_text()


def http_client(base_url: str, timeout: float = 30) -> httpx2.Client:
    """A client for the served app that ignores any proxy the environment names."""
    return httpx2.Client(base_url=base_url, timeout=timeout, trust_env=False)


def get_status(base_url: str, path: str, timeout: float = 30) -> int | None:
    """The status ``path`` answers, or None when the server does not answer at all."""
    try:
        with http_client(base_url, timeout) as client:
            return client.get(path).status_code
    except httpx2.TransportError:
        return None


@contextmanager
def service_database(server: URL, prefix: str) -> Iterator[URL]:
    """A new, empty database for a served app (not a test database: the app's own), dropped
    afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    create_database(server, name)
    try:
        yield server.set(database=name)
    finally:
        drop_database(server, name)


def migrate(rendering: Rendering, database: URL) -> None:
    """``alembic upgrade head`` in the project, as its README says, against ``database``."""
    url = database.render_as_string(hide_password=False)
    result = run_python(rendering.path, "-m", "alembic", "upgrade", "head", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr


@contextmanager
def uvicorn_server(rendering: Rendering, log: Path, **environment: str) -> Iterator[str]:
    """``uvicorn <package>.main:app`` on a socket we bound on 127.0.0.1; yields its base URL.

    The process gets the already listening socket (--fd), so no other process can take the
    port between choosing and serving it. Its output goes to ``log``.
    """
    listener = socket.create_server((LOCALHOST, 0), backlog=256)
    base_url = f"http://{LOCALHOST}:{listener.getsockname()[1]}"
    package = package_name(rendering)
    with log.open("w") as output, listener:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", f"{package}.main:app"),
                *("--fd", str(listener.fileno()), "--no-access-log", "--log-level", "warning"),
            ],
            cwd=rendering.path,
            env=child_environment(PYTHONPATH=str(rendering.path / "src"), **environment),
            stdout=output,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
        )
    try:
        wait_until_serving(process, base_url, log, what="uvicorn to answer /health/live")
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def unused_port_below_ephemeral_range() -> int:
    """A free port the kernel never hands out for outgoing connections, so it is still free
    when a proxy that released it binds it again."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(100):
        port = random.randrange(20_000, min(low, 32_000))
        with socket.socket() as probe:
            try:
                probe.bind((LOCALHOST, port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port below the ephemeral range")


class TcpProxy:
    """Forwards 127.0.0.1:port to an upstream server; its event loop runs in a thread.

    ``stop()`` is the database going away: the port refuses connections and every forwarded
    connection is reset. ``hang()`` is a database that accepts connections but never answers.
    ``start()`` (again) brings it back on the same port.
    """

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = unused_port_below_ephemeral_range()
        self.answering = True
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def start(self) -> None:
        """Forward from now on (cutting any connection a hang left open)."""
        self._run(self._close())
        self.answering = True
        self._run(self._listen())

    def stop(self) -> None:
        self._run(self._close())

    def hang(self) -> None:
        """Accept connections again, and never send a byte on them."""
        self._run(self._close())
        self.answering = False
        self._run(self._listen())

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(
            self._handle, LOCALHOST, self.port, reuse_address=True
        )

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()  # a reset, as when the server process dies
        self._writers.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        with contextlib.suppress(OSError):
            if not self.answering:
                while await reader.read(65536):
                    pass  # swallow whatever the client sends
                return
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
            self._writers.add(upstream_writer)
            await asyncio.gather(
                self._pump(reader, upstream_writer), self._pump(upstream_reader, writer)
            )
        writer.transport.abort()
        self._writers.discard(writer)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.transport.abort()
