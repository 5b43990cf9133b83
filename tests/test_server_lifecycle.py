"""The generated suite's databases on a server, through failures: clean lines, clean state.

Two ``pytest -n`` runs on one TEST_DATABASE_URL at the same time both pass, and leave
nothing behind (a killed run's leftovers included), on PostgreSQL and on MariaDB. A server
lost in the middle of a run (its connections reset, new ones refused, by a TCP proxy in front
of the real server) shows the tests' own failures and pytest's summary, then the cause once.
A setup that cannot work stops with one ``ERROR:`` line that says why: a refused user (or a
wrong password) is not an unreachable server, a password with reserved characters gets the
hint to percent-encode it (and is never printed), a driver that is not installed is named, and
a failed migration drops the database the run had just created. A probe test, added to the
rendering, holds a run at a known point until the template's test lets it go.
"""

import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
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
from tests.served import TcpProxy, unused_port_below_ephemeral_range, wait_until

USAGE_ERROR = 4  # pytest.ExitCode.USAGE_ERROR
TESTS_FAILED = 1  # pytest.ExitCode.TESTS_FAILED
PROBE = '''"""Holds the run until the template's test lets it go, then reads its database."""

import os
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from database_isolation.servers import sync_driver


def test_probe(database_url: URL) -> None:
    Path(os.environ["PROBE_STARTED"]).touch()
    deadline = time.monotonic() + 120
    while not Path(os.environ["PROBE_RELEASE"]).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    engine = create_engine(sync_driver(database_url))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM team")).scalar() == 0
    engine.dispose()
'''
# One worker is enough to have a clone per worker, and costs one process less than two.
RUN_OPTIONS = ["-m", "pytest", "-n", "1", "-p", "no:randomly"]
PROBED_RUN = [*RUN_OPTIONS, "tests/test_lifecycle_probe.py", "tests/test_teams_api.py"]
BROKEN_MIGRATION = """revision = "0099"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from alembic import op

    op.execute("SELECT * FROM no_such_table")
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    """The default rendering, with the probe test added."""
    rendering = render(tmp_path_factory.mktemp("lifecycle"))
    (rendering.path / "tests" / "test_lifecycle_probe.py").write_text(PROBE)
    return rendering


def leftovers(server: URL, stem: str) -> set[str]:
    return {name for name in database_names(server) if name.startswith(stem)}


def database_of_our_own(server: URL) -> Iterator[URL]:
    """A test database name of our own; anything named after it is dropped afterwards."""
    stem = f"lifecycle_{uuid.uuid4().hex[:8]}"
    yield server.set(database=f"{stem}_test")
    for name in leftovers(server, stem):
        drop_database(server, name)


@pytest.fixture
def run_database(postgresql_server: URL) -> Iterator[URL]:
    """A PostgreSQL test database name of our own."""
    yield from database_of_our_own(postgresql_server)


@pytest.fixture
def server(request: pytest.FixtureRequest) -> URL:
    """The server fixture the test is parametrized with (indirectly)."""
    url: URL = request.getfixturevalue(request.param)
    return url


@pytest.fixture
def database_on_server(server: URL) -> Iterator[URL]:
    """A test database name of our own on ``server``."""
    yield from database_of_our_own(server)


def plant_a_killed_runs_database(server: URL, database: URL) -> None:
    """What a run killed during its start-of-run check leaves: its scratch database, tagged as
    the suite's own (as servers.py tags what it creates) by a run that is over."""
    name = f"{str(database.database).removesuffix('_test')}_gw_deadbeef_test"
    create_database(server, name)
    tag = "'made by the test suite (tests/database_isolation), run deadbeef'"
    with connected(server, isolation_level="AUTOCOMMIT") as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f'COMMENT ON DATABASE "{name}" IS {tag}')
        else:
            connection.exec_driver_sql(f"ALTER DATABASE `{name}` COMMENT {tag}")


def url_text(url: URL) -> str:
    return url.render_as_string(hide_password=False)


class ProbedRun:
    """A ``pytest -n 1`` run of the probe, then the team tests, held at the probe."""

    def __init__(self, project: Rendering, url: URL, folder: Path) -> None:
        self.started, self.release = folder / "started", folder / "release"
        self.process = subprocess.Popen(
            [sys.executable, *PROBED_RUN],
            cwd=project.path,
            env=child_environment(
                PYTHONPATH=str(project.path / "src"),
                TEST_DATABASE_URL=url_text(url),
                PROBE_STARTED=str(self.started),
                PROBE_RELEASE=str(self.release),
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_for_the_probe(self) -> None:
        wait_until(self.started.exists, timeout=120, what="the probe test to start")

    def finish(self) -> subprocess.CompletedProcess[str]:
        """Let the probe go; the run's result once it ends."""
        self.release.touch()
        output, _ = self.process.communicate(timeout=180)
        return subprocess.CompletedProcess(self.process.args, self.process.returncode, output, "")


@pytest.mark.parametrize(
    "server",
    [
        pytest.param("postgresql_server", marks=pytest.mark.postgresql),
        pytest.param("mysql_server", marks=pytest.mark.mysql),
    ],
    indirect=True,
)
def test_two_runs_on_one_server_leave_each_other_alone(
    project: Rendering, server: URL, database_on_server: URL, tmp_path: Path
) -> None:
    """A second -n run, started and finished while the first is mid-run on the same
    TEST_DATABASE_URL, passes; so does the first, in its own clones; nothing is left, not even
    the database a killed run left (the first run reclaims it)."""
    plant_a_killed_runs_database(server, database_on_server)
    first = ProbedRun(project, database_on_server, tmp_path)
    first.wait_for_the_probe()

    second = run_python(
        project.path,
        *RUN_OPTIONS,
        "tests/test_teams_api.py",
        TEST_DATABASE_URL=url_text(database_on_server),
    )

    assert_suite_passed(second)
    assert_suite_passed(first.finish())
    assert leftovers(server, str(database_on_server.database).removesuffix("_test")) == set()


@pytest.mark.postgresql
def test_a_server_lost_mid_run_shows_the_tests_failures_and_the_cause_once(
    project: Rendering, postgresql_server: URL, run_database: URL, tmp_path: Path
) -> None:
    """The server goes away while the probe waits: the probe fails with its own error,
    pytest's summary counts it, no INTERNALERROR, and the clean-up's cause is one line."""
    proxy = TcpProxy(postgresql_server.host or "127.0.0.1", postgresql_server.port or 5432)
    proxy.start()
    try:
        run = ProbedRun(project, run_database.set(host="127.0.0.1", port=proxy.port), tmp_path)
        run.wait_for_the_probe()
        proxy.stop()
        result = run.finish()
    finally:
        proxy.close()

    output = result.stdout
    summary = output.strip().splitlines()[-1]
    assert result.returncode == TESTS_FAILED, output
    assert "INTERNALERROR" not in output
    assert "FAILED tests/test_lifecycle_probe.py::test_probe" in output
    assert " failed" in summary, summary
    assert output.count("could not finish the run's database work") == 1
    assert f":{run_database.password}@" not in output


def setup_failure(project: Rendering, url: str) -> str:
    """A run that must stop at setup with one ERROR line; returns that line."""
    result = run_python(project.path, "-m", "pytest", TEST_DATABASE_URL=url)
    output = result.stdout + result.stderr
    assert result.returncode == USAGE_ERROR, output
    assert "Traceback" not in output
    assert "INTERNALERROR" not in output
    errors = [line for line in output.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1, output
    return errors[0]


@pytest.mark.parametrize(
    ("server", "listening", "user"),
    [
        pytest.param(
            "postgresql_server", True, "nobody_here", marks=pytest.mark.postgresql, id="pg-refused"
        ),
        # The server's own user with a wrong password (the PostgreSQL servers trust local users).
        pytest.param(
            "mysql_server", True, None, marks=pytest.mark.mysql, id="mysql-wrong-password"
        ),
        pytest.param(
            "postgresql_server",
            False,
            "nobody_here",
            marks=pytest.mark.postgresql,
            id="unreachable",
        ),
    ],
)
def test_a_refused_user_is_not_an_unreachable_server(
    project: Rendering,
    request: pytest.FixtureRequest,
    server: str,
    listening: bool,
    user: str | None,
) -> None:
    """A user the server does not know, or its own user with a wrong password: the server
    refused that user (it was reached). A port nobody listens on: the server cannot be
    reached. The password shows in neither."""
    server_url: URL = request.getfixturevalue(server)
    stranger = server_url.set(username=user or server_url.username, password="s3cret")
    stranger = stranger.set(database="x_test")
    if not listening:
        stranger = stranger.set(port=unused_port_below_ephemeral_range())

    error = setup_failure(project, url_text(stranger))

    where = f"the server at {stranger.host}:{stranger.port}"
    if listening:
        assert error.startswith(f"ERROR: {where} refused user {stranger.username!r}"), error
    else:
        assert error.startswith(f"ERROR: cannot reach {where}"), error
        assert "compose" not in error  # a service name the repo may not have
    assert "s3cret" not in error


@pytest.mark.parametrize(
    ("password", "secret_parts"),
    [
        pytest.param("pa@ss", ["pa@ss", "ss@"], id="at"),
        pytest.param("ab@cd:ef", ["ab@cd", "cd:ef", "ef@"], id="at-and-colon"),
    ],
)
def test_a_password_with_reserved_characters_gets_the_percent_encoding_hint(
    project: Rendering, password: str, secret_parts: list[str]
) -> None:
    """A raw @ (alone, or with a :) in the password: one line saying to percent-encode it,
    and no part of the password printed."""
    url = f"postgresql+psycopg://app:{password}@127.0.0.1:5432/app_test"

    error = setup_failure(project, url)

    assert "percent-encode it" in error
    for part in secret_parts:
        assert part not in error


@pytest.mark.parametrize(
    ("url", "said"),
    [
        pytest.param(
            "postgresql+psycopg2://app:s3cret@127.0.0.1:5432/app_test",
            "names the driver 'postgresql+psycopg2', which is not installed here",
            id="driver-not-installed",
        ),
        pytest.param(
            "postgresql+pscyopg://app:s3cret@127.0.0.1:5432/app_test",
            "names the driver 'postgresql+pscyopg', which is not installed here",
            id="misspelt-driver",
        ),
        pytest.param(
            "postgres://app:s3cret@127.0.0.1:5432/app_test",
            "starts with 'postgres': the tests run on sqlite://",
            id="unknown-database",
        ),
    ],
)
def test_a_driver_or_database_the_suite_cannot_use_is_named_in_one_line(
    project: Rendering, url: str, said: str
) -> None:
    """A driver that is not installed, or misspelt, is not run on another one in its stead,
    and a database name SQLAlchemy does not know is not a traceback: one line names it."""
    error = setup_failure(project, url)

    assert said in error
    assert "s3cret" not in error


@pytest.mark.parametrize(
    "server",
    [
        pytest.param("postgresql_server", marks=pytest.mark.postgresql),
        pytest.param("mysql_server", marks=pytest.mark.mysql),
    ],
)
def test_a_failed_migration_drops_the_database_the_run_created(
    project: Rendering, request: pytest.FixtureRequest, server: str, tmp_path: Path
) -> None:
    """A migration that fails at session start: one line naming the database and the error,
    and the database this run had just created is gone."""
    broken = Path(shutil.copytree(project.path, tmp_path / "broken"))
    (broken / "migrations" / "versions" / "0099_broken.py").write_text(BROKEN_MIGRATION)
    server_url: URL = request.getfixturevalue(server)
    name = f"broken_{uuid.uuid4().hex[:8]}_test"
    try:
        error = setup_failure(
            Rendering(broken, project.answers), url_text(server_url.set(database=name))
        )
        left_behind = name in database_names(server_url)
    finally:
        drop_database(server_url, name)

    assert error.startswith(f"ERROR: the migrations failed on database {name!r}"), error
    assert "dropped it again" in error
    assert "no_such_table" in error
    assert not left_behind
