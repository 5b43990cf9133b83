"""benchmarks/run.py, at a small size: every strategy leaves every table empty, the generated
conftest's isolation costs the least of strategies 1 to 5, and on PostgreSQL the generated CI's
shards run the scaling suite once between them."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from tests.conftest import TEMPLATE, child_environment

SQLITE_STRATEGIES = {"transaction", "delete_rows", "drop_create", "fresh_database", "floor"}
SERVER_STRATEGIES = SQLITE_STRATEGIES | {"truncate"}
# The scaling part at its smallest: one suite, in one round, at -n 0 and in shards.
SCALING_TESTS = 20
SMALL_SCALING = (
    "--scaling",
    *("--scaling-sizes", str(SCALING_TESTS), "--scaling-workers", "--scaling-rounds", "1"),
)


def run_benchmark(results: Path, *options: str) -> dict[str, Any]:
    """20 tests per strategy in one round, with ``options``; returns results.json. Fails unless
    the command exits 0, which it does only when every run passed and left no row behind."""
    command = [sys.executable, "benchmarks/run.py", "--tests", "20", "--rounds", "1", *options]
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
    assert completed.returncode == 0, output
    figures: dict[str, Any] = json.loads((results / "results.json").read_text())
    return figures


def summaries_on(figures: dict[str, Any], database: str) -> dict[str, dict[str, Any]]:
    """Each strategy's summary on ``database``."""
    return {s["strategy"]: s for s in figures["summaries"] if s["database"] == database}


def assert_verified_and_strategy_1_cheapest(
    summaries: dict[str, dict[str, Any]], strategies: set[str]
) -> None:
    """Every strategy ran with no row left, and the outer transaction beat deleting,
    truncating, recreating and fresh databases (the floor, strategy 6, is no real strategy)."""
    verified = {key: summary["verified"] for key, summary in summaries.items()}
    assert verified == dict.fromkeys(strategies, True)
    medians = {key: s["median_seconds"] for key, s in summaries.items() if key != "floor"}
    assert min(medians, key=medians.__getitem__) == "transaction", medians


def test_on_sqlite_every_strategy_is_clean_and_the_conftest_costs_least(tmp_path: Path) -> None:
    """SQLite: no strategy leaves a row, and strategy 1 has the least median overhead; the
    breakdown times the autouse fixtures of the modules conftest.py loads, outside the
    isolation."""
    summaries = summaries_on(run_benchmark(tmp_path), "SQLite")

    assert_verified_and_strategy_1_cheapest(summaries, SQLITE_STRATEGIES)
    conftest = summaries["transaction"]
    assert {"replayable_fake_data", "no_other_database"} <= set(conftest["fixture_medians"])
    assert "replayable_fake_data" not in conftest["isolation_fixtures"]


def assert_shards_ran_the_suite_once(sharded: dict[str, Any], serial_wall_seconds: float) -> None:
    """Three shards, each clean and each with a share of the suite, that add up to the suite;
    the speed-up is the -n 0 run's time over the slowest shard's, the spread slowest over
    fastest."""
    shards = sharded["shards"]
    assert [shard["number"] for shard in shards] == [1, 2, 3]
    assert all(shard["verified"] and shard["tests"] > 0 for shard in shards), shards
    assert sum(shard["tests"] for shard in shards) == sharded["tests"] == SCALING_TESTS
    assert sharded["durations_recorded"]
    times = [shard["wall_seconds"] for shard in shards]
    assert sharded["slowest_seconds"] == max(times)
    assert sharded["spread"] == pytest.approx(max(times) / min(times))
    assert sharded["speed_up"] == pytest.approx(serial_wall_seconds / max(times))


@pytest.mark.postgresql
def test_on_postgresql_strategies_are_clean_the_conftest_costs_least_and_shards_add_up(
    tmp_path: Path, postgresql_server: URL
) -> None:
    """PostgreSQL: no strategy leaves a row, strategy 1 has the least median overhead, and the
    shards, each on a database of its own, run the scaling suite once between them."""
    server = postgresql_server.render_as_string(hide_password=False)
    figures = run_benchmark(tmp_path, "--postgresql-url", server, "--no-sqlite", *SMALL_SCALING)

    assert_verified_and_strategy_1_cheapest(summaries_on(figures, "PostgreSQL"), SERVER_STRATEGIES)
    (serial,) = [p for p in figures["scaling"] if (p["tests"], p["workers"]) == (SCALING_TESTS, 0)]
    assert_shards_ran_the_suite_once(figures["shards"], serial["wall_seconds"])
    assert "| 3 of 3 |" in (tmp_path / "results.md").read_text()
