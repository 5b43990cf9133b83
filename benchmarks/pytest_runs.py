"""One run of pytest in the rendered project, and what it measured."""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from measuring_plugin import MAIN_PROCESS, RESULTS_FOLDER_VARIABLE, ProcessMeasurements
from sqlalchemy.engine import URL

BENCHMARKS = Path(__file__).parent
# Where the runs keep their compiled imports, from one command to the next: not in the
# environment's own folders, which other work shares.
COMPILED_IMPORTS = Path(tempfile.gettempdir()) / "isolation-benchmark-pycache"
# The plugins a generated project's own environment loads (pytest-randomly comes from its
# addopts; pytest-split divides the suite into its CI's shards). Autoloading is off, so
# plugins that only this repository's environment holds (hypothesis, schemathesis, ...) cannot
# add their cost to the figures.
GENERATED_PROJECT_PLUGINS = ("xdist", "faker", "anyio", "pytest_split.plugin")
# What the suite's tests ask for to get their database: these fixtures and the function-scoped
# ones they need are a strategy's isolation. Autouse fixtures (seeding fake data, logging SQL)
# run whatever the strategy, and are not counted.
ISOLATION_ROOTS = ("session", "client")
# Set below, or (PYTHONDONTWRITEBYTECODE) would make every run compile every import again.
NOT_INHERITED = ("TEST_DATABASE_URL", "DATABASE_URL", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")


@dataclass(frozen=True)
class RunResult:
    """What one pytest process (and its xdist workers, if any) measured."""

    passed: bool
    output: str
    wall_seconds: float
    # the function-scoped fixtures that make up the strategy's isolation
    isolation_fixtures: frozenset[str]
    # per test, seconds of setup plus teardown of its isolation fixtures
    overhead_seconds: list[float]
    # fixture name -> seconds of setup plus teardown, one entry per test that used it
    fixture_seconds: dict[str, list[float]]
    loop_seconds: float
    once_seconds: float
    # CPU spent by the pytest processes: the main one (the xdist controller) and any workers
    cpu_seconds: float
    # table -> rows left after the run, summed over the processes; None if a check did not run
    leaked_rows: dict[str, int] | None

    @property
    def verified(self) -> bool:
        """The tests passed, every table was counted, and every count was zero."""
        counted = self.leaked_rows is not None and bool(self.leaked_rows)
        return self.passed and counted and not any((self.leaked_rows or {}).values())

    @property
    def tests_run(self) -> int:
        """Every test of the benchmark's suites uses a project fixture (the conftest's autouse
        ones, at least), so each has one entry of overhead."""
        return len(self.overhead_seconds)


def run_pytest(
    project: Path, tests: Path, database_url: URL, workers: int = 0, options: Sequence[str] = ()
) -> RunResult:
    """Run the tests in ``tests`` under the measuring plugin, on ``database_url``, with
    pytest's command-line ``options`` added."""
    with tempfile.TemporaryDirectory() as results_folder:
        started = time.perf_counter()
        completed = subprocess.run(
            [*pytest_command(tests, workers), *options],
            cwd=project,
            env=run_environment(project, database_url, Path(results_folder)),
            capture_output=True,
            text=True,
            check=False,
        )
        wall_seconds = time.perf_counter() - started
        measurements = {
            path.stem: ProcessMeasurements(**json.loads(path.read_text()))
            for path in Path(results_folder).glob("*.json")
        }
    return summarize(completed, wall_seconds, measurements)


def pytest_command(tests: Path, workers: int) -> list[str]:
    plugins = [argument for name in GENERATED_PROJECT_PLUGINS for argument in ("-p", name)]
    parallel = ["-n", str(workers)] if workers else []
    return [
        sys.executable,
        "-m",
        "pytest",
        str(tests),
        *plugins,
        "-p",
        "measuring_plugin",
        "-p",
        "no:cacheprovider",
        "--randomly-seed=1",
        "-q",
        *parallel,
    ]


def run_environment(project: Path, database_url: URL, results_folder: Path) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in NOT_INHERITED and not name.startswith("PYTEST_")
    }
    return {
        **inherited,
        "PYTHONPATH": os.pathsep.join((str(project / "src"), str(BENCHMARKS))),
        "PYTHONPYCACHEPREFIX": str(COMPILED_IMPORTS),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "TEST_DATABASE_URL": database_url.render_as_string(hide_password=False),
        RESULTS_FOLDER_VARIABLE: str(results_folder),
    }


def summarize(
    completed: subprocess.CompletedProcess[str],
    wall_seconds: float,
    measurements: dict[str, ProcessMeasurements],
) -> RunResult:
    main = measurements.get(MAIN_PROCESS, ProcessMeasurements())
    per_test = [
        per_fixture
        for process in measurements.values()
        for per_fixture in process.fixture_seconds.values()
    ]
    dependencies = {
        name: requested
        for process in measurements.values()
        for name, requested in process.fixture_dependencies.items()
    }
    isolation = needed_by(ISOLATION_ROOTS, dependencies)
    return RunResult(
        passed=completed.returncode == 0,
        output=completed.stdout[-3000:] + completed.stderr[-3000:],
        wall_seconds=wall_seconds,
        isolation_fixtures=isolation,
        overhead_seconds=[
            sum(seconds for name, seconds in per_fixture.items() if name in isolation)
            for per_fixture in per_test
        ],
        fixture_seconds=by_fixture(per_test),
        loop_seconds=main.loop_seconds,
        once_seconds=main.once_seconds,
        cpu_seconds=sum(process.cpu_seconds for process in measurements.values()),
        leaked_rows=leaked_rows(measurements.values()),
    )


def needed_by(roots: tuple[str, ...], dependencies: dict[str, list[str]]) -> frozenset[str]:
    """``roots`` and every function-scoped project fixture they request, directly or not."""
    needed: set[str] = set()
    waiting = [root for root in roots if root in dependencies]
    while waiting:
        name = waiting.pop()
        needed.add(name)
        waiting += [n for n in dependencies[name] if n in dependencies and n not in needed]
    return frozenset(needed)


def by_fixture(per_test: list[dict[str, float]]) -> dict[str, list[float]]:
    samples: defaultdict[str, list[float]] = defaultdict(list)
    for per_fixture in per_test:
        for name, seconds in per_fixture.items():
            samples[name].append(seconds)
    return dict(samples)


def leaked_rows(measurements: Iterable[ProcessMeasurements]) -> dict[str, int] | None:
    """Rows left per table over every process that ran tests; None if one did not count."""
    ran_tests = [process for process in measurements if process.fixture_seconds]
    if not ran_tests or any(process.leaked_rows is None for process in ran_tests):
        return None
    totals: defaultdict[str, int] = defaultdict(int)
    for process in ran_tests:
        for table, rows in (process.leaked_rows or {}).items():
            totals[table] += rows
    return dict(totals)
