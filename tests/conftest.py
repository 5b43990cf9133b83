"""Render the template into temporary folders, and run the tools and suites of what comes out.

Each combination of options is rendered once per run (per xdist worker) and shared by every
test that looks at it. Generated suites run as subprocesses in this environment, which holds
every dependency a generated project needs.
"""

import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

TEMPLATE = Path(__file__).parents[1]
# Renderings here skip the post-generation `uv lock`, a round trip to the package index each;
# tests/test_lock.py runs it for every combination.
os.environ["TEMPLATE_SKIP_UV_LOCK"] = "1"
QUESTIONS: dict[str, object] = json.loads((TEMPLATE / "cookiecutter.json").read_text())
# The choice questions, each with its choices in the order cookiecutter offers them.
OPTIONS = {
    key: value
    for key, value in QUESTIONS.items()
    if isinstance(value, list) and not key.startswith("_")
}
COMBINATIONS = [
    dict(zip(OPTIONS, values, strict=True)) for values in itertools.product(*OPTIONS.values())
]

# Variables a test runner leaks into its children: a generated suite must not think it is an
# xdist worker of ours, nor inherit our database settings; and with PYTHONDONTWRITEBYTECODE
# every child would compile its thousand imports again (twice the CPU of a generated run).
NOT_INHERITED = (
    "PYTHONDONTWRITEBYTECODE",
    "PYTEST_XDIST_WORKER",
    "PYTEST_XDIST_WORKER_COUNT",
    "PYTEST_XDIST_TESTRUNUID",
    "PYTEST_CURRENT_TEST",
    "PYTEST_ADDOPTS",
    "TEST_DATABASE_URL",
    "DATABASE_URL",
)


def combinations_on(database: str) -> list[dict[str, str]]:
    """The combinations whose ``database`` answer is ``database``: one per orm and api pair.
    That answer changes the service's default URL, its dependencies and its docs, not a line
    of its tests, so a suite's runs on one server need no more renderings than these."""
    return [answers for answers in COMBINATIONS if answers["database"] == database]


def combination_id(answers: dict[str, str]) -> str:
    """``sqlite`` now; one word per option, so ids read like ``sqlalchemy-async-postgresql``."""
    return "-".join(answers[option] for option in OPTIONS)


@dataclass(frozen=True)
class Rendering:
    """A rendered project and the answers that made it."""

    path: Path
    answers: dict[str, str]

    @property
    def id(self) -> str:
        return combination_id(self.answers)


def isolated_cookiecutter_config(output: Path) -> Path:
    """A cookiecutter config that keeps replay files and clones out of the user's home (and
    out of ``output``, which then holds nothing but what was generated)."""
    folder = output.with_name(f"{output.name}-cookiecutter")
    folder.mkdir(exist_ok=True)
    config = folder / "config.yaml"
    config.write_text(
        f"cookiecutters_dir: {json.dumps(str(folder / 'cookiecutters'))}\n"
        f"replay_dir: {json.dumps(str(folder / 'replay'))}\n"
    )
    return config


def render(output: Path, **answers: str) -> Rendering:
    """Render the template with ``answers`` into ``output``; a key that is no question fails."""
    unknown = set(answers) - set(QUESTIONS)
    if unknown:
        # A misspelt key would silently test the default answer instead.
        raise ValueError(f"not questions of cookiecutter.json: {sorted(unknown)}")
    output.mkdir(parents=True, exist_ok=True)
    project = cookiecutter(
        str(TEMPLATE),
        no_input=True,
        extra_context=answers,
        output_dir=str(output),
        config_file=str(isolated_cookiecutter_config(output)),
    )
    return Rendering(Path(project), answers)


# schemathesis (for tests/test_fuzz.py) registers a pytest plugin that takes longer to import
# than pytest itself; every generated suite would load it for nothing. test_fuzz.py, which needs
# it, passes PYTEST_ADDOPTS="" instead.
CHILD_PYTEST_OPTIONS = "-p no:schemathesis"


def child_environment(**variables: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return {**environment, "PYTEST_ADDOPTS": CHILD_PYTEST_OPTIONS, **variables}


def run_cookiecutter_cli(
    output: Path, *arguments: str, typed: str | None = None, template: Path = TEMPLATE
) -> subprocess.CompletedProcess[str]:
    """The cookiecutter command line on ``template``, as a user runs it: answers as key=value
    arguments with --no-input, or, given ``typed``, the questions asked and ``typed`` as what
    the user types."""
    output.mkdir(parents=True, exist_ok=True)
    config = isolated_cookiecutter_config(output)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            *(["--no-input"] if typed is None else []),
            str(template),
            *arguments,
            "--output-dir",
            str(output),
            "--config-file",
            str(config),
        ],
        env=child_environment(),
        input=typed,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_python(
    project: Path, *arguments: str, timeout: int = 900, **variables: str
) -> subprocess.CompletedProcess[str]:
    """``python <arguments>`` in ``project``, with its src/ importable."""
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=project,
        env=child_environment(PYTHONPATH=str(project / "src"), **variables),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_suite_passed(result: subprocess.CompletedProcess[str]) -> str:
    """The run exited 0 with no failure and no error; returns pytest's summary line."""
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, f"{summary}\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    assert " passed" in summary
    assert "failed" not in summary, summary
    assert "error" not in summary, summary
    return summary


@pytest.fixture(scope="session", params=COMBINATIONS, ids=combination_id)
def rendering(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Rendering:
    """Each combination of options, rendered once per run with otherwise default answers."""
    return render(tmp_path_factory.mktemp(combination_id(request.param)), **request.param)


# The tests that run generated suites on a server: the longest of this suite.
LONG_TEST_MARKERS = ("postgresql", "mysql", "load")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long tests first (otherwise in pytest's order): xdist hands them out to its workers
    first, and the short ones fill the end of the run, so no worker starts a long test while
    the other has nothing left to do."""
    items.sort(key=lambda item: not any(map(item.get_closest_marker, LONG_TEST_MARKERS)))


def server_from_environment(variable: str, example: str) -> URL:
    """The server a test group runs against; a skip (a failure in CI) without one."""
    url = os.environ.get(variable)
    if not url:
        how = f"set {variable}={example} (a user that may create databases) to run these tests"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the server tests: {how}")
        pytest.skip(how)
    return make_url(url)


@pytest.fixture(scope="session")
def default_rendering(tmp_path_factory: pytest.TempPathFactory) -> Rendering:
    """The template rendered with every default answer."""
    return render(tmp_path_factory.mktemp("default"))


@pytest.fixture
def temporary_folder() -> Iterator[Path]:
    """A TMPDIR of the run's own for an embedded PostgreSQL server (tests/embedded_server.py):
    short enough for a Unix socket path inside it, and open to every user like /tmp (as root,
    the server runs as another user)."""
    folder = Path(tempfile.mkdtemp(prefix="ep-"))
    folder.chmod(0o1777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One mypy cache for every rendering a worker checks: the libraries they share are
    analysed once (a cold run costs about 20 times a warm one), and mypy rechecks each module
    whose source differs from what the cache saw, and every module depending on it."""
    return str(tmp_path_factory.mktemp("mypy-cache"))


@pytest.fixture(scope="session")
def postgresql_server() -> URL:
    """The PostgreSQL server the PostgreSQL runs use."""
    return server_from_environment(
        "TEMPLATE_POSTGRESQL_URL", "postgresql+psycopg://user:password@127.0.0.1:5432/postgres"
    )


@pytest.fixture(scope="session")
def mysql_server() -> URL:
    """The MySQL or MariaDB server the MySQL runs use."""
    return server_from_environment(
        "TEMPLATE_MYSQL_URL", "mysql+pymysql://user:password@127.0.0.1:3306/mysql"
    )


def unique_test_database(server: URL, rendering: Rendering) -> Iterator[URL]:
    """A database name no other test uses, dropped afterwards whatever the test left."""
    name = f"{rendering.path.name}_{uuid.uuid4().hex[:8]}_test"
    yield server.set(database=name)
    drop_database(server, name)


@pytest.fixture
def test_database_url(postgresql_server: URL, rendering: Rendering) -> Iterator[URL]:
    """A fresh PostgreSQL test database name for one generated run."""
    yield from unique_test_database(postgresql_server, rendering)


@pytest.fixture
def default_test_database_url(
    postgresql_server: URL, default_rendering: Rendering
) -> Iterator[URL]:
    """A fresh PostgreSQL test database name for one run of the default rendering."""
    yield from unique_test_database(postgresql_server, default_rendering)


@pytest.fixture
def mysql_database_url(mysql_server: URL, rendering: Rendering) -> Iterator[URL]:
    """A fresh MySQL test database name for one generated run."""
    yield from unique_test_database(mysql_server, rendering)


@contextmanager
def connected(url: URL, **options: object) -> Iterator[Connection]:
    """A connection to ``url``, its engine disposed afterwards."""
    engine = create_engine(url, **options)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def database_names(server: URL) -> set[str]:
    with connected(server) as connection:
        if connection.dialect.name == "postgresql":
            return set(connection.scalars(text("SELECT datname FROM pg_database")))
        return set(inspect(connection).get_schema_names())


def row_counts(database: URL) -> dict[str, int]:
    """Rows per table in ``database``, Alembic's bookkeeping table aside."""
    with connected(database) as connection:
        quote = connection.dialect.identifier_preparer.quote
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
        return {
            table: connection.scalar(text(f"SELECT count(*) FROM {quote(table)}")) or 0
            for table in tables
        }


def create_database(server: URL, name: str) -> None:
    with connected(server, isolation_level="AUTOCOMMIT") as connection:
        quote = connection.dialect.identifier_preparer.quote
        connection.exec_driver_sql(f"CREATE DATABASE {quote(name)}")


def drop_database(server: URL, name: str) -> None:
    with connected(server, isolation_level="AUTOCOMMIT") as connection:
        quote = connection.dialect.identifier_preparer.quote
        force = " WITH (FORCE)" if connection.dialect.name == "postgresql" else ""
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quote(name)}{force}")
