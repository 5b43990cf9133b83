"""benchmarks/run.py, at a small size: every strategy leaves every table empty, and the
generated conftest's isolation costs the least of strategies 1 to 5."""

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


def run_benchmark(results: Path, server: URL | None = None) -> dict[str, dict[str, Any]]:
    """20 tests per strategy in one round, on SQLite, or on SQLite and the server's PostgreSQL;
    returns each strategy's summary on the last database. Fails unless the command exits 0,
    which it does only when every strategy's run passed and left no row behind."""
    command = [sys.executable, "benchmarks/run.py", "--tests", "20", "--rounds", "1"]
    if server is not None:
        command += ["--postgresql-url", server.render_as_string(hide_password=False)]
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
    database = "SQLite" if server is None else "PostgreSQL"
    summaries = json.loads((results / "results.json").read_text())["summaries"]
    return {s["strategy"]: s for s in summaries if s["database"] == database}


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
    """SQLite: no strategy leaves a row, and strategy 1 has the least median overhead."""
    assert_verified_and_strategy_1_cheapest(run_benchmark(tmp_path), SQLITE_STRATEGIES)


@pytest.mark.postgresql
def test_on_postgresql_every_strategy_is_clean_and_the_conftest_costs_least(
    tmp_path: Path, postgresql_server: URL
) -> None:
    """PostgreSQL: no strategy leaves a row, and strategy 1 has the least median overhead."""
    summaries = run_benchmark(tmp_path, postgresql_server)

    assert_verified_and_strategy_1_cheapest(summaries, SERVER_STRATEGIES)
