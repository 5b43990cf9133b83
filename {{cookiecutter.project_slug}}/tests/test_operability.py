{%- set is_async = cookiecutter.api == "async" -%}
{%- set async_, await_ = ("async ", "await ") if is_async else ("", "") -%}
{%- set Client = "AsyncClient" if is_async else "TestClient" -%}
"""Request ids, logging from the settings, and the JSON 500 of an unhandled error."""

import io
import json
import logging
import threading
import time
from collections.abc import {{ "AsyncIterator, " if is_async }}Callable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import uuid4

import httpx2
import pytest
import uvicorn
from fastapi import FastAPI
{%- if is_async %}
from httpx2 import ASGITransport, AsyncClient
{%- else %}
from fastapi.testclient import TestClient
{%- endif %}

from {{ cookiecutter.package_name }}.db import (
    get_session_factory,
)
from {{ cookiecutter.package_name }}.logs import (
    configure_logging,
)
from {{ cookiecutter.package_name }}.main import (
    create_app,
)
from {{ cookiecutter.package_name }}.settings import (
    LogFormat,
    Settings,
)

from conftest import BASE_URL

SECRET = "password=hunter2"  # what an error message may hold, and no response may show
logger = logging.getLogger(__name__)


def fail_with_a_secret() -> None:
    """Stands in for the session dependency: logs on the way, then fails as a bug would."""
    logger.info("about to fail")
    logger.debug("below LOG_LEVEL=INFO")
    raise RuntimeError(SECRET)


@pytest.fixture
{%- if is_async %}
async def failing_client(app: FastAPI, client: AsyncClient) -> AsyncIterator[AsyncClient]:
{%- else %}
def failing_client(app: FastAPI, client: TestClient) -> TestClient:
{%- endif %}
    """Every route that needs a session fails; the client gets the 500 a real one would (the
    default client re-raises the app's error instead). ``client`` undoes the override."""
    app.dependency_overrides[get_session_factory] = fail_with_a_secret
{%- if is_async %}
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url=BASE_URL) as failing:
        yield failing
{%- else %}
    return TestClient(app, base_url=BASE_URL, raise_server_exceptions=False)
{%- endif %}


@pytest.fixture
def logs(app: FastAPI) -> Iterator[Callable[[LogFormat], io.StringIO]]:
    """Logging configured from Settings(LOG_LEVEL=info, LOG_FORMAT=...) into a buffer; the
    app's own configuration is put back after the test."""

    def configure(log_format: LogFormat) -> io.StringIO:
        stream = io.StringIO()
        configure_logging(Settings(log_level="info", log_format=log_format), stream)
        return stream

    yield configure
    configure_logging(app.state.settings)


def app_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    """The JSON lines the app wrote: not the client's own line about the response it got."""
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in lines if not line["name"].startswith("httpx")]


{{ async_ }}def test_a_request_id_sent_is_echoed(client: {{ Client }}) -> None:
    """A UUID sent as X-Request-ID comes back as the response's X-Request-ID."""
    request_id = str(uuid4())
    response = {{ await_ }}client.get("/health/live", headers={"X-Request-ID": request_id})
    assert response.headers["X-Request-ID"] == request_id


@pytest.mark.parametrize("sent", [{}, {"X-Request-ID": "not a uuid\tfake log text"}])
{{ async_ }}def test_a_request_id_is_made_unless_a_uuid_is_sent(
    client: {{ Client }}, sent: dict[str, str]
) -> None:
    """Without an X-Request-ID, or with one that is no UUID, the response carries a new id."""
    response = {{ await_ }}client.get("/health/live", headers=sent)
    assert len(response.headers["X-Request-ID"]) == 32
    assert response.headers["X-Request-ID"] != sent.get("X-Request-ID")


{{ async_ }}def test_every_json_log_line_of_a_request_carries_its_id(
    failing_client: {{ Client }}, logs: Callable[[LogFormat], io.StringIO]
) -> None:
    """LOG_FORMAT=json writes one JSON object per line, each with the request's id, and
    LOG_LEVEL=info leaves out the DEBUG line."""
    stream = logs("json")
    request_id = str(uuid4())
    {{ await_ }}failing_client.get("/teams", headers={"X-Request-ID": request_id})

    lines = app_lines(stream)
    assert [line["message"] for line in lines] == [
        "about to fail",
        "Unhandled error answering GET /teams",
    ]
    assert {line["request_id"] for line in lines} == {request_id}


{{ async_ }}def test_plain_log_lines_carry_the_request_id(
    failing_client: {{ Client }}, logs: Callable[[LogFormat], io.StringIO]
) -> None:
    """LOG_FORMAT=plain writes lines for people, the request id in brackets."""
    stream = logs("plain")
    request_id = str(uuid4())
    {{ await_ }}failing_client.get("/teams", headers={"X-Request-ID": request_id})

    first_line = stream.getvalue().splitlines()[0]
    assert first_line.endswith(f" INFO [{request_id}] {__name__}: about to fail")


{{ async_ }}def test_an_unhandled_error_answers_a_json_500_naming_only_the_request(
    failing_client: {{ Client }},
) -> None:
    """The 500 is JSON with the request id, in its body and header, and nothing of the error."""
    request_id = str(uuid4())
    response = {{ await_ }}failing_client.get("/teams", headers={"X-Request-ID": request_id})

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error", "request_id": request_id}
    assert response.headers["X-Request-ID"] == request_id
    assert SECRET not in response.text
    assert "RuntimeError" not in response.text


{{ async_ }}def test_an_unhandled_error_is_logged_with_its_traceback(
    failing_client: {{ Client }}, logs: Callable[[LogFormat], io.StringIO]
) -> None:
    """The log keeps what the response hides: the traceback, down to the failing line."""
    stream = logs("json")
    {{ await_ }}failing_client.get("/teams")

    [error] = [line for line in app_lines(stream) if line["level"] == "ERROR"]
    assert "Traceback" in error["exc_info"]
    assert f"RuntimeError: {SECRET}" in error["exc_info"]
    assert "fail_with_a_secret" in error["exc_info"]


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn (with its own logging configuration, as on the command line)
    in a thread on a free local port; the block gets its URL, and every line is logged by the
    time the block ends."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0))
    thread = threading.Thread(target=server.run)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert server.started, "uvicorn did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


def test_under_uvicorn_access_lines_carry_the_request_id_and_errors_are_logged_once(
    logs: Callable[[LogFormat], io.StringIO],
) -> None:
    """Served by uvicorn, the access line has the request id too, and the traceback of an
    unhandled error is written once: uvicorn's own report of it is left out."""
    app = create_app()
    app.dependency_overrides[get_session_factory] = fail_with_a_secret
    request_id = str(uuid4())
    with served(app) as url:
        stream = logs("json")  # after the app's start-up, which configures logging its own way
        response = httpx2.get(f"{url}/teams", headers={"X-Request-ID": request_id}, trust_env=False)

    assert response.json()["request_id"] == request_id
    lines = app_lines(stream)
    [access] = [line for line in lines if line["name"] == "uvicorn.access"]
    assert access["request_id"] == request_id
    assert '"GET /teams HTTP/1.1" 500' in access["message"]
    assert [line["message"] for line in lines if "exc_info" in line] == [
        "Unhandled error answering GET /teams"
    ]
