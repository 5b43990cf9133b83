"""Benchmark the generated conftest's test isolation against the alternatives, in one command.

    uv run python benchmarks/run.py [--tests 500] [--rounds 5] [--tables 12]
                                    [--postgresql-url URL] [--scaling] [--out benchmarks/results]

Renders the template with its default answers into a temporary folder, grows its schema to
--tables tables (schema.py), writes a suite of
--tests tests into it once per strategy, and runs the suites in --rounds interleaved rounds
(each round runs one slice of the suite under every strategy in turn, so that drift of the
machine hits every strategy alike): on SQLite always, on PostgreSQL when a server URL (a role
that may create databases) is given. --scaling adds suite size and pytest-xdist runs.

Writes results.md, results.json and chart.png to --out and prints the Markdown. Exits 1 if a
strategy's run failed or left a row behind: its figures are then marked void.
"""

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from project import (
    TEMPLATE,
    TEMPLATE_FOLDER,
    render_default_project,
    scaling_module,
    slice_module,
    write_scaling_suites,
    write_strategy_suites,
)
from pytest_runs import RunResult, run_pytest
from report import (
    POSTGRESQL,
    SQLITE,
    ScalingPoint,
    Summary,
    Target,
    draw_chart,
    isolation_targets,
    markdown,
    scaling_point,
    summarize,
)
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url
from strategies import Strategy, strategies_for

# A named in-memory database in shared-cache mode: the plugin's leak check can open a
# connection of its own to it, which a private in-memory database would not allow.
SQLITE_URL = make_url("sqlite:///file:isolation_benchmark?mode=memory&cache=shared&uri=true")
SCALING_SIZES = (100, 500, 2000)
SCALING_WORKERS = (1, 2)
SCALING_ROUNDS = 3


@dataclass(frozen=True)
class Database:
    name: str
    url: URL
    version: str

    @property
    def on_server(self) -> bool:
        return self.name == POSTGRESQL


def parse_arguments(arguments: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=500, help="tests in the suite (500)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (5)")
    parser.add_argument("--tables", type=int, default=12, help="tables in the schema (12)")
    parser.add_argument("--postgresql-url", type=make_url, help="a server, role with CREATEDB")
    parser.add_argument("--scaling", action="store_true", help="also time sizes and -n 0/1/2")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results", help="results folder"
    )
    return parser.parse_args(arguments)


def main(arguments: list[str]) -> int:
    options = parse_arguments(arguments)
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="isolation-benchmark-") as scratch:
        project = render_default_project(Path(scratch), options.tables)
        write_strategy_suites(project, options.tests, options.rounds)
        if options.scaling:
            write_scaling_suites(project, SCALING_SIZES)
        with test_databases(options.postgresql_url) as databases:
            summaries = benchmark_isolation(project, databases, options.rounds)
            scaling = benchmark_scaling(project, databases) if options.scaling else []
    context = describe_run(started, databases, options)
    targets = isolation_targets(summaries)
    write_results(options.out, context, summaries, targets, scaling)
    print((options.out / "results.md").read_text())
    verified = [summary.verified for summary in summaries] + [p.verified for p in scaling]
    return 0 if all(verified) else 1


@contextmanager
def test_databases(server: URL | None) -> Iterator[list[Database]]:
    """SQLite, and a PostgreSQL test database made for this run (dropped afterwards)."""
    databases = [Database(SQLITE, SQLITE_URL, f"SQLite {sqlite3.sqlite_version}")]
    if server is None:
        yield databases
        return
    name = f"isolation_benchmark_{uuid.uuid4().hex[:8]}_test"
    version = send_to_server(server, f'CREATE DATABASE "{name}"')
    try:
        yield [*databases, Database(POSTGRESQL, server.set(database=name), version)]
    finally:
        send_to_server(server, f'DROP DATABASE "{name}"')


def send_to_server(server: URL, statement: str) -> str:
    """Run ``statement`` outside any transaction; returns the server's version line, with the
    durability settings that decide what a real COMMIT costs (TRUNCATE, DELETE and drop/create
    commit after every test; the rollback strategies never do)."""
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(statement)
            settings = {
                name: connection.exec_driver_sql(f"SHOW {name}").scalar()
                for name in ("server_version", "fsync", "synchronous_commit")
            }
            return (
                f"PostgreSQL {settings['server_version']} (fsync {settings['fsync']}, "
                f"synchronous_commit {settings['synchronous_commit']})"
            )
    finally:
        engine.dispose()


def rotated(strategies: tuple[Strategy, ...], round_number: int) -> tuple[Strategy, ...]:
    """Each round starts with another strategy, so that none always runs first."""
    turn = round_number % len(strategies)
    return strategies[turn:] + strategies[:turn]


def benchmark_isolation(project: Path, databases: list[Database], rounds: int) -> list[Summary]:
    """Every strategy on every database, one slice per round, in turn."""
    runs: dict[tuple[str, Strategy], list[RunResult]] = {
        (database.name, strategy): []
        for database in databases
        for strategy in strategies_for(database.on_server)
    }
    for round_number in range(rounds):
        for database in databases:
            for strategy in rotated(strategies_for(database.on_server), round_number):
                module = slice_module(project, strategy, round_number)
                result = run_pytest(project, module, database.url)
                progress(
                    f"round {round_number + 1}/{rounds}, {database.name}, {strategy.key}", result
                )
                runs[database.name, strategy].append(result)
    return [
        summarize(database, strategy, results) for (database, strategy), results in runs.items()
    ]


def benchmark_scaling(project: Path, databases: list[Database]) -> list[ScalingPoint]:
    """Strategy 1 at every suite size with -n 0 and, on PostgreSQL, the largest with -n 1, 2."""
    largest = max(SCALING_SIZES)
    configurations = [
        (database, tests, workers)
        for database in databases
        for tests, workers in [(size, 0) for size in SCALING_SIZES]
        + ([(largest, workers) for workers in SCALING_WORKERS] if database.on_server else [])
    ]
    runs: dict[tuple[Database, int, int], list[RunResult]] = {key: [] for key in configurations}
    for round_number in range(SCALING_ROUNDS):
        for database, tests, workers in configurations:
            module = scaling_module(project, tests)
            result = run_pytest(project, module, database.url, workers)
            label = f"scaling round {round_number + 1}/{SCALING_ROUNDS}, {database.name}"
            progress(f"{label}, {tests} tests, -n {workers}", result)
            runs[database, tests, workers].append(result)
    return [
        scaling_point(database.name, tests, workers, results)
        for (database, tests, workers), results in runs.items()
    ]


def progress(label: str, result: RunResult) -> None:
    status = "passed" if result.passed else f"FAILED\n{result.output}"
    print(f"{label}: {result.wall_seconds:.1f} s, {status}", file=sys.stderr, flush=True)


def describe_run(started: datetime, databases: list[Database], options: argparse.Namespace) -> str:
    """Date, hardware, versions, load, and what the figures mean."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    versions = ", ".join(database.version for database in databases)
    return (
        f"{started:%Y-%m-%d}: {cpu_model()}, {os.cpu_count()} cores; Python "
        f"{platform.python_version()}, {versions}; load average at the end {load}. "
        f"Template {template_version()}, its schema grown to {options.tables} tables; "
        f"{options.tests} tests per strategy in {options.rounds} interleaved rounds.\n\n"
        "*Overhead per test*: setup plus teardown of the fixtures a test asks for to get its "
        "database (`session`, `client`) and of the function-scoped fixtures they need, as the "
        "project's conftests define them (tests/conftest.py, and the strategy's); autouse "
        "fixtures run whatever the strategy and are not counted. Timed inside pytest with "
        "`time.perf_counter`. *Suite*: the in-process test loops of all rounds, "
        "the once-per-run setup counted once. *Rows left*: every table counted from a "
        "connection of its own after the last test; a strategy that failed or left a row is "
        "void (struck through)."
    )


def template_version() -> str:
    """The commit the template was rendered from, and whether its files had changes on top."""

    def git(*arguments: str) -> str:
        command = ["git", "-C", str(TEMPLATE), *arguments]
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout

    changed = git("status", "--porcelain", "--", TEMPLATE_FOLDER).strip()
    return git("rev-parse", "--short", "HEAD").strip() + (
        " with uncommitted changes" if changed else ""
    )


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def write_results(
    folder: Path,
    context: str,
    summaries: list[Summary],
    targets: list[Target],
    scaling: list[ScalingPoint],
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.md").write_text(markdown(context, summaries, targets, scaling))
    draw_chart(summaries, scaling, folder / "chart.png")
    figures = {
        "summaries": [
            {**asdict(summary), "strategy": summary.strategy.key, "verified": summary.verified}
            for summary in summaries
        ],
        "targets": [{**asdict(target), "met": target.met} for target in targets],
        "scaling": [asdict(point) for point in scaling],
    }
    (folder / "results.json").write_text(json.dumps(figures, indent=2, default=sorted) + "\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
