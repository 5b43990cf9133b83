"""Benchmark the generated conftest's test isolation against the alternatives, in one command.

    uv run python benchmarks/run.py [--tests 500] [--rounds 5] [--tables 12]
                                    [--postgresql-url URL] [--no-sqlite]
                                    [--scaling] [--scaling-sizes 100 500 2000]
                                    [--scaling-workers 1 2] [--scaling-rounds 3]
                                    [--out benchmarks/results]

Renders the template with its default answers into a temporary folder, grows its schema to
--tables tables (schema.py), writes a suite of
--tests tests into it once per strategy, and runs the suites in --rounds interleaved rounds
(each round runs one slice of the suite under every strategy in turn, so that drift of the
machine hits every strategy alike): on SQLite unless --no-sqlite, on PostgreSQL when a server
URL (a role that may create databases) is given. --scaling adds suite sizes, pytest-xdist runs
and, on PostgreSQL, the largest suite split into the generated CI's shards.

Writes results.md, results.json and chart.png to --out and prints the Markdown. Exits 1 if a
strategy's run failed or left a row behind, or if the shards failed, left a row or did not run
the whole suite between them: their figures are then marked void.
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
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
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
    ShardedLayout,
    Summary,
    Target,
    draw_chart,
    isolation_targets,
    markdown,
    scaling_point,
    shard_point,
    summarize,
)
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url
from strategies import Strategy, strategies_for

# A named in-memory database in shared-cache mode: the plugin's leak check can open a
# connection of its own to it, which a private in-memory database would not allow.
SQLITE_URL = make_url("sqlite:///file:isolation_benchmark?mode=memory&cache=shared&uri=true")
SCALING_SIZES = [100, 500, 2000]
SCALING_WORKERS = [1, 2]
SCALING_ROUNDS = 3
# As many shards as the generated CI's matrix lists, split as its shards are.
SHARDS = 3
SPLITTING_ALGORITHM = "least_duration"


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
    parser.add_argument(
        "--sqlite", action=argparse.BooleanOptionalAction, default=True, help="run on SQLite"
    )
    parser.add_argument(
        "--scaling", action="store_true", help="also time sizes, -n 0/1/2 and shards"
    )
    parser.add_argument(
        "--scaling-sizes", type=int, nargs="+", default=SCALING_SIZES, help="(100 500 2000)"
    )
    parser.add_argument(
        "--scaling-workers", type=int, nargs="*", default=SCALING_WORKERS, help="-n besides 0 (1 2)"
    )
    parser.add_argument("--scaling-rounds", type=int, default=SCALING_ROUNDS, help="(3)")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results", help="results folder"
    )
    options = parser.parse_args(arguments)
    if not options.sqlite and options.postgresql_url is None:
        parser.error("--no-sqlite needs --postgresql-url: there is no database left to run on")
    return options


def main(arguments: list[str]) -> int:
    options = parse_arguments(arguments)
    started, load_at_start = datetime.now(UTC), load_average()
    with tempfile.TemporaryDirectory(prefix="isolation-benchmark-") as scratch:
        project = render_default_project(Path(scratch), options.tables)
        write_strategy_suites(project, options.tests, options.rounds)
        if options.scaling:
            write_scaling_suites(project, options.scaling_sizes)
        with test_databases(options.postgresql_url, options.sqlite) as databases:
            summaries = benchmark_isolation(project, databases, options.rounds)
            scaling: list[ScalingPoint] = []
            sharded = None
            if options.scaling:
                scaling, sharded = benchmark_scaling(project, databases, options)
    context = describe_run(started, load_at_start, databases, options)
    targets = isolation_targets(summaries)
    write_results(options.out, context, summaries, targets, scaling, sharded)
    print((options.out / "results.md").read_text())
    verified = [summary.verified for summary in summaries] + [p.verified for p in scaling]
    return 0 if all(verified) and (sharded is None or sharded.verified) else 1


@contextmanager
def test_databases(server: URL | None, on_sqlite: bool) -> Iterator[list[Database]]:
    """SQLite (if ``on_sqlite``), and a PostgreSQL test database made for this run."""
    sqlite = Database(SQLITE, SQLITE_URL, f"SQLite {sqlite3.sqlite_version}")
    databases = [sqlite] if on_sqlite else []
    if server is None:
        yield databases
        return
    with server_database(server, purpose="") as (url, version):
        yield [*databases, Database(POSTGRESQL, url, version)]


@contextmanager
def server_database(server: URL, purpose: str) -> Iterator[tuple[URL, str]]:
    """A test database made on ``server`` (dropped afterwards): its URL and the server's
    version line. ``purpose`` goes into its name."""
    name = f"isolation_benchmark_{uuid.uuid4().hex[:8]}{purpose}_test"
    version = send_to_server(server, f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name), version
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


def shard_options(number: int, shards: int, durations: Path) -> list[str]:
    """pytest-split's options for shard ``number`` (from 1), as the generated CI gives them."""
    return [
        f"--splits={shards}",
        f"--group={number}",
        f"--durations-path={durations}",
        f"--splitting-algorithm={SPLITTING_ALGORITHM}",
    ]


def benchmark_scaling(
    project: Path, databases: list[Database], options: argparse.Namespace
) -> tuple[list[ScalingPoint], ShardedLayout | None]:
    """Strategy 1 at every suite size with -n 0 and, on PostgreSQL, the largest at each
    --scaling-workers -n and in shards."""
    server = next((database for database in databases if database.on_server), None)
    if server is None:
        return time_scaling(project, databases, options, shards=[])[0], None
    largest = max(options.scaling_sizes)
    durations = project / ".test_durations"
    recording = run_pytest(
        project,
        scaling_module(project, largest),
        server.url,
        options=["--store-durations", f"--durations-path={durations}"],
    )
    progress(f"recording durations, {server.name}, {largest} tests", recording)
    with shard_databases(options.postgresql_url, SHARDS) as urls:
        shards = [
            (url, shard_options(number, len(urls), durations))
            for number, url in enumerate(urls, start=1)
        ]
        points, shard_runs = time_scaling(project, databases, options, shards)
    serial = next(
        p for p in points if p.database == server.name and (p.tests, p.workers) == (largest, 0)
    )
    sharded = ShardedLayout(
        tests=largest,
        shards=[shard_point(number, runs) for number, runs in enumerate(shard_runs, start=1)],
        serial_wall_seconds=serial.wall_seconds,
        durations_recorded=recording.verified,
    )
    return points, sharded


@contextmanager
def shard_databases(server: URL, shards: int) -> Iterator[list[URL]]:
    """A test database per shard, as each CI runner has a server of its own."""
    with ExitStack() as stack:
        yield [
            stack.enter_context(server_database(server, f"_shard_{number}"))[0]
            for number in range(1, shards + 1)
        ]


def time_scaling(
    project: Path,
    databases: list[Database],
    options: argparse.Namespace,
    shards: list[tuple[URL, list[str]]],
) -> tuple[list[ScalingPoint], list[list[RunResult]]]:
    """Every configuration, then every shard of the largest suite (its database, its options),
    once per round; returns the configurations' points and each shard's runs."""
    largest = max(options.scaling_sizes)
    configurations = [
        (database, tests, workers)
        for database in databases
        for tests, workers in [(size, 0) for size in options.scaling_sizes]
        + ([(largest, n) for n in options.scaling_workers] if database.on_server else [])
    ]
    runs: dict[tuple[Database, int, int], list[RunResult]] = {key: [] for key in configurations}
    shard_runs: list[list[RunResult]] = [[] for _ in shards]
    module = partial(scaling_module, project)
    rounds = options.scaling_rounds
    for round_number in range(rounds):
        label = f"scaling round {round_number + 1}/{rounds}"
        for database, tests, workers in configurations:
            result = run_pytest(project, module(tests), database.url, workers)
            progress(f"{label}, {database.name}, {tests} tests, -n {workers}", result)
            runs[database, tests, workers].append(result)
        for number, (url, split) in enumerate(shards, start=1):
            result = run_pytest(project, module(largest), url, options=split)
            progress(f"{label}, {POSTGRESQL}, {largest} tests, shard {number}", result)
            shard_runs[number - 1].append(result)
    points = [
        scaling_point(database.name, tests, workers, results)
        for (database, tests, workers), results in runs.items()
    ]
    return points, shard_runs


def progress(label: str, result: RunResult) -> None:
    status = "passed" if result.passed else f"FAILED\n{result.output}"
    print(f"{label}: {result.wall_seconds:.1f} s, {status}", file=sys.stderr, flush=True)


def load_average() -> str:
    """The machine's load over the last 1, 5 and 15 minutes: above its cores, runs waited."""
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def describe_run(
    started: datetime, load_at_start: str, databases: list[Database], options: argparse.Namespace
) -> str:
    """Date, hardware, versions, load, and what the figures mean."""
    versions = ", ".join(database.version for database in databases)
    return (
        f"{started:%Y-%m-%d}: {cpu_model()}, {os.cpu_count()} cores; Python "
        f"{platform.python_version()}, {versions}; load average (1, 5, 15 minutes) at the "
        f"start {load_at_start}, at the end {load_average()}. "
        f"Template {template_version()}, its schema grown to {options.tables} tables; "
        f"{options.tests} tests per strategy in {options.rounds} interleaved rounds"
        f"{scaling_sizes(options)}.\n\n"
        "*Overhead per test*: setup plus teardown of the fixtures a test asks for to get its "
        "database (`session`, `client`) and of the function-scoped fixtures they need, as the "
        "project defines them (tests/conftest.py, the database_isolation/ modules it loads, "
        "and the strategy's conftest); autouse fixtures run whatever the strategy and are "
        "not counted (the breakdown shows them in parentheses). Timed inside pytest with "
        "`time.perf_counter`. *Suite*: the in-process test loops of all rounds, "
        "the once-per-run setup counted once. *Rows left*: every table counted from a "
        "connection of its own after the last test; a strategy that failed or left a row is "
        "void (struck through)."
    )


def scaling_sizes(options: argparse.Namespace) -> str:
    if not options.scaling:
        return ""
    sizes = ", ".join(str(size) for size in options.scaling_sizes)
    return f"; scaling: suites of {sizes} tests in {options.scaling_rounds} interleaved rounds"


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
    sharded: ShardedLayout | None,
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.md").write_text(markdown(context, summaries, targets, scaling, sharded))
    draw_chart(summaries, scaling, sharded, folder / "chart.png")
    figures = {
        "summaries": [
            {**asdict(summary), "strategy": summary.strategy.key, "verified": summary.verified}
            for summary in summaries
        ],
        "targets": [{**asdict(target), "met": target.met} for target in targets],
        "scaling": [asdict(point) for point in scaling],
        "shards": sharded_figures(sharded),
    }
    (folder / "results.json").write_text(json.dumps(figures, indent=2, default=sorted) + "\n")


def sharded_figures(sharded: ShardedLayout | None) -> dict[str, object] | None:
    if sharded is None:
        return None
    derived = ("slowest_seconds", "spread", "speed_up", "verified")
    return {**asdict(sharded), **{name: getattr(sharded, name) for name in derived}}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
