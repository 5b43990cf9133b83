"""A pytest plugin, loaded with ``-p measuring_plugin`` into every run of run.py.

It measures inside the pytest process, so interpreter start-up, imports and collection never
blur the figures: how long each fixture's setup and teardown take (per test for function-scoped
fixtures, in one sum for the rest), how long the test loop takes, how much CPU the process
spent, and, once the last test has finished, how many rows each table holds, counted from a
connection of its own. Each process (each xdist worker) writes what it measured to a JSON file
in $ISOLATION_BENCHMARK_RESULTS.
"""

import json
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from inspect import unwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine, NullPool, create_engine, func, inspect, select, table
from sqlalchemy.engine import URL

RESULTS_FOLDER_VARIABLE = "ISOLATION_BENCHMARK_RESULTS"
# run.py runs pytest in the rendered project: its tests/ holds conftest.py and the
# database_isolation/ modules that conftest.py loads as plugins.
PROJECT_TESTS = Path.cwd().resolve() / "tests"
MAIN_PROCESS = "main"  # the file name of a run without xdist, or of the xdist controller


@dataclass
class ProcessMeasurements:
    """What one pytest process measured; run.py reads it back from its JSON file."""

    # test node id -> fixture of the project's conftests -> seconds of setup plus teardown
    fixture_seconds: dict[str, dict[str, float]] = field(default_factory=dict)
    # fixture of the project's conftests -> the fixtures it requests
    fixture_dependencies: dict[str, list[str]] = field(default_factory=dict)
    # setup plus teardown of every session-, package- and module-scoped fixture
    once_seconds: float = 0.0
    loop_seconds: float = 0.0
    # user plus system CPU of the process (all its threads), from start-up to the session's end
    cpu_seconds: float = 0.0
    # table -> rows after the run; None if the check never ran (no tests, or it failed)
    leaked_rows: dict[str, int] | None = None


MEASUREMENTS = ProcessMeasurements()
_teardown_started: dict[int, float] = {}


def record(fixturedef: pytest.FixtureDef[object], test_id: str, seconds: float) -> None:
    """Per test for the project's function-scoped fixtures; once-per-run costs in one sum.

    A fixture of an installed plugin (pytest-randomly's faker_seed, say) is no part of the
    project's isolation, whatever the strategy, and is not counted per test.
    """
    if fixturedef.scope == "function":
        if not is_the_projects(fixturedef):
            return
        MEASUREMENTS.fixture_dependencies[fixturedef.argname] = list(fixturedef.argnames)
        per_fixture = MEASUREMENTS.fixture_seconds.setdefault(test_id, {})
        per_fixture[fixturedef.argname] = per_fixture.get(fixturedef.argname, 0.0) + seconds
    else:
        MEASUREMENTS.once_seconds += seconds


def is_the_projects(fixturedef: pytest.FixtureDef[object]) -> bool:
    """Defined in a conftest, or in a module of the project's tests/ that one loads as a plugin
    (which pytest gives no base id)."""
    source = Path(unwrap(fixturedef.func).__code__.co_filename).resolve()
    return bool(fixturedef.baseid) or source.is_relative_to(PROJECT_TESTS)


def start_teardown_clock(fixturedef: pytest.FixtureDef[object]) -> None:
    _teardown_started[id(fixturedef)] = time.perf_counter()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest
) -> Iterator[None]:
    """Time the setup; then register the clock that starts the teardown.

    Finalizers run last-registered first, so this one runs just before the fixture's own
    teardown (registered during setup), and pytest_fixture_post_finalizer runs just after it.
    """
    started = time.perf_counter()
    try:
        return (yield)
    finally:
        record(fixturedef, request.node.nodeid, time.perf_counter() - started)
        fixturedef.addfinalizer(partial(start_teardown_clock, fixturedef))


def pytest_fixture_post_finalizer(
    fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest
) -> None:
    started = _teardown_started.pop(id(fixturedef), None)
    if started is not None:
        record(fixturedef, request.node.nodeid, time.perf_counter() - started)


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session: pytest.Session) -> Iterator[None]:
    started = time.perf_counter()
    try:
        return (yield)
    finally:
        MEASUREMENTS.loop_seconds = time.perf_counter() - started


@pytest.fixture(scope="session", autouse=True)
def rows_left_behind(database_url: URL, engine: Engine) -> Iterator[None]:
    """After the last test, count the rows of every table.

    Requesting ``engine`` keeps the test engine open until the count is done: an in-memory
    SQLite database (run.py shares it through a named shared cache) lives as long as one of
    its connections does.
    """
    yield
    MEASUREMENTS.leaked_rows = count_rows(database_url)


def count_rows(url: URL) -> dict[str, int]:
    """Rows per table, Alembic's bookkeeping aside, seen from a new connection of our own:
    only what was really committed."""
    independent_engine = create_engine(url, poolclass=NullPool)
    try:
        with independent_engine.connect() as connection:
            names = sorted(set(inspect(connection).get_table_names()) - {"alembic_version"})
            count = select(func.count())
            return {name: connection.scalar(count.select_from(table(name))) or 0 for name in names}
    finally:
        independent_engine.dispose()


def pytest_sessionfinish(session: pytest.Session) -> None:
    MEASUREMENTS.cpu_seconds = time.process_time()
    process = os.environ.get("PYTEST_XDIST_WORKER", MAIN_PROCESS)
    results_file = Path(os.environ[RESULTS_FOLDER_VARIABLE]) / f"{process}.json"
    results_file.write_text(json.dumps(asdict(MEASUREMENTS)))
