"""Faults: a generated suite killed mid-run, and a served app whose database goes away.

Proves that a PostgreSQL suite run killed with SIGKILL under ``pytest -n 2`` leaves nothing
that breaks or leaks into the next run; and that a service under uvicorn, its PostgreSQL
behind a TCP proxy the test controls, keeps /health/live at 200, answers /health/ready with
503 within a bounded time while the database refuses, resets or hangs connections, hides what
went wrong from its error bodies, and answers 200 again by itself once the database is back.
The shared server is never stopped: only the proxy in front of it.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL

from tests.conftest import (
    Rendering,
    assert_suite_passed,
    child_environment,
    connected,
    create_database,
    database_names,
    drop_database,
    render,
    run_python,
)
from tests.served import (
    TcpProxy,
    http_client,
    migrate,
    service_database,
    uvicorn_server,
    wait_until,
)

# The service's DATABASE_CONNECT_TIMEOUT in these tests, and how long past it a readiness
# probe may take before it counts as hanging.
CONNECT_TIMEOUT = 2
PROBE_BOUND = CONNECT_TIMEOUT + 3
# What an error body must never show: SQL, driver and library names, tracebacks, addresses.
LEAKS = re.compile(
    r"select|insert|update|delete|sqlalchemy|psycopg|operationalerror|traceback|"
    r"connection to server|127\.0\.0\.1|5543\d|password",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    return render(tmp_path_factory.mktemp("faults"), database="postgresql")


@pytest.fixture
def killed_run_database(postgresql_server: URL) -> Iterator[URL]:
    """A test database name of our own; it and any per-worker clone are dropped afterwards."""
    stem = f"killed_{uuid.uuid4().hex[:8]}"
    yield postgresql_server.set(database=f"{stem}_test")
    for name in database_names(postgresql_server):
        if name.startswith(f"{stem}_"):
            drop_database(postgresql_server, name)


def passed_count(log: Path) -> int:
    return log.read_text().count(" PASSED ")


def worker_clones(server: URL, database: URL) -> set[str]:
    """The per-worker copies (``<stem>_gwN_<run>_test``) of ``database`` on the server."""
    stem = (database.database or "").removesuffix("_test")
    clone = re.compile(rf"{re.escape(stem)}_gw\d+_[0-9a-f]{{8}}_test")
    return {name for name in database_names(server) if clone.fullmatch(name)}


def sessions_on(server: URL, database: URL) -> int:
    """Sessions on ``database`` or any of its per-worker copies."""
    stem = (database.database or "").removesuffix("_test")
    with connected(server) as connection:
        query = text("SELECT count(*) FROM pg_stat_activity WHERE datname LIKE :names")
        return int(connection.scalar(query, {"names": f"{stem}%"}) or 0)


@pytest.mark.postgresql
def test_suite_killed_mid_run_leaves_nothing_behind(
    project: Rendering, postgresql_server: URL, killed_run_database: URL, tmp_path: Path
) -> None:
    """SIGKILL to the whole -n 2 run after some tests passed; the next run reclaims the test
    database and the clones the killed run made (the suite's own, their run over), passes,
    and leaves nothing of them; a look-alike database the suite did not make stays."""
    url = killed_run_database.render_as_string(hide_password=False)
    log = tmp_path / "killed-run.log"
    with log.open("w") as output:
        run = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-n", "2", "-v", "-p", "no:randomly"],
            cwd=project.path,
            env=child_environment(PYTHONPATH=str(project.path / "src"), TEST_DATABASE_URL=url),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(lambda: passed_count(log) >= 5, timeout=120, what="five tests to pass")
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
    assert run.returncode == -signal.SIGKILL
    assert "passed" not in log.read_text().splitlines()[-1], "the run ended before the kill"
    assert worker_clones(postgresql_server, killed_run_database), "no clone to clean up"
    # The next run comes after the server has noticed: a backend outlives its killed client
    # by a moment, and until then the killed run's lock says it is alive.
    wait_until(
        lambda: sessions_on(postgresql_server, killed_run_database) == 0,
        timeout=30,
        what="the killed run's sessions to end",
    )
    look_alike = f"{killed_run_database.database.removesuffix('_test')}_gw7_0123abcd_test"
    create_database(postgresql_server, look_alike)

    # A few tests are enough: the reclaiming is done before the first.
    next_run = run_python(
        project.path, "-m", "pytest", "-n", "2", "tests/test_teams_api.py", TEST_DATABASE_URL=url
    )

    assert_suite_passed(next_run)
    names = database_names(postgresql_server)
    assert killed_run_database.database not in names
    assert worker_clones(postgresql_server, killed_run_database) == {look_alike}


@pytest.fixture(scope="module")
def served(
    project: Rendering, postgresql_server: URL, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, TcpProxy, Path]]:
    """The service under uvicorn on a migrated database it reaches only through a proxy;
    yields its base URL, the proxy, and the server's log."""
    log = tmp_path_factory.mktemp("faults-log") / "uvicorn.log"
    with service_database(postgresql_server, "faults") as database:
        migrate(project, database)
        proxy = TcpProxy(postgresql_server.host or "127.0.0.1", postgresql_server.port or 5432)
        proxy.start()
        proxied = database.set(host="127.0.0.1", port=proxy.port)
        try:
            with uvicorn_server(
                project,
                log,
                DATABASE_URL=proxied.render_as_string(hide_password=False),
                DATABASE_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
            ) as base_url:
                yield base_url, proxy, log
        finally:
            proxy.close()


@pytest.fixture
def proxied_service(served: tuple[str, TcpProxy, Path]) -> tuple[str, TcpProxy, Path]:
    """The shared service, its proxy forwarding again and the service ready, as each test
    expects to find it."""
    base_url, proxy, _log = served
    proxy.start()
    assert_recovers(base_url)
    return served


def timed_get(base_url: str, path: str) -> tuple[int, str, float]:
    """Status, body and seconds taken by one GET (the client gives up after a minute)."""
    started = time.monotonic()
    with http_client(base_url, timeout=60) as client:
        response = client.get(path)
    return response.status_code, response.text, time.monotonic() - started


def assert_not_ready_in_time(base_url: str) -> None:
    """Three probes in a row: each a 503 with the short reason, each within PROBE_BOUND;
    /health/live stays 200 meanwhile."""
    for _ in range(3):
        status, body, seconds = timed_get(base_url, "/health/ready")
        assert (status, body) == (503, '{"detail":"database unavailable"}')
        assert seconds < PROBE_BOUND, f"/health/ready took {seconds:.1f}s"
        assert timed_get(base_url, "/health/live")[:2] == (200, '{"status":"ok"}')


def assert_recovers(base_url: str) -> None:
    """Without a restart, /health/ready answers 200 again within a few probes."""
    wait_until(
        lambda: timed_get(base_url, "/health/ready")[0] == 200,
        timeout=PROBE_BOUND * 3,
        what="/health/ready to answer 200 again",
    )


@pytest.mark.postgresql
def test_ready_follows_the_database_going_away_and_back(
    proxied_service: tuple[str, TcpProxy, Path],
) -> None:
    """Refused and reset connections: 503 quickly, live stays 200, then 200 again unaided."""
    base_url, proxy, _log = proxied_service
    assert timed_get(base_url, "/health/ready")[:2] == (200, '{"status":"ok"}')
    assert timed_get(base_url, "/health/live")[:2] == (200, '{"status":"ok"}')

    proxy.stop()
    assert_not_ready_in_time(base_url)

    proxy.start()
    assert_recovers(base_url)


@pytest.mark.postgresql
def test_ready_is_bounded_when_the_database_hangs(
    proxied_service: tuple[str, TcpProxy, Path],
) -> None:
    """A database that accepts connections and never answers: 503 within the connect timeout,
    never a hanging probe; 200 again once it answers."""
    base_url, proxy, _log = proxied_service
    assert timed_get(base_url, "/health/ready")[0] == 200

    proxy.hang()
    assert_not_ready_in_time(base_url)

    proxy.start()
    assert_recovers(base_url)


@pytest.mark.postgresql
def test_error_bodies_hide_the_database_failure(
    proxied_service: tuple[str, TcpProxy, Path],
) -> None:
    """With the database gone, a data endpoint fails with a generic body: no SQL, no driver
    message, no address; the log has the details instead."""
    base_url, proxy, log = proxied_service
    proxy.stop()

    status, body, _seconds = timed_get(base_url, "/teams")

    assert status == 500
    # The request id is random hex, which could spell a port number: it is not the error's.
    assert not LEAKS.search(re.sub(r'"request_id":\s*"[^"]*"', "", body)), body
    wait_until(lambda: "OperationalError" in log.read_text(), timeout=10, what="a logged error")
