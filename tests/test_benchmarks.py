"""benchmarks/run.py, at a small size: every strategy leaves every table empty, and the
generated conftest's isolation costs the least of strategies 1 to 5."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import TEMPLATE, child_environment

# One run of the command serves every test here: keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("benchmarks")

DATABASES = [
    pytest.param("SQLite", id="sqlite"),
    pytest.param("PostgreSQL", id="postgresql", marks=pytest.mark.postgresql),
]
STRATEGIES = {"transaction", "delete_rows", "drop_create", "fresh_database", "floor"}
SERVER_STRATEGIES = STRATEGIES | {"truncate"}


@dataclass(frozen=True)
class BenchmarkRun:
    exit_code: int
    output: str
    summaries: list[dict[str, Any]]


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory: pytest.TempPathFactory) -> BenchmarkRun:
    """20 tests per strategy in one round, on SQLite and, given a server, PostgreSQL."""
    results = tmp_path_factory.mktemp("benchmark")
    command = [sys.executable, "benchmarks/run.py", "--tests", "20", "--rounds", "1"]
    if server := os.environ.get("TEMPLATE_POSTGRESQL_URL"):
        command += ["--postgresql-url", server]
    completed = subprocess.run(
        [*command, "--out", str(results)],
        cwd=TEMPLATE,
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = completed.stdout[-4000:] + completed.stderr[-4000:]
    assert (results / "results.json").exists(), output
    figures = json.loads((results / "results.json").read_text())
    return BenchmarkRun(completed.returncode, output, figures["summaries"])


def summaries_on(
    database: str, benchmark: BenchmarkRun, request: pytest.FixtureRequest
) -> dict[str, dict[str, Any]]:
    """Each strategy's summary on ``database``; PostgreSQL needs the server (skip, or fail in
    CI, as every PostgreSQL test does)."""
    if database == "PostgreSQL":
        request.getfixturevalue("postgresql_server")
    return {s["strategy"]: s for s in benchmark.summaries if s["database"] == database}


@pytest.mark.parametrize("database", DATABASES)
def test_every_strategy_leaves_every_table_empty(
    database: str, benchmark: BenchmarkRun, request: pytest.FixtureRequest
) -> None:
    """Every run passed and left no row behind (the command exits 0 only then)."""
    summaries = summaries_on(database, benchmark, request)

    expected = SERVER_STRATEGIES if database == "PostgreSQL" else STRATEGIES
    verified = {key: summary["verified"] for key, summary in summaries.items()}
    assert verified == dict.fromkeys(expected, True), benchmark.output
    assert benchmark.exit_code == 0, benchmark.output


@pytest.mark.parametrize("database", DATABASES)
def test_the_conftests_isolation_costs_least_of_strategies_1_to_5(
    database: str, benchmark: BenchmarkRun, request: pytest.FixtureRequest
) -> None:
    """Median per-test overhead: the outer transaction beats deleting, truncating, recreating
    and fresh databases (the floor, strategy 6, is no real strategy)."""
    summaries = summaries_on(database, benchmark, request)

    medians = {key: s["median_seconds"] for key, s in summaries.items() if key != "floor"}
    assert min(medians, key=medians.__getitem__) == "transaction", medians
